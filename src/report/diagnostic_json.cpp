#include <nlohmann/json.hpp>

#include "report/diagnostic_render.h"

namespace segmint::report {

std::string render_json(const std::vector<Diagnostic>& diagnostics) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    size_t errors = 0, warnings = 0;
    for (const auto& d : diagnostics) {
        nlohmann::ordered_json item;
        if (d.source) {
            LineColumn start = d.source->location(d.span.begin);
            LineColumn end = d.source->location(d.span.end);
            item["file"] = d.source->name();
            item["line"] = start.line;
            item["column"] = start.column;
            item["end_line"] = end.line;
            item["end_column"] = end.column;
        } else {
            item["file"] = nullptr;
        }
        item["severity"] = severity_name(d.severity);
        item["code"] = code_info(d.code).id;
        item["message"] = d.message;
        if (!d.hint.empty()) item["hint"] = d.hint;
        if (!d.notes.empty()) {
            nlohmann::ordered_json notes = nlohmann::ordered_json::array();
            for (const auto& note : d.notes) {
                nlohmann::ordered_json n;
                n["message"] = note.message;
                if (note.source) {
                    LineColumn at = note.source->location(note.span.begin);
                    n["file"] = note.source->name();
                    n["line"] = at.line;
                    n["column"] = at.column;
                }
                notes.push_back(std::move(n));
            }
            item["notes"] = std::move(notes);
        }
        errors += d.severity == Severity::Error;
        warnings += d.severity == Severity::Warning;
        items.push_back(std::move(item));
    }
    nlohmann::ordered_json out;
    out["diagnostics"] = std::move(items);
    out["errors"] = errors;
    out["warnings"] = warnings;
    // Replace invalid UTF-8 rather than throw: messages quote user text.
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace segmint::report
