// AST + semantic side tables → IR. The checker has already accepted every rule, so a shape it would have rejected is
// a bug here (std::logic_error), never a user error.
#include "ir/lower.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "ast/format.h"
#include "common/calendar.h"

namespace segmint::ir {

Type column_type(const schema::Column& column) {
    switch (column.type) {
        case schema::ColumnType::Int: return Type::Int;
        case schema::ColumnType::Number: return Type::Number;
        case schema::ColumnType::Bool: return Type::Bool;
        case schema::ColumnType::Date: return Type::Date;
        case schema::ColumnType::Timestamp: return Type::Timestamp;
        case schema::ColumnType::StringList: return Type::StringList;
        case schema::ColumnType::String:
        case schema::ColumnType::Enum: return Type::String;
    }
    return Type::String;
}

namespace {

using ast::ExprKind;
using semantic::TypeKind;

NodePtr make(Kind kind, Type type, Span span) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->type = type;
    node->span = span;
    return node;
}

NodePtr make(Kind kind, Type type, Span span, std::vector<NodePtr> args) {
    NodePtr node = make(kind, type, span);
    node->args = std::move(args);
    return node;
}

template <typename... Args>
std::vector<NodePtr> list(Args&&... args) {
    std::vector<NodePtr> out;
    (out.push_back(std::forward<Args>(args)), ...);
    return out;
}

class Lowerer {
public:
    Lowerer(const semantic::Catalog& catalog, size_t file) : catalog_(catalog), file_(file) {}

    NodePtr lower(const ast::Expr& e) {
        // An expression that is NULL whatever the data (`null`, `coalesce(null, null)`) becomes a NULL constant, which
        // convert() retypes to whatever its parent needs.
        if (checked_type(e).is_null()) {
            for (const auto& arg : e.args) keep_unevaluated(*arg);
            return null_of(Type::Bool, e.span);
        }
        switch (e.kind) {
            case ExprKind::Literal: return literal(e);
            case ExprKind::Name: return name(e);
            case ExprKind::Today: return make(Kind::Today, Type::Date, e.span);
            case ExprKind::Now: return make(Kind::Now, Type::Timestamp, e.span);
            case ExprKind::Call: return call(e);
            case ExprKind::Negate: {
                Type type = runtime_type(checked_type(e));
                return make(Kind::Negate, type, e.span, list(convert(lower(*e.args[0]), type)));
            }
            case ExprKind::Arithmetic: return arithmetic(e);
            case ExprKind::Compare: return compare(e.span, op_of(e.op), *e.args[0], *e.args[1]);
            case ExprKind::Between: {
                // x between a and b  ==  a <= x and x <= b (SQL's definition, NULLs included).
                NodePtr both = make(Kind::And, Type::Bool, e.span,
                                    list(compare(e.span, Op::Ge, *e.args[0], *e.args[1]),
                                         compare(e.span, Op::Le, *e.args[0], *e.args[2])));
                return e.negated ? make(Kind::Not, Type::Bool, e.span, list(std::move(both))) : std::move(both);
            }
            case ExprKind::In: return in_list(e);
            case ExprKind::IsNull:
                return make(e.negated ? Kind::IsNotNull : Kind::IsNull, Type::Bool, e.span, list(lower(*e.args[0])));
            case ExprKind::TextMatch: return text_match(e);
            case ExprKind::ContainsList: return contains_list(e);
            case ExprKind::WithinLast: return within_last(e);
            case ExprKind::TimeOrder:
                return compare(e.span, e.op == ast::Op::Before ? Op::Lt : Op::Gt, *e.args[0], *e.args[1]);
            case ExprKind::Not: return make(Kind::Not, Type::Bool, e.span, list(lower(*e.args[0])));
            case ExprKind::And:
            case ExprKind::Or: {
                std::vector<NodePtr> args;
                args.reserve(e.args.size());
                for (const auto& arg : e.args) args.push_back(lower(*arg));
                return make(e.kind == ExprKind::And ? Kind::And : Kind::Or, Type::Bool, e.span, std::move(args));
            }
            case ExprKind::Aggregate: return aggregate(e);
        }
        throw std::logic_error("lower: unknown expression kind");
    }

