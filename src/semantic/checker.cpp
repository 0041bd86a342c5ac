// Name resolution and type checking of every rule. Errors are collected, never thrown; an expression whose type is
// already an error produces no further messages, so one mistake yields one diagnostic.
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/suggest.h"
#include "common/text_format.h"
#include "semantic/aggregate_checker.h"
#include "semantic/catalog.h"

namespace segmint::semantic {

namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Op;

bool is_literal(const Expr& e) { return e.kind == ExprKind::Literal; }
bool is_null_literal(const Expr& e) { return is_literal(e) && std::holds_alternative<std::monostate>(e.value); }
const std::string* string_literal(const Expr& e) {
    return is_literal(e) ? std::get_if<std::string>(&e.value) : nullptr;
}

class RuleChecker : public RuleHooks {
public:
    RuleChecker(Catalog& catalog, size_t file, size_t segment, DiagnosticSink& sink)
        : catalog_(catalog),
          file_(file),
          segment_(segment),
          sink_(sink),
          source_(catalog.files[file].source),
          tables_(catalog.tables[file]) {}

    // Returns true when the rule checked without errors.
    bool check_rule(const Expr& rule) {
        Type type = check(rule);
        if (!type.is_error() && !type.is(TypeKind::Bool)) {
            error(Code::RuleNotCondition, rule.span,
                  "a segment rule must be a condition (bool), but this is " + type_name(type),
                  type.is_numeric() ? "compare it with something, e.g. `... > 0`" : "");
        }
        if (!failed_) warn_null_without_events(rule, catalog_, *this);
        return !failed_;
    }

    Type check_in(const Expr& e, const NameScope& scope) override {
        const NameScope outer = scope_;
        scope_ = scope;
        Type type = check(e);
        scope_ = outer;
        return type;
    }
    void report_error(Code code, Span span, std::string message, std::string hint) override {
        error(code, span, std::move(message), std::move(hint));
    }
    void report_warning(Code code, Span span, std::string message, std::string hint) override {
        warning(code, span, std::move(message), std::move(hint));
    }

private:
    void error(Code code, Span span, std::string message, std::string hint = {}) {
        failed_ = true;
        sink_.error(code, source_, span, std::move(message), std::move(hint));
    }
    void warning(Code code, Span span, std::string message, std::string hint = {}) {
        sink_.warning(code, source_, span, std::move(message), std::move(hint));
    }

    std::string source_text(Span span) const { return source_->text().substr(span.begin, span.end - span.begin); }

    std::string slashed_date_hint(const Expr& e) const { return semantic::slashed_date_hint(source_text(e.span)); }

    Type record(const Expr& e, Type type) {
        tables_.types[e.id] = type;
        return type;
    }

    Type check(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Literal: return record(e, literal_type(e.value));
            case ExprKind::Name: return record(e, name(e));
            case ExprKind::Today: return record(e, Type::of(TypeKind::Date));
            case ExprKind::Now: return record(e, Type::of(TypeKind::Timestamp));
            case ExprKind::Call: return record(e, call(e));
            case ExprKind::Negate: return record(e, negate(e));
            case ExprKind::Arithmetic: return record(e, arithmetic(e));
            case ExprKind::Compare: return record(e, compare(e));
            case ExprKind::Between: return record(e, between(e));
            case ExprKind::In: return record(e, in_list(e));
            case ExprKind::IsNull: return record(e, is_null(e));
            case ExprKind::TextMatch: return record(e, text_match(e));
            case ExprKind::ContainsList: return record(e, contains_list(e));
            case ExprKind::WithinLast: return record(e, within_last(e));
            case ExprKind::TimeOrder: return record(e, time_order(e));
            case ExprKind::Not:
            case ExprKind::And:
            case ExprKind::Or: return record(e, logical(e));
            case ExprKind::Aggregate: return record(e, check_aggregate(e, scope_, catalog_, tables_, *this));
        }
        return Type::of(TypeKind::Error);
    }

