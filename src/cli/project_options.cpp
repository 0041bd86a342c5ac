
#include "cli/project_options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/output.h"
#include "common/limits.h"
#include "common/suggest.h"
#include "common/text_format.h"
#include "data/csv_loader.h"
#include "data/events.h"
#include "engine/engine.h"
#include "engine/schema_checks.h"
#include "frontend/inputs.h"
#include "snapshot/reader.h"
#include "sources/source.h"

namespace segmint::cli {

namespace fs = std::filesystem;

namespace {

// Does one of the `--events NAME=FILE` flags name event table `name`?
bool names_events(const std::vector<std::string>& flags, const std::string& name) {
    return std::any_of(flags.begin(), flags.end(),
                       [&](const std::string& flag) { return flag.rfind(name + "=", 0) == 0; });
}

// The folder of the project file as the user would write it: relative to the current folder when below it.
std::string display_folder(const fs::path& folder) {
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (!ec) {
        fs::path relative = fs::weakly_canonical(folder, ec).lexically_relative(fs::weakly_canonical(cwd, ec));
        if (!ec && !relative.empty()) return relative.string();
    }
    return folder.string();
}

// `output` resolved as the file it would be: its folder canonical (it exists, the file may not), then its name.
std::optional<fs::path> resolved_output(const std::string& output) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(output, ec);
    if (ec) return std::nullopt;
    const fs::path folder = fs::weakly_canonical(absolute.parent_path(), ec);
    if (ec) return std::nullopt;
    return folder / absolute.filename();
}

// True when `path` lies below `folder` (both resolved).
bool below(const fs::path& path, const fs::path& folder) {
    const fs::path relative = path.lexically_relative(folder);
    return !relative.empty() && *relative.begin() != ".." && relative != ".";
}

}  // namespace

int apply_project(CommonOptions& options, std::optional<project::Project>* out, ProjectNeed need) {
    if (options.project_resolved) return kExitOk;
    options.project_resolved = true;
    std::string given = options.project_path;
    const bool flags_complete =
        !options.schema_path.empty() && (need == ProjectNeed::SchemaOnly || !options.paths.empty());
    if (given.empty() && need != ProjectNeed::Always && flags_complete) return kExitOk;

    std::string file;
    std::string display;
    std::error_code ec;
    if (!given.empty()) {
        // --project names the file or its folder.
        file = fs::is_directory(given, ec) ? (fs::path(given) / project::kProjectFileName).string() : given;
        display = fs::path(file).parent_path().string();
        if (display.empty()) display = ".";
    } else {
        auto found = project::find_project_file(".");
        if (!found) {
            if (flags_complete) return kExitOk;
            print_error(fmt::format("no {} in this folder or above it; pass --project PATH, or --schema FILE{}",
                                    project::kProjectFileName,
                                    need == ProjectNeed::SchemaOnly ? "" : " and the spec paths"));
            return kExitUsage;
        }
        file = *found;
        display = display_folder(fs::path(file).parent_path());
    }
    const fs::path folder = fs::path(file).parent_path().empty() ? fs::path(".") : fs::path(file).parent_path();
    const std::string shown_file =
        (display == "." ? std::string() : display + "/") + fs::path(file).filename().string();
    frontend::InputError error;
    auto source = frontend::read_source(file, limits::kMaxYamlFileBytes, &error);
    if (!source) {
        print_error(fmt::format("cannot read project `{}`: {}", file, error.message));
        return kExitUsage;
    }
    source = std::make_shared<const Source>(shown_file, source->text());
    const std::string root = fs::canonical(folder, ec).string();
    if (ec) {
        print_error(fmt::format("cannot resolve the folder of `{}`: {}", file, ec.message()));
        return kExitUsage;
    }
    DiagnosticSink sink;
    auto loaded = project::load_project(source, root, display, sink);
    if (!loaded) {
        CommonOptions text = options;
        if (text.format != "json" && !report::is_ci_format(text.format)) text.format = "text";
        print_diagnostics(sink, text);
        finish_output();
        return kExitUsage;
    }
    if (options.schema_path.empty()) options.schema_path = loaded->schema_path;
    if (options.paths.empty()) options.paths = loaded->spec_files;
    // --data and --source each replace the project's `data` or `source`, whichever it has.
    const bool data_given = !options.data_path.empty() || !options.source.empty();
    if (!data_given && loaded->data_path) options.data_path = *loaded->data_path;
    if (!data_given && loaded->data_source) {
        options.source = *loaded->data_source;
        options.source_tables = loaded->source_tables;
    }
    // A database (--source) replaces the project's `data` mapping whole: its event files too.
    for (const auto& [name, path] : options.source.empty() ? loaded->event_paths : decltype(loaded->event_paths){}) {
        if (!names_events(options.events, name)) options.project_events.push_back(name + "=" + path);
    }
    options.project_file = loaded->source->name();
    if (out != nullptr) *out = std::move(*loaded);
    return kExitOk;
}

