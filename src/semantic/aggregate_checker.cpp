#include "semantic/aggregate_checker.h"

#include <set>

#include "ast/format.h"
#include "common/suggest.h"

namespace segmint::semantic {

namespace {

using ast::Aggregate;
using ast::Expr;
using ast::ExprKind;
using ast::Window;

std::string list_names(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", `" : "`") + names[i] + "`";
    return out;
}

bool needs_column(Aggregate a) { return a != Aggregate::Count && a != Aggregate::Exists; }

// The first column of `events` whose type `fits`, for an example in a hint; "" when none.
template <typename Fits>
std::string example_column(const schema::EventTable& events, Fits fits) {
    for (const auto& column : events.columns) {
        if (column.name != events.key && fits(column)) return column.name;
    }
    return "";
}

bool numeric(const schema::Column& c) {
    return c.type == schema::ColumnType::Int || c.type == schema::ColumnType::Number;
}

// For sum and avg: a `number` column (an amount) rather than an `int` one (often an id), if there is one.
std::string example_numeric_column(const schema::EventTable& events) {
    std::string number =
        example_column(events, [](const schema::Column& c) { return c.type == schema::ColumnType::Number; });
    return number.empty() ? example_column(events, numeric) : number;
}

// The aggregate's argument as written, for messages: `orders.amount`.
std::string argument_text(const Expr& e) { return e.name + (e.has_column ? "." + e.column : ""); }

// The window operands and `where` of `e`, for spans.
Span window_span(const Expr& e) {
    Span span = e.args[0]->span;
    if (e.window == Window::Between) span = join(span, e.args[1]->span);
    return span;
}

Type result_type(Aggregate a, const schema::Column* column) {
    switch (a) {
        case Aggregate::Count:
        case Aggregate::CountDistinct: return Type::of(TypeKind::Int);
        case Aggregate::Exists: return Type::of(TypeKind::Bool);
        case Aggregate::Avg: return Type::of(TypeKind::Number);
        case Aggregate::Sum:
            return Type::of(column->type == schema::ColumnType::Int ? TypeKind::Int : TypeKind::Number);
        case Aggregate::Min:
        case Aggregate::Max:
        case Aggregate::First:
        case Aggregate::Last: return Type::of_column(*column);
    }
    return Type::of(TypeKind::Error);
}

class AggregateCheck {
public:
    AggregateCheck(const Expr& e, const Catalog& catalog, FileTables& tables, RuleHooks& hooks)
        : e_(e), catalog_(catalog), tables_(tables), hooks_(hooks), function_(ast::aggregate_name(e.aggregate)) {}

    Type run(const NameScope& scope) {
        if (scope.events || scope.bound) {
            hooks_.report_error(Code::AggregateMisuse, e_.span,
                                scope.events ? "an aggregate cannot be used inside the `where` condition of another"
                                             : "a window bound cannot hold an aggregate",
                                scope.events ? "`where` tests one event at a time; compare aggregates outside it"
                                             : "window bounds are constants or `today`/`now` arithmetic");
            return Type::of(TypeKind::Error);
        }
        const schema::EventTable* events = find_events();
        if (!events) return Type::of(TypeKind::Error);
        const schema::Column* column = nullptr;
        if (e_.has_column) {
            column = events->find(e_.column);
            if (!column) return unknown_column(*events);
        }
        bool ok = check_function(*events, column);
        if (ok && (e_.aggregate == Aggregate::First || e_.aggregate == Aggregate::Last) && !events->time_column()) {
            ok = misuse(e_.span,
                        "event table `" + events->name + "` has no time column, so its events have no order and `" +
                            function_ + "` has no meaning",
                        "give the table a `time:` column in the schema, or use `min`/`max`");
        }
        ok = check_window(*events) && ok;
        ok = check_where(*events) && ok;
        if (!ok) return Type::of(TypeKind::Error);
        tables_.resolutions[e_.id] = {Resolution::Kind::EventTable,
                                      static_cast<uint32_t>(events - catalog_.schema->events.data())};
        return result_type(e_.aggregate, column);
    }

private:
    const schema::EventTable* find_events() {
        const schema::Schema& schema = *catalog_.schema;
        if (const auto* events = schema.find_events(e_.name)) return events;
        const std::vector<std::string> names = schema.event_names();
        std::string hint = did_you_mean(e_.name, names);
        std::string what = "`" + e_.name + "` is not an event table";
        if (schema.find(e_.name)) {
            what += ": it is a column of the customer table, and aggregates read event tables";
        } else if (catalog_.segment_index.count(e_.name)) {
            what += ": it is a segment, and aggregates read event tables";
        }
        if (hint.empty()) {
            hint = names.empty() ? "the schema declares no event tables (`events:` in the schema file)"
                                 : "the event tables are " + list_names(names);
        }
        hooks_.report_error(Code::UnknownEventTable, e_.name_span, what, hint);
        return nullptr;
    }

