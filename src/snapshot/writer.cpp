#include "snapshot/writer.h"

#include <fmt/format.h>
#include <segmint/version.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "common/atomic_file.h"
#include "common/parallel.h"
#include "data/events.h"
#include "data/value_range.h"
#include "scalar/scalar.h"
#include "snapshot/arrow_format_generated.h"
#include "snapshot/checksum.h"
#include "snapshot/format.h"

namespace segmint::snapshot {
namespace {

namespace fb = flatbuffers;
using schema::ColumnType;

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

// The file being written: counts its bytes and feeds them to the checksum until the footer starts.
class Output {
public:
    Output(const ByteSink& sink, int format_version) : sink_(sink), checksum_(chunk_hash_of_version(format_version)) {}
    bool write(const void* bytes, size_t size) {
        if (size == 0) return ok_;
        if (checksumming_) checksum_.add(bytes, size);
        offset_ += size;
        if (ok_ && !sink_(bytes, size)) ok_ = false;
        return ok_;
    }
    bool pad_to(uint64_t alignment) {
        static const char zeros[kAlignment] = {};
        return write(zeros, static_cast<size_t>(align_up(offset_, alignment) - offset_));
    }
    uint64_t offset() const { return offset_; }
    bool ok() const { return ok_; }
    // The checksum of everything written so far; what follows (the footer) is not part of it.
    uint64_t finish_checksum() {
        checksumming_ = false;
        return checksum_.finish();
    }

private:
    const ByteSink& sink_;
    StreamingChecksum checksum_;
    bool checksumming_ = true;
    uint64_t offset_ = 0;
    bool ok_ = true;
};

// A message body: buffers at 64-byte boundaries, in the order the record batch lists them.
struct Body {
    std::vector<arrow::Buffer> buffers;
    std::vector<std::pair<const void*, size_t>> pieces;
    std::vector<std::vector<uint8_t>> owned;  // bytes made for the file (ints narrowed to their width)
    uint64_t length = 0;

