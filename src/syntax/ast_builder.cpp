#include "syntax/ast_builder.h"

#include <algorithm>

#include "common/calendar.h"
#include "common/limits.h"
#include "syntax/literals.h"

namespace segmint::syntax {

using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Op;

Span AstBuilder::span_of(antlr4::Token* token) const {
    return {offsets_(token->getStartIndex()), offsets_(token->getStopIndex() + 1)};
}

Span AstBuilder::span_of(antlr4::ParserRuleContext* context) const {
    return {offsets_(context->getStart()->getStartIndex()), offsets_(context->getStop()->getStopIndex() + 1)};
}

void AstBuilder::fail(Code code, Span span, std::string message, std::string hint) {
    failed_ = true;
    sink_.error(code, source_, span, std::move(message), std::move(hint));
}

std::string AstBuilder::name_text(P::NameContext* context) const {
    std::string text = context->getText();
    if (context->QUOTED_IDENTIFIER()) return text.substr(1, text.size() - 2);
    return text;
}

ExprPtr AstBuilder::node(ExprKind kind, Span span) {
    auto e = std::make_unique<Expr>();
    e->id = file_.node_count++;
    e->kind = kind;
    e->span = span;
    return e;
}

ExprPtr AstBuilder::with_args(ExprPtr parent, std::vector<ExprPtr> args) {
    uint32_t height = 0;
    for (const auto& arg : args) {
        if (!arg) return nullptr;  // a child already failed
        height = std::max(height, arg->height);
        parent->span = join(parent->span, arg->span);
    }
    parent->height = height + 1;
    parent->args = std::move(args);
    if (parent->height > limits::kMaxNestingDepth) {
        // Reported once per definition: every ancestor is over the limit as well.
        if (!failed_) {
            fail(Code::NestingTooDeep, parent->span,
                 "expression is nested too deeply (more than " + std::to_string(limits::kMaxNestingDepth) + " levels)",
                 "split the rule into several segments and refer to them by name");
        }
        return nullptr;
    }
    return parent;
}

bool AstBuilder::build(P::DefinitionContext* context, ast::Definition& definition) {
    definition.id = file_.node_count++;
    definition.name = name_text(context->name());
    definition.name_span = span_of(context->name());
    definition.span = span_of(context);
    // Backquotes let a segment take a keyword's name (`last`); the name itself is still an identifier, since it
    // appears unquoted in every report (CSV, JUnit, SARIF) and in other rules.
    const std::string& name = definition.name;
    const bool identifier =
        !name.empty() && !(name[0] >= '0' && name[0] <= '9') && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        });
    if (!identifier) {
        fail(Code::SyntaxError, definition.name_span,
             "segment names are ASCII letters, digits and `_`, not starting with a digit",
             "backquotes let a segment take a keyword's name, not other characters");
    }
    if (auto* title = context->STRING()) {
        definition.title_span = span_of(title->getSymbol());
        LiteralError error;
        definition.title = decode_string(title->getText(), &error);
        if (!definition.title) {
            Span span = definition.title_span;
            fail(Code::InvalidEscape,
                 {span.begin + static_cast<uint32_t>(error.offset),
                  span.begin + static_cast<uint32_t>(error.offset + error.length)},
                 error.message);
        }
    }
    definition.rule = expr(context->expr());
    if (failed_) definition.rule.reset();
    return !failed_;
}

ExprPtr AstBuilder::expr(P::ExprContext* context) {
    auto terms = context->andExpr();
    if (terms.size() == 1) return and_expr(terms[0]);
    std::vector<ExprPtr> args;
    args.reserve(terms.size());
    for (auto* term : terms) args.push_back(and_expr(term));
    return with_args(node(ExprKind::Or, span_of(context)), std::move(args));
}

