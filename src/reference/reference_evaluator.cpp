#include "reference/reference_evaluator.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace segmint::reference {

using ir::Kind;
using ir::Node;
using ir::Op;
using ir::Value;

struct ReferenceEvaluator::Regexes {
    std::map<std::string, std::unique_ptr<RE2>> compiled;
    const RE2& get(const std::string& pattern) {
        auto& slot = compiled[pattern];
        if (!slot) {
            RE2::Options options;
            options.set_log_errors(false);
            slot = std::make_unique<RE2>(pattern, options);
        }
        return *slot;
    }
};

ReferenceEvaluator::ReferenceEvaluator(const data::Table& table, scalar::AsOf as_of)
    : table_(table), as_of_(as_of), regexes_(std::make_unique<Regexes>()) {}

ReferenceEvaluator::~ReferenceEvaluator() = default;

std::vector<data::Bitmap> ReferenceEvaluator::evaluate(const std::vector<ir::Rule>& rules, size_t segment_count) {
    std::vector<data::Bitmap> memberships(segment_count);
    for (auto& bitmap : memberships) bitmap.resize(table_.rows());
    for (const auto& rule : rules) {
        data::Bitmap& bits = memberships[rule.segment];
        for (uint64_t row = 0; row < table_.rows(); ++row) {
            Value v = value(*rule.root, row, memberships);
            if (std::holds_alternative<bool>(v) && std::get<bool>(v)) bits.set(row);
        }
    }
    return memberships;
}

namespace {

// Three-valued logic index: 0 FALSE, 1 TRUE, 2 NULL.
uint8_t truth(const Value& v) {
    if (ir::is_null(v)) return 2;
    return std::get<bool>(v) ? 1 : 0;
}
Value from_truth(uint8_t t) { return t == 2 ? Value{ir::Null{}} : Value{t == 1}; }

// Runs `compute(&out)` and returns out, or NULL when it fails. (A call like f(g(&x), x) would read x before g ran:
// argument evaluation order is unspecified.)
template <typename T, typename F>
Value checked(F compute) {
    T out{};
    bool ok = compute(&out);
    return ok ? Value{out} : Value{ir::Null{}};
}

// Orders two non-NULL values of one type: <0, 0, >0.
int order(const Value& a, const Value& b) {
    auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (auto* x = std::get_if<int64_t>(&a)) return cmp(*x, std::get<int64_t>(b));
    if (auto* x = std::get_if<double>(&a)) return cmp(*x, std::get<double>(b));
    if (auto* x = std::get_if<std::string>(&a)) return cmp(*x, std::get<std::string>(b));
    if (auto* x = std::get_if<bool>(&a)) return cmp(*x, std::get<bool>(b));
    if (auto* x = std::get_if<ir::DateValue>(&a)) return cmp(x->days, std::get<ir::DateValue>(b).days);
    if (auto* x = std::get_if<ir::TimestampValue>(&a)) return cmp(x->micros, std::get<ir::TimestampValue>(b).micros);
    throw std::logic_error("reference: values do not order");
}

bool compare_holds(Op op, int c) {
    switch (op) {
        case Op::Eq: return c == 0;
        case Op::Ne: return c != 0;
        case Op::Lt: return c < 0;
        case Op::Le: return c <= 0;
        case Op::Gt: return c > 0;
        case Op::Ge: return c >= 0;
        default: throw std::logic_error("reference: not a comparison");
    }
}

}  // namespace

ir::Value column_value(const data::Column& column, uint64_t row) {
    if (column.is_null(row)) return ir::Null{};
    switch (column.type) {
        case schema::ColumnType::Int: return column.int_at(row);
        case schema::ColumnType::Number: return column.f64[row];
        case schema::ColumnType::Bool: return column.bools.get(row);
        case schema::ColumnType::Date: return ir::DateValue{column.i32[row]};
        case schema::ColumnType::Timestamp: return ir::TimestampValue{column.i64[row]};
        case schema::ColumnType::String:
        case schema::ColumnType::Enum: return std::string(column.string_at(row));
        case schema::ColumnType::StringList: {
            ir::StringList items;
            const auto [begin, end] = column.list_range(row);
            for (uint64_t i = begin; i < end; ++i) {
                items.emplace_back(column.dictionary.value(column.list_codes[i]));
            }
            return items;
        }
    }
    return ir::Null{};
}