std::vector<std::string> protected_files(const CommonOptions& options, const std::optional<project::Project>& project,
                                         const std::vector<std::string>& spec_files) {
    std::vector<std::string> files = spec_files;
    for (const std::string* path : {&options.schema_path, &options.data_path}) {
        if (!path->empty()) files.push_back(*path);
    }
    if (const std::string database = sources::sqlite_path(options.source); !database.empty()) files.push_back(database);
    for (const std::string& flag : options.events) {
        if (auto equals = flag.find('='); equals != std::string::npos) files.push_back(flag.substr(equals + 1));
    }
    if (project) {
        files.push_back((fs::path(project->root) / project::kProjectFileName).string());
        files.push_back(project->schema_path);
        if (project->data_path) files.push_back(*project->data_path);
        for (const auto& event_file : project->event_paths) files.push_back(event_file.second);
        files.insert(files.end(), project->spec_files.begin(), project->spec_files.end());
        files.insert(files.end(), project->test_files.begin(), project->test_files.end());
    } else if (auto nearest = project::find_project_file(".")) {
        files.push_back(*nearest);
    }
    return files;
}

std::string output_would_be_read(const CommonOptions& options, const std::optional<project::Project>& project,
                                 const std::string& output) {
    if (project && project::project_would_read(*project, output)) {
        return "the project's `segments` or `tests` globs would read it as part of the project";
    }
    // expand_spec_paths reads every regular `*.seg` below a folder (not through symbolic links to folders, which
    // resolving the output's folder accounts for).
    if (fs::path(output).extension() != ".seg") return "";
    const auto resolved = resolved_output(output);
    if (!resolved) return "";
    for (const auto& path : options.paths) {
        std::error_code ec;
        if (path == frontend::kStdinPath || !fs::is_directory(path, ec)) continue;
        const fs::path folder = fs::canonical(path, ec);
        if (!ec && below(*resolved, folder)) {
            return "it is a spec file in `" + path + "`, a folder this run reads specs from";
        }
    }
    return "";
}

bool resolve_as_of(const std::string& flag, const std::optional<project::Project>& project, scalar::AsOf* out) {
    *out = engine::as_of_now();
    const std::string text = !flag.empty() ? flag : project && project->as_of ? *project->as_of : std::string();
    if (text.empty() || engine::parse_as_of(text, out)) return true;
    print_error(fmt::format("--as-of `{}` is not a date (YYYY-MM-DD) or timestamp", text));
    return false;
}

bool has_data(const CommonOptions& options) {
    if (!options.data_path.empty() && !options.source.empty()) {
        print_error("--data and --source both name the customers; give one of them");
        return false;
    }
    if (!options.data_path.empty() || !options.source.empty()) return true;
    print_error(fmt::format("no data given; pass --data FILE or --source URL, or set `data:` or `source:` in {}",
                            project::kProjectFileName));
    return false;
}

namespace {

// The files of `--events NAME=FILE` and of the project's `data:` mapping, by event table; false after an error.
bool event_files(const CommonOptions& options, const schema::Schema& schema, std::vector<std::string>& files) {
    files.assign(schema.events.size(), "");
    for (const auto* list : {&options.events, &options.project_events}) {
        const bool project = list == &options.project_events;
        for (const std::string& flag : *list) {
            const size_t equals = flag.find('=');
            const std::string name = flag.substr(0, equals);
            // What the user wrote: the flag, or the entry of the project file's `data:` mapping.
            const std::string where = project
                                          ? escape_controls(options.project_file) + ": data." + escape_controls(name)
                                          : "--events " + escape_controls(flag);
            if (equals == std::string::npos || equals == 0 || equals + 1 == flag.size()) {
                print_error(where + ": expected NAME=FILE, such as `--events orders=orders.csv`");
                return false;
            }
            const schema::EventTable* table = schema.find_events(name);
            if (!table) {
                std::string hint = did_you_mean(name, schema.event_names());
                print_error(fmt::format("{}: the schema has no event table `{}`{}", where, escape_controls(name),
                                        schema.events.empty() ? " (it declares no `events:`)"
                                        : hint.empty()        ? ""
                                                              : "; " + hint));
                return false;
            }
            std::string& file = files[static_cast<size_t>(table - schema.events.data())];
            if (!file.empty()) {
                print_error(fmt::format("--events: event table `{}` is given twice", escape_controls(name)));
                return false;
            }
            file = flag.substr(equals + 1);
            if (file == "-") {  // standard input is the customers' (--data -), and is read once
                print_error(where + ": event data is read from a file, not standard input");
                return false;
            }
        }
    }
    return true;
}

}  // namespace

