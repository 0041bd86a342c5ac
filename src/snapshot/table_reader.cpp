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
#include "snapshot/checksum.h"
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

// `rows` bits of the file (a validity bitmap, a Bool column's values; Arrow's layout, least significant bit first, as
// data::Bitmap's words): with `keep_alive` (the table read in place), the file's words where they lie, unless the last
// word holds a bit past the rows (data::Bitmap keeps those clear; segmint writes them so, another writer need not).
// Else a copy into `words`, a bitmap of `rows` bits whose words are not yet written, or a fresh one (when the whole
// table is copied, every column's validity comes from one block of huge pages: 24 validity bitmaps over 10M rows are
// 30 MB, 7,300 faults of 4 KiB pages otherwise, each a round trip through the hypervisor on this project's machines;
// a copy cost a fresh `segmint eval` of 10M customers 30 ms of its opening, docs/performance.md).
data::Bitmap read_bits(data::Bitmap words, Bytes bytes, uint64_t rows, const std::shared_ptr<const void>& keep_alive) {
    const uint64_t word_count = data::words_for_bits(rows);
    uint64_t last = 0;  // its bytes past the buffer lie before the footer, in the file
    if (rows > 0) std::memcpy(&last, bytes.data + 8 * (word_count - 1), sizeof last);
    if (keep_alive && (last & ~data::last_word_mask(rows)) == 0) {
        return data::Bitmap::view(reinterpret_cast<const uint64_t*>(bytes.data), rows, keep_alive);
    }
    data::Bitmap bits = words.size() == rows ? std::move(words) : data::Bitmap::uninitialized(rows);
    if (rows > 0) std::memcpy(bits.mutable_words(), bytes.data, (rows + 7) / 8);
    bits.clear_unused_bits();  // also the last word's bytes past the copied ones
    return bits;
}

void read_validity(data::Column& column, data::Bitmap words, Bytes bytes, uint64_t rows, uint64_t nulls,
                   const std::string& what, const std::shared_ptr<const void>& keep_alive) {
    column.validity = read_bits(std::move(words), bytes, rows, keep_alive);
    if (rows - column.validity.count() != nulls) {
        fail(fmt::format("{}: the validity bitmap has {} NULLs where the batch says {}: the snapshot is corrupt", what,
                         rows - column.validity.count(), nulls));
    }
}

// Finds where a column's dictionary lies (column_scan.h: its offsets are checked in the pass over the file).
void locate_dictionary(const ArrowFile& file, const arrow::Block* block, const schema::Column& definition, size_t index,
                       ColumnBuffers& found) {
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
    found.dictionary_what = what;
    found.dictionary_size = count;
    found.dictionary_offsets = buffers.buffer((count + 1) * sizeof(uint64_t), what);
    found.dictionary_strings = buffers.buffer(found.dictionary_offsets.load<uint64_t>(count * sizeof(uint64_t)), what);
    buffers.expect_end(what);
}

// The dictionary of a column; `decrease`: whether the pass over the file found its offsets out of order.
void read_dictionary(const ColumnBuffers& found, const schema::Column& definition, data::Column& column, bool decrease,
                     const std::shared_ptr<const void>& keep_alive) {
    const std::string& what = found.dictionary_what;
    const uint64_t count = found.dictionary_size;
    // In place like the strings (see finish_column).
    data::Array<uint64_t> offsets;
    view_or_copy(offsets, found.dictionary_offsets, count + 1, keep_alive);
    check_offsets(offsets.data(), count, found.dictionary_strings.size, decrease, what);
    const std::string_view text{reinterpret_cast<const char*>(found.dictionary_strings.data),
                                found.dictionary_strings.size};
    if (keep_alive) {
        column.dictionary.values.view(text, std::move(offsets), keep_alive);
    } else {
        column.dictionary.values.assign(text, offsets.data(), static_cast<size_t>(count));
    }
    if (definition.type == ColumnType::Enum && column.dictionary.values != definition.enum_values) {
        fail(what + " is not the schema's enum values: the snapshot is corrupt");
    }
}

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

