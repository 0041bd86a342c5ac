#pragma once
// The reference oracle: a plain row-at-a-time tree walk over the IR, written for obviousness rather than speed.
// Every other evaluation path (the VM, the optimizer, SQL) is tested against it.
#include <map>
#include <memory>
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "ir/ir.h"
#include "scalar/scalar.h"

namespace segmint::reference {

// An event aggregate for one customer, with what it looked at (`segmint explain --customer` shows both).
struct AggregateSeen {
    ir::Value value;
    uint64_t events = 0;   // the customer's events in the aggregate's event table
    uint64_t matched = 0;  // those its window and `where` condition let through
};

class ReferenceEvaluator {
public:
    ReferenceEvaluator(const data::Table& table, scalar::AsOf as_of);
    ~ReferenceEvaluator();

    // Evaluates `rules` (in dependency order) over every row. Result: one bitmap per segment index below
    // `segment_count`; segments without a rule stay empty.
    std::vector<data::Bitmap> evaluate(const std::vector<ir::Rule>& rules, size_t segment_count);

    // The value of one expression for one row, given the memberships computed so far.
    ir::Value value(const ir::Node& node, uint64_t row, const std::vector<data::Bitmap>& memberships);

    // An event aggregate for customer `row`, and how many events it saw (reference_aggregates.cpp).
    AggregateSeen aggregate_seen(const ir::AggregateSpec& spec, uint64_t row);

    // The value a Placeholder stands for while a DictLookup's condition is evaluated.
    void bind_placeholder(ir::Value value) { placeholder_ = std::move(value); }

private:
    ir::Value call(const ir::Node& node, uint64_t row, const std::vector<data::Bitmap>& memberships);
    ir::Value aggregate(const ir::AggregateSpec& spec, uint64_t row) { return aggregate_seen(spec, row).value; }
    // The aggregate's value; the counts of the customer's events and of those that passed its filter go to the two.
    ir::Value reduce(const ir::AggregateSpec& spec, uint64_t row, uint64_t* events, uint64_t* matched);

    struct Regexes;
    const data::Table& table_;
    scalar::AsOf as_of_;
    std::unique_ptr<Regexes> regexes_;
    ir::Value placeholder_;
    // An evaluator per event table, for the aggregates' filters (made when first needed).
    std::map<uint32_t, std::unique_ptr<ReferenceEvaluator>> event_evaluators_;
};

// One table cell as a value (ir::Null for NULL); the schema stage's checks name failing values with it too.
ir::Value column_value(const data::Column& column, uint64_t row);

}  // namespace segmint::reference