ExprPtr AstBuilder::and_expr(P::AndExprContext* context) {
    auto terms = context->notExpr();
    if (terms.size() == 1) return not_expr(terms[0]);
    std::vector<ExprPtr> args;
    args.reserve(terms.size());
    for (auto* term : terms) args.push_back(not_expr(term));
    return with_args(node(ExprKind::And, span_of(context)), std::move(args));
}

ExprPtr AstBuilder::not_expr(P::NotExprContext* context) {
    if (auto* op = context->notOperator()) {
        auto e = node(ExprKind::Not, span_of(op));
        e->operator_span = span_of(op->NOT()->getSymbol());
        std::vector<ExprPtr> args;
        args.push_back(not_expr(op->notExpr()));
        return with_args(std::move(e), std::move(args));
    }
    return predicate(context->predicate());
}

std::vector<ExprPtr> AstBuilder::list(const std::vector<P::ExprContext*>& items) {
    std::vector<ExprPtr> out;
    out.reserve(items.size());
    for (auto* item : items) out.push_back(expr(item));
    warn_thousands_separators(out);
    return out;
}

// `in (1,000)` parses as the two items 1 and 0: an integer, a comma with no space, then exactly three digits is
// almost always a number written with a thousands separator (the comparison form `> 1,000` is a syntax error with a
// hint; in a list it is valid, so it gets a warning).
void AstBuilder::warn_thousands_separators(const std::vector<ExprPtr>& items) {
    const std::string& text = source_->text();
    auto is_int = [](const ExprPtr& e) {
        return e && e->kind == ExprKind::Literal && std::holds_alternative<int64_t>(e->value);
    };
    // Whether items[i] is a group of three digits written right after items[i - 1] and a comma.
    auto continues = [&](size_t i) {
        const ExprPtr &before = items[i - 1], &after = items[i];
        if (!is_int(before) || !is_int(after) || after->span.end - after->span.begin != 3) return false;
        if (after->span.begin != before->span.end + 1 || text[before->span.end] != ',') return false;
        return std::all_of(text.begin() + after->span.begin, text.begin() + after->span.end,
                           [](char c) { return c >= '0' && c <= '9'; });
    };
    for (size_t i = 1; i < items.size(); ++i) {
        if (!continues(i)) continue;
        size_t last = i;
        while (last + 1 < items.size() && continues(last + 1)) ++last;
        const Span span{items[i - 1]->span.begin, items[last]->span.end};
        const std::string written = text.substr(span.begin, span.end - span.begin);
        std::string digits = written, underscored = written, separate = written;
        digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
        std::replace(underscored.begin(), underscored.end(), ',', '_');
        sink_.warning(
            Code::ThousandsSeparatorInList, source_, span,
            "`" + written + "` is " + std::to_string(last - i + 2) + " items: numbers have no thousands separator",
            "write `" + digits + "` or `" + underscored +
                "` for one number, or put a space after each "
                "comma for separate items");
        i = last;
    }
}