    void add(const void* bytes, uint64_t size) {
        buffers.emplace_back(static_cast<int64_t>(length), static_cast<int64_t>(size));
        pieces.emplace_back(bytes, static_cast<size_t>(size));
        length += align_up(size, kAlignment);
    }
};

uint64_t null_count(const data::Column& column, uint64_t rows) { return rows - column.validity.count(); }

// Arrow's validity bitmap has the same bits as ours (least significant first); it needs whole bytes only.
void add_validity(Body& body, const data::Column& column, uint64_t rows) {
    body.add(column.validity.words(), (rows + 7) / 8);
}

void add_dictionary_values(Body& body, const data::StringArena& values) {
    body.add(nullptr, 0);  // no NULL among the values
    body.add(values.offsets(), (values.size() + 1) * sizeof(uint64_t));
    body.add(values.bytes().data(), values.bytes().size());
}

// `code_bytes`: the width of the dictionary indexes (Arrow's signed Int8, Int16 or Int32).
fb::Offset<arrow::DictionaryEncoding> dictionary_encoding(fb::FlatBufferBuilder& builder, size_t column,
                                                          int code_bytes) {
    return arrow::CreateDictionaryEncoding(builder, static_cast<int64_t>(column),
                                           arrow::CreateInt(builder, code_bytes * 8, true));
}

// Metadata as Arrow's key-value pairs; none (0) when empty.
fb::Offset<fb::Vector<fb::Offset<arrow::KeyValue>>> key_values(fb::FlatBufferBuilder& builder,
                                                               const Metadata& metadata) {
    if (metadata.empty()) return 0;
    std::vector<fb::Offset<arrow::KeyValue>> pairs;
    for (const auto& [key, value] : metadata) {
        pairs.push_back(arrow::CreateKeyValue(builder, builder.CreateString(key), builder.CreateString(value)));
    }
    return builder.CreateVector(pairs);
}

// An Int column's least and greatest present value, narrowed or not; nullopt when no value is present.
using IntExtremes = std::optional<std::pair<int64_t, int64_t>>;
IntExtremes int_extremes(const data::Column& column) {
    int64_t low = 0, high = 0;
    if (!column.int_range(&low, &high)) return std::nullopt;
    return std::pair{low, high};
}

// A column's least and greatest present value as its field's metadata (format.h: kLeastKey, kGreatestKey); none for a
// column without a present value or of a type without a range, and none for dates and times outside years 1 to 9999,
// which have no ISO text (no loader gives a table such values; the reader refuses them). `ints`: an Int column's
// extremes (int_extremes).
Metadata range_metadata(const data::Column& column, const IntExtremes& ints) {
    const auto range_pair = [](std::string least, std::string greatest) {
        return Metadata{{kLeastKey, std::move(least)}, {kGreatestKey, std::move(greatest)}};
    };
    const auto array_range = [&](const auto* values) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(values)>>;
        T low{}, high{};
        if (!data::present_range(column.validity, values, column.size, &low, &high)) return Metadata{};
        if constexpr (std::is_floating_point_v<T>) {
            return range_pair(range_text(low), range_text(high));
        } else {
            const bool valid = column.type == ColumnType::Date
                                   ? scalar::valid_date(low) && scalar::valid_date(high)
                                   : scalar::valid_timestamp(low) && scalar::valid_timestamp(high);
            if (!valid) return Metadata{};
            return range_pair(range_text(column.type, low), range_text(column.type, high));
        }
    };
    switch (column.type) {
        case ColumnType::Int:
            if (!ints) return {};
            return range_pair(range_text(column.type, ints->first), range_text(column.type, ints->second));
        case ColumnType::Timestamp: return array_range(column.i64.data());
        case ColumnType::Number: return array_range(column.f64.data());
        case ColumnType::Date: return array_range(column.i32.data());
        default: return {};
    }
}

// `key`: the schema's key column, which is never NULL (the loaders refuse a row without one). `value_bytes`: an Int
// column's width in the file, or a String or Enum column's dictionary codes'. `metadata`: the field's (its range).
fb::Offset<arrow::Field> field_of(fb::FlatBufferBuilder& builder, const schema::Column& column, size_t index, bool key,
                                  int value_bytes, const Metadata& metadata) {
    const auto name = builder.CreateString(column.name);
    const bool nullable = !column.not_null && !key;
    const auto pairs = key_values(builder, metadata);
    switch (column.type) {
        case ColumnType::Int:
            return arrow::CreateField(builder, name, nullable, arrow::Type_Int,
                                      arrow::CreateInt(builder, value_bytes * 8, true).Union(), 0, 0, pairs);
        case ColumnType::Number:
            return arrow::CreateField(builder, name, nullable, arrow::Type_FloatingPoint,
                                      arrow::CreateFloatingPoint(builder, arrow::Precision_DOUBLE).Union(), 0, 0,
                                      pairs);
        case ColumnType::Bool:
            return arrow::CreateField(builder, name, nullable, arrow::Type_Bool, arrow::CreateBool(builder).Union());
        case ColumnType::Date:
            return arrow::CreateField(builder, name, nullable, arrow::Type_Date,
                                      arrow::CreateDate(builder, arrow::DateUnit_DAY).Union(), 0, 0, pairs);
        case ColumnType::Timestamp:
            return arrow::CreateField(
                builder, name, nullable, arrow::Type_Timestamp,
                arrow::CreateTimestamp(builder, arrow::TimeUnit_MICROSECOND, builder.CreateString("UTC")).Union(), 0, 0,
                pairs);
        case ColumnType::String:
        case ColumnType::Enum:
            return arrow::CreateField(builder, name, nullable, arrow::Type_LargeUtf8,
                                      arrow::CreateLargeUtf8(builder).Union(),
                                      dictionary_encoding(builder, index, value_bytes));
        case ColumnType::StringList: {
            const auto item =
                arrow::CreateField(builder, builder.CreateString("item"), false, arrow::Type_LargeUtf8,
                                   arrow::CreateLargeUtf8(builder).Union(), dictionary_encoding(builder, index, 4));
            return arrow::CreateField(builder, name, nullable, arrow::Type_LargeList,
                                      arrow::CreateLargeList(builder).Union(), 0, builder.CreateVector(&item, 1));
        }
    }
    return 0;
}

// The table's Arrow schema; `metadata` becomes its custom metadata, which Arrow readers show as the schema's
// metadata (Arrow JS: table.schema.metadata), and `field_metadata[i]` column i's.
fb::Offset<arrow::Schema> schema_of(fb::FlatBufferBuilder& builder, const schema::Schema& schema,
                                    const std::vector<int>& value_bytes, const std::vector<Metadata>& field_metadata,
                                    const Metadata& metadata = {}) {
    const auto pairs = key_values(builder, metadata);
    std::vector<fb::Offset<arrow::Field>> fields;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        fields.push_back(field_of(builder, schema.columns[i], i, schema.columns[i].name == schema.key, value_bytes[i],
                                  field_metadata[i]));
    }
    return arrow::CreateSchema(builder, arrow::Endianness_Little, builder.CreateVector(fields), pairs);
}

