#pragma once
// The engine's own form of customer data: one typed array per column, a validity bitmap for NULLs, strings, enums and
// list items dictionary-encoded. Loaders (CSV now, databases later) fill a Table; the VM reads it.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/array.h"
#include "data/bitmap.h"
#include "schema/schema.h"

namespace segmint::data {

// One load of a value that another program may change while the table is used (a snapshot's offsets and codes are
// read in place from its mapped file: see StringArena): the compiler may not load it again, so the value a reader
// clamped is the value it uses.
template <typename T>
T read_once(const T* value) {
    return __atomic_load_n(value, __ATOMIC_RELAXED);
}

// Entry `index` of offsets into `limit` bytes or items, [offsets[index], offsets[index + 1]), each offset read once
// and clamped: another program that rewrites a snapshot's offsets makes a reader find other values, never memory
// outside the buffer (a begin past its end reads as empty).
struct OffsetRange {
    uint64_t begin, end;
};
inline OffsetRange clamped_range(const uint64_t* offsets, uint64_t index, uint64_t limit) {
    const uint64_t begin = std::min(read_once(offsets + index), limit);
    return {begin, std::min(std::max(read_once(offsets + index + 1), begin), limit)};
}

// Strings stored back to back in one buffer: string i is bytes [offsets[i], offsets[i + 1]). Reads like a
// std::vector<std::string> of string_views; unlike one, it costs no allocation and no 32-byte header per value.
class StringArena {
public:
    using value_type = std::string_view;
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view*;
        using reference = std::string_view;
        const_iterator(const StringArena* arena, size_t index) : arena_(arena), index_(index) {}
        std::string_view operator*() const { return (*arena_)[index_]; }
        const_iterator& operator++() {
            ++index_;
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator before = *this;
            ++index_;
            return before;
        }
        bool operator==(const const_iterator& other) const { return index_ == other.index_; }
        bool operator!=(const const_iterator& other) const { return index_ != other.index_; }

    private:
        const StringArena* arena_;
        size_t index_;
    };
    using iterator = const_iterator;

