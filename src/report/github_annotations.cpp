// GitHub Actions workflow commands: each line `::error file=...,line=...::message` becomes an annotation on the file.
// Escaping follows @actions/core (toCommandValue/escapeData/escapeProperty): in the message `%`, CR and LF are
// percent-encoded; in property values also `:` and `,`, which would otherwise end the value. Other control characters
// are escaped as in text output.
#include "common/text_format.h"
#include "report/ci_report.h"

namespace segmint::report {

namespace {

const char* command_for(Severity severity) {
    switch (severity) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "notice";
    }
    return "error";
}

std::string annotation(const char* command, const Location* at, const std::string& title, const std::string& message) {
    std::string properties;
    auto add = [&](const char* name, const std::string& value) {
        properties += (properties.empty() ? " " : ",") + std::string(name) + "=" + github_escape_property(value);
    };
    if (at && !at->file.empty()) {
        add("file", at->file);
        if (at->line > 0) {
            add("line", std::to_string(at->line));
            if (at->column > 0) add("col", std::to_string(at->column));
            if (at->end_line >= at->line) add("endLine", std::to_string(at->end_line));
            if (at->column > 0 && at->end_column > 0) add("endColumn", std::to_string(at->end_column));
        }
    }
    add("title", title);
    return "::" + std::string(command) + properties + "::" + github_escape_data(message) + "\n";
}

std::string counted(size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

std::string github_escape_data(std::string_view text) {
    // Line breaks are percent-encoded, so a message keeps its lines in the annotation without starting a command;
    // other controls and bidirectional overrides are escaped as in text output (`\u001b`), so no escape sequence
    // reaches the log and no override reorders what a reviewer reads.
    std::string out;
    size_t start = 0;
    auto flush = [&](size_t end) {
        for (char c : escape_controls(text.substr(start, end - start))) {
            if (c == '%')
                out += "%25";
            else
                out += c;
        }
    };
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r' && text[i] != '\n') continue;
        flush(i);
        out += text[i] == '\r' ? "%0D" : "%0A";
        start = i + 1;
    }
    flush(text.size());
    return out;
}

std::string github_escape_property(std::string_view text) {
    std::string out;
    for (char c : github_escape_data(text)) {
        if (c == ':')
            out += "%3A";
        else if (c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

std::string github_annotation(const char* command, const Location* at, const std::string& title,
                              const std::string& message) {
    return annotation(command, at, title, message);
}

std::string render_github(const CiReport& report) {
    std::string out;
    size_t errors = 0, warnings = 0;
    for (const auto& d : report.diagnostics) {
        errors += d.severity == Severity::Error;
        warnings += d.severity == Severity::Warning;
        std::string message = d.message;
        for (const auto& note : d.notes) {
            message += "\nnote: ";
            if (note.source) {
                Location at = location_of(*note.source, note.span);
                message += at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": ";
            }
            message += note.message;
        }
        if (!d.hint.empty()) message += "\nhint: " + d.hint;
        Location at;
        if (d.source) at = location_of(*d.source, d.span);
        out += annotation(command_for(d.severity), d.source ? &at : nullptr, code_info(d.code).id, message);
    }
    size_t failed = 0, skipped = 0;
    for (const auto& check : report.checks) {
        if (check.skipped && check.passed) {
            ++skipped;  // undecided: a notice, neither a pass nor a failure
            out += annotation("notice", &check.location, check.rule_id, check.message);
            continue;
        }
        if (check.passed) continue;
        ++failed;
        std::string message = check.message;
        if (!check.details.empty()) message += "\n" + check.details;
        out += annotation("error", &check.location, check.rule_id, message);
    }
    std::string summary = "segmint " + report.command + ": ";
    if (report.checks.empty() || !report.diagnostics.empty() || report.hidden_warnings > 0) {
        summary += counted(errors, "error") + ", " + counted(warnings + report.hidden_warnings, "warning");
        if (!report.checked_files.empty()) summary += " in " + counted(report.checked_files.size(), "file");
        if (report.hidden_warnings > 0) {
            summary += " (" + std::to_string(report.hidden_warnings) + " warnings past 100 in a file not annotated)";
        }
    }
    if (!report.checks.empty()) {
        if (!report.diagnostics.empty()) summary += "; ";
        summary +=
            std::to_string(report.checks.size() - failed - skipped) + " passed, " + std::to_string(failed) + " failed";
        if (skipped > 0) summary += ", " + std::to_string(skipped) + " undecided";
    }
    return out + summary + "\n";
}

}  // namespace segmint::report
