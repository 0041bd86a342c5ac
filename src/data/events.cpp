// Event tables: loading an event CSV file and grouping its rows by customer, then by time.
#include "data/events.h"

#include <sys/mman.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "common/parallel.h"
#include "data/prefault.h"

namespace segmint::data {

namespace {

constexpr uint64_t kNoCustomer = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kSortBlock = 16384;  // customers whose events one task sorts by time

// n copies of `value`, the pages faulted in ahead (fewer, cheaper page faults: prefault.h).
template <typename T>
std::vector<T> filled(size_t n, T value) {
    std::vector<T> out;
    out.reserve(n);
    prefault_for_writing(out.data(), n * sizeof(T));
    out.assign(n, value);
    return out;
}

size_t column_index(const schema::Schema& schema, const std::string& name) {
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        if (schema.columns[i].name == name) return i;
    }
    throw std::logic_error("events: no column `" + name + "` in table `" + schema.table + "`");
}

// The customer row of every event (kNoCustomer for a key no customer has). Keys are int or string, as the
// customer key is (the schema loader checks that they agree).
std::vector<uint64_t> owners(const Column& key, const Column& customer_key) {
    std::vector<uint64_t> owner = filled<uint64_t>(key.size, kNoCustomer);
    if (key.type == schema::ColumnType::Int) {
        // Keys are usually numbered: when they span at most a few times as many values as there are customers, an
        // array indexed by key - smallest finds the row without hashing.
        int64_t low = std::numeric_limits<int64_t>::max(), high = std::numeric_limits<int64_t>::min();
        for (uint64_t row = 0; row < customer_key.size; ++row) {
            if (customer_key.is_null(row)) continue;
            low = std::min(low, customer_key.i64[row]);
            high = std::max(high, customer_key.i64[row]);
        }
        const unsigned __int128 span =
            low <= high ? static_cast<unsigned __int128>(static_cast<__int128>(high) - low) + 1 : 0;
        if (span > 0 && span <= 4 * static_cast<unsigned __int128>(customer_key.size) + 1024) {
            std::vector<uint64_t> row_of(static_cast<size_t>(span), kNoCustomer);
            for (uint64_t row = 0; row < customer_key.size; ++row) {
                if (!customer_key.is_null(row))
                    row_of[static_cast<uint64_t>(customer_key.i64[row]) - static_cast<uint64_t>(low)] = row;
            }
            for (uint64_t event = 0; event < key.size; ++event) {
                const int64_t k = key.i64[event];
                if (key.is_null(event) || k < low || k > high) continue;
                owner[event] = row_of[static_cast<uint64_t>(k) - static_cast<uint64_t>(low)];
            }
            return owner;
        }
        std::unordered_map<int64_t, uint64_t> row_of;
        row_of.reserve(customer_key.size);
        for (uint64_t row = 0; row < customer_key.size; ++row) {
            if (!customer_key.is_null(row)) row_of.emplace(customer_key.i64[row], row);
        }
        for (uint64_t event = 0; event < key.size; ++event) {
            if (key.is_null(event)) continue;
            auto found = row_of.find(key.i64[event]);
            if (found != row_of.end()) owner[event] = found->second;
        }
        return owner;
    }
    // String keys: each distinct key of the events is looked up once, by its dictionary code.
    std::vector<uint64_t> row_of_code(customer_key.dictionary.size(), kNoCustomer);
    for (uint64_t row = 0; row < customer_key.size; ++row) {
        // A code past the dictionary names no customer (a snapshot's codes are read in place: data::StringArena).
        const auto code = static_cast<uint32_t>(customer_key.code_at(row));
        if (!customer_key.is_null(row) && code < row_of_code.size()) row_of_code[code] = row;
    }
    std::vector<uint64_t> row_of_event_code(key.dictionary.size(), kNoCustomer);
    for (size_t code = 0; code < key.dictionary.size(); ++code) {
        if (auto found = customer_key.dictionary.find(key.dictionary.value(static_cast<int32_t>(code)))) {
            row_of_event_code[code] = row_of_code[static_cast<size_t>(*found)];
        }
    }
    for (uint64_t event = 0; event < key.size; ++event) {
        if (!key.is_null(event)) owner[event] = row_of_event_code[static_cast<size_t>(key.i32[event])];
    }
    return owner;
}

std::string key_text(const Column& key, uint64_t row) {
    if (key.is_null(row)) return "";
    return key.type == schema::ColumnType::Int ? std::to_string(key.int_at(row)) : std::string(key.string_at(row));
}

// Whether `order` moves rows only a short way (a file by customer but not by time within each, or in customer
// blocks): then permuting in place stays in cache. A row moved far makes the in-place walk wait for memory at every
// step, where a gather's independent reads overlap (an export in time order across customers moves nearly every row
// far: 5x slower in place than gathered, at 1M customers).
bool moves_near(const std::vector<uint64_t>& order) {
    constexpr uint64_t kNearRows = 1 << 16;
    uint64_t far = 0;
    for (uint64_t i = 0; i < order.size(); ++i) far += (order[i] > i ? order[i] - i : i - order[i]) > kNearRows;
    return far <= order.size() / 16;
}

// The cycles of the permutation `order` (a row of each; rows already in place are left out), for permute().
std::vector<uint64_t> cycle_starts(const std::vector<uint64_t>& order) {
    std::vector<uint64_t> starts;
    std::vector<bool> seen(order.size(), false);
    for (uint64_t start = 0; start < order.size(); ++start) {
        if (seen[start] || order[start] == start) continue;
        starts.push_back(start);
        for (uint64_t row = start; !seen[row]; row = order[row]) seen[row] = true;
    }
    return starts;
}

// values[i] becomes the old values[order[i]] for every i, in place: each cycle is walked once with one value held
// aside. No second array, so no fresh pages to fault in (the costliest part of a copy on the VMs CI runs on).
template <typename T>
void permute(std::vector<T>& values, const std::vector<uint64_t>& order, const std::vector<uint64_t>& starts) {
    for (uint64_t start : starts) {
        const T held = values[start];
        uint64_t row = start;
        for (uint64_t from = order[row]; from != start; from = order[row]) {
            values[row] = values[from];
            row = from;
        }
        values[row] = held;
    }
}

// Arrays a worker gathers into: after a gather the column's old array takes the new one's place here, so the next
// column of the same type reuses its pages instead of faulting in new ones.
struct Spare {
    std::vector<int64_t> i64;
    std::vector<double> f64;
    std::vector<int32_t> i32;
};

// The first `kept` rows of `values` in the order `order` gives, gathered into `spare`, which then trades places with
// `values`.
template <typename T>
void gather_into(std::vector<T>& values, std::vector<T>& spare, const std::vector<uint64_t>& order, uint64_t kept) {
    if (spare.capacity() < kept) spare = filled<T>(kept, 0);
    spare.resize(kept);
    for (uint64_t i = 0; i < kept; ++i) spare[i] = values[order[i]];
    values.swap(spare);
}

// The first `kept` bits of `bits` in the order `order` gives.
Bitmap gathered(const Bitmap& bits, const std::vector<uint64_t>& order, uint64_t kept) {
    Bitmap out(kept);
    for (uint64_t i = 0; i < kept; ++i) {
        if (bits.get(order[i])) out.set(i);
    }
    return out;
}

// Puts `column`'s rows in the order `order` gives (a permutation of all its rows) and keeps the first `kept`
// (orphans are ordered last): value arrays in place along the cycles `starts` when given, else gathered through
// `spare`. Bitmaps (validity, Bool values) and list columns are gathered (small, or rare). Dictionaries are kept
// whole, so codes stay valid.
void regroup(Column& column, const std::vector<uint64_t>& order, const std::vector<uint64_t>* starts, uint64_t kept,
             Spare& spare) {
    Bitmap validity = gathered(column.validity, order, kept);
    auto reorder = [&](auto& values, auto& spare_values) {
        if (starts) {
            permute(vector_of(values), order, *starts);
            values.resize(kept);
        } else {
            gather_into(vector_of(values), spare_values, order, kept);
        }
    };
    switch (column.type) {
        case schema::ColumnType::Int:
        case schema::ColumnType::Timestamp: reorder(column.i64, spare.i64); break;
        case schema::ColumnType::Number: reorder(column.f64, spare.f64); break;
        case schema::ColumnType::Date:
        case schema::ColumnType::String:
        case schema::ColumnType::Enum: reorder(column.i32, spare.i32); break;
        case schema::ColumnType::Bool: column.bools = gathered(column.bools, order, kept); break;
        case schema::ColumnType::StringList: {
            std::vector<uint64_t> offsets;
            std::vector<int32_t> codes;
            offsets.reserve(kept + 1);
            offsets.push_back(0);
            for (uint64_t i = 0; i < kept; ++i) {
                const auto [begin, end] = column.list_range(order[i]);
                codes.insert(codes.end(), column.list_codes.begin() + begin, column.list_codes.begin() + end);
                offsets.push_back(codes.size());
            }
            column.list_offsets = std::move(offsets);
            column.list_codes = std::move(codes);
            break;
        }
    }
    column.validity = std::move(validity);
    column.size = kept;
}

// Sorts one customer's event rows [first, last) by their times `at`, keeping the input order of equal times.
template <typename Time>
void sort_by_time(const Time* at, uint64_t* first, uint64_t* last) {
    // Fewer than two rows are in order; `first + 1` below would also step past an empty range (or from nullptr, when
    // every event is an orphan and there is nothing to order at all).
    if (last - first < 2) return;
    if (last - first <= 32) {
        // Insertion sort: no buffer (stable_sort allocates one on every call), and one pass for rows in order.
        for (uint64_t* next = first + 1; next < last; ++next) {
            const uint64_t row = *next;
            uint64_t* hole = next;
            for (; hole > first && at[*(hole - 1)] > at[row]; --hole) *hole = *(hole - 1);
            *hole = row;
        }
        return;
    }
    auto earlier = [at](uint64_t a, uint64_t b) { return at[a] < at[b]; };
    if (!std::is_sorted(first, last, earlier)) std::stable_sort(first, last, earlier);
}

// Whether the events are in customer row order, then time order within each customer, as grouping leaves them.
bool by_customer_then_time(const std::vector<uint64_t>& owner, const Column* time) {
    for (uint64_t event = 1; event < owner.size(); ++event) {
        if (owner[event] < owner[event - 1]) return false;
        if (time && owner[event] == owner[event - 1] && time_value(*time, event) < time_value(*time, event - 1))
            return false;
    }
    return true;
}

}  // namespace

