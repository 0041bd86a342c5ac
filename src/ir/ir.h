#pragma once
// The typed predicate IR: what a checked rule means, with every implicit conversion made explicit and every surface
// form reduced to a small set of operations (between, within last, before/after, not in, contains any/all are
// rewritten here). The reference evaluator, the optimizer and the code generator all work on it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/source.h"

namespace segmint::ir {

// Value types at run time. Enum columns are strings here: their values are compared as text.
enum class Type : uint8_t { Bool, Int, Number, String, Date, Timestamp, StringList };
const char* type_name(Type type);

struct Null {
    bool operator==(const Null&) const { return true; }
};
struct DateValue {
    int32_t days = 0;
    bool operator==(const DateValue& o) const { return days == o.days; }
};
struct TimestampValue {
    int64_t micros = 0;
    bool operator==(const TimestampValue& o) const { return micros == o.micros; }
};
using StringList = std::vector<std::string>;

// A run-time value: NULL or one of the types above.
using Value = std::variant<Null, bool, int64_t, double, std::string, DateValue, TimestampValue, StringList>;
inline bool is_null(const Value& v) { return std::holds_alternative<Null>(v); }
std::string value_text(const Value& value);

enum class Kind : uint8_t {
    Constant,    // constant (typed; may be NULL)
    Column,      // column
    Segment,     // membership of segment `segment` (never NULL)
    Today,       // the run's as-of date
    Now,         // the run's as-of timestamp (midnight UTC of as-of date unless given)
    Cast,        // op: IntToNumber, DateToTimestamp, TimestampToDate
    Negate,      // -args[0]
    Arithmetic,  // op: Add Sub Mul Div Mod
    DateShift,   // args[0] shifted by `amount` of op: Days, Months (date); Micros, Months (timestamp)
    Compare,     // op: Eq Ne Lt Le Gt Ge, operands of one type
    InSet,       // args[0] in `set` (constants of args[0]'s type; `set_has_null` for a NULL item)
    IsNull,      // args[0] is null (never NULL)
    IsNotNull,
    Text,          // op: Contains StartsWith EndsWith Matches; args[0] subject, args[1] pattern
    ListContains,  // args[0] (list) has an item equal to args[1]
    Call,          // function
    Not,
    And,  // n-ary
    Or,   // n-ary
    // Added by the optimizer: args[0] is a String column; args[1] a condition on one Placeholder standing for that
    // column's value. The condition is evaluated once per distinct value of the column, then looked up per row.
    DictLookup,
    Placeholder,  // the value a DictLookup's condition is evaluated for
    // Added by the catalog-wide shared_conditions pass: the value of shared condition `shared`, a condition several
    // rules contain, computed once per batch by its own program. Only the VM's programs contain it.
    Shared,
    // A value computed from the customer's events (`count(orders within last 90 days)`): `aggregate` says which. A
    // leaf for every pass over the rule: its filter reads the event table's columns, not the customer's.
    Aggregate,
};

enum class Op : uint8_t {
    None,
    IntToNumber,
    DateToTimestamp,
    TimestampToDate,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Days,
    Months,
    Micros,
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
};
const char* op_name(Op op);

enum class Function : uint8_t { Lower, Upper, Length, Abs, Round, Coalesce, Year, Month, DayOfWeek, DaysSince };
const char* function_name(Function function);

struct Node;
using NodePtr = std::unique_ptr<Node>;

// Event aggregates (docs/language.md "Event aggregates").
enum class AggregateFunction : uint8_t { Count, CountDistinct, Sum, Avg, Min, Max, First, Last, Exists };
const char* aggregate_name(AggregateFunction function);

// What an Aggregate node computes for one customer: `function` over those of the customer's events in table `events`
// (index in Schema::events) for which `filter` is TRUE, reading `column` unless it counts events.
struct AggregateSpec {
    AggregateFunction function = AggregateFunction::Count;
    uint32_t events = 0;
    std::optional<uint32_t> column;  // index in the event table's columns; none for count/exists of events
    // Bool IR over the event table's columns (Column nodes index them): the window and the `where` condition joined
    // by And; null when every event counts. It may contain Today and Now.
    NodePtr filter;
    // Canonical text of the whole aggregate (`count(orders within last 90 days where channel = "web")`, as fmt writes
    // it): two aggregates with one key compute the same values, so they are computed once and proofs give them one
    // variable.
    std::string key;
};

struct Node {
    Kind kind = Kind::Constant;
    Type type = Type::Bool;  // the result type
    Op op = Op::None;
    Function function = Function::Lower;
    uint32_t column = 0;                             // Column: schema index
    uint32_t segment = 0;                            // Segment: catalog index
    uint32_t shared = 0;                             // Shared: index of the shared condition
    int64_t amount = 0;                              // DateShift
    Value constant;                                  // Constant
    std::vector<Value> set;                          // InSet: distinct non-NULL items
    std::shared_ptr<const AggregateSpec> aggregate;  // Aggregate (shared by clones: it never changes once lowered)
    bool set_has_null = false;
    Span span;  // the source text this node came from (for explain and traces)
    std::vector<NodePtr> args;

    NodePtr clone() const;
};

// One segment's rule as IR.
struct Rule {
    uint32_t segment = 0;
    std::string name;
    NodePtr root;  // type Bool
    // Subexpressions the rule never evaluates because a NULL literal decides their parent (`null = today - 2026 years`
    // is NULL whatever its right side is). Only resolve_time and constant_folding visit them, so check-time findings
    // about constants (E112) cover every expression the user wrote; nothing runs them.
    std::vector<NodePtr> unevaluated;
};

// S-expression text, one node a line: the form `segmint explain` prints and IR tests compare.
std::string dump(const Node& node);

// Structural checks every pass must preserve: operand counts and types per kind. Returns an empty string when valid,
// else what is wrong.
std::string verify(const Node& node);

}  // namespace segmint::ir
