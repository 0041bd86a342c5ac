#include "ast/ast.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "common/calendar.h"
#include "common/text_format.h"

namespace segmint::ast {

const char* unit_name(DurationUnit unit, bool plural) {
    switch (unit) {
        case DurationUnit::Second: return plural ? "seconds" : "second";
        case DurationUnit::Minute: return plural ? "minutes" : "minute";
        case DurationUnit::Hour: return plural ? "hours" : "hour";
        case DurationUnit::Day: return plural ? "days" : "day";
        case DurationUnit::Week: return plural ? "weeks" : "week";
        case DurationUnit::Month: return plural ? "months" : "month";
        case DurationUnit::Year: return plural ? "years" : "year";
    }
    return "days";
}

const char* op_text(Op op) {
    switch (op) {
        case Op::None: return "";
        case Op::Add: return "+";
        case Op::Sub: return "-";
        case Op::Mul: return "*";
        case Op::Div: return "/";
        case Op::Mod: return "%";
        case Op::Eq: return "=";
        case Op::Ne: return "!=";
        case Op::Lt: return "<";
        case Op::Le: return "<=";
        case Op::Gt: return ">";
        case Op::Ge: return ">=";
        case Op::Contains: return "contains";
        case Op::StartsWith: return "starts with";
        case Op::EndsWith: return "ends with";
        case Op::Matches: return "matches";
        case Op::Any: return "any";
        case Op::All: return "all";
        case Op::Before: return "before";
        case Op::After: return "after";
    }
    return "";
}

const char* aggregate_name(Aggregate aggregate) {
    switch (aggregate) {
        case Aggregate::Count: return "count";
        case Aggregate::CountDistinct: return "count_distinct";
        case Aggregate::Sum: return "sum";
        case Aggregate::Avg: return "avg";
        case Aggregate::Min: return "min";
        case Aggregate::Max: return "max";
        case Aggregate::First: return "first";
        case Aggregate::Last: return "last";
        case Aggregate::Exists: return "exists";
    }
    return "count";
}

std::optional<Aggregate> find_aggregate(const std::string& name) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (Aggregate a : {Aggregate::Count, Aggregate::CountDistinct, Aggregate::Sum, Aggregate::Avg, Aggregate::Min,
                        Aggregate::Max, Aggregate::First, Aggregate::Last, Aggregate::Exists}) {
        if (lower == aggregate_name(a)) return a;
    }
    return std::nullopt;
}

const char* window_text(Window window) {
    switch (window) {
        case Window::None: return "";
        case Window::WithinLast: return "within last";
        case Window::Between: return "between";
        case Window::Before: return "before";
        case Window::After: return "after";
    }
    return "";
}

namespace {

std::string number_text(double value) {
    // Shortest text that reads back to the same double; always recognisable as a decimal.
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
}

const char* kind_name(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Literal: return "literal";
        case ExprKind::Name: return "name";
        case ExprKind::Today: return "today";
        case ExprKind::Now: return "now";
        case ExprKind::Call: return "call";
        case ExprKind::Negate: return "negate";
        case ExprKind::Arithmetic: return "arithmetic";
        case ExprKind::Compare: return "compare";
        case ExprKind::Between: return e.negated ? "not-between" : "between";
        case ExprKind::In: return e.negated ? "not-in" : "in";
        case ExprKind::IsNull: return e.negated ? "is-not-null" : "is-null";
        case ExprKind::TextMatch: return e.negated ? "not-text" : "text";
        case ExprKind::ContainsList: return "contains-list";
        case ExprKind::WithinLast: return "within-last";
        case ExprKind::TimeOrder: return "time-order";
        case ExprKind::Not: return "not";
        case ExprKind::And: return "and";
        case ExprKind::Or: return "or";
        case ExprKind::Aggregate: return "aggregate";
    }
    return "?";
}

void dump_expr(const Expr& e, int indent, std::string& out) {
    out.append(static_cast<size_t>(indent) * 2, ' ');
    out += "(";
    out += kind_name(e);
    if (e.op != Op::None) {
        out += " ";
        out += op_text(e.op);
    }
    if (e.kind == ExprKind::Literal) out += " " + value_text(e.value);
    if (e.kind == ExprKind::Name || e.kind == ExprKind::Call) out += " " + e.name;
    if (e.kind == ExprKind::Aggregate) out += std::string(" ") + aggregate_name(e.aggregate) + " " + e.name;
    if (e.has_column) out += "." + e.column;
    if (e.kind == ExprKind::Aggregate && e.window != Window::None) {
        std::string window = window_text(e.window);
        std::replace(window.begin(), window.end(), ' ', '-');
        out += " " + window;
    }
    if (e.has_where) out += " where";
    out += " [" + std::to_string(e.span.begin) + "," + std::to_string(e.span.end) + ")";
    if (e.args.empty()) {
        out += ")\n";
        return;
    }
    out += "\n";
    for (const auto& arg : e.args) dump_expr(*arg, indent + 1, out);
    out.append(static_cast<size_t>(indent) * 2, ' ');
    out += ")\n";
}

}  // namespace

std::string value_text(const Value& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "null"; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const { return number_text(d); }
        std::string operator()(const std::string& s) const { return quote_literal(s); }
        std::string operator()(Date d) const { return calendar::format_date(d.days); }
        std::string operator()(Timestamp t) const { return calendar::format_timestamp(t.micros); }
        std::string operator()(Duration d) const {
            return std::to_string(d.amount) + " " + unit_name(d.unit, d.amount != 1);
        }
    };
    return std::visit(Visitor{}, value);
}

std::string dump(const Expr& expr) {
    std::string out;
    dump_expr(expr, 0, out);
    return out;
}

std::string dump(const File& file) {
    std::string out;
    for (const auto& def : file.definitions) {
        out += "(segment " + def.name;
        if (def.title) out += " " + quote_literal(*def.title);
        out += " [" + std::to_string(def.span.begin) + "," + std::to_string(def.span.end) + ")\n";
        if (def.rule) {
            std::string body;
            dump_expr(*def.rule, 1, body);
            out += body;
        } else {
            out += "  <error>\n";
        }
        out += ")\n";
    }
    for (const auto& comment : file.comments) {
        out += "(comment " + quote_literal(comment.text) + " [" + std::to_string(comment.span.begin) + "," +
               std::to_string(comment.span.end) + "))\n";
    }
    return out;
}

}  // namespace segmint::ast
