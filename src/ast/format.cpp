#include "ast/format.h"

#include <algorithm>
#include <cctype>

#include "common/text_format.h"

namespace segmint::ast {

namespace {

// Binding strength, loosest first, as in grammar/SegmintParser.g4.
enum Level : int {
    kOr = 1,
    kAnd = 2,
    kNot = 3,
    kPredicate = 4,
    kAdditive = 5,
    kMultiplicative = 6,
    kUnary = 7,
    kPrimary = 8
};

int level(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Or: return kOr;
        case ExprKind::And: return kAnd;
        case ExprKind::Not: return kNot;
        case ExprKind::Compare:
        case ExprKind::Between:
        case ExprKind::In:
        case ExprKind::IsNull:
        case ExprKind::TextMatch:
        case ExprKind::ContainsList:
        case ExprKind::WithinLast:
        case ExprKind::TimeOrder: return kPredicate;
        case ExprKind::Arithmetic: return e.op == Op::Add || e.op == Op::Sub ? kAdditive : kMultiplicative;
        case ExprKind::Negate: return kUnary;
        default: return kPrimary;
    }
}

bool is_unit_word(const std::string& lower) {
    static const char* const units[] = {"second", "minute", "hour", "day", "week", "month", "year"};
    for (const char* unit : units) {
        std::string u = unit;
        if (lower == u || lower == u + "s") return true;
    }
    return false;
}

bool is_keyword(const std::string& lower) {
    static const char* const keywords[] = {"segment", "and",    "or",    "not",     "in",       "is",
                                           "null",    "true",   "false", "between", "contains", "any",
                                           "all",     "starts", "ends",  "with",    "matches",  "today",
                                           "now",     "within", "last",  "before",  "after",    "where"};
    for (const char* keyword : keywords) {
        if (lower == keyword) return true;
    }
    return is_unit_word(lower);
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// A name as written: bare when it lexes as an identifier, else in backticks (keywords used as column names).
std::string name_text(const std::string& name) {
    bool identifier = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') identifier = false;
    }
    if (identifier && !is_keyword(lower(name))) return name;
    return "`" + name + "`";
}

// Double quotes unless the text holds `"` and no `'`: then single quotes need no escapes.
std::string string_text(const std::string& text) {
    const char quote = text.find('"') != std::string::npos && text.find('\'') == std::string::npos ? '\'' : '"';
    return quote_literal(text, quote);
}

// "-1234567" → "-1_234_567".
std::string grouped(const std::string& digits) {
    size_t start = !digits.empty() && digits[0] == '-' ? 1 : 0;
    std::string out = digits.substr(0, start);
    for (size_t i = start; i < digits.size(); ++i) {
        if (i > start && (digits.size() - i) % 3 == 0) out += '_';
        out += digits[i];
    }
    return out;
}

size_t columns(const std::string& text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

class Printer {
public:
    explicit Printer(const Source* source) : source_(source) {}

    std::string expr(const Expr& e) const {
        switch (e.kind) {
            case ExprKind::Literal: return literal(e);
            case ExprKind::Name:
                return e.has_column ? name_text(e.name) + "." + name_text(e.column) : name_text(e.name);
            case ExprKind::Aggregate: return aggregate(e);
            case ExprKind::Today: return "today";
            case ExprKind::Now: return "now";
            case ExprKind::Call: {
                // `month(x)`: the callee may be a unit word, which the grammar accepts bare.
                std::string out = is_unit_word(lower(e.name)) ? e.name : name_text(e.name);
                return out + "(" + list(e, 0) + ")";
            }
            case ExprKind::Negate: {
                const Expr& operand = *e.args[0];
                // `-5` would read back as the literal -5, not as the negation of 5.
                bool numeric = operand.kind == ExprKind::Literal && (std::holds_alternative<int64_t>(operand.value) ||
                                                                     std::holds_alternative<double>(operand.value));
                std::string inner = expr(operand);
                if ((numeric && inner[0] != '-') || level(operand) < kUnary) return "-(" + inner + ")";
                return inner[0] == '-' ? "- " + inner : "-" + inner;
            }
            case ExprKind::Arithmetic: {
                const int mine = level(e);
                return operand(*e.args[0], mine) + " " + op_text(e.op) + " " + operand(*e.args[1], mine + 1);
            }
            case ExprKind::Compare:
            case ExprKind::TimeOrder:
                return operand(*e.args[0], kAdditive) + " " + op_text(e.op) + " " + operand(*e.args[1], kAdditive);
            case ExprKind::TextMatch:
                return operand(*e.args[0], kAdditive) + (e.negated ? " not " : " ") + op_text(e.op) + " " +
                       operand(*e.args[1], kAdditive);
            case ExprKind::Between:
                return operand(*e.args[0], kAdditive) + (e.negated ? " not between " : " between ") +
                       operand(*e.args[1], kAdditive) + " and " + operand(*e.args[2], kAdditive);
            case ExprKind::In:
                return operand(*e.args[0], kAdditive) + (e.negated ? " not in (" : " in (") + list(e, 1) + ")";
            case ExprKind::ContainsList:
                return operand(*e.args[0], kAdditive) + " contains " + op_text(e.op) + " (" + list(e, 1) + ")";
            case ExprKind::IsNull: return operand(*e.args[0], kAdditive) + (e.negated ? " is not null" : " is null");
            case ExprKind::WithinLast: return operand(*e.args[0], kAdditive) + " within last " + expr(*e.args[1]);
            case ExprKind::Not: {
                // `not (a = b)` keeps its parentheses: `not a = b` is easily misread as `(not a) = b`.
                const Expr& inner = *e.args[0];
                if (level(inner) == kPredicate) return "not (" + expr(inner) + ")";
                return "not " + operand(inner, kNot);
            }
            case ExprKind::And:
            case ExprKind::Or: {
                std::string out;
                for (size_t i = 0; i < e.args.size(); ++i) {
                    if (i > 0) out += e.kind == ExprKind::And ? " and " : " or ";
                    out += chain_operand(e, *e.args[i]);
                }
                return out;
            }
        }
        return "";
    }

    // An operand of an n-ary and/or. A nested chain of the same kind exists only if it was parenthesized. An `and`
    // written in parentheses inside an `or` keeps them: they say which reading was meant (without them, W005).
    std::string chain_operand(const Expr& chain, const Expr& e) const {
        if (chain.kind == ExprKind::Or && e.kind == ExprKind::And && e.parenthesized) return "(" + expr(e) + ")";
        return operand(e, level(chain) + 1);
    }

private:
    // `sum(orders.amount within last 365 days where channel = "web")`: the window before `where`.
    std::string aggregate(const Expr& e) const {
        std::string out = std::string(aggregate_name(e.aggregate)) + "(" + name_text(e.name);
        if (e.has_column) out += "." + name_text(e.column);
        switch (e.window) {
            case Window::None: break;
            case Window::WithinLast: out += " within last " + expr(*e.args[0]); break;
            case Window::Between:
                out += " between " + operand(*e.args[0], kAdditive) + " and " + operand(*e.args[1], kAdditive);
                break;
            case Window::Before:
            case Window::After:
                out += std::string(" ") + window_text(e.window) + " " + operand(*e.args[0], kAdditive);
                break;
        }
        if (e.has_where) out += " where " + expr(*e.args.back());
        return out + ")";
    }

    // `e` where the grammar needs at least `needed`: parenthesized when it binds more loosely.
    std::string operand(const Expr& e, int needed) const {
        std::string text = expr(e);
        return level(e) < needed ? "(" + text + ")" : text;
    }

    std::string list(const Expr& e, size_t first) const {
        std::string out;
        for (size_t i = first; i < e.args.size(); ++i) {
            if (i > first) out += ", ";
            out += expr(*e.args[i]);
        }
        return out;
    }

    // Whether the literal was written with `_` digit separators (comments inside its parentheses do not count).
    bool written_with_underscores(const Expr& e) const {
        if (!source_ || e.span.end > source_->text().size()) return false;
        const std::string& text = source_->text();
        for (size_t i = e.span.begin; i < e.span.end; ++i) {
            if (text[i] == '#' || (text[i] == '/' && i + 1 < e.span.end && text[i + 1] == '/')) {
                while (i < e.span.end && text[i] != '\n') ++i;
            } else if (text[i] == '_') {
                return true;
            }
        }
        return false;
    }

    std::string literal(const Expr& e) const {
        if (const auto* i = std::get_if<int64_t>(&e.value)) {
            std::string digits = std::to_string(*i);
            return written_with_underscores(e) ? grouped(digits) : digits;
        }
        if (const auto* d = std::get_if<Duration>(&e.value)) {
            std::string amount = std::to_string(d->amount);
            if (written_with_underscores(e)) amount = grouped(amount);
            return amount + " " + unit_name(d->unit, d->amount != 1);
        }
        if (const auto* s = std::get_if<std::string>(&e.value)) return string_text(*s);
        return value_text(e.value);
    }

    const Source* source_;
};

// ---- layout of a whole file ----

struct Gap {
    bool blank_before = false;  // a blank line separates this from what precedes it in the source
};

struct OwnLine {
    std::string text;
    bool blank_before = false;
};

// Where the comments of one definition go.
struct Slots {
    std::vector<OwnLine> leading;                    // before `segment`
    std::vector<std::string> header_trailing;        // after `segment NAME "Title":`
    std::vector<std::vector<std::string>> before;    // own-line comments before rule line k
    std::vector<std::vector<std::string>> trailing;  // comments after rule line k
};

class Layout {
public:
    Layout(const File& file, const FormatOptions& options)
        : file_(file),
          options_(options),
          text_(file.source ? file.source->text() : empty_),
          printer_(file.source.get()) {}

    std::string run() {
        const auto& defs = file_.definitions;
        std::vector<Slots> slots(defs.size());
        std::vector<bool> broken(defs.size(), false);
        for (size_t d = 0; d < defs.size(); ++d) broken[d] = should_break(defs[d]);
        for (size_t d = 0; d < defs.size(); ++d) {
            size_t lines = defs[d].rule && broken[d] ? defs[d].rule->args.size() : 1;
            slots[d].before.resize(lines);
            slots[d].trailing.resize(lines);
        }
        std::vector<OwnLine> tail;  // own-line comments after the last definition

        size_t next = 0;  // the first definition that starts after the current comment
        for (const auto& comment : file_.comments) {
            const std::string text = rtrim(comment.text);
            while (next < defs.size() && defs[next].span.begin <= comment.span.begin) ++next;
            const bool trailing = has_code_before(comment.span.begin);
            if (next > 0 && comment.span.begin < defs[next - 1].span.end) {
                place_inside(defs[next - 1], broken[next - 1], slots[next - 1], comment, text, trailing);
            } else if (trailing && next > 0) {
                slots[next - 1].trailing.back().push_back(text);
            } else if (next < defs.size()) {
                slots[next].leading.push_back({text, blank_before(comment.span.begin)});
            } else {
                tail.push_back({text, blank_before(comment.span.begin)});
            }
        }

        std::vector<std::string> out;
        for (size_t d = 0; d < defs.size(); ++d) {
            if (d > 0) out.emplace_back();
            emit_definition(defs[d], broken[d], slots[d], out);
        }
        for (size_t i = 0; i < tail.size(); ++i) {
            if (!out.empty() && tail[i].blank_before) out.emplace_back();
            out.push_back(tail[i].text);
        }
        std::string result;
        for (const auto& line : out) result += line + "\n";
        return result;
    }

    static std::string rtrim(std::string text) {
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\f' ||
                                 text.back() == '\v' || text.back() == '\r')) {
            text.pop_back();
        }
        return text;
    }

private:
    bool has_code_before(uint32_t offset) const {
        for (size_t i = offset; i > 0; --i) {
            char c = text_[i - 1];
            if (c == '\n') return false;
            if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return true;
        }
        return false;
    }

