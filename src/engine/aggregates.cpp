#include "engine/aggregates.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "codegen/codegen.h"
#include "data/events.h"
#include "reference/reference_evaluator.h"
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
        case ColumnType::Bool: return c.bools.get(a) < c.bools.get(b);
        case ColumnType::String:
        case ColumnType::Enum: return c.string_at(a) < c.string_at(b);
        case ColumnType::StringList: {
            const auto x = c.list_range(a), y = c.list_range(b);
            return std::lexicographical_compare(
                c.list_codes.begin() + x.begin, c.list_codes.begin() + x.end, c.list_codes.begin() + y.begin,
                c.list_codes.begin() + y.end,
                [&c](int32_t p, int32_t q) { return c.dictionary.value(p) < c.dictionary.value(q); });
        }
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
        case ColumnType::Bool: return bytes(c.bools.get(row));
        case ColumnType::StringList: {
            std::string key;
            const auto [begin, end] = c.list_range(row);
            for (uint64_t i = begin; i < end; ++i) key += bytes(c.list_codes[i]);
            return key;
        }
    }
    return {};
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
        case ColumnType::Bool: out.bools.push_back(valid && from.bools.get(row)); break;
        case ColumnType::StringList:
            if (valid) {
                const auto [begin, end] = from.list_range(row);
                out.list_codes.insert(out.list_codes.end(), from.list_codes.begin() + begin,
                                      from.list_codes.begin() + end);
            }
            out.list_offsets.push_back(out.list_codes.size());
            break;
    }
}

// The tests of the time column against constants in a filter: a range of times, which on each customer's events
// (sorted by time, data/events.h) is a range of rows found by two binary searches, not a test per event.
struct Window {
    static constexpr uint64_t kLinearRows = 32;
    int64_t from = std::numeric_limits<int64_t>::min(), to = std::numeric_limits<int64_t>::max();  // inclusive
    bool empty = false;  // a bound is NULL, or the range is empty: no event passes

    // Narrows [begin, end), rows of one customer in time order, to the events inside the window.
    void narrow(const data::Column& time, uint64_t& begin, uint64_t& end) const {
        time.type == schema::ColumnType::Date ? narrow(time.i32.data(), begin, end)
                                              : narrow(time.i64.data(), begin, end);
    }

    // The same over the time column's values `at` (days or microseconds, as the window's bounds). The rows are in time
    // order, so on a short range the window starts after the rows before it and ends after the rows not after it: one
    // branch-free pass counts both, as a hand-written loop would. On a long range, two binary searches.
    template <typename Time>
    void narrow(const Time* at, uint64_t& begin, uint64_t& end) const {
        if (empty) {
            end = begin;
            return;
        }
        if (end - begin <= kLinearRows) {
            uint64_t before = 0, not_after = 0;
            for (uint64_t row = begin; row < end; ++row) {
                before += at[row] < from;
                not_after += at[row] <= to;
            }
            end = begin + std::max(before, not_after);
            begin += before;
            return;
        }
        const Time* low = std::lower_bound(at + begin, at + end, from, [](Time t, int64_t bound) { return t < bound; });
        const Time* high = std::upper_bound(low, at + end, to, [](int64_t bound, Time t) { return bound < t; });
        begin = static_cast<uint64_t>(low - at);
        end = static_cast<uint64_t>(high - at);
    }
};

bool reads_a_column(const ir::Node& node) {
    if (node.kind == ir::Kind::Column) return true;
    for (const auto& arg : node.args) {
        if (reads_a_column(*arg)) return true;
    }
    return false;
}