bool load_events(const CommonOptions& options, data::Table& customers, unsigned threads, sources::Connection* source) {
    const schema::Schema& schema = customers.schema();
    if (schema.events.empty() && options.events.empty() && options.project_events.empty()) return true;
    std::vector<std::string> files;
    if (!event_files(options, schema, files)) return false;
    // A snapshot's event tables (`--data` of `segmint import`'s output): kept unless `--events` names a file for one.
    const data::EventSet* stored = customers.events();
    auto kept = [&](size_t i) {
        return stored && stored->tables[i].loaded && !names_events(options.events, schema.events[i].name);
    };
    if (stored) {  // nothing to read: the snapshot's event tables stay as they are (not copied)
        bool read = false;
        for (size_t i = 0; i < schema.events.size(); ++i) read |= !kept(i) && !files[i].empty();
        if (!read) return true;
    }
    auto events = std::make_shared<data::EventSet>();
    for (size_t i = 0; i < schema.events.size(); ++i) {
        if (kept(i)) {
            events->tables.push_back(stored->tables[i]);
            continue;
        }
        data::CsvOptions csv;
        csv.threads = threads;
        std::optional<data::EventTable> table;
        std::string name = files[i];  // what the orphan warning names
        if (files[i].empty() && source) {
            // From the database, when it has the table (--events NAME=FILE still reads a file instead).
            std::string error;
            auto found = source->has_events(schema.events[i], &error);
            if (!found) {
                print_error(error);
                return false;
            }
            if (*found) {
                table = source->load_events(customers, schema.events[i], csv, &error);
                if (!table) {
                    print_error(error);
                    return false;
                }
                name = source->describe(source->table_for(schema.events[i].name));
            }
        }
        if (!table && files[i].empty()) {  // an error only for a run whose rules read it (event_data_given)
            events->tables.push_back(data::no_events(customers, schema.events[i]));
            continue;
        }
        if (!table && snapshot::is_snapshot_file(files[i])) {
            print_error(
                fmt::format("{}: a snapshot, not an event table's CSV file; give it as --data (a snapshot "
                            "holds its event tables)",
                            escape_controls(files[i])));
            return false;
        }
        if (!table) {
            data::CsvError error;
            table = data::load_events_csv(files[i], customers, schema.events[i], &error, csv);
            if (!table) {
                print_located_error(error.to_string());
                return false;
            }
        }
        if (table->orphans > 0 && !quiet()) {
            const bool one = table->orphans == 1;
            // fputs, not fmt::print, which throws when stderr cannot be written (a closed pipe): a warning never stops
            // the command.
            std::fputs(
                fmt::format("warning: {}: {} event{} name{} no customer and {} left out (the first has key `{}`)\n",
                            escape_controls(name), with_thousands(table->orphans), one ? "" : "s", one ? "s" : "",
                            one ? "is" : "are", escape_controls(table->first_orphan_key))
                    .c_str(),
                stderr);
        }
        events->tables.push_back(std::move(*table));
    }
    customers.set_events(std::move(events));
    return true;
}

bool event_data_given(const engine::CompiledCatalog& compiled, const data::Table& table, const CommonOptions& options) {
    const data::EventSet* events = table.events();
    for (const auto& aggregate : compiled.aggregates) {
        if (events && aggregate->events < events->tables.size() && events->tables[aggregate->events].loaded) continue;
        const std::string name = table.schema().events.at(aggregate->events).name;
        if (!options.source.empty()) {
            print_error(fmt::format(
                "the rules read event table `{}` (`{}`), but {} has no table `{}`; add it to the database, name "
                "its table in the project's `source: {{tables: ...}}`, or pass --events {}=FILE",
                escape_controls(name), escape_controls(aggregate->key),
                escape_controls(sources::mask_password(options.source)), escape_controls(name), escape_controls(name)));
            return false;
        }
        print_error(fmt::format(
            "the rules read event table `{}` (`{}`), but no data was given for it; pass --events "
            "{}=FILE or name it in the `data:` mapping of {}",
            escape_controls(name), escape_controls(aggregate->key), escape_controls(name), project::kProjectFileName));
        return false;
    }
    return true;
}

bool show_progress(bool stderr_is_tty, bool quiet) { return stderr_is_tty && !quiet; }

std::string progress_clear(const char* term, const char* no_color, size_t width) {
    const bool plain = no_color != nullptr || (term != nullptr && std::string(term) == "dumb");
    if (plain) return "\r" + std::string(width, ' ') + "\r";
    return "\r\x1b[K";
}

