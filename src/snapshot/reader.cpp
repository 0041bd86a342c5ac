#include "snapshot/reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include "common/parallel.h"
#include "common/text_format.h"
#include "data/events.h"
#include "snapshot/arrow_format_generated.h"
#include "snapshot/checksum.h"
#include "snapshot/format.h"

namespace segmint::snapshot {
namespace {

using schema::ColumnType;

// Why the snapshot cannot be read; caught in read_snapshot and turned into its one-line message.
struct Problem : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& why) { throw Problem(why); }

constexpr const char* kImportAgain = "; import the data again with `segmint import`";

// Bytes of an Arrow file, `offset` counted from the file's start; slices are bounds-checked.
struct Bytes {
    const unsigned char* data = nullptr;
    uint64_t size = 0;
    uint64_t offset = 0;

    uint64_t end() const { return offset + size; }
    Bytes slice(uint64_t begin, uint64_t length, const std::string& what) const {
        if (begin > size || length > size - begin) {
            fail(fmt::format("{} lies outside its file (bytes {} to {} of {}): the snapshot is truncated or corrupt",
                             what, begin, begin + length, size));
        }
        return {data + begin, length, offset + begin};
    }
    template <typename T>
    T load(uint64_t at) const {
        T value;
        std::memcpy(&value, data + at, sizeof value);
        return value;
    }
};

// One Arrow IPC file: the magic at both ends, the footer verified.
struct ArrowFile {
    Bytes bytes;
    const arrow::Footer* footer = nullptr;
    uint64_t footer_start = 0;

    ArrowFile(Bytes file, const std::string& what) : bytes(file) {
        bytes.offset = 0;
        const uint64_t trailer = sizeof(int32_t) + kArrowMagicSize;
        if (file.size < kLeadingMagicSize + trailer || std::memcmp(file.data, kArrowMagic, kArrowMagicSize) != 0 ||
            std::memcmp(file.data + file.size - kArrowMagicSize, kArrowMagic, kArrowMagicSize) != 0) {
            fail(what + " does not end as an Arrow file does (\"ARROW1\"): the snapshot is truncated or corrupt");
        }
        const int32_t footer_size = file.load<int32_t>(file.size - trailer);
        if (footer_size <= 0 || static_cast<uint64_t>(footer_size) > file.size - trailer - kLeadingMagicSize) {
            fail(fmt::format("{}: the footer's size ({}) does not fit the file: the snapshot is truncated or corrupt",
                             what, footer_size));
        }
        footer_start = file.size - trailer - static_cast<uint64_t>(footer_size);
        flatbuffers::Verifier verifier(file.data + footer_start, static_cast<size_t>(footer_size));
        if (!arrow::VerifyFooterBuffer(verifier)) fail(what + ": the footer is corrupt");
        footer = arrow::GetFooter(file.data + footer_start);
        if (footer->version() != arrow::MetadataVersion_V5 || !footer->schema() || !footer->schema()->fields() ||
            !footer->record_batches()) {
            fail(what + ": the footer is not one segmint writes (Arrow metadata V5 with a schema and record batches)");
        }
    }

