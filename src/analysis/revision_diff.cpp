#include "analysis/revision_diff.h"

#include <algorithm>
#include <map>

#include "analysis/bitmap_ops.h"
#include "ast/format.h"
#include "project/fixture.h"
#include "prove/prover.h"
#include "syntax/parse.h"

namespace segmint::analysis {

const char* segment_change_name(SegmentChange change) {
    switch (change) {
        case SegmentChange::Added: return "added";
        case SegmentChange::Removed: return "removed";
        case SegmentChange::Unchanged: return "unchanged";
        case SegmentChange::Changed: return "changed";
    }
    return "unchanged";
}

const char* rule_relation_name(RuleRelation relation) {
    switch (relation) {
        case RuleRelation::NotCompared: return "";
        case RuleRelation::Equivalent: return "equivalent";
        case RuleRelation::Narrower: return "narrower";
        case RuleRelation::Broader: return "broader";
        case RuleRelation::Different: return "different";
        case RuleRelation::Unknown: return "unknown";
    }
    return "";
}

size_t RevisionDiff::count(SegmentChange change) const {
    return static_cast<size_t>(
        std::count_if(segments.begin(), segments.end(), [&](const SegmentDiff& d) { return d.change == change; }));
}

bool RevisionDiff::changed() const {
    return !constraints.empty() ||
           count(SegmentChange::Added) + count(SegmentChange::Removed) + count(SegmentChange::Changed) > 0;
}

namespace {

// The rule as fmt writes it ("" for a definition whose rule did not parse; such a catalog has errors anyway).
std::string rule_text(const ast::Definition& definition) {
    return definition.rule ? ast::format_expr(*definition.rule) : std::string();
}

std::map<std::string, size_t> by_name(const semantic::Catalog& catalog) {
    std::map<std::string, size_t> out;
    for (size_t i = 0; i < catalog.segments.size(); ++i) out.emplace(catalog.segments[i].name, i);
    return out;
}

void locate(SegmentDiff& diff, const semantic::Catalog& catalog, size_t segment) {
    const Source& source = *catalog.files[catalog.segments[segment].file].source;
    diff.file = source.name();
    diff.line = source.location(catalog.definition(segment).name_span.begin).line;
}

}  // namespace

std::vector<SegmentDiff> compare_segments(const semantic::Catalog& before, const semantic::Catalog& after) {
    const auto old_names = by_name(before), new_names = by_name(after);
    std::map<std::string, SegmentDiff> diffs;
    for (const auto& [name, index] : old_names) {
        SegmentDiff& diff = diffs[name];
        diff.name = name;
        diff.change = SegmentChange::Removed;
        diff.old_title = before.definition(index).title;
        diff.old_rule = rule_text(before.definition(index));
        locate(diff, before, index);
    }
    for (const auto& [name, index] : new_names) {
        SegmentDiff& diff = diffs[name];
        const bool existed = diff.change == SegmentChange::Removed;
        diff.name = name;
        diff.new_title = after.definition(index).title;
        diff.new_rule = rule_text(after.definition(index));
        locate(diff, after, index);
        if (!existed) {
            diff.change = SegmentChange::Added;
            continue;
        }
        diff.rule_changed = diff.old_rule != diff.new_rule;
        diff.title_changed = diff.old_title != diff.new_title;
        diff.change = diff.rule_changed || diff.title_changed ? SegmentChange::Changed : SegmentChange::Unchanged;
    }
    std::vector<SegmentDiff> out;
    for (auto& entry : diffs) out.push_back(std::move(entry.second));
    return out;
}

namespace {

// A name no segment of the new catalog has: the old version of `name`.
std::string old_name(const std::string& name, const semantic::Catalog& after) {
    std::string renamed = "before__" + name;
    while (after.segment_index.count(renamed) > 0) renamed = "before_" + renamed;
    return renamed;
}

// Renames the segment references of a fresh parse of an old file (node ids as in the old catalog's tables).
void rename_references(ast::Expr& expr, const semantic::Catalog& before, size_t file,
                       const std::vector<std::string>& renamed) {
    if (expr.kind == ast::ExprKind::Name && expr.id < before.tables[file].resolutions.size()) {
        const semantic::Resolution& resolution = before.tables[file].resolutions[expr.id];
        if (resolution.kind == semantic::Resolution::Kind::Segment) expr.name = renamed.at(resolution.index);
    }
    for (auto& arg : expr.args) rename_references(*arg, before, file, renamed);
}

RuleRelation relation_of(prove::Relation relation) {
    switch (relation) {
        case prove::Relation::Equal: return RuleRelation::Equivalent;
        case prove::Relation::AInsideB: return RuleRelation::Broader;  // A is the old rule: all of it is still in
        case prove::Relation::BInsideA: return RuleRelation::Narrower;
        case prove::Relation::Disjoint:
        case prove::Relation::Overlapping: return RuleRelation::Different;
        case prove::Relation::Unknown: break;
    }
    return RuleRelation::Unknown;
}

std::string unknown_reason(const prove::RelationResult& result) {
    for (const prove::RegionResult* region : {&result.a_only, &result.b_only, &result.both}) {
        if (region->emptiness == prove::Emptiness::Unknown && !region->reason.empty()) return region->reason;
    }
    return "the solver gave no answer";
}

}  // namespace

void add_relations(std::vector<SegmentDiff>& diffs, const semantic::Catalog& before, const semantic::Catalog& after,
                   scalar::AsOf as_of, unsigned timeout_ms) {
    const bool any = std::any_of(diffs.begin(), diffs.end(), [](const SegmentDiff& d) { return d.rule_changed; });
    if (!any) return;
    std::vector<std::string> renamed;
    for (const auto& segment : before.segments) renamed.push_back(old_name(segment.name, after));
    // Fresh parses of both versions' files (the catalogs own theirs): the new files as they are, the old ones with
    // every definition and reference renamed, checked together so the prover sees both versions in one catalog.
    DiagnosticSink ignored;
    std::vector<ast::File> files;
    for (const auto& file : after.files) files.push_back(syntax::parse(file.source, ignored));
    for (size_t f = 0; f < before.files.size(); ++f) {
        ast::File file = syntax::parse(before.files[f].source, ignored);
        for (auto& definition : file.definitions) {
            auto it = before.segment_index.find(definition.name);
            if (it != before.segment_index.end()) definition.name = renamed[it->second];
            if (definition.rule) rename_references(*definition.rule, before, f, renamed);
        }
        files.push_back(std::move(file));
    }
    const semantic::Catalog merged = semantic::check(std::move(files), *after.schema, ignored);
    prove::Prover prover(merged, as_of, {timeout_ms, false});
    for (SegmentDiff& diff : diffs) {
        if (!diff.rule_changed) continue;
        diff.relation = RuleRelation::Unknown;
        const auto old_it = merged.segment_index.find(renamed[before.segment_index.at(diff.name)]);
        const auto new_it = merged.segment_index.find(diff.name);
        if (old_it == merged.segment_index.end() || new_it == merged.segment_index.end() ||
            !merged.segments[old_it->second].valid || !merged.segments[new_it->second].valid) {
            diff.relation_reason = "the old rule does not check against the new schema";
            continue;
        }
        const prove::RelationResult result =
            prover.relation(static_cast<uint32_t>(old_it->second), static_cast<uint32_t>(new_it->second));
        diff.relation = relation_of(result.relation);
        if (diff.relation == RuleRelation::Unknown) diff.relation_reason = unknown_reason(result);
    }
}

namespace {

struct Shift {
    uint64_t count = 0;
    std::vector<std::string>* keys = nullptr;
};

}  // namespace

void add_membership_shifts(std::vector<SegmentDiff>& diffs, const semantic::Catalog& before,
                           const std::vector<data::Bitmap>& before_members, const semantic::Catalog& after,
                           const std::vector<data::Bitmap>& after_members, const data::Table& table) {
    const data::Bitmap none(table.rows());
    for (SegmentDiff& diff : diffs) {
        auto old_it = before.segment_index.find(diff.name);
        auto new_it = after.segment_index.find(diff.name);
        const data::Bitmap& old_set = old_it == before.segment_index.end() ? none : before_members.at(old_it->second);
        const data::Bitmap& new_set = new_it == after.segment_index.end() ? none : after_members.at(new_it->second);
        MembershipShift shift;
        const uint64_t words = data::words_for_bits(table.rows());
        auto keys = [&](std::vector<std::string>& out, auto word) {
            for (uint64_t row : first_rows(words, word, kMaxSamples)) out.push_back(project::key_text(table, row));
        };
        const uint64_t *o = old_set.words(), *n = new_set.words();
        shift.stayed = intersection_count(old_set, new_set);
        shift.entered = new_set.count() - shift.stayed;
        shift.left = old_set.count() - shift.stayed;
        keys(shift.entered_keys, [&](uint64_t w) { return n[w] & ~o[w]; });
        keys(shift.left_keys, [&](uint64_t w) { return o[w] & ~n[w]; });
        keys(shift.stayed_keys, [&](uint64_t w) { return o[w] & n[w]; });
        diff.members = std::move(shift);
    }
}

namespace {

// A constraint's identity across versions: its entry in segmint.yaml without spaces.
std::string constraint_key(const project::Project& project, const project::Constraint& constraint) {
    std::string key;
    const std::string& text = project.source->text();
    for (uint32_t i = constraint.span.begin; i < constraint.span.end && i < text.size(); ++i) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') key += text[i];
    }
    return key;
}

std::string description(const project::Constraint& constraint) {
    std::string out = std::string(project::constraint_kind_name(constraint.kind)) + ":";
    for (size_t i = 0; i < constraint.segments.size(); ++i) out += (i == 0 ? " " : ", ") + constraint.segments[i].name;
    return out;
}

struct Entry {
    const project::Constraint* constraint = nullptr;
    const project::Project* project = nullptr;
    ConstraintOutcome outcome;
};

std::map<std::string, Entry> outcomes(const ConstraintResults& version) {
    std::map<std::string, Entry> out;
    if (!version.project) return out;
    for (size_t i = 0; i < version.proofs.size(); ++i) {
        const ConstraintProof& proof = version.proofs[i];
        Entry entry{proof.constraint, version.project, {}};
        if (i < version.results.size()) {
            const bool refuted = proof.status == ProofStatus::Refuted;
            entry.outcome.verdict = version.results[i].passed && !refuted ? "pass" : "fail";
            entry.outcome.message = version.results[i].message;
            if (refuted) entry.outcome.message += "; refuted by a proof: " + proof.message;
        } else {
            entry.outcome = {proof_status_name(proof.status), proof.message};
        }
        out.emplace(constraint_key(*version.project, *proof.constraint), std::move(entry));
    }
    return out;
}

}  // namespace

