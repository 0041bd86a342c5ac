#pragma once
// Event aggregates for the VM: each distinct aggregate of a catalog becomes one column of values, one per customer,
// computed once per run however many rules read it; the programs read it like a column of the table
// (CompiledCatalog::aggregates). The filter (window and `where`) runs as a VM program over the event table; the
// reduction is one pass over each customer's contiguous range of events (data/events.h).
#include <memory>
#include <vector>

#include "data/table.h"
#include "ir/ir.h"
#include "scalar/scalar.h"
#include "schema/schema.h"

namespace segmint::engine {

using AggregateList = std::vector<std::shared_ptr<const ir::AggregateSpec>>;

// The schema column an aggregate's values are read as: named by its key, typed by `type` (its IR result type).
schema::Column aggregate_column(const ir::AggregateSpec& spec, ir::Type type, size_t index);

// One column per aggregate, `customers.rows()` long. Without loaded events (customers.events() null) every customer
// has none.
std::vector<data::Column> compute_aggregates(const AggregateList& aggregates, const std::vector<ir::Type>& types,
                                             const data::Table& customers, scalar::AsOf as_of);

}  // namespace segmint::engine
