#pragma once
// `segmint explain SEG --customer KEY`: a customer's explanation (engine/explain_customer.h) as text and as JSON.
// Everything from the data or the rule text is escaped (common/text_format.h) in text; JSON escapes it itself.
#include <nlohmann/json.hpp>
#include <string>

#include "engine/explain_customer.h"
#include "semantic/catalog.h"

namespace segmint::report {

// The tree, one part a line (`[FALSE] total_spend > 1_000  <- decides`, `total_spend = 812.5`), the columns and event
// aggregates read, and the verdict: "customer KEY is in SEGMENT (the rule is TRUE)".
std::string explanation_text(const engine::Explanation& explanation, const semantic::Catalog& catalog,
                             const std::string& key);

// Adds "customer", "key_column", "value" (the rule's: true, false or null), "member", "tree" (each part: "text",
// "line", "column", "type", "value", then "decides", "reads", "segment", "events", "matched" where they apply, and
// "children"), "columns" and "aggregates" to `document`.
void add_explanation_json(nlohmann::ordered_json& document, const engine::Explanation& explanation,
                          const semantic::Catalog& catalog, const std::string& key);

}  // namespace segmint::report
