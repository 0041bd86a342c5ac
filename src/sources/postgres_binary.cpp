#include "sources/postgres_binary.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "common/calendar.h"
#include "data/csv_values.h"
#include "data/keys.h"

namespace segmint::sources {

namespace {

using schema::ColumnType;

// PostgreSQL counts days and microseconds from 2000-01-01; the table counts them from 1970-01-01.
constexpr int32_t kEpochDays = 10957;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

// The dates the CSV loader reads (YYYY-MM-DD: years 1 to 9999), as days since 1970-01-01. PostgreSQL prints dates
// outside them with five digits or "BC", and infinity as a word, all of which the CSV loader refuses.
const int32_t kFirstDay = calendar::days_from_civil({1, 1, 1});
const int32_t kLastDay = calendar::days_from_civil({9999, 12, 31});

int16_t read16(const char* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return static_cast<int16_t>(__builtin_bswap16(v));
}
int32_t read32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return static_cast<int32_t>(__builtin_bswap32(v));
}
int64_t read64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return static_cast<int64_t>(__builtin_bswap64(v));
}

// The size a value of a fixed-size wire type has (0: variable).
int32_t fixed_size(WireType type) {
    switch (type) {
        case WireType::Int2: return 2;
        case WireType::Int4:
        case WireType::Date: return 4;
        case WireType::Int8:
        case WireType::Float8:
        case WireType::Timestamp: return 8;
        case WireType::Bool: return 1;
        default: return 0;
    }
}

}  // namespace

BinaryCopyDecoder::BinaryCopyDecoder(const schema::Schema& schema, std::vector<WireType> types,
                                     const data::CsvOptions& options)
    : table_(schema), types_(std::move(types)), options_(options) {}

void BinaryCopyDecoder::reserve(uint64_t rows) {
    for (size_t i = 0; i < table_.column_count(); ++i) table_.mutable_column(i).reserve(rows);
}

bool BinaryCopyDecoder::fail(size_t column, const std::string& problem, std::string* error) const {
    *error = "row " + std::to_string(rows_ + 1) + ": column `" + table_.schema().columns[column].name + "`" + problem;
    return false;
}

bool BinaryCopyDecoder::read_header(const char*& at, const char* end, std::string* error) {
    static const char kSignature[] = "PGCOPY\n\377\r\n";  // and a zero byte: 11 bytes
    if (end - at < 19 || std::memcmp(at, kSignature, 11) != 0) {
        *error = "the server's binary COPY stream does not start with PostgreSQL's signature";
        return false;
    }
    const int32_t flags = read32(at + 11);
    const int32_t extension = read32(at + 15);
    at += 19;
    // Bit 16 says rows carry OIDs; bits 17 to 31 are flags a reader must understand (none is defined).
    if ((flags & ~0xFFFF) != 0 || extension < 0 || end - at < extension) {
        *error = "the server's binary COPY header is not one segmint reads (row OIDs, or a malformed extension)";
        return false;
    }
    at += extension;
    header_seen_ = true;
    return true;
}

bool BinaryCopyDecoder::feed(const char* data, size_t size, std::string* error) {
    const char* at = data;
    const char* end = data + size;
    if (!header_seen_ && !read_header(at, end, error)) return false;
    if (trailer_seen_ || end - at < 2) {
        *error = "the server's binary COPY stream has a message after its end, or a truncated row";
        return false;
    }
    const int16_t fields = read16(at);
    at += 2;
    if (fields == -1) {
        trailer_seen_ = true;
        return true;
    }
    if (fields != static_cast<int16_t>(types_.size())) {
        *error = "row " + std::to_string(rows_ + 1) + ": the server sent " + std::to_string(fields) + " values, not " +
                 std::to_string(types_.size());
        return false;
    }
    if (size > options_.max_record_bytes) {
        *error = "row " + std::to_string(rows_ + 1) + ": the row is longer than " +
                 std::to_string(options_.max_record_bytes >> 20) + " MiB, the limit for one record";
        return false;
    }
    for (size_t c = 0; c < types_.size(); ++c) {
        if (end - at < 4) return fail(c, ": the row is truncated", error);
        const int32_t length = read32(at);
        at += 4;
        if (length > end - at || length < -1) return fail(c, ": the row is truncated", error);
        if (!read_value(c, at, length, error)) return false;
        if (length > 0) at += length;
    }
    if (at != end) {
        *error = "row " + std::to_string(rows_ + 1) + ": the server sent bytes after the row's last value";
        return false;
    }
    ++rows_;
    return true;
}

