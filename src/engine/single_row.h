#pragma once
// One customer at a time, for online use (the customer has no events: event aggregates read 0, FALSE or NULL): a
// persistent one-row table that the caller fills column by column, and the compiled catalog evaluated over that row.
// Nothing is allocated per evaluation once the row's strings and lists have reached their largest size, and no lookup
// table is bound per call: the catalog must be compiled without table statistics (as the public API does), so string
// conditions run directly on the row's values.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "engine/engine.h"

namespace segmint::vm {
class Machine;
}
namespace segmint::reference {
class ReferenceEvaluator;
}

namespace segmint::engine {

class SingleRowEvaluator {
public:
    // `compiled` must outlive this object and have no dictionary lookups (compiled without statistics:
    // std::invalid_argument otherwise).
    SingleRowEvaluator(const CompiledCatalog& compiled, const schema::Schema& schema,
                       Evaluator evaluator = Evaluator::Vm);
    ~SingleRowEvaluator();
    SingleRowEvaluator(const SingleRowEvaluator&) = delete;
    SingleRowEvaluator& operator=(const SingleRowEvaluator&) = delete;

    // Setters of the row, by schema column index; the caller picks the one matching the column's type. Every column
    // keeps its value until set again.
    void set_null(size_t column);
    void set_int(size_t column, int64_t value);                            // Int
    void set_number(size_t column, double value);                          // Number
    void set_bool(size_t column, bool value);                              // Bool
    void set_date(size_t column, int32_t days);                            // Date
    void set_timestamp(size_t column, int64_t micros);                     // Timestamp
    void set_string(size_t column, std::string_view value);                // String
    void set_enum(size_t column, int32_t index);                           // Enum: index of the value in the schema
    void set_list(size_t column, const std::string* items, size_t count);  // StringList

    // Evaluates every segment for the row. Result: one bit per catalog segment index (bit 0 of each bitmap).
    const std::vector<data::Bitmap>& evaluate();

private:
    const CompiledCatalog& compiled_;
    Evaluator evaluator_;
    data::Table table_;
    std::vector<data::Column> aggregates_;  // the event aggregates of a customer without events
    std::vector<data::Bitmap> memberships_;
    std::unique_ptr<vm::Machine> machine_;
    std::unique_ptr<reference::ReferenceEvaluator> reference_;
};

}  // namespace segmint::engine
