#pragma once
// The subcommands. Each registers its options on the CLI11 app and stores its exit code in the runner.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/app.h"
#include "common/diagnostic.h"

namespace segmint::cli {

struct CommandRunner {
    int exit_code = kExitOk;
};

struct CommonOptions {
    std::vector<std::string> paths;
    std::string schema_path;
    std::string format = "text";
    std::string color = "auto";
};

void add_spec_options(CLI::App& command, CommonOptions& options);
// Renders the sink's diagnostics (sorted) to stdout in the chosen format.
void print_diagnostics(DiagnosticSink& sink, const CommonOptions& options);

void add_check_command(CLI::App& app, CommandRunner& runner);
int run_check(const CommonOptions& options);
void add_eval_command(CLI::App& app, CommandRunner& runner);
void add_explain_command(CLI::App& app, CommandRunner& runner);
void add_generate_command(CLI::App& app, CommandRunner& runner);

}  // namespace segmint::cli