    // Two line breaks with only whitespace between the previous text and `offset`.
    bool blank_before(uint32_t offset) const {
        int newlines = 0;
        for (size_t i = offset; i > 0; --i) {
            char c = text_[i - 1];
            if (c == '\n')
                ++newlines;
            else if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v')
                break;
        }
        return newlines >= 2;
    }

    bool should_break(const Definition& def) const {
        if (!def.rule || (def.rule->kind != ExprKind::And && def.rule->kind != ExprKind::Or)) return false;
        // A comment after the first operand needs the break to stay where it is; one before it or after the last
        // operand goes above or after the rule either way (so formatting twice gives the same layout).
        const auto& args = def.rule->args;
        for (const auto& comment : file_.comments) {
            if (comment.span.begin >= args.front()->span.end && comment.span.begin < args.back()->span.end) return true;
        }
        return columns("  " + printer_.expr(*def.rule)) > options_.width;
    }

    void place_inside(const Definition& def, bool broken, Slots& slots, const Comment& comment, const std::string& text,
                      bool trailing) const {
        if (!def.rule || comment.span.begin < def.rule->span.begin) {
            if (trailing)
                slots.header_trailing.push_back(text);
            else
                slots.before[0].push_back(text);
            return;
        }
        const Expr& rule = *def.rule;
        const size_t parts = broken ? rule.args.size() : 1;
        auto part_span = [&](size_t k) { return broken ? rule.args[k]->span : rule.span; };
        for (size_t k = 0; k < parts; ++k) {
            Span span = part_span(k);
            if (comment.span.begin < span.begin) {
                // Between part k-1 and part k (k > 0: the rule starts before the comment).
                if (trailing && k > 0)
                    slots.trailing[k - 1].push_back(text);
                else
                    slots.before[k].push_back(text);
                return;
            }
            if (comment.span.begin < span.end) {
                slots.before[k].push_back(text);  // inside one operand: on its own line before it
                return;
            }
        }
        slots.trailing[parts - 1].push_back(text);
    }