ExprPtr AstBuilder::predicate(P::PredicateContext* context) {
    ExprPtr left = additive(context->additive());
    auto* suffix = context->predicateSuffix();
    if (!suffix || !left) return left;
    Span span = span_of(context);
    std::vector<ExprPtr> args;
    args.push_back(std::move(left));

    if (auto* c = dynamic_cast<P::ComparisonContext*>(suffix)) {
        auto e = node(ExprKind::Compare, span);
        auto* op = c->comparisonOperator();
        e->operator_span = span_of(op);
        switch (op->getStart()->getType()) {
            case P::EQ: e->op = Op::Eq; break;
            case P::NEQ: e->op = Op::Ne; break;
            case P::LT: e->op = Op::Lt; break;
            case P::LE: e->op = Op::Le; break;
            case P::GT: e->op = Op::Gt; break;
            default: e->op = Op::Ge; break;
        }
        args.push_back(additive(c->additive()));
        return with_args(std::move(e), std::move(args));
    }
    if (auto* c = dynamic_cast<P::BetweenContext*>(suffix)) {
        auto e = node(ExprKind::Between, span);
        e->negated = c->NOT() != nullptr;
        e->operator_span = span_of(c->BETWEEN()->getSymbol());
        args.push_back(additive(c->additive(0)));
        args.push_back(additive(c->additive(1)));
        return with_args(std::move(e), std::move(args));
    }
    auto check_list_size = [&](size_t count, Span where) {
        if (count <= limits::kMaxListItems) return true;
        fail(Code::ListTooLong, where,
             "list has " + std::to_string(count) + " items; the limit is " + std::to_string(limits::kMaxListItems),
             "keep very large ID lists in data, not in the rule");
        return false;
    };
    if (auto* c = dynamic_cast<P::InListContext*>(suffix)) {
        auto e = node(ExprKind::In, span);
        e->negated = c->NOT() != nullptr;
        e->operator_span = span_of(c->IN()->getSymbol());
        if (!check_list_size(c->expr().size(), span)) return nullptr;
        for (auto& item : list(c->expr())) args.push_back(std::move(item));
        return with_args(std::move(e), std::move(args));
    }
    if (auto* c = dynamic_cast<P::IsNullContext*>(suffix)) {
        auto e = node(ExprKind::IsNull, span);
        e->negated = c->NOT() != nullptr;
        e->operator_span = span_of(c);
        return with_args(std::move(e), std::move(args));
    }
    if (auto* c = dynamic_cast<P::ContainsListContext*>(suffix)) {
        auto e = node(ExprKind::ContainsList, span);
        e->op = c->quantifier->getType() == P::ANY ? Op::Any : Op::All;
        e->operator_span = join(span_of(c->CONTAINS()->getSymbol()), span_of(c->quantifier));
        if (!check_list_size(c->expr().size(), span)) return nullptr;
        for (auto& item : list(c->expr())) args.push_back(std::move(item));
        return with_args(std::move(e), std::move(args));
    }
    if (auto* c = dynamic_cast<P::TextMatchContext*>(suffix)) {
        auto e = node(ExprKind::TextMatch, span);
        e->negated = c->NOT() != nullptr;
        auto* op = c->textOperator();
        e->operator_span = span_of(op);
        switch (op->getStart()->getType()) {
            case P::CONTAINS: e->op = Op::Contains; break;
            case P::STARTS: e->op = Op::StartsWith; break;
            case P::ENDS: e->op = Op::EndsWith; break;
            default: e->op = Op::Matches; break;
        }
        args.push_back(additive(c->additive()));
        return with_args(std::move(e), std::move(args));
    }
    if (auto* c = dynamic_cast<P::WithinLastContext*>(suffix)) {
        auto e = node(ExprKind::WithinLast, span);
        e->operator_span = join(span_of(c->WITHIN()->getSymbol()), span_of(c->LAST()->getSymbol()));
        args.push_back(duration(c->duration()));
        return with_args(std::move(e), std::move(args));
    }
    auto* c = dynamic_cast<P::BeforeAfterContext*>(suffix);
    auto e = node(ExprKind::TimeOrder, span);
    e->op = c->timeOrder->getType() == P::BEFORE ? Op::Before : Op::After;
    e->operator_span = span_of(c->timeOrder);
    args.push_back(additive(c->additive()));
    return with_args(std::move(e), std::move(args));
}

ExprPtr AstBuilder::additive(P::AdditiveContext* context) {
    // Left-associative: a - b - c is (a - b) - c. Chains are bounded by the height limit in with_args.
    auto terms = context->multiplicative();
    auto ops = context->additiveOperator();
    ExprPtr left = multiplicative(terms[0]);
    for (size_t i = 1; i < terms.size() && left; ++i) {
        auto e = node(ExprKind::Arithmetic, left->span);
        e->op = ops[i - 1]->getStart()->getType() == P::PLUS ? Op::Add : Op::Sub;
        e->operator_span = span_of(ops[i - 1]);
        std::vector<ExprPtr> args;
        args.push_back(std::move(left));
        args.push_back(multiplicative(terms[i]));
        left = with_args(std::move(e), std::move(args));
    }
    return left;
}