    static Type literal_type(const ast::Value& value) {
        switch (value.index()) {
            case 0: return Type::of(TypeKind::Null);
            case 1: return Type::of(TypeKind::Bool);
            case 2: return Type::of(TypeKind::Int);
            case 3: return Type::of(TypeKind::Number);
            case 4: return Type::of(TypeKind::String);
            case 5: return Type::of(TypeKind::Date);
            case 6: return Type::of(TypeKind::Timestamp);
            default: return Type::of(TypeKind::Duration);
        }
    }

    // An operand compared with a value: an unknown bare name there was probably meant as text (`country = Germany`),
    // unless the other side (`other`, when there is one) is plainly not text (`nope > 1`).
    Type check_value(const Expr& e, const Expr* other = nullptr) {
        if (e.kind != ExprKind::Name) return check(e);
        return record(e, name(e, other == nullptr || may_be_text(*other)));
    }

    // Without checking it: a string literal, a text column, or a name that is not a column.
    bool may_be_text(const Expr& e) const {
        if (e.kind == ExprKind::Literal) return std::holds_alternative<std::string>(e.value);
        if (e.kind != ExprKind::Name) return false;
        const schema::Column* column = scope_.events ? scope_.events->find(e.name) : catalog_.schema->find(e.name);
        return column == nullptr || Type::of_column(*column).is_text();
    }

    Type name(const Expr& e, bool compared_with_value = false) {
        if (scope_.events || scope_.bound || e.has_column)
            return check_scoped_name(e, scope_, compared_with_value, catalog_, tables_, *this);
        const schema::Column* column = catalog_.schema->find(e.name);
        auto segment = catalog_.segment_index.find(e.name);
        const bool is_segment = segment != catalog_.segment_index.end();
        if (column && is_segment) {
            // Reported once at the segment's definition (see check()); nothing more here.
            failed_ = true;
            return Type::of(TypeKind::Error);
        }
        if (column) {
            tables_.resolutions[e.id] = {Resolution::Kind::Column, static_cast<uint32_t>(column->index)};
            return Type::of_column(*column);
        }
        if (is_segment) {
            tables_.resolutions[e.id] = {Resolution::Kind::Segment, static_cast<uint32_t>(segment->second)};
            auto& deps = catalog_.segments[segment_].depends_on;
            if (std::find(deps.begin(), deps.end(), segment->second) == deps.end()) deps.push_back(segment->second);
            return Type::of(TypeKind::Bool);
        }
        std::vector<std::string> candidates = catalog_.schema->column_names();
        for (const auto& s : catalog_.segments) candidates.push_back(s.name);
        std::string hint = did_you_mean(e.name, candidates);
        if (hint.empty() && find_function(e.name))
            hint = "`" + e.name + "` is a function: call it as `" + e.name + "(...)`";
        if (hint.empty() && compared_with_value) {
            hint = e.backquoted ? "backquotes name a column or segment; a string is written in double quotes: "
                                : "to mean the text, write it in double quotes: ";
            hint += quote_literal(e.name);
        }
        error(Code::UnknownName, e.span, "unknown name `" + e.name + "`: it is neither a column nor a segment", hint);
        return Type::of(TypeKind::Error);
    }

