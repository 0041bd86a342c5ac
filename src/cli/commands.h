#pragma once
// The subcommands. Each registers its options on the CLI11 app and stores its exit code in the runner.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/command_options.h"
#include "common/diagnostic.h"
#include "report/ci_report.h"
#include "scalar/scalar.h"
#include "semantic/catalog.h"

namespace segmint::cli {

struct CommandRunner {
    int exit_code = kExitOk;
};

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
void add_import_command(CLI::App& app, CommandRunner& runner);
void add_validate_command(CLI::App& app, CommandRunner& runner);
void add_prove_command(CLI::App& app, CommandRunner& runner);
void add_sql_command(CLI::App& app, CommandRunner& runner);
void add_overlap_command(CLI::App& app, CommandRunner& runner);
void add_test_command(CLI::App& app, CommandRunner& runner);
void add_fmt_command(CLI::App& app, CommandRunner& runner);
void add_report_command(CLI::App& app, CommandRunner& runner);
void add_diff_command(CLI::App& app, CommandRunner& runner);
void add_completion_command(CLI::App& app, CommandRunner& runner);

}  // namespace segmint::cli