    size_t size() const { return offsets_.size() - 1; }
    bool empty() const { return offsets_.size() == 1; }
    // String `index` (< size()). Its offsets are clamped to the strings: a snapshot's offsets are read in place from
    // its mapped file, which another program may rewrite after they were checked (docs/snapshots.md); a read then
    // finds other strings, never other memory.
    std::string_view operator[](size_t index) const { return strings()[index]; }
    // The arena's arrays as plain pointers, for a loop over many strings: operator[] with its clamping, without
    // reloading the arena's members after each store the loop makes (a stored size_t may alias them).
    struct Strings {
        const uint64_t* offsets;
        const char* bytes;
        uint64_t limit;  // bytes of strings
        size_t count;    // strings
        std::string_view operator[](size_t index) const {
            const auto [begin, end] = clamped_range(offsets, index, limit);
            return {bytes + begin, static_cast<size_t>(end - begin)};
        }
    };
    Strings strings() const { return {offsets_.data(), bytes_.data(), bytes_.size(), size()}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

    void push_back(std::string_view value) {
        std::vector<char>& bytes = bytes_.owned();
        bytes.insert(bytes.end(), value.begin(), value.end());
        offsets_.push_back(bytes.size());
    }
    void emplace_back(std::string_view value) { push_back(value); }
    void clear();
    // Room for `count` strings of `bytes` bytes in total.
    void reserve(size_t count, size_t bytes);
    void shrink_to_fit();
    // Shrinks only buffers with much spare capacity (see Column::trim_excess): offsets beyond 1/16, strings beyond 1/4.
    void trim_excess();

    // The strings back to back, and size() + 1 offsets into them (snapshots write and read the two arrays whole).
    std::string_view bytes() const { return {bytes_.data(), bytes_.size()}; }
    const uint64_t* offsets() const { return offsets_.data(); }
    // Replaces the strings by `count` strings: `bytes` and count + 1 offsets into it, offsets[0] == 0, never
    // decreasing, the last == bytes.size() (the caller has checked).
    void assign(std::string_view bytes, const uint64_t* offsets, size_t count);
    // The same without copying: the arena views `bytes`, which `keep_alive` keeps valid, and `offsets` (count + 1 of
    // them, a view of the same file or owned).
    void view(std::string_view bytes, Array<uint64_t> offsets, std::shared_ptr<const void> keep_alive);

    // Whether the strings, and their offsets, are a view of memory the arena does not own (a snapshot's mapped file).
    bool is_view() const { return bytes_.is_view(); }
    bool offsets_are_view() const { return offsets_.is_view(); }
    uint64_t string_bytes() const { return bytes_.size(); }
    // Bytes in use: the strings and their offsets.
    uint64_t used_bytes() const { return bytes_.size() + offsets_.size() * sizeof(uint64_t); }
    // Bytes allocated.
    uint64_t byte_size() const { return bytes_.capacity() + offsets_.capacity() * sizeof(uint64_t); }
    // Calls f(data, used bytes, capacity bytes) for the string bytes and the offsets.
    template <typename F>
    void for_each_array(F&& f) const {
        f(bytes_.data(), bytes_.size(), bytes_.capacity());
        f(offsets_.data(), offsets_.size() * sizeof(uint64_t), offsets_.capacity() * sizeof(uint64_t));
    }

    friend bool operator==(const StringArena& a, const std::vector<std::string>& b);
    friend bool operator==(const std::vector<std::string>& a, const StringArena& b) { return b == a; }
    friend bool operator!=(const StringArena& a, const std::vector<std::string>& b) { return !(a == b); }
    friend bool operator!=(const std::vector<std::string>& a, const StringArena& b) { return !(b == a); }
    friend std::ostream& operator<<(std::ostream& out, const StringArena& arena);

private:
    Array<char> bytes_;
    Array<uint64_t> offsets_ = {0};
};

// a == b for the dictionary's probes: most dictionary values (names, cities, countries) are 4 to 16 bytes, which two
// overlapping word compares settle without a call to memcmp.
inline bool equal_bytes(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    if (b.size() != n) return false;
    auto word = [](const char* p) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        return w;
    };
    auto half = [](const char* p) {
        uint32_t w;
        std::memcpy(&w, p, 4);
        return w;
    };
    const char* x = a.data();
    const char* y = b.data();
    if (n >= 8 && n <= 16) return ((word(x) ^ word(y)) | (word(x + n - 8) ^ word(y + n - 8))) == 0;
    if (n >= 4 && n < 8) return ((half(x) ^ half(y)) | (half(x + n - 4) ^ half(y + n - 4))) == 0;
    return n == 0 || std::memcmp(x, y, n) == 0;
}

// Distinct strings of a column; a value's code is its index in `values`. Add values only through intern() so the
// hash index stays in step (find() and intern() re-index if `values` was edited directly, at O(n) cost).
struct Dictionary {
    StringArena values;

