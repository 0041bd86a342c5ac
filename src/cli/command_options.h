#pragma once
// The options commands share, each declared by one helper so its name, help text, default and allowed values are
// written once; a command composes the helpers it needs. The man page and shell completion follow from these
// declarations (they read the commands' help).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace segmint::cli {

// What the options of a run fill in; cli/project_options.h fills what the flags left out from segmint.yaml.
struct CommonOptions {
    std::vector<std::string> paths;  // spec files or folders: the positional paths and --specs, in that order
    std::string schema_path;
    std::string format = "text";
    std::string command;  // check, validate, test: names the CI report (report/ci_report.h)
    std::string color = "auto";
    std::string project_path;  // --project: segmint.yaml or its folder (cli/project_options.h)
    std::string data_path;     // customer data (CSV), when the command reads data
    // --source URL (or the project's `source:`): a database to read the customer and event tables from instead
    // (sources/source.h); source_tables maps schema table names to the database's where the project renames them.
    std::string source;
    std::vector<std::pair<std::string, std::string>> source_tables;
    std::vector<std::string>
        tables;  // --source-table T or NAME=T: the source's table for the customers or schema table NAME
    // Event data: `--events NAME=FILE` as given, and the project's `data:` mapping for the tables the flags leave out
    // (NAME=FILE too, named in messages as the project file's `data.NAME`).
    std::vector<std::string> events;
    std::vector<std::string> project_events;
    std::string project_file;            // the segmint.yaml read, for messages about its `data:`
    std::string as_of;                   // --as-of; empty: the project's `as_of`, else now (resolve_as_of)
    unsigned threads = 0;                // --threads, for commands that load data (0 = all cores)
    std::optional<size_t> max_warnings;  // --max-warnings N: exit 1 when there are more warnings than N
    bool project_resolved = false;       // set by apply_project() so the project is loaded once
};

// How a command takes spec paths. Every command that reads specs takes --specs; those whose positionals mean
// something else (overlap: segment names, test: fixture files) take spec paths only that way, so no word on their
// command line can be read two ways.
enum class SpecPaths {
    PositionalAndFlag,  // [PATHS...] and --specs PATHS (check, eval, explain, validate, fmt)
    FlagOnly,           // --specs PATHS (overlap, test)
};

// The spec paths (see SpecPaths; both forms add to options.paths) and --project.
void add_spec_paths(CLI::App& command, CommonOptions& options, SpecPaths form);
// add_spec_paths and --schema: the inputs of every command that checks specs.
void add_spec_inputs(CLI::App& command, CommonOptions& options, SpecPaths form);
// --data FILE (or - for standard input), --events NAME=FILE, --source URL.
void add_data_option(CLI::App& command, CommonOptions& options);
// --as-of D.
void add_as_of_option(CLI::App& command, CommonOptions& options);
// --threads N, for loading data and evaluating.
void add_threads_option(CLI::App& command, CommonOptions& options);
// --color auto|always|never.
void add_color_option(CLI::App& command, CommonOptions& options);
// --max-warnings N, for every command that compiles rules (cli/output.h: note_warnings, apply_max_warnings).
void add_max_warnings_option(CLI::App& command, CommonOptions& options);
// --format, one of `formats`; its default is the value `format` holds.
void add_format_option(CLI::App& command, std::string& format, const std::vector<std::string>& formats,
                       const std::string& help = "Output format");

// The --format values of the commands CI runs (check, validate, test, fmt --check): text, json and the CI formats.
const std::vector<std::string>& ci_command_formats();
// The --format values of the commands whose results are a table (eval, overlap): text, json, csv.
const std::vector<std::string>& table_formats();
// The --format values of the other commands: text, json.
const std::vector<std::string>& text_or_json_formats();

// A validator for counts: digits only, at most `most` (CLI11 alone reads `-1` into an unsigned 64-bit option as
// 2^64 - 1).
CLI::Validator whole_number_up_to(uint64_t most);
// The same from `least` up (the help and the error name both bounds).
CLI::Validator whole_number_between(uint64_t least, uint64_t most);

}  // namespace segmint::cli
