#include "ir/ir.h"

#include <charconv>

#include "common/calendar.h"
#include "common/text_format.h"

namespace segmint::ir {

const char* type_name(Type type) {
    switch (type) {
        case Type::Bool: return "bool";
        case Type::Int: return "int";
        case Type::Number: return "number";
        case Type::String: return "string";
        case Type::Date: return "date";
        case Type::Timestamp: return "timestamp";
        case Type::StringList: return "list<string>";
    }
    return "?";
}

const char* op_name(Op op) {
    switch (op) {
        case Op::None: return "";
        case Op::IntToNumber: return "int->number";
        case Op::DateToTimestamp: return "date->timestamp";
        case Op::TimestampToDate: return "timestamp->date";
        case Op::Add: return "+";
        case Op::Sub: return "-";
        case Op::Mul: return "*";
        case Op::Div: return "/";
        case Op::Mod: return "%";
        case Op::Days: return "days";
        case Op::Months: return "months";
        case Op::Micros: return "micros";
        case Op::Eq: return "=";
        case Op::Ne: return "!=";
        case Op::Lt: return "<";
        case Op::Le: return "<=";
        case Op::Gt: return ">";
        case Op::Ge: return ">=";
        case Op::Contains: return "contains";
        case Op::StartsWith: return "starts-with";
        case Op::EndsWith: return "ends-with";
        case Op::Matches: return "matches";
    }
    return "?";
}

const char* aggregate_name(AggregateFunction function) {
    switch (function) {
        case AggregateFunction::Count: return "count";
        case AggregateFunction::CountDistinct: return "count_distinct";
        case AggregateFunction::Sum: return "sum";
        case AggregateFunction::Avg: return "avg";
        case AggregateFunction::Min: return "min";
        case AggregateFunction::Max: return "max";
        case AggregateFunction::First: return "first";
        case AggregateFunction::Last: return "last";
        case AggregateFunction::Exists: return "exists";
    }
    return "?";
}

const char* function_name(Function function) {
    switch (function) {
        case Function::Lower: return "lower";
        case Function::Upper: return "upper";
        case Function::Length: return "length";
        case Function::Abs: return "abs";
        case Function::Round: return "round";
        case Function::Coalesce: return "coalesce";
        case Function::Year: return "year";
        case Function::Month: return "month";
        case Function::DayOfWeek: return "day_of_week";
        case Function::DaysSince: return "days_since";
    }
    return "?";
}

std::string value_text(const Value& value) {
    struct Visitor {
        std::string operator()(Null) const { return "null"; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const {
            char buffer[64];
            auto end = std::to_chars(buffer, buffer + sizeof buffer, d).ptr;
            std::string text(buffer, end);
            if (text.find_first_of(".en") == std::string::npos) text += ".0";
            return text;
        }
        std::string operator()(const std::string& s) const { return quote_literal(s); }
        std::string operator()(DateValue d) const { return calendar::format_date(d.days); }
        std::string operator()(TimestampValue t) const { return calendar::format_timestamp(t.micros); }
        std::string operator()(const StringList& list) const {
            std::string out = "[";
            for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + quote_literal(list[i]);
            return out + "]";
        }
    };
    return std::visit(Visitor{}, value);
}

NodePtr Node::clone() const {
    auto copy = std::make_unique<Node>();
    copy->kind = kind;
    copy->type = type;
    copy->op = op;
    copy->function = function;
    copy->column = column;
    copy->segment = segment;
    copy->shared = shared;
    copy->amount = amount;
    copy->constant = constant;
    copy->set = set;
    copy->set_has_null = set_has_null;
    copy->aggregate = aggregate;
    copy->span = span;
    copy->args.reserve(args.size());
    for (const auto& arg : args) copy->args.push_back(arg->clone());
    return copy;
}

namespace {

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::Constant: return "const";
        case Kind::Column: return "column";
        case Kind::Segment: return "segment";
        case Kind::Today: return "today";
        case Kind::Now: return "now";
        case Kind::Cast: return "cast";
        case Kind::Negate: return "negate";
        case Kind::Arithmetic: return "arith";
        case Kind::DateShift: return "shift";
        case Kind::Compare: return "compare";
        case Kind::InSet: return "in-set";
        case Kind::IsNull: return "is-null";
        case Kind::IsNotNull: return "is-not-null";
        case Kind::Text: return "text";
        case Kind::ListContains: return "list-contains";
        case Kind::Call: return "call";
        case Kind::Not: return "not";
        case Kind::And: return "and";
        case Kind::Or: return "or";
        case Kind::DictLookup: return "dict-lookup";
        case Kind::Placeholder: return "placeholder";
        case Kind::Shared: return "shared";
        case Kind::Aggregate: return "aggregate";
    }
    return "?";
}

void dump_into(const Node& node, int depth, std::string& out) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += "(";
    out += kind_name(node.kind);
    if (node.op != Op::None) out += std::string(" ") + op_name(node.op);
    if (node.kind == Kind::Call) out += std::string(" ") + function_name(node.function);
    if (node.kind == Kind::Column) out += " #" + std::to_string(node.column);
    if (node.kind == Kind::Segment) out += " @" + std::to_string(node.segment);
    if (node.kind == Kind::Shared) out += " $" + std::to_string(node.shared);
    if (node.kind == Kind::Aggregate && node.aggregate) out += " " + node.aggregate->key;
    if (node.kind == Kind::DateShift) out += " " + std::to_string(node.amount);
    if (node.kind == Kind::Constant) out += " " + value_text(node.constant);
    if (node.kind == Kind::InSet) {
        out += " {";
        for (size_t i = 0; i < node.set.size(); ++i) out += (i ? ", " : "") + value_text(node.set[i]);
        if (node.set_has_null) out += node.set.empty() ? "null" : ", null";
        out += "}";
    }
    out += std::string(" : ") + type_name(node.type);
    if (node.args.empty()) {
        out += ")\n";
        return;
    }
    out += "\n";
    for (const auto& arg : node.args) dump_into(*arg, depth + 1, out);
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += ")\n";
}

