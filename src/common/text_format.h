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

// Text from users (names, paths, decoded string literals) made safe for a terminal or a CI log: control characters
// become \n, \t, \r or \u00XX, as do C1 controls and the bidirectional overrides that can reorder what a reader
// sees. Otherwise a `"\n::error ..."` literal would start a line GitHub Actions runs as a command, and `\u001b` would
// send escape sequences to the terminal.
std::string escape_controls(std::string_view text);
// escape_controls on each line of a multi-line text (a rule, a diff), its line breaks (LF) kept as they are.
std::string escape_controls_per_line(std::string_view text);

// A CSV field (RFC 4180): as it is, or in double quotes with `""` for a quote when it holds a comma, a quote, a line
// break, or is empty (so an empty string is not read back as NULL).
std::string csv_field(std::string_view text);

}  // namespace segmint
