#pragma once
// The subcommands. Each registers its options on the CLI11 app and stores its exit code in the runner.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.h"
#include "common/diagnostic.h"
#include "scalar/scalar.h"
#include "report/ci_report.h"
#include "semantic/catalog.h"

namespace segmint::cli {

struct CommandRunner {
    int exit_code = kExitOk;
};

struct CommonOptions {
    std::vector<std::string> paths;
    std::string schema_path;
    std::string format = "text";
    std::string command;          // check, validate, test: names the CI report (report/ci_report.h)
    std::string color = "auto";
    std::string project_path;     // --project: segmint.yaml or its folder (cli/project_options.h)
    std::string data_path;        // customer data (CSV), when the command reads data
    std::string as_of;            // check: --as-of (the other commands keep their own)
    std::optional<size_t> max_warnings;  // --max-warnings N: exit 1 when there are more warnings than N
    bool project_resolved = false;  // set by apply_project() so the project is loaded once
};

// Help of every --as-of option.
inline constexpr const char* kAsOfHelp =
    "The date `today` means (YYYY-MM-DD) or the instant `now` means (2026-11-23T10:00:00Z); default: the project's "
    "`as_of`, else the current time (UTC, printed with the results)";

// The --format values of the commands CI runs (check, validate, test): text, json and the CI formats.
const std::vector<std::string>& ci_command_formats();

void add_spec_options(CLI::App& command, CommonOptions& options);
// --max-warnings N, for every command that compiles rules (cli/output.h: note_warnings, apply_max_warnings).
void add_max_warnings_option(CLI::App& command, CommonOptions& options);
// A validator for counts: digits only, at most `most` (CLI11 alone reads `-1` into an unsigned 64-bit option as
// 2^64 - 1).
CLI::Validator whole_number_up_to(uint64_t most);
// Renders the sink's diagnostics (sorted) in the chosen format: text (closing with "... and N more warnings" for a
// file past the shown cap), a CI format (a report on stdout), or json (kept for the command's failure document;
// commands that succeed put their warnings into their own document).
// Text diagnostics go to stdout for check, validate and test (options.command set), whose report they are; to stderr
// for commands whose stdout holds their results (eval's sizes, a members list), so the two never mix.
void print_diagnostics(DiagnosticSink& sink, const CommonOptions& options);
// "; did you mean `vip`?" for a segment name a command was given that the catalog does not have, or "".
std::string suggestion(const std::string& name, const semantic::Catalog& catalog);

// Whether text written to `stream` gets colour: --color always, or auto on a terminal unless NO_COLOR is set or TERM
// is dumb.
bool use_color(const CommonOptions& options, std::FILE* stream);
// Renders a CI report (sarif, junit, github: options.format) to stdout, with the command's wall time so far.
void print_ci_report(report::CiReport report, const CommonOptions& options);


void add_check_command(CLI::App& app, CommandRunner& runner);
int run_check(const CommonOptions& options);
void add_eval_command(CLI::App& app, CommandRunner& runner);
void add_explain_command(CLI::App& app, CommandRunner& runner);
void add_generate_command(CLI::App& app, CommandRunner& runner);
void add_validate_command(CLI::App& app, CommandRunner& runner);
void add_overlap_command(CLI::App& app, CommandRunner& runner);
void add_test_command(CLI::App& app, CommandRunner& runner);
void add_fmt_command(CLI::App& app, CommandRunner& runner);
void add_completion_command(CLI::App& app, CommandRunner& runner);

}  // namespace segmint::cli
