#include "engine/aggregates.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "codegen/codegen.h"
#include "data/events.h"
#include "vm/machine.h"
#include "vm/verifier.h"

namespace segmint::engine {

namespace {

using ir::AggregateFunction;
using schema::ColumnType;

ColumnType column_type(ir::Type type) {
    switch (type) {
        case ir::Type::Bool: return ColumnType::Bool;
        case ir::Type::Int: return ColumnType::Int;
        case ir::Type::Number: return ColumnType::Number;
        case ir::Type::String: return ColumnType::String;
        case ir::Type::Date: return ColumnType::Date;
        case ir::Type::Timestamp: return ColumnType::Timestamp;
        case ir::Type::StringList: return ColumnType::StringList;
    }
    return ColumnType::String;
}

// The events that pass `filter` (TRUE, not NULL), by the filter's own VM program over the event table.
data::Bitmap run_filter(const ir::Node& filter, const data::Table& events, scalar::AsOf as_of) {
    ir::Rule rule{0, "filter", filter.clone(), {}};
    std::vector<codegen::LookupCondition> lookups;  // none: the filter is not optimized into dictionary lookups
    std::vector<vm::Program> programs{codegen::generate(rule, events.schema(), as_of, lookups)};
    const std::string problem = vm::verify(programs[0], events.schema(), 1, 0);
    if (!problem.empty() || !lookups.empty()) throw std::logic_error("bytecode of an aggregate filter: " + problem);
    return std::move(vm::evaluate(programs, events, 1, as_of).at(0));
}

// a < b for two non-NULL rows of one column: the order min/max and the tie rule of first/last use (strings bytewise).
bool row_less(const data::Column& c, uint64_t a, uint64_t b) {
    switch (c.type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: return c.i64[a] < c.i64[b];
        case ColumnType::Number: return c.f64[a] < c.f64[b];
        case ColumnType::Date: return c.i32[a] < c.i32[b];
        case ColumnType::Bool: return c.u8[a] < c.u8[b];
        case ColumnType::String:
        case ColumnType::Enum: return c.string_at(a) < c.string_at(b);
        case ColumnType::StringList:
            return std::lexicographical_compare(
                c.list_codes.begin() + c.list_begin(a), c.list_codes.begin() + c.list_end(a),
                c.list_codes.begin() + c.list_begin(b), c.list_codes.begin() + c.list_end(b),
                [&c](int32_t x, int32_t y) { return c.dictionary.value(x) < c.dictionary.value(y); });
    }
    return false;
}

// A value as a key for count_distinct: equal values, equal keys (-0 and 0 are one number; codes name one string).
std::string distinct_key(const data::Column& c, uint64_t row) {
    auto bytes = [](const auto& value) { return std::string(reinterpret_cast<const char*>(&value), sizeof value); };
    switch (c.type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: return bytes(c.i64[row]);
        case ColumnType::Number: return bytes(c.f64[row] == 0 ? 0.0 : c.f64[row]);
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum: return bytes(c.i32[row]);
        case ColumnType::Bool: return bytes(c.u8[row]);
        case ColumnType::StringList: {
            std::string key;
            for (uint64_t i = c.list_begin(row); i < c.list_end(row); ++i) key += bytes(c.list_codes[i]);
            return key;
        }
    }
    return {};
}

int64_t time_at(const data::Column& time, uint64_t row) {
    return time.type == ColumnType::Date ? time.i32[row] : time.i64[row];
}

// Appends `from`'s value at `row` (or NULL when row is kNone) to `out`, a column of from's type and dictionary.
constexpr uint64_t kNone = ~uint64_t{0};
void append_pick(const data::Column& from, uint64_t row, data::Column& out) {
    const bool valid = row != kNone;
    out.validity.push_back(valid);
    ++out.size;
    switch (from.type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: out.i64.push_back(valid ? from.i64[row] : 0); break;
        case ColumnType::Number: out.f64.push_back(valid ? from.f64[row] : 0); break;
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum: out.i32.push_back(valid ? from.i32[row] : 0); break;
        case ColumnType::Bool: out.u8.push_back(valid ? from.u8[row] : 0); break;
        case ColumnType::StringList:
            if (valid) {
                out.list_codes.insert(out.list_codes.end(), from.list_codes.begin() + from.list_begin(row),
                                      from.list_codes.begin() + from.list_end(row));
            }
            out.list_offsets.push_back(out.list_codes.size());
            break;
    }
}

struct Reducer {
    const ir::AggregateSpec& spec;
    const data::EventTable* events;  // null: nobody has events
    const data::Bitmap* passing;     // null: every event passes
    const data::Column* value;       // the aggregated column, or null
    const data::Column* time;        // the time column, or null

    bool counts(uint64_t e) const { return (!passing || passing->get(e)) && (!value || !value->is_null(e)); }

