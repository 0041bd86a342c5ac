#include "report/diagnostic_render.h"
#include "report/json_output.h"

namespace segmint::report {

nlohmann::ordered_json json_document(const std::string& command) {
    nlohmann::ordered_json document;
    document["version"] = kJsonOutputVersion;
    document["command"] = command;
    return document;
}

nlohmann::ordered_json diagnostic_json(const Diagnostic& d) {
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
    return item;
}

void add_diagnostics(nlohmann::ordered_json& document, const DiagnosticSink& sink) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& d : sink.diagnostics()) items.push_back(diagnostic_json(d));
    document["diagnostics"] = std::move(items);
    document["errors"] = sink.error_count();
    document["warnings"] = sink.warning_count();
    if (!sink.hidden_warnings().empty()) {
        nlohmann::ordered_json hidden = nlohmann::ordered_json::array();
        for (const auto& [file, count] : sink.hidden_warnings()) hidden.push_back({{"file", file}, {"count", count}});
        document["hidden_warnings"] = std::move(hidden);
    }
}

std::string json_text(const nlohmann::ordered_json& document) {
    // Replace invalid UTF-8 rather than throw: messages quote user text.
    return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_json(const std::vector<Diagnostic>& diagnostics) {
    DiagnosticSink sink;
    for (const auto& d : diagnostics) sink.add(d);
    nlohmann::ordered_json document;
    add_diagnostics(document, sink);
    return json_text(document);
}

}  // namespace segmint::report
