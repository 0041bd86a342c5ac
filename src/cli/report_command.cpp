// segmint report: one self-contained HTML page (report/html_report.h) with the sizes, overlap, constraints and rules
// of a catalog over its data. Loads and evaluates as eval/overlap/validate do, then renders; the file is written
// atomically and never over an input. With --diff, the page also shows what `segmint diff` says (version_diff.h).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "analysis/constraints.h"
#include "analysis/overlap.h"
#include "analysis/static_proofs.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/version_diff.h"
#include "cli/workspace.h"
#include "common/atomic_file.h"
#include "common/limits.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "prove/prover.h"
#include "report/diff_output.h"
#include "report/html_report.h"
#include "sources/source.h"

namespace segmint::cli {

namespace {

struct ReportOptions {
    CommonOptions common;
    std::string output;
    std::string diff_base;  // --diff BASE: a git revision of the project, compared with the working tree
    std::string diff_from;  // --diff-from DIR: an older copy of the project folder, compared with the project
};

// The changes since --diff BASE or --diff-from DIR, as `segmint diff --format json` gives them for the same
// versions and data (the same code: version_diff.h); nullopt after printing why, with the exit code in *code.
std::optional<nlohmann::ordered_json> changes(const ReportOptions& options, const CommonOptions& flags,
                                              const CommonOptions& resolved, int* code) {
    *code = kExitUsage;
    if (!flags.paths.empty()) {
        print_error("--diff compares whole projects: name the project with --project, not spec paths");
        return std::nullopt;
    }
    // What diff's flags would say: the project and the data this report reads (the project's `data:` included, as
    // if given with --data and --events), the same for both versions; each version brings its own schema.
    CommonOptions given;
    given.project_path = flags.project_path;
    given.data_path = resolved.data_path;
    given.source = resolved.source;
    given.source_tables = resolved.source_tables;
    given.tables = resolved.tables;
    given.events = resolved.events;
    given.events.insert(given.events.end(), resolved.project_events.begin(), resolved.project_events.end());
    given.as_of = flags.as_of;
    given.threads = flags.threads;
    given.format = flags.format;
    given.color = flags.color;
    VersionDiffRequest request;
    if (!options.diff_base.empty()) {
        request.revisions = {options.diff_base};
    } else {
        request.from = options.diff_from;
        request.to = project_folder(given);
        if (request.to.empty()) return std::nullopt;
    }
    VersionDiff compared;
    if ((*code = compare_versions(request, given, &compared)) != kExitOk) return std::nullopt;
    return report::diff_json(compared.diff, compared.labels);
}

std::string plural(size_t n, const char* word) { return with_thousands(n) + " " + word + (n == 1 ? "" : "s"); }

// The page's title: the project file, or the spec paths given.
std::string heading(const CommonOptions& options) {
    if (!options.project_file.empty()) return options.project_file;
    std::string paths;
    for (const auto& path : options.paths) paths += (paths.empty() ? "" : " ") + path;
    return paths;
}

// Writes the page to `output` (temporary file, then rename; `-`: stdout); the number of bytes written, or nullopt
// after an error.
std::optional<uint64_t> write_page(const report::HtmlReportInput& input, const std::string& output,
                                   const std::vector<std::string>& inputs) {
    uint64_t bytes = 0;
    if (output == "-") {
        report::write_html_report(input, [&](std::string_view text) {
            bytes += text.size();
            write_out(text);
            return true;
        });
        return bytes;
    }
    auto to_file = [&](std::FILE* out) {
        return report::write_html_report(input, [&](std::string_view text) {
            bytes += text.size();
            return std::fwrite(text.data(), 1, text.size(), out) == text.size();
        });
    };
    std::string error;
    if (!write_file_atomically(output, to_file, &error, inputs)) {
        print_error(error);
        return std::nullopt;
    }
    return bytes;
}

int run_report(ReportOptions& options) {
    CommonOptions& common = options.common;
    const CommonOptions flags = common;  // as given, before the project fills it in
    if (common.format == "json") begin_json_output("report");
    if (common.format == "json" && options.output == "-") {
        print_error("-o - writes the page to stdout, where --format json writes its document; choose one");
        return kExitUsage;
    }
    std::optional<project::Project> project;
    if (int code = apply_project(common, &project)) return code;
    scalar::AsOf as_of;
    if (!resolve_as_of(common.as_of, project, &as_of)) return kExitUsage;
    if (!has_data(common)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(common, workspace, as_of)) return code;
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    if (project) analysis::check_constraint_segments(*project, catalog.segment_index, workspace.sink);
    if (workspace.sink.has_errors()) {  // the page would show wrong figures: show why instead
        print_diagnostics(workspace.sink, common);
        finish_output();
        return kExitFindings;
    }
    if (common.format != "json" && !workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, common);
    if (catalog.segments.size() > limits::kMaxOverlapSegments) {
        print_error(fmt::format("the report's overlap chart shows at most {} segments, and the catalog has {}",
                                with_thousands(limits::kMaxOverlapSegments), with_thousands(catalog.segments.size())));
        return kExitUsage;
    }
    std::vector<std::string> specs;
    for (const auto& file : catalog.files) specs.push_back(file.source->name());
    if (const std::string read_by = output_would_be_read(common, project, options.output); !read_by.empty()) {
        print_error(fmt::format("refusing to write `{}`: {}; choose another output path", options.output, read_by));
        return kExitUsage;
    }
    // Before the data loads, so a bad revision stops the run at once.
    nlohmann::ordered_json diff;  // null: no --diff
    if (!options.diff_base.empty() || !options.diff_from.empty()) {
        print_status(
            fmt::format("comparing with {}…", options.diff_base.empty() ? options.diff_from : options.diff_base));
        int code = kExitOk;
        auto compared = changes(options, flags, common, &code);
        if (!compared) return code;
        diff = std::move(*compared);
    }

    const std::string data = common.source.empty() ? common.data_path : sources::mask_password(common.source);
    print_status(fmt::format("loading customers from {}…", data));
    auto table =
        load_data(common, *workspace.schema, common.threads, show_progress(::isatty(STDERR_FILENO) != 0, quiet()));
    if (!table) return kExitUsage;
    print_status(fmt::format("evaluating {} on {}…", plural(catalog.segments.size(), "segment"),
                             plural(table->rows(), "customer")));
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    if (!event_data_given(compiled, *table, common)) return kExitUsage;
    const auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm, common.threads);

