// segmint eval: segment sizes over a customer table; optionally the keys of one segment's members.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/atomic_file.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "optimize/stats.h"
#include "report/eval_output.h"
#include "sources/source.h"
#include "sql/sql.h"

namespace segmint::cli {

namespace {

struct EvalOptions {
    CommonOptions common;
    std::string members;
    std::string output;
    std::string engine = "vm";
    bool no_optimize = false;
    bool push_down = false;
    std::vector<std::string> disabled_passes;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Outputs that are data (CSV sizes, member lists in text or CSV) do not say as of when they were computed; when that
// came from the clock (no --as-of, no project `as_of`), a status line on stderr says it, so the run can be repeated.
// Text sizes say it in their header, JSON in "as_of" and "now".
void print_clock_as_of(const EvalOptions& options, const std::optional<project::Project>& project, scalar::AsOf as_of) {
    if (!options.common.as_of.empty() || (project && project->as_of)) return;
    const std::string instant = engine::as_of_text(as_of);
    print_status(fmt::format("as of {} (repeat with --as-of {})", instant, instant));
}

// The members of one segment (report/eval_output.h) to stdout, or atomically to -o FILE, never over an input.
bool write_members(const EvalOptions& options, const std::optional<project::Project>& project, scalar::AsOf as_of,
                   const data::Table& table, const data::Bitmap& members, const std::vector<std::string>& inputs,
                   const DiagnosticSink& sink) {
    auto write = [&](const report::WriteText& put) {
        return report::write_members(table, members, options.members, as_of, options.common.format, sink, put);
    };
    if (options.output.empty() || options.output == "-") {
        return write([](std::string_view text) {
            write_out(text);
            return true;
        });
    }
    std::string error;
    const std::string read_by = output_would_be_read(options.common, project, options.output);
    if (!read_by.empty()) {
        print_error(fmt::format("refusing to write `{}`: {}; choose another output path", options.output, read_by));
        return false;
    }
    auto to_file = [&](std::FILE* out) {
        return write(
            [out](std::string_view text) { return std::fwrite(text.data(), 1, text.size(), out) == text.size(); });
    };
    if (!write_file_atomically(options.output, to_file, &error, inputs)) {
        print_error(error);
        return false;
    }
    return true;
}

// --push-down: the catalog as `segmint sql --mode counts` writes it for the source's dialect, run in the database;
// only the counts come back. Exit 2 when a segment cannot be translated (the run needs no --push-down then).
int run_pushed_down(const EvalOptions& options, Workspace& workspace, scalar::AsOf as_of) {
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    const auto tables = source_tables(options.common, *workspace.schema);
    if (!tables) return kExitUsage;
    std::string problem;
    auto source = sources::Connection::open(options.common.source, *tables, &problem);
    if (!source) {
        print_error(problem);
        return kExitUsage;
    }
    const auto start = std::chrono::steady_clock::now();
    sql::Generator generator(catalog, as_of, source->dialect());
    std::vector<uint32_t> all;
    bool refused = false;
    for (uint32_t s = 0; s < catalog.segments.size(); ++s) {
        all.push_back(s);
        if (auto refusal = generator.refusal(s)) {
            print_error(fmt::format("--push-down: {}; run without --push-down to evaluate it here",
                                    refusal->segment == catalog.segments[s].name
                                        ? refusal->message()
                                        : fmt::format("segment `{}` refers to `{}`: {}", catalog.segments[s].name,
                                                      refusal->segment, refusal->message())));
            refused = true;
        }
    }
    if (refused) return kExitUsage;
    sql::QueryOptions query;
    query.table = source->table_for(workspace.schema->table);
    std::string text;
    try {
        text = generator.query(all, query);
    } catch (const sql::RefusedError& error) {
        print_error(fmt::format("--push-down: {}", error.what()));
        return kExitUsage;
    }
    uint64_t rows = 0;
    auto counts = source->run_counts(*workspace.schema, text, &rows, &problem);
    if (!counts || counts->size() != all.size()) {
        print_error(counts ? source->display() + ": the counts query returned another number of columns" : problem);
        return kExitUsage;
    }
    report::EvalSizes sizes;
    sizes.rows = rows;
    sizes.as_of = as_of;
    sizes.eval_seconds = seconds_since(start);
    for (uint32_t s : all)
        sizes.segments.push_back({catalog.segments[s].name, (*counts)[s], catalog.definition(s).title});
    const std::string& format = options.common.format;
    if (format == "json") {
        write_json_document(report::eval_sizes_json(sizes), workspace.sink);
    } else {
        write_out(format == "csv" ? report::eval_sizes_csv(sizes) : report::eval_sizes_text(sizes));
    }
    return finish_output();
}

int run_eval(EvalOptions options) {
    if (options.common.format == "json") begin_json_output("eval");
    if (!options.output.empty() && options.members.empty()) {
        print_error(
            "-o/--output goes with --members: it names the file for a segment's members; sizes always go "
            "to stdout");
        return kExitUsage;
    }
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project)) return code;
    scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    if (!has_data(options.common)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    if (workspace.sink.has_errors()) {
        // Membership of a broken catalog would be wrong, not partial: show why and stop (on stderr, or in the JSON
        // document; stdout never mixes diagnostics into sizes or members).
        print_diagnostics(workspace.sink, options.common);
        finish_output();
        return kExitFindings;
    }
    // Warnings do not stop a run, and are never hidden: on stderr, or in the JSON document.
    if (options.common.format != "json" && !workspace.sink.diagnostics().empty()) {
        print_diagnostics(workspace.sink, options.common);
    }
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    std::optional<size_t> members_segment;
    if (!options.members.empty()) {
        auto it = catalog.segment_index.find(options.members);
        if (it == catalog.segment_index.end()) {
            print_error(fmt::format("--members: no segment named `{}`{}", options.members,
                                    suggestion(options.members, catalog)));
            return kExitUsage;
        }
        members_segment = it->second;
    }
    if (options.push_down) {
        if (options.common.source.empty()) {
            print_error(
                "--push-down runs the counts in a database: it needs --source URL (or the project's `source:`)");
            return kExitUsage;
        }
        if (members_segment) {
            print_error("--push-down returns counts only; leave it out to write a segment's members");
            return kExitUsage;
        }
        return run_pushed_down(options, workspace, as_of);
    }

    auto load_start = std::chrono::steady_clock::now();
    auto table = load_data(options.common, *workspace.schema, options.common.threads,
                           show_progress(::isatty(STDERR_FILENO) != 0, quiet()));
    if (!table) return kExitUsage;
    double load_seconds = seconds_since(load_start);

    auto eval_start = std::chrono::steady_clock::now();
    // Compiled for this table: its statistics let the optimizer order conditions and use dictionary lookups.
    const optimize::TableStats stats = optimize::gather_stats(*table, options.common.threads);
    engine::CompileOptions compile_options;
    compile_options.stats = &stats;
    compile_options.optimizer.enabled = !options.no_optimize;
    for (const auto& name : options.disabled_passes) compile_options.optimizer.disabled.insert(name);
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of, compile_options);
    if (!event_data_given(compiled, *table, options.common)) return kExitUsage;
    const engine::Evaluator evaluator =
        options.engine == "reference" ? engine::Evaluator::Reference : engine::Evaluator::Vm;
    if (members_segment) {
        const auto memberships = engine::evaluate(compiled, *table, evaluator, options.common.threads);
        std::vector<std::string> specs;
        for (const auto& file : catalog.files) specs.push_back(file.source->name());
        const std::vector<std::string> inputs = protected_files(options.common, project, specs);
        workspace.sink.sort();
        const data::Bitmap& members = memberships[*members_segment];
        if (!write_members(options, project, as_of, *table, members, inputs, workspace.sink)) {
            return kExitUsage;
        }
        if (!options.output.empty() && options.output != "-") {
            print_status(fmt::format("wrote {} member{} of {} to {}", with_thousands(members.count()),
                                     members.count() == 1 ? "" : "s", options.members, options.output));
            if (options.common.format == "json") {  // the members went to the file; stdout says what was written
                write_json_document(
                    report::members_written_json(options.members, as_of, members.count(), options.output),
                    workspace.sink);
            }
        }
        if (options.common.format != "json") print_clock_as_of(options, project, as_of);
        return finish_output();
    }

