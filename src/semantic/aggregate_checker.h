#pragma once
// Internal to the semantic stage: checking event aggregates (`count(orders within last 90 days where ...)`) and the
// W009 warning about aggregates that are NULL for customers without events. The rule checker (checker.cpp) calls in
// here for every Aggregate node and for names it resolves in an aggregate's scope; it checks the window bounds and
// the `where` condition back through RuleHooks, with names resolved in the scope given.
#include <string>

#include "ast/ast.h"
#include "semantic/catalog.h"

namespace segmint::semantic {

// Where names are being resolved.
struct NameScope {
    const schema::EventTable* events = nullptr;  // inside `where`: names are this event table's columns
    bool bound = false;                          // a window bound: constants and today/now only, no names
};

class RuleHooks {
public:
    virtual ~RuleHooks() = default;
    // Checks (and records the type of) `e` with names resolved in `scope`.
    virtual Type check_in(const ast::Expr& e, const NameScope& scope) = 0;
    virtual void report_error(Code code, Span span, std::string message, std::string hint = {}) = 0;
    virtual void report_warning(Code code, Span span, std::string message, std::string hint = {}) = 0;
};

// The type of an Aggregate node checked in `scope` (errors reported, Error returned); records its resolution.
Type check_aggregate(const ast::Expr& e, const NameScope& scope, const Catalog& catalog, FileTables& tables,
                     RuleHooks& hooks);

// A Name in an aggregate's scope: an event column inside `where` (resolution EventColumn), nothing in a window bound,
// or `orders.amount` written outside an aggregate. Reports what is wrong and returns Error unless it resolves.
// `compared_with_value`: an unknown name there was probably meant as text (`channel = web`).
Type check_scoped_name(const ast::Expr& e, const NameScope& scope, bool compared_with_value, const Catalog& catalog,
                       FileTables& tables, RuleHooks& hooks);

// A Call whose callee is an aggregate's name but whose arguments are not one event table or column with an optional
// window (`count(orders, 5)`, `sum(amount > 5)`): E115 with the form an aggregate takes.
void report_malformed_aggregate(const ast::Expr& e, RuleHooks& hooks);

// W009: `last(orders.ordered_at) < today - 180 days` is NULL, so not TRUE, for a customer without orders; warns where
// a nullable aggregate (avg, min, max, first, last) is tested in a way that reads as including such customers
// (`<`, `before`, `!=`, `not ...`), unless the rule (or a segment it refers to) also tests exists()/count() or
// `is null` of that table.
void warn_null_without_events(const ast::Expr& rule, const Catalog& catalog, RuleHooks& hooks);

}  // namespace segmint::semantic
