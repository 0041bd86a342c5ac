// segmint overlap: pairwise overlap of segments on data (counts, Jaccard, containment).
#include <fmt/format.h>

#include <algorithm>

#include "analysis/overlap.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/limits.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "report/overlap_output.h"

namespace segmint::cli {

namespace {

struct OverlapOptions {
    CommonOptions common;
    std::vector<std::string> segments;
    size_t top = 10;
};

int run_overlap(OverlapOptions& options) {
    if (options.common.format == "json") begin_json_output("overlap");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project, ProjectNeed::Always)) return code;
    scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    if (workspace.sink.has_errors()) {
        print_diagnostics(workspace.sink, options.common);
        finish_output();
        return kExitFindings;
    }
    if (options.common.format != "json" && !workspace.sink.diagnostics().empty()) {
        print_diagnostics(workspace.sink, options.common);  // warnings, on stderr
    }
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    std::vector<size_t> chosen;
    if (options.segments.empty()) {
        for (size_t s = 0; s < catalog.segments.size(); ++s) chosen.push_back(s);
    } else {
        for (const auto& name : options.segments) {
            auto it = catalog.segment_index.find(name);
            if (it == catalog.segment_index.end()) {
                print_error(fmt::format("no segment named `{}`{}", name, suggestion(name, catalog)));
                return kExitUsage;
            }
            if (std::find(chosen.begin(), chosen.end(), it->second) == chosen.end()) chosen.push_back(it->second);
        }
    }
    if (chosen.size() > limits::kMaxOverlapSegments) {
        print_error(
            fmt::format("overlap compares at most {} segments pairwise, and {} are chosen; name the segments "
                        "to compare (`segmint overlap SEGMENT...`)",
                        with_thousands(limits::kMaxOverlapSegments), with_thousands(chosen.size())));
        return kExitUsage;
    }
    auto table = load_data(options.common, *workspace.schema, options.common.threads);
    if (!table) return kExitUsage;
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    if (!event_data_given(compiled, *table, options.common)) return kExitUsage;
    auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm, options.common.threads);
    std::vector<const data::Bitmap*> sets;
    report::OverlapResult result;
    result.rows = table->rows();
    result.as_of = as_of;
    for (size_t s : chosen) {
        sets.push_back(&memberships[s]);
        result.names.push_back(catalog.segments[s].name);
    }
    result.matrix = analysis::overlap_matrix(sets);
    auto write = [](std::string_view text) {
        write_out(text);
        return true;
    };
    if (options.common.format == "json") {
        workspace.sink.sort();
        report::write_overlap_json(result, workspace.sink, write);
    } else if (options.common.format == "csv") {
        report::write_overlap_csv(result, write);
    } else {
        report::write_overlap_text(result, options.top, write);
    }
    return finish_output();
}

}  // namespace

void add_overlap_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<OverlapOptions>();
    CLI::App* command = app.add_subcommand("overlap", "Pairwise overlap of segments: counts, Jaccard, containment");
    command->add_option("segments", options->segments, "Segments to compare; default: all");
    add_spec_inputs(*command, options->common, SpecPaths::FlagOnly);
    add_data_option(*command, options->common);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, table_formats());
    command->add_option("--top", options->top, "Pairs listed in text output")
        ->check(whole_number_up_to(UINT32_MAX))
        ->capture_default_str();
    add_threads_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_overlap(*options); });
}

}  // namespace segmint::cli