Value ReferenceEvaluator::value(const Node& node, uint64_t row, const std::vector<data::Bitmap>& memberships) {
    auto arg = [&](size_t i) { return value(*node.args[i], row, memberships); };
    switch (node.kind) {
        case Kind::Constant: return node.constant;
        case Kind::Column: return column_value(table_.column(node.column), row);
        case Kind::Segment: return memberships[node.segment].get(row);
        case Kind::Today: return ir::DateValue{as_of_.today};
        case Kind::Now: return ir::TimestampValue{as_of_.now};
        case Kind::Cast: {
            Value v = arg(0);
            if (ir::is_null(v)) return v;
            if (node.op == Op::IntToNumber) {
                return checked<double>([&](double* o) { return scalar::to_number(std::get<int64_t>(v), o); });
            }
            if (node.op == Op::DateToTimestamp) {
                return ir::TimestampValue{scalar::date_to_timestamp(std::get<ir::DateValue>(v).days)};
            }
            return ir::DateValue{scalar::timestamp_to_date(std::get<ir::TimestampValue>(v).micros)};
        }
        case Kind::Negate: {
            Value v = arg(0);
            if (ir::is_null(v)) return v;
            if (auto* i = std::get_if<int64_t>(&v)) {
                return checked<int64_t>([&](int64_t* o) { return scalar::negate(*i, o); });
            }
            return checked<double>([&](double* o) { return scalar::negate(std::get<double>(v), o); });
        }
        case Kind::Arithmetic: {
            Value a = arg(0), b = arg(1);
            if (ir::is_null(a) || ir::is_null(b)) return ir::Null{};
            if (node.type == ir::Type::Int) {
                int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b), out = 0;
                bool ok = false;
                switch (node.op) {
                    case Op::Add: ok = scalar::add(x, y, &out); break;
                    case Op::Sub: ok = scalar::sub(x, y, &out); break;
                    case Op::Mul: ok = scalar::mul(x, y, &out); break;
                    case Op::Mod: ok = scalar::mod(x, y, &out); break;
                    default: throw std::logic_error("reference: int division");
                }
                return ok ? Value{out} : Value{ir::Null{}};
            }
            double x = std::get<double>(a), y = std::get<double>(b), out = 0;
            bool ok = false;
            switch (node.op) {
                case Op::Add: ok = scalar::add(x, y, &out); break;
                case Op::Sub: ok = scalar::sub(x, y, &out); break;
                case Op::Mul: ok = scalar::mul(x, y, &out); break;
                case Op::Div: ok = scalar::div(x, y, &out); break;
                case Op::Mod: ok = scalar::mod(x, y, &out); break;
                default: break;
            }
            return ok ? Value{out} : Value{ir::Null{}};
        }
        case Kind::DateShift: {
            Value v = arg(0);
            if (ir::is_null(v)) return v;
            if (node.type == ir::Type::Date) {
                int32_t out;
                bool ok = node.op == Op::Days
                              ? scalar::shift_days(std::get<ir::DateValue>(v).days, node.amount, &out)
                              : scalar::shift_months(std::get<ir::DateValue>(v).days, node.amount, &out);
                return ok ? Value{ir::DateValue{out}} : Value{ir::Null{}};
            }
            int64_t out;
            int64_t t = std::get<ir::TimestampValue>(v).micros;
            bool ok = node.op == Op::Micros ? scalar::shift_micros(t, node.amount, &out)
                                            : scalar::shift_months(t, node.amount, &out);
            return ok ? Value{ir::TimestampValue{out}} : Value{ir::Null{}};
        }
        case Kind::Compare: {
            Value a = arg(0), b = arg(1);
            if (ir::is_null(a) || ir::is_null(b)) return ir::Null{};
            return compare_holds(node.op, order(a, b));
        }
        case Kind::InSet: {
            Value v = arg(0);
            if (ir::is_null(v)) return v;
            for (const auto& item : node.set) {
                if (order(v, item) == 0) return true;
            }
            return node.set_has_null ? Value{ir::Null{}} : Value{false};
        }
        case Kind::IsNull: return ir::is_null(arg(0));
        case Kind::IsNotNull: return !ir::is_null(arg(0));
        case Kind::Text: {
            Value a = arg(0), b = arg(1);
            if (ir::is_null(a) || ir::is_null(b)) return ir::Null{};
            const std::string& text = std::get<std::string>(a);
            const std::string& pattern = std::get<std::string>(b);
            switch (node.op) {
                case Op::Contains: return scalar::contains(text, pattern);
                case Op::StartsWith: return scalar::starts_with(text, pattern);
                case Op::EndsWith: return scalar::ends_with(text, pattern);
                default: return RE2::PartialMatch(text, regexes_->get(pattern));
            }
        }
        case Kind::ListContains: {
            Value list = arg(0), item = arg(1);
            if (ir::is_null(list) || ir::is_null(item)) return ir::Null{};
            const auto& items = std::get<ir::StringList>(list);
            return std::find(items.begin(), items.end(), std::get<std::string>(item)) != items.end();
        }
        case Kind::Call: return call(node, row, memberships);
        case Kind::Placeholder: return placeholder_;
        case Kind::Aggregate: return aggregate(*node.aggregate, row);
        // The oracle runs the rules before sharing; a shared condition reaching it is a bug.
        case Kind::Shared: throw std::logic_error("reference evaluator: a shared condition");
        case Kind::DictLookup: {
            // The same meaning as the condition on the column itself: bind the row's value and evaluate.
            Value saved = placeholder_;
            placeholder_ = arg(0);
            Value result = arg(1);
            placeholder_ = saved;
            return result;
        }
        case Kind::Not: return from_truth(scalar::kNotLogic[truth(arg(0))]);
        case Kind::And:
        case Kind::Or: {
            const auto& table = node.kind == Kind::And ? scalar::kAndLogic : scalar::kOrLogic;
            uint8_t t = truth(arg(0));
            for (size_t i = 1; i < node.args.size(); ++i) t = table[t][truth(arg(i))];
            return from_truth(t);
        }
    }
    throw std::logic_error("reference: unknown node kind");
}