    // Code of `value`, adding it when new.
    int32_t intern(std::string_view value);
    // The same with `hash` = hash(value) computed earlier: loaders hash a value and prefetch() its slot of the index,
    // do other work while the slot comes into cache, then intern it (the index of a column of mostly distinct values
    // is far bigger than the caches, so nearly every lookup would otherwise wait for memory).
    int32_t intern(std::string_view value, uint64_t hash);
    static uint64_t hash(std::string_view value);
    void prefetch(uint64_t hash) const {
        // Branch-free on purpose: GCC 12 deletes a prefetch that depends on a branch (`if (!empty())`, or a `?:`
        // it turns into one), as it has no effect the optimizer must keep. An empty index prefetches data() + 0,
        // which cannot fault.
        const size_t mask = slots_.size() - (slots_.size() != 0);
        __builtin_prefetch(slots_.data() + (static_cast<size_t>(hash) & mask));
    }
    std::optional<int32_t> find(std::string_view value) const;
    // Room for `count` values (of `bytes` string bytes) in total without regrowing the strings or the index.
    void reserve(size_t count, size_t bytes = 0);
    size_t size() const { return values.size(); }
    // The value of `code`; "" for a code no value has (a snapshot's codes are read in place: see StringArena).
    std::string_view value(int32_t code) const {
        const auto index = static_cast<uint32_t>(code);
        return index < values.size() ? values[index] : std::string_view();
    }
    // After loading: releases spare capacity of the strings, the per-value hashes kept for growing the index, and
    // the index itself when it holds more than kIndexKeptUpTo values (find() and intern() rebuild it when needed;
    // find() also when several threads call it at once).
    static constexpr size_t kIndexKeptUpTo = size_t{1} << 16;
    void trim_excess();
    // The same without touching the strings: for a dictionary whose values are about to be copied elsewhere (the
    // parallel loader's later ranges, which the join appends to the first range's), where a shrinking copy would be
    // wasted.
    void release_index();
    // Bytes allocated: strings, offsets and the hash index.
    uint64_t byte_size() const;
    // Bytes of the strings and their offsets alone (what a column's data needs, without the index).
    uint64_t value_bytes() const { return values.used_bytes(); }
    // Calls f(data, used bytes, capacity bytes) for the arrays that interning fills front to back (strings, offsets,
    // per-value hashes; not the index, which is written at random).
    template <typename F>
    void for_each_filled_array(F&& f) const {
        values.for_each_array(f);
        f(hashes_.data(), hashes_.size() * sizeof(uint64_t), hashes_.capacity() * sizeof(uint64_t));
    }

private:
    // Open addressing over codes, so the index never points into the strings (which move when `values` grows). Each
    // slot keeps 32 bits of its value's hash, so most probes touch neither `hashes_` nor the strings.
    struct Slot {
        int32_t code = -1;  // -1 = empty
        uint32_t tag = 0;
    };
    // The number of values in slots_, kNotIndexed while there is no index. Atomic because const lookups run on
    // several threads at once (the interpreter's workers search list dictionaries in `contains`): the first to find
    // the index missing builds it under a lock (ensure_index) and publishes the count last, so a reader that sees
    // the count sees the whole index. Copies like a plain number.
    class IndexedCount {
    public:
        explicit IndexedCount(size_t count) : count_(count) {}
        IndexedCount(const IndexedCount& other) : count_(other.load()) {}
        IndexedCount& operator=(const IndexedCount& other) {
            store(other.load());
            return *this;
        }
        size_t load() const { return count_.load(std::memory_order_acquire); }
        void store(size_t count) { count_.store(count, std::memory_order_release); }

    private:
        std::atomic<size_t> count_;
    };
    static constexpr size_t kNotIndexed = ~size_t{0};

    // Builds the index unless it covers every value; safe to call from several threads at once as long as no thread
    // changes the dictionary meanwhile.
    void ensure_index() const;
    void rebuild(bool rehash, size_t room = 0) const;
    void place(int32_t code, uint64_t hash) const;
    mutable std::vector<Slot> slots_;  // size is a power of two, under three quarters full
    // Full hash per code, so growing the index while loading never rehashes strings; empty after trim_excess().
    mutable std::vector<uint64_t> hashes_;
    mutable IndexedCount indexed_{kNotIndexed};  // values[0, indexed_) are in slots_
};

// The bytes a dictionary code takes when narrowed (Column::narrow_codes, the snapshot writer): 1 for at most 128
// values, 2 for at most 32,768 (Arrow's signed Int8 and Int16 dictionary indexes), else 4.
uint8_t narrow_code_width(size_t dictionary_values);

struct Column {
    std::string name;
    schema::ColumnType type = schema::ColumnType::String;
    uint64_t size = 0;

    // Bit set = value present. NULL slots hold a zero value (code 0, empty list; a narrowed Int column's offset 0,
    // which int_at reads as its base) so vector code can run branch-free.
    Bitmap validity;
    // The arrays are the column's own, or views of a snapshot's mapped file (data/array.h).
    Array<int64_t> i64;  // Int (unless narrowed, below); Timestamp (micros since epoch, UTC)
    Array<double> f64;   // Number
    Array<int32_t> i32;  // Date (days since epoch); String and Enum: dictionary code (unless narrowed)
    // Bool: one bit a row, clear for a NULL row. A bit, not a byte: the interpreter reads a batch's bits in place
    // (LoadBool), and a snapshot's Arrow bits are viewed where they lie, not spread into fresh bytes.
    Bitmap bools;
    Array<uint64_t> list_offsets;  // StringList: size+1 offsets into list_codes (list_offsets[0] = 0)
    Array<int32_t> list_codes;     // StringList: dictionary codes of the items
    // String, StringList: values in first-seen order. Enum: exactly the schema's values in declared order (code =
    // enum index).
    Dictionary dictionary;
    // An Int column may hold its values narrow (narrow_ints): `int_width` bytes each, in i8, i16 or i32 (then empty
    // i64), as offsets from `int_base` (frame of reference; NULL slots hold offset 0). 8: the values are i64.
    uint8_t int_width = 8;
    int64_t int_base = 0;
    // A String or Enum column may hold its dictionary codes narrow (narrow_codes): `code_width` bytes each, in i8 or
    // i16 (then empty i32). 4: the codes are i32.
    uint8_t code_width = 4;
    Array<int8_t> i8;  // narrowed Int offsets, or narrowed codes
    Array<int16_t> i16;