EventTable group_events(Table events, const Table& customers, const schema::EventTable& definition, unsigned threads) {
    threads = threads_or_cores(threads);
    const schema::Schema& event_schema = events.schema();
    const Column& key = events.column(column_index(event_schema, definition.key));
    const Column& customer_key = customers.column(column_index(customers.schema(), customers.schema().key));
    const std::vector<uint64_t> owner = owners(key, customer_key);

    EventTable out{Table(event_schema), std::vector<uint64_t>(customers.rows() + 1, 0), 0, "", 0, true};
    std::vector<uint64_t>& offsets = out.offsets.owned();
    // Counting sort by customer row: offsets first, then every event in its customer's range, in input order.
    for (uint64_t event = 0; event < owner.size(); ++event) {
        if (owner[event] != kNoCustomer) {
            ++offsets[owner[event] + 1];
        } else if (out.orphans++ == 0) {
            out.first_orphan_key = key_text(key, event);
            out.first_orphan_row = event;
        }
    }
    std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
    const Column* time =
        definition.time.empty() ? nullptr : &events.column(column_index(event_schema, definition.time));
    if (out.orphans == 0 && by_customer_then_time(owner, time)) {
        // The rows are the grouped table as they stand (an export sorted that way, or what `generate` writes): moved,
        // not copied. The loader's spare room is given back only where it is large (giving it back copies).
        for (size_t i = 0; i < out.table.column_count(); ++i) {
            Column& into = out.table.mutable_column(i);
            into = std::move(events.mutable_column(i));
            if (into.byte_size() > into.data_bytes() / 4 * 5) into.trim_excess();
        }
        out.table.finish_rows();
        return out;
    }
    // Every event's place: its customer's range, in input order; orphans after the last customer, to be dropped.
    std::vector<uint64_t> order = filled<uint64_t>(owner.size(), 0);
    std::vector<uint64_t> next(offsets.begin(), offsets.end() - 1);
    uint64_t next_orphan = offsets.back();
    for (uint64_t event = 0; event < owner.size(); ++event) {
        order[owner[event] != kNoCustomer ? next[owner[event]]++ : next_orphan++] = event;
    }
    if (time) {
        // Each customer's range by time, in blocks of customers spread over the threads.
        const uint64_t blocks = (customers.rows() + kSortBlock - 1) / kSortBlock;
        parallel_for(blocks, threads, [&](uint64_t block, unsigned) {
            const uint64_t end = std::min(customers.rows(), (block + 1) * kSortBlock);
            for (uint64_t customer = block * kSortBlock; customer < end; ++customer) {
                uint64_t* first = order.data() + offsets[customer];
                uint64_t* last = order.data() + offsets[customer + 1];
                time->type == schema::ColumnType::Date ? sort_by_time(time->i32.data(), first, last)
                                                       : sort_by_time(time->i64.data(), first, last);
            }
        });
    }
    const bool in_place = moves_near(order);
    const std::vector<uint64_t> starts = in_place ? cycle_starts(order) : std::vector<uint64_t>{};
    std::vector<Spare> spares(threads);
    parallel_for(out.table.column_count(), threads, [&](uint64_t i, unsigned worker) {
        Column& column = events.mutable_column(static_cast<size_t>(i));
        regroup(column, order, in_place ? &starts : nullptr, offsets.back(), spares[worker]);
        if (column.byte_size() > column.data_bytes() / 4 * 5) column.trim_excess();
        out.table.mutable_column(static_cast<size_t>(i)) = std::move(column);
    });
    out.table.finish_rows();
    return out;
}