    Type call(const Expr& e) {
        if (ast::find_aggregate(e.name)) {
            report_malformed_aggregate(e, *this);
            return Type::of(TypeKind::Error);
        }
        const FunctionInfo* function = find_function(e.name);
        std::vector<Type> args;
        for (const auto& arg : e.args) args.push_back(check(*arg));
        if (!function) {
            std::string hint = did_you_mean(e.name, function_names());
            if (hint.empty()) {
                hint = "the functions are";
                for (const auto& f : all_functions()) hint += std::string(" ") + f.name;
            }
            error(Code::UnknownFunction, e.operator_span, "unknown function `" + e.name + "`", hint);
            return Type::of(TypeKind::Error);
        }
        tables_.resolutions[e.id] = {Resolution::Kind::Function, static_cast<uint32_t>(function->id)};
        if (args.size() < function->min_args || args.size() > function->max_args) {
            std::string expected = function->min_args == function->max_args ? std::to_string(function->min_args)
                                   : function->max_args >= 16 ? "at least " + std::to_string(function->min_args)
                                                              : std::to_string(function->min_args) + " or " +
                                                                    std::to_string(function->max_args);
            error(Code::WrongArgumentCount, e.span,
                  "`" + e.name + "` takes " + expected + " argument" + (expected == "1" ? "" : "s") + ", but " +
                      std::to_string(args.size()) + (args.size() == 1 ? " was" : " were") + " given",
                  std::string("signature: ") + function->signature);
            return Type::of(TypeKind::Error);
        }
        CallTyping typing = type_call(function->id, args);
        if (!typing.error.empty()) {
            error(Code::TypeMismatch, e.args[typing.bad_argument]->span, "`" + e.name + "` " + typing.error,
                  std::string("signature: ") + function->signature);
        }
        return typing.result;
    }

    Type negate(const Expr& e) {
        Type operand = check(*e.args[0]);
        if (operand.is_error()) return operand;
        if (operand.is_numeric()) return operand;
        if (operand.is_null()) return Type::of(TypeKind::Int);
        error(Code::TypeMismatch, e.args[0]->span, "unary `-` needs a number, found " + type_name(operand));
        return Type::of(TypeKind::Error);
    }

    Type arithmetic(const Expr& e) {
        Type left = check(*e.args[0]);
        Type right = check(*e.args[1]);
        if (left.is_error() || right.is_error()) return Type::of(TypeKind::Error);
        const char* op = ast::op_text(e.op);
        // Date and time arithmetic: date ± duration, timestamp ± duration, duration + date.
        if (e.op == Op::Add || e.op == Op::Sub) {
            const Expr* duration_side = right.is(TypeKind::Duration)                       ? e.args[1].get()
                                        : (e.op == Op::Add && left.is(TypeKind::Duration)) ? e.args[0].get()
                                                                                           : nullptr;
            Type other = duration_side == e.args[1].get() ? left : right;
            if (duration_side && (other.is_temporal() || other.is_null())) {
                const auto& duration = std::get<ast::Duration>(duration_side->value);
                bool sub_day = duration.unit == ast::DurationUnit::Hour || duration.unit == ast::DurationUnit::Minute ||
                               duration.unit == ast::DurationUnit::Second;
                if (other.is(TypeKind::Date) && sub_day) {
                    error(
                        Code::TypeMismatch, duration_side->span,
                        "a date moves in whole days; `" + ast::value_text(duration_side->value) + "` needs a timestamp",
                        "use `now` instead of `today`, or a duration in days, weeks, months or years");
                    return Type::of(TypeKind::Error);
                }
                // `null ± duration` is NULL of the type the duration implies.
                if (other.is_null()) return Type::of(sub_day ? TypeKind::Timestamp : TypeKind::Date);
                return other;
            }
        }
        if (left.is(TypeKind::Duration) || right.is(TypeKind::Duration)) {
            error(Code::TypeMismatch, e.operator_span,
                  std::string("a duration can only be added to or subtracted from a date or timestamp, not used "
                              "with `") +
                      op + "` and " + type_name(left.is(TypeKind::Duration) ? right : left),
                  "write e.g. `today - 30 days`");
            return Type::of(TypeKind::Error);
        }
        bool left_ok = left.is_numeric() || left.is_null();
        bool right_ok = right.is_numeric() || right.is_null();
        if (!left_ok || !right_ok) {
            const Expr& bad = left_ok ? *e.args[1] : *e.args[0];
            std::string hint;
            if (left.is_temporal() && right.is_temporal() && e.op == Op::Sub) {
                hint = "for the days between two dates use `days_since(...)`";
            } else if (left.is_temporal() && right.is(TypeKind::Int) && is_literal(*e.args[1])) {
                // `today - 30`: a duration needs its unit.
                const std::string written = source_text(e.span);
                hint = "add a unit: `" +
                       (written.size() <= 60 && written.find('\n') == std::string::npos ? written
                                                                                        : std::string("today - 30")) +
                       " days`";
            }
            error(Code::TypeMismatch, bad.span,
                  std::string("`") + op + "` needs numbers, found " + type_name(left_ok ? right : left), hint);
            return Type::of(TypeKind::Error);
        }
        if (e.op == Op::Div) return Type::of(TypeKind::Number);
        if (left.is(TypeKind::Number) || right.is(TypeKind::Number)) return Type::of(TypeKind::Number);
        return Type::of(TypeKind::Int);
    }