    std::vector<NodePtr> take_unevaluated() { return std::exchange(unevaluated_, {}); }

private:
    // `e` is dropped because a NULL literal decides its parent; what it holds is still lowered, into unevaluated_,
    // so the optimizer's findings about constants (E112) see it.
    void keep_unevaluated(const ast::Expr& e) {
        // Rule::unevaluated is over the customer's columns; what an aggregate's filter drops reads the event table's.
        if (events_) return;
        if (checked_type(e).is_null()) {
            for (const auto& arg : e.args) keep_unevaluated(*arg);
        } else {
            unevaluated_.push_back(lower(e));
        }
    }

    const semantic::Type& checked_type(const ast::Expr& e) const { return catalog_.type_of(file_, e); }

    static Op op_of(ast::Op op) {
        switch (op) {
            case ast::Op::Eq: return Op::Eq;
            case ast::Op::Ne: return Op::Ne;
            case ast::Op::Lt: return Op::Lt;
            case ast::Op::Le: return Op::Le;
            case ast::Op::Gt: return Op::Gt;
            case ast::Op::Ge: return Op::Ge;
            case ast::Op::Add: return Op::Add;
            case ast::Op::Sub: return Op::Sub;
            case ast::Op::Mul: return Op::Mul;
            case ast::Op::Div: return Op::Div;
            case ast::Op::Mod: return Op::Mod;
            case ast::Op::Contains: return Op::Contains;
            case ast::Op::StartsWith: return Op::StartsWith;
            case ast::Op::EndsWith: return Op::EndsWith;
            case ast::Op::Matches: return Op::Matches;
            default: throw std::logic_error("lower: operator has no IR form");
        }
    }

    // The IR type a checked (non-null) type has at run time.
    static Type runtime_type(const semantic::Type& type) {
        switch (type.kind) {
            case TypeKind::Bool: return Type::Bool;
            case TypeKind::Int: return Type::Int;
            case TypeKind::Number: return Type::Number;
            case TypeKind::String:
            case TypeKind::Enum: return Type::String;
            case TypeKind::Date: return Type::Date;
            case TypeKind::Timestamp: return Type::Timestamp;
            case TypeKind::StringList: return Type::StringList;
            default: throw std::logic_error("lower: type has no run-time form");
        }
    }

    NodePtr null_of(Type type, Span span) {
        NodePtr node = make(Kind::Constant, type, span);
        node->constant = Null{};
        return node;
    }

    NodePtr literal(const ast::Expr& e) {
        NodePtr node = make(Kind::Constant, Type::Bool, e.span);
        struct Visitor {
            Node& n;
            void operator()(std::monostate) {
                n.constant = Null{};
                n.type = Type::Bool;
            }
            void operator()(bool b) {
                n.constant = b;
                n.type = Type::Bool;
            }
            void operator()(int64_t i) {
                n.constant = i;
                n.type = Type::Int;
            }
            void operator()(double d) {
                n.constant = d;
                n.type = Type::Number;
            }
            void operator()(const std::string& s) {
                n.constant = s;
                n.type = Type::String;
            }
            void operator()(ast::Date d) {
                n.constant = DateValue{d.days};
                n.type = Type::Date;
            }
            void operator()(ast::Timestamp t) {
                n.constant = TimestampValue{t.micros};
                n.type = Type::Timestamp;
            }
            void operator()(ast::Duration) { throw std::logic_error("lower: a duration outside date arithmetic"); }
        };
        std::visit(Visitor{*node}, e.value);
        return node;
    }

    NodePtr name(const ast::Expr& e) {
        const semantic::Resolution& r = catalog_.resolution_of(file_, e);
        if (r.kind == semantic::Resolution::Kind::Segment) {
            NodePtr node = make(Kind::Segment, Type::Bool, e.span);
            node->segment = r.index;
            return node;
        }
        if (r.kind == semantic::Resolution::Kind::EventColumn) {
            if (!events_) throw std::logic_error("lower: an event column outside an aggregate's filter");
            NodePtr node = make(Kind::Column, column_type(events_->columns[r.index]), e.span);
            node->column = r.index;
            return node;
        }
        NodePtr node = make(Kind::Column, column_type(catalog_.schema->columns[r.index]), e.span);
        node->column = r.index;
        return node;
    }

