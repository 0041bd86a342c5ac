#pragma once
// What a change to a spec project does (`segmint diff`): each segment added, removed, unchanged or changed (rules
// compared as `fmt` prints them, so a change of layout is no change), a changed rule's relation to its old version
// proved by the solver, and on data, the customers who entered, left or stayed; the constraint results that moved.
// Two versions are two checked catalogs (and their projects); the CLI brings them from git revisions or folders.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/constraints.h"
#include "analysis/static_proofs.h"
#include "data/bitmap.h"
#include "data/table.h"
#include "project/project.h"
#include "scalar/scalar.h"
#include "semantic/catalog.h"

namespace segmint::analysis {

enum class SegmentChange { Added, Removed, Unchanged, Changed };
const char* segment_change_name(SegmentChange change);  // "added", "removed", "unchanged", "changed"

// A changed rule's new version against its old one, for every possible customer.
enum class RuleRelation {
    NotCompared,  // not a changed rule, or only its title changed
    Equivalent,   // the same members for every customer
    Narrower,     // every new member was an old member, and some old member is not any more
    Broader,      // every old member is still a member, and some customer joins
    Different,    // customers leave and others join (or the two never share a member)
    Unknown,      // the solver gave no answer, or the old rule cannot be checked against the new schema
};
const char* rule_relation_name(RuleRelation relation);  // "", "equivalent", "narrower", ...

// Customers of one data set moving in or out of a segment between the versions.
struct MembershipShift {
    uint64_t entered = 0, left = 0, stayed = 0;
    std::vector<std::string> entered_keys, left_keys, stayed_keys;  // up to kMaxSamples each, in row order
};

struct SegmentDiff {
    std::string name;
    SegmentChange change = SegmentChange::Unchanged;
    bool rule_changed = false;
    bool title_changed = false;
    std::optional<std::string> old_title, new_title;
    std::string old_rule, new_rule;  // the rule as `fmt` writes it, on one line; "" in the version without it
    std::string file;                // where the segment is defined: the new version's file, the old one's if removed
    uint32_t line = 0;
    RuleRelation relation = RuleRelation::NotCompared;
    std::string relation_reason;             // for Unknown: why
    std::optional<MembershipShift> members;  // with data
};

// One constraint's outcome in one version: with data, "pass" or "fail" as validate decides it (the data, and a proof
// that refutes it); without, its proof ("proved", "refuted", "unknown", "skipped").
struct ConstraintOutcome {
    std::string verdict;
    std::string message;
};

// A constraint whose outcome differs between the versions (or that exists in one only: its outcome is absent there).
struct ConstraintChange {
    std::string description;  // "disjoint: vip, churn_risk"
    std::string file;         // the segmint.yaml of the new version (the old one if removed)
    uint32_t line = 0;
    std::optional<ConstraintOutcome> before, after;
};

struct RevisionDiff {
    std::vector<SegmentDiff> segments;  // by name
    std::vector<ConstraintChange> constraints;
    std::optional<uint64_t> rows;  // with data: how many customers both versions were evaluated on
    size_t count(SegmentChange change) const;
    // True when a segment was added, removed or changed, or a constraint outcome moved.
    bool changed() const;
};

// Every segment of the two catalogs by name, with its status (rules compared in fmt's layout, titles apart).
std::vector<SegmentDiff> compare_segments(const semantic::Catalog& before, const semantic::Catalog& after);

// The relation of each changed rule to its old version: the old catalog's segments are renamed (their references
// too) and checked with the new ones in one catalog over the new schema, and the prover asks about each pair.
void add_relations(std::vector<SegmentDiff>& diffs, const semantic::Catalog& before, const semantic::Catalog& after,
                   scalar::AsOf as_of, unsigned timeout_ms);

// Entered/left/stayed of every segment; memberships are indexed like each catalog's segments, over the same rows of
// `table` (the keys come from it).
void add_membership_shifts(std::vector<SegmentDiff>& diffs, const semantic::Catalog& before,
                           const std::vector<data::Bitmap>& before_members, const semantic::Catalog& after,
                           const std::vector<data::Bitmap>& after_members, const data::Table& table);

// One version's constraint results, as validate reaches them: `proofs` always, `results` (same order) with data.
struct ConstraintResults {
    const project::Project* project = nullptr;  // null: the version has no project, so no constraints
    std::vector<ConstraintProof> proofs;
    std::vector<ConstraintResult> results;
};
// The constraints (matched by their text in segmint.yaml, spaces aside) whose outcome differs.
std::vector<ConstraintChange> compare_constraints(const ConstraintResults& before, const ConstraintResults& after);

}  // namespace segmint::analysis