    Type unknown_column(const schema::EventTable& events) {
        const std::vector<std::string> names = events.column_names();
        std::string hint = did_you_mean(e_.column, names);
        if (hint.empty()) hint = "the columns of `" + events.name + "` are " + list_names(names);
        hooks_.report_error(Code::UnknownEventColumn, e_.column_span,
                            "event table `" + events.name + "` has no column `" + e_.column + "`", hint);
        return Type::of(TypeKind::Error);
    }

    bool misuse(Span span, std::string message, std::string hint = {}) {
        hooks_.report_error(Code::AggregateMisuse, span, std::move(message), std::move(hint));
        return false;
    }

    bool check_function(const schema::EventTable& events, const schema::Column* column) {
        const Aggregate a = e_.aggregate;
        if (!column) {
            if (!needs_column(a)) return true;
            std::string example = a == Aggregate::Sum || a == Aggregate::Avg
                                      ? example_numeric_column(events)
                                      : example_column(events, [](const schema::Column&) { return true; });
            return misuse(e_.span,
                          "`" + function_ + "` needs a column of `" + events.name + "`, not the events themselves",
                          example.empty() ? "write `" + function_ + "(" + events.name + ".COLUMN)`"
                                          : "e.g. `" + function_ + "(" + events.name + "." + example + ")`");
        }
        const std::string type = schema::column_type_name(column->type);
        if ((a == Aggregate::Sum || a == Aggregate::Avg) && !numeric(*column)) {
            std::string example = example_numeric_column(events);
            return misuse(e_.column_span,
                          "`" + function_ + "` needs a numeric column, but `" + argument_text(e_) + "` is " + type,
                          example.empty() ? "`count` counts events; `count_distinct` counts distinct values"
                                          : "e.g. `" + function_ + "(" + events.name + "." + example + ")`");
        }
        const bool list = column->type == schema::ColumnType::StringList;
        if ((a == Aggregate::Min || a == Aggregate::Max) && (list || column->type == schema::ColumnType::Bool)) {
            return misuse(e_.column_span,
                          "`" + function_ + "` needs values with an order, but `" + argument_text(e_) + "` is " + type,
                          column->type == schema::ColumnType::Bool
                              ? "test `exists(" + events.name + " where " + column->name + ")` instead"
                              : "");
        }
        if (a == Aggregate::CountDistinct && list) {
            return misuse(e_.column_span, "`count_distinct` does not take a list column (`" + argument_text(e_) + "`)");
        }
        return true;
    }

    bool check_window(const schema::EventTable& events) {
        if (e_.window == Window::None) return true;
        const schema::Column* time = events.time_column();
        if (!time) {
            return misuse(window_span(e_),
                          "event table `" + events.name + "` has no time column, so `" + function_ +
                              "` cannot take a window (`" + ast::window_text(e_.window) + "`)",
                          "give the table a `time:` column in the schema, or filter with `where`");
        }
        const bool date = time->type == schema::ColumnType::Date;
        NameScope bound;
        bound.bound = true;
        if (e_.window == Window::WithinLast) {
            hooks_.check_in(*e_.args[0], bound);
            const auto& duration = std::get<ast::Duration>(e_.args[0]->value);
            const bool sub_day = duration.unit == ast::DurationUnit::Hour ||
                                 duration.unit == ast::DurationUnit::Minute ||
                                 duration.unit == ast::DurationUnit::Second;
            if (date && sub_day) {
                hooks_.report_error(Code::TypeMismatch, e_.args[0]->span,
                                    "the time column of `" + events.name + "` (`" + time->name +
                                        "`) is a date, which moves in whole days; use days, weeks, months or years "
                                        "here");
                return false;
            }
            return true;
        }
        bool ok = true;
        const size_t bounds = e_.window == Window::Between ? 2 : 1;
        for (size_t i = 0; i < bounds; ++i) {
            Type type = hooks_.check_in(*e_.args[i], bound);
            if (type.is_error()) {
                ok = false;
            } else if (!type.is_temporal() && !type.is_null()) {
                hooks_.report_error(Code::TypeMismatch, e_.args[i]->span,
                                    std::string("a window bound is a date or timestamp, found ") + type_name(type),
                                    type.is(TypeKind::String) ? "write dates without quotes: 2026-01-31" : "");
                ok = false;
            }
        }
        return ok;
    }

