#pragma once
// One customer's way through one segment's rule (`segmint explain SEG --customer KEY`): the rule as written (its IR as
// lowered, before any optimizer pass, so the parts are the user's) shown as a tree of the parts the user wrote, each
// with its value for the customer from the reference evaluator; referenced segments expanded under their reference;
// the columns and event aggregates read. The VM's membership for the same customer must be the rule's value.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "engine/engine.h"
#include "ir/ir.h"
#include "semantic/catalog.h"

namespace segmint::engine {

// A part of a rule as the user wrote it. IR nodes that lowering adds for one written construct (`between`, `within
// last`, `in (...)`, conversions) are folded into the part they came from: they share its span.
struct ExplainedNode {
    const Source* source = nullptr;
    Span span;
    std::string text;  // the part's source text on one line (not escaped)
    ir::Type type = ir::Type::Bool;
    ir::Value value;
    // The operand that settles its `and`/`or`: the first FALSE operand of a FALSE `and`, the first TRUE one of a TRUE
    // `or`, and the first NULL one of an `and`/`or` that is NULL (docs/projects.md, "Why a customer is in a segment").
    bool decides = false;
    std::optional<uint32_t> column;   // a customer column the part reads (schema index)
    std::optional<uint32_t> segment;  // a reference to a segment (catalog index); its rule is the only child
    bool expanded_above = false;      // a reference whose rule the tree already shows above
    const ir::AggregateSpec* aggregate = nullptr;  // an event aggregate
    uint64_t events = 0;                           // aggregate: the customer's events in its table
    uint64_t matched = 0;                          // aggregate: those its window and `where` condition let through
    std::vector<ExplainedNode> children;
};

struct Explanation {
    uint32_t segment = 0;
    uint64_t row = 0;
    ExplainedNode rule;   // the segment's rule
    bool member = false;  // the VM's membership: the rule's value is TRUE exactly when it is
    struct ColumnRead {
        std::string name;
        ir::Value value;
    };
    struct AggregateRead {
        std::string text;  // as fmt writes the aggregate
        ir::Value value;
        const ir::AggregateSpec* spec = nullptr;  // owned by the compiled catalog's rules
        uint64_t events = 0;
        uint64_t matched = 0;
    };
    std::vector<ColumnRead> columns;        // each column the tree reads, once, in the tree's order
    std::vector<AggregateRead> aggregates;  // each event aggregate the tree reads, once, in the tree's order
};

// Explains `segment` (a valid segment of `catalog`) for customer `row` of `table`. `compiled` is `catalog` compiled;
// `vm_memberships` is engine::evaluate(compiled, table, Evaluator::Vm). Throws std::logic_error when the reference
// evaluator's value of the rule and the VM's membership disagree (a bug, never a user error).
Explanation explain_customer(const semantic::Catalog& catalog, const CompiledCatalog& compiled,
                             const data::Table& table, const std::vector<data::Bitmap>& vm_memberships,
                             uint32_t segment, uint64_t row);

}  // namespace segmint::engine
