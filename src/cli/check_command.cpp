#include <cstdio>

#include "cli/commands.h"
#include "cli/compile.h"
#include "cli/output.h"
#include "engine/engine.h"

namespace segmint::cli {

void add_check_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<CommonOptions>();
    options->command = "check";
    CLI::App* command = app.add_subcommand("check", "Parse, resolve and type-check spec files; report every problem");
    add_spec_options(*command, *options);
    command->callback([options, &runner] { runner.exit_code = run_check(*options); });
}

// The optimizer proves some rules (or parts) can never be true; `check` reports those as warnings (W004).
void report_impossible_rules(const semantic::Catalog& catalog, DiagnosticSink& sink) {
    std::vector<optimize::Finding> findings;
    engine::CompileOptions options;
    options.findings = &findings;
    engine::compile(catalog, engine::as_of_today(), options);
    for (const auto& finding : findings) {
        const auto& file = catalog.files[catalog.segments[finding.segment].file];
        sink.warning(Code::NeverMatches, file.source, finding.span, finding.message,
                     "no customer can satisfy both; check the bounds");
    }
}

int run_check(const CommonOptions& options) {
    Workspace workspace;
    if (int code = prepare_workspace(options, workspace)) return code;
    DiagnosticSink& sink = workspace.sink;
    report_impossible_rules(workspace.compiled.catalog, sink);
    if (report::is_ci_format(options.format)) {
        sink.sort();
        report::CiReport report;
        report.diagnostics = sink.diagnostics();
        for (const auto& file : workspace.compiled.catalog.files) report.checked_files.push_back(file.source->name());
        print_ci_report(std::move(report), options);
    } else {
        print_diagnostics(sink, options);
    }
    if (options.format == "text") {
        const size_t segments = workspace.compiled.catalog.segments.size();
        const size_t files = workspace.compiled.file_count;
        size_t errors = sink.error_count();
        size_t warnings = sink.diagnostics().size() - errors;
        std::string summary = "checked " + std::to_string(segments) + " segment" + (segments == 1 ? "" : "s") +
                              " in " + std::to_string(files) + " file" + (files == 1 ? "" : "s") + ": ";
        if (errors == 0 && warnings == 0) summary += "no problems";
        else summary += std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + ", " +
                        std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s");
        write_out(summary + "\n");
    }
    if (int output_status = finish_output()) return output_status;
    return sink.has_errors() ? kExitFindings : kExitOk;
}

}  // namespace segmint::cli