Value ReferenceEvaluator::call(const Node& node, uint64_t row, const std::vector<data::Bitmap>& memberships) {
    std::vector<Value> args;
    for (const auto& a : node.args) args.push_back(value(*a, row, memberships));
    if (node.function == ir::Function::Coalesce) {
        for (auto& a : args) {
            if (!ir::is_null(a)) return a;
        }
        return ir::Null{};
    }
    for (const auto& a : args) {
        if (ir::is_null(a)) return ir::Null{};
    }
    auto date_of = [&](const Value& v) { return std::get<ir::DateValue>(v).days; };
    switch (node.function) {
        case ir::Function::Lower:
        case ir::Function::Upper: {
            std::string out;
            if (node.function == ir::Function::Lower)
                scalar::lower(std::get<std::string>(args[0]), out);
            else
                scalar::upper(std::get<std::string>(args[0]), out);
            return out;
        }
        case ir::Function::Length:
            if (auto* list = std::get_if<ir::StringList>(&args[0])) return static_cast<int64_t>(list->size());
            return scalar::length(std::get<std::string>(args[0]));
        case ir::Function::Abs:
            if (auto* i = std::get_if<int64_t>(&args[0])) {
                return checked<int64_t>([&](int64_t* o) { return scalar::abs(*i, o); });
            }
            return checked<double>([&](double* o) { return scalar::abs(std::get<double>(args[0]), o); });
        case ir::Function::Round: {
            int64_t digits = args.size() == 2 ? std::get<int64_t>(args[1]) : 0;
            return checked<double>([&](double* o) { return scalar::round(std::get<double>(args[0]), digits, o); });
        }
        case ir::Function::Year: return scalar::year(date_of(args[0]));
        case ir::Function::Month: return scalar::month(date_of(args[0]));
        case ir::Function::DayOfWeek: return scalar::day_of_week(date_of(args[0]));
        case ir::Function::DaysSince: return scalar::days_since(date_of(args[0]), as_of_);
        case ir::Function::Coalesce: break;
    }
    throw std::logic_error("reference: unknown function");
}

}  // namespace segmint::reference