std::optional<std::vector<std::pair<std::string, std::string>>> source_tables(const CommonOptions& options,
                                                                              const schema::Schema& schema) {
    if (!options.tables.empty() && options.source.empty()) {
        print_error(
            "--source-table names a table of a database: it goes with --source URL (or the project's `source:`)");
        return std::nullopt;
    }
    std::vector<std::string> names = {schema.table};
    for (const auto& events : schema.events) names.push_back(events.name);
    std::vector<std::pair<std::string, std::string>> tables;
    auto add = [&](const std::string& where, const std::string& name, const std::string& table) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            std::string hint = did_you_mean(name, names);
            print_error(fmt::format("{}: the schema has no table `{}` (its tables: {}){}", where, escape_controls(name),
                                    fmt::join(names, ", "), hint.empty() ? "" : "; " + hint));
            return false;
        }
        if (table.empty()) {
            print_error(where + ": expected a table name");
            return false;
        }
        tables.erase(
            std::remove_if(tables.begin(), tables.end(), [&](const auto& entry) { return entry.first == name; }),
            tables.end());
        tables.emplace_back(name, table);
        return true;
    };
    for (const auto& [name, table] : options.source_tables) {
        if (!add(escape_controls(options.project_file) + ": source.tables." + escape_controls(name), name, table)) {
            return std::nullopt;
        }
    }
    for (const std::string& flag : options.tables) {  // flags win over the project
        const size_t equals = flag.find('=');
        const bool named = equals != std::string::npos;
        if (!add("--source-table " + escape_controls(flag), named ? flag.substr(0, equals) : schema.table,
                 named ? flag.substr(equals + 1) : flag)) {
            return std::nullopt;
        }
    }
    return tables;
}

namespace {

// --data naming a snapshot (`segmint import`): the file mapped, or `bytes` read from standard input.
std::optional<data::Table> load_snapshot(const CommonOptions& options, const schema::Schema& schema, unsigned threads,
                                         std::string_view bytes = {}, const std::string& name = "") {
    std::string problem;
    snapshot::ReadOptions read;
    read.threads = threads;
    auto table = name.empty() ? snapshot::read_snapshot_file(options.data_path, schema, &problem, read)
                              : snapshot::read_snapshot(bytes, name, schema, &problem, read);
    if (!table) {
        print_error(problem);
        return std::nullopt;
    }
    if (!load_events(options, *table, threads)) return std::nullopt;
    return table;
}

}  // namespace

std::optional<data::Table> load_data(const CommonOptions& options, const schema::Schema& schema, unsigned threads,
                                     bool progress) {
    if (!has_data(options)) return std::nullopt;
    data::CsvError error;
    data::CsvOptions csv;
    csv.threads = threads;
    csv.check_rows = engine::schema_row_check(schema, threads);
    const auto tables = source_tables(options, schema);
    if (!tables) return std::nullopt;
    if (!options.source.empty()) {
        std::string problem;
        auto source = sources::Connection::open(options.source, *tables, &problem);
        if (!source) {
            print_error(problem);
            return std::nullopt;
        }
        auto table = source->load_customers(schema, csv, &problem);
        if (!table) {
            print_error(problem);
            return std::nullopt;
        }
        if (!load_events(options, *table, threads, source.get())) return std::nullopt;
        return table;
    }
    if (options.data_path == "-") {
        std::string text, problem;
        if (!frontend::read_standard_input(&text, &problem)) {
            print_error(problem);
            return std::nullopt;
        }
        if (snapshot::is_snapshot(text)) return load_snapshot(options, schema, threads, text, frontend::kStdinName);
        auto table = data::load_csv_text(text, frontend::kStdinName, schema, &error, csv);
        if (!table) print_located_error(error.to_string());
        if (table && !load_events(options, *table, threads)) return std::nullopt;
        return table;
    }
    if (snapshot::is_snapshot_file(options.data_path)) return load_snapshot(options, schema, threads);
    size_t width = 0;  // of the longest progress line written, for clearing it without escapes
    if (progress) {
        csv.progress = [&](uint64_t done, uint64_t total) {
            if (total == 0) return;
            const std::string line =
                fmt::format("loading {}: {:3.0f}% ({} of {} MB)", escape_controls(options.data_path),
                            100.0 * static_cast<double>(done) / static_cast<double>(total), with_thousands(done >> 20),
                            with_thousands(total >> 20));
            width = std::max(width, line.size());
            std::fputs(("\r" + line).c_str(), stderr);  // as the warning above: never throws
        };
    }
    auto table = data::load_csv(options.data_path, schema, &error, csv);
    if (progress && width > 0) {
        std::fputs(progress_clear(std::getenv("TERM"), std::getenv("NO_COLOR"), width).c_str(), stderr);
    }
    if (!table) {
        print_located_error(error.to_string());
        return std::nullopt;
    }
    if (!load_events(options, *table, threads)) return std::nullopt;
    return table;
}

}  // namespace segmint::cli
