// `segmint fmt [--check] [PATHS]`: rewrites spec files in the canonical layout of src/ast/format.h.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "ast/format.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "common/atomic_file.h"
#include "common/limits.h"
#include "common/text_format.h"
#include "frontend/inputs.h"
#include "report/ci_report.h"
#include "report/diagnostic_render.h"
#include "report/json_output.h"
#include "report/unified_diff.h"
#include "syntax/parse.h"

namespace segmint::cli {

namespace {

struct FmtOptions {
    CommonOptions common;
    bool check = false;
    bool use_stdin = false;
};

std::vector<std::string> sorted(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    return items;
}

enum class Outcome { Unchanged, Changed, SyntaxErrors, OverLimit, Unsafe, Unreadable };

const char* outcome_name(Outcome outcome, bool check) {
    switch (outcome) {
        case Outcome::Unchanged: return "unchanged";
        case Outcome::Changed: return check ? "would_reformat" : "reformatted";
        case Outcome::SyntaxErrors: return "syntax_errors";
        case Outcome::OverLimit: return "over_limit";
        case Outcome::Unsafe: return "unsafe";
        case Outcome::Unreadable: return "unreadable";
    }
    return "unknown";
}

// One file's result, for every output format.
struct FileResult {
    std::string path;
    Outcome outcome = Outcome::Unchanged;
    std::vector<report::DiffHunk> hunks;  // Changed: how the canonical layout differs
    std::string formatted;                // Changed: the new text
    bool only_line_endings = false;       // Changed, but only line endings, a BOM or the final newline differ
};

// Formats `source`; on success `*formatted` holds the new text. Syntax errors go to `sink` (shown by the caller);
// other problems are printed on stderr. The output is parsed again and must mean the same and keep every comment, or
// nothing is written.
Outcome format_source(const std::shared_ptr<const Source>& source, std::string* formatted, DiagnosticSink& sink) {
    ast::File file = syntax::parse(source, sink);
    if (sink.has_errors()) {
        print_error(fmt::format("`{}` has syntax errors; not formatted", source->name()));
        return Outcome::SyntaxErrors;
    }
    *formatted = ast::format_file(file);
    // The canonical layout can be longer (spaces around operators, `\u0000` for `\0`, a line per operand) and add
    // parentheses: a result past a limit would be a file segmint itself refuses to read.
    if (formatted->size() > limits::kMaxSpecFileBytes) {
        print_error(
            fmt::format("formatting `{}` would make it {} bytes, over the limit of {} bytes (16 MiB) for a spec "
                        "file; the file is left as it is (split it into several files)",
                        source->name(), formatted->size(), limits::kMaxSpecFileBytes));
        return Outcome::OverLimit;
    }
    DiagnosticSink again_sink;
    ast::File again = syntax::parse(std::make_shared<const Source>(source->name(), *formatted), again_sink);
    for (const auto& diagnostic : again_sink.diagnostics()) {
        if (diagnostic.code != Code::NestingTooDeep) continue;
        print_error(
            fmt::format("formatting `{}` would nest a rule deeper than {} levels (the parentheses it adds "
                        "count); the file is left as it is (split the rule into segments)",
                        source->name(), limits::kMaxNestingDepth));
        return Outcome::OverLimit;
    }
    if (again_sink.has_errors() || ast::shape(again) != ast::shape(file) ||
        sorted(ast::comment_texts(again)) != sorted(ast::comment_texts(file)) ||
        ast::format_file(again) != *formatted) {
        print_internal_error(
            fmt::format("formatting `{}` would change its meaning or lose a comment; the file is left as it is (please "
                        "report this)",
                        source->name()));
        return Outcome::Unsafe;
    }
    return *formatted == source->text() && !source->had_bom() ? Outcome::Unchanged : Outcome::Changed;
}

// Formats one file; its diagnostics are added to `sink`, but only its own decide its outcome.
FileResult format_one(const std::string& path, DiagnosticSink& sink, std::vector<std::string>* input_errors) {
    FileResult result;
    frontend::InputError error;
    auto source = frontend::read_source(path, limits::kMaxSpecFileBytes, &error);
    result.path = source ? source->name() : path;
    if (!source) {
        input_errors->push_back(
            path == frontend::kStdinPath ? error.message : fmt::format("cannot read `{}`: {}", path, error.message));
        print_error(input_errors->back());
        result.outcome = Outcome::Unreadable;
        return result;
    }
    DiagnosticSink own;
    result.outcome = format_source(source, &result.formatted, own);
    sink.append(own);
    if (result.outcome == Outcome::Changed) {
        result.hunks = report::unified_diff(source->text(), result.formatted);
        result.only_line_endings = result.hunks.empty();
    }
    return result;
}

int exit_code_of(const std::vector<FileResult>& results, const FmtOptions& options, bool unreadable_paths) {
    int status = unreadable_paths ? kExitUsage : kExitOk;
    for (const auto& result : results) {
        switch (result.outcome) {
            case Outcome::Unchanged: break;
            case Outcome::Changed:
                if (options.check) status = std::max(status, kExitFindings);
                break;
            case Outcome::SyntaxErrors: status = std::max(status, kExitFindings); break;
            case Outcome::OverLimit:
            case Outcome::Unsafe:
            case Outcome::Unreadable: status = kExitUsage; break;
        }
    }
    return status;
}

std::string text_diff(const FileResult& result) {
    if (result.only_line_endings) {
        return fmt::format(
            "--- {}\n+++ {} (formatted)\n(only the line endings, a byte order mark or the final newline "
            "differ)\n",
            escape_controls(result.path), escape_controls(result.path));
    }
    return report::render_unified_diff(result.path, result.hunks);
}

// --check in a CI format: each hunk of an unformatted file is a failed check at its first changed line, so it shows as
// an annotation there; a formatted file is a passing check.
report::CiReport ci_report_of(const std::vector<FileResult>& results, DiagnosticSink& sink) {
    report::CiReport report;
    report.command = "fmt";
    sink.sort();
    report.diagnostics = sink.diagnostics();
    for (const auto& result : results) {
        auto check = [&](size_t line, std::string message, std::string details, bool passed) {
            report::CheckResult out;
            out.rule_id = "fmt/canonical-layout";
            out.rule_summary = "a spec file is in the canonical layout of `segmint fmt`";
            out.suite = "segmint fmt";
            out.name = line == 0 ? result.path : fmt::format("{}:{}", result.path, line);
            out.passed = passed;
            out.location.file = result.path;
            out.location.line = static_cast<uint32_t>(line);
            out.message = std::move(message);
            out.details = std::move(details);
            report.checks.push_back(std::move(out));
        };
        if (result.outcome == Outcome::Unchanged) check(0, "in the canonical layout", "", true);
        if (result.outcome != Outcome::Changed) continue;
        const std::string fix = fmt::format("run `segmint fmt {}`", result.path);
        if (result.hunks.empty())
            check(0, "line endings, a byte order mark or the final newline differ: " + fix, "", false);
        for (const auto& hunk : result.hunks) {
            // The hunk's first line is context; annotate the first line that changes.
            size_t line = std::max<size_t>(hunk.old_start, 1);
            for (size_t at = hunk.text.find('\n') + 1; at < hunk.text.size() && hunk.text[at] == ' ';
                 at = hunk.text.find('\n', at) + 1) {
                ++line;
            }
            check(line, "not in the canonical layout: " + fix, hunk.text, false);
        }
    }
    return report;
}

nlohmann::ordered_json json_of(const std::vector<FileResult>& results, const FmtOptions& options, DiagnosticSink& sink,
                               const std::vector<std::string>& input_errors, bool with_text) {
    nlohmann::ordered_json out = report::json_document("fmt");
    out["check"] = options.check;
    out["files"] = nlohmann::ordered_json::array();
    size_t changed = 0;
    for (const auto& result : results) {
        nlohmann::ordered_json file;
        file["file"] = result.path;
        file["status"] = outcome_name(result.outcome, options.check);
        if (result.outcome == Outcome::Changed) {
            ++changed;
            file["hunks"] = nlohmann::ordered_json::array();
            for (const auto& hunk : result.hunks) {
                file["hunks"].push_back({{"old_start", hunk.old_start},
                                         {"old_count", hunk.old_count},
                                         {"new_start", hunk.new_start},
                                         {"new_count", hunk.new_count},
                                         {"diff", hunk.text}});
            }
            if (with_text) file["formatted"] = result.formatted;
        }
        out["files"].push_back(std::move(file));
    }
    out["changed"] = changed;
    out["total"] = results.size();
    out["input_errors"] = nlohmann::ordered_json::array();
    for (const auto& message : input_errors) out["input_errors"].push_back({{"message", message}});
    sink.sort();
    report::add_diagnostics(out, sink);
    return out;
}

// Writes the formatted text over the file (not for --check, not for standard input).
bool write_formatted(FileResult& result) {
    std::string write_error;
    bool written = write_file_atomically(
        result.path,
        [&](std::FILE* out) {
            return std::fwrite(result.formatted.data(), 1, result.formatted.size(), out) == result.formatted.size();
        },
        &write_error);
    if (!written) {
        print_error(write_error);
        result.outcome = Outcome::Unreadable;
    }
    return written;
}

int run_fmt(FmtOptions options) {
    const std::string& format = options.common.format;
    if (format == "json") begin_json_output("fmt");
    if (report::is_ci_format(format) && !options.check) {
        print_error(fmt::format("--format {} reports unformatted files: use it with --check", format));
        return kExitUsage;
    }
    auto& paths = options.common.paths;
    const bool dash = std::find(paths.begin(), paths.end(), frontend::kStdinPath) != paths.end();
    if ((options.use_stdin && !paths.empty()) || (dash && paths.size() > 1)) {
        // Standard input's result goes to stdout; a file's goes back into the file. The two do not mix in one run.
        print_error("standard input (`-` or --stdin) is formatted on its own: give no other paths with it");
        return kExitUsage;
    }
    const bool from_stdin = options.use_stdin || dash;
    std::vector<std::string> files;
    std::vector<std::string> input_errors;
    bool unreadable_paths = false;
    if (from_stdin) {
        files.push_back(frontend::kStdinPath);
    } else {
        // Without paths, the project's segment globs (as check uses them); explicit paths need no project.
        if (paths.empty()) {
            if (int code = apply_project(options.common, nullptr)) return code;
        }
        std::vector<frontend::InputError> errors;
        files = frontend::expand_spec_paths(paths, &errors);
        for (const auto& error : errors) {
            input_errors.push_back(fmt::format("cannot read `{}`: {}", error.path, error.message));
            print_error(input_errors.back());
            unreadable_paths = true;
        }
    }
    DiagnosticSink sink;
    std::vector<FileResult> results;
    for (const auto& path : files) {
        results.push_back(format_one(path, sink, &input_errors));
        FileResult& result = results.back();
        if (result.outcome == Outcome::Changed && !options.check && !from_stdin) {
            if (write_formatted(result) && format == "text")
                write_out("reformatted " + escape_controls(result.path) + "\n");
        } else if (result.outcome == Outcome::Changed && options.check && format == "text") {
            write_out((from_stdin ? "" : "would reformat " + escape_controls(result.path) + "\n") + text_diff(result));
        }
    }
    const int status = exit_code_of(results, options, unreadable_paths);
    if (format == "json") {
        write_out(report::json_text(json_of(results, options, sink, input_errors, from_stdin && !options.check)));
    } else if (report::is_ci_format(format)) {
        print_ci_report(ci_report_of(results, sink), options.common);
    } else {
        if (!sink.diagnostics().empty()) {
            sink.sort();
            std::fputs(report::render_text(sink.diagnostics()).c_str(), stderr);
        }
        if (from_stdin && !options.check) {
            if (!results.empty() &&
                (results[0].outcome == Outcome::Changed || results[0].outcome == Outcome::Unchanged)) {
                write_out(results[0].formatted);
            }
        } else if (!from_stdin && input_errors.empty()) {  // after an input error, the error alone
            size_t changed = 0;
            for (const auto& result : results) changed += result.outcome == Outcome::Changed;
            const size_t total = files.size();
            write_out(fmt::format("{} of {} file{}{}\n", changed, total, total == 1 ? "" : "s",
                                  options.check ? " would be reformatted" : " reformatted"));
        }
    }
    if (int output_status = finish_output()) return output_status;
    return status;
}

}  // namespace

void add_fmt_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<FmtOptions>();
    CLI::App* command = app.add_subcommand("fmt", "Rewrite spec files in the canonical layout");
    add_spec_paths(*command, options->common, SpecPaths::PositionalAndFlag);
    command->add_flag("--check", options->check, "Write nothing; list the files that would change (exit 1 if any)");
    command->add_flag("--stdin", options->use_stdin, "Format standard input to standard output");
    add_format_option(*command, options->common.format, ci_command_formats(),
                      "Output format; with --check, sarif, junit and github report each unformatted hunk");
    command->callback([options, &runner] { runner.exit_code = run_fmt(*options); });
}

}  // namespace segmint::cli