bool BinaryCopyDecoder::read_value(size_t c, const char* value, int32_t length, std::string* error) {
    data::Column& column = table_.mutable_column(c);
    const schema::Column& definition = table_.schema().columns[c];
    const WireType type = types_[c];
    // An empty text in an enum column is NULL, as the CSV loader reads `""` in every column but string and list.
    if (length == -1 || (length == 0 && definition.type == ColumnType::Enum)) {
        if (options_.check_facts && definition.not_null) {
            return fail(c, " is NULL, but the schema says it never is (`not_null: true`)", error);
        }
        column.append_null();
        return true;
    }
    if (fixed_size(type) != 0 && length != fixed_size(type)) {
        return fail(c, ": the server sent " + std::to_string(length) + " bytes for one value", error);
    }
    // `text` prints the value for the message, only when there is one.
    auto bounded = [&](auto number, auto text) {
        if (!options_.check_facts || !definition.has_bounds() || definition.within_bounds(number)) return true;
        return fail(c, " is " + text() + ", outside its schema bounds " + schema::bounds_text(definition), error);
    };
    switch (type) {
        case WireType::Int2:
        case WireType::Int4:
        case WireType::Int8: {
            const int64_t number = type == WireType::Int2   ? read16(value)
                                   : type == WireType::Int4 ? read32(value)
                                                            : read64(value);
            if (!bounded(number, [&] { return std::to_string(number); })) return false;
            column.append_int(number);
            return true;
        }
        case WireType::Float8: {
            const int64_t bits = read64(value);
            double number;
            std::memcpy(&number, &bits, 8);
            if (!std::isfinite(number)) {
                return fail(c,
                            ": expected number (NaN and infinity are not allowed), found " +
                                std::string(std::isnan(number) ? "NaN"
                                            : number > 0       ? "Infinity"
                                                               : "-Infinity"),
                            error);
            }
            if (!bounded(number, [&] { return fmt::format("{}", number); })) return false;
            column.append_number(number);
            return true;
        }
        case WireType::Bool: column.append_bool(value[0] != 0); return true;
        case WireType::Date: {
            const int64_t days = int64_t{read32(value)} + kEpochDays;
            if (days < kFirstDay || days > kLastDay) {
                return fail(c,
                            ": expected a date from 0001-01-01 to 9999-12-31 (found infinity or a year outside them)",
                            error);
            }
            if (!bounded(days, [&] { return calendar::format_date(static_cast<int32_t>(days)); })) return false;
            column.append_date(static_cast<int32_t>(days));
            return true;
        }
        case WireType::Timestamp: {
            const int64_t raw = read64(value);
            const int64_t first = int64_t{kFirstDay - kEpochDays} * kMicrosPerDay;
            const int64_t last = int64_t{kLastDay - kEpochDays + 1} * kMicrosPerDay - 1;
            if (raw < first || raw > last) {
                return fail(c,
                            ": expected a timestamp from 0001-01-01 to 9999-12-31 (found infinity or a year outside "
                            "them)",
                            error);
            }
            const int64_t micros = raw + int64_t{kEpochDays} * kMicrosPerDay;
            if (!bounded(micros, [&] { return calendar::format_timestamp(micros); })) return false;
            column.append_timestamp(micros);
            return true;
        }
        case WireType::Text: {
            const std::string_view text(value, static_cast<size_t>(length));
            if (definition.type == ColumnType::Enum) {
                const auto index = definition.enum_index(text);
                if (!index) {
                    return fail(c,
                                ": expected one of " + data::csv::join_values(definition.enum_values) + ", found " +
                                    data::csv::describe(text),
                                error);
                }
                column.append_enum(static_cast<int32_t>(*index));
                return true;
            }
            if (!data::csv::valid_utf8(text)) {
                return fail(c, ": expected string (valid UTF-8), found " + data::csv::describe(text), error);
            }
            column.append_string(text);
            return true;
        }
        case WireType::TextArray: {
            // ndim, has-NULL flag, element type; per dimension its size and lower bound; then the items.
            const char* end = value + length;
            if (length < 12) return fail(c, ": the server sent a malformed array", error);
            const int32_t dimensions = read32(value);
            const char* at = value + 12;
            items_.clear();
            if (dimensions < 0) return fail(c, ": the server sent a malformed array", error);
            if (dimensions > 1) {
                return fail(c,
                            ": expected list<string> in PostgreSQL's array form: a one-dimensional array (nested "
                            "arrays are not lists)",
                            error);
            }
            if (dimensions == 1) {
                if (end - at < 8) return fail(c, ": the server sent a malformed array", error);
                const int32_t count = read32(at);
                const int32_t lower = read32(at + 4);
                at += 8;
                if (lower != 1) {
                    return fail(c,
                                ": expected list<string> in PostgreSQL's array form: an array without explicit bounds "
                                "(it starts at " +
                                    std::to_string(lower) + ")",
                                error);
                }
                for (int32_t i = 0; i < count; ++i) {
                    if (end - at < 4) return fail(c, ": the server sent a malformed array", error);
                    const int32_t size = read32(at);
                    at += 4;
                    if (size == -1) {
                        return fail(c,
                                    ": expected list<string> in PostgreSQL's array form: list items that are not NULL "
                                    "(a list<string> holds strings; filter NULLs out in the export, e.g. "
                                    "array_remove(tags, NULL))",
                                    error);
                    }
                    if (size < 0 || size > end - at) return fail(c, ": the server sent a malformed array", error);
                    const std::string_view item(at, static_cast<size_t>(size));
                    if (!data::csv::valid_utf8(item)) {
                        return fail(c, ": expected list<string> (valid UTF-8), found " + data::csv::describe(item),
                                    error);
                    }
                    items_.push_back(item);
                    at += size;
                }
            }
            if (at != end) return fail(c, ": the server sent a malformed array", error);
            column.append_list(items_);
            return true;
        }
    }
    return fail(c, ": unknown wire type", error);
}

