#include "cli/app.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <system_error>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "common/suggest.h"
#include "common/text_format.h"
#include "prove/prover.h"
#include "report/diagnostic_render.h"
#include "segmint/version.h"

namespace segmint::cli {

namespace {

constexpr const char* kVersion = SEGMINT_VERSION;
const auto kStarted = std::chrono::steady_clock::now();

}  // namespace

void print_ci_report(report::CiReport report, const CommonOptions& options) {
    if (report.command.empty()) report.command = options.command.empty() ? "run" : options.command;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStarted).count();
    report::CiOptions ci;
    ci.tool_version = kVersion;
    std::error_code ec;
    ci.base_directory = std::filesystem::current_path(ec).string();
    write_out(report::render_ci(report, options.format, ci));
}

std::string suggestion(const std::string& name, const semantic::Catalog& catalog) {
    std::vector<std::string> known;
    for (const auto& segment : catalog.segments) known.push_back(segment.name);
    std::sort(known.begin(), known.end());
    const std::string hint = did_you_mean(name, known);
    return hint.empty() ? "" : "; " + hint;
}

bool use_color(const CommonOptions& options, std::FILE* stream) {
    if (options.color == "always") return true;
    if (options.color != "auto" || !::isatty(::fileno(stream)) || std::getenv("NO_COLOR") != nullptr) return false;
    const char* term = std::getenv("TERM");
    return term == nullptr || std::string(term) != "dumb";
}

void print_diagnostics(DiagnosticSink& sink, const CommonOptions& options) {
    sink.sort();
    if (report::is_ci_format(options.format)) {
        report::CiReport report;
        report.diagnostics = sink.diagnostics();
        report.hidden_warnings = sink.hidden_warning_count();
        print_ci_report(std::move(report), options);
        return;
    }
    if (options.format == "json") {
        keep_diagnostics_for_json(sink);
        return;
    }
    const bool to_stdout = !options.command.empty();
    std::FILE* stream = to_stdout ? stdout : stderr;
    report::RenderOptions render;
    render.color = use_color(options, stream);
    std::vector<Diagnostic> shown;
    for (const auto& diagnostic : sink.diagnostics()) {
        if (!quiet() || diagnostic.severity == Severity::Error) shown.push_back(diagnostic);
    }
    std::string text = report::render_text(shown, render);
    for (const auto& [file, count] : quiet() ? decltype(sink.hidden_warnings()){} : sink.hidden_warnings()) {
        text += fmt::format("... and {} more warning{} in {} (the first {} of a file are shown)\n", count,
                            count == 1 ? "" : "s", escape_controls(file), DiagnosticSink::kMaxShownWarningsPerSource);
    }
    if (to_stdout) {
        write_out(text);
    } else {
        std::fflush(stdout);
        std::fputs(text.c_str(), stderr);
    }
}

namespace {

// `--format json` among the arguments: a usage error found before the command ran is still one JSON document.
// (The command begins it again once its options are read; the name is the same.)
void begin_json_if_asked(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--format=json" ||
            (argument == "--format" && i + 1 < argc && std::string(argv[i + 1]) == "json")) {
            std::string command = "segmint";
            for (const CLI::App* known : app.get_subcommands({})) {
                if (argc > 1 && known->get_name() == argv[1]) command = argv[1];
            }
            begin_json_output(command);
            return;
        }
    }
}

// `segmint chek` names no command: say so, with the closest one (CLI11 alone says "A subcommand is required").
int check_subcommand(const CLI::App& app, int argc, char** argv) {
    std::vector<std::string> names;
    for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
    // The command is the first word that is not an option of segmint itself (-q may come first).
    int at = 1;
    while (at < argc && (std::string(argv[at]) == "-q" || std::string(argv[at]) == "--quiet")) ++at;
    if (at == argc) {
        print_error(fmt::format("no command given; choose one of: {}", fmt::join(names, ", ")));
        print_status("Run `segmint --help` for more information.");
        return kExitUsage;
    }
    const std::string word = argv[at];
    if (!word.empty() && word[0] == '-') {
        // Before the command only segmint's own options may come: a misspelt one is named as such.
        const std::vector<std::string> own = {"--help", "-h", "--version", "--quiet", "-q"};
        if (std::find(own.begin(), own.end(), word) != own.end()) return kExitOk;
        std::string message = fmt::format("unknown option `{}`", escape_controls(word));
        if (auto close = closest_match(word, own))
            message += fmt::format("; did you mean `{}`?", *close);
        else
            message += fmt::format("; give a command first, one of: {}", fmt::join(names, ", "));
        print_error(message);
        print_status("Run `segmint --help` for more information.");
        return kExitUsage;
    }
    if (word.empty() || std::find(names.begin(), names.end(), word) != names.end()) return kExitOk;
    std::string message = fmt::format("unknown command `{}`", word);
    if (auto close = closest_match(word, names))
        message += fmt::format("; did you mean `{}`?", *close);
    else
        message += fmt::format("; the commands are: {}", fmt::join(names, ", "));
    print_error(message);
    return kExitUsage;
}

