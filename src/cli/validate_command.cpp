// segmint validate: checks the specs, evaluates them on the project's data and checks every constraint.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/constraints.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/calendar.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "report/json_output.h"

namespace segmint::cli {

namespace {

struct ValidateOptions {
    CommonOptions common;
};

nlohmann::ordered_json figures_json(const analysis::ConstraintResult& result) {
    nlohmann::ordered_json figures = nlohmann::ordered_json::object();
    for (const auto& figure : result.figures) {
        if (figure.integer)
            figures[figure.name] = static_cast<uint64_t>(figure.value);
        else
            figures[figure.name] = figure.value;
    }
    return figures;
}

int run_validate(ValidateOptions& options) {
    if (options.common.format == "json") begin_json_output("validate");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project, ProjectNeed::Always)) return code;
    if (!project) {
        print_error("validate checks a project's constraints; pass --project PATH");
        return kExitUsage;
    }
    scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    analysis::check_constraint_segments(*project, catalog.segment_index, workspace.sink);
    if (workspace.sink.has_errors()) {
        // Broken specs or constraints naming no segment: the figures would be wrong, so show why and stop.
        CommonOptions render = options.common;
        print_diagnostics(workspace.sink, render);
        finish_output();
        return kExitFindings;
    }
    auto table = load_data(options.common, *workspace.schema, options.common.threads);
    if (!table) return kExitUsage;
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm, options.common.threads);
    auto results = analysis::evaluate_constraints(project->constraints, catalog.segment_index, memberships, *table);

    size_t failed = 0;
    for (const auto& result : results) failed += result.passed ? 0 : 1;
    const size_t passed = results.size() - failed;
    const std::string& file = project->source->name();
    if (report::is_ci_format(options.common.format)) {
        workspace.sink.sort();
        report::CiReport report;
        report.hidden_warnings = workspace.sink.hidden_warning_count();
        report.diagnostics = workspace.sink.diagnostics();  // warnings
        report.checks = report::constraint_checks(*project, results, workspace.schema->key);
        print_ci_report(std::move(report), options.common);
    } else if (options.common.format == "json") {
        nlohmann::ordered_json out = report::json_document("validate");
        out["project"] = file;
        out["rows"] = table->rows();
        out["as_of"] = calendar::format_date(as_of.today);
        out["now"] = calendar::format_timestamp(as_of.now);
        out["constraints"] = nlohmann::ordered_json::array();
        for (const auto& result : results) {
            nlohmann::ordered_json item;
            item["kind"] = project::constraint_kind_name(result.constraint->kind);
            item["line"] = result.constraint->line;
            item["passed"] = result.passed;
            item["message"] = result.message;
            item["figures"] = figures_json(result);
            item["samples"] = result.samples;
            out["constraints"].push_back(std::move(item));
        }
        out["passed"] = passed;
        out["failed"] = failed;
        write_json_document(std::move(out), workspace.sink);
    } else {
        if (!workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, options.common);  // warnings
        for (const auto& result : results) {
            const auto& c = *result.constraint;
            write_out(std::string(result.passed ? "PASS" : "FAIL") + "  " + file + ":" + std::to_string(c.line) + "  " +
                      project::constraint_kind_name(c.kind) + ": " + result.message + "\n");
            if (!result.samples.empty()) {
                std::string samples;
                for (const auto& key : result.samples) samples += (samples.empty() ? "" : ", ") + key;
                write_out("      e.g. " + workspace.schema->key + " " + samples + "\n");
            }
        }
        write_out(std::to_string(results.size()) + " constraint" + (results.size() == 1 ? "" : "s") + " on " +
                  with_thousands(table->rows()) + " customers as of " + engine::as_of_text(as_of) + ": " +
                  std::to_string(passed) + " passed, " + std::to_string(failed) + " failed\n");
    }
    if (int code = finish_output()) return code;
    return failed > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<ValidateOptions>();
    options->common.command = "validate";
    CLI::App* command =
        app.add_subcommand("validate", "Check the project's constraints (disjoint, subset, sizes...) on its data");
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_data_option(*command, options->common);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, ci_command_formats());
    add_threads_option(*command, options->common);
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_validate(*options); });
}

}  // namespace segmint::cli
