#include "snapshot/table_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "common/parallel.h"
#include "common/text_format.h"
#include "data/prefault.h"
#include "data/value_range.h"
#include "scalar/scalar.h"
#include "snapshot/format.h"

namespace segmint::snapshot {
namespace {

using schema::ColumnType;

// Far beyond any table that fits in memory, and small enough that a count times 8 cannot wrap around.
constexpr uint64_t kMostItems = uint64_t{1} << 48;

const char* type_name(arrow::Type type) { return arrow::EnumNameType(type); }

// `narrow`: the indexes may be Int8 or Int16 besides Int32 (a String or Enum column; list items are Int32).
bool is_dictionary_of_strings(const arrow::Field* field, size_t id, bool narrow) {
    const auto* dictionary = field->dictionary();
    if (field->type_type() != arrow::Type_LargeUtf8 || !dictionary || dictionary->id() != static_cast<int64_t>(id) ||
        !dictionary->index_type() || !dictionary->index_type()->is_signed()) {
        return false;
    }
    const int bits = dictionary->index_type()->bit_width();
    return bits == 32 || (narrow && (bits == 8 || bits == 16));
}

// Does the Arrow field hold a column of this type as segmint writes it?
bool field_matches(const arrow::Field* field, const schema::Column& column, size_t index) {
    if (!field->name() || field->name()->string_view() != column.name) return false;
    const bool plain = field->dictionary() == nullptr;
    switch (column.type) {
        case ColumnType::Int: {
            const auto* type = field->type_as_Int();
            const int bits = type ? type->bit_width() : 0;
            return plain && type && type->is_signed() && (bits == 8 || bits == 16 || bits == 32 || bits == 64);
        }
        case ColumnType::Number: {
            const auto* type = field->type_as_FloatingPoint();
            return plain && type && type->precision() == arrow::Precision_DOUBLE;
        }
        case ColumnType::Bool: return plain && field->type_type() == arrow::Type_Bool;
        case ColumnType::Date: {
            const auto* type = field->type_as_Date();
            return plain && type && type->unit() == arrow::DateUnit_DAY;
        }
        case ColumnType::Timestamp: {
            const auto* type = field->type_as_Timestamp();
            return plain && type && type->unit() == arrow::TimeUnit_MICROSECOND && type->timezone() &&
                   type->timezone()->string_view() == "UTC";
        }
        case ColumnType::String:
        case ColumnType::Enum: return is_dictionary_of_strings(field, index, true);
        case ColumnType::StringList:
            return plain && field->type_type() == arrow::Type_LargeList && field->children() &&
                   field->children()->size() == 1 && is_dictionary_of_strings(field->children()->Get(0), index, false);
    }
    return false;
}

// A Bool column's bits (Arrow's layout, least significant first) as the engine's one byte per row: each file byte
// becomes 8 bytes by table, into fresh memory faulted in ahead (as copy_into).
void unpack_bits(Bytes bits, uint64_t rows, std::vector<uint8_t>& out) {
    static const auto spread = [] {
        std::array<uint64_t, 256> table{};
        for (unsigned byte = 0; byte < 256; ++byte) {
            for (unsigned bit = 0; bit < 8; ++bit) table[byte] |= uint64_t{(byte >> bit) & 1u} << (8 * bit);
        }
        return table;
    }();
    std::vector<uint8_t> bytes;
    bytes.reserve(rows);
    data::advise_huge_pages(bytes.data(), rows);
    data::prefault_for_writing(bytes.data(), rows);
    // 4,096 rows at a time into a buffer in cache, then appended (resize() would first clear the whole array).
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the table's byte k is bit k");
    uint8_t chunk[4096];
    for (uint64_t first = 0; first < rows; first += sizeof chunk) {
        const uint64_t count = std::min<uint64_t>(sizeof chunk, rows - first);
        for (uint64_t i = 0; i < (count + 7) / 8; ++i) std::memcpy(chunk + 8 * i, &spread[bits.data[first / 8 + i]], 8);
        bytes.insert(bytes.end(), chunk, chunk + count);
    }
    out.swap(bytes);
}

// `words`: a bitmap of `rows` bits whose words are not yet written (read_table takes every column's from one block of
// huge pages: 24 validity bitmaps over 10M rows are 30 MB, 7,300 faults of 4 KiB pages otherwise, each a round trip
// through the hypervisor on this project's machines).
void read_validity(data::Column& column, data::Bitmap words, Bytes bytes, uint64_t rows, uint64_t nulls,
                   const std::string& what) {
    column.validity = std::move(words);
    if (rows > 0) std::memcpy(column.validity.mutable_words(), bytes.data, (rows + 7) / 8);
    column.validity.clear_unused_bits();  // also the last word's bytes past the copied ones
    if (rows - column.validity.count() != nulls) {
        fail(fmt::format("{}: the validity bitmap has {} NULLs where the batch says {}: the snapshot is corrupt", what,
                         rows - column.validity.count(), nulls));
    }
}

// Calls present(row) for each row of a full validity word's 64 rows at once and absent(row) for every other row
// (the checks below: most words of a column are full, and a block of 64 values checks in a loop the compiler
// vectorizes). present_block(first_row) returns whether the block is bad; absent(row) whether the row is.
template <typename Block, typename Row>
bool any_bad(const data::Column& column, uint64_t rows, Block present_block, Row row_bad) {
    const uint64_t* words = column.validity.words();
    bool bad = false;
    for (uint64_t base = 0; base < rows; base += 64) {
        const uint64_t word = words[base / 64];
        if (rows - base >= 64 && word == ~uint64_t{0}) {
            bad |= present_block(base);
            continue;
        }
        for (uint64_t i = 0; i < 64 && base + i < rows; ++i) bad |= row_bad(base + i, (word >> i) & 1);
    }
    return bad;
}

// Every present value's code names a dictionary value; a NULL row holds 0, as the loaders leave it. Codes of any
// width, compared as signed: an Int8 code of -106 names no value, whatever the dictionary's size.
template <typename T>
void check_codes(const data::Column& column, const data::Array<T>& codes, const std::string& what) {
    const auto size = static_cast<int64_t>(column.dictionary.size());
    const T* values = codes.data();
    const auto outside = [size](int64_t code) { return code < 0 || code >= size; };
    const bool bad = any_bad(
        column, codes.size(),
        [&](uint64_t first) {
            T low = values[first], high = values[first];
            // Selections over all 64 (std::min and std::max stayed scalar, and so did 63 iterations: -O2's cheap
            // vectorizer takes no loop that needs a scalar remainder).
            for (int i = 0; i < 64; ++i) {
                low = values[first + i] < low ? values[first + i] : low;
                high = values[first + i] > high ? values[first + i] : high;
            }
            return outside(low) || outside(high);
        },
        [&](uint64_t row, bool present) { return present ? outside(values[row]) : values[row] != 0; });
    if (bad) fail(what + ": a dictionary code out of range: the snapshot is corrupt");
}

template <typename Values>  // data::Array or std::vector
void check_null_slots_zero(const data::Column& column, const Values& values, const std::string& what) {
    using T = typename Values::value_type;
    const bool bad = any_bad(
        column, values.size(), [](uint64_t) { return false; },
        [&](uint64_t row, bool present) {
            const T zero{};
            return !present && std::memcmp(&values[row], &zero, sizeof(T)) != 0;
        });
    if (bad) fail(what + ": a NULL row holds a value: the snapshot is corrupt");
}

void read_dictionary(const ArrowFile& file, const arrow::Block* block, const schema::Column& definition, size_t index,
                     data::Column& column, const std::shared_ptr<const void>& keep_alive) {
    const std::string what = "the dictionary of column `" + escape_controls(definition.name) + "`";
    Bytes body;
    const auto* batch = file.message(block, arrow::MessageHeader_DictionaryBatch, &body)->header_as_DictionaryBatch();
    if (batch->id() != static_cast<int64_t>(index) || batch->is_delta() || !batch->data()) {
        fail(what + " is not where the footer puts it: the snapshot is corrupt");
    }
    Buffers buffers(batch->data(), body);
    const uint64_t count = checked_count(batch->data()->length(), what);
    const arrow::FieldNode* node = buffers.node(what);
    if (static_cast<uint64_t>(node->length()) != count || node->null_count() != 0 || count >= (uint64_t{1} << 31)) {
        fail(what + ": its length or NULL count is wrong: the snapshot is corrupt");
    }
    buffers.buffer(0, what);
    const Bytes offsets_bytes = buffers.buffer((count + 1) * sizeof(uint64_t), what);
    // In place like the strings (see read_column).
    data::Array<uint64_t> offsets;
    view_or_copy(offsets, offsets_bytes, count + 1, keep_alive);
    const Bytes strings = buffers.buffer(offsets[count], what);
    buffers.expect_end(what);
    check_offsets(offsets.data(), count, strings.size, what);
    const std::string_view text{reinterpret_cast<const char*>(strings.data), strings.size};
    if (keep_alive) {
        column.dictionary.values.view(text, std::move(offsets), keep_alive);
    } else {
        column.dictionary.values.assign(text, offsets.data(), static_cast<size_t>(count));
    }
    if (definition.type == ColumnType::Enum && column.dictionary.values != definition.enum_values) {
        fail(what + " is not the schema's enum values: the snapshot is corrupt");
    }
}

// A column's least and greatest present value as its field's metadata gives them (format.h: kLeastKey, kGreatestKey).
struct StoredRange {
    bool given = false;
    std::string least, greatest;
};

StoredRange stored_range(const arrow::Field* field, const std::string& what) {
    StoredRange stored;
    const auto* pairs = field->custom_metadata();
    if (!pairs) return stored;
    int least = 0, greatest = 0;
    for (const auto* pair : *pairs) {
        if (!pair->key() || !pair->value()) {
            fail(what + ": its metadata has a key without a value: the snapshot is corrupt");
        }
        const std::string_view key = pair->key()->string_view();
        if (key == kLeastKey) {
            ++least;
            stored.least = pair->value()->str();
        } else if (key == kGreatestKey) {
            ++greatest;
            stored.greatest = pair->value()->str();
        }
    }
    if (least > 1 || greatest > 1 || least != greatest) {
        fail(what + ": its metadata gives its least or greatest value twice or alone: the snapshot is corrupt");
    }
    stored.given = least == 1;
    return stored;
}

// Where one column's buffers lie in the record batch's body (found in order, before the columns are read in parallel).
struct ColumnBuffers {
    std::string what;
    StoredRange stored;
    Bytes validity, values, list_offsets, list_codes;
    uint64_t nulls = 0, items = 0;
    // An Int column's width in the file (Arrow Int8 to Int64), or a String or Enum column's codes' (Int8 to Int32).
    int value_bytes = 8;
};

ColumnBuffers locate_column(Buffers& buffers, uint64_t rows, const schema::Column& definition, int value_bytes) {
    ColumnBuffers found;
    found.value_bytes = value_bytes;
    found.what = "column `" + escape_controls(definition.name) + "`";
    const std::string& what = found.what;
    const arrow::FieldNode* node = buffers.node(what);
    if (static_cast<uint64_t>(node->length()) != rows) fail(what + ": its length is not the table's");
    found.nulls = checked_count(node->null_count(), what);
    found.validity = buffers.buffer((rows + 7) / 8, what);
    switch (definition.type) {
        case ColumnType::Int:
        case ColumnType::String:
        case ColumnType::Enum: found.values = buffers.buffer(rows * static_cast<uint64_t>(value_bytes), what); break;
        case ColumnType::Timestamp:
        case ColumnType::Number: found.values = buffers.buffer(rows * 8, what); break;
        case ColumnType::Date: found.values = buffers.buffer(rows * sizeof(int32_t), what); break;
        case ColumnType::Bool: found.values = buffers.buffer((rows + 7) / 8, what); break;
        case ColumnType::StringList: {
            found.list_offsets = buffers.buffer((rows + 1) * sizeof(uint64_t), what);
            const arrow::FieldNode* items = buffers.node(what);
            found.items = checked_count(items->length(), what);
            if (found.items > kMostItems) fail(what + ": an impossible number of list items: the snapshot is corrupt");
            if (items->null_count() != 0) fail(what + ": a list item is NULL: the snapshot is corrupt");
            buffers.buffer(0, what);
            found.list_codes = buffers.buffer(found.items * sizeof(int32_t), what);
            break;
        }
    }
    return found;
}

// Copies one column out of the file and checks it (its dictionary is already read).
// Every present value keeps [low, high] (what the CSV loader accepts of the type and the schema's bounds); numbers
// are finite. The engine's date arithmetic is defined only for years 1 to 9999, which a snapshot must not leave.
// The check is the pass that finds the least and greatest present value, which the table keeps as the column's
// statistics (data::Table::known_range) and which must be the ones the field's metadata gives, if it gives them; it
// also checks that a NULL row's slot holds zero bits, as the loaders leave it.
template <typename T>
data::ValueRange checked_range(const data::Column& column, const data::Array<T>& values, T low, T high,
                               const ColumnBuffers& found) {
    T least{}, greatest{};
    bool nan = false, null_value = false;
    const bool any =
        data::present_range(column.validity, values.data(), values.size(), &least, &greatest, &nan, &null_value);
    if (null_value) fail(found.what + ": a NULL row holds a value: the snapshot is corrupt");
    if (nan || (any && !(least >= low && greatest <= high))) {
        fail(found.what + ": a value outside its type's range or the schema's bounds: the snapshot is corrupt");
    }
    if (found.stored.given) {
        const auto same = [&](const std::string& text, T value) {  // by value: -0 and 0 are the same least
            if constexpr (std::is_floating_point_v<T>) {
                const auto stored = range_number(text);
                return stored && *stored == value;
            } else {
                const auto stored = range_value(column.type, text);
                return stored && *stored == static_cast<int64_t>(value);
            }
        };
        if (!any || !same(found.stored.least, least) || !same(found.stored.greatest, greatest)) {
            fail(found.what +
                 ": the least and greatest value its metadata gives are not its values': the snapshot is "
                 "corrupt");
        }
    }
    if (!any) return {};
    return {true, static_cast<double>(least), static_cast<double>(greatest)};
}

// An Int column's values as they lie in the file, `int_bytes` each (as written: no base), checked against [low, high]
// (the schema's bounds).
template <typename T>
data::ValueRange read_ints(const ColumnBuffers& found, uint64_t rows, int64_t low, int64_t high, data::Array<T>& values,
                           data::Column& column, const std::shared_ptr<const void>& keep_alive) {
    view_or_copy(values, found.values, rows, keep_alive);
    // The bounds within T's range; bounds that leave none of it (min: 200 over bytes) admit no present value.
    const int64_t least = std::max<int64_t>(low, std::numeric_limits<T>::lowest());
    const int64_t greatest = std::min<int64_t>(high, std::numeric_limits<T>::max());
    if (least > greatest) return checked_range(column, values, T{1}, T{0}, found);
    return checked_range(column, values, static_cast<T>(least), static_cast<T>(greatest), found);
}

// With `keep_alive` every column is read in place but Bool columns (bits in the file, a byte a row in the engine), the
// validity bitmaps and Int columns narrowed here. Dictionary codes, list offsets and items and dictionary offsets are
// checked once; a file rewritten in place by another program while the table is used may then change them, and
// whatever reads them loads each once and clamps what it indexes to its bounds (data::StringArena,
// data::Dictionary::value, data::Column::list_range, the VM's code and list kernels): values change, no read goes
// out of bounds. Copying them instead cost a fresh `segmint eval` over 10M customers 0.2-0.6 s of its opening and
// 320 MB (docs/performance.md, "Index arrays in place").
// Returns the range of an Int, Timestamp, Number or Date column's present values, found while checking them.
std::optional<data::ValueRange> read_column(const ColumnBuffers& found, uint64_t rows, const schema::Column& definition,
                                            data::Column& column, data::Bitmap validity, bool narrow_ints,
                                            const std::shared_ptr<const void>& keep_alive) {
    std::optional<data::ValueRange> range;
    const std::string& what = found.what;
    read_validity(column, std::move(validity), found.validity, rows, found.nulls, what);
    if (definition.not_null && found.nulls > 0) fail(what + ": NULL in a `not_null` column: the snapshot is corrupt");
    const auto whole = [&](int64_t low, int64_t high) {
        return std::pair<int64_t, int64_t>{definition.min_whole ? std::max(low, *definition.min_whole) : low,
                                           definition.max_whole ? std::min(high, *definition.max_whole) : high};
    };
    switch (definition.type) {
        case ColumnType::Int: {
            const auto [low, high] = whole(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
            switch (found.value_bytes) {
                case 1: range = read_ints(found, rows, low, high, column.i8, column, keep_alive); break;
                case 2: range = read_ints(found, rows, low, high, column.i16, column, keep_alive); break;
                case 4: range = read_ints(found, rows, low, high, column.i32, column, keep_alive); break;
                default: range = read_ints(found, rows, low, high, column.i64, column, keep_alive); break;
            }
            column.int_width = static_cast<uint8_t>(found.value_bytes);
            column.int_base = 0;
            break;
        }
        case ColumnType::Timestamp: {
            view_or_copy(column.i64, found.values, rows, keep_alive);
            const auto [low, high] = whole(scalar::kMinTimestamp, scalar::kMaxTimestamp);
            range = checked_range(column, column.i64, low, high, found);
            break;
        }
        case ColumnType::Number:
            view_or_copy(column.f64, found.values, rows, keep_alive);
            range =
                checked_range(column, column.f64, definition.min_number.value_or(-std::numeric_limits<double>::max()),
                              definition.max_number.value_or(std::numeric_limits<double>::max()), found);
            break;
        case ColumnType::Date: {
            view_or_copy(column.i32, found.values, rows, keep_alive);
            const auto [low, high] = whole(scalar::kMinDate, scalar::kMaxDate);
            range = checked_range(column, column.i32, static_cast<int32_t>(std::max<int64_t>(low, scalar::kMinDate)),
                                  static_cast<int32_t>(std::min<int64_t>(high, scalar::kMaxDate)), found);
            break;
        }
        case ColumnType::String:
        case ColumnType::Enum: {
            const auto read_codes = [&](auto& codes) {
                view_or_copy(codes, found.values, rows, keep_alive);
                check_codes(column, codes, what);
            };
            switch (found.value_bytes) {  // 1, 2 or 4
                case 1: read_codes(column.i8); break;
                case 2: read_codes(column.i16); break;
                default: read_codes(column.i32); break;
            }
            column.code_width = static_cast<uint8_t>(found.value_bytes);
            break;
        }
        case ColumnType::Bool:
            unpack_bits(found.values, rows, column.u8);
            check_null_slots_zero(column, column.u8, what);
            break;
        case ColumnType::StringList: {
            view_or_copy(column.list_offsets, found.list_offsets, rows + 1, keep_alive);
            view_or_copy(column.list_codes, found.list_codes, found.items, keep_alive);
            check_offsets(column.list_offsets.data(), rows, found.items, what);
            const uint64_t* offsets = column.list_offsets.data();
            if (any_bad(
                    column, rows, [](uint64_t) { return false; },
                    [&](uint64_t row, bool present) { return !present && offsets[row] != offsets[row + 1]; })) {
                fail(what + ": a NULL row holds list items: the snapshot is corrupt");
            }
            // The greatest code as unsigned (a negative one is greater than any size): a selection the compiler
            // vectorizes, where `bad |= code >= size` stayed a scalar loop.
            uint32_t greatest = 0;
            for (const int32_t code : column.list_codes) {
                greatest = static_cast<uint32_t>(code) > greatest ? static_cast<uint32_t>(code) : greatest;
            }
            if (found.items > 0 && greatest >= column.dictionary.size()) {
                fail(what + ": a dictionary code out of range: the snapshot is corrupt");
            }
            break;
        }
    }
    column.size = rows;
    if (found.stored.given && !range) {
        fail(what +
             ": its metadata gives a least and greatest value, which its type has none of: the snapshot is "
             "corrupt");
    }
    // As the loaders hold them (data/csv_loader.h, narrow_ints): the customers' Int columns but the key in the fewest
    // bytes, the key and event tables' at 8. A column that fits fewer bytes than the file's as offsets from a base
    // (0 to 130 in one byte where the file needs Int16; an older snapshot's 8-byte ints) is narrowed here, a copy.
    if (narrow_ints) {
        column.narrow_ints();
        column.narrow_codes();
    } else {
        column.widen_ints();
        column.widen_codes();
    }
    return range;
}

// task(i) for i in [0, count) on `threads` threads; a problem in any is reported as the lowest i's, so the message
// does not depend on which thread finished first.
void for_each_checked(size_t count, unsigned threads, const std::function<void(size_t)>& task) {
    std::vector<std::string> problems(count);
    parallel_for(count, threads, [&](uint64_t i, unsigned) {
        try {
            task(static_cast<size_t>(i));
        } catch (const Problem& problem) {
            problems[i] = problem.what();
        }
    });
    for (const auto& problem : problems) {
        if (!problem.empty()) fail(problem);
    }
}

}  // namespace

// Offsets of `count` items into `limit` bytes (or items): from 0, never decreasing, ending at `limit`.
void check_offsets(const uint64_t* offsets, uint64_t count, uint64_t limit, const std::string& what) {
    bool bad = offsets[0] != 0 || offsets[count] != limit;
    for (uint64_t i = 0; i < count; ++i) bad |= offsets[i] > offsets[i + 1];
    if (bad) fail(what + ": its offsets are out of order or out of bounds: the snapshot is corrupt");
}

// The table of one Arrow file whose columns are `schema`'s.
data::Table read_table(const ArrowFile& file, const schema::Schema& schema, bool narrow_ints, unsigned threads,
                       const std::shared_ptr<const void>& keep_alive) {
    const auto* fields = file.footer->schema()->fields();
    if (fields->size() != schema.columns.size()) {
        fail(fmt::format("table `{}` has {} columns where the schema has {}: the snapshot is corrupt",
                         escape_controls(schema.table), fields->size(), schema.columns.size()));
    }
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        if (!field_matches(fields->Get(static_cast<uint32_t>(i)), schema.columns[i], i)) {
            fail(
                fmt::format("column {} of table `{}` is not `{}` of type {} (found Arrow type {}): the snapshot is "
                            "corrupt",
                            i + 1, escape_controls(schema.table), escape_controls(schema.columns[i].name),
                            schema::column_type_name(schema.columns[i].type),
                            type_name(fields->Get(static_cast<uint32_t>(i))->type_type())));
        }
    }
    data::Table table(schema);
    std::vector<size_t> dictionary_columns;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        if (has_dictionary(schema.columns[i].type)) dictionary_columns.push_back(i);
    }
    const auto* dictionaries = file.footer->dictionaries();
    if ((dictionaries ? dictionaries->size() : 0) != dictionary_columns.size()) {
        fail(fmt::format("table `{}` has {} dictionaries where its columns need {}: the snapshot is corrupt",
                         escape_controls(schema.table), dictionaries ? dictionaries->size() : 0,
                         dictionary_columns.size()));
    }
    if (file.footer->record_batches()->size() != 1) {
        fail(fmt::format("table `{}` has {} record batches, segmint writes one: the snapshot is corrupt",
                         escape_controls(schema.table), file.footer->record_batches()->size()));
    }
    Bytes body;
    const auto* batch = file.message(file.footer->record_batches()->Get(0), arrow::MessageHeader_RecordBatch, &body)
                            ->header_as_RecordBatch();
    const uint64_t rows = checked_count(batch->length(), "the record batch");
    if (rows > kMostItems) fail("the record batch has an impossible number of rows: the snapshot is corrupt");
    // The dictionaries first (codes are checked against them), then every column's buffers found in order, then the
    // columns read and checked in parallel.
    for_each_checked(dictionary_columns.size(), threads, [&](size_t k) {
        const size_t i = dictionary_columns[k];
        read_dictionary(file, dictionaries->Get(static_cast<uint32_t>(k)), schema.columns[i], i,
                        table.mutable_column(i), keep_alive);
    });
    Buffers buffers(batch, body);
    std::vector<ColumnBuffers> located;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        const auto* field = fields->Get(static_cast<uint32_t>(i));
        const auto* int_type = field->type_as_Int();
        const bool codes = schema.columns[i].type == ColumnType::String || schema.columns[i].type == ColumnType::Enum;
        // 1, 2, 4 or 8 (field_matches)
        const int value_bytes = int_type ? int_type->bit_width() / 8
                                : codes  ? field->dictionary()->index_type()->bit_width() / 8
                                         : 8;
        located.push_back(locate_column(buffers, rows, schema.columns[i], value_bytes));
        located.back().stored = stored_range(field, located.back().what);
    }
    buffers.expect_end("the record batch");
    std::vector<data::Bitmap> validity = data::Bitmap::uninitialized_many(schema.columns.size(), rows);
    std::vector<std::optional<data::ValueRange>> ranges(schema.columns.size());
    for_each_checked(schema.columns.size(), threads, [&](size_t i) {
        ranges[i] = read_column(located[i], rows, schema.columns[i], table.mutable_column(i), std::move(validity[i]),
                                narrow_ints && schema.columns[i].name != schema.key, keep_alive);
    });
    table.finish_rows();
    for (size_t i = 0; i < ranges.size(); ++i) {
        if (ranges[i]) table.set_known_range(i, *ranges[i]);
    }
    return table;
}

}  // namespace segmint::snapshot
