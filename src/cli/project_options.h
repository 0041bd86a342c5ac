#pragma once
// Spec projects on the command line: finding segmint.yaml (--project PATH, or the current folder and those above it)
// and filling the options the flags left out. Flags always win over the project.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "data/table.h"
#include "engine/engine.h"
#include "project/project.h"
#include "scalar/scalar.h"

namespace segmint::sources {
class Connection;
}

namespace segmint::cli {

enum class ProjectNeed {
    IfMissing,   // check/eval/explain: look for a project only when --schema or the spec paths are missing
    Always,      // validate/test/overlap: constraints and tests live only in the project
    SchemaOnly,  // import: reads no specs, so --schema alone makes the flags complete
};

// Loads the project named by --project, or the nearest segmint.yaml above the current folder, and fills
// schema_path, paths and data_path where they are empty. Sets options.project_resolved so a second call does nothing.
// Returns 0 to go on (with *project set when one was loaded and `project` is not null), or 2 after printing why the
// project cannot be used. With ProjectNeed::Always, finding no project is an error unless the flags name the schema
// and the specs.
int apply_project(CommonOptions& options, std::optional<project::Project>* project,
                  ProjectNeed need = ProjectNeed::IfMissing);

// Files an output of this run must never replace (BAD_INPUTS 40): the inputs it reads (schema, data, spec files) and,
// when a project is in use or lies in this folder or above, the project file and every file it names (its tests too).
std::vector<std::string> protected_files(const CommonOptions& options, const std::optional<project::Project>& project,
                                         const std::vector<std::string>& spec_files);

// Why writing `output` would feed the next run, or "" when it would not: a `.seg` file below a spec folder given in
// options.paths (read recursively, as frontend::expand_spec_paths reads it), or a path the project's `segments` or
// `tests` globs match. protected_files covers the files that exist; this covers the ones an output would create.
std::string output_would_be_read(const CommonOptions& options, const std::optional<project::Project>& project,
                                 const std::string& output);

// The run's as-of: --as-of, else the project's `as_of`, else today (UTC). False after a message on stderr.
bool resolve_as_of(const std::string& flag, const std::optional<project::Project>& project, scalar::AsOf* out);

// True when options.data_path names the data; otherwise false after the one "no data given" message (commands that
// need data check it before compiling, so the user learns it first).
bool has_data(const CommonOptions& options);

// Whether a command shows the loading progress line: only when stderr is a terminal and --quiet is not given.
bool show_progress(bool stderr_is_tty, bool quiet);

// What erases a progress line `width` columns wide: "\r" and the erase-line escape on a capable terminal; with
// TERM=dumb or NO_COLOR set (`term`/`no_color` as from getenv, null when unset), no escape sequence at all but
// "\r", `width` spaces and "\r".
std::string progress_clear(const char* term, const char* no_color, size_t width);

// Loads the event tables of `customers`' schema from --events NAME=FILE and the project's `data:` mapping and attaches
// them (a table without a file has no events and is not `loaded`); false after printing the error. With `source`,
// tables that no flag or `data:` entry names a file for come from that database when it has them.
bool load_events(const CommonOptions& options, data::Table& customers, unsigned threads,
                 sources::Connection* source = nullptr);
// True when every event table the compiled rules read has its data; false after printing which one lacks it.
bool event_data_given(const engine::CompiledCatalog& compiled, const data::Table& table, const CommonOptions& options);

// The database tables --source-table and the project's `source: {tables: ...}` name, by schema table (flags win);
// nullopt after printing why (a name that is not a table of the schema, --source-table without a source).
std::optional<std::vector<std::pair<std::string, std::string>>> source_tables(const CommonOptions& options,
                                                                              const schema::Schema& schema);

// Loads the customer CSV named by options.data_path (`-`: standard input) on `threads` threads (0 = all cores), or
// the tables of options.source (sources/source.h); an error on stderr and nullopt when missing or malformed. With
// `progress`, a percentage line on stderr while loading CSV (callers pass show_progress(...)).
std::optional<data::Table> load_data(const CommonOptions& options, const schema::Schema& schema, unsigned threads,
                                     bool progress = false);

}  // namespace segmint::cli
