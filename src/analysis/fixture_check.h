#pragma once
// Runs a fixture file against a checked catalog: evaluates its customers with the VM and, for every expectation that
// fails, asks the reference evaluator which top-level part of the rule decided it.
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "project/fixture.h"
#include "semantic/catalog.h"

namespace segmint::analysis {

// One top-level conjunct/disjunct of a rule and its value for the customer.
struct ConditionTrace {
    std::string text;   // the source text of the condition
    std::string value;  // "TRUE", "FALSE" or "NULL"
};

struct FixtureFailure {
    const project::Expectation* expectation = nullptr;
    bool actual = false;        // the customer's membership as evaluated
    std::string rule_location;  // file:line of the segment's definition
    std::string rule_text;      // the rule as written
    std::string combinator;     // "and", "or", or empty when the rule is a single condition
    std::vector<ConditionTrace> conditions;
};

struct FixtureReport {
    size_t customers = 0;
    size_t expectations = 0;
    std::vector<FixtureFailure> failures;  // point into the fixture's expectations
};

// Unknown or broken segment names under `expect` are reported (E206, "did you mean") and give nullopt; so does an
// `as_of` the engine cannot use.
std::optional<FixtureReport> run_fixture(const project::Fixture& fixture, const semantic::Catalog& catalog,
                                         DiagnosticSink& sink);

}  // namespace segmint::analysis
