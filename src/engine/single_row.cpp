#include "engine/single_row.h"

#include <stdexcept>

#include "engine/aggregates.h"
#include "reference/reference_evaluator.h"
#include "vm/machine.h"

namespace segmint::engine {

namespace {

// The row's string dictionaries only ever need the current values; a fresh one replaces a dictionary that has grown
// past this many distinct strings, so a long-running evaluator does not keep every string it has seen.
constexpr size_t kDictionaryLimit = 4096;

data::Table one_row_table(const schema::Schema& schema) {
    data::Table table(schema);
    for (size_t c = 0; c < table.column_count(); ++c) table.mutable_column(c).append_null();
    table.finish_rows();
    return table;
}

int32_t intern(data::Dictionary& dictionary, std::string_view value) {
    if (dictionary.size() >= kDictionaryLimit) dictionary = data::Dictionary{};
    return dictionary.intern(value);
}

}  // namespace

SingleRowEvaluator::SingleRowEvaluator(const CompiledCatalog& compiled, const schema::Schema& schema,
                                       Evaluator evaluator)
    : compiled_(compiled), evaluator_(evaluator), table_(one_row_table(schema)) {
    for (const auto* programs : {&compiled.programs, &compiled.shared_programs}) {
        for (const auto& program : *programs) {
            if (!program.lookups.empty()) {
                throw std::invalid_argument("single-row evaluation needs a catalog compiled without table statistics");
            }
        }
    }
    // The one customer has no events: its aggregates are constants (0, FALSE, NULL), computed once.
    aggregates_ = compute_aggregates(compiled.aggregates, compiled.aggregate_types, table_, compiled.as_of);
    memberships_.assign(compiled.segment_names.size(), data::Bitmap(1));
    if (evaluator == Evaluator::Vm)
        machine_ = std::make_unique<vm::Machine>(table_, compiled.as_of, &aggregates_);
    else
        reference_ = std::make_unique<reference::ReferenceEvaluator>(table_, compiled.as_of);
}

SingleRowEvaluator::~SingleRowEvaluator() = default;

void SingleRowEvaluator::set_null(size_t column) {
    data::Column& c = table_.mutable_column(column);
    c.validity.reset(0);
    // NULL slots hold a zero value (code 0, empty list), as the loaders leave them.
    switch (c.type) {
        case schema::ColumnType::Int:
        case schema::ColumnType::Timestamp: c.i64.mutable_data()[0] = 0; break;
        case schema::ColumnType::Number: c.f64.mutable_data()[0] = 0; break;
        case schema::ColumnType::Bool: c.bools.reset(0); break;
        case schema::ColumnType::StringList:
            c.list_codes.clear();
            c.list_offsets.mutable_data()[1] = 0;
            break;
        default: c.i32.mutable_data()[0] = 0; break;
    }
}

void SingleRowEvaluator::set_int(size_t column, int64_t value) {
    data::Column& c = table_.mutable_column(column);
    c.i64.mutable_data()[0] = value;
    c.validity.set(0);
}
void SingleRowEvaluator::set_number(size_t column, double value) {
    data::Column& c = table_.mutable_column(column);
    c.f64.mutable_data()[0] = value;
    c.validity.set(0);
}
void SingleRowEvaluator::set_bool(size_t column, bool value) {
    data::Column& c = table_.mutable_column(column);
    c.bools.set(0, value);
    c.validity.set(0);
}
void SingleRowEvaluator::set_date(size_t column, int32_t days) {
    data::Column& c = table_.mutable_column(column);
    c.i32.mutable_data()[0] = days;
    c.validity.set(0);
}
void SingleRowEvaluator::set_timestamp(size_t column, int64_t micros) {
    data::Column& c = table_.mutable_column(column);
    c.i64.mutable_data()[0] = micros;
    c.validity.set(0);
}
void SingleRowEvaluator::set_string(size_t column, std::string_view value) {
    data::Column& c = table_.mutable_column(column);
    c.i32.mutable_data()[0] = intern(c.dictionary, value);
    c.validity.set(0);
}
void SingleRowEvaluator::set_enum(size_t column, int32_t index) {
    data::Column& c = table_.mutable_column(column);
    c.i32.mutable_data()[0] = index;
    c.validity.set(0);
}
void SingleRowEvaluator::set_list(size_t column, const std::string* items, size_t count) {
    data::Column& c = table_.mutable_column(column);
    if (c.dictionary.size() + count > kDictionaryLimit) c.dictionary = data::Dictionary{};
    c.list_codes.resize(count);
    for (size_t i = 0; i < count; ++i) c.list_codes.mutable_data()[i] = c.dictionary.intern(items[i]);
    c.list_offsets.mutable_data()[1] = count;
    c.validity.set(0);
}

const std::vector<data::Bitmap>& SingleRowEvaluator::evaluate() {
    for (auto& bits : memberships_) bits.reset(0);
    if (machine_) {
        // Shared conditions first, as vm::evaluate runs them: the segment programs read their results. The row was
        // rewritten since the last customer's batch.
        machine_->start_batch();
        for (const auto& program : compiled_.shared_programs) machine_->run(program, 0, 1, memberships_);
        for (const auto& program : compiled_.programs) machine_->run(program, 0, 1, memberships_);
    } else {
        // The rules as written, as engine::evaluate's reference path runs them.
        for (const auto& rule : compiled_.written_rules) {
            ir::Value v = reference_->value(*rule.root, 0, memberships_);
            if (std::holds_alternative<bool>(v) && std::get<bool>(v)) memberships_[rule.segment].set(0);
        }
    }
    return memberships_;
}

}  // namespace segmint::engine
