#include "prove/encode.h"

#include <limits>

namespace segmint::prove {

using ir::Kind;
using ir::Node;
using ir::Op;
using ir::Type;

namespace {

// Types whose values the encoding models: int and date as mathematical integers with explicit range checks, strings
// and enums as codes, bool as Bool. number, timestamp and list<string> are not modelled (only their NULL flag is).
bool modelled(Type type) {
    return type == Type::Int || type == Type::Date || type == Type::String || type == Type::Bool;
}

std::string construct(const Node& node) {
    switch (node.kind) {
        case Kind::Call: return std::string("function ") + ir::function_name(node.function);
        case Kind::Text: return std::string("text operator ") + ir::op_name(node.op);
        case Kind::ListContains: return "list contains";
        case Kind::Now: return "now";
        default: break;
    }
    // Casts (an int compared with a number becomes a number) and every other expression: by the type of its value.
    return std::string(ir::type_name(node.type)) + " values";
}

}  // namespace

Encoder::Encoder(z3::context& context, const schema::Schema& schema, const std::vector<ir::Rule>& rules,
                 scalar::AsOf as_of)
    : ctx_(context), schema_(schema), as_of_(as_of) {
    for (const auto& rule : rules) rules_[rule.segment] = &rule;
}

int64_t Encoder::string_code(const std::string& text) {
    auto [it, added] = string_codes_.emplace(text, static_cast<int64_t>(strings_.size()));
    if (added) strings_.push_back(text);
    return it->second;
}

z3::expr Encoder::in_range(const z3::expr& value, Type type) const {
    if (type == Type::Date) return value >= ctx_.int_val(scalar::kMinDate) && value <= ctx_.int_val(scalar::kMaxDate);
    return value >= ctx_.int_val(std::numeric_limits<int64_t>::min()) &&
           value <= ctx_.int_val(std::numeric_limits<int64_t>::max());
}

const ColumnVars& Encoder::column_vars(uint32_t index) {
    auto found = columns_.find(index);
    if (found != columns_.end()) return found->second;
    const schema::Column& column = schema_.columns.at(index);
    const std::string name = "c" + std::to_string(index) + "_" + column.name;
    ColumnVars vars{std::nullopt, ctx_.bool_const((name + "_null").c_str())};
    if (column.not_null) facts_.push_back(!vars.null);  // the schema's fact, checked on every loaded table
    switch (column.type) {
        case schema::ColumnType::Int:
            vars.value = ctx_.int_const(name.c_str());
            facts_.push_back(in_range(*vars.value, Type::Int));
            break;
        case schema::ColumnType::Date:
            vars.value = ctx_.int_const(name.c_str());
            facts_.push_back(in_range(*vars.value, Type::Date));
            break;
        case schema::ColumnType::Bool: vars.value = ctx_.bool_const(name.c_str()); break;
        case schema::ColumnType::String:
            vars.value = ctx_.int_const(name.c_str());
            facts_.push_back(*vars.value >= 0);
            break;
        case schema::ColumnType::Enum: {
            // An enum column holds one of its values (the loaders refuse any other).
            vars.value = ctx_.int_const(name.c_str());
            z3::expr_vector options(ctx_);
            for (const auto& value : column.enum_values)
                options.push_back(*vars.value == ctx_.int_val(string_code(value)));
            facts_.push_back(options.empty() ? ctx_.bool_val(false) : z3::mk_or(options));
            break;
        }
        default: break;  // number, timestamp, list<string>: the NULL flag alone
    }
    // The schema's `min` / `max` (checked on loaded data), where the value is modelled as an integer; other types'
    // bounds are not asserted, which can only make an answer unknown (witnesses are checked against them).
    if (column.type == schema::ColumnType::Int || column.type == schema::ColumnType::Date) {
        if (column.min_whole) facts_.push_back(vars.null || *vars.value >= ctx_.int_val(*column.min_whole));
        if (column.max_whole) facts_.push_back(vars.null || *vars.value <= ctx_.int_val(*column.max_whole));
    }
    return columns_.emplace(index, vars).first->second;
}

z3::expr Encoder::ordinary(uint32_t index) const {
    const ColumnVars& vars = columns_.at(index);
    if (!vars.value || vars.value->is_bool()) return ctx_.bool_val(true);
    const z3::expr& v = *vars.value;
    switch (schema_.columns.at(index).type) {
        case schema::ColumnType::Int: return v >= -1000 && v <= 1000;
        case schema::ColumnType::Date:
            return v >= ctx_.int_val(as_of_.today - 3650) && v <= ctx_.int_val(as_of_.today + 366);
        default: return v < ctx_.int_val(static_cast<int64_t>(strings_.size()) + 16);
    }
}

Term Encoder::constant(const ir::Value& value, Type type) {
    if (ir::is_null(value)) {
        // A typed NULL: any value of the right sort, flagged NULL.
        if (type == Type::Bool) return {ctx_.bool_val(false), ctx_.bool_val(true)};
        if (modelled(type)) return {ctx_.int_val(0), ctx_.bool_val(true)};
        return {std::nullopt, ctx_.bool_val(true)};
    }
    const z3::expr not_null = ctx_.bool_val(false);
    if (auto* b = std::get_if<bool>(&value)) return {ctx_.bool_val(*b), not_null};
    if (auto* i = std::get_if<int64_t>(&value)) return {ctx_.int_val(*i), not_null};
    if (auto* d = std::get_if<ir::DateValue>(&value)) return {ctx_.int_val(d->days), not_null};
    if (auto* s = std::get_if<std::string>(&value)) return {ctx_.int_val(string_code(*s)), not_null};
    throw Unsupported(std::string(ir::type_name(type)) + " values");
}

const Term& Encoder::rule(uint32_t segment) {
    if (auto found = encoded_.find(segment); found != encoded_.end()) return found->second;
    if (auto failed = unsupported_.find(segment); failed != unsupported_.end()) throw Unsupported(failed->second);
    auto it = rules_.find(segment);
    if (it == rules_.end()) throw Unsupported("a segment that did not compile");
    std::set<uint32_t> columns;
    try {
        Term term = encode(*it->second->root, columns);
        columns_of_[segment] = std::move(columns);
        return encoded_.emplace(segment, term).first->second;
    } catch (const Unsupported& e) {
        unsupported_[segment] = e.what();
        throw;
    }
}

z3::expr Encoder::member(uint32_t segment) {
    const Term& term = rule(segment);
    return !term.null && *term.value;
}

z3::expr Encoder::member_with(uint32_t segment, const ir::Node& replaced, bool value) {
    rule(segment);  // throws Unsupported for a rule the encoding does not model, and caches its references
    replaced_ = &replaced;
    replaced_value_ = value;
    std::set<uint32_t> columns;
    try {
        Term term = encode(*rules_.at(segment)->root, columns);
        replaced_ = nullptr;
        return !term.null && *term.value;
    } catch (...) {
        replaced_ = nullptr;
        throw;
    }
}

const std::set<uint32_t>& Encoder::columns_of(uint32_t segment) {
    rule(segment);
    return columns_of_.at(segment);
}

Term Encoder::encode(const Node& node, std::set<uint32_t>& columns) {
    auto arg = [&](size_t i) { return encode(*node.args.at(i), columns); };
    // The value of an argument that must be modelled; throws for one that is not.
    auto value_of = [&](const Term& term, const Node& at) -> z3::expr {
        if (!term.value) throw Unsupported(construct(at));
        return *term.value;
    };
    const z3::expr f = ctx_.bool_val(false);
    if (&node == replaced_) return {ctx_.bool_val(replaced_value_), f};
    switch (node.kind) {
        case Kind::Constant: return constant(node.constant, node.type);
        case Kind::Column: {
            columns.insert(node.column);
            const ColumnVars& vars = column_vars(node.column);
            return {vars.value, vars.null};
        }
        case Kind::Segment: {
            // Inline the referenced rule: membership is "its rule is TRUE", never NULL.
            const std::set<uint32_t>& used = columns_of(node.segment);
            columns.insert(used.begin(), used.end());
            return {member(node.segment), f};
        }
        case Kind::Today: return {ctx_.int_val(as_of_.today), f};
        case Kind::IsNull: return {arg(0).null, f};
        case Kind::IsNotNull: return {!arg(0).null, f};
        case Kind::Not: {
            Term a = arg(0);
            return {!value_of(a, node), a.null};
        }
        case Kind::And:
        case Kind::Or: {
            // SQL three-valued logic (scalar::kAndLogic / kOrLogic): FALSE decides an and, TRUE an or; otherwise
            // any NULL makes the result NULL.
            const bool is_and = node.kind == Kind::And;
            z3::expr_vector deciding(ctx_), all_other(ctx_);
            for (size_t i = 0; i < node.args.size(); ++i) {
                Term a = arg(i);
                z3::expr v = value_of(a, *node.args[i]);
                deciding.push_back(!a.null && (is_and ? !v : v));
                all_other.push_back(!a.null && (is_and ? v : !v));
            }
            z3::expr decided = z3::mk_or(deciding), rest = z3::mk_and(all_other);
            return {is_and ? rest : decided, !decided && !rest};
        }
        case Kind::Compare: {
            Term a = arg(0), b = arg(1);
            z3::expr x = value_of(a, *node.args[0]), y = value_of(b, *node.args[1]);
            const Type type = node.args[0]->type;
            z3::expr null = a.null || b.null;
            if (type == Type::Bool) {
                // false < true, as the reference orders bools.
                switch (node.op) {
                    case Op::Eq: return {x == y, null};
                    case Op::Ne: return {x != y, null};
                    case Op::Lt: return {!x && y, null};
                    case Op::Le: return {!x || y, null};
                    case Op::Gt: return {x && !y, null};
                    default: return {x || !y, null};
                }
            }
            if (type == Type::String && node.op != Op::Eq && node.op != Op::Ne) {
                throw Unsupported("bytewise string order");
            }
            switch (node.op) {
                case Op::Eq: return {x == y, null};
                case Op::Ne: return {x != y, null};
                case Op::Lt: return {x < y, null};
                case Op::Le: return {x <= y, null};
                case Op::Gt: return {x > y, null};
                default: return {x >= y, null};
            }
        }
        case Kind::InSet: {
            Term a = arg(0);
            z3::expr x = value_of(a, *node.args[0]);
            z3::expr_vector hits(ctx_);
            for (const auto& item : node.set) hits.push_back(x == *constant(item, node.args[0]->type).value);
            z3::expr hit = hits.empty() ? f : z3::mk_or(hits);
            // No match and a NULL item: NULL, as `x = NULL` is.
            z3::expr null = node.set_has_null ? (a.null || !hit) : a.null;
            return {hit, null};
        }
        case Kind::Arithmetic:
        case Kind::Negate: {
            if (node.type != Type::Int) throw Unsupported(construct(node));
            Term a = arg(0);
            z3::expr x = value_of(a, *node.args[0]);
            if (node.kind == Kind::Negate) return {-x, a.null || !in_range(-x, Type::Int)};
            Term b = arg(1);
            z3::expr y = value_of(b, *node.args[1]);
            z3::expr null = a.null || b.null;
            z3::expr result = x;
            // Non-linear integer arithmetic is undecidable and Z3 does not always honour its timeout there: a product
            // or remainder needs a constant on one side (the divisor for a remainder).
            auto constant_side = [](const z3::expr& e) { return e.simplify().is_numeral(); };
            if ((node.op == Op::Mul && !constant_side(x) && !constant_side(y)) ||
                (node.op == Op::Mod && !constant_side(y))) {
                throw Unsupported("non-linear int arithmetic");
            }
            switch (node.op) {
                case Op::Add: result = x + y; break;
                case Op::Sub: result = x - y; break;
                case Op::Mul: result = x * y; break;
                case Op::Mod:
                    // Truncating remainder with the dividend's sign; Z3's mod is Euclidean (0 <= r < |y|).
                    result = z3::ite(x >= 0, z3::mod(x, y), -z3::mod(-x, y));
                    null = null || y == 0;
                    break;
                default: throw Unsupported(construct(node));
            }
            // int64 overflow gives NULL (scalar::add and friends).
            return {result, null || !in_range(result, Type::Int)};
        }
        case Kind::DateShift: {
            if (node.type != Type::Date) throw Unsupported(construct(node));
            const Node& base = *node.args[0];
            if (node.op == Op::Months) {
                // Month arithmetic clamps to the month's end: exact only for a base known now (today or a constant),
                // which we compute with the interpreter's own function.
                int32_t days = 0;
                if (base.kind == Kind::Today)
                    days = as_of_.today;
                else if (base.kind == Kind::Constant && !ir::is_null(base.constant))
                    days = std::get<ir::DateValue>(base.constant).days;
                else if (base.kind == Kind::Constant)
                    return constant(ir::Null{}, Type::Date);
                else
                    throw Unsupported("month arithmetic on a column");
                int32_t out = 0;
                if (!scalar::shift_months(days, node.amount, &out)) return constant(ir::Null{}, Type::Date);
                return {ctx_.int_val(out), f};
            }
            Term a = arg(0);
            z3::expr x = value_of(a, base);
            z3::expr result = x + ctx_.int_val(node.amount);
            return {result, a.null || !in_range(result, Type::Date)};
        }
        case Kind::Call: {
            if (node.function == ir::Function::Coalesce && modelled(node.type)) {
                // The first argument that is not NULL; NULL when all are.
                std::vector<Term> args;
                for (size_t i = 0; i < node.args.size(); ++i) args.push_back(arg(i));
                Term out = args.back();
                z3::expr v = value_of(out, *node.args.back());
                z3::expr null = out.null;
                for (size_t i = args.size() - 1; i-- > 0;) {
                    v = z3::ite(args[i].null, v, value_of(args[i], *node.args[i]));
                    null = args[i].null && null;
                }
                return {v, null};
            }
            if (node.function == ir::Function::Abs && node.type == Type::Int) {
                Term a = arg(0);
                z3::expr x = value_of(a, *node.args[0]);
                z3::expr result = z3::ite(x >= 0, x, -x);
                return {result, a.null || !in_range(result, Type::Int)};
            }
            if (node.function == ir::Function::DaysSince && node.args[0]->type == Type::Date) {
                Term a = arg(0);
                return {ctx_.int_val(as_of_.today) - value_of(a, *node.args[0]), a.null};
            }
            throw Unsupported(construct(node));
        }
        default: throw Unsupported(construct(node));
    }
}

}  // namespace segmint::prove
