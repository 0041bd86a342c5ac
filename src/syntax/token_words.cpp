#include "syntax/token_words.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

#include "SegmintLexer.h"
#include "antlr4-runtime.h"
#include "common/utf8.h"

namespace segmint::syntax {

using L = segmint_generated::SegmintLexer;

std::string keyword_word(size_t type) {
    switch (type) {
        case L::SEGMENT: return "segment";
        case L::AND: return "and";
        case L::OR: return "or";
        case L::NOT: return "not";
        case L::IN: return "in";
        case L::IS: return "is";
        case L::KW_NULL: return "null";
        case L::KW_TRUE: return "true";
        case L::KW_FALSE: return "false";
        case L::BETWEEN: return "between";
        case L::CONTAINS: return "contains";
        case L::ANY: return "any";
        case L::ALL: return "all";
        case L::STARTS: return "starts";
        case L::ENDS: return "ends";
        case L::WITH: return "with";
        case L::MATCHES: return "matches";
        case L::TODAY: return "today";
        case L::NOW: return "now";
        case L::WITHIN: return "within";
        case L::LAST: return "last";
        case L::BEFORE: return "before";
        case L::AFTER: return "after";
        case L::WHERE: return "where";
        case L::SECOND_UNIT: return "seconds";
        case L::MINUTE_UNIT: return "minutes";
        case L::HOUR_UNIT: return "hours";
        case L::DAY_UNIT: return "days";
        case L::WEEK_UNIT: return "weeks";
        case L::MONTH_UNIT: return "months";
        case L::YEAR_UNIT: return "years";
        default: return "";
    }
}

std::string token_spelling(size_t type) {
    if (std::string word = keyword_word(type); !word.empty()) return "`" + word + "`";
    switch (type) {
        case L::LPAREN: return "`(`";
        case L::RPAREN: return "`)`";
        case L::COMMA: return "`,`";
        case L::COLON: return "`:`";
        case L::EQ: return "`=`";
        case L::NEQ: return "`!=`";
        case L::LE: return "`<=`";
        case L::GE: return "`>=`";
        case L::LT: return "`<`";
        case L::GT: return "`>`";
        case L::PLUS: return "`+`";
        case L::MINUS: return "`-`";
        case L::STAR: return "`*`";
        case L::SLASH: return "`/`";
        case L::PERCENT: return "`%`";
        case L::TIMESTAMP: return "a timestamp";
        case L::DATE: return "a date";
        case L::DECIMAL: return "a decimal number";
        case L::INTEGER: return "an integer";
        case L::STRING: return "a string";
        case L::IDENTIFIER:
        case L::QUOTED_IDENTIFIER: return "a name";
        case L::QUALIFIED_NAME: return "an event column";
        default: return "the end of the definition";
    }
}

std::string describe_token(size_t type, const std::string& text, bool end_is_next_definition) {
    switch (type) {
        case static_cast<size_t>(-1):  // antlr4::Token::EOF
            return end_is_next_definition ? "the next `segment`" : "the end of the file";
        case L::INTEGER:
        case L::DECIMAL: return "the number " + text;
        case L::STRING: return "the string " + (text.size() > 40 ? text.substr(0, 37) + "..." : text);
        case L::DATE: return "the date " + text;
        case L::TIMESTAMP: return "the timestamp " + text;
        case L::IDENTIFIER:
        case L::QUOTED_IDENTIFIER:
        case L::QUALIFIED_NAME: return "the name `" + (text.size() > 40 ? text.substr(0, 37) + "..." : text) + "`";
        default: {
            std::string spelling = token_spelling(type);
            bool keyword = type >= L::SEGMENT && type <= L::YEAR_UNIT;
            return keyword ? "keyword `" + text + "`" : spelling;
        }
    }
}

std::string describe_expected(const std::vector<size_t>& expected_types) {
    auto has = [&](size_t type) {
        return std::find(expected_types.begin(), expected_types.end(), type) != expected_types.end();
    };
    std::vector<std::string> words;
    std::vector<size_t> covered;
    auto cover = [&](std::initializer_list<size_t> types) { covered.insert(covered.end(), types); };

    if (has(L::IDENTIFIER) && has(L::INTEGER) && has(L::LPAREN)) {
        words.push_back("an expression");
        cover({L::IDENTIFIER, L::QUOTED_IDENTIFIER, L::QUALIFIED_NAME, L::INTEGER, L::DECIMAL, L::STRING, L::KW_TRUE,
               L::KW_FALSE, L::KW_NULL, L::DATE, L::TIMESTAMP, L::TODAY, L::NOW, L::LPAREN, L::MINUS, L::NOT, L::LAST,
               // Unit words start calls such as month(...), which the reader knows as "an expression".
               L::SECOND_UNIT, L::MINUTE_UNIT, L::HOUR_UNIT, L::DAY_UNIT, L::WEEK_UNIT, L::MONTH_UNIT, L::YEAR_UNIT});
    }
    if (has(L::DAY_UNIT) && has(L::MONTH_UNIT) && words.empty()) {
        words.push_back("a time unit (days, weeks, months, years, hours, minutes or seconds)");
        cover({L::SECOND_UNIT, L::MINUTE_UNIT, L::HOUR_UNIT, L::DAY_UNIT, L::WEEK_UNIT, L::MONTH_UNIT, L::YEAR_UNIT});
    }
    if (has(L::EQ) && has(L::LT)) {
        words.push_back("a comparison operator");
        cover({L::EQ, L::NEQ, L::LT, L::LE, L::GT, L::GE});
    }
    auto is_covered = [&](size_t type) { return std::find(covered.begin(), covered.end(), type) != covered.end(); };
    if (has(L::IDENTIFIER) && has(L::QUOTED_IDENTIFIER) && !is_covered(L::IDENTIFIER)) {
        words.push_back("a name");
        cover({L::IDENTIFIER, L::QUOTED_IDENTIFIER});
    }
    if (has(L::STRING) && has(L::COLON)) {
        words.push_back("`:` or a title string");
        cover({L::STRING, L::COLON});
    }
    for (size_t type : expected_types) {
        if (is_covered(type)) continue;
        if (type == static_cast<size_t>(-1)) {
            words.push_back("the end of the rule");
        } else {
            words.push_back(token_spelling(type));
        }
        covered.push_back(type);
    }
    if (words.empty()) return "something else";
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
        out += words[i];
    }
    return out;
}

