#pragma once
// Small text helpers shared by printers and reports.
#include <cstdint>
#include <string>
#include <string_view>

namespace segmint {

// 1234567 → "1,234,567".
std::string with_thousands(uint64_t n);

// A string literal as it would be written in a rule: in `quote` (double by default; the rule language also takes
// single), with \<quote> \\ \n \t \r and \u00XX escapes.
std::string quote_literal(std::string_view text, char quote = '"');

}  // namespace segmint
