// Database sources: opening one, naming its tables, and loading them through the CSV loader.
#include "sources/source.h"

#include <algorithm>
#include <cctype>

#include "common/suggest.h"
#include "sources/reader.h"

namespace segmint::sources {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The 1-based row (header not counted) of the CSV record that starts on physical line `line` of `csv`, counting line
// breaks as the CSV loader does (LF, CRLF or a lone CR; those inside quoted fields too).
uint64_t row_of_line(const std::string& csv, uint64_t line) {
    uint64_t current = 1, records = 0;
    bool quoted = false;
    for (size_t i = 0; i < csv.size() && current < line; ++i) {
        const char c = csv[i];
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (c != '\n' && c != '\r') continue;
        if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++i;
        ++current;
        if (!quoted) ++records;
    }
    return records;  // the header is record 0
}

}  // namespace

bool is_source_url(std::string_view text) {
    return starts_with(text, "sqlite:") || starts_with(text, "postgresql://") || starts_with(text, "postgres://");
}

std::optional<std::pair<size_t, size_t>> url_password(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::nullopt;
    // The user information ends at the last `@`, even past a `/`, `?` or `#`: a password holding one of those (which
    // should have been percent-encoded) must not be printed either. A query's `@` makes this mask more, never less.
    const size_t start = scheme + 3;
    const size_t at = url.rfind('@');
    if (at == std::string_view::npos || at < start) return std::nullopt;
    const size_t colon = url.substr(start, at - start).find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return std::make_pair(start + colon + 1, at - (start + colon + 1));
}

std::string mask_password(std::string_view url) {
    std::string out(url);
    if (const auto password = url_password(url)) out.replace(password->first, password->second, "***");
    // `password=...` as a query parameter (URI) or a keyword (key=value connection strings).
    for (size_t from = 0;;) {
        const size_t found = out.find("password=", from);
        if (found == std::string::npos) break;
        const size_t value = found + 9;
        const size_t stop = out.find_first_of("& ", value);
        out.replace(value, (stop == std::string::npos ? out.size() : stop) - value, "***");
        from = value + 3;
    }
    return out;
}

std::string sqlite_path(std::string_view url) {
    return starts_with(url, "sqlite:") ? std::string(url.substr(7)) : std::string();
}

std::string quote_identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string table_hint(const std::string& table, const std::vector<std::string>& tables) {
    if (tables.empty()) return " (it has no tables)";
    std::string hint = did_you_mean(table, tables);
    return hint.empty() ? "" : "; " + hint;
}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::open(const std::string& url,
                                             std::vector<std::pair<std::string, std::string>> tables,
                                             std::string* error) {
    std::unique_ptr<Connection> connection(new Connection());
    connection->display_ = mask_password(url);
    connection->tables_ = std::move(tables);
    std::string problem;
    if (starts_with(url, "sqlite:")) {
        const std::string path = sqlite_path(url);
        if (path.empty()) {
            *error = "--source `sqlite:`: expected a database file after `sqlite:`, such as `sqlite:data.db`";
            return nullptr;
        }
        connection->reader_ = open_sqlite(path, &problem);
        connection->dialect_ = "sqlite";
    } else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
        connection->reader_ = open_postgres(url, &problem);
        connection->dialect_ = "postgres";
    } else {
        *error = "--source `" + connection->display_ +
                 "`: expected `sqlite:PATH` or a PostgreSQL URL `postgresql://[USER@]HOST[:PORT]/DATABASE`";
        return nullptr;
    }
    if (!connection->reader_) {
        *error = connection->display_ + ": " + problem;
        return nullptr;
    }
    return connection;
}

std::string Connection::table_for(const std::string& name) const {
    for (const auto& [schema_name, table] : tables_) {
        if (schema_name == name) return table;
    }
    return name;
}

std::string Connection::describe(const std::string& table) const { return display_ + " table `" + table + "`"; }

