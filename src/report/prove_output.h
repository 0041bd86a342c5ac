#pragma once
// What `segmint prove` (and `validate` without data) found, as text, JSON and CI check results: each constraint
// proved, refuted with a counterexample customer, unknown or skipped, and the catalog lints. A counterexample is
// printed as a fixture file (docs/projects.md) that `segmint test` accepts as it is.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/static_proofs.h"
#include "report/ci_report.h"
#include "schema/schema.h"

namespace segmint::report {

// The counterexample as a fixture file: `as_of`, one customer (the key, then the columns the proof needs; the rest
// are NULL) and `expect` with its membership of the constraint's segments. Every line starts with `indent`.
std::string counterexample_fixture(const analysis::Counterexample& counterexample, const schema::Schema& schema,
                                   const std::string& as_of, const std::string& indent);

// {"customer": {COLUMN: VALUE, ...}, "in": [...], "not_in": [...]}: values as a fixture writes them (dates and
// timestamps as text, NULL as null).
nlohmann::ordered_json counterexample_json(const analysis::Counterexample& counterexample,
                                           const schema::Schema& schema);

// One line per constraint (`PROVED  file:line  kind: message`), a refuted one followed by its counterexample.
std::string proofs_text(const std::vector<analysis::ConstraintProof>& proofs, const std::string& project_file,
                        const schema::Schema& schema, const std::string& as_of);

// {"file", "line", "kind", "segments", "status", "message"[, "counterexample"]} per constraint.
nlohmann::ordered_json proofs_json(const std::vector<analysis::ConstraintProof>& proofs,
                                   const std::string& project_file, const schema::Schema& schema);

// {"code", "segment", "file", "line", "column", "severity", "message"} per lint.
nlohmann::ordered_json lints_json(const std::vector<analysis::Lint>& lints);

// The CI formats' checks are report::proof_checks (ci_report.h): refuted fails, with the counterexample in its
// details; proved and unknown pass (an unknown one says so in its message); skipped ones are left out.

}  // namespace segmint::report