// The bytes an Int column's values take in the file: the fewest of 1, 2, 4 and 8 that hold every present value as
// it is (Arrow's Int8 to Int64, which any Arrow reader reads as the values), however the table holds them. The key
// column and event tables stay at 8: the engine reads them at that width (data::Table::narrow_int_columns).
int int_bytes_in_file(const IntExtremes& ints, bool narrow) {
    if (!narrow) return 8;
    if (!ints) return 1;  // no value present: every slot is 0
    const auto fits = [&](auto zero) {
        using N = decltype(zero);
        return ints->first >= std::numeric_limits<N>::lowest() && ints->second <= std::numeric_limits<N>::max();
    };
    return fits(int8_t{}) ? 1 : fits(int16_t{}) ? 2 : fits(int32_t{}) ? 4 : 8;
}

// The bytes a String or Enum column's codes take in the file: 1 or 2 where its dictionary fits Arrow's signed Int8 or
// Int16 indexes, else 4, however the table holds them; 4 for the key column and event tables, as the engine reads
// them (data::Table::narrow_code_columns).
int code_bytes_in_file(const data::Column& column, bool narrow) {
    return narrow ? data::narrow_code_width(column.dictionary.size()) : 4;
}

// The array a column holds integers in at `bytes` each (narrowed Int offsets or codes, days, 8-byte ints).
const void* array_of_width(const data::Column& column, int bytes) {
    return bytes == 1   ? static_cast<const void*>(column.i8.data())
           : bytes == 2 ? static_cast<const void*>(column.i16.data())
           : bytes == 4 ? static_cast<const void*>(column.i32.data())
                        : static_cast<const void*>(column.i64.data());
}

// `rows` integers value(row) at `bytes` each (1, 2, 4 or 8; every value fits), in bytes the body owns.
template <typename Value>
void add_converted(Body& body, uint64_t rows, int bytes, Value value) {
    std::vector<uint8_t> converted(rows * static_cast<uint64_t>(bytes));  // operator new aligns for int64
    const auto fill = [&](auto* out) {
        using N = std::remove_pointer_t<decltype(out)>;
        for (uint64_t row = 0; row < rows; ++row) out[row] = static_cast<N>(value(row));
    };
    switch (bytes) {
        case 1: fill(reinterpret_cast<int8_t*>(converted.data())); break;
        case 2: fill(reinterpret_cast<int16_t*>(converted.data())); break;
        case 4: fill(reinterpret_cast<int32_t*>(converted.data())); break;
        default: fill(reinterpret_cast<int64_t*>(converted.data())); break;
    }
    body.owned.push_back(std::move(converted));
    body.add(body.owned.back().data(), body.owned.back().size());
}

// A String or Enum column's codes at `bytes` each: its own array when the table holds them so, else converted.
void add_codes(Body& body, const data::Column& column, uint64_t rows, int bytes) {
    if (column.code_width == bytes) return body.add(array_of_width(column, bytes), rows * static_cast<uint64_t>(bytes));
    add_converted(body, rows, bytes, [&](uint64_t row) { return column.code_at(row); });  // fits: code_bytes_in_file
}

