#include "data/table.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>

namespace segmint::data {

using schema::ColumnType;

// ---- Dictionary ----

namespace {
uint64_t hash_of(std::string_view value) {
    return std::hash<std::string_view>{}(value);
}

uint32_t tag_of(uint64_t hash) {
    return static_cast<uint32_t>(hash >> 32);
}
}  // namespace

void Dictionary::place(int32_t code, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    size_t slot = static_cast<size_t>(hash) & mask;
    while (slots_[slot].code >= 0) slot = (slot + 1) & mask;
    slots_[slot] = {code, tag_of(hash)};
}

void Dictionary::rebuild(bool rehash, size_t room) const {
    size_t capacity = 16;
    while (capacity < std::max(values.size(), room) * 2 + 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
    if (rehash) {
        // `values` was edited directly: no stored hash can be trusted.
        hashes_.clear();
        for (const auto& value : values) hashes_.push_back(hash_of(value));
    }
    for (size_t i = 0; i < values.size(); ++i) place(static_cast<int32_t>(i), hashes_[i]);
    indexed_ = values.size();
}

std::optional<int32_t> Dictionary::find(std::string_view value) const {
    if (indexed_ != values.size() || slots_.empty()) rebuild(true);
    const uint64_t hash = hash_of(value);
    const uint32_t tag = tag_of(hash);
    const size_t mask = slots_.size() - 1;
    for (size_t slot = static_cast<size_t>(hash) & mask;; slot = (slot + 1) & mask) {
        const Slot& entry = slots_[slot];
        if (entry.code < 0) return std::nullopt;
        if (entry.tag == tag && values[static_cast<size_t>(entry.code)] == value) return entry.code;
    }
}

int32_t Dictionary::intern(std::string_view value) {
    if (indexed_ != values.size() || slots_.empty()) rebuild(true);
    const uint64_t hash = hash_of(value);
    const uint32_t tag = tag_of(hash);
    const size_t mask = slots_.size() - 1;
    size_t slot = static_cast<size_t>(hash) & mask;
    for (;; slot = (slot + 1) & mask) {
        const Slot& entry = slots_[slot];
        if (entry.code < 0) break;
        if (entry.tag == tag && values[static_cast<size_t>(entry.code)] == value) return entry.code;
    }
    if (values.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        throw std::length_error("Dictionary: more than 2^31-1 distinct values");
    }
    const auto code = static_cast<int32_t>(values.size());
    values.emplace_back(value);
    hashes_.push_back(hash);
    indexed_ = values.size();
    if (values.size() * 2 + 2 > slots_.size()) {
        rebuild(false);  // keeps the load factor at most 1/2
    } else {
        slots_[slot] = {code, tag};
    }
    return code;
}

void Dictionary::reserve(size_t count) {
    values.reserve(count);
    hashes_.reserve(count);
    if (count * 2 + 2 > slots_.size()) rebuild(indexed_ != values.size(), count);
}

uint64_t Dictionary::byte_size() const {
    uint64_t total = values.capacity() * sizeof(std::string) + slots_.capacity() * sizeof(Slot) +
                     hashes_.capacity() * sizeof(uint64_t);
    for (const auto& value : values) {
        if (value.capacity() > 15) total += value.capacity() + 1;  // heap buffer beyond the small-string storage
    }
    return total;
}

// ---- Column ----

void Column::expect(ColumnType wanted, const char* appender) const {
    if (type != wanted) {
        throw std::logic_error(std::string("Column::") + appender + " on column `" + name + "` of type " +
                               schema::column_type_name(type));
    }
}

void Column::append_null() {
    switch (type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: i64.push_back(0); break;
        case ColumnType::Number: f64.push_back(0.0); break;
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum: i32.push_back(0); break;
        case ColumnType::Bool: u8.push_back(0); break;
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
    u8.push_back(value ? 1 : 0);
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
    i32.push_back(dictionary.intern(value));
    validity.push_back(true);
    ++size;
}

void Column::append_enum(int32_t code) {
    expect(ColumnType::Enum, "append_enum");
    if (code < 0 || static_cast<size_t>(code) >= dictionary.size()) {
        throw std::logic_error("Column::append_enum: code out of range for `" + name + "`");
    }
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
        case ColumnType::Int:
        case ColumnType::Timestamp: i64.reserve(total); break;
        case ColumnType::Number: f64.reserve(total); break;
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum: i32.reserve(total); break;
        case ColumnType::Bool: u8.reserve(total); break;
        case ColumnType::StringList:
            list_offsets.reserve(total + 1);
            list_codes.reserve(list_codes.size() + list_items);
            break;
    }
}

void Column::shrink_to_fit() {
    validity.shrink_to_fit();
    i64.shrink_to_fit();
    f64.shrink_to_fit();
    i32.shrink_to_fit();
    u8.shrink_to_fit();
    list_offsets.shrink_to_fit();
    list_codes.shrink_to_fit();
}

namespace {
template <typename T>
void trim(std::vector<T>& values) {
    if (values.capacity() > values.size() + values.size() / 16 + 64) values.shrink_to_fit();
}
}  // namespace

void Column::trim_excess() {
    validity.shrink_to_fit();
    trim(i64);
    trim(f64);
    trim(i32);
    trim(u8);
    trim(list_offsets);
    trim(list_codes);
}

uint64_t Column::byte_size() const {
    return validity.byte_size() + i64.capacity() * sizeof(int64_t) + f64.capacity() * sizeof(double) +
           i32.capacity() * sizeof(int32_t) + u8.capacity() * sizeof(uint8_t) +
           list_offsets.capacity() * sizeof(uint64_t) + list_codes.capacity() * sizeof(int32_t) +
           dictionary.byte_size();
}

// ---- Table ----

Table::Table(schema::Schema schema) : schema_(std::move(schema)) {
    columns_.resize(schema_.columns.size());
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

}  // namespace segmint::data
