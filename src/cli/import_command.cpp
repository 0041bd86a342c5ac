// segmint import: load the customers (and their event tables) once and write them as a snapshot, which every --data
// then opens without parsing (docs/snapshots.md).
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <optional>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "common/atomic_file.h"
#include "common/text_format.h"
#include "data/events.h"
#include "frontend/compile.h"
#include "report/json_output.h"
#include "snapshot/writer.h"

namespace segmint::cli {
namespace {

struct ImportOptions {
    CommonOptions common;
    std::string data;  // the positional DATA
    std::string output;
};

int run_import(ImportOptions& options) {
    CommonOptions& common = options.common;
    if (!options.data.empty() && !common.data_path.empty()) {
        print_error("DATA and --data both name the customers; give one of them");
        return kExitUsage;
    }
    if (!options.data.empty()) common.data_path = options.data;
    std::optional<project::Project> project;
    if (int code = apply_project(common, &project, ProjectNeed::SchemaOnly)) return code;
    if (common.schema_path.empty()) {
        print_error("no schema given; pass --schema FILE");
        return kExitUsage;
    }
    if (options.output.empty() || options.output == "-") {
        print_error("-o names the snapshot file to write (a snapshot is a file that --data maps; not standard output)");
        return kExitUsage;
    }
    std::string lower = options.output;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* extension : {".seg", ".yaml", ".yml", ".csv"}) {
        const std::string ending = extension;
        const std::string& path = options.output;
        if (lower.size() >= ending.size() && lower.compare(lower.size() - ending.size(), ending.size(), ending) == 0) {
            print_error(
                fmt::format("refusing to write `{}`: import writes a snapshot (an Arrow file, such as "
                            "customers.arrow), and a {} file is a spec, schema, project or data file",
                            escape_controls(path), extension));
            return kExitUsage;
        }
    }
    std::string error;
    if (!output_writable(options.output, &error)) {
        print_error(error);
        return kExitUsage;
    }
    DiagnosticSink sink;
    std::vector<std::string> input_errors;
    auto schema = frontend::load_schema_file(common.schema_path, sink, &input_errors);
    if (!schema) {
        for (const auto& e : input_errors) print_error(e);
        print_diagnostics(sink, common);
        return kExitUsage;
    }
    const auto started = std::chrono::steady_clock::now();
    auto table = load_data(common, *schema, common.threads, show_progress(::isatty(STDERR_FILENO) != 0, quiet()));
    if (!table) return kExitUsage;
    const double loaded = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    uint64_t bytes = 0;
    if (!snapshot::write_snapshot_file(*table, options.output, &error, protected_files(common, project, {}), &bytes,
                                       common.threads)) {
        print_error(error);
        return kExitUsage;
    }
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string events;
    nlohmann::ordered_json event_rows = nlohmann::ordered_json::object();
    if (const data::EventSet* set = table->events()) {
        for (size_t i = 0; i < set->tables.size(); ++i) {
            if (!set->tables[i].loaded) continue;
            const std::string& name = schema->events[i].name;
            events += fmt::format(", {} {}", with_thousands(set->tables[i].table.rows()), escape_controls(name));
            event_rows[name] = set->tables[i].table.rows();
        }
    }
    print_status(fmt::format("wrote {}: {} customer{}{}, {:.1f} MB (loaded in {:.2f} s, written in {:.2f} s)",
                             escape_controls(options.output), with_thousands(table->rows()),
                             table->rows() == 1 ? "" : "s", events, static_cast<double>(bytes) / (1 << 20), loaded,
                             total - loaded));
    if (common.format == "json") {
        nlohmann::ordered_json out = report::json_document("import");
        out["output"] = options.output;
        out["rows"] = table->rows();
        out["events"] = event_rows;
        out["bytes"] = bytes;
        write_out(report::json_text(out));
    }
    return finish_output();
}

}  // namespace

void add_import_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<ImportOptions>();
    CLI::App* command = app.add_subcommand(
        "import", "Load the data once and write it as a snapshot, which --data then opens without parsing");
    command->add_option("data", options->data,
                        "Customer data (CSV, a snapshot, or - for standard input); default: --data, or "
                        "the project's `data`");
    command->add_option("-o,--output", options->output, "The snapshot to write (an Arrow IPC file)")->required();
    command->add_option("--schema", options->common.schema_path, "Schema file; default: the project's");
    command->add_option("--project", options->common.project_path, "Project file or folder (segmint.yaml)");
    add_data_option(*command, options->common);
    add_threads_option(*command, options->common);
    add_format_option(*command, options->common.format, text_or_json_formats(),
                      "What stdout says when done: nothing (text; a line on stderr) or a JSON document");
    command->callback([options, &runner] {
        if (options->common.format == "json") begin_json_output("import");
        runner.exit_code = run_import(*options);
    });
}

}  // namespace segmint::cli
