// The ANTLR boundary: validates raw bytes, lexes, reports lexical errors, splits the file at each `segment` keyword,
// parses each definition with an error strategy that stops at its first error, and builds the owned AST.
// Every exception from the runtime is caught here, but std::bad_alloc: running out of memory is the command's to say.
#include "syntax/parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>
#include <new>  // std::bad_alloc and std::exception

#include "SegmintLexer.h"
#include "SegmintParser.h"
#include "antlr4-runtime.h"
#include "common/limits.h"
#include "common/suggest.h"
#include "common/text_format.h"
#include "common/utf8.h"
#include "syntax/antlr_lock.h"
#include "syntax/ast_builder.h"
#include "syntax/literals.h"
#include "syntax/offsets.h"
#include "syntax/token_words.h"

namespace segmint::syntax {

// Held while the ANTLR runtime simulates its ATN (lexing, parsing, computing expected tokens). The 4.9 runtime shares
// one DFA cache per grammar between every lexer and parser in the process and is not thread-safe there: DFA::s0 is
// read without the lock that guards its write (LexerATNSimulator::match, ParserATNSimulator::adaptivePredict),
// ATN::nextTokens is double-checked locking on a plain bool, LexerATNSimulator::match_calls is a plain counter (all
// fixed upstream after 4.9). ThreadSanitizer cannot see this: the runtime library is not instrumented. Byte
// validation, token filtering and AST building stay outside the lock, so parse() still runs in parallel there.
// Declared in antlr_lock.h: the highlighter (highlight.cpp) runs the lexer too.
std::mutex& antlr_mutex() {
    static std::mutex mutex;
    return mutex;
}

namespace {

using L = segmint_generated::SegmintLexer;
using P = segmint_generated::SegmintParser;

// Thrown by the error strategy at the first syntax error of a definition.
struct SyntaxAbort {
    antlr4::Token* offending;
    std::vector<size_t> expected;
};

std::vector<size_t> token_types(const antlr4::misc::IntervalSet& set) {
    std::vector<size_t> types;
    for (ssize_t type : set.toList()) types.push_back(static_cast<size_t>(type));
    return types;
}

// Thrown by the nesting guard before the parser's recursion can exhaust the stack (antlr4 #4928).
struct NestingAbort {
    antlr4::Token* where;
};

class StopAtFirstError : public antlr4::DefaultErrorStrategy {
public:
    void reportError(antlr4::Parser*, const antlr4::RecognitionException&) override {}
    void sync(antlr4::Parser*) override {}
    void recover(antlr4::Parser* parser, std::exception_ptr error) override {
        try {
            std::rethrow_exception(error);
        } catch (const antlr4::RecognitionException& recognition) {
            throw SyntaxAbort{
                recognition.getOffendingToken() ? recognition.getOffendingToken() : parser->getCurrentToken(),
                token_types(recognition.getExpectedTokens())};
        }
    }
    antlr4::Token* recoverInline(antlr4::Parser* parser) override {
        throw SyntaxAbort{parser->getCurrentToken(), token_types(parser->getExpectedTokens())};
    }
};

class NestingGuard : public antlr4::tree::ParseTreeListener {
public:
    void enterEveryRule(antlr4::ParserRuleContext* context) override {
        if (!counts(context)) return;
        if (++depth_ > limits::kMaxNestingDepth) throw NestingAbort{context->getStart()};
    }
    void exitEveryRule(antlr4::ParserRuleContext* context) override {
        if (counts(context) && depth_ > 0) --depth_;
    }
    void visitTerminal(antlr4::tree::TerminalNode*) override {}
    void visitErrorNode(antlr4::tree::ErrorNode*) override {}

private:
    static bool counts(antlr4::ParserRuleContext* context) {
        size_t rule = context->getRuleIndex();
        return rule == P::RuleExpr || rule == P::RuleNotOperator || rule == P::RuleNegation;
    }
    size_t depth_ = 0;
};

// The lexer matches every input (ERROR_CHAR), so this fires only on a runtime bug; it turns that into an exception.
class ThrowingLexerErrors : public antlr4::BaseErrorListener {
public:
    void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t, size_t, const std::string& message,
                     std::exception_ptr) override {
        throw std::runtime_error("lexer: " + message);
    }
};

using Tokens = std::vector<std::unique_ptr<antlr4::Token>>;

std::string lower_ascii(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

class FileParser {
public:
    FileParser(std::shared_ptr<const Source> source, DiagnosticSink& sink)
        : source_(std::move(source)), sink_(sink), offsets_(source_->text()) {}

    ast::File run() {
        ast::File file;
        file.source = source_;
        if (!validate_bytes()) return file;
        std::vector<std::unique_ptr<antlr4::Token>> tokens = lex(file);
        parse_definitions(std::move(tokens), file);
        return file;
    }

private:
    Span span_of(const antlr4::Token* token) const {
        if (token->getType() == antlr4::Token::EOF) {
            uint32_t end = static_cast<uint32_t>(source_->text().size());
            return {end, end};
        }
        return {offsets_(token->getStartIndex()), offsets_(token->getStopIndex() + 1)};
    }

    bool error(Code code, Span span, std::string message, std::string hint = {}) {
        return sink_.error(code, source_, span, std::move(message), std::move(hint));
    }

    // A lexical error removes a token; the definition it was in is not parsed, so the one real mistake is not
    // followed by syntax errors it caused.
    bool lexical_error(Code code, Span span, std::string message, std::string hint = {}) {
        lexical_error_offsets_.push_back(span.begin);
        return error(code, span, std::move(message), std::move(hint));
    }

    // Size, NUL bytes and UTF-8 are checked on the raw bytes, before ANTLR decodes them.
    bool validate_bytes() {
        const std::string& text = source_->text();
        if (text.size() > limits::kMaxSpecFileBytes) {
            error(Code::FileTooLarge, {0, 0},
                  "file is " + std::to_string(text.size()) + " bytes; the limit for a spec file is " +
                      std::to_string(limits::kMaxSpecFileBytes) + " bytes (16 MiB)");
            return false;
        }
        if (auto nul = text.find('\0'); nul != std::string::npos) {
            uint32_t at = static_cast<uint32_t>(nul);
            error(Code::NulByte, {at, at + 1}, "file contains a NUL byte", "spec files are UTF-8 text");
            return false;
        }
        if (auto bad = utf8::first_invalid(text)) {
            uint32_t at = static_cast<uint32_t>(*bad);
            error(Code::InvalidUtf8, {at, at + 1},
                  fmt::format("invalid UTF-8 (byte 0x{:02X} at byte offset {})", static_cast<unsigned char>(text[at]),
                              at),
                  "save the file as UTF-8");
            return false;
        }
        return true;
    }

    Tokens lex(ast::File& file) {
        // Tokens read their text from the input stream, so the stream and lexer live as long as this parser.
        input_ = std::make_unique<antlr4::ANTLRInputStream>(source_->text());
        lexer_ = std::make_unique<L>(input_.get());
        lexer_->removeErrorListeners();
        lexer_->addErrorListener(&throwing_);
        Tokens all;
        {
            std::lock_guard<std::mutex> lock(antlr_mutex());
            all = lexer_->getAllTokens();
        }

        Tokens kept;
        for (size_t i = 0; i < all.size(); ++i) {
            auto& token = all[i];
            const size_t type = token->getType();
            if (type == L::COMMENT) {
                Span span = span_of(token.get());
                file.comments.push_back({span, token->getText()});
                continue;
            }
            if (type == L::WHITESPACE) continue;
            if (type == L::ERROR_CHAR) {
                i = report_stray(all, i, kept);
                continue;
            }
            if (type == L::UNTERMINATED_STRING) {
                Span span = span_of(token.get());
                lexical_error(Code::UnterminatedString, {span.begin, span.begin + 1},
                              "string literal is not closed on this line", "add the closing quote");
                continue;
            }
            if ((type == L::IDENTIFIER || type == L::QUOTED_IDENTIFIER) &&
                token->getText().size() > limits::kMaxIdentifierBytes) {
                Span span = span_of(token.get());
                lexical_error(Code::IdentifierTooLong, {span.begin, span.begin + 1},
                              "name is " + std::to_string(span.end - span.begin) + " bytes long; the limit is " +
                                  std::to_string(limits::kMaxIdentifierBytes));
                continue;
            }
            if (type == L::QUALIFIED_NAME && token->getText().size() > 2 * limits::kMaxIdentifierBytes + 5) {
                Span span = span_of(token.get());
                lexical_error(Code::IdentifierTooLong, {span.begin, span.begin + 1},
                              "name is " + std::to_string(span.end - span.begin) + " bytes long; the limit is " +
                                  std::to_string(limits::kMaxIdentifierBytes) + " for each part");
                continue;
            }
            if (type == L::QUOTED_IDENTIFIER || type == L::QUALIFIED_NAME) {
                // Column names may hold spaces and punctuation (the schema allows them), never control characters.
                const std::string text = token->getText();
                const size_t bad = static_cast<size_t>(
                    std::find_if(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }) -
                    text.begin());
                if (bad < text.size()) {
                    Span span = span_of(token.get());
                    lexical_error(
                        Code::UnexpectedCharacter,
                        {span.begin + static_cast<uint32_t>(bad), span.begin + static_cast<uint32_t>(bad) + 1},
                        "a name in backquotes cannot hold control characters (a tab, ...)");
                    continue;
                }
            }
            if (type == L::STRING && token->getText().size() > limits::kMaxStringLiteralBytes + 2) {
                Span span = span_of(token.get());
                lexical_error(Code::StringTooLong, {span.begin, span.begin + 1},
                              "string literal is " + std::to_string(span.end - span.begin) +
                                  " bytes long; the limit is " + std::to_string(limits::kMaxStringLiteralBytes) +
                                  " (1 MiB)");
                continue;
            }
            kept.push_back(std::move(token));
        }
        return kept;
    }

    std::string text_of(Span span) const { return source_->text().substr(span.begin, span.end - span.begin); }

    // Reports the stray character all[first], with what belongs to the same mistake, and returns the index of the
    // last token the report covers. Common mistakes get a hint that names the fix.
    size_t report_stray(const Tokens& all, size_t first, Tokens& kept) {
        if (auto last = report_typographic_quotes(all, first)) return *last;
        if (auto last = report_bracket_list(all, first, kept)) return *last;
        if (auto last = report_non_ascii_name(all, first, kept)) return *last;
        // A run of adjacent stray characters is one error.
        size_t last = first;
        while (last + 1 < all.size() && all[last + 1]->getType() == L::ERROR_CHAR) ++last;
        Span span = join(span_of(all[first].get()), span_of(all[last].get()));
        std::string text = text_of(span);
        std::string hint;
        if (text.rfind("&&", 0) == 0)
            hint = "write `and` instead of `&&`";
        else if (text.rfind("||", 0) == 0)
            hint = "write `or` instead of `||`";
        else if (text == "!")
            hint = "write `not` to negate, or `!=` for 'not equal'";
        else if (text == ";")
            hint = "rules need no terminator; a new definition starts with `segment`";
        else if (text == "\"" || text == "'")
            hint = "strings are closed on the same line";
        else if (text == "[" || text == "]")
            hint = "lists are written in parentheses: `in (\"a\", \"b\")`";
        std::string shown = text.size() > 20 ? text.substr(0, 20) + "..." : text;
        lexical_error(Code::UnexpectedCharacter, span,
                      (span.end - span.begin == 1 ? "unexpected character `" : "unexpected characters `") + shown + "`",
                      hint);
        return last;
    }

    // Word processors turn `"Germany"` into `“Germany”`: one error for the pair, with the string as it should be.
    std::optional<size_t> report_typographic_quotes(const Tokens& all, size_t first) {
        const int style = typographic_quote(all[first]->getText());
        if (style == 0) return std::nullopt;
        const Span open = span_of(all[first].get());
        for (size_t k = first + 1; k < all.size(); ++k) {
            const std::string text = all[k]->getText();
            if (all[k]->getType() == L::ERROR_CHAR && typographic_quote(text) == style) {
                const Span close = span_of(all[k].get());
                lexical_error(Code::UnexpectedCharacter, join(open, close),
                              "typographic quotes `" + text_of(open) + "` and `" + text + "` do not make a string",
                              "write straight double quotes: " + quote_literal(text_of({open.end, close.begin})));
                return k;
            }
            if (text.find('\n') != std::string::npos) break;  // a string ends on its line
        }
        lexical_error(Code::UnexpectedCharacter, open, "unexpected character `" + text_of(open) + "`",
                      "write strings in straight double quotes: \"...\"");
        return first;
    }

    // `in ['gold', 'silver']`: one error for the bracketed list, with the list as it should be written.
    std::optional<size_t> report_bracket_list(const Tokens& all, size_t first, const Tokens& kept) {
        if (all[first]->getText() != "[") return std::nullopt;
        std::string items;
        size_t close = first + 1;
        for (; close < all.size(); ++close) {
            const antlr4::Token& token = *all[close];
            const size_t type = token.getType();
            if (type == L::ERROR_CHAR && token.getText() == "]") break;
            if (type == L::SEGMENT) return std::nullopt;  // no `]` before the next definition
            if (type == L::WHITESPACE || type == L::COMMENT) continue;
            if (type == L::COMMA) {
                items += ",";
                continue;
            }
            if (!items.empty()) items += " ";
            LiteralError ignored;
            auto decoded = type == L::STRING ? decode_string(token.getText(), &ignored) : std::nullopt;
            items += decoded ? quote_literal(*decoded) : token.getText();
        }
        if (close == all.size()) return std::nullopt;
        // The operator before the list, so the hint can be copied as it is.
        std::string op;
        const size_t before = kept.empty() ? 0 : kept.back()->getType();
        if (before == L::IN)
            op = kept.size() > 1 && kept[kept.size() - 2]->getType() == L::NOT ? "not in " : "in ";
        else if (before == L::ANY || before == L::ALL)
            op = "contains " + lower_ascii(kept.back()->getText()) + " ";
        if (items.empty() || items.size() > 60) items = "\"a\", \"b\"";
        lexical_error(Code::UnexpectedCharacter, join(span_of(all[first].get()), span_of(all[close].get())),
                      "a list is written in parentheses, not square brackets", "write `" + op + "(" + items + ")`");
        return close;
    }

    // `größe`: a name with letters beyond ASCII is one error, not one per stray letter.
    std::optional<size_t> report_non_ascii_name(const Tokens& all, size_t first, Tokens& kept) {
        if (!name_piece(*all[first])) return std::nullopt;
        size_t last = first;
        while (last + 1 < all.size() && name_piece(*all[last + 1])) ++last;
        Span span = join(span_of(all[first].get()), span_of(all[last].get()));
        // The ASCII start of the name (`gr`) was already kept; it is part of this mistake, not a name of its own.
        size_t start = all[first]->getStartIndex();
        while (!kept.empty() && kept.back()->getStopIndex() + 1 == start && name_piece(*kept.back())) {
            start = kept.back()->getStartIndex();
            span.begin = span_of(kept.back().get()).begin;
            kept.pop_back();
        }
        const std::string name = text_of(span);
        if (!kept.empty() && kept.back()->getType() == L::SEGMENT) {
            lexical_error(Code::UnexpectedCharacter, span, "`" + name + "` cannot be a segment name",
                          "segment names are ASCII letters, digits and `_`, not starting with a digit");
        } else {
            lexical_error(Code::UnexpectedCharacter, span, "`" + name + "` is not a name",
                          "names are ASCII letters, digits and `_`; a column whose name has other characters is "
                          "written in backquotes: `" +
                              name + "`");
        }
        return last;
    }

    void parse_definitions(std::vector<std::unique_ptr<antlr4::Token>> tokens, ast::File& file) {
        size_t i = 0;
        if (i < tokens.size() && tokens[i]->getType() != L::SEGMENT) {
            error(Code::SyntaxError, span_of(tokens[i].get()),
                  "expected `segment`, found " + describe_token(tokens[i]->getType(), tokens[i]->getText(), false),
                  "a spec file is a list of definitions: `segment NAME \"Title\": RULE`");
            while (i < tokens.size() && tokens[i]->getType() != L::SEGMENT) ++i;
        }
        while (i < tokens.size()) {
            if (sink_.capped(source_.get())) return;
            if (file.definitions.size() >= limits::kMaxSegments) {
                error(Code::SegmentLimit, span_of(tokens[i].get()),
                      "more than " + std::to_string(limits::kMaxSegments) + " segments in one file");
                return;
            }
            size_t end = i + 1;
            while (end < tokens.size() && tokens[end]->getType() != L::SEGMENT) ++end;
            const uint32_t chunk_begin = span_of(tokens[i].get()).begin;
            const uint32_t next_begin =
                end < tokens.size() ? span_of(tokens[end].get()).begin : static_cast<uint32_t>(source_->text().size());
            const bool lexically_broken =
                std::any_of(lexical_error_offsets_.begin(), lexical_error_offsets_.end(),
                            [&](uint32_t at) { return at >= chunk_begin && at < next_begin; });
            std::vector<std::unique_ptr<antlr4::Token>> chunk;
            for (size_t k = i; k < end; ++k) chunk.push_back(std::move(tokens[k]));
            parse_one(std::move(chunk), end < tokens.size(), lexically_broken, file);
            i = end;
        }
    }

    void parse_one(std::vector<std::unique_ptr<antlr4::Token>> chunk, bool more_follow, bool lexically_broken,
                   ast::File& file) {
        // The name is known from the tokens even if the rule does not parse, so the segment still counts as defined.
        ast::Definition definition;
        definition.span = span_of(chunk.front().get());
        if (chunk.size() > 1 && (chunk[1]->getType() == L::IDENTIFIER || chunk[1]->getType() == L::QUOTED_IDENTIFIER)) {
            definition.name = chunk[1]->getText();
            if (chunk[1]->getType() == L::QUOTED_IDENTIFIER) {
                definition.name = definition.name.substr(1, definition.name.size() - 2);
            }
            definition.name_span = span_of(chunk[1].get());
        }
        const uint32_t chunk_end = span_of(chunk.back().get()).end;
        std::vector<const antlr4::Token*> view;  // the chunk's tokens, for hints that look at a mistake's neighbours
        for (const auto& token : chunk) view.push_back(token.get());
        if (lexically_broken) {
            if (!definition.name.empty()) {
                definition.span.end = chunk_end;
                file.definitions.push_back(std::move(definition));
            }
            return;
        }

        antlr4::ListTokenSource token_source(std::move(chunk));
        antlr4::CommonTokenStream stream(&token_source);
        P parser(&stream);
        parser.removeErrorListeners();
        parser.setErrorHandler(std::make_shared<StopAtFirstError>());
        NestingGuard guard;
        parser.addParseListener(&guard);
        try {
            P::DefinitionOnlyContext* tree = nullptr;
            {
                std::lock_guard<std::mutex> lock(antlr_mutex());
                tree = parser.definitionOnly();
            }
            AstBuilder builder(source_, offsets_, sink_, file);
            builder.build(tree->definition(), definition);
        } catch (const SyntaxAbort& abort) {
            report_syntax_error(abort, more_follow, chunk_end, view);
        } catch (const NestingAbort& abort) {
            error(Code::NestingTooDeep, span_of(abort.where),
                  "expression is nested too deeply (more than " + std::to_string(limits::kMaxNestingDepth) +
                      " levels of parentheses, `not` or `-`)",
                  "split the rule into several segments and refer to them by name");
        } catch (const std::bad_alloc&) {
            throw;  // not the parser's error: the command says it ran out of memory (cli::run)
        } catch (const std::exception& e) {
            error(Code::SyntaxError, definition.span, std::string("internal parser error: ") + e.what());
        } catch (...) {
            error(Code::SyntaxError, definition.span, "internal parser error");
        }
        if (!definition.name.empty()) {
            if (!definition.rule && definition.span.end < chunk_end) definition.span.end = chunk_end;
            file.definitions.push_back(std::move(definition));
        }
    }

    void report_syntax_error(const SyntaxAbort& abort, bool more_follow, uint32_t chunk_end,
                             const std::vector<const antlr4::Token*>& tokens) {
        const antlr4::Token* token = abort.offending;
        const bool at_end = token->getType() == antlr4::Token::EOF;
        Span span = at_end ? Span{chunk_end, chunk_end} : span_of(token);
        std::string found = describe_token(token->getType(), at_end ? "" : token->getText(), more_follow);
        std::string expected = describe_expected(abort.expected);
        bool only_end = abort.expected.size() == 1 && abort.expected[0] == static_cast<size_t>(antlr4::Token::EOF);
        std::string hint = at_end ? "" : mistake_hint(token, tokens, abort.expected, only_end);
        if (only_end) {
            error(Code::SyntaxError, span, "expected `and`, `or` or the end of the rule, found " + found,
                  hint.empty() ? "join conditions with `and` or `or`; a new definition starts with `segment`" : hint);
            return;
        }
        if (token->getType() == L::EQ && !at_end) hint = "equality is a single `=`";
        if (token->getType() == L::WHERE && expected == "an expression")
            hint = "`where` is a keyword (an aggregate's condition); a column named `where` is written `` `where` ``";
        auto text_from_to = [&](const antlr4::Token* first, const antlr4::Token* last) {
            return text_of({span_of(first).begin, span_of(last).end});
        };
        if (std::string window = window_after_where_hint(token, tokens, text_from_to); !window.empty()) hint = window;
        if (at_end && expected == "an expression") hint = "every segment needs a rule after `:`";
        if (token->getType() == L::IDENTIFIER && expected.find("`:`") != std::string::npos) {
            hint = "a definition is `segment NAME \"Optional title\": RULE`";
        }
        if (token->getType() >= L::SEGMENT && token->getType() <= L::YEAR_UNIT &&
            expected.find("a name") != std::string::npos) {
            hint = "`" + token->getText() + "` is a keyword; to use it as a name, write it in backquotes";
        }
        error(Code::SyntaxError, span, "expected " + expected + ", found " + found, hint);
    }

    // A hint for a common mistake at the offending token (`1,000`, `betwen`, `LIKE`, `in last 30 days`), or "".
    // `after_operand`: the rule so far is complete, so an operator or `and`/`or` was expected.
    static std::string mistake_hint(const antlr4::Token* token, const std::vector<const antlr4::Token*>& tokens,
                                    const std::vector<size_t>& expected, bool after_operand) {
        size_t at = token->getTokenIndex();
        if (at >= tokens.size() || tokens[at] != token) return "";
        auto type_at = [&](size_t k) { return k < tokens.size() ? tokens[k]->getType() : size_t(antlr4::Token::EOF); };
        auto text_at = [&](size_t k) { return k < tokens.size() ? tokens[k]->getText() : std::string(); };
        const size_t type = token->getType();
        const size_t previous = at > 0 ? type_at(at - 1) : size_t(antlr4::Token::EOF);
        const std::string text = token->getText();

        if (type == L::COMMA && previous == L::INTEGER) {
            // `1,000` or `1,000,000`: groups of exactly three digits after each comma.
            std::string digits = text_at(at - 1);
            size_t k = at;
            while (type_at(k) == L::COMMA && type_at(k + 1) == L::INTEGER && text_at(k + 1).size() == 3) {
                digits += text_at(k + 1);
                k += 2;
            }
            uint64_t value = 0;
            const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), value);
            if (k > at && parsed.ec == std::errc() && parsed.ptr == digits.data() + digits.size()) {
                std::string underscored = with_thousands(value);
                std::replace(underscored.begin(), underscored.end(), ',', '_');
                return "numbers have no thousands separator: write `" + digits + "` or `" + underscored + "`";
            }
        }
        if (type == L::IDENTIFIER) {
            const std::string word = lower_ascii(text);
            if (word == "like" || word == "ilike") {
                return like_hint(text, at + 1 < tokens.size() ? tokens[at + 1] : nullptr);
            }
            if (previous == L::INTEGER) {
                // `30 dayz`: a duration's unit, singular after 1.
                std::vector<std::string> units;
                for (auto unit : {ast::DurationUnit::Day, ast::DurationUnit::Week, ast::DurationUnit::Month,
                                  ast::DurationUnit::Year, ast::DurationUnit::Hour, ast::DurationUnit::Minute,
                                  ast::DurationUnit::Second}) {
                    units.push_back(ast::unit_name(unit, text_at(at - 1) != "1"));
                }
                if (auto unit = closest_match(text, units)) return "did you mean `" + *unit + "`?";
            }
            // `betwen`: the keyword that could stand here and is spelled most alike.
            static const size_t kAfterOperand[] = {L::AND,    L::OR,       L::NOT,    L::BETWEEN, L::IN,
                                                   L::IS,     L::CONTAINS, L::STARTS, L::ENDS,    L::MATCHES,
                                                   L::WITHIN, L::BEFORE,   L::AFTER};
            std::vector<std::string> keywords;
            if (after_operand) {
                for (size_t t : kAfterOperand) keywords.push_back(keyword_word(t));
            } else {
                for (size_t t : expected) {
                    if (std::string keyword = keyword_word(t); !keyword.empty()) keywords.push_back(keyword);
                }
            }
            return did_you_mean(text, keywords);
        }
        if (type == L::LAST && (previous == L::IN || after_operand)) {
            const size_t unit = type_at(at + 2);
            const bool duration = type_at(at + 1) == L::INTEGER && unit >= L::SECOND_UNIT && unit <= L::YEAR_UNIT;
            const std::string amount = duration ? text_at(at + 1) + " " + lower_ascii(text_at(at + 2)) : "30 days";
            if (at >= 2 && type_at(at - 2) == L::NOT) {
                return "`within last` has no `not` form: write `not (... within last " + amount + ")`";
            }
            return "write `within last " + amount + "`";
        }
        return "";
    }

    // SQL's `LIKE` (written `like`): the text operators say the same, so `like "%x"` is `ends with "x"`.
    static std::string like_hint(const std::string& like, const antlr4::Token* pattern) {
        std::string operators =
            "the text operators are `contains`, `starts with`, `ends with` and `matches` (an RE2 "
            "regular expression)";
        if (lower_ascii(like) == "ilike") operators += "; compare `lower(...)` to ignore case";
        LiteralError ignored;
        auto value =
            pattern && pattern->getType() == L::STRING ? decode_string(pattern->getText(), &ignored) : std::nullopt;
        if (!value) return "there is no `" + like + "`: " + operators;
        const bool leading = !value->empty() && value->front() == '%';
        const bool trailing = value->size() > size_t(leading) && value->back() == '%';
        const std::string core = value->substr(leading, value->size() - leading - trailing);
        // `_` and an inner `%` are wildcards no single text operator expresses.
        if (core.find_first_of("%_") != std::string::npos) return "there is no `" + like + "`: " + operators;
        const char* op = leading && trailing ? "contains" : leading ? "ends with" : trailing ? "starts with" : "=";
        return "there is no `" + like + "`: write `" + op + " " + quote_literal(core) + "`; " + operators;
    }

    std::shared_ptr<const Source> source_;
    DiagnosticSink& sink_;
    ByteOffsets offsets_;
    ThrowingLexerErrors throwing_;
    std::vector<uint32_t> lexical_error_offsets_;
    std::unique_ptr<antlr4::ANTLRInputStream> input_;
    std::unique_ptr<L> lexer_;
};

}  // namespace

ast::File parse(std::shared_ptr<const Source> source, DiagnosticSink& sink) {
    try {
        return FileParser(source, sink).run();
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        sink.error(Code::SyntaxError, source, {0, 0}, std::string("internal parser error: ") + e.what());
    } catch (...) {
        sink.error(Code::SyntaxError, source, {0, 0}, "internal parser error");
    }
    ast::File file;
    file.source = std::move(source);
    return file;
}

}  // namespace segmint::syntax
