// JUnit XML, as GitLab (`artifacts: reports: junit`), Jenkins and most CI dashboards read it.
#include <fmt/format.h>

#include <cstdio>
#include <map>

#include "common/utf8.h"
#include "report/ci_report.h"
#include "report/diagnostic_render.h"

namespace segmint::report {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Case {
    std::string name;
    std::string file;
    uint32_t line = 0;
    bool failed = false;
    bool skipped = false;
    std::string skipped_message;
    std::string failure_message, failure_type, failure_text;
    std::string system_out;
};

struct Suite {
    std::string name;
    std::vector<Case> cases;
    size_t failures() const {
        size_t n = 0;
        for (const auto& c : cases) n += c.failed;
        return n;
    }
    size_t skipped() const {
        size_t n = 0;
        for (const auto& c : cases) n += c.skipped;
        return n;
    }
};

std::string seconds_text(double seconds) { return fmt::format("{:.3f}", seconds < 0 ? 0.0 : seconds); }

std::string attr(const char* name, std::string_view value) {
    return std::string(" ") + name + "=\"" + xml_escape(value, true) + "\"";
}

// Spec, project and fixture diagnostics: one test case per file (for `check`, every file checked), failing when the
// file has an error; warnings alone go to the case's output.
Suite diagnostics_suite(const CiReport& report) {
    Suite suite{"segmint " + report.command, {}};
    std::map<std::string, size_t> by_file;
    auto case_of = [&](const std::string& file) -> Case& {
        auto [it, added] = by_file.emplace(file, suite.cases.size());
        if (added) suite.cases.push_back(Case{file, file, 0, false, {}, {}, {}, {}});
        return suite.cases[it->second];
    };
    for (const auto& file : report.checked_files) case_of(file);
    std::map<std::string, std::pair<size_t, size_t>> counts;  // errors, warnings
    for (const auto& d : report.diagnostics) {
        const std::string file = d.source ? d.source->name() : "segmint " + report.command;
        Case& c = case_of(file);
        if (c.line == 0 && d.source) c.line = d.source->location(d.span.begin).line;
        const std::string text = render_text(d);
        if (d.severity == Severity::Error) {
            if (!c.failed) c.failure_type = code_info(d.code).id;
            c.failed = true;
            c.failure_text += text;
            ++counts[file].first;
        } else {
            c.system_out += text;
            ++counts[file].second;
        }
    }
    for (auto& c : suite.cases) {
        if (!c.failed) continue;
        auto [errors, warnings] = counts[c.name];
        c.failure_message = std::to_string(errors) + " error" + (errors == 1 ? "" : "s");
        if (warnings > 0)
            c.failure_message += ", " + std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s");
        c.failure_text += c.system_out;  // the warnings too, in order of kind
        c.system_out.clear();
    }
    return suite;
}

std::string figures_text(const std::vector<Figure>& figures) {
    std::string out;
    for (const auto& f : figures) {
        const std::string shown =
            f.integer ? fmt::format("{}", static_cast<unsigned long long>(f.value)) : fmt::format("{:g}", f.value);
        out += (out.empty() ? "figures: " : ", ") + f.name + " " + shown;
    }
    return out;
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        std::string_view rest = text.substr(i);
        const size_t valid = utf8::first_invalid(rest).value_or(rest.size());
        for (size_t j = 0; j < valid; ++j) {
            const unsigned char c = static_cast<unsigned char>(rest[j]);
            switch (c) {
                case '&': out += "&amp;"; continue;
                case '<': out += "&lt;"; continue;
                case '>': out += "&gt;"; continue;
                case '"': out += "&quot;"; continue;
                case '\'': out += "&apos;"; continue;
                case '\t': out += attribute ? "&#9;" : "\t"; continue;
                case '\n': out += attribute ? "&#10;" : "\n"; continue;
                case '\r': out += "&#13;"; continue;
                default: break;
            }
            if (c < 0x20) {
                out += kReplacement;  // XML 1.0 cannot hold other control characters, not even as references
            } else if (c == 0xEF && j + 2 < valid && rest[j + 1] == '\xBF' &&
                       (rest[j + 2] == '\xBE' || rest[j + 2] == '\xBF')) {
                out += kReplacement;  // U+FFFE and U+FFFF are not XML characters
                j += 2;
            } else {
                out += static_cast<char>(c);
            }
        }
        i += valid;
        if (i < text.size()) {
            out += kReplacement;  // one byte that does not start a valid UTF-8 sequence
            ++i;
        }
    }
    return out;
}

