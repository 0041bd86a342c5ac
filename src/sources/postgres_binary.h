#pragma once
// PostgreSQL's binary COPY format (`COPY ... TO STDOUT (FORMAT binary)`) decoded straight into the columns of a
// table. The server sends its values as they are stored (integers, doubles, day and microsecond counts), which costs
// it less than printing them as text, and decoding them costs less than parsing text: with the server and segmint
// sharing the cores, both halves of the load get faster. Each value is held to what the CSV loader would accept of
// the same value printed as text (docs/sources.md), so a table loads the same either way. Internal to the sources
// stage.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_loader.h"
#include "data/table.h"
#include "schema/schema.h"

namespace segmint::sources {

// How PostgreSQL sends a column's values in binary (the table's type, as check_columns accepted it).
enum class WireType { Int2, Int4, Int8, Float8, Bool, Date, Timestamp, Text, TextArray };

class BinaryCopyDecoder {
public:
    // `types[i]` is how column i of `schema` arrives; the COPY selects the schema's columns in order.
    BinaryCopyDecoder(const schema::Schema& schema, std::vector<WireType> types, const data::CsvOptions& options);

    // Room for `rows` rows (the table's estimated size), so the columns grow once.
    void reserve(uint64_t rows);

    // One message of the stream, as PQgetCopyData returns them: the file header with the first row, a row, or the
    // trailer. False with *error ("row N: column `c`: ...") for a malformed message or a value the schema refuses.
    bool feed(const char* data, size_t size, std::string* error);

    // After the last message: the table, with the key and options.check_rows checked as the CSV loader checks them;
    // nullopt with *error naming the row otherwise.
    std::optional<data::Table> finish(std::string* error);
    // After the last message: the rows as decoded, unchecked (one part of a table read in several ranges).
    std::optional<data::Table> finish_part(std::string* error);
    // The checks of finish() on a whole table (the parts joined); trims spare capacity as options say.
    static bool check_table(data::Table& table, const data::CsvOptions& options, std::string* error);

private:
    bool read_header(const char*& at, const char* end, std::string* error);
    bool read_value(size_t column, const char* value, int32_t length, std::string* error);
    bool fail(size_t column, const std::string& problem, std::string* error) const;

    data::Table table_;
    std::vector<WireType> types_;
    data::CsvOptions options_;
    bool header_seen_ = false;
    bool trailer_seen_ = false;
    uint64_t rows_ = 0;
    std::vector<std::string_view> items_;  // a list's items, reused from row to row
};

}  // namespace segmint::sources
