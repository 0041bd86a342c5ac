#pragma once
// A structural SARIF 2.1.0 checker for what Segmint emits: the schema's required properties, types, enums and
// closed property sets, plus the cross-references the schema cannot express (ruleIndex -> rules[ruleIndex].id).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace segmint::testing {

// Every problem found, as "path: what is wrong"; empty when the document is valid.
std::vector<std::string> sarif_problems(const nlohmann::json& document);

}  // namespace segmint::testing
