#include "engine/bind_lookups.h"

#include <stdexcept>

#include "vm/machine.h"

namespace segmint::engine {

namespace {

// The lookup's rows: every distinct value of the column in code order (interning them in that order gives each the
// same code again), then one NULL row.
data::Table values_table(const data::Dictionary& dictionary) {
    data::Table table(codegen::lookup_schema());
    data::Column& column = table.mutable_column(0);
    for (size_t code = 0; code < dictionary.size(); ++code) {
        column.append_string(dictionary.value(static_cast<int32_t>(code)));
    }
    column.append_null();
    table.finish_rows();
    return table;
}

std::vector<uint8_t> bind(const data::Dictionary& dictionary, const codegen::LookupCondition& condition,
                          scalar::AsOf as_of) {
    const data::Table table = values_table(dictionary);
    const std::vector<vm::Program> programs = {condition.is_true, condition.is_false};
    const std::vector<data::Bitmap> truth = vm::evaluate(programs, table, 2, as_of);
    std::vector<uint8_t> values(table.rows());
    for (uint64_t row = 0; row < table.rows(); ++row) {
        const bool is_true = truth[0].get(row), is_false = truth[1].get(row);
        if (is_true && is_false) throw std::logic_error("a lookup's condition is both TRUE and FALSE");
        values[row] = is_true ? vm::kLookupTrue : is_false ? vm::kLookupFalse : vm::kLookupNull;
    }
    return values;
}

}  // namespace

std::vector<vm::LookupTables> bind_lookups(const std::vector<vm::Program>& programs,
                                           const std::vector<std::vector<codegen::LookupCondition>>& conditions,
                                           const data::Table& table, scalar::AsOf as_of) {
    std::vector<vm::LookupTables> bound(programs.size());
    for (size_t p = 0; p < programs.size(); ++p) {
        if (conditions.at(p).size() != programs[p].lookups.size()) {
            throw std::logic_error("lookup conditions do not match program " + programs[p].name);
        }
        for (size_t i = 0; i < programs[p].lookups.size(); ++i) {
            const data::Dictionary& dictionary = table.column(programs[p].lookups[i].column).dictionary;
            bound[p].push_back(bind(dictionary, conditions[p][i], as_of));
        }
    }
    return bound;
}

}  // namespace segmint::engine