    // A window bound as written: a date or timestamp literal, today, now, or arithmetic on one of them.
    static bool time_bound(const Expr& e) {
        if (e.kind == ExprKind::Today || e.kind == ExprKind::Now) return true;
        if (e.kind == ExprKind::Literal) {
            return std::holds_alternative<ast::Date>(e.value) || std::holds_alternative<ast::Timestamp>(e.value);
        }
        return e.kind == ExprKind::Arithmetic && !e.args.empty() && time_bound(*e.args[0]);
    }

    // `count(orders where gift within last 7 days)`: a window written after `where` that parses as part of the
    // condition, on a column that is not a date or timestamp. Reported (true) with a hint that moves the window.
    bool window_in_condition(const schema::EventTable& events, const Expr& condition) {
        const Expr* tail = &condition;
        if (condition.kind == ExprKind::And && !condition.parenthesized) tail = condition.args.back().get();
        // `between` also compares numbers and text: it reads as a window only with time bounds.
        const bool window = tail->kind == ExprKind::WithinLast || tail->kind == ExprKind::TimeOrder ||
                            (tail->kind == ExprKind::Between && !tail->negated && time_bound(*tail->args[1]));
        if (!window || tail->parenthesized || e_.window != Window::None) return false;
        const Expr& subject = *tail->args[0];
        const schema::Column* column =
            subject.kind == ExprKind::Name && !subject.has_column ? events.find(subject.name) : nullptr;
        if (!column || column->type == schema::ColumnType::Date || column->type == schema::ColumnType::Timestamp) {
            return false;
        }
        // The aggregate with the window before `where`.
        std::string moved = ast::format_expr(*tail);
        moved = moved.substr(ast::format_expr(subject).size());
        std::string rest;
        if (tail != &condition) {
            for (size_t i = 0; i + 1 < condition.args.size(); ++i) {
                const Expr& arg = *condition.args[i];
                const std::string text = ast::format_expr(arg);
                rest += (arg.kind == ExprKind::Or ? "(" + text + ")" : text) + " and ";
            }
        }
        // The subject stays a condition of `where` only if it is one (a bool column); otherwise it was what the
        // misplaced window tested, and the call keeps the other conditions, if any.
        if (column->type == schema::ColumnType::Bool) {
            rest += ast::format_expr(subject);
        } else if (rest.size() >= 5) {
            rest.resize(rest.size() - 5);  // the last " and "
        }
        // As fmt writes it, `fn(ARGUMENT where ...)` (no window): the argument with the backquotes it needs.
        const std::string written = ast::format_expr(e_);
        const size_t open = function_.size() + 1;
        const std::string argument = written.substr(open, written.find(" where ", open) - open);
        const std::string fixed = function_ + "(" + argument + moved + (rest.empty() ? "" : " where " + rest) + ")";
        const char* keyword = tail->kind == ExprKind::WithinLast ? "within last"
                              : tail->kind == ExprKind::Between  ? "between"
                                                                 : ast::op_text(tail->op);
        hooks_.report_error(Code::TypeMismatch, tail->span,
                            std::string("`") + keyword + "` needs a date or timestamp on its left, but `" +
                                subject.name + "` is " + schema::column_type_name(column->type),
                            "if this is the window of `" + function_ + "`, it goes before `where`: `" + fixed + "`");
        return true;
    }

    bool check_where(const schema::EventTable& events) {
        if (!e_.has_where) return true;
        const Expr& condition = *e_.args.back();
        if (window_in_condition(events, condition)) return false;
        NameScope scope;
        scope.events = &events;
        Type type = hooks_.check_in(condition, scope);
        if (type.is_error()) return false;
        if (!type.is(TypeKind::Bool) && !type.is_null()) {
            hooks_.report_error(Code::TypeMismatch, condition.span,
                                "the `where` condition must be a condition (bool), but this is " + type_name(type),
                                type.is_numeric() ? "compare it with something, e.g. `... > 0`" : "");
            return false;
        }
        return true;
    }

