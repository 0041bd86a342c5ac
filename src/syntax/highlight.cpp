#include "syntax/highlight.h"

#include <memory>
#include <string>

#include "SegmintLexer.h"
#include "antlr4-runtime.h"
#include "syntax/antlr_lock.h"
#include "syntax/offsets.h"

namespace segmint::syntax {

namespace {

using L = segmint_generated::SegmintLexer;

TokenClass class_of(size_t type) {
    switch (type) {
        case L::KW_TRUE:
        case L::KW_FALSE:
        case L::KW_NULL: return TokenClass::Literal;
        case L::STRING:
        case L::UNTERMINATED_STRING: return TokenClass::String;
        case L::INTEGER:
        case L::DECIMAL:
        case L::DATE:
        case L::TIMESTAMP: return TokenClass::Number;
        case L::IDENTIFIER:
        case L::QUOTED_IDENTIFIER:
        case L::QUALIFIED_NAME: return TokenClass::Name;
        case L::EQ:
        case L::NEQ:
        case L::LE:
        case L::GE:
        case L::LT:
        case L::GT:
        case L::PLUS:
        case L::MINUS:
        case L::STAR:
        case L::SLASH:
        case L::PERCENT: return TokenClass::Operator;
        case L::LPAREN:
        case L::RPAREN:
        case L::COMMA:
        case L::COLON: return TokenClass::Punctuation;
        case L::COMMENT: return TokenClass::Comment;
        case L::WHITESPACE: return TokenClass::Space;
        default:  // the keywords are one contiguous range of the lexer's token types
            return type >= L::SEGMENT && type <= L::YEAR_UNIT ? TokenClass::Keyword : TokenClass::Other;
    }
}

}  // namespace

std::vector<ClassifiedToken> classify_tokens(std::string_view text) {
    antlr4::ANTLRInputStream input{std::string(text)};
    L lexer(&input);
    lexer.removeErrorListeners();  // the lexer matches every input (ERROR_CHAR): there is nothing to report
    std::vector<std::unique_ptr<antlr4::Token>> tokens;
    {
        std::lock_guard<std::mutex> lock(antlr_mutex());
        tokens = lexer.getAllTokens();
    }
    const ByteOffsets offsets(text);
    std::vector<ClassifiedToken> out;
    out.reserve(tokens.size());
    uint32_t at = 0;
    for (const auto& token : tokens) {
        const uint32_t begin = offsets(token->getStartIndex());
        const uint32_t end = offsets(token->getStopIndex() + 1);
        if (begin > at) out.push_back({{at, begin}, TokenClass::Other});  // never expected: keep the text whole
        out.push_back({{begin, end}, class_of(token->getType())});
        at = end;
    }
    if (at < text.size()) out.push_back({{at, static_cast<uint32_t>(text.size())}, TokenClass::Other});
    return out;
}

}  // namespace segmint::syntax