// Splits `filter` (an And, or one condition) into its window over the time column `time` and the rest, returned as a
// condition of its own (null when nothing is left). Only `time op constant` (or `constant op time`) with op among
// < <= > >= counts as window; the rest stays a filter program.
ir::NodePtr split_window(const ir::Node& filter, uint32_t time, const data::Table& events, scalar::AsOf as_of,
                         Window& window) {
    std::vector<const ir::Node*> parts;
    if (filter.kind == ir::Kind::And) {
        for (const auto& arg : filter.args) parts.push_back(arg.get());
    } else {
        parts.push_back(&filter);
    }
    reference::ReferenceEvaluator constants(events, as_of);  // for bounds, which read no column
    std::vector<ir::NodePtr> rest;
    for (const ir::Node* part : parts) {
        const bool comparison = part->kind == ir::Kind::Compare && (part->op == ir::Op::Lt || part->op == ir::Op::Le ||
                                                                    part->op == ir::Op::Gt || part->op == ir::Op::Ge);
        int side = -1;  // the argument that is the time column
        if (comparison) {
            for (int i = 0; i < 2; ++i) {
                const ir::Node& a = *part->args[i];
                const ir::Node& b = *part->args[1 - i];
                if (a.kind == ir::Kind::Column && a.column == time && !reads_a_column(b)) side = i;
            }
        }
        if (side < 0) {
            rest.push_back(part->clone());
            continue;
        }
        const ir::Value bound = constants.value(*part->args[1 - side], 0, {});
        if (ir::is_null(bound)) {
            window.empty = true;
            continue;
        }
        const auto* date = std::get_if<ir::DateValue>(&bound);
        const auto* timestamp = std::get_if<ir::TimestampValue>(&bound);
        if (!date && !timestamp) throw std::logic_error("aggregate window: a bound that is not a time");
        const int64_t value = date ? date->days : timestamp->micros;
        ir::Op op = part->op;
        if (side == 1)
            op = op == ir::Op::Lt   ? ir::Op::Gt
                 : op == ir::Op::Le ? ir::Op::Ge
                 : op == ir::Op::Gt ? ir::Op::Lt
                                    : ir::Op::Le;
        // time > v is time >= v + 1, time < v is time <= v - 1: times are whole days or microseconds.
        switch (op) {
            case ir::Op::Ge: window.from = std::max(window.from, value); break;
            case ir::Op::Gt:
                if (value == std::numeric_limits<int64_t>::max())
                    window.empty = true;
                else
                    window.from = std::max(window.from, value + 1);
                break;
            case ir::Op::Le: window.to = std::min(window.to, value); break;
            default:
                if (value == std::numeric_limits<int64_t>::min())
                    window.empty = true;
                else
                    window.to = std::min(window.to, value - 1);
                break;
        }
    }
    if (window.from > window.to) window.empty = true;
    if (rest.empty()) return nullptr;
    if (rest.size() == 1) return std::move(rest[0]);
    auto both = std::make_unique<ir::Node>();
    both->kind = ir::Kind::And;
    both->type = ir::Type::Bool;
    both->args = std::move(rest);
    return both;
}

struct Reducer {
    const ir::AggregateSpec& spec;
    const data::EventTable* events;  // null: nobody has events
    const data::Bitmap* passing;     // null: every event passes
    const data::Column* value;       // the aggregated column, or null
    const data::Column* time;        // the time column, or null
    const Window* window;            // null: no window (or no time column)

    bool counts(uint64_t e) const { return (!passing || passing->get(e)) && (!value || !value->is_null(e)); }

    // The values of customers [from, to) into `out`, emptied first; its arrays keep their capacity, and a
    // dictionary it already holds (the same column's, on an earlier range) is not copied again.
    void run(uint64_t from, uint64_t to, ColumnType type, data::Column& out) const {
        out.name = spec.key;
        out.type = type;
        out.size = 0;
        out.validity.resize(0);
        out.i64.clear();
        out.f64.clear();
        out.i32.clear();
        out.bools.resize(0);
        out.list_offsets.clear();
        out.list_codes.clear();
        const bool pick = spec.function == AggregateFunction::Min || spec.function == AggregateFunction::Max ||
                          spec.function == AggregateFunction::First || spec.function == AggregateFunction::Last;
        if (pick) {
            out.type = value->type;
            if (out.dictionary.size() != value->dictionary.size()) out.dictionary = value->dictionary;
            if (out.type == ColumnType::StringList) out.list_offsets.push_back(0);
        }
        if (spec.function == AggregateFunction::Count || spec.function == AggregateFunction::Exists) {
            count_all(from, to, out);
            return;
        }
        out.reserve(to - from);
        for (uint64_t c = from; c < to; ++c) {
            uint64_t begin = events ? events->begin(c) : 0, end = events ? events->end(c) : 0;
            if (window) window->narrow(*time, begin, end);
            if (pick) {
                append_pick(*value, chosen(begin, end), out);
                continue;
            }
            reduce(begin, end, out);
        }
    }

    // count and exists are never NULL: written straight into the values, every row valid. Without a filter program
    // or a column whose NULLs are skipped, a count is the length of the (windowed) range.
    void count_all(uint64_t from, uint64_t to, data::Column& out) const {
        const bool every_event = !passing && !value;
        const bool exists = spec.function == AggregateFunction::Exists;
        const uint64_t customers = to - from;
        exists ? out.bools.resize(customers) : out.i64.resize(customers);
        out.validity.resize(customers, true);
        out.size = customers;
        if (every_event && window && !window->empty && events) {
            const bool dates = time->type == ColumnType::Date;
            const auto run = [&](auto put) {
                dates ? count_in_window(time->i32.data(), from, to, put)
                      : count_in_window(time->i64.data(), from, to, put);
            };
            if (exists) {
                run([&out](uint64_t i, uint64_t n) {
                    if (n > 0) out.bools.set(i);  // cleared by the resize above
                });
            } else {
                run([counts = out.i64.mutable_data()](uint64_t i, uint64_t n) { counts[i] = static_cast<int64_t>(n); });
            }
            return;
        }
        for (uint64_t c = from; c < to; ++c) {
            uint64_t begin = events ? events->begin(c) : 0, end = events ? events->end(c) : 0;
            if (window) window->narrow(*time, begin, end);
            int64_t n = static_cast<int64_t>(end - begin);
            if (!every_event) {
                n = 0;
                for (uint64_t e = begin; e < end; ++e) n += counts(e);
            }
            exists ? out.bools.set(c - from, n > 0) : void(out.i64.mutable_data()[c - from] = n);
        }
    }

