#pragma once
// The engine's own form of customer data: one typed array per column, a validity bitmap for NULLs, strings, enums and
// list items dictionary-encoded. Loaders (CSV now, databases later) fill a Table; the VM reads it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/bitmap.h"
#include "schema/schema.h"

namespace segmint::data {

// Distinct strings of a column; a value's code is its index in `values`. Add values only through intern() so the
// hash index stays in step (find() and intern() re-index if `values` was edited directly, at O(n) cost).
struct Dictionary {
    std::vector<std::string> values;

    // Code of `value`, adding it when new.
    int32_t intern(std::string_view value);
    std::optional<int32_t> find(std::string_view value) const;
    // Room for `count` values in total without regrowing the strings or the index.
    void reserve(size_t count);
    size_t size() const { return values.size(); }
    const std::string& value(int32_t code) const { return values[static_cast<size_t>(code)]; }
    uint64_t byte_size() const;

private:
    // Open addressing over codes, so the index never points into the strings (which move when `values` grows). Each
    // slot keeps 32 bits of its value's hash, so most probes touch neither `hashes_` nor the strings.
    struct Slot {
        int32_t code = -1;  // -1 = empty
        uint32_t tag = 0;
    };
    void rebuild(bool rehash, size_t room = 0) const;
    void place(int32_t code, uint64_t hash) const;
    mutable std::vector<Slot> slots_;       // size is a power of two, at most half full
    mutable std::vector<uint64_t> hashes_;  // full hash per code, so growing the index never rehashes strings
    mutable size_t indexed_ = 0;            // values[0, indexed_) are in slots_
};

struct Column {
    std::string name;
    schema::ColumnType type = schema::ColumnType::String;
    uint64_t size = 0;

    // Bit set = value present. NULL slots hold a zero value (code 0, empty list) so vector code can run branch-free.
    Bitmap validity;
    std::vector<int64_t> i64;            // Int; Timestamp (micros since epoch, UTC)
    std::vector<double> f64;             // Number
    std::vector<int32_t> i32;            // Date (days since epoch); String and Enum: dictionary code
    std::vector<uint8_t> u8;             // Bool: 0 or 1
    std::vector<uint64_t> list_offsets;  // StringList: size+1 offsets into list_codes (list_offsets[0] = 0)
    std::vector<int32_t> list_codes;     // StringList: dictionary codes of the items
    // String, StringList: values in first-seen order. Enum: exactly the schema's values in declared order (code =
    // enum index).
    Dictionary dictionary;

    bool is_null(uint64_t row) const { return !validity.get(row); }
    // The string of a String or Enum value (undefined for NULL rows: code 0).
    std::string_view string_at(uint64_t row) const { return dictionary.value(i32[row]); }
    // Items of a StringList row: codes [list_begin, list_end) in list_codes.
    uint64_t list_begin(uint64_t row) const { return list_offsets[row]; }
    uint64_t list_end(uint64_t row) const { return list_offsets[row + 1]; }

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
    // Bytes of its arrays and dictionary (for memory reports).
    uint64_t byte_size() const;

private:
    void expect(schema::ColumnType wanted, const char* appender) const;
};

// Columns in schema order: column(i) is schema().columns[i].
class Table {
public:
    explicit Table(schema::Schema schema);

    const schema::Schema& schema() const { return schema_; }
    uint64_t rows() const { return rows_; }
    size_t column_count() const { return columns_.size(); }
    const Column& column(size_t schema_index) const { return columns_[schema_index]; }
    Column& mutable_column(size_t schema_index) { return columns_[schema_index]; }
    const Column* find(std::string_view name) const;

    // After appending to every column: checks they all have the same size (std::logic_error otherwise) and makes it
    // the row count.
    uint64_t finish_rows();
    uint64_t byte_size() const;

private:
    schema::Schema schema_;
    std::vector<Column> columns_;
    uint64_t rows_ = 0;
};

}  // namespace segmint::data