    // Checks a string literal compared with an enum-typed value; returns false (reported) if it is not a value.
    bool check_enum_literal(const Type& enum_type, const Expr& other) {
        const std::string* text = string_literal(other);
        if (!enum_type.is(TypeKind::Enum) || !text || !enum_type.enum_column) return true;
        const schema::Column& column = *enum_type.enum_column;
        if (column.enum_index(*text)) return true;
        std::string hint = did_you_mean(*text, column.enum_values);
        if (hint.empty())
            hint = enum_values_hint(column);
        else
            hint += " (" + enum_values_hint(column) + ")";
        error(Code::UnknownEnumValue, other.span, "\"" + *text + "\" is not a value of enum `" + column.name + "`",
              hint);
        return false;
    }

    // Whether two operand types can be compared with `op` (equality or ordering); reports and returns false if not.
    bool comparable(const Expr& where, const Type& left, const Type& right, bool ordering, const Expr& left_expr,
                    const Expr& right_expr) {
        if (left.is_error() || right.is_error()) return false;
        Type common;
        bool ok =
            common_type(left, right, &common) && !common.is(TypeKind::Duration) && !common.is(TypeKind::StringList);
        if (!ok) {
            std::string hint;
            if (left.is(TypeKind::StringList) || right.is(TypeKind::StringList)) {
                hint = "test list membership with `contains`, `contains any (...)` or `contains all (...)`";
            } else if ((left.is_temporal() && right.is(TypeKind::String)) ||
                       (right.is_temporal() && left.is(TypeKind::String))) {
                hint = "write dates without quotes: 2026-01-31";
            } else if (left.is(TypeKind::Duration) || right.is(TypeKind::Duration)) {
                hint = "a duration is relative; compare with `today - 30 days` or use `within last 30 days`";
            } else if (left.is_temporal() || right.is_temporal()) {
                hint = slashed_date_hint(left.is_temporal() ? right_expr : left_expr);
            }
            error(Code::TypeMismatch,
                  where.operator_span.end > where.operator_span.begin ? join(left_expr.span, right_expr.span)
                                                                      : where.span,
                  "cannot compare " + type_name(left) + " with " + type_name(right), hint);
            return false;
        }
        if (ordering && (common.is(TypeKind::Enum) || (left.is(TypeKind::Enum) && right.is_text()) ||
                         (right.is(TypeKind::Enum) && left.is_text()))) {
            error(Code::TypeMismatch, where.span, "enum values have no order; `<`, `>` and `between` do not apply",
                  "list the values you want with `in (...)`");
            return false;
        }
        if (ordering && common.is(TypeKind::Bool)) {
            error(Code::TypeMismatch, where.span, "bool values have no order");
            return false;
        }
        if (!check_enum_literal(left, right_expr) || !check_enum_literal(right, left_expr)) return false;
        return true;
    }

