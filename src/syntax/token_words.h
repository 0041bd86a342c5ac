#pragma once
// Plain-word descriptions of tokens and of ANTLR's "expected" sets, so users never see ANTLR's raw messages.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace antlr4 {
class Token;
}

namespace segmint::syntax {

// "`)`", "keyword `and`", "the number 5", "the string \"x\"", "the name `orders`", "the end of the file".
std::string describe_token(size_t type, const std::string& text, bool end_is_next_definition);

// "an expression", "`:` or a title string", "a time unit (days, weeks, …)".
std::string describe_expected(const std::vector<size_t>& expected_types);

// The spelling of a token type, for messages: "`between`", "`(`".
std::string token_spelling(size_t type);

// The word of a keyword token type ("between", "days": units in the plural), or "" for any other token.
std::string keyword_word(size_t type);

// The quotes word processors put in place of `"` and `'`: 2 for double-style, 1 for single-style, 0 for neither.
int typographic_quote(const std::string& text);

// Whether a token is part of a name someone wrote with letters beyond ASCII (`größe`): an ASCII word, or a stray
// code point that is likely a letter rather than punctuation, a symbol or an emoji.
bool name_piece(const antlr4::Token& token);

// `count(orders where channel = "web" within last 7 days)`: a hint that the window goes before `where`, with the call
// rewritten, when `token` (the offending one, at its index in `tokens`) starts a window inside the `where` condition of
// a call; else "". `text_from_to` gives the source text from the start of one token to the end of another.
std::string window_after_where_hint(
    const antlr4::Token* token, const std::vector<const antlr4::Token*>& tokens,
    const std::function<std::string(const antlr4::Token*, const antlr4::Token*)>& text_from_to);

}  // namespace segmint::syntax