std::vector<ConstraintChange> compare_constraints(const ConstraintResults& before, const ConstraintResults& after) {
    const auto old_outcomes = outcomes(before), new_outcomes = outcomes(after);
    std::vector<ConstraintChange> out;
    auto add = [&](const Entry& shown, const Entry* old_entry, const Entry* new_entry) {
        ConstraintChange change;
        change.description = description(*shown.constraint);
        change.file = shown.project->source->name();
        change.line = shown.constraint->line;
        if (old_entry) change.before = old_entry->outcome;
        if (new_entry) change.after = new_entry->outcome;
        out.push_back(std::move(change));
    };
    // In the new project's order, then the removed ones in the old project's.
    std::vector<std::pair<uint32_t, const std::string*>> order;
    for (const auto& [key, entry] : new_outcomes) order.emplace_back(entry.constraint->line, &key);
    std::sort(order.begin(), order.end());
    for (const auto& [line, key] : order) {
        const Entry& entry = new_outcomes.at(*key);
        auto old_it = old_outcomes.find(*key);
        if (old_it == old_outcomes.end()) {
            add(entry, nullptr, &entry);
        } else if (old_it->second.outcome.verdict != entry.outcome.verdict) {
            add(entry, &old_it->second, &entry);
        }
    }
    order.clear();
    for (const auto& [key, entry] : old_outcomes) {
        if (new_outcomes.count(key) == 0) order.emplace_back(entry.constraint->line, &key);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [line, key] : order) add(old_outcomes.at(*key), &old_outcomes.at(*key), nullptr);
    return out;
}

}  // namespace segmint::analysis