    const Expr& e_;
    const Catalog& catalog_;
    FileTables& tables_;
    RuleHooks& hooks_;
    std::string function_;
};

// What follows the argument in an aggregate as fmt writes it (` within last 90 days where channel = "web"`, or
// nothing): the argument ends at the first blank outside backquotes.
std::string events_suffix(const std::string& written) {
    size_t i = written.find('(') + 1;
    bool quoted = false;
    for (; i < written.size(); ++i) {
        if (written[i] == '`') quoted = !quoted;
        if (!quoted && (written[i] == ' ' || written[i] == ')')) break;
    }
    return i < written.size() && written[i] == ' ' ? written.substr(i, written.size() - 1 - i) : "";
}

// The nullable aggregate `operand` is or computes with (`avg(orders.amount) * 2`), if any.
const Expr* nullable_aggregate(const Expr& operand) {
    if (operand.kind == ExprKind::Aggregate) {
        const Aggregate a = operand.aggregate;
        const bool nullable = a == Aggregate::Avg || a == Aggregate::Min || a == Aggregate::Max ||
                              a == Aggregate::First || a == Aggregate::Last;
        return nullable ? &operand : nullptr;
    }
    if (operand.kind == ExprKind::Arithmetic || operand.kind == ExprKind::Negate) {
        for (const auto& arg : operand.args) {
            if (const Expr* found = nullable_aggregate(*arg)) return found;
        }
    }
    return nullptr;
}

// Tables whose emptiness the rule tests itself, or through the segments it refers to: exists()/count() of them, or
// `is [not] null` of one of their aggregates.
void collect_guarded(const Expr& e, const Catalog& catalog, std::set<std::string>& guarded, std::set<size_t>& visited) {
    if (e.kind == ExprKind::Aggregate && (e.aggregate == Aggregate::Exists || e.aggregate == Aggregate::Count)) {
        guarded.insert(e.name);
    }
    if (e.kind == ExprKind::IsNull) {
        if (const Expr* a = nullable_aggregate(*e.args[0])) guarded.insert(a->name);
    }
    if (e.kind == ExprKind::Name && !e.has_column && !catalog.schema->find(e.name)) {
        auto segment = catalog.segment_index.find(e.name);
        if (segment != catalog.segment_index.end() && visited.insert(segment->second).second) {
            if (const auto& rule = catalog.definition(segment->second).rule) {
                collect_guarded(*rule, catalog, guarded, visited);
            }
        }
    }
    for (const auto& arg : e.args) collect_guarded(*arg, catalog, guarded, visited);
}

class NullWithoutEvents {
public:
    NullWithoutEvents(const std::set<std::string>& guarded, RuleHooks& hooks) : guarded_(guarded), hooks_(hooks) {}

    void visit(const Expr& e, bool negated) {
        switch (e.kind) {
            case ExprKind::Not: visit(*e.args[0], !negated); return;
            case ExprKind::And:
            case ExprKind::Or:
                for (const auto& arg : e.args) visit(*arg, negated);
                return;
            case ExprKind::Aggregate:
            case ExprKind::IsNull: return;
            default: break;
        }
        // A predicate: which operand is the nullable aggregate, and does the test read as "less / other than"?
        const Expr* left = e.args.empty() ? nullptr : nullable_aggregate(*e.args[0]);
        const Expr* right = e.args.size() < 2 ? nullptr : nullable_aggregate(*e.args[1]);
        bool less = false;
        switch (e.kind) {
            case ExprKind::Compare:
                less = e.op == ast::Op::Ne || (left && (e.op == ast::Op::Lt || e.op == ast::Op::Le)) ||
                       (right && (e.op == ast::Op::Gt || e.op == ast::Op::Ge));
                break;
            case ExprKind::TimeOrder:
                less = (left && e.op == ast::Op::Before) || (right && e.op == ast::Op::After);
                break;
            case ExprKind::Between:
            case ExprKind::In:
            case ExprKind::TextMatch: less = left && e.negated; break;
            default: break;
        }
        const Expr* aggregate = left ? left : right;
        if (!aggregate || less == negated || guarded_.count(aggregate->name)) return;
        const std::string text = ast::format_expr(*aggregate);
        const std::string predicate = ast::format_expr(e);
        const bool windowed = aggregate->window != ast::Window::None || aggregate->has_where;
        // `exists` of the same events: the table with the aggregate's window and `where`.
        const std::string events = "exists(" + aggregate->name + events_suffix(text) + ")";
        std::string hint = "if they should be members, write `not " + events + " or " +
                           (predicate.size() <= 80 ? predicate : "...") + "`; if not, add `" + events +
                           " and` to say so";
        hooks_.report_warning(Code::NoEventsIsNull, e.span,
                              "`" + text + "` is NULL for a customer with no " + (windowed ? "matching " : "") + "`" +
                                  aggregate->name + "` events, so this is not TRUE for them and they are not members",
                              hint);
    }

private:
    const std::set<std::string>& guarded_;
    RuleHooks& hooks_;
};

}  // namespace