std::optional<data::Table> BinaryCopyDecoder::finish_part(std::string* error) {
    if (!header_seen_ || !trailer_seen_) {
        *error = "the server's binary COPY stream ended before its trailer";
        return std::nullopt;
    }
    table_.finish_rows();
    return std::move(table_);
}

std::optional<data::Table> BinaryCopyDecoder::finish(std::string* error) {
    auto table = finish_part(error);
    if (table && !check_table(*table, options_, error)) table.reset();
    return table;
}

bool BinaryCopyDecoder::check_table(data::Table& table, const data::CsvOptions& options, std::string* error) {
    for (size_t i = 0; i < table.column_count(); ++i) {
        if (options.trim_excess) table.mutable_column(i).trim_excess();
    }
    if (options.narrow_ints) table.narrow_int_columns();
    if (options.narrow_codes) table.narrow_code_columns();
    if (options.check_key) {
        if (const auto problem = data::find_key_problem(table)) {
            const std::string& key = table.schema().key;
            const bool is_int = table.schema().find(key) && table.schema().find(key)->type == ColumnType::Int;
            *error = "row " + std::to_string(problem->row + 1) + ": column `" + key + "`: ";
            if (problem->kind == data::KeyProblem::Kind::Duplicate) {
                *error += "key " + (is_int ? problem->key : data::csv::describe(problem->key)) +
                          " is also the key in row " + std::to_string(problem->first_row + 1) +
                          "; every customer has a key of its own";
            } else {
                *error += "the key is NULL; every customer needs one (the schema's `key`)";
            }
            return false;
        }
    }
    if (options.check_rows) {
        if (auto problem = options.check_rows(table)) {
            *error = "row " + std::to_string(problem->first + 1) + ": " + problem->second;
            return false;
        }
    }
    return true;
}

}  // namespace segmint::sources