    // Sizes only: counted without keeping the members of segments no other segment reads.
    const std::vector<uint64_t> counts = engine::count_members(compiled, *table, evaluator, options.common.threads);
    const double eval_seconds = seconds_since(eval_start);
    report::EvalSizes sizes;
    sizes.rows = table->rows();
    sizes.as_of = as_of;
    sizes.load_seconds = load_seconds;
    sizes.eval_seconds = eval_seconds;
    sizes.segments = report::segment_sizes(catalog, counts);
    const std::string& format = options.common.format;
    if (format == "json") {
        write_json_document(report::eval_sizes_json(sizes), workspace.sink);
    } else {
        write_out(format == "csv" ? report::eval_sizes_csv(sizes) : report::eval_sizes_text(sizes));
        if (format == "csv") print_clock_as_of(options, project, as_of);
    }
    return finish_output();
}

}  // namespace

void add_eval_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<EvalOptions>();
    CLI::App* command = app.add_subcommand("eval", "Evaluate segments over customer data: sizes, or members");
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_data_option(*command, options->common);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, table_formats());
    command->add_option("--members", options->members, "Write the keys of this segment's members instead");
    command->add_option("-o,--output", options->output, "File for --members (written atomically); default stdout");
    command->add_option("--engine", options->engine, "vm, or reference (the slow oracle, for cross-checks)")
        ->check(CLI::IsMember({"vm", "reference"}))
        ->capture_default_str();
    add_threads_option(*command, options->common);
    command->add_flag("--push-down", options->push_down,
                      "With --source: run the segments' counts as SQL in the database (as `segmint sql --mode "
                      "counts` writes it) and read back only the counts");
    command->add_flag("--no-optimize", options->no_optimize, "Run the rules as written, without optimizer passes");
    command->add_option("--disable-pass", options->disabled_passes, "Turn off one optimizer pass (repeatable)")
        ->check(CLI::IsMember(optimize::pass_names()));
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_eval(*options); });
}

}  // namespace segmint::cli