    bool is_null(uint64_t row) const { return !validity.get(row); }
    // The value of an Int row, narrowed or not (undefined for NULL rows).
    int64_t int_at(uint64_t row) const {
        switch (int_width) {
            case 1: return widened(i8[row]);
            case 2: return widened(i16[row]);
            case 4: return widened(i32[row]);
            default: return i64[row];
        }
    }
    // base + offset; wraps like the subtraction that made the offset, so every stored value comes back exactly.
    int64_t widened(int64_t offset) const {
        return static_cast<int64_t>(static_cast<uint64_t>(int_base) + static_cast<uint64_t>(offset));
    }
    // An Int column's values in the narrowest of 1, 2 or 4 bytes that holds them, offset from a base where that
    // makes them fit, when that is narrower than it holds them now (8 bytes, or a snapshot's plain narrow width);
    // otherwise (or for other types) nothing changes. Frees the array it held them in.
    void narrow_ints();
    // Back to 8-byte values in i64 (NULL slots 0); appending to a narrowed column does this first.
    void widen_ints();
    // An Int column's `size` values at 8 bytes into `out`, NULL slots 0, narrowed or not (the snapshot writer's).
    void ints_into(int64_t* out) const;
    // The least and greatest present value of an Int column, narrowed or not; false when no value is present.
    bool int_range(int64_t* low, int64_t* high) const;
    // The dictionary code of a String or Enum row, narrowed or not (NULL rows: 0).
    int32_t code_at(uint64_t row) const {
        switch (code_width) {
            case 1: return i8[row];
            case 2: return i16[row];
            default: return i32[row];
        }
    }
    // A String or Enum column's codes in 1 or 2 bytes when its dictionary has at most 128 or 32,768 values (Arrow's
    // signed Int8 and Int16 dictionary indexes), when that is narrower than it holds them now. Frees the array it held
    // them in; a column that may still grow its dictionary (appending widens first) is simply re-narrowed later.
    void narrow_codes();
    // Back to 4-byte codes in i32; appending to a column with narrowed codes does this first.
    void widen_codes();
    // The string of a String or Enum value (undefined for NULL rows: code 0).
    std::string_view string_at(uint64_t row) const { return dictionary.value(code_at(row)); }
    // Items of a StringList row: codes [begin, end) in list_codes, each offset read once and clamped to the items (a
    // snapshot's lists are read in place: see StringArena), so end >= begin.
    using ListRange = OffsetRange;
    ListRange list_range(uint64_t row) const { return clamped_range(list_offsets.data(), row, list_codes.size()); }
    // Its two ends one at a time (tests; readers of a table that may view a snapshot take list_range).
    uint64_t list_begin(uint64_t row) const { return list_range(row).begin; }
    uint64_t list_end(uint64_t row) const { return list_range(row).end; }

    // Appenders for loaders and tests; each adds one row. The caller picks the one matching `type` (a mismatch is a
    // bug: std::logic_error). append_enum takes the enum index, append_string interns.
    void append_null();
    void append_int(int64_t value);
    void append_number(double value);
    void append_bool(bool value);
    void append_date(int32_t days);
    void append_timestamp(int64_t micros);
    void append_string(std::string_view value);
    void append_enum(int32_t code);
    void append_list(const std::vector<std::string_view>& items);

