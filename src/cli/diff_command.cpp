// segmint diff: what a change to the spec project does, between two git revisions (BASE and HEAD, or the working
// tree) or two project folders (--from/--to). The comparison (the two versions brought, checked and evaluated on the
// same data, then compared) is version_diff.h, shared with `report --diff`; this file checks the flags and renders
// the result (report/diff_output.h).
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/version_diff.h"
#include "common/text_format.h"
#include "report/diff_output.h"

namespace segmint::cli {

namespace {

struct DiffOptions {
    CommonOptions common;
    std::vector<std::string> revisions;  // BASE [HEAD]
    std::string from, to;                // --from DIR --to DIR
    bool fail_on_change = false;
    unsigned timeout_ms = 10000;
};

int run_diff(DiffOptions& options) {
    if (options.common.format == "json") begin_json_output("diff");
    const bool folders = !options.from.empty() || !options.to.empty();
    if (folders && (options.from.empty() || options.to.empty())) {
        print_error("--from and --to go together: the two project folders to compare");
        return kExitUsage;
    }
    if (folders == !options.revisions.empty()) {
        print_error(folders ? "give git revisions or --from/--to folders, not both"
                            : "nothing to compare: give a git revision (BASE [HEAD]) or --from DIR --to DIR");
        return kExitUsage;
    }
    if (!options.common.paths.empty()) {
        print_error("diff compares whole projects: name the project with --project, not --specs");
        return kExitUsage;
    }
    const VersionDiffRequest request{options.revisions, options.from, options.to, options.timeout_ms};
    VersionDiff compared;
    const std::string& format = options.common.format;
    if (int code = compare_versions(request, options.common, &compared)) {
        // A pull-request comment made of this output must say why it holds no table.
        if (code == kExitFindings && format == "markdown") {
            write_out(
                "### segmint diff\n\nNo comparison: the specs of a version have errors (`segmint diff` printed "
                "them on stderr; `segmint check` shows them).\n");
            if (int output_status = finish_output()) return output_status;
        }
        return code;
    }
    const analysis::RevisionDiff& diff = compared.diff;
    const report::DiffLabels& labels = compared.labels;
    if (format == "json") {
        DiagnosticSink none;
        write_json_document(report::diff_json(diff, labels), none);
    } else if (format == "markdown") {
        write_out(escape_controls_per_line(report::diff_markdown(diff, labels)));
    } else if (format == "github") {
        write_out(report::diff_github(diff, labels));
        // The job summary, when GitHub Actions gives its file: the same table a pull-request comment would show.
        if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary != nullptr && *summary != '\0') {
            const std::string markdown = escape_controls_per_line(report::diff_markdown(diff, labels));
            std::FILE* file = std::fopen(summary, "a");
            const bool written =
                file != nullptr && std::fwrite(markdown.data(), 1, markdown.size(), file) == markdown.size();
            if ((file != nullptr && std::fclose(file) != 0) || !written) {
                print_error(fmt::format("cannot append to the job summary {} (GITHUB_STEP_SUMMARY)", summary));
                finish_output();
                return kExitUsage;
            }
        }
    } else {
        write_out(escape_controls_per_line(report::diff_text(diff, labels)));
    }
    if (int code = finish_output()) return code;
    return options.fail_on_change && diff.changed() ? kExitFindings : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<DiffOptions>();
    CLI::App* command = app.add_subcommand(
        "diff", "What a change does to the segments: rules added, removed or changed, and customers moved");
    command
        ->add_option("revisions", options->revisions,
                     "BASE [HEAD]: git revisions of the project; HEAD defaults to the working tree")
        ->expected(1, 2);
    command->add_option("--from", options->from, "The project folder before the change (with --to)");
    command->add_option("--to", options->to, "The project folder after the change (with --from)");
    add_spec_paths(*command, options->common, SpecPaths::FlagOnly);
    add_data_option(*command, options->common);
    // Read once for each version: a file, never standard input.
    command->get_option("--data")->description("Customer data (a CSV file or a snapshot; each version reads it)");
    add_as_of_option(*command, options->common);
    command->add_flag("--fail-on-change", options->fail_on_change,
                      "Exit 1 when a segment or a constraint result changed");
    command->add_option("--timeout-ms", options->timeout_ms, "Time limit of each solver query, in milliseconds")
        ->check(whole_number_between(1, 3600000))
        ->capture_default_str();
    add_format_option(*command, options->common.format, {"text", "json", "markdown", "github"});
    add_threads_option(*command, options->common);
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_diff(*options); });
}

}  // namespace segmint::cli