// An Int column's values at `bytes` each, NULL slots 0: its own array when the table holds them so, else converted.
void add_ints(Body& body, const data::Column& column, uint64_t rows, int bytes) {
    if (column.int_width == bytes && column.int_base == 0) {
        return body.add(array_of_width(column, bytes), rows * static_cast<uint64_t>(bytes));
    }
    std::vector<int64_t> wide(rows);
    column.ints_into(wide.data());
    add_converted(body, rows, bytes, [&](uint64_t row) { return wide[row]; });  // fits: int_bytes_in_file
}

// The record batch of all rows: per column its node(s) and buffers, depth first (a list's items after the list).
Body record_body(const data::Table& table, const std::vector<int>& value_bytes, std::vector<arrow::FieldNode>& nodes) {
    Body body;
    const uint64_t rows = table.rows();
    for (size_t i = 0; i < table.column_count(); ++i) {
        const data::Column& column = table.column(i);
        nodes.emplace_back(static_cast<int64_t>(rows), static_cast<int64_t>(null_count(column, rows)));
        add_validity(body, column, rows);
        switch (column.type) {
            case ColumnType::Int: add_ints(body, column, rows, value_bytes[i]); break;
            case ColumnType::Timestamp: body.add(column.i64.data(), rows * sizeof(int64_t)); break;
            case ColumnType::Number: body.add(column.f64.data(), rows * sizeof(double)); break;
            case ColumnType::Date: body.add(column.i32.data(), rows * sizeof(int32_t)); break;
            case ColumnType::String:
            case ColumnType::Enum: add_codes(body, column, rows, value_bytes[i]); break;
            case ColumnType::Bool: body.add(column.bools.words(), (rows + 7) / 8); break;  // Arrow's bits
            case ColumnType::StringList: {
                // rows + 1 offsets; a list column built by hand with no rows may hold none, which reads as {0}.
                static const uint64_t no_items = 0;
                if (column.list_offsets.size() != rows + 1 && rows > 0) {
                    throw std::logic_error("snapshot: list column `" + column.name + "` lacks offsets");
                }
                body.add(column.list_offsets.empty() ? &no_items : column.list_offsets.data(),
                         (rows + 1) * sizeof(uint64_t));
                nodes.emplace_back(static_cast<int64_t>(column.list_codes.size()), 0);
                body.add(nullptr, 0);  // items are never NULL
                body.add(column.list_codes.data(), column.list_codes.size() * sizeof(int32_t));
                break;
            }
        }
    }
    return body;
}

// One encapsulated message (continuation marker, metadata size, the flatbuffer padded so the body starts at a
// 64-byte boundary, the body); returns its block, its offset counted from `base` (the start of its Arrow file).
arrow::Block write_message(Output& out, fb::FlatBufferBuilder& builder, const Body* body, uint64_t base) {
    const uint64_t start = out.offset();
    const uint64_t metadata = align_up(start + 8 + builder.GetSize(), kAlignment) - start;
    const uint32_t prefix[2] = {0xFFFFFFFFu, static_cast<uint32_t>(metadata - 8)};
    out.write(prefix, sizeof prefix);
    out.write(builder.GetBufferPointer(), builder.GetSize());
    out.pad_to(kAlignment);
    if (body) {
        for (const auto& [bytes, size] : body->pieces) {
            out.write(bytes, size);
            out.pad_to(kAlignment);
        }
    }
    return arrow::Block(static_cast<int64_t>(start - base), static_cast<int32_t>(metadata),
                        static_cast<int64_t>(body ? body->length : 0));
}

fb::Offset<arrow::Message> message(fb::FlatBufferBuilder& builder, arrow::MessageHeader type, fb::Offset<void> header,
                                   uint64_t body_length) {
    return arrow::CreateMessage(builder, arrow::MetadataVersion_V5, type, header, static_cast<int64_t>(body_length));
}

