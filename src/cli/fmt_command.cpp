// `segmint fmt [--check] [PATHS]`: rewrites spec files in the canonical layout of src/ast/format.h.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "ast/format.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "common/atomic_file.h"
#include "common/limits.h"
#include "report/diagnostic_render.h"
#include "syntax/parse.h"

namespace segmint::cli {

namespace {

struct FmtOptions {
    CommonOptions common;
    bool check = false;
    bool use_stdin = false;
};

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// The changed region as one unified-diff hunk: the lines between the common prefix and the common suffix.
std::string diff(const std::string& path, const std::string& before, const std::string& after) {
    constexpr size_t kMaxLines = 60;
    auto a = split_lines(before);
    auto b = split_lines(after);
    size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    const size_t removed = a.size() - prefix - suffix;
    const size_t added = b.size() - prefix - suffix;
    std::string out = "--- " + path + "\n+++ " + path + " (formatted)\n";
    if (removed == 0 && added == 0) return out + "(only the line endings or the final newline differ)\n";
    out += "@@ -" + std::to_string(prefix + 1) + "," + std::to_string(removed) + " +" + std::to_string(prefix + 1) +
           "," + std::to_string(added) + " @@\n";
    size_t shown = 0;
    for (size_t i = prefix; i < a.size() - suffix && shown < kMaxLines; ++i, ++shown) out += "-" + a[i] + "\n";
    for (size_t i = prefix; i < b.size() - suffix && shown < kMaxLines; ++i, ++shown) out += "+" + b[i] + "\n";
    if (removed + added > shown) out += "... (" + std::to_string(removed + added - shown) + " more lines)\n";
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    return items;
}

enum class Outcome { Unchanged, Changed, SyntaxErrors, OverLimit, Unsafe };

// Formats `source`; on success `*formatted` holds the new text. Syntax errors are printed on stderr. The output is
// parsed again and must mean the same and keep every comment, or nothing is written.
Outcome format_source(const std::shared_ptr<const Source>& source, std::string* formatted) {
    DiagnosticSink sink;
    ast::File file = syntax::parse(source, sink);
    if (sink.has_errors()) {
        sink.sort();
        std::fputs(report::render_text(sink.diagnostics()).c_str(), stderr);
        print_error(fmt::format("`{}` has syntax errors; not formatted", source->name()));
        return Outcome::SyntaxErrors;
    }
    *formatted = ast::format_file(file);
    // The canonical layout can be longer (spaces around operators, `\u0000` for `\0`, a line per operand) and add
    // parentheses: a result past a limit would be a file segmint itself refuses to read.
    if (formatted->size() > limits::kMaxSpecFileBytes) {
        print_error(fmt::format("formatting `{}` would make it {} bytes, over the limit of {} bytes (16 MiB) for a spec "
                                "file; the file is left as it is (split it into several files)",
                                source->name(), formatted->size(), limits::kMaxSpecFileBytes));
        return Outcome::OverLimit;
    }
    DiagnosticSink again_sink;
    ast::File again = syntax::parse(std::make_shared<const Source>(source->name(), *formatted), again_sink);
    for (const auto& diagnostic : again_sink.diagnostics()) {
        if (diagnostic.code != Code::NestingTooDeep) continue;
        print_error(fmt::format("formatting `{}` would nest a rule deeper than {} levels (the parentheses it adds "
                                "count); the file is left as it is (split the rule into segments)",
                                source->name(), limits::kMaxNestingDepth));
        return Outcome::OverLimit;
    }
    if (again_sink.has_errors() || ast::shape(again) != ast::shape(file) ||
        sorted(ast::comment_texts(again)) != sorted(ast::comment_texts(file)) ||
        ast::format_file(again) != *formatted) {
        print_status(fmt::format("segmint: internal error: formatting `{}` would change its meaning or lose a comment; "
                                 "the file is left as it is (please report this)",
                                 source->name()));
        return Outcome::Unsafe;
    }
    return *formatted == source->text() && !source->had_bom() ? Outcome::Unchanged : Outcome::Changed;
}

int run_stdin(const FmtOptions& options) {
    InputError error;
    auto source = read_source(kStdinPath, limits::kMaxSpecFileBytes, &error);
    if (!source) {
        print_error(error.message);
        return kExitUsage;
    }
    std::string formatted;
    Outcome outcome = format_source(source, &formatted);
    if (outcome == Outcome::SyntaxErrors) return kExitFindings;
    if (outcome == Outcome::Unsafe || outcome == Outcome::OverLimit) return kExitUsage;
    if (options.check) {
        if (outcome == Outcome::Changed) write_out(diff(kStdinName, source->text(), formatted));
    } else {
        write_out(formatted);
    }
    if (int status = finish_output()) return status;
    return options.check && outcome == Outcome::Changed ? kExitFindings : kExitOk;
}

int run_fmt(FmtOptions options) {
    const auto& paths = options.common.paths;
    if (options.use_stdin || (paths.size() == 1 && paths[0] == "-")) return run_stdin(options);
    // Without paths, the project's segment globs (as check uses them); explicit paths need no project.
    if (paths.empty()) {
        if (int code = apply_project(options.common, nullptr)) return code;
    }
    std::vector<InputError> errors;
    std::vector<std::string> files = expand_spec_paths(options.common.paths, &errors);
    int status = kExitOk;
    for (const auto& error : errors) {
        print_error(fmt::format("cannot read `{}`: {}", error.path, error.message));
        status = kExitUsage;
    }
    size_t changed = 0;
    for (const auto& path : files) {
        InputError error;
        auto source = read_source(path, limits::kMaxSpecFileBytes, &error);
        if (!source) {
            print_error(fmt::format("cannot read `{}`: {}", path, error.message));
            status = kExitUsage;
            continue;
        }
        std::string formatted;
        Outcome outcome = format_source(source, &formatted);
        if (outcome == Outcome::SyntaxErrors) status = std::max(status, kExitFindings);
        if (outcome == Outcome::Unsafe || outcome == Outcome::OverLimit) status = kExitUsage;
        if (outcome != Outcome::Changed) continue;
        ++changed;
        if (options.check) {
            write_out("would reformat " + path + "\n" + diff(path, source->text(), formatted));
            status = std::max(status, kExitFindings);
            continue;
        }
        std::string write_error;
        bool written = write_file_atomically(
            path,
            [&](std::FILE* out) { return std::fwrite(formatted.data(), 1, formatted.size(), out) == formatted.size(); },
            &write_error);
        if (!written) {
            print_error(write_error);
            status = kExitUsage;
            continue;
        }
        write_out("reformatted " + path + "\n");
    }
    const size_t total = files.size();
    std::string summary = std::to_string(changed) + " of " + std::to_string(total) + " file" + (total == 1 ? "" : "s") +
                          (options.check ? " would be reformatted\n" : " reformatted\n");
    write_out(summary);
    if (int output_status = finish_output()) return output_status;
    return status;
}

}  // namespace

void add_fmt_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<FmtOptions>();
    CLI::App* command = app.add_subcommand("fmt", "Rewrite spec files in the canonical layout");
    command->add_option("paths", options->common.paths,
                        "Spec files or directories (every *.seg below them), or - for stdin; default: the project's");
    command->add_option("--project", options->common.project_path, "The project file (segmint.yaml) or its folder");
    command->add_flag("--check", options->check, "Write nothing; list the files that would change (exit 1 if any)");
    command->add_flag("--stdin", options->use_stdin, "Format standard input to standard output");
    command->callback([options, &runner] { runner.exit_code = run_fmt(*options); });
}

}  // namespace segmint::cli
