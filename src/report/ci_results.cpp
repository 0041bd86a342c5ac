// Check results for CI reports from the analysis stage: a constraint (validate) or a fixture expectation (test).
#include <algorithm>
#include <map>

#include "analysis/constraints.h"
#include "analysis/fixture_check.h"
#include "analysis/static_proofs.h"
#include "project/fixture.h"
#include "project/project.h"
#include "report/ci_report.h"
#include "report/prove_output.h"

namespace segmint::report {

namespace {

const char* constraint_summary(project::ConstraintKind kind) {
    switch (kind) {
        case project::ConstraintKind::Disjoint: return "no two of the segments share a customer";
        case project::ConstraintKind::Subset: return "every member of a segment is in another";
        case project::ConstraintKind::MaxOverlap:
            return "two segments overlap no more than the Jaccard/containment limits";
        case project::ConstraintKind::Size: return "a segment's size lies within its bounds";
        case project::ConstraintKind::Partition: return "every customer is in exactly one of the segments";
    }
    return "a project constraint";
}

std::string joined_names(const project::Constraint& c) {
    std::string out;
    for (const auto& s : c.segments) out += (out.empty() ? "" : ", ") + s.name;
    return out;
}

// The fields every check of a constraint has; `seen` keeps test case names unique within the suite.
CheckResult constraint_check(const project::Project& project, const project::Constraint& c, const std::string& family,
                             const std::string& message, std::map<std::string, int>& seen) {
    CheckResult check;
    const std::string kind = project::constraint_kind_name(c.kind);
    check.rule_id = family + "/" + kind;
    check.rule_summary = constraint_summary(c.kind);
    check.suite = project.source->name();
    check.name = kind + ": " + joined_names(c);
    if (int n = ++seen[check.name]; n > 1) check.name += " (line " + std::to_string(c.line) + ")";
    check.location = location_of(*project.source, c.span);
    check.location.line = c.line;
    check.location.end_line = std::max(check.location.end_line, c.line);
    check.message = kind + ": " + message;
    return check;
}

}  // namespace

std::vector<CheckResult> constraint_checks(const project::Project& project,
                                           const std::vector<analysis::ConstraintResult>& results,
                                           const std::string& key_column) {
    std::vector<CheckResult> out;
    std::map<std::string, int> seen;
    for (const auto& result : results) {
        CheckResult check = constraint_check(project, *result.constraint, "constraint", result.message, seen);
        check.passed = result.passed;
        if (!result.samples.empty()) {
            std::string samples;
            for (const auto& key : result.samples) samples += (samples.empty() ? "" : ", ") + key;
            check.details = "e.g. " + key_column + " " + samples;
        }
        for (const auto& f : result.figures) check.figures.push_back({f.name, f.value, f.integer});
        out.push_back(std::move(check));
    }
    return out;
}

std::vector<CheckResult> proof_checks(const project::Project& project,
                                      const std::vector<analysis::ConstraintProof>& proofs,
                                      const schema::Schema& schema, const std::string& as_of) {
    std::vector<CheckResult> out;
    std::map<std::string, int> seen;
    for (const auto& proof : proofs) {
        if (proof.status == analysis::ProofStatus::Skipped) continue;
        CheckResult check =
            constraint_check(project, *proof.constraint, "proof",
                             std::string(analysis::proof_status_name(proof.status)) + ": " + proof.message, seen);
        check.passed = proof.status != analysis::ProofStatus::Refuted;
        check.skipped = proof.status == analysis::ProofStatus::Unknown;
        if (proof.counterexample)
            check.details =
                "counterexample, as a fixture:\n" + counterexample_fixture(*proof.counterexample, schema, as_of, "  ");
        out.push_back(std::move(check));
    }
    return out;
}

std::vector<CheckResult> fixture_checks(const std::string& file, const project::Fixture& fixture,
                                        const analysis::FixtureReport& report) {
    std::vector<CheckResult> out;
    for (const auto& e : fixture.expectations) {
        CheckResult check;
        check.rule_id = "fixture/expectation";
        check.rule_summary = "a fixture customer is (or is not) in a segment, as the fixture expects";
        check.suite = file;
        check.name = "customer " + e.key + (e.member ? " in " : " not in ") + e.segment;
        check.location = location_of(*fixture.source, e.span);
        check.location.file = file;
        auto failure = std::find_if(report.failures.begin(), report.failures.end(),
                                    [&](const analysis::FixtureFailure& f) { return f.expectation == &e; });
        check.passed = failure == report.failures.end();
        if (check.passed) {
            check.message = "customer " + e.key + " is " + (e.member ? "" : "not ") + "in `" + e.segment + "`";
        } else {
            check.message = "customer " + e.key + " should " + (e.member ? "" : "not ") + "be in `" + e.segment +
                            "`, but " + (failure->actual ? "is" : "is not");
            check.details = "rule of " + e.segment + " (" + failure->rule_location + "): " + failure->rule_text;
            if (!failure->combinator.empty())
                check.details += "\nits `" + failure->combinator + "` parts for customer " + e.key + ":";
            for (const auto& c : failure->conditions) {
                std::string value = c.value;
                value.resize(std::max<size_t>(value.size(), 6), ' ');
                check.details += "\n  " + value + " " + c.text;
            }
        }
        out.push_back(std::move(check));
    }
    return out;
}

}  // namespace segmint::report