    // The message at `block`, whose header must be of type `type`, and its body.
    const arrow::Message* message(const arrow::Block* block, arrow::MessageHeader type, Bytes* body) const {
        if (block->offset() < 0 || block->metadata_length() < 8 || block->body_length() < 0) {
            fail("a block of the footer has a negative offset or size: the snapshot is corrupt");
        }
        const Bytes region = bytes.slice(static_cast<uint64_t>(block->offset()),
                                         static_cast<uint64_t>(block->metadata_length()), "a message");
        const uint32_t marker = region.load<uint32_t>(0);
        const int32_t size = region.load<int32_t>(4);
        if (marker != 0xFFFFFFFFu || size <= 0 || static_cast<uint64_t>(size) > region.size - 8) {
            fail("a message does not start as an Arrow message does: the snapshot is corrupt");
        }
        flatbuffers::Verifier verifier(region.data + 8, static_cast<size_t>(size));
        if (!verifier.VerifyBuffer<arrow::Message>(nullptr)) fail("a message's metadata is corrupt");
        const auto* message = flatbuffers::GetRoot<arrow::Message>(region.data + 8);
        if (message->version() != arrow::MetadataVersion_V5 || message->header_type() != type ||
            message->body_length() != block->body_length()) {
            fail("a message is not the one its block announces: the snapshot is corrupt");
        }
        *body = bytes.slice(region.end(), static_cast<uint64_t>(block->body_length()), "a message's body");
        if (body->end() > footer_start) fail("a message's body overlaps the footer: the snapshot is corrupt");
        return message;
    }
};

const char* type_name(arrow::Type type) { return arrow::EnumNameType(type); }

bool is_dictionary_of_strings(const arrow::Field* field, size_t id) {
    const auto* dictionary = field->dictionary();
    return field->type_type() == arrow::Type_LargeUtf8 && dictionary && dictionary->id() == static_cast<int64_t>(id) &&
           dictionary->index_type() && dictionary->index_type()->bit_width() == 32 &&
           dictionary->index_type()->is_signed();
}

// Does the Arrow field hold a column of this type as segmint writes it?
bool field_matches(const arrow::Field* field, const schema::Column& column, size_t index) {
    if (!field->name() || field->name()->string_view() != column.name) return false;
    const bool plain = field->dictionary() == nullptr;
    switch (column.type) {
        case ColumnType::Int: {
            const auto* type = field->type_as_Int();
            return plain && type && type->bit_width() == 64 && type->is_signed();
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
        case ColumnType::Enum: return is_dictionary_of_strings(field, index);
        case ColumnType::StringList:
            return plain && field->type_type() == arrow::Type_LargeList && field->children() &&
                   field->children()->size() == 1 && is_dictionary_of_strings(field->children()->Get(0), index);
    }
    return false;
}

bool has_dictionary(ColumnType type) {
    return type == ColumnType::String || type == ColumnType::Enum || type == ColumnType::StringList;
}

// The buffers of a record batch, in order, each checked against the body it lies in.
class Buffers {
public:
    Buffers(const arrow::RecordBatch* batch, Bytes body) : body_(body) {
        if (!batch->nodes() || !batch->buffers() || batch->compression() || batch->length() < 0) {
            fail("a record batch lacks its nodes or buffers, or is compressed: the snapshot is corrupt");
        }
        nodes_ = batch->nodes();
        buffers_ = batch->buffers();
    }
    // The next node; its length must be `length` (when given).
    const arrow::FieldNode* node(const std::string& what) {
        if (next_node_ >= nodes_->size()) fail(what + ": the record batch has too few nodes: the snapshot is corrupt");
        return nodes_->Get(next_node_++);
    }
    // The next buffer, at least `needed` bytes long.
    Bytes buffer(uint64_t needed, const std::string& what) {
        if (next_buffer_ >= buffers_->size())
            fail(what + ": the record batch has too few buffers: the snapshot is corrupt");
        const arrow::Buffer* buffer = buffers_->Get(next_buffer_++);
        if (buffer->offset() < 0 || buffer->length() < 0 || static_cast<uint64_t>(buffer->length()) < needed) {
            fail(fmt::format("{}: a buffer holds {} bytes where {} are needed: the snapshot is corrupt", what,
                             buffer->length(), needed));
        }
        return body_.slice(static_cast<uint64_t>(buffer->offset()), needed, what);
    }
    void expect_end(const std::string& what) const {
        if (next_node_ != nodes_->size() || next_buffer_ != buffers_->size()) {
            fail(what + ": the record batch has more nodes or buffers than its columns: the snapshot is corrupt");
        }
    }

private:
    Bytes body_;
    const flatbuffers::Vector<const arrow::FieldNode*>* nodes_ = nullptr;
    const flatbuffers::Vector<const arrow::Buffer*>* buffers_ = nullptr;
    uint32_t next_node_ = 0, next_buffer_ = 0;
};

uint64_t checked_count(int64_t value, const std::string& what) {
    if (value < 0) fail(what + ": a negative length: the snapshot is corrupt");
    return static_cast<uint64_t>(value);
}

template <typename T>
void copy_into(std::vector<T>& out, Bytes bytes, uint64_t count) {
    out.resize(count);
    if (count > 0) std::memcpy(out.data(), bytes.data, count * sizeof(T));
}

void read_validity(data::Column& column, Bytes bytes, uint64_t rows, uint64_t nulls, const std::string& what) {
    column.validity = data::Bitmap(rows);
    if (rows > 0) std::memcpy(column.validity.mutable_words(), bytes.data, (rows + 7) / 8);
    column.validity.clear_unused_bits();
    if (rows - column.validity.count() != nulls) {
        fail(fmt::format("{}: the validity bitmap has {} NULLs where the batch says {}: the snapshot is corrupt", what,
                         rows - column.validity.count(), nulls));
    }
}

// Offsets of `count` items into `limit` bytes (or items): from 0, never decreasing, ending at `limit`.
void check_offsets(const uint64_t* offsets, uint64_t count, uint64_t limit, const std::string& what) {
    bool bad = offsets[0] != 0 || offsets[count] != limit;
    for (uint64_t i = 0; i < count; ++i) bad |= offsets[i] > offsets[i + 1];
    if (bad) fail(what + ": its offsets are out of order or out of bounds: the snapshot is corrupt");
}

// Every present value's code names a dictionary value; a NULL row holds 0, as the loaders leave it.
void check_codes(const data::Column& column, const std::vector<int32_t>& codes, const std::string& what) {
    const auto size = static_cast<uint32_t>(column.dictionary.size());
    bool bad = false;
    for (uint64_t row = 0; row < codes.size(); ++row) {
        const auto code = static_cast<uint32_t>(codes[row]);
        bad |= column.validity.get(row) ? code >= size : code != 0;
    }
    if (bad) fail(what + ": a dictionary code out of range: the snapshot is corrupt");
}

template <typename T>
void check_null_slots_zero(const data::Column& column, const std::vector<T>& values, const std::string& what) {
    bool bad = false;
    for (uint64_t row = 0; row < values.size(); ++row) {
        T zero{};
        bad |= !column.validity.get(row) && std::memcmp(&values[row], &zero, sizeof(T)) != 0;
    }
    if (bad) fail(what + ": a NULL row holds a value: the snapshot is corrupt");
}

void read_dictionary(const ArrowFile& file, const arrow::Block* block, const schema::Column& definition, size_t index,
                     data::Column& column) {
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
    std::vector<uint64_t> offsets;
    copy_into(offsets, offsets_bytes, count + 1);
    const Bytes strings = buffers.buffer(offsets[count], what);
    buffers.expect_end(what);
    check_offsets(offsets.data(), count, strings.size, what);
    column.dictionary.values.assign({reinterpret_cast<const char*>(strings.data), strings.size}, offsets.data(),
                                    static_cast<size_t>(count));
    if (definition.type == ColumnType::Enum && column.dictionary.values != definition.enum_values) {
        fail(what + " is not the schema's enum values: the snapshot is corrupt");
    }
}

void read_column(Buffers& buffers, uint64_t rows, const schema::Column& definition, data::Column& column) {
    const std::string what = "column `" + escape_controls(definition.name) + "`";
    const arrow::FieldNode* node = buffers.node(what);
    if (static_cast<uint64_t>(node->length()) != rows) fail(what + ": its length is not the table's");
    read_validity(column, buffers.buffer((rows + 7) / 8, what), rows, checked_count(node->null_count(), what), what);
    switch (definition.type) {
        case ColumnType::Int:
        case ColumnType::Timestamp:
            copy_into(column.i64, buffers.buffer(rows * sizeof(int64_t), what), rows);
            check_null_slots_zero(column, column.i64, what);
            break;
        case ColumnType::Number:
            copy_into(column.f64, buffers.buffer(rows * sizeof(double), what), rows);
            check_null_slots_zero(column, column.f64, what);
            break;
        case ColumnType::Date:
            copy_into(column.i32, buffers.buffer(rows * sizeof(int32_t), what), rows);
            check_null_slots_zero(column, column.i32, what);
            break;
        case ColumnType::String:
        case ColumnType::Enum:
            copy_into(column.i32, buffers.buffer(rows * sizeof(int32_t), what), rows);
            check_codes(column, column.i32, what);
            break;
        case ColumnType::Bool: {
            const Bytes bits = buffers.buffer((rows + 7) / 8, what);
            column.u8.resize(rows);
            for (uint64_t row = 0; row < rows; ++row) column.u8[row] = (bits.data[row / 8] >> (row % 8)) & 1;
            check_null_slots_zero(column, column.u8, what);
            break;
        }
        case ColumnType::StringList: {
            copy_into(column.list_offsets, buffers.buffer((rows + 1) * sizeof(uint64_t), what), rows + 1);
            const arrow::FieldNode* items = buffers.node(what);
            const uint64_t count = checked_count(items->length(), what);
            if (items->null_count() != 0) fail(what + ": a list item is NULL: the snapshot is corrupt");
            buffers.buffer(0, what);
            copy_into(column.list_codes, buffers.buffer(count * sizeof(int32_t), what), count);
            check_offsets(column.list_offsets.data(), rows, count, what);
            bool bad = false;
            for (uint64_t row = 0; row < rows; ++row) {
                bad |= !column.validity.get(row) && column.list_offsets[row] != column.list_offsets[row + 1];
            }
            if (bad) fail(what + ": a NULL row holds list items: the snapshot is corrupt");
            const auto size = static_cast<uint32_t>(column.dictionary.size());
            for (int32_t code : column.list_codes) bad |= static_cast<uint32_t>(code) >= size;
            if (bad) fail(what + ": a dictionary code out of range: the snapshot is corrupt");
            break;
        }
    }
    column.size = rows;
}

// The table of one Arrow file whose columns are `schema`'s.
data::Table read_table(const ArrowFile& file, const schema::Schema& schema, unsigned threads) {
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
    // Every column's buffers are found first (in order), then the columns are read and checked in parallel.
    std::vector<std::string> problems(schema.columns.size());
    parallel_for(dictionary_columns.size(), threads, [&](uint64_t k, unsigned) {
        const size_t i = dictionary_columns[k];
        try {
            read_dictionary(file, dictionaries->Get(static_cast<uint32_t>(k)), schema.columns[i], i,
                            table.mutable_column(i));
        } catch (const Problem& problem) {
            problems[i] = problem.what();
        }
    });
    for (const auto& problem : problems) {
        if (!problem.empty()) fail(problem);
    }
    Buffers buffers(batch, body);
    for (size_t i = 0; i < schema.columns.size(); ++i)
        read_column(buffers, rows, schema.columns[i], table.mutable_column(i));
    buffers.expect_end("the record batch");
    table.finish_rows();
    return table;
}

// The footer's metadata in order; a key twice is corruption (which of the two would count?).
Metadata metadata_of(const arrow::Footer* footer) {
    Metadata metadata;
    if (!footer->custom_metadata()) return metadata;
    for (const auto* pair : *footer->custom_metadata()) {
        if (!pair->key() || !pair->value())
            fail("the footer's metadata has a key without a value: the snapshot is corrupt");
        metadata.emplace_back(pair->key()->str(), pair->value()->str());
    }
    std::vector<std::string> keys;
    for (const auto& pair : metadata) keys.push_back(pair.first);
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
        fail("the footer's metadata has a key twice: the snapshot is corrupt");
    }
    return metadata;
}

// The value of `key`, or nullptr.
const std::string* find_value(const Metadata& metadata, const std::string& key) {
    for (const auto& [name, value] : metadata) {
        if (name == key) return &value;
    }
    return nullptr;
}

std::string value_of(const Metadata& metadata, const std::string& key) {
    const std::string* value = find_value(metadata, key);
    return value ? *value : "";
}

// "a=1 b=2+3": the numbers of an event table's entry.
std::map<std::string, std::pair<uint64_t, uint64_t>> parse_entry(const std::string& text, const std::string& what) {
    std::map<std::string, std::pair<uint64_t, uint64_t>> fields;
    size_t at = 0;
    while (at < text.size()) {
        const size_t end = std::min(text.find(' ', at), text.size());
        const std::string item = text.substr(at, end - at);
        const size_t equals = item.find('=');
        const size_t plus = item.find('+');
        try {
            if (equals == std::string::npos) throw std::invalid_argument(item);
            const std::string first =
                item.substr(equals + 1, plus == std::string::npos ? std::string::npos : plus - equals - 1);
            size_t used = 0;
            const uint64_t a = std::stoull(first, &used);
            if (used != first.size() || first.empty() || first[0] == '-') throw std::invalid_argument(item);
            uint64_t b = 0;
            if (plus != std::string::npos) {
                const std::string second = item.substr(plus + 1);
                b = std::stoull(second, &used);
                if (used != second.size() || second.empty() || second[0] == '-') throw std::invalid_argument(item);
            }
            fields[item.substr(0, equals)] = {a, b};
        } catch (const std::exception&) {
            fail(what + ": its entry in the footer is malformed: the snapshot is corrupt");
        }
        at = end + 1;
    }
    return fields;
}

data::EventTable read_events(const ArrowFile& file, const data::Table& customers, size_t index,
                             const Metadata& metadata, unsigned threads) {
    const schema::EventTable& definition = customers.schema().events[index];
    const std::string what = "event table `" + escape_controls(definition.name) + "`";
    const std::string* entry = find_value(metadata, event_key(index));
    if (!entry) fail(what + " has no entry in the footer: the snapshot is corrupt");
    auto fields = parse_entry(*entry, what);
    if (fields["loaded"].first == 0) return data::no_events(customers, definition);
    const auto [file_at, file_size] = fields["file"];
    const auto [offsets_at, offsets_size] = fields["offsets"];
    const Bytes inner = file.bytes.slice(file_at, file_size, what);
    const Bytes offsets = file.bytes.slice(offsets_at, offsets_size, what + "'s offsets");
    if (inner.end() > file.footer_start || offsets.end() > file.footer_start) {
        fail(what + " overlaps the footer: the snapshot is corrupt");
    }
    const ArrowFile events(inner, what);
    data::EventTable table{read_table(events, schema::event_table_schema(customers.schema(), definition), threads)};
    if (offsets.size != (customers.rows() + 1) * sizeof(uint64_t)) {
        fail(what + ": its offsets are not one per customer: the snapshot is corrupt");
    }
    copy_into(table.offsets, offsets, customers.rows() + 1);
    check_offsets(table.offsets.data(), customers.rows(), table.table.rows(), what);
    table.orphans = fields["orphans"].first;
    table.first_orphan_row = fields["first_orphan_row"].first;
    table.first_orphan_key = value_of(metadata, event_key(index) + ".first_orphan_key");
    return table;
}

// The first line where the snapshot's schema and the project's differ, as a message.
void check_schema(const std::string& stored, const schema::Schema& schema) {
    const std::vector<std::string> expected = schema_lines(schema);
    std::vector<std::string> found;
    for (size_t at = 0; at < stored.size();) {
        const size_t end = std::min(stored.find('\n', at), stored.size());
        found.push_back(stored.substr(at, end - at));
        at = end + 1;
    }
    for (size_t i = 0; i < std::max(expected.size(), found.size()); ++i) {
        const std::string a = i < found.size() ? found[i] : "(nothing)";
        const std::string b = i < expected.size() ? expected[i] : "(nothing)";
        if (a != b) {
            fail(fmt::format("the snapshot was imported under another schema: it has `{}` where the schema has `{}`{}",
                             escape_controls(a), escape_controls(b), kImportAgain));
        }
    }
}

data::Table read(std::string_view text, const schema::Schema& schema, const ReadOptions& options) {
    const Bytes bytes{reinterpret_cast<const unsigned char*>(text.data()), text.size(), 0};
    if (!is_snapshot(text)) fail("not a snapshot (an Arrow file starts with \"ARROW1\")");
    const ArrowFile file(bytes, "the file");
    const Metadata metadata = metadata_of(file.footer);
    const std::string* version = find_value(metadata, kVersionKey);
    if (!version) {
        fail(
            "an Arrow file, but not a segmint snapshot (its footer has no `segmint.snapshot_version`); make one with "
            "`segmint import`");
    }
    if (*version != std::to_string(kFormatVersion)) {
        fail(fmt::format("a snapshot of format version {}, and this segmint reads version {}{}",
                         escape_controls(*version), kFormatVersion, kImportAgain));
    }
    check_schema(value_of(metadata, kSchemaKey), schema);
    if (options.verify_checksum) {
        const uint64_t sum = checksum(bytes.data, file.footer_start, options.threads);
        if (value_of(metadata, kChecksumKey) != checksum_text(sum, metadata)) {
            fail("the checksum does not match: the snapshot is corrupt (changed or cut short after it was written)" +
                 std::string(kImportAgain));
        }
    }
    data::Table table = read_table(file, schema, options.threads);
    if (value_of(metadata, kRowsKey) != std::to_string(table.rows())) {
        fail("the row count in the footer is not the record batch's: the snapshot is corrupt");
    }
    if (!schema.events.empty()) {
        auto events = std::make_shared<data::EventSet>();
        for (size_t i = 0; i < schema.events.size(); ++i) {
            events->tables.push_back(read_events(file, table, i, metadata, options.threads));
        }
        table.set_events(std::move(events));
    }
    return table;
}

}  // namespace

