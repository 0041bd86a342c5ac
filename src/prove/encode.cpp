#include "prove/encode.h"

#include <cmath>
#include <limits>

#include "common/calendar.h"
#include "prove/encode_calendar.h"

namespace segmint::prove {

using ir::Kind;
using ir::Node;
using ir::Op;
using ir::Type;

namespace {

// Types whose values the encoding models: int, date and timestamp as mathematical integers with explicit range
// checks, number as an IEEE double (Float64), strings and enums as codes, bool as Bool. list<string> is not modelled
// (only its NULL flag is).
bool modelled(Type type) { return type != Type::StringList; }

// Equality as the interpreter compares: IEEE equality for numbers (-0.0 = 0.0; NaN never occurs, see facts).
z3::expr equal(const z3::expr& x, const z3::expr& y) { return x.is_fpa() ? z3::fp_eq(x, y) : x == y; }

z3::expr finite(const z3::expr& x) { return !x.mk_is_inf() && !x.mk_is_nan(); }

// The value of a number operand fixed by the rule (a number constant, or an int constant used as a number).
std::optional<double> known_number(const Node& node) {
    const Node& inner = node.kind == Kind::Cast ? *node.args[0] : node;
    if (inner.kind != Kind::Constant) return std::nullopt;
    if (auto* x = std::get_if<double>(&inner.constant)) return *x;
    if (auto* i = std::get_if<int64_t>(&inner.constant)) return static_cast<double>(*i);
    return std::nullopt;
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
                 scalar::AsOf as_of, bool every_date, const std::vector<ir::Rule>& fact_rules)
    : ctx_(context),
      schema_(schema),
      as_of_(as_of),
      every_date_(every_date),
      today_(every_date ? context.int_const("as_of_today") : context.int_val(as_of.today)),
      now_(every_date ? context.int_const("as_of_now") : context.int_val(as_of.now)) {
    for (const auto& rule : rules) rules_[rule.segment] = &rule;
    for (const auto& rule : fact_rules) rules_[rule.segment] = &rule;
    if (every_date) {
        // Any instant of the calendar; `today` is its UTC date (engine::parse_as_of).
        const z3::expr day = ctx_.int_val(calendar::kMicrosPerDay);
        facts_.push_back(now_ >= ctx_.int_val(scalar::kMinTimestamp) && now_ <= ctx_.int_val(scalar::kMaxTimestamp));
        facts_.push_back(today_ * day <= now_ && now_ < (today_ + 1) * day);
    }
    if (fact_rules.empty()) {
        scan_text(rules);
    } else {  // which columns are text is decided over every rule together
        std::vector<ir::Rule> all;
        for (const auto* list : {&rules, &fact_rules}) {
            for (const auto& rule : *list) all.push_back(ir::Rule{rule.segment, rule.name, rule.root->clone(), {}});
        }
        scan_text(all);
    }
}

int64_t Encoder::string_code(const std::string& text) {
    auto [it, added] = string_codes_.emplace(text, static_cast<int64_t>(strings_.size()));
    if (added) strings_.push_back(text);
    return it->second;
}

z3::expr Encoder::in_range(const z3::expr& value, Type type) const {
    if (type == Type::Date) return value >= ctx_.int_val(scalar::kMinDate) && value <= ctx_.int_val(scalar::kMaxDate);
    if (type == Type::Timestamp) {
        return value >= ctx_.int_val(scalar::kMinTimestamp) && value <= ctx_.int_val(scalar::kMaxTimestamp);
    }
    return value >= ctx_.int_val(std::numeric_limits<int64_t>::min()) &&
           value <= ctx_.int_val(std::numeric_limits<int64_t>::max());
}

// An event aggregate is a variable of its own (one per key), with only the facts that hold for any events: counts
// are whole numbers >= 0 and never NULL, `exists` is never NULL and is `count > 0` of the same events. Nothing about
// sums: a sum of numbers that is not finite, and an int sum outside int64, are NULL. What a witness needs of the events
// the solver cannot build, so the rule is abstracted: an answer that relies on a value no customer without events has
// (a witness replays with no events) is `unknown`.
Term Encoder::aggregate(const ir::Node& node) {
    const ir::AggregateSpec& spec = *node.aggregate;
    abstraction_ = "the event aggregate `" + spec.key + "`, whose events the proofs do not build";
    if (auto found = aggregates_.find(spec.key); found != aggregates_.end()) return found->second;
    const std::string name = "agg" + std::to_string(aggregates_.size());
    const z3::expr null = ctx_.bool_const((name + "_null").c_str());
    std::optional<z3::expr> value;
    switch (node.type) {
        case Type::Bool: value = ctx_.bool_const(name.c_str()); break;
        case Type::Int:
        case Type::Date:
        case Type::Timestamp:
            value = ctx_.int_const(name.c_str());
            facts_.push_back(in_range(*value, node.type));
            break;
        case Type::Number:
            value = ctx_.fpa_const(name.c_str(), 11, 53);
            facts_.push_back(finite(*value));
            break;
        default: throw Unsupported("an event aggregate of " + std::string(ir::type_name(node.type)));
    }
    using F = ir::AggregateFunction;
    const bool counts = spec.function == F::Count || spec.function == F::CountDistinct;
    if (counts) facts_.push_back(*value >= 0);
    if (counts || spec.function == F::Exists) facts_.push_back(!null);
    // exists(E …) and count(E …) of the same events: exists is count > 0.
    if (spec.function == F::Exists || spec.function == F::Count) {
        const std::string events = std::to_string(spec.events) + "|" +
                                   (spec.column ? std::to_string(*spec.column) : "") + "|" +
                                   (spec.filter ? ir::dump(*spec.filter) : "");
        auto& [exists, count] = event_counts_[events];
        (spec.function == F::Exists ? exists : count) = value;
        if (exists && count) facts_.push_back(*exists == (*count > 0));
    }
    return aggregates_.emplace(spec.key, Term{value, null}).first->second;
}

const ColumnVars& Encoder::column_vars(uint32_t index) {
    auto found = columns_.find(index);
    if (found != columns_.end()) return found->second;
    const schema::Column& column = schema_.columns.at(index);
    const std::string name = "c" + std::to_string(index) + "_" + column.name;
    ColumnVars vars{std::nullopt, ctx_.bool_const((name + "_null").c_str())};
    // The schema's fact, checked on every loaded table; the key too, which no loader or fixture lets be NULL.
    if (column.not_null || column.name == schema_.key) facts_.push_back(!vars.null);
    if (text_columns_.count(index)) {  // read as text by some rule (encode_text.cpp)
        vars = text_column(column, name, vars.null);
        return columns_.emplace(index, vars).first->second;
    }
    switch (column.type) {
        case schema::ColumnType::Int:
            vars.value = ctx_.int_const(name.c_str());
            facts_.push_back(in_range(*vars.value, Type::Int));
            break;
        case schema::ColumnType::Date:
            vars.value = ctx_.int_const(name.c_str());
            facts_.push_back(in_range(*vars.value, Type::Date));
            break;
        case schema::ColumnType::Timestamp:
            // Micros since the epoch; the loaders accept only years 1..9999 (scalar::valid_timestamp).
            vars.value = ctx_.int_const(name.c_str());
            facts_.push_back(in_range(*vars.value, Type::Timestamp));
            break;
        case schema::ColumnType::Number:
            // A double; the loaders refuse nan and inf (data::parse_number), so a number column is always finite.
            vars.value = ctx_.fpa_const(name.c_str(), 11, 53);
            facts_.push_back(finite(*vars.value));
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
        case schema::ColumnType::StringList: break;  // the NULL flag alone
    }
    // The schema's `min` / `max`, checked on loaded data: ints, dates and timestamps as integers, numbers as doubles
    // (IEEE order, as the loader's check compares).
    if (vars.value && !vars.value->is_bool() && !vars.value->is_seq()) {
        if (column.min_whole) facts_.push_back(vars.null || *vars.value >= ctx_.int_val(*column.min_whole));
        if (column.max_whole) facts_.push_back(vars.null || *vars.value <= ctx_.int_val(*column.max_whole));
        if (column.min_number) facts_.push_back(vars.null || *vars.value >= ctx_.fpa_val(*column.min_number));
        if (column.max_number) facts_.push_back(vars.null || *vars.value <= ctx_.fpa_val(*column.max_number));
    }
    return columns_.emplace(index, vars).first->second;
}

z3::expr Encoder::ordinary(uint32_t index) const {
    const ColumnVars& vars = columns_.at(index);
    if (!vars.value || vars.value->is_bool()) return ctx_.bool_val(true);
    if (vars.value->is_seq()) return text_ordinary(index);
    const z3::expr& v = *vars.value;
    switch (schema_.columns.at(index).type) {
        case schema::ColumnType::Int: return v >= -1000 && v <= 1000;
        case schema::ColumnType::Date: return v >= today_ - 3650 && v <= today_ + 366;
        case schema::ColumnType::Timestamp: {
            const int64_t year = 366 * calendar::kMicrosPerDay;
            return v >= now_ - ctx_.int_val(year) && v <= now_ + ctx_.int_val(year);
        }
        case schema::ColumnType::Number: return v >= ctx_.fpa_val(-1000.0) && v <= ctx_.fpa_val(1000.0);
        default: return v < ctx_.int_val(static_cast<int64_t>(strings_.size()) + 16);
    }
}

std::vector<z3::expr> Encoder::ordinary_as_of() const {
    if (!every_date_) return {ctx_.bool_val(true)};
    return {today_ == as_of_.today && now_ == ctx_.int_val(as_of_.now),
            today_ >= as_of_.today - 366 && today_ <= as_of_.today + 3650 &&
                now_ == today_ * ctx_.int_val(calendar::kMicrosPerDay)};
}

Term Encoder::constant(const ir::Value& value, Type type) {
    if (ir::is_null(value)) {
        // A typed NULL: any value of the right sort, flagged NULL.
        if (type == Type::Bool) return {ctx_.bool_val(false), ctx_.bool_val(true)};
        if (type == Type::Number) return {ctx_.fpa_val(0.0), ctx_.bool_val(true)};
        if (modelled(type)) return {ctx_.int_val(0), ctx_.bool_val(true)};
        return {std::nullopt, ctx_.bool_val(true)};
    }
    const z3::expr not_null = ctx_.bool_val(false);
    if (auto* b = std::get_if<bool>(&value)) return {ctx_.bool_val(*b), not_null};
    if (auto* i = std::get_if<int64_t>(&value)) return {ctx_.int_val(*i), not_null};
    if (auto* d = std::get_if<ir::DateValue>(&value)) return {ctx_.int_val(d->days), not_null};
    if (auto* s = std::get_if<std::string>(&value)) return {ctx_.int_val(string_code(*s)), not_null};
    if (auto* x = std::get_if<double>(&value)) return {ctx_.fpa_val(*x), not_null};
    if (auto* t = std::get_if<ir::TimestampValue>(&value)) return {ctx_.int_val(t->micros), not_null};
    throw Unsupported(std::string(ir::type_name(type)) + " values");
}

const Term& Encoder::rule(uint32_t segment) {
    if (auto found = encoded_.find(segment); found != encoded_.end()) return found->second;
    if (auto failed = unsupported_.find(segment); failed != unsupported_.end()) throw Unsupported(failed->second);
    auto it = rules_.find(segment);
    if (it == rules_.end()) throw Unsupported("a segment that did not compile");
    std::set<uint32_t> columns;
    const std::string outer_abstraction = std::move(abstraction_);  // a reference is encoded inside its referrer
    abstraction_.clear();
    try {
        Term term = encode(*it->second->root, columns);
        columns_of_[segment] = std::move(columns);
        if (!abstraction_.empty()) abstractions_[segment] = abstraction_;
        abstraction_ = outer_abstraction;
        return encoded_.emplace(segment, term).first->second;
    } catch (const Unsupported& e) {
        unsupported_[segment] = e.what();
        abstraction_ = outer_abstraction;
        throw;
    }
}

z3::expr Encoder::member(uint32_t segment) {
    const Term& term = rule(segment);
    return !term.null && *term.value;
}

z3::expr Encoder::member_with(uint32_t segment, const std::vector<std::pair<const ir::Node*, bool>>& replaced) {
    rule(segment);  // throws Unsupported for a rule the encoding does not model, and caches its references
    replaced_ = replaced;
    std::set<uint32_t> columns;
    try {
        Term term = encode(*rules_.at(segment)->root, columns);
        replaced_.clear();
        return !term.null && *term.value;
    } catch (...) {
        replaced_.clear();
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
    for (const auto& [replaced, value] : replaced_) {
        if (&node == replaced) return {ctx_.bool_val(value), f};
    }
    if (text_node(node)) return encode_text(node, columns);
    switch (node.kind) {
        case Kind::Constant: return constant(node.constant, node.type);
        case Kind::Column: {
            columns.insert(node.column);
            const ColumnVars& vars = column_vars(node.column);
            return {vars.value, vars.null};
        }
        case Kind::Aggregate: return aggregate(node);
        case Kind::Segment: {
            // Inline the referenced rule: membership is "its rule is TRUE", never NULL.
            const std::set<uint32_t>& used = columns_of(node.segment);
            columns.insert(used.begin(), used.end());
            if (auto found = abstractions_.find(node.segment); found != abstractions_.end())
                abstraction_ = found->second;
            return {member(node.segment), f};
        }
        case Kind::Today: return {today_, f};
        case Kind::Now: return {now_, f};
        case Kind::Cast: {
            Term a = arg(0);
            z3::expr x = value_of(a, *node.args[0]);
            switch (node.op) {
                case Op::IntToNumber: {
                    // static_cast<double>(int64): the nearest double, ties to even; never infinite. Only a constant:
                    // the exact term for a column (int2bv, then fp.to_fp signed) mixes integers with bit-vectors,
                    // and Z3 rarely decides it within seconds.
                    int64_t known = 0;
                    if (!x.simplify().is_numeral_i64(known)) throw Unsupported("an int column used as a number");
                    return {ctx_.fpa_val(static_cast<double>(known)), a.null};
                }
                case Op::DateToTimestamp: return {x * ctx_.int_val(calendar::kMicrosPerDay), a.null};
                // The UTC date: floor division (SMT-LIB div rounds down for a positive divisor), as
                // calendar::date_of_timestamp.
                default: return {x / ctx_.int_val(calendar::kMicrosPerDay), a.null};
            }
        }
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
                throw std::logic_error("prove: string order on codes");  // scan_text makes such columns text
            }
            switch (node.op) {
                case Op::Eq: return {equal(x, y), null};
                case Op::Ne: return {!equal(x, y), null};
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
            for (const auto& item : node.set) hits.push_back(equal(x, *constant(item, node.args[0]->type).value));
            z3::expr hit = hits.empty() ? f : z3::mk_or(hits);
            // No match and a NULL item: NULL, as `x = NULL` is.
            z3::expr null = node.set_has_null ? (a.null || !hit) : a.null;
            return {hit, null};
        }
        case Kind::Arithmetic:
        case Kind::Negate: {
            if (node.type != Type::Int && node.type != Type::Number) throw Unsupported(construct(node));
            Term a = arg(0);
            z3::expr x = value_of(a, *node.args[0]);
            // The negation of a finite double is finite: never NULL.
            if (node.kind == Kind::Negate) return {-x, a.null || (x.is_fpa() ? f : !in_range(-x, Type::Int))};
            Term b = arg(1);
            z3::expr y = value_of(b, *node.args[1]);
            if (node.type == Type::Number) return number_arithmetic(node, x, y, a.null || b.null);
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
            if (node.type == Type::Timestamp) return timestamp_shift(node, columns);
            if (node.type != Type::Date) throw Unsupported(construct(node));
            const Node& base = *node.args[0];
            if (node.op == Op::Months) {
                // Month arithmetic clamps to the month's end. A base known now (a constant, or today at one date) is
                // computed with the interpreter's own function.
                int32_t days = 0;
                if (base.kind == Kind::Constant && ir::is_null(base.constant)) return constant(ir::Null{}, Type::Date);
                const bool known = base.kind == Kind::Constant || (base.kind == Kind::Today && !every_date_);
                if (known) {
                    days = base.kind == Kind::Today ? as_of_.today : std::get<ir::DateValue>(base.constant).days;
                    int32_t out = 0;
                    if (!scalar::shift_months(days, node.amount, &out)) return constant(ir::Null{}, Type::Date);
                    return {ctx_.int_val(out), f};
                }
                // The calendar as terms (encode_calendar.h) decomposes a date exactly, but Z3 4.8.12 does not decide a
                // shift and recomposition within any useful timeout: refused rather than a minute of "canceled".
                throw Unsupported(base.kind == Kind::Today ? "month arithmetic for every as-of date"
                                                           : "month arithmetic on a column");
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
            if (node.function == ir::Function::Abs && node.type == Type::Number) {
                Term a = arg(0);
                return {z3::abs(value_of(a, *node.args[0])), a.null};  // finite, as its argument
            }
            // round() rounds the shortest decimal form of the double (scalar::round): not expressible in Float64
            // arithmetic, so refused rather than approximated.
            if (node.function == ir::Function::Round) throw Unsupported("round");
            if (node.function == ir::Function::Abs && node.type == Type::Int) {
                Term a = arg(0);
                z3::expr x = value_of(a, *node.args[0]);
                z3::expr result = z3::ite(x >= 0, x, -x);
                return {result, a.null || !in_range(result, Type::Int)};
            }
            const bool calendar_part = node.function == ir::Function::Year || node.function == ir::Function::Month ||
                                       node.function == ir::Function::DayOfWeek;
            if (calendar_part && node.args[0]->type == Type::Date) {
                Term a = arg(0);
                const z3::expr days = value_of(a, *node.args[0]);
                if (node.function == ir::Function::DayOfWeek) return {iso_weekday(days), a.null};
                const CivilTerms civil = calendar_.civil(days, facts_);
                return {node.function == ir::Function::Year ? civil.year : civil.month, a.null};
            }
            if (node.function == ir::Function::DaysSince && node.args[0]->type == Type::Date) {
                Term a = arg(0);
                return {today_ - value_of(a, *node.args[0]), a.null};
            }
            throw Unsupported(construct(node));
        }
        default: throw Unsupported(construct(node));
    }
}

Term Encoder::number_arithmetic(const Node& node, const z3::expr& x, const z3::expr& y, const z3::expr& null) {
    // IEEE double arithmetic, rounding to nearest even as C++ does; a result that is not finite (overflow) and a
    // division by zero are NULL (scalar::add and friends). Operands are finite, so no NaN arises.
    const z3::expr rne(ctx_, Z3_mk_fpa_rne(ctx_));
    const std::optional<double> left = known_number(*node.args[0]), right = known_number(*node.args[1]);
    // Z3 bit-blasts a product of two unknowns, and any division but by a power of two, into circuits it rarely
    // decides within seconds, and does not always stop at its timeout there (x / 3 ran for minutes): refused.
    if (node.op == Op::Mul && !left && !right) throw Unsupported("a product of two numbers");
    if (node.op == Op::Div) {
        const Node& divisor = node.args[1]->kind == Kind::Cast ? *node.args[1]->args[0] : *node.args[1];
        if (divisor.kind == Kind::Constant && ir::is_null(divisor.constant)) return {x, ctx_.bool_val(true)};
        if (!right) throw Unsupported("number division by a non-constant");
        if (*right == 0.0) return {x, ctx_.bool_val(true)};  // by ±0: NULL
        // By a power of two, x / d and x * (1 / d) round the same real number x * 2^-k: the same double.
        int exponent = 0;
        const double reciprocal = 1.0 / *right;
        if (std::fabs(std::frexp(*right, &exponent)) != 0.5 || !std::isfinite(reciprocal) || reciprocal * *right != 1.0)
            throw Unsupported("number division by a constant other than a power of two");
        z3::expr r(ctx_, Z3_mk_fpa_mul(ctx_, rne, x, ctx_.fpa_val(reciprocal)));
        return {r, null || !finite(r)};
    }
    switch (node.op) {
        case Op::Add: {
            z3::expr r(ctx_, Z3_mk_fpa_add(ctx_, rne, x, y));
            return {r, null || !finite(r)};
        }
        case Op::Sub: {
            z3::expr r(ctx_, Z3_mk_fpa_sub(ctx_, rne, x, y));
            return {r, null || !finite(r)};
        }
        case Op::Mul: {
            z3::expr r(ctx_, Z3_mk_fpa_mul(ctx_, rne, x, y));
            return {r, null || !finite(r)};
        }
        // fmod truncates its quotient; Z3's fp.rem rounds it to nearest: refused rather than rebuilt.
        default: throw Unsupported("number remainder");
    }
}

Term Encoder::timestamp_shift(const Node& node, std::set<uint32_t>& columns) {
    const Node& base = *node.args[0];
    if (node.op == Op::Months) {
        // Month arithmetic clamps to the month's end: exact only for an instant known now (now or a constant).
        int64_t micros = 0;
        if (base.kind == Kind::Now && every_date_)
            throw Unsupported("month arithmetic for every as-of date");
        else if (base.kind == Kind::Now)
            micros = as_of_.now;
        else if (base.kind == Kind::Constant && !ir::is_null(base.constant))
            micros = std::get<ir::TimestampValue>(base.constant).micros;
        else if (base.kind == Kind::Constant)
            return constant(ir::Null{}, Type::Timestamp);
        else
            throw Unsupported("month arithmetic on a column");
        int64_t out = 0;
        if (!scalar::shift_months(micros, node.amount, &out)) return constant(ir::Null{}, Type::Timestamp);
        return {ctx_.int_val(out), ctx_.bool_val(false)};
    }
    // Micros: NULL outside years 1..9999 (an int64 overflow of the sum is outside them too).
    Term a = encode(base, columns);
    if (!a.value) throw Unsupported(construct(base));
    z3::expr result = *a.value + ctx_.int_val(node.amount);
    return {result, a.null || !in_range(result, Type::Timestamp)};
}

}  // namespace segmint::prove
