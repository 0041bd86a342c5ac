#pragma once
// A rule value in JSON output: NULL as null, booleans and numbers as themselves, dates and timestamps as their ISO
// text, lists as arrays of strings (as a fixture file writes them).
#include <nlohmann/json.hpp>

#include "ir/ir.h"

namespace segmint::report {

nlohmann::ordered_json value_json(const ir::Value& value);

}  // namespace segmint::report
