#include "data/table.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <new>
#include <ostream>
#include <stdexcept>

#include "data/prefault.h"

namespace segmint::data {

using schema::ColumnType;

namespace {
// 64x64 -> 128-bit multiply, folded: the mixing step of wyhash.
inline uint64_t fold_multiply(uint64_t a, uint64_t b) {
    const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

inline uint64_t load64(const char* bytes) {
    uint64_t word;
    std::memcpy(&word, bytes, 8);
    return word;
}

inline uint64_t load32(const char* bytes) {
    uint32_t word;
    std::memcpy(&word, bytes, 4);
    return word;
}

// A wyhash-style hash: dictionary values are mostly short (names, cities, emails), which it reads in one or two
// (overlapping) words instead of byte loops; low bits pick the index slot and the high 32 bits are the slot's tag.
uint64_t hash_of(std::string_view value) {
    constexpr uint64_t k0 = 0xa0761d6478bd642full;
    constexpr uint64_t k1 = 0xe7037ed1a0b428dbull;
    constexpr uint64_t k2 = 0x8ebc6af09c88c6e3ull;
    const char* p = value.data();
    const size_t n = value.size();
    uint64_t seed = k0;
    uint64_t a = 0;
    uint64_t b = 0;
    if (n <= 16) {
        if (n >= 8) {
            a = load64(p);
            b = load64(p + n - 8);
        } else if (n >= 4) {
            a = load32(p);
            b = load32(p + n - 4);
        } else if (n > 0) {
            a = (uint64_t{static_cast<unsigned char>(p[0])} << 16) |
                (uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) | static_cast<unsigned char>(p[n - 1]);
        }
    } else {
        size_t left = n;
        while (left > 16) {
            seed = fold_multiply(load64(p) ^ k1, load64(p + 8) ^ seed);
            p += 16;
            left -= 16;
        }
        // The last 16 bytes, overlapping what the loop read when n is not a multiple of 16.
        a = load64(p + left - 16);
        b = load64(p + left - 8);
    }
    return fold_multiply(k1 ^ n, fold_multiply(a ^ k1, b ^ seed ^ k2));
}

uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

// Gives back the spare capacity of an array holding more than 1/`spare` of its size plus 64 values to spare: a copy,
// worth it only then, faulted in ahead (data::copy_prefaulted). Array (a view has no spare capacity) or std::vector.
// Without the memory for the copy the array keeps its spare room, as shrink_to_fit() would.
template <typename Values>
void trim(Values& values, size_t spare = 16) {
    if (values.capacity() <= values.size() + values.size() / spare + 64) return;
    auto& owned = vector_of(values);
    try {
        owned = copy_prefaulted(owned.data(), owned.size());
    } catch (const std::bad_alloc&) {
        // no memory for the copy: the array keeps its room
    }
}
}  // namespace

// ---- StringArena ----

void StringArena::clear() {
    bytes_.clear();
    offsets_.assign(1, 0);
}

void StringArena::assign(std::string_view bytes, const uint64_t* offsets, size_t count) {
    bytes_.assign(bytes.begin(), bytes.end());
    offsets_.assign(offsets, offsets + count + 1);
}

void StringArena::view(std::string_view bytes, Array<uint64_t> offsets, std::shared_ptr<const void> keep_alive) {
    bytes_ = Array<char>::view(bytes.data(), bytes.size(), std::move(keep_alive));
    offsets_ = std::move(offsets);
}

void StringArena::reserve(size_t count, size_t bytes) {
    offsets_.reserve(count + 1);
    bytes_.reserve(bytes);
}

void StringArena::shrink_to_fit() {
    bytes_.shrink_to_fit();
    offsets_.shrink_to_fit();
}

void StringArena::trim_excess() {
    // The string bytes are reserved with a quarter to spare (their length is harder to predict than a row count):
    // copied only beyond that.
    trim(bytes_, 4);
    trim(offsets_);
}

bool operator==(const StringArena& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < b.size(); ++i) {
        if (a[i] != b[i]) return false;
    }
    return true;
}

std::ostream& operator<<(std::ostream& out, const StringArena& arena) {
    out << '{';
    for (size_t i = 0; i < arena.size(); ++i) out << (i > 0 ? ", \"" : "\"") << arena[i] << '"';
    return out << '}';
}

// ---- Dictionary ----

namespace {

// Whether `count` values are too many for an index of `slots` slots (a power of two, or none): more than a quarter
// of it stays empty, so a probe always ends. Linear probing stays short up to three quarters full (with the tags, a
// probe rarely reads a string), and the index of a column of mostly distinct values is the biggest thing a load
// holds besides the columns: at most half full, 10M values took 2^25 slots (268 MB), now 2^24.
bool too_full(size_t count, size_t slots) { return count >= slots - slots / 4; }

}  // namespace

void Dictionary::place(int32_t code, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    size_t slot = static_cast<size_t>(hash) & mask;
    while (slots_[slot].code >= 0) slot = (slot + 1) & mask;
    slots_[slot] = {code, tag_of(hash)};
}

void Dictionary::rebuild(bool rehash, size_t room) const {
    indexed_.store(kNotIndexed);  // until the index is whole again
    size_t capacity = 16;
    while (too_full(std::max(values.size(), room), capacity)) capacity *= 2;
    if (slots_.size() != capacity) {
        // A fresh allocation rather than assign(): for a big index the old one is freed first, so two are never
        // resident at once, and huge pages cut the TLB misses of its random accesses.
        std::vector<Slot>().swap(slots_);
        slots_.reserve(capacity);
        advise_huge_pages(slots_.data(), capacity * sizeof(Slot));
    }
    slots_.assign(capacity, Slot{});
    if (rehash || hashes_.size() != values.size()) {
        // `values` was edited directly (no stored hash can be trusted), or trim_excess() released the hashes.
        hashes_.clear();
        hashes_.reserve(values.size());
        for (const std::string_view value : values) hashes_.push_back(hash_of(value));
    }
    for (size_t i = 0; i < values.size(); ++i) place(static_cast<int32_t>(i), hashes_[i]);
    indexed_.store(values.size());
}

void Dictionary::ensure_index() const {
    if (indexed_.load() == values.size()) return;
    // Rare (once per dictionary after loading, or after direct edits): one lock for every dictionary is enough.
    static std::mutex building;
    std::lock_guard<std::mutex> lock(building);
    if (indexed_.load() != values.size()) rebuild(true);
}

std::optional<int32_t> Dictionary::find(std::string_view value) const {
    ensure_index();
    const uint64_t hash = hash_of(value);
    const uint32_t tag = tag_of(hash);
    const size_t mask = slots_.size() - 1;
    for (size_t slot = static_cast<size_t>(hash) & mask;; slot = (slot + 1) & mask) {
        const Slot& entry = slots_[slot];
        if (entry.code < 0) return std::nullopt;
        if (entry.tag == tag && equal_bytes(values[static_cast<size_t>(entry.code)], value)) return entry.code;
    }
}

uint64_t Dictionary::hash(std::string_view value) { return hash_of(value); }

int32_t Dictionary::intern(std::string_view value) { return intern(value, hash_of(value)); }

int32_t Dictionary::intern(std::string_view value, uint64_t hash) {
    ensure_index();
    const uint32_t tag = tag_of(hash);
    const size_t mask = slots_.size() - 1;
    size_t slot = static_cast<size_t>(hash) & mask;
    for (;; slot = (slot + 1) & mask) {
        const Slot& entry = slots_[slot];
        if (entry.code < 0) break;
        if (entry.tag == tag && equal_bytes(values[static_cast<size_t>(entry.code)], value)) return entry.code;
    }
    if (values.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        throw std::length_error("Dictionary: more than 2^31-1 distinct values");
    }
    const auto code = static_cast<int32_t>(values.size());
    // Hashes released by trim_excess() stay released until the next rebuild.
    if (hashes_.size() == values.size()) hashes_.push_back(hash);
    values.emplace_back(value);
    indexed_.store(values.size());
    if (too_full(values.size(), slots_.size())) {
        rebuild(false);
    } else {
        slots_[slot] = {code, tag};
    }
    return code;
}

void Dictionary::reserve(size_t count, size_t bytes) {
    values.reserve(count, bytes);
    hashes_.reserve(count);
    if (too_full(count, slots_.size())) rebuild(indexed_.load() != values.size(), count);
}

void Dictionary::trim_excess() {
    values.trim_excess();
    release_index();
}

void Dictionary::release_index() {
    // Only growing the index reads them: after loading they are dead weight (8 bytes a value), and a later growth
    // rehashes the strings instead.
    std::vector<uint64_t>().swap(hashes_);
    // A big index goes too: 11-21 bytes a value, about as much as most values' strings (a column of 10M distinct
    // emails would keep a 134 MB index, a tenth of the table). After loading only find() reads it (event tables with
    // text keys, `contains` on a list column), and find() rebuilds it on first use.
    if (values.size() > kIndexKeptUpTo) {
        std::vector<Slot>().swap(slots_);
        indexed_.store(kNotIndexed);
    }
}

uint64_t Dictionary::byte_size() const {
    return values.byte_size() + slots_.capacity() * sizeof(Slot) + hashes_.capacity() * sizeof(uint64_t);
}

// ---- Column ----

void Column::expect(ColumnType wanted, const char* appender) const {
    if (type != wanted) {
        throw std::logic_error(std::string("Column::") + appender + " on column `" + name + "` of type " +
                               schema::column_type_name(type));
    }
}

void Column::append_null() {
    if (int_width != 8) widen_ints();
    if (code_width != 4) widen_codes();
    switch (type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: i64.push_back(0); break;
        case ColumnType::Number: f64.push_back(0.0); break;
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum: i32.push_back(0); break;
        case ColumnType::Bool: bools.push_back(false); break;
        case ColumnType::StringList:
            if (list_offsets.empty()) list_offsets.push_back(0);
            list_offsets.push_back(list_offsets.back());
            break;
    }
    validity.push_back(false);
    ++size;
}

void Column::append_int(int64_t value) {
    expect(ColumnType::Int, "append_int");
    if (int_width != 8) widen_ints();
    i64.push_back(value);
    validity.push_back(true);
    ++size;
}

void Column::append_number(double value) {
    expect(ColumnType::Number, "append_number");
    f64.push_back(value);
    validity.push_back(true);
    ++size;
}

void Column::append_bool(bool value) {
    expect(ColumnType::Bool, "append_bool");
    bools.push_back(value);
    validity.push_back(true);
    ++size;
}

void Column::append_date(int32_t days) {
    expect(ColumnType::Date, "append_date");
    i32.push_back(days);
    validity.push_back(true);
    ++size;
}

void Column::append_timestamp(int64_t micros) {
    expect(ColumnType::Timestamp, "append_timestamp");
    i64.push_back(micros);
    validity.push_back(true);
    ++size;
}

void Column::append_string(std::string_view value) {
    expect(ColumnType::String, "append_string");
    if (code_width != 4) widen_codes();
    i32.push_back(dictionary.intern(value));
    validity.push_back(true);
    ++size;
}

void Column::append_enum(int32_t code) {
    expect(ColumnType::Enum, "append_enum");
    if (code < 0 || static_cast<size_t>(code) >= dictionary.size()) {
        throw std::logic_error("Column::append_enum: code out of range for `" + name + "`");
    }
    if (code_width != 4) widen_codes();
    i32.push_back(code);
    validity.push_back(true);
    ++size;
}

void Column::append_list(const std::vector<std::string_view>& items) {
    expect(ColumnType::StringList, "append_list");
    if (list_offsets.empty()) list_offsets.push_back(0);
    for (auto item : items) list_codes.push_back(dictionary.intern(item));
    list_offsets.push_back(list_codes.size());
    validity.push_back(true);
    ++size;
}

void Column::reserve(uint64_t rows, uint64_t list_items) {
    const uint64_t total = size + rows;
    validity.reserve(total);
    switch (type) {
        case ColumnType::Int:  // at the width it has (concatenate.cpp appends narrowed parts alike)
            if (int_width == 1) i8.reserve(total);
            if (int_width == 2) i16.reserve(total);
            if (int_width == 4) i32.reserve(total);
            if (int_width == 8) i64.reserve(total);
            break;
        case ColumnType::Timestamp: i64.reserve(total); break;
        case ColumnType::Number: f64.reserve(total); break;
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum:  // at the width it has (concatenate.cpp appends narrowed Enum parts alike)
            if (code_width == 1) i8.reserve(total);
            if (code_width == 2) i16.reserve(total);
            if (code_width == 4) i32.reserve(total);
            break;
        case ColumnType::Bool: bools.reserve(total); break;
        case ColumnType::StringList:
            list_offsets.reserve(total + 1);
            list_codes.reserve(list_codes.size() + list_items);
            break;
    }
}

void Column::shrink_to_fit() {
    validity.shrink_to_fit();
    i64.shrink_to_fit();
    i8.shrink_to_fit();
    i16.shrink_to_fit();
    f64.shrink_to_fit();
    i32.shrink_to_fit();
    bools.shrink_to_fit();
    list_offsets.shrink_to_fit();
    list_codes.shrink_to_fit();
}

void Column::trim_excess() {
    // As the arrays: a shrink of every validity bitmap faulted in a fresh copy of each for a few words' saving (0.2 s
    // for 24 columns of 10M rows, when loading took 6-13 s).
    for (Bitmap* bits : {&validity, &bools}) {
        const uint64_t words = bits->word_count();
        if (bits->word_capacity() > words + words / 16 + 64) bits->shrink_to_fit();
    }
    trim(i64);
    trim(i8);
    trim(i16);
    trim(f64);
    trim(i32);
    trim(list_offsets);
    trim(list_codes);
    dictionary.trim_excess();
}

uint64_t Column::byte_size() const {
    return validity.byte_size() + i64.capacity() * sizeof(int64_t) + i8.capacity() + i16.capacity() * sizeof(int16_t) +
           f64.capacity() * sizeof(double) + i32.capacity() * sizeof(int32_t) + bools.byte_size() +
           list_offsets.capacity() * sizeof(uint64_t) + list_codes.capacity() * sizeof(int32_t) +
           dictionary.byte_size();
}

uint64_t Column::data_bytes() const {
    return validity.byte_size() + i64.size() * sizeof(int64_t) + i8.size() + i16.size() * sizeof(int16_t) +
           f64.size() * sizeof(double) + i32.size() * sizeof(int32_t) + bools.byte_size() +
           list_offsets.size() * sizeof(uint64_t) + list_codes.size() * sizeof(int32_t) + dictionary.value_bytes();
}

// ---- Table ----

Table::Table(schema::Schema schema) : schema_(std::move(schema)) {
    columns_.resize(schema_.columns.size());
    known_ranges_.resize(schema_.columns.size());
    for (size_t i = 0; i < schema_.columns.size(); ++i) {
        const auto& definition = schema_.columns[i];
        Column& column = columns_[i];
        column.name = definition.name;
        column.type = definition.type;
        if (definition.type == ColumnType::Enum) {
            for (const auto& value : definition.enum_values) column.dictionary.intern(value);
        }
        if (definition.type == ColumnType::StringList) column.list_offsets.push_back(0);
    }
}

const Column* Table::find(std::string_view name) const {
    for (const auto& column : columns_) {
        if (column.name == name) return &column;
    }
    return nullptr;
}

uint64_t Table::finish_rows() {
    uint64_t rows = columns_.empty() ? 0 : columns_.front().size;
    for (const auto& column : columns_) {
        if (column.size != rows || column.validity.size() != rows) {
            throw std::logic_error("Table::finish_rows: column `" + column.name + "` has " +
                                   std::to_string(column.size) + " rows, expected " + std::to_string(rows));
        }
    }
    rows_ = rows;
    return rows_;
}

uint64_t Table::byte_size() const {
    uint64_t total = 0;
    for (const auto& column : columns_) total += column.byte_size();
    return total;
}

uint64_t Table::data_bytes() const {
    uint64_t total = 0;
    for (const auto& column : columns_) total += column.data_bytes();
    return total;
}

}  // namespace segmint::data