ExprPtr AstBuilder::multiplicative(P::MultiplicativeContext* context) {
    auto terms = context->unary();
    auto ops = context->multiplicativeOperator();
    ExprPtr left = unary(terms[0]);
    for (size_t i = 1; i < terms.size() && left; ++i) {
        auto e = node(ExprKind::Arithmetic, left->span);
        switch (ops[i - 1]->getStart()->getType()) {
            case P::STAR: e->op = Op::Mul; break;
            case P::SLASH: e->op = Op::Div; break;
            default: e->op = Op::Mod; break;
        }
        e->operator_span = span_of(ops[i - 1]);
        std::vector<ExprPtr> args;
        args.push_back(std::move(left));
        args.push_back(unary(terms[i]));
        left = with_args(std::move(e), std::move(args));
    }
    return left;
}

ExprPtr AstBuilder::unary(P::UnaryContext* context) {
    auto* negation = context->negation();
    if (!negation) return primary(context->primary());
    // `-5` and `-2.5` are literals, so `-9223372036854775808` can be written and folded lists stay literal.
    if (auto* inner = negation->unary()->primary()) {
        if (auto* lit = dynamic_cast<P::LiteralPrimaryContext*>(inner)) {
            auto* token = lit->literal()->getStart();
            if (token->getType() == P::INTEGER || token->getType() == P::DECIMAL) {
                return literal(token, true, span_of(negation));
            }
        }
    }
    auto e = node(ExprKind::Negate, span_of(negation));
    e->operator_span = span_of(negation->MINUS()->getSymbol());
    std::vector<ExprPtr> args;
    args.push_back(unary(negation->unary()));
    return with_args(std::move(e), std::move(args));
}

ExprPtr AstBuilder::literal(antlr4::Token* token, bool negated, Span span) {
    auto e = node(ExprKind::Literal, span);
    const std::string text = token->getText();
    Span token_span = span_of(token);
    LiteralError error;
    auto report = [&](Code code) {
        fail(code,
             {token_span.begin + static_cast<uint32_t>(error.offset),
              token_span.begin + static_cast<uint32_t>(error.offset + error.length)},
             error.message);
        return nullptr;
    };
    switch (token->getType()) {
        case P::INTEGER: {
            auto value = decode_integer(text, negated, &error);
            if (!value) return report(Code::NumberOutOfRange);
            e->value = *value;
            break;
        }
        case P::DECIMAL: {
            auto value = decode_decimal(text, &error);
            if (!value) return report(Code::NumberOutOfRange);
            e->value = negated ? -*value : *value;
            break;
        }
        case P::STRING: {
            auto value = decode_string(text, &error);
            if (!value) return report(Code::InvalidEscape);
            e->value = std::move(*value);
            break;
        }
        case P::KW_TRUE: e->value = true; break;
        case P::KW_FALSE: e->value = false; break;
        case P::KW_NULL: e->value = std::monostate{}; break;
        case P::DATE: {
            auto days = calendar::parse_date(text);
            if (!days) {
                error = {"`" + text +
                             "` is not a valid date (years 0001-9999, months 01-12, and the day must exist "
                             "in that month)",
                         0, text.size()};
                return report(Code::InvalidDate);
            }
            e->value = ast::Date{*days};
            break;
        }
        default: {  // TIMESTAMP
            auto micros = calendar::parse_timestamp(text);
            if (!micros) {
                error = {"`" + text +
                             "` is not a valid timestamp (write YYYY-MM-DDTHH:MM[:SS[.ffffff]] with an "
                             "optional Z or ±HH:MM zone)",
                         0, text.size()};
                return report(Code::InvalidDate);
            }
            e->value = ast::Timestamp{*micros};
            break;
        }
    }
    return e;
}