    // Converts `node` to `target` (int → number, date → timestamp); a NULL literal simply takes the target type.
    NodePtr convert(NodePtr node, Type target) {
        if (node->type == target) return node;
        if (node->kind == Kind::Constant && is_null(node->constant)) {
            node->type = target;
            return node;
        }
        Span span = node->span;
        if (node->type == Type::Int && target == Type::Number) {
            NodePtr cast = make(Kind::Cast, Type::Number, span, list(std::move(node)));
            cast->op = Op::IntToNumber;
            return cast;
        }
        if (node->type == Type::Date && target == Type::Timestamp) {
            NodePtr cast = make(Kind::Cast, Type::Timestamp, span, list(std::move(node)));
            cast->op = Op::DateToTimestamp;
            return cast;
        }
        throw std::logic_error(std::string("lower: cannot convert ") + type_name(node->type) + " to " +
                               type_name(target));
    }

    // The common run-time type of two checked operands (both NULL → bool, which is as good as any).
    static Type common(const semantic::Type& a, const semantic::Type& b) {
        semantic::Type c;
        if (!semantic::common_type(a, b, &c)) throw std::logic_error("lower: operands without a common type");
        return c.is_null() ? Type::Bool : runtime_type(c);
    }

    NodePtr compare(Span span, Op op, const ast::Expr& left, const ast::Expr& right) {
        // A comparison with something that is always NULL is NULL (and `null < null` has no type to compare in).
        if (checked_type(left).is_null() || checked_type(right).is_null()) {
            keep_unevaluated(left);
            keep_unevaluated(right);
            return null_of(Type::Bool, span);
        }
        Type type = common(checked_type(left), checked_type(right));
        NodePtr node =
            make(Kind::Compare, Type::Bool, span, list(convert(lower(left), type), convert(lower(right), type)));
        node->op = op;
        return node;
    }

    NodePtr arithmetic(const ast::Expr& e) {
        const semantic::Type result = checked_type(e);
        if (result.is_temporal()) return date_arithmetic(e, result);
        Type type = runtime_type(result);
        NodePtr node = make(Kind::Arithmetic, type, e.span,
                            list(convert(lower(*e.args[0]), type), convert(lower(*e.args[1]), type)));
        node->op = op_of(e.op);
        return node;
    }

    // date ± duration, timestamp ± duration, duration + date.
    NodePtr date_arithmetic(const ast::Expr& e, const semantic::Type& result) {
        bool duration_right = checked_type(*e.args[1]).is(TypeKind::Duration);
        const ast::Expr& base = duration_right ? *e.args[0] : *e.args[1];
        const ast::Expr& duration_expr = duration_right ? *e.args[1] : *e.args[0];
        const auto& duration = std::get<ast::Duration>(duration_expr.value);
        int64_t sign = e.op == ast::Op::Sub ? -1 : 1;
        Type type = runtime_type(result);
        NodePtr operand = convert(lower(base), type);
        return shift(std::move(operand), duration, sign, e.span);
    }

    NodePtr shift(NodePtr operand, const ast::Duration& duration, int64_t sign, Span span) {
        const Type type = operand->type;
        NodePtr node = make(Kind::DateShift, type, span, list(std::move(operand)));
        const int64_t amount = duration.amount * sign;
        switch (duration.unit) {
            case ast::DurationUnit::Year:
                node->op = Op::Months;
                node->amount = amount * 12;
                break;
            case ast::DurationUnit::Month:
                node->op = Op::Months;
                node->amount = amount;
                break;
            case ast::DurationUnit::Week:
                node->op = Op::Days;
                node->amount = amount * 7;
                break;
            case ast::DurationUnit::Day:
                node->op = Op::Days;
                node->amount = amount;
                break;
            case ast::DurationUnit::Hour:
                node->op = Op::Micros;
                node->amount = amount * 3600 * calendar::kMicrosPerSecond;
                break;
            case ast::DurationUnit::Minute:
                node->op = Op::Micros;
                node->amount = amount * 60 * calendar::kMicrosPerSecond;
                break;
            case ast::DurationUnit::Second:
                node->op = Op::Micros;
                node->amount = amount * calendar::kMicrosPerSecond;
                break;
        }
        // On a timestamp, days are 24-hour steps (all time is UTC).
        if (type == Type::Timestamp && node->op == Op::Days) {
            node->op = Op::Micros;
            node->amount *= calendar::kMicrosPerDay;
        }
        return node;
    }

