#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/constraints.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "engine/engine.h"
#include "report/json_output.h"

namespace segmint::cli {

void add_check_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<CommonOptions>();
    options->command = "check";
    CLI::App* command = app.add_subcommand("check", "Parse, resolve and type-check spec files; report every problem");
    add_spec_inputs(*command, *options, SpecPaths::PositionalAndFlag);
    add_as_of_option(*command, *options);
    add_max_warnings_option(*command, *options);
    add_format_option(*command, options->format, ci_command_formats());
    add_color_option(*command, *options);
    command->callback([options, &runner] { runner.exit_code = run_check(*options); });
}

int run_check(const CommonOptions& options) {
    if (options.format == "json") begin_json_output("check");
    CommonOptions resolved = options;
    std::optional<project::Project> project;
    if (int code = apply_project(resolved, &project)) return code;
    scalar::AsOf as_of;
    if (!resolve_as_of(resolved.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(resolved, workspace, as_of)) return code;
    DiagnosticSink& sink = workspace.sink;
    // A project's constraints name its segments: a name that is not one is an error of the specs, found here rather
    // than first by validate. Not when paths on the command line replace the project's `segments`.
    if (project && options.paths.empty())
        analysis::check_constraint_segments(*project, workspace.compiled.catalog.segment_index, sink);
    if (report::is_ci_format(options.format)) {
        sink.sort();
        report::CiReport report;
        report.diagnostics = sink.diagnostics();
        report.hidden_warnings = sink.hidden_warning_count();
        for (const auto& file : workspace.compiled.catalog.files) report.checked_files.push_back(file.source->name());
        print_ci_report(std::move(report), options);
    } else if (options.format == "json") {
        nlohmann::ordered_json document = report::json_document("check");
        document["segments"] = workspace.compiled.catalog.segments.size();
        document["files"] = workspace.compiled.file_count;
        write_json_document(std::move(document), sink);
    } else {
        print_diagnostics(sink, options);
    }
    const bool too_many_warnings = options.max_warnings && sink.warning_count() > *options.max_warnings;
    if (options.format == "text") {
        const size_t segments = workspace.compiled.catalog.segments.size();
        const size_t files = workspace.compiled.file_count;
        size_t errors = sink.error_count();
        size_t warnings = sink.warning_count();
        std::string summary = "checked " + std::to_string(segments) + " segment" + (segments == 1 ? "" : "s") + " in " +
                              std::to_string(files) + " file" + (files == 1 ? "" : "s") + ": ";
        if (errors == 0 && warnings == 0)
            summary += "no problems";
        else
            summary += std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + ", " + std::to_string(warnings) +
                       " warning" + (warnings == 1 ? "" : "s");
        if (too_many_warnings) summary += fmt::format(" (more than --max-warnings {})", *options.max_warnings);
        write_out(summary + "\n");
    }
    if (int output_status = finish_output()) return output_status;
    return sink.has_errors() || too_many_warnings ? kExitFindings : kExitOk;
}

}  // namespace segmint::cli
