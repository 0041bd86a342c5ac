#pragma once
// The owned syntax tree of a spec file. Nodes carry ids and half-open source spans; types and resolved names live in
// side tables of the semantic stage, keyed by node id. `and`/`or` are n-ary so long chains stay flat.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/source.h"

namespace segmint::ast {

using NodeId = uint32_t;

enum class DurationUnit { Second, Minute, Hour, Day, Week, Month, Year };
const char* unit_name(DurationUnit unit, bool plural);

struct Duration {
    int64_t amount = 0;
    DurationUnit unit = DurationUnit::Day;
    bool operator==(const Duration& o) const { return amount == o.amount && unit == o.unit; }
};
struct Date {
    int32_t days = 0;  // since 1970-01-01
    bool operator==(const Date& o) const { return days == o.days; }
};
struct Timestamp {
    int64_t micros = 0;  // since 1970-01-01T00:00:00Z
    bool operator==(const Timestamp& o) const { return micros == o.micros; }
};

// A literal value; std::monostate is `null`.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string, Date, Timestamp, Duration>;

enum class ExprKind {
    Literal,  // value
    Name,     // name: a column or a segment
    Today,
    Now,
    Call,          // name(args...)
    Negate,        // -args[0]
    Arithmetic,    // args[0] op args[1], op in Add Sub Mul Div Mod
    Compare,       // args[0] op args[1], op in Eq Ne Lt Le Gt Ge
    Between,       // args[0] [not] between args[1] and args[2]
    In,            // args[0] [not] in (args[1..])
    IsNull,        // args[0] is [not] null
    TextMatch,     // args[0] [not] op args[1], op in Contains StartsWith EndsWith Matches
    ContainsList,  // args[0] contains op (args[1..]), op in Any All
    WithinLast,    // args[0] within last args[1] (a duration literal)
    TimeOrder,     // args[0] op args[1], op in Before After
    Not,           // not args[0]
    And,           // args[0] and args[1] and ...
    Or,            // args[0] or args[1] or ...
    // An event aggregate, `count(orders within last 90 days where channel = "web")`: `aggregate` over event table
    // `name` (`column` when `has_column`); args are the window's operands (`window`: within last → the duration,
    // between → the two bounds, before/after → the bound), then the `where` condition when `has_where`.
    Aggregate,
};

// Event aggregates (docs/language.md "Event aggregates"). Not functions: their argument is an event table.
enum class Aggregate { Count, CountDistinct, Sum, Avg, Min, Max, First, Last, Exists };
const char* aggregate_name(Aggregate aggregate);
// The aggregate a callee names (`count`, `COUNT`, ...: like keywords, in any case), if any.
std::optional<Aggregate> find_aggregate(const std::string& name);

// The window of an aggregate: which events count, by the event table's time column.
enum class Window { None, WithinLast, Between, Before, After };
const char* window_text(Window window);  // "within last", "between", "before", "after"; "" for None

enum class Op {
    None,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
    Any,
    All,
    Before,
    After,
};
const char* op_text(Op op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    NodeId id = 0;
    ExprKind kind = ExprKind::Literal;
    Op op = Op::None;
    bool negated = false;        // `not between`, `not in`, `is not null`, `not contains` ...
    bool parenthesized = false;  // written in parentheses: `(a and b) or c` says which reading is meant (W005)
    bool backquoted = false;     // Name: written in backquotes (`` `x` ``), for hints when it is unknown
    Span span;                   // the whole expression
    Span operator_span;          // the operator keyword(s), for messages about the operator
    uint32_t height = 1;         // 1 for leaves; bounded by limits::kMaxNestingDepth
    std::string name;            // Name, Call; Aggregate: the event table
    // A Name written `orders.amount` (an event column, valid only as an aggregate's argument) and an Aggregate over a
    // column: the part after the dot. `name_span` and `column_span` locate the two parts.
    std::string column;
    bool has_column = false;
    bool column_backquoted = false;
    Span name_span, column_span;
    Aggregate aggregate = Aggregate::Count;  // Aggregate
    Window window = Window::None;            // Aggregate
    bool has_where = false;                  // Aggregate: the last arg is the `where` condition
    Value value;                             // Literal
    std::vector<ExprPtr> args;
};

struct Definition {
    NodeId id = 0;
    std::string name;
    Span name_span;
    std::optional<std::string> title;
    Span title_span;
    Span span;     // from `segment` to the end of the rule
    ExprPtr rule;  // null when the rule had a syntax error (the name still counts as defined)
};

struct Comment {
    Span span;
    std::string text;
};

struct File {
    std::shared_ptr<const Source> source;
    std::vector<Definition> definitions;
    std::vector<Comment> comments;
    NodeId node_count = 0;  // ids are 0 .. node_count-1 within this file
};

// The canonical S-expression dump used by parse golden tests: one node a line, with its span.
std::string dump(const File& file);
std::string dump(const Expr& expr);

// A literal as it would be written in a rule.
std::string value_text(const Value& value);

}  // namespace segmint::ast