// One Arrow IPC file of `table` from the output's current offset (which is a multiple of 64): schema, one dictionary
// batch per dictionary column, one record batch, footer with `metadata`. `before_footer` writes what lies between the
// record batch and the footer and adds to the metadata (the customer file's event tables and checksum). With
// `narrow_ints` (the customer table) Int columns but the key take the fewest bytes their values need; with
// `narrow_codes` (the customer table, version 3 on) String and Enum columns but the key the fewest bytes their
// dictionary codes need. With `ranges` (version 3 files written since these keys) each field's metadata gives its
// column's least and greatest value.
void write_arrow_file(Output& out, const data::Table& table, bool narrow_ints, bool narrow_codes, bool ranges,
                      unsigned threads, Metadata metadata, const std::function<void(Metadata&)>& before_footer) {
    const uint64_t base = out.offset();
    std::vector<int> value_bytes(table.column_count());
    std::vector<Metadata> field_metadata(table.column_count());
    // A pass over each column (its extremes, its codes' width), the columns spread over the cores.
    parallel_for(table.column_count(), threads_or_cores(threads), [&](uint64_t i, unsigned) {
        const data::Column& column = table.column(i);
        const bool key = column.name == table.schema().key;
        const bool narrow = narrow_ints && !key;
        // One pass for both uses of an Int column's extremes.
        const IntExtremes ints =
            column.type == ColumnType::Int && (ranges || narrow) ? int_extremes(column) : std::nullopt;
        field_metadata[i] = ranges ? range_metadata(column, ints) : Metadata{};
        value_bytes[i] = column.type == ColumnType::Int ? int_bytes_in_file(ints, narrow)
                         : has_dictionary(column.type) && column.type != ColumnType::StringList
                             ? code_bytes_in_file(column, narrow_codes && !key)
                             : 8;
    });
    out.write(kArrowMagic, kArrowMagicSize);
    out.pad_to(8);
    {
        fb::FlatBufferBuilder builder;
        builder.Finish(message(builder, arrow::MessageHeader_Schema,
                               schema_of(builder, table.schema(), value_bytes, field_metadata).Union(), 0));
        write_message(out, builder, nullptr, base);
    }
    std::vector<arrow::Block> dictionaries;
    for (size_t i = 0; i < table.column_count(); ++i) {
        const data::Column& column = table.column(i);
        if (!has_dictionary(column.type)) continue;
        Body body;
        add_dictionary_values(body, column.dictionary.values);
        fb::FlatBufferBuilder builder;
        const auto count = static_cast<int64_t>(column.dictionary.size());
        const arrow::FieldNode node(count, 0);
        const auto batch =
            arrow::CreateRecordBatch(builder, count, builder.CreateVectorOfStructs(&node, 1),
                                     builder.CreateVectorOfStructs(body.buffers.data(), body.buffers.size()));
        const auto dictionary = arrow::CreateDictionaryBatch(builder, static_cast<int64_t>(i), batch);
        builder.Finish(message(builder, arrow::MessageHeader_DictionaryBatch, dictionary.Union(), body.length));
        dictionaries.push_back(write_message(out, builder, &body, base));
    }
    std::vector<arrow::Block> batches;
    {
        std::vector<arrow::FieldNode> nodes;
        const Body body = record_body(table, value_bytes, nodes);
        fb::FlatBufferBuilder builder;
        const auto batch =
            arrow::CreateRecordBatch(builder, static_cast<int64_t>(table.rows()), builder.CreateVectorOfStructs(nodes),
                                     builder.CreateVectorOfStructs(body.buffers));
        builder.Finish(message(builder, arrow::MessageHeader_RecordBatch, batch.Union(), body.length));
        batches.push_back(write_message(out, builder, &body, base));
    }
    const uint32_t end_of_stream[2] = {0xFFFFFFFFu, 0};
    out.write(end_of_stream, sizeof end_of_stream);
    if (before_footer) before_footer(metadata);
    // The metadata goes into the footer's copy of the schema, where Arrow's file readers show it; the schema
    // message at the start is written before the checksum is known, and a stream reader needs none of it.
    fb::FlatBufferBuilder builder;
    builder.Finish(arrow::CreateFooter(
        builder, arrow::MetadataVersion_V5, schema_of(builder, table.schema(), value_bytes, field_metadata, metadata),
        builder.CreateVectorOfStructs(dictionaries), builder.CreateVectorOfStructs(batches)));
    out.write(builder.GetBufferPointer(), builder.GetSize());
    const auto footer_size = static_cast<int32_t>(builder.GetSize());
    out.write(&footer_size, sizeof footer_size);
    out.write(kArrowMagic, kArrowMagicSize);
}

