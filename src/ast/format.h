#pragma once
// The canonical layout of a spec file (`segmint fmt`). It prints the AST, so two files that parse to the same AST
// (ignoring spans) format to the same text, and keeps every comment. Layout rules (docs/language.md, "Formatting"):
//   - `segment NAME "Title":` on its own line, the rule on the next line indented two spaces, one blank line between
//     definitions;
//   - a rule whose top-level `and`/`or` chain does not fit in `width` columns (or holds a comment) gets one operand a
//     line, each continuation line starting with the operator;
//   - lower-case keywords, `!=` for `<>`, parentheses only where precedence needs them (and around a comparison under
//     `not`, which reads ambiguously without them, and where written around an `and` inside an `or`, see W005);
//   - literals written canonically: integers keep `_` separators only if written with them (then every 3 digits),
//     decimals in their shortest round-trip form, strings in double quotes unless single quotes avoid escapes, dates
//     ISO, timestamps in UTC with `Z`, durations as `30 days`.
#include <cstddef>
#include <string>
#include <vector>

#include "ast/ast.h"

namespace segmint::ast {

struct FormatOptions {
    size_t width = 100;  // columns, counted in code points, trailing comments excluded
};

// The formatted text of a file that parsed without errors (a definition without a rule prints only its header).
std::string format_file(const File& file, const FormatOptions& options = {});

// One expression on one line, with the same parentheses and literal spelling as format_file.
std::string format_expr(const Expr& expr);

// The definitions of `file` as dump() shows them, without spans and comments: two files mean the same exactly when
// their shapes are equal. fmt checks its own output with it before writing.
std::string shape(const File& file);

// Every comment's text without trailing whitespace, in source order (the formatter drops only that whitespace).
std::vector<std::string> comment_texts(const File& file);

}  // namespace segmint::ast