    Type compare(const Expr& e) {
        const Expr& lhs = *e.args[0];
        const Expr& rhs = *e.args[1];
        Type left = check_value(lhs, &rhs);
        Type right = check_value(rhs, &lhs);
        const bool ordering = e.op != Op::Eq && e.op != Op::Ne;
        if (is_null_literal(lhs) || is_null_literal(rhs)) {
            warning(Code::CompareWithNull, e.span,
                    std::string("comparison with null is never true (it is null for every customer)"),
                    e.op == Op::Ne ? "write `is not null`" : "write `is null`");
        }
        if (!comparable(e, left, right, ordering, lhs, rhs)) return Type::of(TypeKind::Error);
        // An int can never equal a number with a fractional part.
        for (int side = 0; side < 2; ++side) {
            const Type& int_side = side == 0 ? left : right;
            const Expr& other = side == 0 ? rhs : lhs;
            const double* value = is_literal(other) ? std::get_if<double>(&other.value) : nullptr;
            if (int_side.is(TypeKind::Int) && value && std::floor(*value) != *value &&
                (e.op == Op::Eq || e.op == Op::Ne)) {
                warning(Code::NeverTrue, e.span,
                        std::string("an int is never equal to ") + ast::value_text(other.value) +
                            (e.op == Op::Eq ? "; this comparison is never true" : "; this comparison is always true"));
            }
        }
        return Type::of(TypeKind::Bool);
    }

    Type between(const Expr& e) {
        Type value = check(*e.args[0]);
        Type low = check(*e.args[1]);
        Type high = check(*e.args[2]);
        if (!comparable(e, value, low, true, *e.args[0], *e.args[1]) ||
            !comparable(e, value, high, true, *e.args[0], *e.args[2])) {
            return Type::of(TypeKind::Error);
        }
        return Type::of(TypeKind::Bool);
    }

    Type in_list(const Expr& e) {
        const Expr& value_expr = *e.args[0];
        Type value = check(value_expr);
        bool ok = !value.is_error();
        std::set<std::string> seen;
        for (size_t i = 1; i < e.args.size(); ++i) {
            const Expr& item = *e.args[i];
            Type item_type = check_value(item, &value_expr);
            if (is_null_literal(item)) {
                if (e.negated) {
                    // SQL's classic trap: x not in (a, null) is never TRUE.
                    warning(Code::CompareWithNull, item.span,
                            "`null` in a `not in` list makes the test NULL for every value not in the list, so it is "
                            "never TRUE",
                            "remove `null` and add `or x is null` if missing values should count");
                } else {
                    warning(Code::CompareWithNull, item.span, "`null` in a list never matches",
                            "test for missing values with `is null`");
                }
                continue;
            }
            if (ok && !comparable(e, value, item_type, false, value_expr, item)) ok = false;
            if (is_literal(item)) {
                std::string key = std::to_string(item.value.index()) + ":" + ast::value_text(item.value);
                if (!seen.insert(key).second) {
                    warning(Code::DuplicateListItem, item.span,
                            ast::value_text(item.value) + " appears more than once in this list", "remove the repeat");
                }
            }
        }
        return ok ? Type::of(TypeKind::Bool) : Type::of(TypeKind::Error);
    }

    Type is_null(const Expr& e) {
        Type operand = check(*e.args[0]);
        if (operand.is(TypeKind::Duration)) {
            error(Code::TypeMismatch, e.args[0]->span, "a duration literal is never null");
            return Type::of(TypeKind::Error);
        }
        return operand.is_error() ? operand : Type::of(TypeKind::Bool);
    }