ExprPtr AstBuilder::duration(P::DurationContext* context) {
    auto e = node(ExprKind::Literal, span_of(context));
    LiteralError error;
    auto amount = decode_integer(context->INTEGER()->getText(), false, &error);
    // Keeps every duration representable in microseconds and in months without overflow.
    constexpr int64_t kMaxAmount = 1000000;
    if (!amount || *amount > kMaxAmount) {
        fail(Code::InvalidDuration, span_of(context->INTEGER()->getSymbol()),
             "duration amount is too large (the limit is " + std::to_string(kMaxAmount) + ")");
        return nullptr;
    }
    ast::Duration value;
    value.amount = *amount;
    switch (context->unit->getType()) {
        case P::SECOND_UNIT: value.unit = ast::DurationUnit::Second; break;
        case P::MINUTE_UNIT: value.unit = ast::DurationUnit::Minute; break;
        case P::HOUR_UNIT: value.unit = ast::DurationUnit::Hour; break;
        case P::DAY_UNIT: value.unit = ast::DurationUnit::Day; break;
        case P::WEEK_UNIT: value.unit = ast::DurationUnit::Week; break;
        case P::MONTH_UNIT: value.unit = ast::DurationUnit::Month; break;
        default: value.unit = ast::DurationUnit::Year; break;
    }
    e->value = value;
    return e;
}

ExprPtr AstBuilder::primary(P::PrimaryContext* context) {
    Span span = span_of(context);
    if (auto* c = dynamic_cast<P::LiteralPrimaryContext*>(context))
        return literal(c->literal()->getStart(), false, span);
    if (auto* c = dynamic_cast<P::DurationPrimaryContext*>(context)) return duration(c->duration());
    if (dynamic_cast<P::TodayPrimaryContext*>(context)) return node(ExprKind::Today, span);
    if (dynamic_cast<P::NowPrimaryContext*>(context)) return node(ExprKind::Now, span);
    if (auto* c = dynamic_cast<P::CallContext*>(context)) {
        std::optional<ast::Aggregate> aggregate;
        if (c->callee()->LAST()) {
            aggregate = ast::Aggregate::Last;
        } else if (c->callee()->name()) {
            aggregate = ast::find_aggregate(name_text(c->callee()->name()));
        }
        if (aggregate) return aggregate_call(c, *aggregate, span);
        auto e = node(ExprKind::Call, span);
        e->name = c->callee()->name() ? name_text(c->callee()->name()) : c->callee()->getText();
        e->operator_span = span_of(c->callee());
        if (c->WHERE()) {
            fail(Code::SyntaxError, span_of(c->WHERE()->getSymbol()),
                 "`where` belongs to an event aggregate, but `" + e->name + "` is a function",
                 "an aggregate reads an event table: `count(orders where channel = \"web\")`");
            return nullptr;
        }
        return with_args(std::move(e), list(c->expr()));
    }
    if (auto* c = dynamic_cast<P::ReferenceContext*>(context)) {
        auto e = node(ExprKind::Name, span);
        e->name = name_text(c->name());
        e->backquoted = c->name()->QUOTED_IDENTIFIER() != nullptr;
        e->name_span = span;
        return e;
    }
    if (auto* c = dynamic_cast<P::QualifiedReferenceContext*>(context)) return qualified_name(c->QUALIFIED_NAME());
    // Parentheses only group; the span of the inner expression is widened to include them for messages.
    auto* c = dynamic_cast<P::ParenthesizedContext*>(context);
    ExprPtr inner = expr(c->expr());
    if (inner) {
        inner->span = span;
        inner->parenthesized = true;
    }
    return inner;
}

