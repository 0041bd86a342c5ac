#pragma once
// The shape every `--format json` document shares (docs/ci.md): {"version": 1, "command": NAME, then the command's
// own keys, then the run's diagnostics}. `version` is the version of this output format: it changes only when a key
// changes meaning or goes away (new keys may appear at any time).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/diagnostic.h"

namespace segmint::report {

inline constexpr int kJsonOutputVersion = 1;

// {"version": 1, "command": command}.
nlohmann::ordered_json json_document(const std::string& command);

// One diagnostic: {"file", "line", "column", "end_line", "end_column", "severity", "code", "message", "hint", "notes"}.
nlohmann::ordered_json diagnostic_json(const Diagnostic& diagnostic);

// Adds "diagnostics" (those kept), "errors", "warnings" (every warning) and, when some warnings were not kept (more
// than 100 in a file), "hidden_warnings": [{"file", "count"}].
void add_diagnostics(nlohmann::ordered_json& document, const DiagnosticSink& sink);

// The document as text: indented, invalid UTF-8 from user text replaced rather than thrown on, a final line break.
std::string json_text(const nlohmann::ordered_json& document);

}  // namespace segmint::report
