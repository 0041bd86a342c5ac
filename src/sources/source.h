#pragma once
// Database sources (docs/sources.md): the customer table and the event tables read from SQLite (`sqlite:PATH`) or
// PostgreSQL (`postgresql://...`) instead of CSV files. Each table is read as CSV text (SQLite: its values written
// as the CSV loader reads them; PostgreSQL: `COPY (SELECT ...) TO STDOUT (FORMAT csv)`) and loaded by the CSV loader
// (data/csv_loader.h), so a table loads exactly as its CSV export would: the same NULLs, facts, checks, key and
// event grouping. Before any row is read, the table's declared column types are checked against the schema's.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/csv_loader.h"
#include "data/events.h"
#include "data/table.h"
#include "schema/schema.h"

namespace segmint::sources {

// Whether `text` names a database source: `sqlite:PATH`, `postgresql://...` or `postgres://...`.
bool is_source_url(std::string_view text);

// `url` with a password in it replaced by `***` (`postgresql://ann:***@host/db`, `?password=***`). Every message
// about a source shows it this way: a password is never printed.
std::string mask_password(std::string_view url);

// The file of a `sqlite:PATH` source, or "" for other sources.
std::string sqlite_path(std::string_view url);

class Reader;

class Connection {
public:
    // Opens `url`; `tables` maps a schema table name (the schema's `table`, an event table's name) to the database's
    // table where they differ. Nullptr with *error set (naming the source, password masked) on failure.
    static std::unique_ptr<Connection> open(const std::string& url,
                                            std::vector<std::pair<std::string, std::string>> tables,
                                            std::string* error);
    ~Connection();

    // The source as messages show it (password masked).
    const std::string& display() const { return display_; }
    // The database table read for schema table `name`.
    std::string table_for(const std::string& name) const;
    // "sqlite:data.db table `customers`": how messages (and warnings about orphan events) name a table.
    std::string describe(const std::string& table) const;

    // The customer table (the schema's `table`, or its mapping in `tables`).
    std::optional<data::Table> load_customers(const schema::Schema& schema, const data::CsvOptions& options,
                                              std::string* error);
    // Whether the source has event table `definition` (false: the run has no data for it, as without a file).
    std::optional<bool> has_events(const schema::EventTable& definition, std::string* error);
    // An event table, grouped by the customers of `customers` (data/events.h).
    std::optional<data::EventTable> load_events(const data::Table& customers, const schema::EventTable& definition,
                                                const data::CsvOptions& options, std::string* error);

    // The dialect of `segmint sql` (sql/sql.h) this database speaks: "sqlite" or "postgres".
    const std::string& dialect() const { return dialect_; }
    // eval --push-down: checks the customer table's columns as load_customers does, then runs `counts_sql` (the
    // catalog as `segmint sql --mode counts` writes it for dialect()) in the database. Fills *rows with the table's
    // row count and returns the counts, in the query's column order.
    std::optional<std::vector<uint64_t>> run_counts(const schema::Schema& schema, const std::string& counts_sql,
                                                    uint64_t* rows, std::string* error);

private:
    Connection() = default;
    // Table `table`'s columns of `schema`, as CSV text; false with *error set.
    bool read_csv(const std::string& table, const schema::Schema& schema, std::string* csv, std::string* error);
    // A CSV loader error in the text read from `table`, as a message naming the source, table and row.
    std::string located(const data::CsvError& error, const std::string& table, const std::string& csv) const;

    std::unique_ptr<Reader> reader_;
    std::string display_;
    std::string dialect_;
    std::vector<std::pair<std::string, std::string>> tables_;
};

}  // namespace segmint::sources