    // x in (a, b, ...) == x = a or x = b or ..., SQL's definition including its NULL behaviour. Each item is compared
    // with x in the common type of that pair, exactly as `=` would compare them: `i in (9007199254740993, 0.5)` keeps
    // the int item exact instead of comparing every item as a number. Constant items of one comparison type make one
    // set test; a NULL item makes a miss NULL.
    NodePtr in_list(const ast::Expr& e) {
        const ast::Expr& subject = *e.args[0];
        if (checked_type(subject).is_null()) {
            for (size_t i = 1; i < e.args.size(); ++i) keep_unevaluated(*e.args[i]);
            return negated(e, null_of(Type::Bool, e.span));
        }
        std::vector<NodePtr> alternatives;
        std::map<Type, size_t> set_of_type;  // comparison type -> its InSet in `alternatives`
        std::map<Type, std::unordered_set<std::string>> seen;
        bool has_null = false;
        for (size_t i = 1; i < e.args.size(); ++i) {
            const ast::Expr& item_expr = *e.args[i];
            if (checked_type(item_expr).is_null()) {
                keep_unevaluated(item_expr);
                has_null = true;
                continue;
            }
            const Type type = common(checked_type(subject), checked_type(item_expr));
            NodePtr item = convert(lower(item_expr), type);
            if (item->kind != Kind::Constant) {
                NodePtr eq =
                    make(Kind::Compare, Type::Bool, e.span, list(convert(lower(subject), type), std::move(item)));
                eq->op = Op::Eq;
                alternatives.push_back(std::move(eq));
                continue;
            }
            if (is_null(item->constant)) {
                has_null = true;
                continue;
            }
            auto [slot, added] = set_of_type.emplace(type, alternatives.size());
            if (added)
                alternatives.push_back(make(Kind::InSet, Type::Bool, e.span, list(convert(lower(subject), type))));
            const std::string key = std::to_string(item->constant.index()) + ":" + value_text(item->constant);
            if (seen[type].insert(key).second) alternatives[slot->second]->set.push_back(std::move(item->constant));
        }
        if (has_null) {
            if (!set_of_type.empty()) {
                alternatives[set_of_type.begin()->second]->set_has_null = true;
            } else {
                alternatives.push_back(null_of(Type::Bool, e.span));
            }
        }
        NodePtr result = alternatives.size() == 1 ? std::move(alternatives[0])
                                                  : make(Kind::Or, Type::Bool, e.span, std::move(alternatives));
        return negated(e, std::move(result));
    }

    NodePtr negated(const ast::Expr& e, NodePtr node) {
        return e.negated ? make(Kind::Not, Type::Bool, e.span, list(std::move(node))) : std::move(node);
    }

    NodePtr text_match(const ast::Expr& e) {
        NodePtr subject = lower(*e.args[0]);
        NodePtr pattern = convert(lower(*e.args[1]), Type::String);
        NodePtr node;
        if (subject->type == Type::StringList) {
            node = make(Kind::ListContains, Type::Bool, e.span, list(std::move(subject), std::move(pattern)));
        } else {
            node = make(Kind::Text, Type::Bool, e.span,
                        list(convert(std::move(subject), Type::String), std::move(pattern)));
            node->op = op_of(e.op);
        }
        return e.negated ? make(Kind::Not, Type::Bool, e.span, list(std::move(node))) : std::move(node);
    }

    // list contains any/all (a, b) == list contains a or/and list contains b; on a string, substring tests.
    NodePtr contains_list(const ast::Expr& e) {
        std::vector<NodePtr> tests;
        for (size_t i = 1; i < e.args.size(); ++i) {
            NodePtr subject = lower(*e.args[0]);
            NodePtr item = convert(lower(*e.args[i]), Type::String);
            if (subject->type == Type::StringList) {
                tests.push_back(
                    make(Kind::ListContains, Type::Bool, e.span, list(std::move(subject), std::move(item))));
            } else {
                NodePtr test = make(Kind::Text, Type::Bool, e.span,
                                    list(convert(std::move(subject), Type::String), std::move(item)));
                test->op = Op::Contains;
                tests.push_back(std::move(test));
            }
        }
        if (tests.size() == 1) return std::move(tests[0]);
        return make(e.op == ast::Op::Any ? Kind::Or : Kind::And, Type::Bool, e.span, std::move(tests));
    }

