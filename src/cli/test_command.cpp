// segmint test: runs the project's fixture files (customers written in YAML with their expected memberships).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/fixture_check.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/limits.h"
#include "common/text_format.h"
#include "frontend/inputs.h"
#include "report/json_output.h"

namespace segmint::cli {

namespace {

struct TestOptions {
    CommonOptions common;
    std::vector<std::string> fixtures;
};

struct FileRun {
    std::string name;
    project::Fixture fixture;
    analysis::FixtureReport report;
};

std::string failure_headline(const FileRun& run, const analysis::FixtureFailure& failure) {
    const auto& e = *failure.expectation;
    const uint32_t line = run.fixture.source->location(e.span.begin).line;
    return escape_controls(run.name) + ":" + std::to_string(line) + ": customer " + escape_controls(e.key) +
           " should " + (e.member ? "" : "not ") + "be in `" + e.segment + "`, but " +
           (failure.actual ? "is" : "is not");
}

// "1 customer", "16 customers".
std::string counted(size_t count, const char* noun) {
    return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

int run_test(TestOptions& options) {
    if (options.common.format == "json") begin_json_output("test");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project, ProjectNeed::Always)) return code;
    std::vector<std::string> files = options.fixtures;
    if (files.empty() && project) files = project->test_files;
    if (files.empty()) {
        print_error(
            fmt::format("no fixture files: list them under `tests:` in {} or pass them", project::kProjectFileName));
        return kExitUsage;
    }
    // Each fixture file runs as of its own `as_of`; findings about the rules use the project's (or now).
    scalar::AsOf as_of;
    if (!resolve_as_of("", project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    if (workspace.sink.has_errors()) {
        print_diagnostics(workspace.sink, options.common);
        finish_output();
        return kExitFindings;
    }
    const semantic::Catalog& catalog = workspace.compiled.catalog;

    // Load every fixture first: a malformed file is an input error (exit 2), reported with all the others.
    DiagnosticSink fixture_sink;
    std::vector<FileRun> runs;
    bool unreadable = false;
    for (const auto& file : files) {
        frontend::InputError error;
        auto source = frontend::read_source(file, limits::kMaxYamlFileBytes, &error);
        if (!source) {
            print_error(fmt::format("cannot read fixture `{}`: {}", file, error.message));
            unreadable = true;
            continue;
        }
        auto fixture = project::load_fixture(source, *workspace.schema, fixture_sink);
        if (fixture) runs.push_back(FileRun{file, std::move(*fixture), {}});
    }
    if (unreadable || fixture_sink.has_errors()) {
        print_diagnostics(fixture_sink, options.common);
        finish_output();
        return kExitUsage;
    }
    bool names_ok = true;
    for (auto& run : runs) {
        auto report = analysis::run_fixture(run.fixture, catalog, fixture_sink);
        if (report)
            run.report = std::move(*report);
        else
            names_ok = false;
    }
    if (!names_ok) {
        print_diagnostics(fixture_sink, options.common);
        finish_output();
        return kExitFindings;
    }

    size_t expectations = 0, failed = 0, customers = 0;
    for (const auto& run : runs) {
        expectations += run.report.expectations;
        failed += run.report.failures.size();
        customers += run.report.customers;
    }
    if (report::is_ci_format(options.common.format)) {
        report::CiReport report;
        workspace.sink.sort();
        report.diagnostics = workspace.sink.diagnostics();  // warnings
        report.hidden_warnings = workspace.sink.hidden_warning_count();
        for (const auto& run : runs) {
            auto checks = report::fixture_checks(run.name, run.fixture, run.report);
            report.checks.insert(report.checks.end(), checks.begin(), checks.end());
        }
        print_ci_report(std::move(report), options.common);
    } else if (options.common.format == "json") {
        nlohmann::ordered_json out = report::json_document("test");
        out["files"] = nlohmann::ordered_json::array();
        for (const auto& run : runs) {
            nlohmann::ordered_json file;
            file["file"] = run.name;
            file["customers"] = run.report.customers;
            file["expectations"] = run.report.expectations;
            file["failures"] = nlohmann::ordered_json::array();
            for (const auto& failure : run.report.failures) {
                const auto& e = *failure.expectation;
                nlohmann::ordered_json item;
                item["line"] = run.fixture.source->location(e.span.begin).line;
                item["customer"] = e.key;
                item["segment"] = e.segment;
                item["expected"] = e.member;
                item["actual"] = failure.actual;
                item["rule"] = failure.rule_text;
                item["rule_location"] = failure.rule_location;
                item["combinator"] = failure.combinator;
                item["conditions"] = nlohmann::ordered_json::array();
                for (const auto& c : failure.conditions) {
                    item["conditions"].push_back({{"text", c.text}, {"value", c.value}});
                }
                file["failures"].push_back(std::move(item));
            }
            out["files"].push_back(std::move(file));
        }
        out["passed"] = expectations - failed;
        out["failed"] = failed;
        write_json_document(std::move(out), workspace.sink);
    } else {
        if (!workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, options.common);  // warnings
        for (const auto& run : runs) {
            const size_t count = run.report.expectations;
            if (run.report.failures.empty()) {
                write_out(fmt::format("PASS  {} ({}, {})\n", escape_controls(run.name),
                                      counted(run.report.customers, "customer"), counted(count, "expectation")));
                continue;
            }
            write_out(fmt::format("FAIL  {} ({} of {} failed)\n", escape_controls(run.name), run.report.failures.size(),
                                  counted(count, "expectation")));
            for (const auto& failure : run.report.failures) {
                write_out("  " + failure_headline(run, failure) + "\n");
                // Keys, paths and rule text are the user's: escaped, so none can drive the terminal or start a line.
                write_out("    rule of " + failure.expectation->segment + " (" +
                          escape_controls(failure.rule_location) + "): " + escape_controls(failure.rule_text) + "\n");
                if (!failure.combinator.empty()) {
                    write_out("    its `" + failure.combinator + "` parts for customer " +
                              escape_controls(failure.expectation->key) + ":\n");
                }
                for (const auto& c : failure.conditions) {
                    std::string value = escape_controls(c.value);
                    value.resize(std::max<size_t>(value.size(), 6), ' ');
                    write_out("      " + value + " " + escape_controls(c.text) + "\n");
                }
            }
        }
        write_out(fmt::format("{}, {}, {}: {} passed, {} failed\n", counted(runs.size(), "fixture file"),
                              counted(customers, "customer"), counted(expectations, "expectation"),
                              expectations - failed, failed));
    }
    if (int code = finish_output()) return code;
    return failed > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_test_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<TestOptions>();
    options->common.command = "test";
    CLI::App* command = app.add_subcommand("test", "Run fixture tests: customers in YAML with expected memberships");
    command->add_option("fixtures", options->fixtures, "Fixture files; default: the project's `tests`");
    add_spec_inputs(*command, options->common, SpecPaths::FlagOnly);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, ci_command_formats());
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_test(*options); });
}

}  // namespace segmint::cli
