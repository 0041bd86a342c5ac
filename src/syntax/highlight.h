#pragma once
// The token stream of a spec file, classed for syntax highlighting (the HTML report): the lexer's own tokens, so the
// colours follow the grammar's keyword list rather than a guess. No ANTLR type crosses this header.
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/source.h"

namespace segmint::syntax {

enum class TokenClass : uint8_t {
    Keyword,      // and, or, between, segment, today, days, ...
    Literal,      // true, false, null
    String,       // "x", 'x' (also an unterminated one)
    Number,       // 12, 1_000, 12.5, dates and timestamps
    Name,         // a column, segment, function or event table: which one is for the checker to say
    Operator,     // = != < + - ...
    Punctuation,  // ( ) , :
    Comment,      // # ..., // ...
    Space,
    Other,  // a stray character the parser reports
};

struct ClassifiedToken {
    Span span;  // byte offsets into the text
    TokenClass token_class;
};

// Every token of `text` (valid UTF-8), in order and without gaps: the spans cover the whole text.
std::vector<ClassifiedToken> classify_tokens(std::string_view text);

}  // namespace segmint::syntax