    // A line holds one trailing comment (a second would become part of the first); the others go above the line.
    static void settle(std::vector<std::string>& trailing, std::vector<std::string>& above) {
        while (trailing.size() > 1) {
            above.push_back(trailing.front());
            trailing.erase(trailing.begin());
        }
    }

    void emit_definition(const Definition& def, bool broken, Slots& slots, std::vector<std::string>& out) const {
        bool def_blank = blank_before(def.span.begin);
        if (slots.header_trailing.size() > 1) {
            std::vector<std::string> above;
            settle(slots.header_trailing, above);
            for (size_t i = 0; i < above.size(); ++i) slots.leading.push_back({above[i], i == 0 && def_blank});
            def_blank = false;
        }
        for (size_t i = 0; i < slots.leading.size(); ++i) {
            // The first comment follows the blank line between definitions (or starts the file).
            if (i > 0 && slots.leading[i].blank_before) out.emplace_back();
            out.push_back(slots.leading[i].text);
        }
        if (!slots.leading.empty() && def_blank) out.emplace_back();

        std::string header = "segment " + name_text(def.name);
        if (def.title) header += " " + string_text(*def.title);
        header += ":";
        if (!slots.header_trailing.empty()) header += "  " + slots.header_trailing.front();
        out.push_back(header);
        if (!def.rule) return;

        const Expr& rule = *def.rule;
        const size_t parts = slots.before.size();
        for (size_t k = 0; k < parts; ++k) settle(slots.trailing[k], slots.before[k]);
        for (size_t k = 0; k < parts; ++k) {
            for (const auto& comment : slots.before[k]) out.push_back("  " + comment);
            std::string line;
            if (!broken) {
                line = "  " + printer_.expr(rule);
            } else {
                line = k == 0 ? "  " : rule.kind == ExprKind::And ? "  and " : "  or ";
                line += printer_.chain_operand(rule, *rule.args[k]);
            }
            if (!slots.trailing[k].empty()) line += "  " + slots.trailing[k].front();
            out.push_back(line);
        }
    }

    static inline const std::string empty_;
    const File& file_;
    const FormatOptions& options_;
    const std::string& text_;
    Printer printer_;
};

}  // namespace

std::string format_expr(const Expr& expr) { return Printer(nullptr).expr(expr); }

std::string format_file(const File& file, const FormatOptions& options) { return Layout(file, options).run(); }

std::string shape(const File& file) {
    std::string out;
    const std::string text = dump(file);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.rfind("(comment ", 0) == 0) continue;
        // The span is the last ` [B,E)` of a line (a string literal before it may hold anything).
        if (size_t at = line.rfind(" ["); at != std::string::npos && line.find(')', at) != std::string::npos) {
            line.erase(at, line.find(')', at) + 1 - at);
        }
        out += line + "\n";
    }
    return out;
}

std::vector<std::string> comment_texts(const File& file) {
    std::vector<std::string> out;
    for (const auto& comment : file.comments) out.push_back(Layout::rtrim(comment.text));
    return out;
}

}  // namespace segmint::ast
