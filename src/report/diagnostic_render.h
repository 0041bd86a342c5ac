#pragma once
// Diagnostics as a user sees them: compiler-style text with the source line and a caret, or JSON for tools.
#include <string>
#include <vector>

#include "common/diagnostic.h"

namespace segmint::report {

struct RenderOptions {
    bool color = false;
};

// file:line:col: error[E101]: message
//     4 |   order_90d >= 5
//       |   ^^^^^^^^^
//       = hint: did you mean `orders_90d`?
std::string render_text(const Diagnostic& diagnostic, const RenderOptions& options = {});
std::string render_text(const std::vector<Diagnostic>& diagnostics, const RenderOptions& options = {});

// {"diagnostics": [{"file", "line", "column", "end_line", "end_column", "severity", "code", "message", "hint",
//   "notes"}], "errors": N, "warnings": N}
std::string render_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace segmint::report