bool Connection::read_csv(const std::string& table, const schema::Schema& schema, std::string* csv,
                          std::string* error) {
    std::string problem;
    csv->clear();
    if (reader_->read_csv(
            table, schema, [&](std::string piece) { csv->append(piece); }, &problem))
        return true;
    *error = display_ + ": " + reader_->scrub(std::move(problem));
    return false;
}

std::string Connection::located(const data::CsvError& error, const std::string& table, const std::string& csv) const {
    std::string message = error.message;
    // A repeated key names the line of the first: as a row too.
    const std::string on_line = " on line ";
    if (const size_t at = message.find(on_line); at != std::string::npos) {
        size_t end = at + on_line.size();
        while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
        const uint64_t line = std::stoull("0" + message.substr(at + on_line.size(), end - at - on_line.size()));
        message.replace(at, end - at, " in row " + std::to_string(row_of_line(csv, line)));
    }
    std::string where = describe(table);
    if (error.line > 0) where += ", row " + std::to_string(row_of_line(csv, error.line));
    return where + ": " + reader_->scrub(std::move(message));
}

std::optional<data::Table> Connection::load_customers(const schema::Schema& schema, const data::CsvOptions& options,
                                                      std::string* error) {
    const std::string table = table_for(schema.table);
    std::string problem, csv;
    if (auto loaded = reader_->load_table(table, schema, options, &problem)) return loaded;
    if (!problem.empty()) {
        *error = display_ + ": " + reader_->scrub(std::move(problem));
        return std::nullopt;
    }
    // Parsed as the rows arrive: the load takes about as long as the database takes to send them.
    data::CsvError csv_error;
    auto loaded = data::load_csv_produced(
        [&](const data::CsvPieces& write) { return reader_->read_csv(table, schema, write, &problem); },
        describe(table), schema, &csv_error, options, &csv);
    if (loaded) return loaded;
    *error = csv_error.message.empty() ? display_ + ": " + reader_->scrub(std::move(problem))
                                       : located(csv_error, table, csv);
    return std::nullopt;
}

std::optional<std::vector<uint64_t>> Connection::run_counts(const schema::Schema& schema, const std::string& counts_sql,
                                                            uint64_t* rows, std::string* error) {
    const std::string table = table_for(schema.table);
    std::string problem;
    std::vector<uint64_t> count, counts;
    bool followed = reader_->check_columns(table, schema, &problem) && reader_->check_for_sql(table, schema, &problem);
    for (const auto& definition : schema.events) {  // the event tables the database has, which rules may read
        if (!followed) break;
        const std::string events = table_for(definition.name);
        const auto found = reader_->has_table(events, &problem);
        followed = found && (!*found ||
                             reader_->check_for_sql(events, schema::event_table_schema(schema, definition), &problem));
    }
    if (!followed || !reader_->query_integers("SELECT count(*) FROM " + reader_->table_sql(table), &count, &problem) ||
        !reader_->query_integers(counts_sql, &counts, &problem)) {
        *error = display_ + ": " + reader_->scrub(std::move(problem));
        return std::nullopt;
    }
    *rows = count.at(0);
    return counts;
}

std::optional<bool> Connection::has_events(const schema::EventTable& definition, std::string* error) {
    std::string problem;
    auto found = reader_->has_table(table_for(definition.name), &problem);
    if (!found) *error = display_ + ": " + reader_->scrub(std::move(problem));
    return found;
}

std::optional<data::EventTable> Connection::load_events(const data::Table& customers,
                                                        const schema::EventTable& definition,
                                                        const data::CsvOptions& options, std::string* error) {
    const std::string table = table_for(definition.name);
    std::string csv;
    if (!read_csv(table, schema::event_table_schema(customers.schema(), definition), &csv, error)) return std::nullopt;
    data::CsvError csv_error;
    auto loaded = data::load_events_csv_text(csv, describe(table), customers, definition, &csv_error, options);
    if (!loaded) *error = located(csv_error, table, csv);
    return loaded;
}

}  // namespace segmint::sources