Type check_aggregate(const Expr& e, const NameScope& scope, const Catalog& catalog, FileTables& tables,
                     RuleHooks& hooks) {
    return AggregateCheck(e, catalog, tables, hooks).run(scope);
}

Type check_scoped_name(const Expr& e, const NameScope& scope, bool compared_with_value, const Catalog& catalog,
                       FileTables& tables, RuleHooks& hooks) {
    const std::string written = argument_text(e);
    if (scope.bound) {
        hooks.report_error(Code::AggregateMisuse, e.span, "a window bound cannot read a column (`" + written + "`)",
                           "window bounds are constants or `today`/`now` arithmetic, e.g. `today - 30 days`");
        return Type::of(TypeKind::Error);
    }
    if (e.has_column) {
        const schema::EventTable* events = catalog.schema->find_events(e.name);
        std::string example = "`max(" + written + ")`";
        hooks.report_error(
            events ? Code::AggregateMisuse : Code::UnknownEventTable, e.span,
            events ? "`" + written + "` is a column of event table `" + e.name + "`: it is read through an aggregate"
                   : "`" + e.name + "` is not an event table",
            events ? "e.g. " + example + " or `exists(" + e.name + " where ...)`"
                   : did_you_mean(e.name, catalog.schema->event_names()));
        return Type::of(TypeKind::Error);
    }
    const schema::EventTable& events = *scope.events;
    if (const schema::Column* column = events.find(e.name)) {
        tables.resolutions[e.id] = {Resolution::Kind::EventColumn,
                                    static_cast<uint32_t>(column - events.columns.data())};
        return Type::of_column(*column);
    }
    std::string hint = did_you_mean(e.name, events.column_names());
    std::string message = "unknown name `" + e.name + "`: it is not a column of `" + events.name + "`";
    if (catalog.schema->find(e.name) || catalog.segment_index.count(e.name)) {
        message += std::string(" (`") + e.name + "` is a " +
                   (catalog.schema->find(e.name) ? "customer column" : "segment") +
                   ", which `where` cannot see: inside `where`, names are the event table's columns)";
        if (hint.empty()) hint = "test customer columns and segments outside the aggregate, joined with `and`";
    }
    if (hint.empty() && compared_with_value) {
        hint = e.backquoted ? "backquotes name a column; a string is written in double quotes: "
                            : "to mean the text, write it in double quotes: ";
        hint += "\"" + e.name + "\"";
    }
    if (hint.empty()) hint = "the columns of `" + events.name + "` are " + list_names(events.column_names());
    hooks.report_error(Code::UnknownName, e.span, message, hint);
    return Type::of(TypeKind::Error);
}

void report_malformed_aggregate(const Expr& e, RuleHooks& hooks) {
    hooks.report_error(Code::AggregateMisuse, e.span,
                       "`" + e.name +
                           "` is an event aggregate: its argument is one event table or column, with an "
                           "optional window and `where`",
                       "e.g. `" + e.name + (e.name == "count" || e.name == "exists" ? "(orders" : "(orders.amount") +
                           " within last 90 days where channel = \"web\")`; the window goes before `where`");
}

void warn_null_without_events(const Expr& rule, const Catalog& catalog, RuleHooks& hooks) {
    std::set<std::string> guarded;
    std::set<size_t> visited;
    collect_guarded(rule, catalog, guarded, visited);
    NullWithoutEvents(guarded, hooks).visit(rule, false);
}

}  // namespace segmint::semantic
