#include <cstdio>

#include "cli/commands.h"
#include "cli/compile.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "engine/engine.h"

namespace segmint::cli {

void add_check_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<CommonOptions>();
    options->command = "check";
    CLI::App* command = app.add_subcommand("check", "Parse, resolve and type-check spec files; report every problem");
    add_spec_options(*command, *options);
    command->callback([options, &runner] { runner.exit_code = run_check(*options); });
}

void report_findings(const semantic::Catalog& catalog, ir::scalar::AsOf as_of, DiagnosticSink& sink) {
    std::vector<optimize::Finding> findings;
    engine::CompileOptions options;
    options.findings = &findings;
    engine::compile(catalog, as_of, options);
    for (const auto& finding : findings) {
        const auto& file = catalog.files[catalog.segments[finding.segment].file];
        if (code_info(finding.code).id[0] == 'E') {
            sink.error(finding.code, file.source, finding.span, finding.message, finding.hint);
        } else {
            sink.warning(finding.code, file.source, finding.span, finding.message, finding.hint);
        }
    }
}

int run_check(const CommonOptions& options) {
    CommonOptions resolved = options;
    std::optional<project::Project> project;
    if (int code = apply_project(resolved, &project)) return code;
    ir::scalar::AsOf as_of;
    if (!resolve_as_of(resolved.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(resolved, workspace, as_of)) return code;
    DiagnosticSink& sink = workspace.sink;
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