    Type text_match(const Expr& e) {
        Type subject = check(*e.args[0]);
        Type pattern = check_value(*e.args[1]);
        if (subject.is_error() || pattern.is_error()) return Type::of(TypeKind::Error);
        const std::string op = ast::op_text(e.op);
        bool list_contains = e.op == Op::Contains && subject.is(TypeKind::StringList);
        if (!subject.is_text() && !subject.is_null() && !list_contains) {
            error(Code::TypeMismatch, e.args[0]->span,
                  "`" + op + "` needs a string" + (e.op == Op::Contains ? " or a list" : "") + " on its left, found " +
                      type_name(subject));
            return Type::of(TypeKind::Error);
        }
        if (!pattern.is_text() && !pattern.is_null()) {
            error(Code::TypeMismatch, e.args[1]->span,
                  "`" + op + "` needs a string on its right, found " + type_name(pattern),
                  pattern.is(TypeKind::StringList) ? "" : "write the text in quotes");
            return Type::of(TypeKind::Error);
        }
        if (e.op == Op::Matches) {
            const std::string* text = string_literal(*e.args[1]);
            if (!text) {
                error(Code::TypeMismatch, e.args[1]->span, "the pattern of `matches` must be a string literal",
                      "patterns are compiled once, when the rule is checked");
                return Type::of(TypeKind::Error);
            }
            RE2::Options options;
            options.set_log_errors(false);
            options.set_max_mem(8 << 20);
            RE2 regex(*text, options);
            if (!regex.ok()) {
                error(Code::InvalidRegex, e.args[1]->span, "invalid regular expression: " + regex.error(),
                      "patterns use RE2 syntax (no backreferences or lookaround)");
                return Type::of(TypeKind::Error);
            }
        }
        return Type::of(TypeKind::Bool);
    }

    Type contains_list(const Expr& e) {
        Type subject = check(*e.args[0]);
        bool ok = !subject.is_error();
        if (ok && !subject.is(TypeKind::StringList) && !subject.is_text() && !subject.is_null()) {
            error(Code::TypeMismatch, e.args[0]->span,
                  std::string("`contains ") + ast::op_text(e.op) + "` needs a list or a string on its left, found " +
                      type_name(subject));
            ok = false;
        }
        std::set<std::string> seen;
        for (size_t i = 1; i < e.args.size(); ++i) {
            const Expr& item = *e.args[i];
            Type item_type = check_value(item);
            if (!item_type.is_error() && !item_type.is_text() && !item_type.is_null()) {
                error(Code::TypeMismatch, item.span, "list items are strings, found " + type_name(item_type),
                      "write the item in quotes");
                ok = false;
            }
            if (const std::string* text = string_literal(item); text && !seen.insert(*text).second) {
                warning(Code::DuplicateListItem, item.span, "\"" + *text + "\" appears more than once in this list",
                        "remove the repeat");
            }
        }
        return ok ? Type::of(TypeKind::Bool) : Type::of(TypeKind::Error);
    }

    Type within_last(const Expr& e) {
        Type subject = check(*e.args[0]);
        check(*e.args[1]);
        if (subject.is_error()) return subject;
        if (!subject.is_temporal() && !subject.is_null()) {
            error(Code::TypeMismatch, e.args[0]->span,
                  "`within last` needs a date or timestamp on its left, found " + type_name(subject));
            return Type::of(TypeKind::Error);
        }
        const auto& duration = std::get<ast::Duration>(e.args[1]->value);
        bool sub_day = duration.unit == ast::DurationUnit::Hour || duration.unit == ast::DurationUnit::Minute ||
                       duration.unit == ast::DurationUnit::Second;
        if (subject.is(TypeKind::Date) && sub_day) {
            error(Code::TypeMismatch, e.args[1]->span,
                  "a date column moves in whole days; use days, weeks, months or years here");
            return Type::of(TypeKind::Error);
        }
        return Type::of(TypeKind::Bool);
    }

