#pragma once
// What each kind of database source implements (sqlite_reader.cpp, postgres_reader.cpp). Internal to the sources
// stage (sources/source.h is the interface).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/csv_loader.h"
#include "schema/schema.h"

namespace segmint::sources {

using data::CsvPieces;

// Collects CSV text and hands it to `write` in pieces of about a megabyte, each ending at a record's end.
class PieceBuffer {
public:
    explicit PieceBuffer(const CsvPieces& write) : write_(write) { text_.reserve(kReserve); }
    std::string& text() { return text_; }
    // Called after each record: passes the text on once it is big enough.
    void record_done() {
        if (text_.size() >= (size_t{1} << 20)) flush();  // a megabyte
    }
    void flush() {
        if (!text_.empty()) write_(std::move(text_));
        text_ = std::string();
        text_.reserve(kReserve);
    }

private:
    static constexpr size_t kReserve = (size_t{1} << 20) + (size_t{1} << 16);
    const CsvPieces& write_;
    std::string text_;
};

class Reader {
public:
    virtual ~Reader() = default;
    // Whether the database has table (or view) `table`.
    virtual std::optional<bool> has_table(const std::string& table, std::string* error) = 0;
    // Whether `table` exists and has each column of `schema` with a type that stores the schema's (the message names
    // the column, the table's type and the schema's). read_csv checks this first.
    virtual bool check_columns(const std::string& table, const schema::Schema& schema, std::string* error) = 0;
    // `table` as the FROM clause of a query names it.
    virtual std::string table_sql(const std::string& table) const = 0;
    // Runs `sql`, which returns one row of integers (a count, the counts of `segmint sql --mode counts`).
    virtual bool query_integers(const std::string& sql, std::vector<uint64_t>* values, std::string* error) = 0;
    // The columns of `schema` from `table` as CSV text, handed to `write` in pieces of whole records as the rows
    // arrive: a header with their names, then one record per row, NULL as an empty unquoted field. Checks first that
    // the table exists and has each column with a type that stores the schema's (the message names the column, the
    // table's type and the schema's). Messages start with the table.
    virtual bool read_csv(const std::string& table, const schema::Schema& schema, const CsvPieces& write,
                          std::string* error) = 0;
    // The columns of `schema` from `table` loaded straight into a table, with every check the CSV loader makes, for
    // readers that have a faster way than CSV text (PostgreSQL's binary COPY). nullopt with *error empty when the
    // reader has none (read_csv is used then); with *error set ("table `t`, row N: ...") when the load failed.
    virtual std::optional<data::Table> load_table(const std::string& table, const schema::Schema& schema,
                                                  const data::CsvOptions& options, std::string* error) {
        (void)table, (void)schema, (void)options, (void)error;
        return std::nullopt;
    }
    // Whether the values of `schema`'s columns in `table` follow the storage contract that `segmint sql`'s queries
    // read (docs/sql.md), which --push-down needs beyond what loading accepts.
    virtual bool check_for_sql(const std::string& table, const schema::Schema& schema, std::string* error) {
        (void)table, (void)schema, (void)error;
        return true;
    }
    // Replaces secrets (a password) in a message from the database.
    virtual std::string scrub(std::string message) const { return message; }
};

// `path` opened read-only; nullptr with *error set.
std::unique_ptr<Reader> open_sqlite(const std::string& path, std::string* error);
// `url` (a libpq connection URI) connected, the session set up for the CSV loader; nullptr with *error set (no
// password in it).
std::unique_ptr<Reader> open_postgres(const std::string& url, std::string* error);

// Where the password of URL `scheme://user:password@host...` is (offset, length); nullopt when it has none.
std::optional<std::pair<size_t, size_t>> url_password(std::string_view url);

// `name` double-quoted as an SQL identifier.
std::string quote_identifier(const std::string& name);
// Names of the database's tables, for "did you mean".
std::string table_hint(const std::string& table, const std::vector<std::string>& tables);

}  // namespace segmint::sources