// Every present value keeps [low, high] (what the CSV loader accepts of the type and the schema's bounds); numbers
// are finite. The engine's date arithmetic is defined only for years 1 to 9999, which a snapshot must not leave. The
// least and greatest present value, which the pass found (column_scan.h) and the table keeps as the column's
// statistics (data::Table::known_range), must be the ones the field's metadata gives, if it gives them; a NULL row's
// slot must hold zero bits, as the loaders leave it.
template <typename T>
data::ValueRange checked_range(const ColumnBuffers& found, const Findings& findings, schema::ColumnType type, T low,
                               T high) {
    constexpr bool kNumber = std::is_floating_point_v<T>;
    const T least = kNumber ? static_cast<T>(findings.least_number) : static_cast<T>(findings.least);
    const T greatest = kNumber ? static_cast<T>(findings.greatest_number) : static_cast<T>(findings.greatest);
    if (findings.null_value) fail(found.what + ": a NULL row holds a value: the snapshot is corrupt");
    if (findings.nan || (findings.any && !(least >= low && greatest <= high))) {
        fail(found.what + ": a value outside its type's range or the schema's bounds: the snapshot is corrupt");
    }
    if (found.stored.given) {
        const auto same = [&](const std::string& text, T value) {  // by value: -0 and 0 are the same least
            if constexpr (kNumber) {
                const auto stored = range_number(text);
                return stored && *stored == value;
            } else {
                const auto stored = range_value(type, text);
                return stored && *stored == static_cast<int64_t>(value);
            }
        };
        if (!findings.any || !same(found.stored.least, least) || !same(found.stored.greatest, greatest)) {
            fail(found.what +
                 ": the least and greatest value its metadata gives are not its values': the snapshot is "
                 "corrupt");
        }
    }
    if (!findings.any) return {};
    return {true, static_cast<double>(least), static_cast<double>(greatest)};
}

// An Int column's values as they lie in the file, `int_bytes` each (as written: no base), checked against [low, high]
// (the schema's bounds).
template <typename T>
data::ValueRange read_ints(const ColumnBuffers& found, const Findings& findings, uint64_t rows, int64_t low,
                           int64_t high, data::Array<T>& values, const std::shared_ptr<const void>& keep_alive) {
    view_or_copy(values, found.values, rows, keep_alive);
    // The bounds within T's range; bounds that leave none of it (min: 200 over bytes) admit no present value.
    const int64_t least = std::max<int64_t>(low, std::numeric_limits<T>::lowest());
    const int64_t greatest = std::min<int64_t>(high, std::numeric_limits<T>::max());
    if (least > greatest) return checked_range(found, findings, ColumnType::Int, T{1}, T{0});
    return checked_range(found, findings, ColumnType::Int, static_cast<T>(least), static_cast<T>(greatest));
}