    // x within last D == (today - D) <= x and x <= today, with now for timestamps.
    NodePtr within_last(const ast::Expr& e) { return within_last(lower(*e.args[0]), *e.args[1], e.span); }

    NodePtr within_last(NodePtr subject, const ast::Expr& duration, Span span) {
        const ast::Expr& e = duration;  // spans as for `x within last D`: the anchors at D, the tests at the whole
        Type type = subject->type == Type::Timestamp ? Type::Timestamp : Type::Date;
        subject = convert(std::move(subject), type);
        auto anchor = [&] { return make(type == Type::Date ? Kind::Today : Kind::Now, type, e.span); };
        NodePtr from = shift(anchor(), std::get<ast::Duration>(e.value), -1, e.span);
        NodePtr lower_bound = make(Kind::Compare, Type::Bool, span, list(subject->clone(), std::move(from)));
        lower_bound->op = Op::Ge;
        NodePtr upper_bound = make(Kind::Compare, Type::Bool, span, list(std::move(subject), anchor()));
        upper_bound->op = Op::Le;
        return make(Kind::And, Type::Bool, span, list(std::move(lower_bound), std::move(upper_bound)));
    }

    static AggregateFunction aggregate_function(ast::Aggregate aggregate) {
        switch (aggregate) {
            case ast::Aggregate::Count: return AggregateFunction::Count;
            case ast::Aggregate::CountDistinct: return AggregateFunction::CountDistinct;
            case ast::Aggregate::Sum: return AggregateFunction::Sum;
            case ast::Aggregate::Avg: return AggregateFunction::Avg;
            case ast::Aggregate::Min: return AggregateFunction::Min;
            case ast::Aggregate::Max: return AggregateFunction::Max;
            case ast::Aggregate::First: return AggregateFunction::First;
            case ast::Aggregate::Last: return AggregateFunction::Last;
            case ast::Aggregate::Exists: return AggregateFunction::Exists;
        }
        throw std::logic_error("lower: unknown aggregate");
    }

    // An event aggregate: a leaf whose filter (the window and the `where` condition) reads the event table's columns.
    NodePtr aggregate(const ast::Expr& e) {
        const uint32_t index = catalog_.resolution_of(file_, e).index;
        const schema::EventTable& events = catalog_.schema->events.at(index);
        auto spec = std::make_shared<AggregateSpec>();
        spec->function = aggregate_function(e.aggregate);
        spec->events = index;
        if (e.has_column) spec->column = static_cast<uint32_t>(events.find(e.column) - events.columns.data());
        spec->key = ast::format_expr(e);
        const schema::EventTable* outer = std::exchange(events_, &events);
        std::vector<NodePtr> filters;
        if (e.window != ast::Window::None) filters.push_back(window(e, events));
        if (e.has_where) filters.push_back(lower(*e.args.back()));
        events_ = outer;
        if (filters.size() == 1) spec->filter = std::move(filters[0]);
        if (filters.size() == 2) spec->filter = make(Kind::And, Type::Bool, e.span, std::move(filters));
        NodePtr node = make(Kind::Aggregate, runtime_type(checked_type(e)), e.span);
        node->aggregate = std::move(spec);
        return node;
    }

    // The window as the same test of the time column would be lowered: `time within last D`, `time between A and B`,
    // `time before D`, `time after D`.
    NodePtr window(const ast::Expr& e, const schema::EventTable& events) {
        const schema::Column& time = *events.time_column();
        NodePtr subject = make(Kind::Column, column_type(time), e.span);
        subject->column = static_cast<uint32_t>(&time - events.columns.data());
        const semantic::Type time_type = semantic::Type::of_column(time);
        switch (e.window) {
            case ast::Window::WithinLast: return within_last(std::move(subject), *e.args[0], e.span);
            case ast::Window::Between: {
                NodePtr from = bound(Op::Ge, subject->clone(), time_type, *e.args[0], e.span);
                NodePtr to = bound(Op::Le, std::move(subject), time_type, *e.args[1], e.span);
                return make(Kind::And, Type::Bool, e.span, list(std::move(from), std::move(to)));
            }
            case ast::Window::Before: return bound(Op::Lt, std::move(subject), time_type, *e.args[0], e.span);
            case ast::Window::After: return bound(Op::Gt, std::move(subject), time_type, *e.args[0], e.span);
            case ast::Window::None: break;
        }
        throw std::logic_error("lower: an aggregate without a window has no window test");
    }