bool value_has_type(const Value& value, Type type) {
    switch (type) {
        case Type::Bool: return std::holds_alternative<bool>(value);
        case Type::Int: return std::holds_alternative<int64_t>(value);
        case Type::Number: return std::holds_alternative<double>(value);
        case Type::String: return std::holds_alternative<std::string>(value);
        case Type::Date: return std::holds_alternative<DateValue>(value);
        case Type::Timestamp: return std::holds_alternative<TimestampValue>(value);
        case Type::StringList: return std::holds_alternative<StringList>(value);
    }
    return false;
}

}  // namespace

std::string dump(const Node& node) {
    std::string out;
    dump_into(node, 0, out);
    return out;
}

std::string verify(const Node& node) {
    auto fail = [&](const std::string& why) { return std::string(kind_name(node.kind)) + ": " + why; };
    auto arity = [&](size_t n) { return node.args.size() == n; };
    auto arg_type = [&](size_t i) { return node.args[i]->type; };
    for (const auto& arg : node.args) {
        if (!arg) return fail("missing operand");
        std::string inner = verify(*arg);
        if (!inner.empty()) return inner;
    }
    auto numeric = [](Type t) { return t == Type::Int || t == Type::Number; };
    switch (node.kind) {
        case Kind::Constant:
            if (!is_null(node.constant) && !value_has_type(node.constant, node.type))
                return fail("value of wrong type");
            return arity(0) ? "" : fail("has operands");
        case Kind::Column:
        case Kind::Today:
        case Kind::Now: return arity(0) ? "" : fail("has operands");
        case Kind::Segment: return arity(0) && node.type == Type::Bool ? "" : fail("must be a bool leaf");
        case Kind::Cast:
            if (!arity(1)) return fail("needs one operand");
            if (node.op == Op::IntToNumber && arg_type(0) == Type::Int && node.type == Type::Number) return "";
            if (node.op == Op::DateToTimestamp && arg_type(0) == Type::Date && node.type == Type::Timestamp) return "";
            if (node.op == Op::TimestampToDate && arg_type(0) == Type::Timestamp && node.type == Type::Date) return "";
            return fail("bad conversion");
        case Kind::Negate: return arity(1) && numeric(node.type) && arg_type(0) == node.type ? "" : fail("bad operand");
        case Kind::Arithmetic:
            if (!arity(2) || arg_type(0) != node.type || arg_type(1) != node.type || !numeric(node.type)) {
                return fail("operands must both have the result's numeric type");
            }
            if (node.op == Op::Div && node.type != Type::Number) return fail("division yields a number");
            return "";
        case Kind::DateShift:
            if (!arity(1) || arg_type(0) != node.type) return fail("operand must have the result's type");
            if (node.type == Type::Date && (node.op == Op::Days || node.op == Op::Months)) return "";
            if (node.type == Type::Timestamp && (node.op == Op::Micros || node.op == Op::Months)) return "";
            return fail("bad shift unit for " + std::string(type_name(node.type)));
        case Kind::Compare:
            if (!arity(2) || arg_type(0) != arg_type(1) || node.type != Type::Bool) return fail("operands must match");
            if (arg_type(0) == Type::StringList) return fail("lists do not compare");
            return "";
        case Kind::InSet:
            if (!arity(1) || node.type != Type::Bool) return fail("needs one operand");
            for (const auto& item : node.set) {
                if (!value_has_type(item, arg_type(0))) return fail("set item of wrong type");
            }
            return "";
        case Kind::IsNull:
        case Kind::IsNotNull: return arity(1) && node.type == Type::Bool ? "" : fail("needs one operand");
        case Kind::Text:
            return arity(2) && arg_type(0) == Type::String && arg_type(1) == Type::String ? ""
                                                                                          : fail("needs two strings");
        case Kind::ListContains:
            return arity(2) && arg_type(0) == Type::StringList && arg_type(1) == Type::String
                       ? ""
                       : fail("needs a list and a string");
        case Kind::Call: return node.args.empty() ? fail("needs operands") : "";
        case Kind::Not: return arity(1) && arg_type(0) == Type::Bool ? "" : fail("needs one bool");
        case Kind::DictLookup:
            if (!arity(2) || arg_type(0) != Type::String || arg_type(1) != Type::Bool || node.type != Type::Bool ||
                node.args[0]->kind != Kind::Column) {
                return fail("needs a string column and a bool condition");
            }
            return "";
        case Kind::Placeholder: return arity(0) && node.type == Type::String ? "" : fail("must be a string leaf");
        case Kind::Shared: return arity(0) && node.type == Type::Bool ? "" : fail("must be a bool leaf");
        case Kind::Aggregate: {
            if (!arity(0) || !node.aggregate) return fail("must be a leaf with its aggregate");
            if (node.aggregate->filter) {
                if (node.aggregate->filter->type != Type::Bool) return fail("filter must be a condition");
                std::string inner = verify(*node.aggregate->filter);
                if (!inner.empty()) return "aggregate filter: " + inner;
            }
            return "";
        }
        case Kind::And:
        case Kind::Or:
            if (node.args.size() < 2) return fail("needs two or more operands");
            for (size_t i = 0; i < node.args.size(); ++i) {
                if (arg_type(i) != Type::Bool) return fail("operands must be bool");
            }
            return "";
    }
    return fail("unknown kind");
}

}  // namespace segmint::ir
