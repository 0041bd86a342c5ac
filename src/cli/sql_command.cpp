// segmint sql: the catalog (or the named segments) as one SQL query per mode, in a dialect (src/sql, docs/sql.md).
// Exit 0 with the SQL on stdout (--format json: in a JSON document); 1 for errors in the specs and for what cannot be
// translated (PRODUCT.md): a construct the dialect does not translate (named, with the dialect) or a dialect not
// implemented yet; 2 for usage and input errors (an unknown dialect or segment).
#include <fmt/format.h>

#include <algorithm>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/calendar.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "report/json_output.h"
#include "sql/sql.h"

namespace segmint::cli {

namespace {

struct SqlOptions {
    CommonOptions common;
    std::vector<std::string> segments;
    std::string dialect;
    std::string mode = "counts";
    std::string table;
};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

int run_sql(SqlOptions& options) {
    if (options.common.format == "json") begin_json_output("sql");
    if (!sql::is_known_dialect(options.dialect)) {
        print_error(fmt::format("unknown dialect `{}`; the dialects are {}", escape_controls(options.dialect),
                                joined(sql::dialect_names())));
        return kExitUsage;
    }
    if (!sql::is_implemented_dialect(options.dialect)) {
        print_error(fmt::format("the {} dialect is not implemented yet; implemented: {}", options.dialect,
                                joined(sql::implemented_dialects())));
        return kExitFindings;
    }
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project)) return code;
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
    std::vector<uint32_t> chosen;
    if (options.segments.empty()) {
        for (size_t s = 0; s < catalog.segments.size(); ++s) chosen.push_back(static_cast<uint32_t>(s));
    } else {
        for (const auto& name : options.segments) {
            auto it = catalog.segment_index.find(name);
            if (it == catalog.segment_index.end()) {
                print_error(fmt::format("no segment named `{}`{}", escape_controls(name), suggestion(name, catalog)));
                return kExitUsage;
            }
            const auto s = static_cast<uint32_t>(it->second);
            if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
        }
    }
    if (chosen.empty()) {
        print_error("no segments to translate");
        return kExitUsage;
    }
    sql::Generator generator(catalog, as_of, options.dialect);
    bool refused = false;
    for (uint32_t s : chosen) {
        if (auto refusal = generator.refusal(s)) {
            const std::string& name = catalog.segments[s].name;
            print_error(name == refusal->segment ? refusal->message()
                                                 : fmt::format("segment `{}` refers to `{}`: {}", name,
                                                               refusal->segment, refusal->message()));
            refused = true;
        }
    }
    if (refused) return kExitFindings;
    sql::QueryOptions query;
    query.mode = *sql::parse_mode(options.mode);
    query.table = options.table;
    std::string text;
    try {
        text = generator.query(chosen, query);
    } catch (
        const sql::RefusedError& refused) {  // what only this mode cannot express (views of names SQL takes as one)
        print_error(refused.what());
        return kExitFindings;
    }
    if (options.common.format == "json") {
        nlohmann::ordered_json document = report::json_document("sql");
        document["dialect"] = options.dialect;
        document["mode"] = options.mode;
        document["as_of"] = calendar::format_date(as_of.today);
        document["now"] = calendar::format_timestamp(as_of.now);
        document["segments"] = nlohmann::ordered_json::array();
        for (uint32_t s : chosen) document["segments"].push_back(catalog.segments[s].name);
        document["sql"] = text;
        write_json_document(std::move(document), workspace.sink);
    } else {
        write_out(text);
    }
    // The SQL holds today (and later now) as literals; when they came from the clock, say so, so it can be repeated.
    if (options.common.as_of.empty() && !(project && project->as_of)) {
        const std::string instant = engine::as_of_text(as_of);
        print_status(fmt::format("as of {} (repeat with --as-of {})", instant, instant));
    }
    return finish_output();
}

}  // namespace

void add_sql_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<SqlOptions>();
    CLI::App* command =
        app.add_subcommand("sql", "The segments as SQL with the exact meaning of eval, for a database to run");
    command->add_option("segments", options->segments, "Segments to translate; default: all");
    add_spec_inputs(*command, options->common, SpecPaths::FlagOnly);
    add_as_of_option(*command, options->common);
    command->add_option("--dialect", options->dialect, "SQL dialect: " + joined(sql::dialect_names()))
        ->required()
        ->type_name("DIALECT");
    command
        ->add_option("--mode", options->mode,
                     "counts: one row of segment sizes; members: a row per customer with a 0/1 column per segment; "
                     "views: CREATE VIEW segment_<name> per segment")
        ->check(CLI::IsMember({"counts", "members", "views"}))
        ->capture_default_str();
    command->add_option("--table", options->table, "The customer table to read; default: the schema's `table`")
        ->type_name("NAME");
    add_format_option(*command, options->common.format, {"text", "json"});
    add_max_warnings_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_sql(*options); });
}

}  // namespace segmint::cli
