#pragma once
// Event aggregates for the VM: each distinct aggregate of a catalog becomes one column of values, computed once per
// chunk of customers however many rules read it; the programs read it like a column of the table
// (CompiledCatalog::aggregates). The filter (window and `where`) runs once per run as a VM program over the event
// table; the reduction is one pass over each customer's contiguous range of events (data/events.h).
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/table.h"
#include "ir/ir.h"
#include "scalar/scalar.h"
#include "schema/schema.h"
#include "vm/machine.h"

namespace segmint::engine {

using AggregateList = std::vector<std::shared_ptr<const ir::AggregateSpec>>;

// The schema column an aggregate's values are read as: named by its key, typed by `type` (its IR result type).
schema::Column aggregate_column(const ir::AggregateSpec& spec, ir::Type type, size_t index);

// The catalog's aggregates prepared over one table (filters run over the events once), then computed for any range
// of customers: vm::evaluate has each worker fill the chunk it is about to evaluate (vm/machine.h).
class AggregateValues : public vm::AggregateSource {
public:
    // `customers` (and its events) must outlive this.
    AggregateValues(const AggregateList& aggregates, const std::vector<ir::Type>& types, const data::Table& customers,
                    scalar::AsOf as_of);
    ~AggregateValues() override;
    void fill(uint64_t from, uint64_t to, std::vector<data::Column>& into) const override;

private:
    struct Prepared;
    std::vector<std::unique_ptr<Prepared>> prepared_;
    std::map<std::pair<uint32_t, std::string>, data::Bitmap> filters_;  // by event table and filter text
};

// One column per aggregate, `customers.rows()` long. Without loaded events (customers.events() null) every customer
// has none.
std::vector<data::Column> compute_aggregates(const AggregateList& aggregates, const std::vector<ir::Type>& types,
                                             const data::Table& customers, scalar::AsOf as_of);

}  // namespace segmint::engine
