#pragma once
// Constraints and catalog lints decided for every possible customer by the prover (src/prove), not on a data
// sample: `segmint prove`, and `validate` before it looks at data (docs/prove.md).
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/diagnostic.h"
#include "project/project.h"
#include "prove/prover.h"
#include "semantic/catalog.h"

namespace segmint::analysis {

enum class ProofStatus { Proved, Refuted, Unknown, Skipped };
const char* proof_status_name(ProofStatus status);  // "proved", "refuted", "unknown", "skipped"

// A customer that breaks a constraint, with its membership of the constraint's segments (computed by the VM).
struct Counterexample {
    prove::Witness customer;
    std::vector<std::string> in;      // the constraint's segments the customer is a member of
    std::vector<std::string> not_in;  // the constraint's other segments
};

struct ConstraintProof {
    const project::Constraint* constraint = nullptr;
    ProofStatus status = ProofStatus::Unknown;
    std::string message;  // one line: what was proved, what the counterexample shows, or why it is unknown/skipped
    std::optional<Counterexample> counterexample;  // when refuted
};

// Whether the prover decides this kind of constraint (disjoint, subset, partition); size and max_overlap need data.
bool provable(project::ConstraintKind kind);

// Decides every constraint of the project (size and max_overlap are Skipped). Its segments must be in
// `segment_index` (check_constraint_segments first).
std::vector<ConstraintProof> prove_constraints(const project::Project& project,
                                               const std::unordered_map<std::string, size_t>& segment_index,
                                               prove::Prover& prover);

struct Lint {
    std::string segment;  // the segment it is about (P002: the later of the two)
    Diagnostic diagnostic;
};

struct CatalogLints {
    std::vector<Lint> lints;         // in catalog order: every P001, then P002, then P003
    size_t undecided_segments = 0;   // segments whose rules the prover could not decide (no lint is said of them)
    size_t undecided_by_solver = 0;  // of those, the ones the solver gave no answer for (timeout, canceled, ...)
    std::vector<std::string> solver_reasons;  // the solver's distinct reasons for them ("timeout")
    size_t equality_pairs_skipped =
        0;  // P002 not looked for: this many candidate pairs, past limits::kMaxEqualityPairs
};

// The catalog lints, as diagnostics at the segment or condition: P001 a segment no customer can match (error),
// P002 two segments with the same members for every customer (warning, at the later one, with a note at the first;
// not for an alias `segment b: a`, which says so itself), P003 an operand of an `and`/`or` that never changes the
// membership (warning, naming the part).
CatalogLints lint_catalog(const semantic::Catalog& catalog, prove::Prover& prover);

}  // namespace segmint::analysis
