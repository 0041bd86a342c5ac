#include "analysis/fixture_check.h"

#include <algorithm>

#include "common/span_text.h"
#include "common/suggest.h"
#include "engine/engine.h"
#include "reference/reference_evaluator.h"
#include "yaml/walker.h"

namespace segmint::analysis {

namespace {

std::string truth(const ir::Value& value) {
    if (ir::is_null(value)) return "NULL";
    if (const bool* b = std::get_if<bool>(&value)) return *b ? "TRUE" : "FALSE";
    return ir::value_text(value);
}

}  // namespace

std::optional<FixtureReport> run_fixture(const project::Fixture& fixture, const semantic::Catalog& catalog,
                                         DiagnosticSink& sink) {
    std::vector<std::string> known;
    for (const auto& segment : catalog.segments) known.push_back(segment.name);
    std::sort(known.begin(), known.end());
    bool ok = true;
    std::vector<std::string> reported;
    for (const auto& expectation : fixture.expectations) {
        auto it = catalog.segment_index.find(expectation.segment);
        if (it != catalog.segment_index.end() && catalog.segments[it->second].valid) continue;
        ok = false;
        if (std::find(reported.begin(), reported.end(), expectation.segment) != reported.end()) continue;
        reported.push_back(expectation.segment);
        if (it != catalog.segment_index.end()) {
            sink.error(Code::YamlInvalidValue, fixture.source, expectation.segment_span,
                       "expect." + expectation.segment + ": segment " + yaml::quote(expectation.segment) +
                           " has errors, so it cannot be tested");
            continue;
        }
        std::string hint = did_you_mean(expectation.segment, known);
        sink.error(Code::YamlInvalidValue, fixture.source, expectation.segment_span,
                   "expect: no segment named " + yaml::quote(expectation.segment),
                   hint.empty() ? "expectations name segments defined in the project's spec files" : hint);
    }
    scalar::AsOf as_of;
    if (!engine::parse_as_of(fixture.as_of, &as_of)) {
        sink.error(Code::YamlInvalidValue, fixture.source, {0, 0},
                   "as_of: " + yaml::quote(fixture.as_of) + " is not a usable date");
        ok = false;
    }
    if (!ok) return std::nullopt;

    const data::Table& table = *fixture.table;
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    std::vector<data::Bitmap> memberships = engine::evaluate(compiled, table, engine::Evaluator::Vm);
    reference::ReferenceEvaluator reference(table, as_of);

    FixtureReport report;
    report.customers = table.rows();
    report.expectations = fixture.expectations.size();
    for (const auto& expectation : fixture.expectations) {
        const size_t segment = catalog.segment_index.at(expectation.segment);
        const bool actual = memberships[segment].get(expectation.row);
        if (actual == expectation.member) continue;
        FixtureFailure failure;
        failure.expectation = &expectation;
        failure.actual = actual;
        const Source& source = *catalog.files[catalog.segments[segment].file].source;
        const ast::Definition& definition = catalog.definition(segment);
        failure.rule_location = source.name() + ":" + std::to_string(source.location(definition.span.begin).line);
        // The rule as written: its parts are the user's, not the optimizer's (which may reorder or merge them).
        for (const auto& rule : compiled.written_rules) {
            if (rule.segment != segment) continue;
            failure.rule_text = one_line_text(source, rule.root->span);
            const bool split = rule.root->kind == ir::Kind::And || rule.root->kind == ir::Kind::Or;
            if (split) failure.combinator = rule.root->kind == ir::Kind::And ? "and" : "or";
            std::vector<const ir::Node*> parts;
            if (split) {
                for (const auto& arg : rule.root->args) parts.push_back(arg.get());
            } else {
                parts.push_back(rule.root.get());
            }
            for (const ir::Node* part : parts) {
                failure.conditions.push_back(
                    {one_line_text(source, part->span), truth(reference.value(*part, expectation.row, memberships))});
            }
        }
        report.failures.push_back(std::move(failure));
    }
    return report;
}

}  // namespace segmint::analysis