    // Capacity for `rows` more rows (and `list_items` more list items), so loaders grow each array once.
    void reserve(uint64_t rows, uint64_t list_items = 0);
    void shrink_to_fit();
    // Shrinks only arrays with more than 1/16 spare capacity: after a good reservation estimate the small excess is
    // cheaper to keep than to copy, and its pages were never touched.
    void trim_excess();
    // Bytes allocated for its arrays and dictionary, spare capacity and the dictionary's hash index included (for
    // memory reports); arrays that view a snapshot's mapped file allocate none.
    uint64_t byte_size() const;
    // Its column bytes: the values in use (array sizes, not capacities), the validity bitmap, and the dictionary's
    // string bytes and offsets. For a column that owns its arrays, byte_size() minus this is spare capacity plus the
    // hash index.
    uint64_t data_bytes() const;
    // Calls f(data, used bytes, capacity bytes) for every array that appending rows fills front to back: validity,
    // values, list offsets and items, and the dictionary's (loaders fault their pages in ahead: data/prefault.h).
    template <typename F>
    void for_each_filled_array(F&& f) const {
        auto vector = [&f](const auto& v) { f(v.data(), v.size() * sizeof(v[0]), v.capacity() * sizeof(v[0])); };
        auto bitmap = [&f](const Bitmap& b) {
            f(b.words(), b.word_count() * sizeof(uint64_t), b.word_capacity() * sizeof(uint64_t));
        };
        bitmap(validity);
        bitmap(bools);
        vector(i64);
        vector(i8);
        vector(i16);
        vector(f64);
        vector(i32);
        vector(list_offsets);
        vector(list_codes);
        dictionary.for_each_filled_array(f);
    }

private:
    void expect(schema::ColumnType wanted, const char* appender) const;
};

struct EventSet;  // data/events.h

// The least and greatest present value of an Int, Timestamp, Date or Number column, as the optimizer's statistics hold
// them (optimize::ColumnStats); `any` is false when no value is present.
struct ValueRange {
    bool any = false;
    double low = 0;
    double high = 0;
};

// Columns in schema order: column(i) is schema().columns[i].
class Table {
public:
    explicit Table(schema::Schema schema);

    const schema::Schema& schema() const { return schema_; }
    uint64_t rows() const { return rows_; }
    size_t column_count() const { return columns_.size(); }
    const Column& column(size_t schema_index) const { return columns_[schema_index]; }
    // Drops the column's known range (below): its values may change through the reference.
    Column& mutable_column(size_t schema_index) {
        known_ranges_[schema_index].reset();
        return columns_[schema_index];
    }
    // The range of a column's present values when its loader found it while checking them (the snapshot reader), so
    // that statistics take no second pass over the column (optimize::gather_stats); null when unknown.
    const ValueRange* known_range(size_t schema_index) const {
        const auto& range = known_ranges_[schema_index];
        return range ? &*range : nullptr;
    }
    void set_known_range(size_t schema_index, ValueRange range) { known_ranges_[schema_index] = range; }
    const Column* find(std::string_view name) const;

    // After appending to every column: checks they all have the same size (std::logic_error otherwise) and makes it
    // the row count.
    uint64_t finish_rows();
    // Narrows every Int column but the key (Column::narrow_ints): what loaders do last. The key stays 8 bytes wide:
    // customers are looked up by it (data/keys.h, data/events.h).
    void narrow_int_columns();
    // Narrows every String and Enum column's codes but the key's (Column::narrow_codes): what loaders do last (the
    // parts of a parallel load too: data/concatenate.cpp). The key's codes stay 4 bytes wide: customers are looked up
    // by them (data/keys.h, data/events.h).
    void narrow_code_columns();
    // Sums of Column::byte_size() and Column::data_bytes().
    uint64_t byte_size() const;
    uint64_t data_bytes() const;

    // The event tables of schema().events, grouped by this table's rows (data/events.h); null when none were loaded,
    // which reads as no events for anyone.
    const EventSet* events() const { return events_.get(); }
    void set_events(std::shared_ptr<const EventSet> events) { events_ = std::move(events); }

private:
    schema::Schema schema_;
    std::vector<Column> columns_;
    std::vector<std::optional<ValueRange>> known_ranges_;  // by schema index
    uint64_t rows_ = 0;
    std::shared_ptr<const EventSet> events_;
};

}  // namespace segmint::data