namespace {

// `count` zeros that take no memory until read: a read-only anonymous mapping, whose untouched pages all read as the
// kernel's one page of zeros. A run without a declared table's events held customer rows + 1 zeros for each, written
// (160 MB faulted in and cleared for the demo schema's two event tables over 10M customers) though nothing read them.
Array<uint64_t> untouched_zeros(size_t count) {
    const size_t bytes = count * sizeof(uint64_t);
    if (bytes < (size_t{1} << 20)) return std::vector<uint64_t>(count, 0);
    void* mapped = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return std::vector<uint64_t>(count, 0);
    std::shared_ptr<const void> unmap(mapped, [bytes](const void* p) { ::munmap(const_cast<void*>(p), bytes); });
    return Array<uint64_t>::view(static_cast<const uint64_t*>(mapped), count, std::move(unmap));
}

}  // namespace

EventTable no_events(const Table& customers, const schema::EventTable& definition) {
    Table empty(schema::event_table_schema(customers.schema(), definition));
    empty.finish_rows();
    EventTable out{std::move(empty), untouched_zeros(customers.rows() + 1), 0, "", 0, false};
    return out;
}

namespace {

// How an event file loads: every event names its customer and has a time (the first row without either is the
// loader's row check), and no customer key is checked.
void event_load_options(CsvOptions& options, const schema::EventTable& definition) {
    options.check_key = false;
    options.trim_excess = false;  // group_events gathers the rows into columns of their exact size
    options.narrow_ints = false;
    options.narrow_codes = false;
    options.check_rows = [definition](const Table& table) -> std::optional<std::pair<uint64_t, std::string>> {
        const Column& key = table.column(column_index(table.schema(), definition.key));
        const Column* time = definition.time.empty() ? nullptr : table.find(definition.time);
        for (uint64_t row = 0; row < table.rows(); ++row) {
            if (key.is_null(row)) {
                return std::pair(row,
                                 "`" + definition.key + "` is empty: every event names the customer it belongs to");
            }
            if (time && time->is_null(row)) {
                return std::pair(
                    row, "`" + definition.time + "` is empty: every event of `" + definition.name + "` has a time");
            }
        }
        return std::nullopt;
    };
}

}  // namespace

std::optional<EventTable> load_events_csv(const std::string& path, const Table& customers,
                                          const schema::EventTable& definition, CsvError* error, CsvOptions options) {
    event_load_options(options, definition);
    auto events = load_csv(path, schema::event_table_schema(customers.schema(), definition), error, options);
    if (!events) return std::nullopt;
    return group_events(std::move(*events), customers, definition, options.threads);
}

std::optional<EventTable> load_events_csv_text(std::string_view text, const std::string& name, const Table& customers,
                                               const schema::EventTable& definition, CsvError* error,
                                               CsvOptions options) {
    event_load_options(options, definition);
    auto events = load_csv_text(text, name, schema::event_table_schema(customers.schema(), definition), error, options);
    if (!events) return std::nullopt;
    return group_events(std::move(*events), customers, definition, options.threads);
}

}  // namespace segmint::data