    report::HtmlReportInput input;
    input.heading = heading(common);
    input.catalog = &catalog;
    input.schema = workspace.schema.get();
    input.rows = table->rows();
    input.as_of = engine::as_of_text(as_of);
    input.data = data;
    input.diff = std::move(diff);
    const size_t n = catalog.segments.size();
    print_status(fmt::format("computing the overlap of {} pairs…", with_thousands(n * (n > 0 ? n - 1 : 0) / 2)));
    std::vector<const data::Bitmap*> sets;
    for (const auto& members : memberships) sets.push_back(&members);
    input.overlap = analysis::overlap_matrix(sets);
    if (project) {
        print_status(fmt::format("checking {}: proofs for every customer, then the data…",
                                 plural(project->constraints.size(), "constraint")));
        input.project_file = project->source->name();
        prove::Prover prover(catalog, as_of);
        input.proofs = analysis::prove_constraints(*project, catalog.segment_index, prover);
        input.constraints =
            analysis::evaluate_constraints(project->constraints, catalog.segment_index, memberships, *table);
    }
    print_status(fmt::format("writing {}…", options.output));
    const auto bytes = write_page(input, options.output, protected_files(common, project, specs));
    if (!bytes) return kExitUsage;
    print_status(fmt::format("wrote {} ({} KiB): {} on {}", options.output, with_thousands((*bytes + 1023) / 1024),
                             plural(catalog.segments.size(), "segment"), plural(table->rows(), "customer")));
    if (common.format == "json") {
        nlohmann::ordered_json out = report::json_document("report");
        out["output"] = options.output;
        out["bytes"] = *bytes;
        out["segments"] = catalog.segments.size();
        out["rows"] = table->rows();
        out["as_of"] = input.as_of;
        write_json_document(std::move(out), workspace.sink);
    }
    return finish_output();
}

}  // namespace

void add_report_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<ReportOptions>();
    CLI::App* command = app.add_subcommand(
        "report", "Write one self-contained HTML page: segment sizes, an overlap heatmap, constraints, rules");
    command->add_option("-o,--output", options->output, "The HTML file to write (atomically); - for stdout")
        ->required();
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_data_option(*command, options->common);
    auto* diff =
        command->add_option("--diff", options->diff_base,
                            "Show the changes since BASE, a git revision of the project (as segmint diff BASE)");
    command
        ->add_option("--diff-from", options->diff_from,
                     "Show the changes since an older copy of the project folder (as segmint diff --from DIR)")
        ->excludes(diff);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, text_or_json_formats(),
                      "What stdout says: text (nothing; progress on stderr) or json (what was written)");
    add_threads_option(*command, options->common);
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_report(*options); });
}

}  // namespace segmint::cli