    // The hot path of `count(E within last N days)`: the length of each customer's range narrowed to the window, the
    // time column's width chosen once. `put(i, n)` stores customer first + i's n events (a count, or exists: n > 0).
    template <typename Time, typename Put>
    void count_in_window(const Time* at, uint64_t first, uint64_t last, Put put) const {
        const uint64_t* offsets = events->offsets.data();
        for (uint64_t c = first; c < last; ++c) {
            uint64_t begin = offsets[c], end = offsets[c + 1];
            window->narrow(at, begin, end);
            put(c - first, end - begin);
        }
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
                        const int64_t te = time ? time_value(*time, e) : 0, tb = time ? time_value(*time, best) : 0;
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
                // Numbers add as doubles in time order; ints add exactly (128 bits), so only a result outside
                // int64, not the order of the events, makes the sum NULL. A sum that is not finite is NULL.
                const bool number = value->type == ColumnType::Number;
                double total = 0;
                __int128 whole = 0;
                int64_t n = 0;
                for (uint64_t e = begin; e < end; ++e) {
                    if (!counts(e)) continue;
                    ++n;
                    if (number) {
                        total += value->f64[e];
                    } else {
                        whole += value->i64[e];
                    }
                }
                if (!number) total = static_cast<double>(whole);
                const bool fits =
                    whole >= std::numeric_limits<int64_t>::min() && whole <= std::numeric_limits<int64_t>::max();
                if (spec.function == AggregateFunction::Avg) {
                    n == 0 || !std::isfinite(total) ? out.append_null()
                                                    : out.append_number(total / static_cast<double>(n));
                } else if (number) {
                    std::isfinite(total) ? out.append_number(total) : out.append_null();
                } else {
                    fits ? out.append_int(static_cast<int64_t>(whole)) : out.append_null();
                }
                return;
            }
            default: throw std::logic_error("aggregate reduce: a count or a picking function");
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

// One aggregate, ready to reduce any range of customers: where its events and columns are, its window, and the rows
// its `where` program passes.
struct AggregateValues::Prepared {
    std::optional<data::EventTable> none;  // without loaded events: an empty table of the same columns
    Window window;
    std::unique_ptr<Reducer> reducer;
    ColumnType type;
};

AggregateValues::AggregateValues(const AggregateList& aggregates, const std::vector<ir::Type>& types,
                                 const data::Table& customers, scalar::AsOf as_of) {
    const data::EventSet* loaded = customers.events();
    for (size_t i = 0; i < aggregates.size(); ++i) {
        const ir::AggregateSpec& spec = *aggregates[i];
        auto& prepared = *prepared_.emplace_back(std::make_unique<Prepared>());
        const data::EventTable* events =
            loaded && spec.events < loaded->tables.size() ? &loaded->tables[spec.events] : nullptr;
        const schema::EventTable& definition = customers.schema().events.at(spec.events);
        // Without loaded events an empty table of the same columns stands in, so picks keep their column's type.
        const data::EventTable* source = events;
        if (!source) source = &prepared.none.emplace(data::no_events(customers, definition));
        const data::Column* value = spec.column ? &source->table.column(*spec.column) : nullptr;
        const data::Column* time = definition.time.empty() ? nullptr : source->table.find(definition.time);
        // The window narrows each customer's rows; what is left of the filter runs as a program over the events.
        const Window* narrowing = nullptr;
        ir::NodePtr rest;
        if (spec.filter && time) {
            rest = split_window(*spec.filter, static_cast<uint32_t>(definition.time_column()->index), source->table,
                                as_of, prepared.window);
            narrowing = &prepared.window;
        } else if (spec.filter) {
            rest = spec.filter->clone();
        }
        const data::Bitmap* passing = nullptr;
        if (rest && events) {
            auto key = std::pair(spec.events, ir::dump(*rest));
            auto found = filters_.find(key);
            if (found == filters_.end())
                found = filters_.emplace(std::move(key), run_filter(*rest, events->table, as_of)).first;
            passing = &found->second;
        }
        prepared.reducer = std::make_unique<Reducer>(Reducer{spec, source, passing, value, time, narrowing});
        prepared.type = column_type(types.at(i));
    }
}

AggregateValues::~AggregateValues() = default;

void AggregateValues::fill(uint64_t from, uint64_t to, std::vector<data::Column>& into) const {
    into.resize(prepared_.size());
    for (size_t i = 0; i < prepared_.size(); ++i) prepared_[i]->reducer->run(from, to, prepared_[i]->type, into[i]);
}

std::vector<data::Column> compute_aggregates(const AggregateList& aggregates, const std::vector<ir::Type>& types,
                                             const data::Table& customers, scalar::AsOf as_of) {
    std::vector<data::Column> out;
    AggregateValues(aggregates, types, customers, as_of).fill(0, customers.rows(), out);
    return out;
}

}  // namespace segmint::engine