int typographic_quote(const std::string& text) {
    for (const char* quote : {"\u201C", "\u201D", "\u201E", "\u201F", "\u00AB", "\u00BB"}) {
        if (text == quote) return 2;
    }
    for (const char* quote : {"\u2018", "\u2019", "\u201A", "\u201B", "\u2039", "\u203A"}) {
        if (text == quote) return 1;
    }
    return 0;
}

bool name_piece(const antlr4::Token& token) {
    const std::string text = token.getText();
    if (token.getType() != L::ERROR_CHAR) {
        return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        });
    }
    const std::optional<uint32_t> c = utf8::code_point_at(text, 0);
    if (!c || *c < 0xC0 || *c == 0xD7 || *c == 0xF7) return false;  // ASCII, Latin-1 punctuation, × and ÷
    if (*c >= 0x2000 && *c <= 0x2BFF) return false;  // general punctuation (dashes, quotes), symbols, arrows
    if (*c >= 0x3000 && *c <= 0x303F) return false;  // CJK punctuation
    return *c < 0x1F000;                             // not emoji
}

// `count(orders where channel = "web" within last 7 days)`: the window goes before `where`. "" unless `token`
// starts a window inside the `where` condition of a call.
std::string window_after_where_hint(
    const antlr4::Token* token, const std::vector<const antlr4::Token*>& tokens,
    const std::function<std::string(const antlr4::Token*, const antlr4::Token*)>& text_from_to) {
    const size_t type = token->getType();
    if (type != L::WITHIN && type != L::BETWEEN && type != L::BEFORE && type != L::AFTER) return "";
    const size_t at = token->getTokenIndex();
    if (at >= tokens.size() || tokens[at] != token) return "";
    // The `where` of the innermost open parenthesis, and that parenthesis.
    size_t where = 0, open = 0;
    bool found_where = false, found_open = false;
    for (size_t k = at, depth = 0; k-- > 0;) {
        const size_t t = tokens[k]->getType();
        if (t == L::RPAREN) {
            ++depth;
        } else if (t == L::LPAREN) {
            if (depth == 0) {
                open = k;
                found_open = true;
                break;
            }
            --depth;
        } else if (t == L::WHERE && depth == 0 && !found_where) {
            where = k;
            found_where = true;
        }
    }
    if (!found_where || !found_open || open == 0) return "";
    size_t close = at;
    for (size_t depth = 0; close < tokens.size(); ++close) {
        const size_t t = tokens[close]->getType();
        if (t == L::LPAREN) ++depth;
        if (t == L::RPAREN && depth-- == 0) break;
    }
    const std::string generic = "the window goes before `where`: `count(orders within last 7 days where ...)`";
    if (close == tokens.size()) return generic;
    auto text_between = [&](size_t first, size_t end) { return text_from_to(tokens[first], tokens[end - 1]); };
    const std::string rewritten =
        text_between(open - 1, where) + " " + text_between(at, close) + " " + text_between(where, at) + ")";
    if (rewritten.size() > 100 || rewritten.find_first_of("\n#") != std::string::npos) return generic;
    return "the window goes before `where`: `" + rewritten + "`";
}

}  // namespace segmint::syntax