    // `subject op bound`, compared in their common type as `compare` would.
    NodePtr bound(Op op, NodePtr subject, const semantic::Type& subject_type, const ast::Expr& bound, Span span) {
        if (checked_type(bound).is_null()) return null_of(Type::Bool, span);
        Type type = common(subject_type, checked_type(bound));
        NodePtr node =
            make(Kind::Compare, Type::Bool, span, list(convert(std::move(subject), type), convert(lower(bound), type)));
        node->op = op;
        return node;
    }

    NodePtr call(const ast::Expr& e) {
        const semantic::Resolution& r = catalog_.resolution_of(file_, e);
        auto function = static_cast<semantic::Function>(r.index);
        const semantic::Type result = checked_type(e);
        Type type = runtime_type(result);
        std::vector<NodePtr> args;
        for (const auto& arg : e.args) args.push_back(lower(*arg));
        NodePtr node = make(Kind::Call, type, e.span);
        switch (function) {
            case semantic::Function::Lower: node->function = Function::Lower; break;
            case semantic::Function::Upper: node->function = Function::Upper; break;
            case semantic::Function::Length: node->function = Function::Length; break;
            case semantic::Function::Abs: node->function = Function::Abs; break;
            case semantic::Function::Round: node->function = Function::Round; break;
            case semantic::Function::Coalesce: node->function = Function::Coalesce; break;
            case semantic::Function::Year: node->function = Function::Year; break;
            case semantic::Function::Month: node->function = Function::Month; break;
            case semantic::Function::DayOfWeek: node->function = Function::DayOfWeek; break;
            case semantic::Function::DaysSince: node->function = Function::DaysSince; break;
        }
        switch (node->function) {
            case Function::Lower:
            case Function::Upper: args[0] = convert(std::move(args[0]), Type::String); break;
            case Function::Length:
                if (args[0]->type != Type::StringList) args[0] = convert(std::move(args[0]), Type::String);
                break;
            case Function::Abs: args[0] = convert(std::move(args[0]), type); break;
            case Function::Round:
                args[0] = convert(std::move(args[0]), Type::Number);
                if (args.size() == 2) args[1] = convert(std::move(args[1]), Type::Int);
                break;
            case Function::Coalesce:
                for (auto& arg : args) arg = convert(std::move(arg), type);
                break;
            case Function::Year:
            case Function::Month:
            case Function::DayOfWeek:
            case Function::DaysSince:
                // These read the calendar date, so a timestamp is first reduced to its UTC date.
                if (args[0]->type == Type::Timestamp || args[0]->type == Type::Bool) {
                    if (args[0]->kind == Kind::Constant && is_null(args[0]->constant)) {
                        args[0]->type = Type::Date;
                    } else {
                        Span span = args[0]->span;
                        NodePtr cast = make(Kind::Cast, Type::Date, span, list(std::move(args[0])));
                        cast->op = Op::TimestampToDate;
                        args[0] = std::move(cast);
                    }
                }
                break;
        }
        node->args = std::move(args);
        return node;
    }

    const semantic::Catalog& catalog_;
    size_t file_;
    std::vector<NodePtr> unevaluated_;
    const schema::EventTable* events_ = nullptr;  // while lowering an aggregate's filter: its event table
};

}  // namespace

std::vector<Rule> lower(const semantic::Catalog& catalog) {
    std::vector<Rule> rules;
    rules.reserve(catalog.evaluation_order.size());
    for (size_t index : catalog.evaluation_order) {
        const semantic::Segment& segment = catalog.segments[index];
        Lowerer lowerer(catalog, segment.file);
        Rule rule;
        rule.segment = static_cast<uint32_t>(index);
        rule.name = segment.name;
        rule.root = lowerer.lower(*catalog.definition(index).rule);
        rule.unevaluated = lowerer.take_unevaluated();
        // A rule that is the literal `null` has type bool here; anything else non-bool was rejected by the checker.
        rules.push_back(std::move(rule));
    }
    return rules;
}

}  // namespace segmint::ir