    data::Column run(uint64_t customers, ColumnType type) const {
        data::Column out;
        out.name = spec.key;
        out.type = type;
        const bool pick = spec.function == AggregateFunction::Min || spec.function == AggregateFunction::Max ||
                          spec.function == AggregateFunction::First || spec.function == AggregateFunction::Last;
        if (pick) {
            out.type = value->type;
            out.dictionary = value->dictionary;
            if (out.type == ColumnType::StringList) out.list_offsets.push_back(0);
        }
        out.reserve(customers);
        for (uint64_t c = 0; c < customers; ++c) {
            const uint64_t begin = events ? events->begin(c) : 0, end = events ? events->end(c) : 0;
            if (pick) {
                append_pick(*value, chosen(begin, end), out);
                continue;
            }
            reduce(begin, end, out);
        }
        return out;
    }

    // min/max: the smallest/largest value; first/last: the earliest/latest event, the smaller value at one time.
    uint64_t chosen(uint64_t begin, uint64_t end) const {
        uint64_t best = kNone;
        for (uint64_t e = begin; e < end; ++e) {
            if (!counts(e)) continue;
            bool better = best == kNone;
            if (!better) {
                switch (spec.function) {
                    case AggregateFunction::Min: better = row_less(*value, e, best); break;
                    case AggregateFunction::Max: better = row_less(*value, best, e); break;
                    default: {
                        const int64_t te = time ? time_at(*time, e) : 0, tb = time ? time_at(*time, best) : 0;
                        const bool later = spec.function == AggregateFunction::Last;
                        better = (later ? te > tb : te < tb) || (te == tb && row_less(*value, e, best));
                    }
                }
            }
            if (better) best = e;
        }
        return best;
    }

    void reduce(uint64_t begin, uint64_t end, data::Column& out) const {
        switch (spec.function) {
            case AggregateFunction::Count:
            case AggregateFunction::Exists: {
                int64_t n = 0;
                for (uint64_t e = begin; e < end; ++e) n += counts(e);
                spec.function == AggregateFunction::Count ? out.append_int(n) : out.append_bool(n > 0);
                return;
            }
            case AggregateFunction::CountDistinct: {
                std::vector<std::string> keys;
                for (uint64_t e = begin; e < end; ++e) {
                    if (counts(e)) keys.push_back(distinct_key(*value, e));
                }
                std::sort(keys.begin(), keys.end());
                out.append_int(std::unique(keys.begin(), keys.end()) - keys.begin());
                return;
            }
            case AggregateFunction::Sum:
            case AggregateFunction::Avg: {
                const bool number = value->type == ColumnType::Number;
                double total = 0;
                int64_t whole = 0, n = 0;
                bool overflow = false;
                for (uint64_t e = begin; e < end; ++e) {
                    if (!counts(e)) continue;
                    ++n;
                    total += number ? value->f64[e] : static_cast<double>(value->i64[e]);
                    if (!number) overflow |= __builtin_add_overflow(whole, value->i64[e], &whole);
                }
                if (spec.function == AggregateFunction::Avg) {
                    n == 0 ? out.append_null() : out.append_number(total / static_cast<double>(n));
                } else if (number) {
                    out.append_number(total);
                } else {
                    overflow ? out.append_null() : out.append_int(whole);
                }
                return;
            }
            default: throw std::logic_error("aggregate reduce: a picking function");
        }
    }
};

}  // namespace

schema::Column aggregate_column(const ir::AggregateSpec& spec, ir::Type type, size_t index) {
    schema::Column column;
    column.name = spec.key;
    column.type = column_type(type);
    column.index = index;
    return column;
}

std::vector<data::Column> compute_aggregates(const AggregateList& aggregates, const std::vector<ir::Type>& types,
                                             const data::Table& customers, scalar::AsOf as_of) {
    std::vector<data::Column> out;
    std::map<std::pair<uint32_t, std::string>, data::Bitmap> filters;  // by event table and filter text
    const data::EventSet* loaded = customers.events();
    for (size_t i = 0; i < aggregates.size(); ++i) {
        const ir::AggregateSpec& spec = *aggregates[i];
        const data::EventTable* events =
            loaded && spec.events < loaded->tables.size() ? &loaded->tables[spec.events] : nullptr;
        const schema::EventTable& definition = customers.schema().events.at(spec.events);
        const data::Bitmap* passing = nullptr;
        if (spec.filter && events) {
            auto key = std::pair(spec.events, ir::dump(*spec.filter));
            auto found = filters.find(key);
            if (found == filters.end()) {
                found = filters.emplace(std::move(key), run_filter(*spec.filter, events->table, as_of)).first;
            }
            passing = &found->second;
        }
        const data::Column* value = nullptr;
        const data::Column* time = nullptr;
        // Without loaded events an empty table of the same columns stands in, so picks keep their column's type.
        std::optional<data::EventTable> none;
        const data::EventTable* source = events;
        if (!source) source = &none.emplace(data::no_events(customers, definition));
        if (spec.column) value = &source->table.column(*spec.column);
        if (!definition.time.empty()) time = source->table.find(definition.time);
        Reducer reducer{spec, source, passing, value, time};
        out.push_back(reducer.run(customers.rows(), column_type(types.at(i))));
    }
    return out;
}

}  // namespace segmint::engine