// `orders.amount`: the table and the column, either in backquotes (the token is NAME_PART '.' NAME_PART).
ExprPtr AstBuilder::qualified_name(antlr4::tree::TerminalNode* terminal) {
    antlr4::Token* token = terminal->getSymbol();
    const std::string text = token->getText();
    size_t dot = text[0] == '`' ? text.find('`', 1) + 1 : text.find('.');
    std::string table = text.substr(0, dot), column = text.substr(dot + 1);
    // Token offsets count code points; a backquoted part may hold non-ASCII letters.
    auto code_points = [](const std::string& part) {
        return static_cast<size_t>(std::count_if(
            part.begin(), part.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
    };
    const size_t start = token->getStartIndex();
    const size_t column_start = start + code_points(table) + 1;
    auto e = node(ExprKind::Name, span_of(token));
    e->name_span = {offsets_(start), offsets_(start + code_points(table))};
    e->column_span = {offsets_(column_start), offsets_(column_start + code_points(column))};
    for (const auto& [part, part_span] : {std::pair{table, e->name_span}, std::pair{column, e->column_span}}) {
        if (part.size() <= limits::kMaxIdentifierBytes) continue;
        fail(Code::IdentifierTooLong, {part_span.begin, part_span.begin + 1},
             "name is " + std::to_string(part.size()) + " bytes long; the limit is " +
                 std::to_string(limits::kMaxIdentifierBytes));
        return nullptr;
    }
    e->backquoted = table[0] == '`';
    e->column_backquoted = column[0] == '`';
    auto unquote = [](const std::string& part) { return part[0] == '`' ? part.substr(1, part.size() - 2) : part; };
    e->name = unquote(table);
    e->column = unquote(column);
    e->has_column = true;
    return e;
}

// `count(orders within last 90 days where channel = "web")`. The argument parsed as an expression; a table or column
// with an optional window is taken apart here. Any other argument list stays a call, which the checker reports (E115)
// with the form an aggregate takes.
ExprPtr AstBuilder::aggregate_call(P::CallContext* context, ast::Aggregate aggregate, Span span) {
    std::vector<P::ExprContext*> items = context->expr();
    P::ExprContext* condition = nullptr;
    if (context->WHERE()) {
        condition = items.back();
        items.pop_back();
    }
    auto malformed = [&](std::vector<ExprPtr> args) {
        auto e = node(ExprKind::Call, span);
        e->name = ast::aggregate_name(aggregate);
        e->operator_span = span_of(context->callee());
        return with_args(std::move(e), std::move(args));
    };
    if (items.size() != 1) return malformed(list(items));
    ExprPtr argument = expr(items[0]);
    if (!argument) return nullptr;
    ast::Window window = ast::Window::None;
    if (!argument->parenthesized) {
        switch (argument->kind) {
            case ExprKind::WithinLast: window = ast::Window::WithinLast; break;
            case ExprKind::Between: window = argument->negated ? ast::Window::None : ast::Window::Between; break;
            case ExprKind::TimeOrder:
                window = argument->op == Op::Before ? ast::Window::Before : ast::Window::After;
                break;
            default: break;
        }
    }
    const Expr& reference = window == ast::Window::None ? *argument : *argument->args[0];
    if (reference.kind != ExprKind::Name || (window != ast::Window::None && reference.parenthesized)) {
        std::vector<ExprPtr> args;
        args.push_back(std::move(argument));
        return malformed(std::move(args));
    }
    auto e = node(ExprKind::Aggregate, span);
    e->aggregate = aggregate;
    e->window = window;
    e->operator_span = span_of(context->callee());
    e->name = reference.name;
    e->backquoted = reference.backquoted;
    e->name_span = reference.has_column ? reference.name_span : reference.span;
    e->column = reference.column;
    e->has_column = reference.has_column;
    e->column_backquoted = reference.column_backquoted;
    e->column_span = reference.column_span;
    std::vector<ExprPtr> args;
    if (window != ast::Window::None) {
        for (size_t i = 1; i < argument->args.size(); ++i) args.push_back(std::move(argument->args[i]));
    }
    if (condition) {
        e->has_where = true;
        args.push_back(expr(condition));
    }
    return with_args(std::move(e), std::move(args));
}

}  // namespace segmint::syntax
