// SARIF 2.1.0 (OASIS): what GitHub code scanning and most CI dashboards read.
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "report/ci_report.h"

namespace segmint::report {

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

// RFC 3986: keep unreserved characters and `/`, percent-encode every other byte (UTF-8 included).
std::string percent_encode(const std::string& path) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// A file under the base folder becomes a relative URI against %SRCROOT%; anything else an absolute file: URI.
Json artifact_location(const std::string& file, const std::string& base) {
    fs::path path = fs::path(file).lexically_normal();
    if (!base.empty()) {
        fs::path absolute = path.is_absolute() ? path : (fs::path(base) / path).lexically_normal();
        fs::path relative = absolute.lexically_relative(base);
        const std::string text = relative.generic_string();
        if (!relative.empty() && text != "." && text.rfind("..", 0) != 0) {
            return Json{{"uri", percent_encode(text)}, {"uriBaseId", "%SRCROOT%"}};
        }
        path = absolute;
    }
    if (path.is_absolute()) return Json{{"uri", "file://" + percent_encode(path.generic_string())}};
    return Json{{"uri", percent_encode(path.generic_string())}, {"uriBaseId", "%SRCROOT%"}};
}

Json physical_location(const Location& at, const std::string& base) {
    Json physical;
    physical["artifactLocation"] = artifact_location(at.file, base);
    if (at.line > 0) {
        Json region;
        region["startLine"] = at.line;
        if (at.column > 0) region["startColumn"] = at.column;
        if (at.end_line >= at.line) {
            region["endLine"] = at.end_line;
            if (at.column > 0 && at.end_column > 0) region["endColumn"] = at.end_column;
        }
        physical["region"] = std::move(region);
    }
    return Json{{"physicalLocation", std::move(physical)}};
}

const char* sarif_level(Severity severity) {
    switch (severity) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "note";
    }
    return "error";
}

std::string diagnostic_text(const Diagnostic& d) {
    std::string text = d.message;
    for (const auto& note : d.notes) {
        text += "\nnote: ";
        if (note.source) {
            Location at = location_of(*note.source, note.span);
            text += at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": ";
        }
        text += note.message;
    }
    if (!d.hint.empty()) text += "\nhint: " + d.hint;
    return text;
}

class Rules {
public:
    size_t index(const std::string& id, const std::string& summary) {
        auto [it, added] = index_.emplace(id, rules_.size());
        if (added) {
            Json rule;
            rule["id"] = id;
            rule["shortDescription"] = Json{{"text", summary}};
            rules_.push_back(std::move(rule));
        }
        return it->second;
    }
    Json take() { return std::move(rules_); }

private:
    std::map<std::string, size_t> index_;
    Json rules_ = Json::array();
};

}  // namespace

std::string render_sarif(const CiReport& report, const CiOptions& options) {
    Rules rules;
    Json results = Json::array();
    for (const auto& d : report.diagnostics) {
        const CodeInfo& info = code_info(d.code);
        Json result;
        result["ruleId"] = info.id;
        result["ruleIndex"] = rules.index(info.id, info.summary);
        result["level"] = sarif_level(d.severity);
        result["message"] = Json{{"text", diagnostic_text(d)}};
        if (d.source)
            result["locations"] =
                Json::array({physical_location(location_of(*d.source, d.span), options.base_directory)});
        results.push_back(std::move(result));
    }
    for (const auto& check : report.checks) {
        const size_t index = rules.index(check.rule_id, check.rule_summary);
        if (check.passed && !check.skipped) continue;  // a passing check is listed among the rules, not as a result
        Json result;
        result["ruleId"] = check.rule_id;
        result["ruleIndex"] = index;
        if (check.passed) {
            result["kind"] = "open";  // SARIF 3.27.9: not enough information to decide pass or fail
            result["level"] = "none";
        } else {
            result["level"] = "error";
        }
        std::string text = check.message;
        if (!check.details.empty()) text += "\n" + check.details;
        result["message"] = Json{{"text", text}};
        result["locations"] = Json::array({physical_location(check.location, options.base_directory)});
        if (!check.figures.empty()) {
            Json figures = Json::object();
            for (const auto& f : check.figures) {
                if (f.integer)
                    figures[f.name] = static_cast<uint64_t>(f.value);
                else
                    figures[f.name] = f.value;
            }
            result["properties"] = Json{{"figures", std::move(figures)}};
        }
        results.push_back(std::move(result));
    }

    Json driver;
    driver["name"] = "segmint";
    driver["version"] = options.tool_version;
    driver["informationUri"] = kInformationUri;
    driver["rules"] = rules.take();
    Json run;
    run["tool"] = Json{{"driver", std::move(driver)}};
    run["columnKind"] = "unicodeCodePoints";  // Source::location counts code points
    run["results"] = std::move(results);
    if (report.hidden_warnings > 0) {
        // Warnings past the per-file cap are not results; the run says how many so none go unnoticed.
        const std::string n = std::to_string(report.hidden_warnings);
        run["properties"] = Json{{"hiddenWarnings", report.hidden_warnings},
                                 {"note", n + (report.hidden_warnings == 1 ? " more warning" : " more warnings") +
                                              " not listed (past 100 in a file)"}};
    }
    Json out;
    out["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    out["version"] = "2.1.0";
    out["runs"] = Json::array({std::move(run)});
    // Replace invalid UTF-8 rather than throw: messages quote user text.
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace segmint::report