// With `keep_alive` every column is read in place but Int columns narrowed here (and a validity bitmap or Bool column
// whose last word holds bits past the rows: read_bits). Dictionary codes, list offsets and items and dictionary offsets
// are checked once; a file rewritten in place by another program while the table is used may then change them, and
// whatever reads them loads each once and clamps what it indexes to its bounds (data::StringArena,
// data::Dictionary::value, data::Column::list_range, the VM's code and list kernels): values change, no read goes
// out of bounds. Copying them instead cost a fresh `segmint eval` over 10M customers 0.2-0.6 s of its opening and
// 320 MB (docs/performance.md, "Index arrays in place").
// Judges what the pass found in one column, then reads it (in place or as a copy); returns the range of an Int,
// Timestamp, Number or Date column's present values.
std::optional<data::ValueRange> finish_column(const ColumnBuffers& found, const Findings& findings, uint64_t rows,
                                              const schema::Column& definition, data::Column& column,
                                              data::Bitmap validity, bool narrow_ints,
                                              const std::shared_ptr<const void>& keep_alive) {
    std::optional<data::ValueRange> range;
    const std::string& what = found.what;
    read_validity(column, std::move(validity), found.validity, rows, found.nulls, what, keep_alive);
    if (definition.not_null && found.nulls > 0) fail(what + ": NULL in a `not_null` column: the snapshot is corrupt");
    const auto whole = [&](int64_t low, int64_t high) {
        return std::pair<int64_t, int64_t>{definition.min_whole ? std::max(low, *definition.min_whole) : low,
                                           definition.max_whole ? std::min(high, *definition.max_whole) : high};
    };
    switch (definition.type) {
        case ColumnType::Int: {
            const auto [low, high] = whole(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
            switch (found.value_bytes) {
                case 1: range = read_ints(found, findings, rows, low, high, column.i8, keep_alive); break;
                case 2: range = read_ints(found, findings, rows, low, high, column.i16, keep_alive); break;
                case 4: range = read_ints(found, findings, rows, low, high, column.i32, keep_alive); break;
                default: range = read_ints(found, findings, rows, low, high, column.i64, keep_alive); break;
            }
            column.int_width = static_cast<uint8_t>(found.value_bytes);
            column.int_base = 0;
            break;
        }
        case ColumnType::Timestamp: {
            view_or_copy(column.i64, found.values, rows, keep_alive);
            const auto [low, high] = whole(scalar::kMinTimestamp, scalar::kMaxTimestamp);
            range = checked_range(found, findings, definition.type, low, high);
            break;
        }
        case ColumnType::Number:
            view_or_copy(column.f64, found.values, rows, keep_alive);
            range = checked_range(found, findings, definition.type,
                                  definition.min_number.value_or(-std::numeric_limits<double>::max()),
                                  definition.max_number.value_or(std::numeric_limits<double>::max()));
            break;
        case ColumnType::Date: {
            view_or_copy(column.i32, found.values, rows, keep_alive);
            const auto [low, high] = whole(scalar::kMinDate, scalar::kMaxDate);
            range = checked_range(found, findings, definition.type,
                                  static_cast<int32_t>(std::max<int64_t>(low, scalar::kMinDate)),
                                  static_cast<int32_t>(std::min<int64_t>(high, scalar::kMaxDate)));
            break;
        }
        case ColumnType::String:
        case ColumnType::Enum: {
            // Every present value's code names a dictionary value; a NULL row holds 0, as the loaders leave it. Codes
            // of any width, compared as signed: an Int8 code of -106 names no value, whatever the dictionary's size.
            const auto size = static_cast<int64_t>(column.dictionary.size());
            if (findings.null_value ||
                (findings.any && (findings.least < 0 || findings.least >= size || findings.greatest >= size))) {
                fail(what + ": a dictionary code out of range: the snapshot is corrupt");
            }
            switch (found.value_bytes) {  // 1, 2 or 4
                case 1: view_or_copy(column.i8, found.values, rows, keep_alive); break;
                case 2: view_or_copy(column.i16, found.values, rows, keep_alive); break;
                default: view_or_copy(column.i32, found.values, rows, keep_alive); break;
            }
            column.code_width = static_cast<uint8_t>(found.value_bytes);
            break;
        }
        case ColumnType::Bool: {
            column.bools = read_bits({}, found.values, rows, keep_alive);
            const uint64_t* values = column.bools.words();  // both bitmaps' bits past `rows` clear
            const uint64_t* valid = column.validity.words();
            uint64_t set_where_null = 0;
            for (uint64_t w = 0; w < column.bools.word_count(); ++w) set_where_null |= values[w] & ~valid[w];
            if (set_where_null != 0) fail(what + ": a NULL row holds a value: the snapshot is corrupt");
            break;
        }
        case ColumnType::StringList: {
            view_or_copy(column.list_offsets, found.list_offsets, rows + 1, keep_alive);
            view_or_copy(column.list_codes, found.list_codes, found.items, keep_alive);
            const uint64_t* offsets = column.list_offsets.data();
            check_offsets(offsets, rows, found.items, findings.offsets_decrease, what);
            if (findings.null_with_items) fail(what + ": a NULL row holds list items: the snapshot is corrupt");
            if (found.items > 0 && findings.greatest_item_code >= column.dictionary.size()) {
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

void check_offsets(const uint64_t* offsets, uint64_t count, uint64_t limit, bool decrease, const std::string& what) {
    if (decrease || offsets[0] != 0 || offsets[count] != limit) {
        fail(what + ": its offsets are out of order or out of bounds: the snapshot is corrupt");
    }
}

TableReading::TableReading(const ArrowFile& file, const schema::Schema& schema, bool narrow_ints, unsigned threads,
                           std::shared_ptr<const void> keep_alive)
    : schema_(schema), narrow_ints_(narrow_ints), threads_(threads), keep_alive_(std::move(keep_alive)) {
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
    rows_ = checked_count(batch->length(), "the record batch");
    if (rows_ > kMostItems) fail("the record batch has an impossible number of rows: the snapshot is corrupt");
    // Every column's buffers found in order, then its dictionary's.
    Buffers buffers(batch, body);
    located_.reserve(schema.columns.size());  // the pieces point into it
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        const auto* field = fields->Get(static_cast<uint32_t>(i));
        const auto* int_type = field->type_as_Int();
        const bool codes = schema.columns[i].type == ColumnType::String || schema.columns[i].type == ColumnType::Enum;
        // 1, 2, 4 or 8 (field_matches)
        const int value_bytes = int_type ? int_type->bit_width() / 8
                                : codes  ? field->dictionary()->index_type()->bit_width() / 8
                                         : 8;
        located_.push_back(locate_column(buffers, rows_, schema.columns[i], value_bytes));
        located_.back().stored = stored_range(field, located_.back().what);
    }
    buffers.expect_end("the record batch");
    for (size_t k = 0; k < dictionary_columns.size(); ++k) {
        const size_t i = dictionary_columns[k];
        locate_dictionary(file, dictionaries->Get(static_cast<uint32_t>(k)), schema.columns[i], i, located_[i]);
    }
    for (size_t i = 0; i < schema.columns.size(); ++i)
        add_pieces(located_[i], schema.columns[i].type, i, rows_, pieces_);
    findings_.assign(std::max(1u, threads_), std::vector<Findings>(schema.columns.size()));
}

void TableReading::visit(const unsigned char* begin, const unsigned char* end, unsigned worker) {
    for (const Piece& piece : pieces_) {
        const uint64_t first = piece.units_before(begin), last = piece.units_before(end);
        if (first < last) scan(piece, first, last, findings_[worker][piece.column]);
    }
}

data::Table TableReading::finish() {
    const size_t columns = schema_.columns.size();
    std::vector<Findings> found(columns);
    for (const auto& worker : findings_) {
        for (size_t i = 0; i < columns; ++i) found[i].merge(worker[i]);
    }
    data::Table table(schema_);
    // The dictionaries first (codes are judged against them), then the columns in parallel.
    for_each_checked(columns, threads_, [&](size_t i) {
        if (has_dictionary(schema_.columns[i].type)) {
            read_dictionary(located_[i], schema_.columns[i], table.mutable_column(i),
                            found[i].dictionary_offsets_decrease, keep_alive_);
        }
    });
    // Copies of the validity bitmaps only where the table is not read in place (read_validity).
    std::vector<data::Bitmap> validity =
        keep_alive_ ? std::vector<data::Bitmap>(columns) : data::Bitmap::uninitialized_many(columns, rows_);
    std::vector<std::optional<data::ValueRange>> ranges(columns);
    for_each_checked(columns, threads_, [&](size_t i) {
        ranges[i] =
            finish_column(located_[i], found[i], rows_, schema_.columns[i], table.mutable_column(i),
                          std::move(validity[i]), narrow_ints_ && schema_.columns[i].name != schema_.key, keep_alive_);
    });
    table.finish_rows();
    for (size_t i = 0; i < ranges.size(); ++i) {
        if (ranges[i]) table.set_known_range(i, *ranges[i]);
    }
    return table;
}

data::Table read_table(const ArrowFile& file, const schema::Schema& schema, bool narrow_ints, unsigned threads,
                       const std::shared_ptr<const void>& keep_alive) {
    TableReading reading(file, schema, narrow_ints, threads, keep_alive);
    checksum_visiting(file.bytes.data, file.footer_start, threads, false, ChunkHash::Rounds /* no hash */,
                      [&](const unsigned char* begin, const unsigned char* end, unsigned worker) {
                          reading.visit(begin, end, worker);
                      });
    return reading.finish();
}

}  // namespace segmint::snapshot