bool is_snapshot(std::string_view bytes) {
    return bytes.size() >= kLeadingMagicSize && bytes.compare(0, kArrowMagicSize, kArrowMagic) == 0;
}

bool is_snapshot_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char head[kLeadingMagicSize] = {};
    const ssize_t got = ::read(fd, head, sizeof head);
    ::close(fd);
    return got == static_cast<ssize_t>(sizeof head) && is_snapshot({head, sizeof head});
}

std::optional<data::Table> read_snapshot(std::string_view bytes, const std::string& name, const schema::Schema& schema,
                                         std::string* error, const ReadOptions& options) {
    try {
        return read(bytes, schema, options);
    } catch (const Problem& problem) {
        *error = escape_controls(name) + ": " + problem.what();
    } catch (const std::bad_alloc&) {
        *error = escape_controls(name) + ": out of memory reading the snapshot";
    }
    return std::nullopt;
}

std::optional<data::Table> read_snapshot_file(const std::string& path, const schema::Schema& schema, std::string* error,
                                              const ReadOptions& options) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) {
        *error = fmt::format("{}: cannot open: {}", escape_controls(path), std::strerror(errno));
        if (fd >= 0) ::close(fd);
        return std::nullopt;
    }
    const auto size = static_cast<size_t>(info.st_size);
    void* mapped = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
    ::close(fd);
    if (size > 0 && mapped == MAP_FAILED) {
        *error = fmt::format("{}: cannot map into memory: {}", escape_controls(path), std::strerror(errno));
        return std::nullopt;
    }
    if (size > 0) ::madvise(mapped, size, MADV_WILLNEED);
    auto table = read_snapshot({static_cast<const char*>(mapped), size}, path, schema, error, options);
    if (size > 0) ::munmap(mapped, size);
    return table;
}

}  // namespace segmint::snapshot