std::string render_junit(const CiReport& report) {
    std::vector<Suite> suites;
    if (!report.diagnostics.empty() || !report.checked_files.empty()) suites.push_back(diagnostics_suite(report));
    std::map<std::string, size_t> suite_index;
    for (const auto& check : report.checks) {
        auto [it, added] = suite_index.emplace(check.suite, suites.size());
        if (added) suites.push_back(Suite{check.suite, {}});
        Case c;
        c.name = check.name;
        c.file = check.location.file;
        c.line = check.location.line;
        c.failed = !check.passed;
        c.skipped = check.skipped && check.passed;
        if (c.skipped) c.skipped_message = check.message;
        if (c.failed) {
            c.failure_message = check.message;
            c.failure_type = check.rule_id;
            c.failure_text =
                check.location.file + ":" + std::to_string(check.location.line) + ": " + check.message + "\n";
            if (!check.details.empty()) c.failure_text += check.details + "\n";
            if (!check.figures.empty()) c.failure_text += figures_text(check.figures) + "\n";
        }
        suites[it->second].cases.push_back(std::move(c));
    }
    if (suites.empty()) suites.push_back(Suite{"segmint " + report.command, {}});

    size_t tests = 0, failures = 0, skipped = 0;
    for (const auto& s : suites) {
        tests += s.cases.size();
        failures += s.failures();
        skipped += s.skipped();
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites" + attr("name", "segmint " + report.command) + attr("tests", std::to_string(tests)) +
           attr("failures", std::to_string(failures)) + attr("errors", "0") + attr("skipped", std::to_string(skipped)) +
           attr("time", seconds_text(report.seconds)) + ">\n";
    for (const auto& s : suites) {
        // Time is measured for the whole command; a single suite gets all of it.
        out += "  <testsuite" + attr("name", s.name) + attr("tests", std::to_string(s.cases.size())) +
               attr("failures", std::to_string(s.failures())) + attr("errors", "0") +
               attr("skipped", std::to_string(s.skipped())) +
               attr("time", seconds_text(suites.size() == 1 ? report.seconds : 0)) + ">\n";
        const bool first = &s == &suites.front();
        if (first && report.hidden_warnings > 0) {
            out += "    <properties>\n      <property" + attr("name", "hidden_warnings") +
                   attr("value", std::to_string(report.hidden_warnings)) + "/>\n    </properties>\n";
        }
        for (const auto& c : s.cases) {
            out += "    <testcase" + attr("classname", s.name) + attr("name", c.name);
            if (!c.file.empty()) out += attr("file", c.file);
            if (c.line > 0) out += attr("line", std::to_string(c.line));
            if (!c.failed && !c.skipped && c.system_out.empty()) {
                out += "/>\n";
                continue;
            }
            out += ">\n";
            if (c.failed) {
                out += "      <failure" + attr("message", c.failure_message) + attr("type", c.failure_type) + ">" +
                       xml_escape(c.failure_text, false) + "</failure>\n";
            }
            if (c.skipped) out += "      <skipped" + attr("message", c.skipped_message) + "/>\n";
            if (!c.system_out.empty())
                out += "      <system-out>" + xml_escape(c.system_out, false) + "</system-out>\n";
            out += "    </testcase>\n";
        }
        if (first && report.hidden_warnings > 0) {
            out += "    <system-out>" + std::to_string(report.hidden_warnings) +
                   (report.hidden_warnings == 1 ? " more warning" : " more warnings") +
                   " not listed (past 100 in a file)</system-out>\n";
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

}  // namespace segmint::report