// After a parse error: the first argument that looks like an option but is none of the command's (or segmint's own),
// as "unknown option `--formt` of `segmint eval`; did you mean `--format`?"; empty when there is none.
std::string unknown_option_message(const CLI::App& app, int argc, char** argv) {
    const CLI::App* command = nullptr;
    std::vector<std::string> known;
    auto add_options = [&known](const CLI::App& from) {
        for (const CLI::Option* option : from.get_options()) {
            for (const auto& name : option->get_lnames()) known.push_back("--" + name);
            for (const auto& name : option->get_snames()) known.push_back("-" + name);
        }
    };
    add_options(app);
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--") break;
        if (command == nullptr && !argument.empty() && argument[0] != '-') {
            for (const CLI::App* sub : app.get_subcommands({})) {
                if (sub->get_name() == argument) command = sub;
            }
            if (command == nullptr) return "";
            add_options(*command);
            continue;
        }
        const bool long_option = argument.size() > 2 && argument.compare(0, 2, "--") == 0;
        const bool short_option =
            argument.size() > 1 && argument[0] == '-' && std::isalpha(static_cast<unsigned char>(argument[1]));
        if (!long_option && !short_option) continue;
        const std::string name = long_option ? argument.substr(0, argument.find('=')) : argument.substr(0, 2);
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        std::string message = fmt::format("unknown option `{}`", escape_controls(name));
        if (command != nullptr) message += fmt::format(" of `segmint {}`", command->get_name());
        if (auto close = closest_match(name, known)) message += fmt::format("; did you mean `{}`?", *close);
        return message;
    }
    return "";
}

// What a command that threw says, and its exit code (2), called in a catch block. Memory or a thread the system
// refused (an address-space or process limit: std::bad_alloc or Z3 out of memory, or EAGAIN/ENOMEM from starting a
// thread) is not a bug; whatever was being written is left as it was (common/atomic_file.h). Anything else is an
// internal error.
int exit_for_exception() {
    try {
        try {
            throw;
        } catch (const std::bad_alloc&) {
            print_out_of_memory();
        } catch (const std::system_error& e) {
            if (e.code() == std::errc::resource_unavailable_try_again || e.code() == std::errc::not_enough_memory) {
                print_error(std::string("the system refused a thread or the memory for one: ") + e.what());
            } else {
                print_internal_error(e.what());
            }
        } catch (const std::exception& e) {
            if (prove::is_solver_out_of_memory(e)) {
                print_out_of_memory();
            } else {
                print_internal_error(e.what());
            }
        } catch (...) {
            print_internal_error("an exception of unknown type");
        }
        return finish_json_output(kExitUsage);
    } catch (...) {  // out of memory again while saying so
        print_out_of_memory();
        return kExitUsage;
    }
}

int run_commands(int argc, char** argv) {
    // A closed pipe must surface as a write error (handled quietly), not kill the process mid-write.
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"segmint: customer segments as code", "segmint"};  // the usage line says `segmint`, not argv[0]
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("segmint ") + kVersion);
    app.add_flag_callback(
        "-q,--quiet", [] { set_quiet(true); },
        "No progress or status lines, and no warnings in text output (errors and results only)");
    app.fallthrough();  // so `segmint eval ... --quiet` works as well as `segmint --quiet eval ...`
    CommandRunner runner;
    add_check_command(app, runner);
    add_eval_command(app, runner);
    add_explain_command(app, runner);
    add_generate_command(app, runner);
    add_import_command(app, runner);
    add_validate_command(app, runner);
    add_prove_command(app, runner);
    add_sql_command(app, runner);
    add_overlap_command(app, runner);
    add_test_command(app, runner);
    add_fmt_command(app, runner);
    add_report_command(app, runner);
    add_diff_command(app, runner);
    add_completion_command(app, runner);  // last: it lists the commands above
    begin_json_if_asked(app, argc, argv);
    if (int code = check_subcommand(app, argc, argv)) return finish_json_output(code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        app.exit(e);
        return kExitOk;
    } catch (const CLI::CallForVersion& e) {
        app.exit(e);
        return kExitOk;
    } catch (const CLI::ParseError& e) {
        const std::string unknown = unknown_option_message(app, argc, argv);
        print_error(unknown.empty() ? std::string(e.what()) : unknown);
        print_status("Run `segmint --help` (or `segmint COMMAND --help`) for more information.");
        return finish_json_output(kExitUsage);
    } catch (...) {
        return exit_for_exception();
    }
    return finish_json_output(apply_max_warnings(runner.exit_code));
}

}  // namespace

int run(int argc, char** argv) {
    try {
        return run_commands(argc, argv);
    } catch (...) {  // while the commands were being set up (out of memory before any could run)
        return exit_for_exception();
    }
}

}  // namespace segmint::cli