    Type time_order(const Expr& e) {
        Type subject = check(*e.args[0]);
        Type bound = check(*e.args[1]);
        if (subject.is_error() || bound.is_error()) return Type::of(TypeKind::Error);
        const char* op = ast::op_text(e.op);
        if (!subject.is_temporal() && !subject.is_null()) {
            error(Code::TypeMismatch, e.args[0]->span,
                  std::string("`") + op + "` needs a date or timestamp on its left, found " + type_name(subject),
                  subject.is_numeric() ? "for numbers use `<` or `>`" : "");
            return Type::of(TypeKind::Error);
        }
        if (!bound.is_temporal() && !bound.is_null()) {
            error(
                Code::TypeMismatch, e.args[1]->span,
                std::string("`") + op + "` needs a date or timestamp on its right, found " + type_name(bound),
                bound.is(TypeKind::String) ? "write dates without quotes: 2026-01-31" : slashed_date_hint(*e.args[1]));
            return Type::of(TypeKind::Error);
        }
        return Type::of(TypeKind::Bool);
    }

    // `a and b or c` is `(a and b) or c`, which may not be what was meant: W005 unless the `and` is in parentheses.
    // (The reverse cannot happen: an `or` is an operand of `and` only in parentheses.)
    void warn_mixed_and_or(const Expr& e) {
        std::vector<const Expr*> grouped;
        for (const auto& arg : e.args) {
            if (arg->kind == ExprKind::And && !arg->parenthesized) grouped.push_back(arg.get());
        }
        if (grouped.empty()) return;
        // The rule as written, with the parentheses the precedence implies.
        std::string reading;
        uint32_t at = e.span.begin;
        for (const Expr* operand : grouped) {
            reading += source_text({at, operand->span.begin}) + "(" + source_text(operand->span) + ")";
            at = operand->span.end;
        }
        reading += source_text({at, e.span.end});
        const bool short_enough = reading.size() <= 100 && reading.find_first_of("\n#") == std::string::npos &&
                                  reading.find("//") == std::string::npos;
        warning(Code::MixedAndOr, e.span,
                short_enough ? "`and` binds tighter than `or`, so this reads as `" + reading + "`"
                             : "`and` binds tighter than `or`, so each `and` chain here is one operand of `or`",
                "add parentheses to say which you mean");
    }

    Type logical(const Expr& e) {
        if (e.kind == ExprKind::Or) warn_mixed_and_or(e);
        bool ok = true;
        const char* op = e.kind == ExprKind::Not ? "not" : e.kind == ExprKind::And ? "and" : "or";
        for (const auto& arg : e.args) {
            Type type = check(*arg);
            if (type.is_error()) {
                ok = false;
            } else if (!type.is(TypeKind::Bool) && !type.is_null()) {
                std::string hint;
                if (type.is(TypeKind::String) || type.is(TypeKind::Enum))
                    hint = "compare it: `... = \"value\"`";
                else if (type.is_numeric())
                    hint = "compare it: `... > 0`";
                error(Code::TypeMismatch, arg->span,
                      std::string("operand of `") + op + "` must be a condition (bool), found " + type_name(type),
                      hint);
                ok = false;
            }
        }
        return ok ? Type::of(TypeKind::Bool) : Type::of(TypeKind::Error);
    }

    Catalog& catalog_;
    size_t file_;
    size_t segment_;
    DiagnosticSink& sink_;
    std::shared_ptr<const Source> source_;
    FileTables& tables_;
    NameScope scope_;
    bool failed_ = false;
};

}  // namespace

Catalog check(std::vector<ast::File> files, const schema::Schema& schema, DiagnosticSink& sink) {
    Catalog catalog;
    catalog.schema = &schema;
    catalog.files = std::move(files);
    // Every segment first, so rules may refer to segments defined later or in other files.
    register_segments(catalog, sink);
    for (size_t s = 0; s < catalog.segments.size(); ++s) {
        Segment& segment = catalog.segments[s];
        const ast::File& file = catalog.files[segment.file];
        const ast::Definition& def = file.definitions[segment.definition];
        if (!def.rule || sink.capped(file.source.get())) {
            segment.valid = false;
            continue;
        }
        RuleChecker checker(catalog, segment.file, s, sink);
        if (!checker.check_rule(*def.rule)) segment.valid = false;
    }

    analyze_segment_graph(catalog, sink);
    return catalog;
}

}  // namespace segmint::semantic
