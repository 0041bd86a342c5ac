// segmint eval: segment sizes over a customer table; optionally the keys of one segment's members.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/workspace.h"
#include "cli/output.h"
#include "common/atomic_file.h"
#include "common/calendar.h"
#include "common/text_format.h"
#include "data/csv_loader.h"
#include "cli/project_options.h"
#include "engine/engine.h"
#include "optimize/stats.h"
#include "report/json_output.h"

namespace segmint::cli {

namespace {

struct EvalOptions {
    CommonOptions common;
    std::string members;
    std::string output;
    std::string engine = "vm";
    bool no_optimize = false;
    std::vector<std::string> disabled_passes;
};

std::string percent(uint64_t part, uint64_t whole) {
    return fmt::format("{:.2f}%", whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `, "diagnostics": [...], "errors": N, "warnings": N`: the end of a streamed JSON document (docs/ci.md).
std::string diagnostics_members(const DiagnosticSink& sink) {
    nlohmann::ordered_json tail;
    report::add_diagnostics(tail, sink);
    std::string out;
    for (const auto& [key, value] : tail.items()) {
        out += ", " + nlohmann::json(key).dump() + ": " +
               value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return out;
}

// The members of one segment: text, one key a line; csv, a one-column CSV with the key's name as header; json, an
// object with the keys in an array. A string key with a comma, quote or line break is quoted as in CSV (RFC 4180)
// in text and csv, so a key can never read as two.
bool write_members(const EvalOptions& options, const std::optional<project::Project>& project,
                   const data::Table& table, const std::string& segment, const data::Bitmap& members,
                   const std::vector<std::string>& inputs, const DiagnosticSink& sink) {
    const schema::Schema& schema = table.schema();
    const data::Column* key = table.find(schema.key);
    const std::string& format = options.common.format;
    const bool json = format == "json";
    auto key_text = [&](uint64_t row) -> std::string {
        if (key->type == schema::ColumnType::Int) return std::to_string(key->i64[row]);
        if (json) return nlohmann::json(std::string(key->string_at(row))).dump(-1, ' ', false,
                                                                                nlohmann::json::error_handler_t::replace);
        return csv_field(key->string_at(row));
    };
    auto write = [&](const std::function<bool(std::string_view)>& put) {
        std::string buffer;
        if (json) {
            buffer = "{\"version\": " + std::to_string(report::kJsonOutputVersion) +
                     ", \"command\": \"eval\", \"segment\": " + nlohmann::json(segment).dump() + ", \"count\": " +
                     std::to_string(members.count()) + ", \"members\": [";
        } else if (format == "csv") {
            buffer = csv_field(schema.key) + "\n";
        }
        bool first = true;
        for (uint64_t row = 0; row < table.rows(); ++row) {
            if (!members.get(row)) continue;
            if (json && !first) buffer += ", ";
            first = false;
            buffer += key_text(row);
            if (!json) buffer += '\n';
            if (buffer.size() > (1u << 20)) {
                if (!put(buffer)) return false;
                buffer.clear();
            }
        }
        if (json) buffer += "]" + diagnostics_members(sink) + "}\n";
        return put(buffer);
    };
    if (options.output.empty() || options.output == "-") {
        return write([](std::string_view text) {
            write_out(text);
            return true;
        });
    }
    std::string error;
    if (project && project::project_would_read(*project, options.output)) {
        print_error(fmt::format("refusing to write `{}`: the project's `segments` or `tests` globs would read it as "
                                "part of the project; choose another output path",
                                options.output));
        return false;
    }
    auto to_file = [&](std::FILE* out) {
        return write([out](std::string_view text) { return std::fwrite(text.data(), 1, text.size(), out) == text.size(); });
    };
    if (!write_file_atomically(options.output, to_file, &error, inputs)) {
        print_error(error);
        return false;
    }
    return true;
}

int run_eval(EvalOptions options) {
    if (options.common.format == "json") begin_json_output("eval");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project)) return code;
    ir::scalar::AsOf as_of;
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

    auto load_start = std::chrono::steady_clock::now();
    auto table = load_data(options.common, *workspace.schema, options.common.threads, ::isatty(STDERR_FILENO) != 0);
    if (!table) return kExitUsage;
    double load_seconds = seconds_since(load_start);

    auto eval_start = std::chrono::steady_clock::now();
    // Compiled for this table: its statistics let the optimizer order conditions and use dictionary lookups.
    const optimize::TableStats stats = optimize::gather_stats(*table);
    engine::CompileOptions compile_options;
    compile_options.stats = &stats;
    compile_options.optimizer.enabled = !options.no_optimize;
    for (const auto& name : options.disabled_passes) compile_options.optimizer.disabled.insert(name);
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of, compile_options);
    auto memberships = engine::evaluate(compiled, *table, options.engine == "reference" ? engine::Evaluator::Reference
                                                                                         : engine::Evaluator::Vm,
                                        options.common.threads);
    double eval_seconds = seconds_since(eval_start);

    if (members_segment) {
        std::vector<std::string> specs;
        for (const auto& file : catalog.files) specs.push_back(file.source->name());
        const std::vector<std::string> inputs = protected_files(options.common, project, specs);
        workspace.sink.sort();
        const data::Bitmap& members = memberships[*members_segment];
        if (!write_members(options, project, *table, options.members, members, inputs, workspace.sink)) {
            return kExitUsage;
        }
        if (!options.output.empty() && options.output != "-") {
            print_status(fmt::format("wrote {} members of {} to {}", with_thousands(members.count()), options.members,
                                     options.output));
            if (options.common.format == "json") {  // the members went to the file; stdout says what was written
                nlohmann::ordered_json out = report::json_document("eval");
                out["segment"] = options.members;
                out["count"] = members.count();
                out["output"] = options.output;
                write_json_document(std::move(out), workspace.sink);
            }
        }
        return finish_output();
    }

    const uint64_t rows = table->rows();
    const std::string as_of_date = calendar::format_date(as_of.today);
    const std::string& format = options.common.format;
    if (format == "json") {
        nlohmann::ordered_json out = report::json_document("eval");
        out["rows"] = rows;
        out["as_of"] = as_of_date;
        out["now"] = calendar::format_timestamp(as_of.now);
        out["segments"] = nlohmann::ordered_json::array();
        for (size_t s = 0; s < catalog.segments.size(); ++s) {
            nlohmann::ordered_json item;
            item["name"] = catalog.segments[s].name;
            item["count"] = memberships[s].count();
            item["share"] = rows == 0 ? 0.0 : static_cast<double>(memberships[s].count()) / rows;
            if (const auto& title = catalog.definition(s).title) item["title"] = *title;
            out["segments"].push_back(std::move(item));
        }
        write_json_document(std::move(out), workspace.sink);
    } else if (format == "csv") {
        write_out("segment,count,share\n");
        for (size_t s = 0; s < catalog.segments.size(); ++s) {
            const double share = rows == 0 ? 0.0 : static_cast<double>(memberships[s].count()) / static_cast<double>(rows);
            write_out(fmt::format("{},{},{:.6f}\n", csv_field(catalog.segments[s].name), memberships[s].count(), share));
        }
    } else {
        size_t name_width = 7;
        for (const auto& segment : catalog.segments) name_width = std::max(name_width, segment.name.size());
        write_out(fmt::format("{} customers as of {} (loaded in {:.2f} s, evaluated in {:.3f} s)\n\n",
                              with_thousands(rows), engine::as_of_text(as_of), load_seconds, eval_seconds));
        write_out(fmt::format("{:<{}}  {:>12}  {:>8}  {}\n", "segment", name_width, "customers", "share", "title"));
        for (size_t s = 0; s < catalog.segments.size(); ++s) {
            const auto& title = catalog.definition(s).title;
            write_out(fmt::format("{:<{}}  {:>12}  {:>8}  {}\n", catalog.segments[s].name, name_width,
                                  with_thousands(memberships[s].count()), percent(memberships[s].count(), rows),
                                  title ? *title : ""));
        }
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
    command->add_flag("--no-optimize", options->no_optimize, "Run the rules as written, without optimizer passes");
    command->add_option("--disable-pass", options->disabled_passes, "Turn off one optimizer pass (repeatable)")
        ->check(CLI::IsMember(optimize::pass_names()));
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_eval(*options); });
}

}  // namespace segmint::cli
