#include "cli/command_options.h"

#include <charconv>

#include "common/text_format.h"

namespace segmint::cli {

namespace {

constexpr const char* kSpecPathsHelp =
    "Spec files or directories (every *.seg below them), or - for standard input; default: the project's";

// Both spec path options append rather than assign, so `check a.seg --specs b.seg` reads both files (CLI11 would let
// the option processed last replace the other's values if both were bound to the vector).
CLI::Option* add_paths(CLI::App& command, const std::string& name, CommonOptions& options, const std::string& help) {
    return command.add_option_function<std::vector<std::string>>(
        name,
        [&options](const std::vector<std::string>& paths) {
            options.paths.insert(options.paths.end(), paths.begin(), paths.end());
        },
        help);
}

}  // namespace

void add_spec_paths(CLI::App& command, CommonOptions& options, SpecPaths form) {
    if (form == SpecPaths::PositionalAndFlag) add_paths(command, "paths", options, kSpecPathsHelp);
    add_paths(command, "--specs", options, kSpecPathsHelp);
    command.add_option("--project", options.project_path, "The project file (segmint.yaml) or its folder");
}

void add_spec_inputs(CLI::App& command, CommonOptions& options, SpecPaths form) {
    add_spec_paths(command, options, form);
    command.add_option("--schema", options.schema_path, "The customer schema (YAML); default: the project's");
}

void add_data_option(CLI::App& command, CommonOptions& options) {
    command.add_option(
        "--data", options.data_path,
        "Customer data (CSV, a snapshot made by `segmint import`, or - for standard input); default: the "
        "project's `data`");
    command
        .add_option("--events", options.events,
                    "An event table's data, NAME=FILE (CSV; repeatable); default: the project's `data` mapping")
        ->allow_extra_args(false);
    command.add_option("--source", options.source,
                       "Read the customer and event tables from a database instead: sqlite:PATH or "
                       "postgresql://[USER@]HOST[:PORT]/DATABASE (docs/sources.md); default: the project's `source`");
    command
        .add_option("--source-table", options.tables,
                    "With --source: the database's table for the customers (T), or for schema table NAME "
                    "(NAME=T, such as orders=shop.orders; repeatable); default: the schema's names")
        ->allow_extra_args(false);
}

void add_as_of_option(CLI::App& command, CommonOptions& options) {
    command.add_option("--as-of", options.as_of,
                       "The date `today` means (YYYY-MM-DD) or the instant `now` means (2026-11-23T10:00:00Z); "
                       "default: the project's `as_of`, else the current time (UTC, printed with the results)");
}

void add_threads_option(CLI::App& command, CommonOptions& options) {
    command.add_option("--threads", options.threads, "Threads for loading the data and evaluation (0 = all cores)")
        ->capture_default_str();
}

void add_color_option(CLI::App& command, CommonOptions& options) {
    command.add_option("--color", options.color, "Color in diagnostics and other text output")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
}

void add_max_warnings_option(CLI::App& command, CommonOptions& options) {
    command
        .add_option("--max-warnings", options.max_warnings,
                    "Exit 1 when there are more than N warnings (as eslint's option); by default warnings never "
                    "change the exit code")
        ->check(whole_number_up_to(UINT32_MAX));
}

void add_format_option(CLI::App& command, std::string& format, const std::vector<std::string>& formats,
                       const std::string& help) {
    command.add_option("--format", format, help)->check(CLI::IsMember(formats))->capture_default_str();
}

const std::vector<std::string>& ci_command_formats() {
    static const std::vector<std::string> formats{"text", "json", "sarif", "junit", "github"};
    return formats;
}

const std::vector<std::string>& table_formats() {
    static const std::vector<std::string> formats{"text", "json", "csv"};
    return formats;
}

const std::vector<std::string>& text_or_json_formats() {
    static const std::vector<std::string> formats{"text", "json"};
    return formats;
}

CLI::Validator whole_number_up_to(uint64_t most) { return whole_number_between(0, most); }

CLI::Validator whole_number_between(uint64_t least, uint64_t most) {
    return CLI::Validator(
        [least, most](std::string& text) -> std::string {
            uint64_t value = 0;
            const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || problem != std::errc() || end != text.data() + text.size() || value < least ||
                value > most) {
                return "expected a whole number from " + with_thousands(least) + " to " + with_thousands(most) +
                       ", found `" + text + "`";
            }
            return "";
        },
        std::to_string(least) + ".." + std::to_string(most));
}

}  // namespace segmint::cli
