// PostgreSQL sources (`postgresql://...`): libpq connects, the session is set so that values print in the forms the
// CSV loader reads (ISO dates, timestamps in UTC, doubles with every digit, UTF-8), the declared column types are
// checked against the schema, and `COPY (SELECT ...) TO STDOUT (FORMAT binary)` streams the customers' rows into
// columns (postgres_binary.h); event tables come as CSV (`FORMAT csv, HEADER`) through the CSV loader.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <thread>

#include "common/parallel.h"
#include "data/concatenate.h"
#include "sources/libpq.h"
#include "sources/postgres_binary.h"
#include "sources/reader.h"
#include "sources/source.h"

namespace segmint::sources {

namespace {

using schema::ColumnType;

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Whether a column of PostgreSQL type `type` (format_type's spelling; `kind` is pg_type.typtype, `e` for an enum
// type) stores the schema's `type` as the storage contract says (docs/sql.md). Integer types narrower than BIGINT
// and VARCHAR hold a subset of the contract's values and are accepted too.
bool stores(const std::string& type, char kind, ColumnType schema_type) {
    switch (schema_type) {
        case ColumnType::Int: return type == "bigint" || type == "integer" || type == "smallint";
        case ColumnType::Number: return type == "double precision";
        case ColumnType::Bool: return type == "boolean";
        case ColumnType::Date: return type == "date";
        case ColumnType::Timestamp: return starts_with(type, "timestamp");
        case ColumnType::Enum:
            if (kind == 'e') return true;  // a PostgreSQL enum: its labels are the values
            [[fallthrough]];
        case ColumnType::String: return type == "text" || starts_with(type, "character varying");
        case ColumnType::StringList:
            return type == "text[]" || (starts_with(type, "character varying") && type.size() > 2 &&
                                        type.compare(type.size() - 2, 2, "[]") == 0);
    }
    return false;
}

// How a column of PostgreSQL type `type` (one `stores` accepted for `schema_type`) arrives in binary COPY.
WireType wire_type(const std::string& type, ColumnType schema_type) {
    switch (schema_type) {
        case ColumnType::Int:
            return type == "bigint" ? WireType::Int8 : type == "integer" ? WireType::Int4 : WireType::Int2;
        case ColumnType::Number: return WireType::Float8;
        case ColumnType::Bool: return WireType::Bool;
        case ColumnType::Date: return WireType::Date;
        case ColumnType::Timestamp: return WireType::Timestamp;
        case ColumnType::StringList: return WireType::TextArray;
        default: return WireType::Text;  // text, varchar, and an enum's labels
    }
}

const char* contract_type(ColumnType type) {
    switch (type) {
        case ColumnType::Int: return "BIGINT";
        case ColumnType::Number: return "DOUBLE PRECISION";
        case ColumnType::Bool: return "BOOLEAN";
        case ColumnType::Date: return "DATE";
        case ColumnType::Timestamp: return "TIMESTAMPTZ";
        case ColumnType::StringList: return "TEXT[]";
        default: return "TEXT";
    }
}

// A libpq message on one line: line breaks and tabs as single spaces, none at the end.
std::string trimmed(const char* message) {
    std::string out;
    for (const char* c = message ? message : ""; *c; ++c) {
        const bool blank = *c == '\n' || *c == '\t' || *c == ' ';
        if (!blank) {
            out += *c;
        } else if (!out.empty() && out.back() != ' ') {
            out += ' ';
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// What the server said about a failed query: its primary message ("permission denied for table t").
std::string result_message(const PGresult* result) {
    const char* primary = libpq().PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return trimmed(primary && *primary ? primary : libpq().PQresultErrorMessage(result));
}

// Every `from` in `text` replaced by `to` (left to right; `to` is not searched again).
void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); !from.empty() && at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// `shop.customers` is table `customers` of schema `shop`, as `segmint sql --table` reads it.
std::string qualified(const std::string& table) {
    const size_t dot = table.find('.');
    if (dot == std::string::npos) return quote_identifier(table);
    return quote_identifier(table.substr(0, dot)) + "." + quote_identifier(table.substr(dot + 1));
}

// A connection to `url` with the session set up for the loaders: values print in the forms the CSV loader reads
// (whatever PGTZ or PGDATESTYLE say), and a scan starts at the table's first block (a big table's scan may otherwise
// join one already running, mid-table, as pg_dump also turns off). nullptr with *problem (not yet scrubbed of the
// password) on failure.
PGconn* connect_session(const std::string& url, std::string* problem) {
    PGconn* connection = libpq().PQconnectdb(url.c_str());
    if (!connection || libpq().PQstatus(connection) != CONNECTION_OK) {
        *problem = "cannot connect: " + trimmed(connection ? libpq().PQerrorMessage(connection) : "out of memory");
        libpq().PQfinish(connection);
        return nullptr;
    }
    PGresult* result = libpq().PQexec(connection,
                                      "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; "
                                      "SET client_encoding = 'UTF8'; SET synchronize_seqscans = off");
    const bool set = libpq().PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!set) *problem = "cannot set up the session: " + result_message(result);
    libpq().PQclear(result);
    if (!set) {
        libpq().PQfinish(connection);
        return nullptr;
    }
    return connection;
}

// Runs a statement that returns no rows (or ignores them); false when it fails.
bool run(PGconn* connection, const std::string& sql) {
    PGresult* result = libpq().PQexec(connection, sql.c_str());
    const bool ok =
        libpq().PQresultStatus(result) == PGRES_COMMAND_OK || libpq().PQresultStatus(result) == PGRES_TUPLES_OK;
    libpq().PQclear(result);
    return ok;
}

// A table is read in block ranges, each on a connection and a thread of its own (as DuckDB's PostgreSQL scanner reads
// one), when it has at least CsvOptions::min_bytes_per_thread per range: the server's backends share the work of
// sending the rows, which otherwise bounds the load. Ranges need TID range scans (PostgreSQL 14) and a plain table.
constexpr int kFirstVersionWithTidRanges = 140000;
constexpr int64_t kMaxRanges = 8;  // connections at once, whatever the core count

class PostgresReader final : public Reader {
public:
    PostgresReader(PGconn* connection, std::string url, std::vector<std::string> secrets)
        : connection_(connection), url_(std::move(url)), secrets_(std::move(secrets)) {}
    ~PostgresReader() override { libpq().PQfinish(connection_); }

    std::string scrub(std::string message) const override {
        for (const std::string& secret : secrets_) replace_all(message, secret, "***");
        return message;
    }

    std::optional<bool> has_table(const std::string& table, std::string* error) override {
        PGresult* result = query("SELECT to_regclass($1) IS NOT NULL", {qualified(table)}, error);
        if (!result) return std::nullopt;
        const bool found = std::string(libpq().PQgetvalue(result, 0, 0)) == "t";
        libpq().PQclear(result);
        return found;
    }

    bool check_columns(const std::string& table, const schema::Schema& schema, std::string* error) override {
        return checked_columns(table, schema, nullptr, error);
    }

    // Binary COPY, decoded as the rows arrive (postgres_binary.h); a big table in block ranges on several threads.
    std::optional<data::Table> load_table(const std::string& table, const schema::Schema& schema,
                                          const data::CsvOptions& options, std::string* error) override {
        std::vector<WireType> wire;
        if (!checked_columns(table, schema, &wire, error)) return std::nullopt;
        PGresult* facts = query(
            "SELECT c.relkind = 'r' AND NOT c.relhassubclass, pg_relation_size(c.oid), "
            "current_setting('block_size')::bigint, greatest(c.reltuples, 0)::bigint, "
            "current_setting('server_version_num')::int, current_setting('integer_datetimes') "
            "FROM pg_catalog.pg_class c WHERE c.oid = to_regclass($1)",
            {qualified(table)}, error);
        if (!facts) return std::nullopt;
        // A plain table without inheritance children (whose blocks a range of the parent's does not cover).
        const bool plain = libpq().PQntuples(facts) == 1 && libpq().PQgetvalue(facts, 0, 0)[0] == 't';
        const int64_t bytes = plain ? std::atoll(libpq().PQgetvalue(facts, 0, 1)) : 0;
        const int64_t blocks = plain ? bytes / std::max(1LL, std::atoll(libpq().PQgetvalue(facts, 0, 2))) : 0;
        // The planner's estimate of the row count (0 before the first ANALYZE): the columns grow once.
        // A stale estimate (after a mass DELETE) is capped by what the table's bytes can hold (24-byte row headers).
        int64_t rows =
            libpq().PQntuples(facts) == 1 ? std::min(std::atoll(libpq().PQgetvalue(facts, 0, 3)), 1LL << 40) : 0;
        if (plain) rows = std::min<int64_t>(rows, bytes / 24);
        const int version = libpq().PQntuples(facts) == 1 ? std::atoi(libpq().PQgetvalue(facts, 0, 4)) : 0;
        // Servers before PostgreSQL 10 could be built with floating-point timestamps: those send text (CSV) instead.
        const bool integer_times =
            libpq().PQntuples(facts) == 1 && std::string(libpq().PQgetvalue(facts, 0, 5)) == "on";
        libpq().PQclear(facts);
        if (!integer_times) return std::nullopt;
        const unsigned threads = threads_or_cores(options.threads);
        const int64_t per_range = static_cast<int64_t>(std::max<uint64_t>(1, options.min_bytes_per_thread));
        const int64_t ranges =
            version >= kFirstVersionWithTidRanges
                ? std::min<int64_t>({threads, kMaxRanges, std::max<int64_t>(1, bytes / per_range), blocks})
                : 1;
        if (ranges > 1) {
            // A value refused in one range is reported by the load in one range below, which counts the rows as one
            // scan does; so is any failure to set the ranges up (a server that cannot export snapshots). A check of
            // the joined table (the key, `checks:`) counts its rows as one scan already.
            std::string problem;
            if (auto loaded = load_in_ranges(table, schema, wire, options, ranges, blocks, rows, &problem)) {
                return loaded;
            }
            if (!problem.empty()) {
                *error = "table `" + table + "`, " + problem;
                return std::nullopt;
            }
        }
        BinaryCopyDecoder decoder(schema, std::move(wire), options);
        if (rows > 0) decoder.reserve(static_cast<uint64_t>(rows + rows / 64));
        std::string problem;
        if (!copy_into(connection_, table, schema, "", decoder, &problem, error)) return std::nullopt;
        std::optional<data::Table> loaded;
        if (problem.empty()) loaded = decoder.finish(&problem);
        if (!loaded) *error = "table `" + table + "`, " + problem;
        return loaded;
    }

private:
    // check_columns, and how each column's values arrive in binary (when `wire` is set).
    bool checked_columns(const std::string& table, const schema::Schema& schema, std::vector<WireType>* wire,
                         std::string* error) {
        auto found = has_table(table, error);
        if (!found) return false;
        if (!*found) {
            std::vector<std::string> tables;
            PGresult* result = query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ANY(current_schemas(false)) "
                "ORDER BY 1",
                {}, error);
            if (!result) return false;
            for (int i = 0; i < libpq().PQntuples(result); ++i) tables.emplace_back(libpq().PQgetvalue(result, i, 0));
            libpq().PQclear(result);
            *error = "no table `" + table + "`" + table_hint(table, tables);
            return false;
        }
        PGresult* result = query(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typtype FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum",
            {qualified(table)}, error);
        if (!result) return false;
        std::vector<std::string> names;
        for (int i = 0; i < libpq().PQntuples(result); ++i) names.emplace_back(libpq().PQgetvalue(result, i, 0));
        bool ok = true;
        for (size_t c = 0; c < schema.columns.size() && ok; ++c) {
            const schema::Column& column = schema.columns[c];
            const auto at = std::find(names.begin(), names.end(), column.name);
            if (at == names.end()) {
                std::string hint = table_hint(column.name, names);
                *error = "table `" + table + "` has no column `" + column.name + "` (the schema's " +
                         schema::column_type_name(column.type) + " column)" +
                         (hint == " (it has no tables)" ? "" : hint);
                ok = false;
                break;
            }
            const int row = static_cast<int>(at - names.begin());
            const std::string type = libpq().PQgetvalue(result, row, 1);
            if (!stores(type, libpq().PQgetvalue(result, row, 2)[0], column.type)) {
                *error = "table `" + table + "`: column `" + column.name + "` is `" + type +
                         "`, but the schema's type `" + schema::column_type_name(column.type) + "` is stored as " +
                         contract_type(column.type) + " (docs/sql.md, \"Storage contract\")";
                ok = false;
                break;
            }
            if (wire) wire->push_back(wire_type(type, column.type));
        }
        libpq().PQclear(result);
        return ok;
    }

    // `COPY (SELECT the schema's columns FROM table [where]) TO STDOUT` in `format` started on `connection`; messages
    // start with the table.
    bool start_copy(PGconn* connection, const std::string& table, const schema::Schema& schema, const char* format,
                    const std::string& where, std::string* error) {
        std::string select = "COPY (SELECT ";
        for (size_t c = 0; c < schema.columns.size(); ++c) {
            select += (c > 0 ? ", " : "") + quote_identifier(schema.columns[c].name);
        }
        select += " FROM " + qualified(table) + where + ") TO STDOUT WITH (FORMAT " + format + ")";
        PGresult* result = libpq().PQexec(connection, select.c_str());
        const bool started = libpq().PQresultStatus(result) == PGRES_COPY_OUT;
        if (!started) *error = "table `" + table + "`: " + result_message(result);
        libpq().PQclear(result);
        return started;
    }

    // After the last row of a COPY on `connection`: whether the server finished it without an error.
    bool end_copy(PGconn* connection, const std::string& table, std::string* error) {
        PGresult* result = libpq().PQgetResult(connection);
        const bool done = libpq().PQresultStatus(result) == PGRES_COMMAND_OK;
        if (!done) *error = "table `" + table + "`: " + result_message(result);
        libpq().PQclear(result);
        while ((result = libpq().PQgetResult(connection)) != nullptr) libpq().PQclear(result);
        return done;
    }

    // The rows of `table` [where] in binary COPY on `connection`, fed to `decoder` as they arrive (after a refused
    // value, the rest is drained: the connection stays usable). False with *error when the query fails; true with
    // *refused set when the decoder refused a value.
    bool copy_into(PGconn* connection, const std::string& table, const schema::Schema& schema, const std::string& where,
                   BinaryCopyDecoder& decoder, std::string* refused, std::string* error) {
        if (!start_copy(connection, table, schema, "binary", where, error)) return false;
        for (;;) {  // a row per call
            char* buffer = nullptr;
            const int n = libpq().PQgetCopyData(connection, &buffer, 0);
            if (n < 0) break;
            try {
                if (refused->empty()) decoder.feed(buffer, static_cast<size_t>(n), refused);
            } catch (const std::bad_alloc&) {  // the stream is still drained, so the connection stays usable
                *refused = "out of memory while decoding the rows";
            }
            libpq().PQfreemem(buffer);
        }
        return end_copy(connection, table, error);
    }

    // `ranges` block ranges of `table` read at once, in one snapshot, and joined in block order (the order of a plain
    // scan). nullopt with *checked set when the joined table fails BinaryCopyDecoder::check_table; nullopt with it
    // empty when a range fails for any reason (the caller loads it in one range then).
    std::optional<data::Table> load_in_ranges(const std::string& table, const schema::Schema& schema,
                                              const std::vector<WireType>& wire, const data::CsvOptions& options,
                                              int64_t ranges, int64_t blocks, int64_t rows, std::string* checked) {
        std::vector<PGconn*> connections = {connection_};
        std::string ignored;
        bool ready = run(connection_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        PGresult* exported = ready ? libpq().PQexec(connection_, "SELECT pg_export_snapshot()") : nullptr;
        ready = ready && libpq().PQresultStatus(exported) == PGRES_TUPLES_OK;
        const std::string snapshot = ready ? libpq().PQgetvalue(exported, 0, 0) : "";
        libpq().PQclear(exported);
        for (int64_t i = 1; ready && i < ranges; ++i) {
            PGconn* other = connect_session(url_, &ignored);
            if (other) connections.push_back(other);
            ready = other && run(other, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") &&
                    run(other, "SET TRANSACTION SNAPSHOT '" + snapshot + "'");
        }
        std::vector<std::optional<data::Table>> parts(connections.size());
        if (ready) {
            std::vector<std::thread> workers;
            auto read_part = [&](size_t i) {
                const int64_t from = blocks * static_cast<int64_t>(i) / ranges;
                const int64_t to = blocks * static_cast<int64_t>(i + 1) / ranges;
                std::string where;  // the first range from the table's start, the last to its end, whatever its size
                if (i > 0) where += " WHERE ctid >= '(" + std::to_string(from) + ",0)'::tid";
                if (i + 1 < connections.size()) {
                    where += std::string(i > 0 ? " AND" : " WHERE") + " ctid < '(" + std::to_string(to) + ",0)'::tid";
                }
                BinaryCopyDecoder decoder(schema, wire, options);
                if (rows > 0) decoder.reserve(static_cast<uint64_t>((rows + rows / 64) / ranges));
                std::string refused, failed;
                if (copy_into(connections[i], table, schema, where, decoder, &refused, &failed) && refused.empty()) {
                    parts[i] = decoder.finish_part(&refused);
                }
            };
            // A range that throws (out of memory) stays empty: the table is read in one range then.
            auto read_range = [&](size_t i) noexcept {
                try {
                    read_part(i);
                } catch (...) {
                    parts[i].reset();
                }
            };
            try {
                for (size_t i = 1; i < connections.size(); ++i) workers.emplace_back(read_range, i);
            } catch (...) {  // no thread for a range: it stays empty
            }
            read_range(0);
            for (auto& worker : workers) worker.join();
        }
        run(connection_, "COMMIT");
        for (size_t i = 1; i < connections.size(); ++i) libpq().PQfinish(connections[i]);
        std::vector<data::Table> tables;
        for (auto& part : parts) {
            if (!part) return std::nullopt;
            tables.push_back(std::move(*part));
        }
        data::Table joined = data::concatenate_tables(std::move(tables), static_cast<unsigned>(ranges));
        if (!BinaryCopyDecoder::check_table(joined, options, checked)) return std::nullopt;
        return joined;
    }

public:
    std::string table_sql(const std::string& table) const override { return qualified(table); }

    bool query_integers(const std::string& sql, std::vector<uint64_t>* values, std::string* error) override {
        PGresult* result = query(sql.c_str(), {}, error);
        if (!result) return false;
        const bool one_row = libpq().PQntuples(result) == 1;
        for (int i = 0; one_row && i < libpq().PQnfields(result); ++i) {
            values->push_back(std::strtoull(libpq().PQgetvalue(result, 0, i), nullptr, 10));
        }
        libpq().PQclear(result);
        if (!one_row) *error = "the query returned no row";
        return one_row;
    }

    bool read_csv(const std::string& table, const schema::Schema& schema, const CsvPieces& write,
                  std::string* error) override {
        if (!check_columns(table, schema, error) || !start_copy(connection_, table, schema, "csv, HEADER", "", error)) {
            return false;
        }
        PieceBuffer pieces(write);
        for (;;) {  // a row per call
            char* buffer = nullptr;
            const int n = libpq().PQgetCopyData(connection_, &buffer, 0);
            if (n < 0) break;
            pieces.text().append(buffer, static_cast<size_t>(n));
            libpq().PQfreemem(buffer);
            pieces.record_done();
        }
        pieces.flush();
        return end_copy(connection_, table, error);
    }

private:
    // A query with text parameters; nullptr with *error set when it fails.
    PGresult* query(const char* sql, const std::vector<std::string>& parameters, std::string* error) {
        std::vector<const char*> values;
        for (const auto& parameter : parameters) values.push_back(parameter.c_str());
        PGresult* result = libpq().PQexecParams(connection_, sql, static_cast<int>(values.size()), nullptr,
                                                values.data(), nullptr, nullptr, 0);
        if (libpq().PQresultStatus(result) == PGRES_TUPLES_OK) return result;
        *error = "query failed: " + result_message(result);
        libpq().PQclear(result);
        return nullptr;
    }

    PGconn* connection_;
    std::string url_;  // for the connections of load_in_ranges
    std::vector<std::string> secrets_;
};

}  // namespace

std::unique_ptr<Reader> open_postgres(const std::string& url, std::string* error) {
    if (!open_libpq(error)) return nullptr;
    // The password, in the URL's own spelling (percent-encoded) and as libpq reads it, for scrubbing messages; and
    // its pieces between `/`, `?`, `#`, `:` and `@`, which libpq quotes when such a character cut the URL elsewhere
    // ("invalid integer value "S3cret" for connection option "port"").
    std::vector<std::string> secrets;
    if (const auto password = url_password(url)) {
        const std::string text = url.substr(password->first, password->second);
        if (text.size() >= 3) secrets.push_back(text);
        for (size_t from = 0; from <= text.size();) {
            const size_t stop = std::min(text.find_first_of("/?#:@", from), text.size());
            if (stop - from >= 3 && stop - from < text.size()) secrets.push_back(text.substr(from, stop - from));
            from = stop + 1;
        }
    }
    auto scrubbed = [&](std::string message) {
        // libpq quotes the URL in some messages: as messages show it, masked.
        replace_all(message, url, mask_password(url));
        for (const std::string& secret : secrets) replace_all(message, secret, "***");
        return message;
    };
    char* parse_error = nullptr;
    PQconninfoOption* options = libpq().PQconninfoParse(url.c_str(), &parse_error);
    if (!options) {
        *error = "not a valid PostgreSQL URL: " + scrubbed(trimmed(parse_error));
        libpq().PQfreemem(parse_error);
        return nullptr;
    }
    for (PQconninfoOption* option = options; option->keyword; ++option) {
        if (std::string(option->keyword) == "password" && option->val && std::string(option->val).size() >= 3) {
            secrets.emplace_back(option->val);
        }
    }
    libpq().PQconninfoFree(options);
    std::string problem;
    PGconn* connection = connect_session(url, &problem);
    if (!connection) {
        *error = scrubbed(problem);
        return nullptr;
    }
    return std::make_unique<PostgresReader>(connection, url, std::move(secrets));
}

}  // namespace segmint::sources