void write_events(Output& out, const data::Table& customers, bool ranges, unsigned threads, Metadata& metadata) {
    const data::EventSet* events = customers.events();
    const auto& definitions = customers.schema().events;
    for (size_t i = 0; i < definitions.size(); ++i) {
        const data::EventTable* table = events && i < events->tables.size() ? &events->tables[i] : nullptr;
        if (!table || !table->loaded) {
            metadata.emplace_back(event_key(i), "loaded=0");
            continue;
        }
        out.pad_to(kAlignment);
        const uint64_t file = out.offset();
        write_arrow_file(out, table->table, false, false, ranges, threads, {}, nullptr);
        const uint64_t file_size = out.offset() - file;
        out.pad_to(kAlignment);
        const uint64_t offsets = out.offset();
        out.write(table->offsets.data(), table->offsets.size() * sizeof(uint64_t));
        metadata.emplace_back(
            event_key(i),
            fmt::format("loaded=1 file={}+{} offsets={}+{} orphans={} first_orphan_row={}", file, file_size, offsets,
                        table->offsets.size() * sizeof(uint64_t), table->orphans, table->first_orphan_row));
        metadata.emplace_back(event_key(i) + ".first_orphan_key", table->first_orphan_key);
    }
}

}  // namespace

bool write_snapshot(const data::Table& table, const ByteSink& sink, uint64_t* bytes_written, int format_version,
                    unsigned threads) {
    Output out(sink, format_version);
    Metadata metadata = {{kVersionKey, std::to_string(format_version)},
                         {kCreatedByKey, std::string("segmint ") + SEGMINT_VERSION},
                         {kSchemaKey, join_lines(schema_lines(table.schema()))},
                         {kRowsKey, std::to_string(table.rows())}};
    // Version 1 held every Int column in 64 bits, version 2 every dictionary code in 32, and neither gave ranges in
    // the fields' metadata (tests write them to see them read).
    const bool ranges = format_version >= 3;
    write_arrow_file(out, table, format_version >= 2, format_version >= 3, ranges, threads, std::move(metadata),
                     [&](Metadata& footer) {
                         write_events(out, table, ranges, threads, footer);
                         footer.emplace_back(kChecksumKey, checksum_text(out.finish_checksum(), footer));
                     });
    if (bytes_written) *bytes_written = out.offset();
    return out.ok();
}

bool write_snapshot_file(const data::Table& table, const std::string& path, std::string* error,
                         const std::vector<std::string>& inputs, uint64_t* bytes_written, unsigned threads) {
    return write_file_atomically(
        path,
        [&](std::FILE* file) {
            // Unbuffered: stdio would split the blocks at its own buffer's edges.
            std::setvbuf(file, nullptr, _IONBF, 0);
            DirectFile direct(file);
            return write_snapshot_in_blocks(
                table, [&direct](const void* bytes, size_t size) { return direct.write(bytes, size); }, bytes_written,
                threads);
        },
        error, inputs);
}

bool write_snapshot_in_blocks(const data::Table& table, const ByteSink& file, uint64_t* bytes_written, unsigned threads,
                              size_t block) {
    BlockWriter blocks(file, block);
    const bool written = write_snapshot(
        table, [&blocks](const void* bytes, size_t size) { return blocks.write(bytes, size); }, bytes_written,
        kFormatVersion, threads);
    return blocks.finish() && written;
}

std::string snapshot_bytes(const data::Table& table, int format_version) {
    std::string bytes;
    write_snapshot(
        table,
        [&bytes](const void* data, size_t size) {
            bytes.append(static_cast<const char*>(data), size);
            return true;
        },
        nullptr, format_version);
    return bytes;
}

}  // namespace segmint::snapshot
