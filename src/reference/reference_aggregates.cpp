// Event aggregates, the obvious way: for one customer, every one of its events in turn, the filter evaluated by a
// reference evaluator of the event table, the values collected and then reduced as docs/language.md "Event
// aggregates" says. engine/aggregates.cpp computes the same for the VM in one pass per aggregate; the differential
// tests compare the two.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "data/events.h"
#include "reference/reference_evaluator.h"

namespace segmint::reference {

namespace {

using ir::AggregateFunction;
using ir::Value;

// a < b for two non-NULL values of one type: numbers and times by value, strings bytewise, false < true.
bool less(const Value& a, const Value& b) {
    if (a.index() != b.index()) throw std::logic_error("reference aggregate: values of two types");
    return std::visit(
        [&b](const auto& x) -> bool {
            using T = std::decay_t<decltype(x)>;
            const T& y = std::get<T>(b);
            if constexpr (std::is_same_v<T, ir::Null>) {
                return false;
            } else if constexpr (std::is_same_v<T, ir::DateValue>) {
                return x.days < y.days;
            } else if constexpr (std::is_same_v<T, ir::TimestampValue>) {
                return x.micros < y.micros;
            } else {
                return x < y;  // std::string compares bytes as unsigned char, as memcmp does
            }
        },
        a);
}

int64_t time_of(const Value& time) {
    if (auto* date = std::get_if<ir::DateValue>(&time)) return date->days;
    return std::get<ir::TimestampValue>(time).micros;
}

struct Seen {
    Value value;
    int64_t time = 0;
};

// The sum of ints is exact; it is NULL only when the result does not fit in 64 bits. Numbers add as doubles in time
// order, and a sum that is not finite is NULL, as every number operation's.
Value sum_of(const std::vector<Seen>& seen, bool number) {
    if (number) {
        double total = 0;
        for (const Seen& s : seen) total += std::get<double>(s.value);
        return std::isfinite(total) ? Value(total) : Value(ir::Null{});
    }
    __int128 total = 0;
    for (const Seen& s : seen) total += std::get<int64_t>(s.value);
    if (total < std::numeric_limits<int64_t>::min() || total > std::numeric_limits<int64_t>::max()) return ir::Null{};
    return static_cast<int64_t>(total);
}

// The sum (of ints: exact, then as a double) divided by the count; NULL without values or when the sum of numbers is
// not finite.
Value average_of(const std::vector<Seen>& seen) {
    if (seen.empty()) return ir::Null{};
    double total = 0;
    if (std::holds_alternative<double>(seen.front().value)) {
        for (const Seen& s : seen) total += std::get<double>(s.value);
    } else {
        __int128 whole = 0;
        for (const Seen& s : seen) whole += std::get<int64_t>(s.value);
        total = static_cast<double>(whole);
    }
    if (!std::isfinite(total)) return ir::Null{};
    return total / static_cast<double>(seen.size());
}

// first: the earliest event; last: the latest; among events at one time, the smaller value.
Value pick_by_time(const std::vector<Seen>& seen, bool latest) {
    const Seen* best = nullptr;
    for (const Seen& s : seen) {
        const bool better = !best || (latest ? s.time > best->time : s.time < best->time) ||
                            (s.time == best->time && less(s.value, best->value));
        if (better) best = &s;
    }
    return best ? best->value : Value(ir::Null{});
}

}  // namespace

AggregateSeen ReferenceEvaluator::aggregate_seen(const ir::AggregateSpec& spec, uint64_t row) {
    AggregateSeen out;
    out.value = reduce(spec, row, &out.events, &out.matched);
    return out;
}

Value ReferenceEvaluator::reduce(const ir::AggregateSpec& spec, uint64_t row, uint64_t* events_seen,
                                 uint64_t* matched) {
    const data::EventSet* events = table_.events();
    const data::EventTable* table =
        events && spec.events < events->tables.size() ? &events->tables[spec.events] : nullptr;
    std::vector<Seen> seen;  // the values of the customer's events that pass the filter, NULLs left out
    uint64_t matching = 0;   // those events, NULL values or not
    if (table) {
        auto& evaluator = event_evaluators_[spec.events];
        if (!evaluator) evaluator = std::make_unique<ReferenceEvaluator>(table->table, as_of_);
        const schema::EventTable& definition = table_.schema().events.at(spec.events);
        const data::Column* time = definition.time.empty() ? nullptr : table->table.find(definition.time);
        *events_seen = table->end(row) - table->begin(row);
        for (uint64_t event = table->begin(row); event < table->end(row); ++event) {
            if (spec.filter && !(evaluator->value(*spec.filter, event, {}) == Value(true))) continue;
            ++matching;
            if (!spec.column) continue;
            Value value = column_value(table->table.column(*spec.column), event);
            if (ir::is_null(value)) continue;
            seen.push_back(Seen{std::move(value), time ? time_of(column_value(*time, event)) : 0});
        }
    }
    *matched = matching;
    switch (spec.function) {
        case AggregateFunction::Count: return static_cast<int64_t>(spec.column ? seen.size() : matching);
        case AggregateFunction::Exists: return spec.column ? !seen.empty() : matching > 0;
        case AggregateFunction::CountDistinct: {
            std::vector<Value> values;
            for (const Seen& s : seen) values.push_back(s.value);
            std::sort(values.begin(), values.end(), less);
            int64_t distinct = 0;
            for (size_t i = 0; i < values.size(); ++i) distinct += i == 0 || less(values[i - 1], values[i]);
            return distinct;
        }
        case AggregateFunction::Sum: {
            const schema::EventTable& definition = table_.schema().events.at(spec.events);
            return sum_of(seen, definition.columns.at(*spec.column).type == schema::ColumnType::Number);
        }
        case AggregateFunction::Avg: return average_of(seen);
        case AggregateFunction::Min:
        case AggregateFunction::Max: {
            const Seen* best = nullptr;
            for (const Seen& s : seen) {
                const bool max = spec.function == AggregateFunction::Max;
                if (!best || (max ? less(best->value, s.value) : less(s.value, best->value))) best = &s;
            }
            return best ? best->value : Value(ir::Null{});
        }
        case AggregateFunction::First: return pick_by_time(seen, false);
        case AggregateFunction::Last: return pick_by_time(seen, true);
    }
    throw std::logic_error("reference aggregate: unknown function");
}

}  // namespace segmint::reference
