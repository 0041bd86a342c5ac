// PostgreSQL sources (`postgresql://...`): libpq connects, the session is set so that values print in the forms the
// CSV loader reads (ISO dates, timestamps in UTC, doubles with every digit, UTF-8), the declared column types are
// checked against the schema, and `COPY (SELECT ...) TO STDOUT (FORMAT binary)` streams the customers' rows into
// columns (postgres_binary.h); event tables come as CSV (`FORMAT csv, HEADER`) through the CSV loader.
#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

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
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return trimmed(primary && *primary ? primary : PQresultErrorMessage(result));
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

class PostgresReader final : public Reader {
public:
    PostgresReader(PGconn* connection, std::vector<std::string> secrets)
        : connection_(connection), secrets_(std::move(secrets)) {}
    ~PostgresReader() override { PQfinish(connection_); }

    std::string scrub(std::string message) const override {
        for (const std::string& secret : secrets_) replace_all(message, secret, "***");
        return message;
    }

    std::optional<bool> has_table(const std::string& table, std::string* error) override {
        PGresult* result = query("SELECT to_regclass($1) IS NOT NULL", {qualified(table)}, error);
        if (!result) return std::nullopt;
        const bool found = std::string(PQgetvalue(result, 0, 0)) == "t";
        PQclear(result);
        return found;
    }

    bool check_columns(const std::string& table, const schema::Schema& schema, std::string* error) override {
        return checked_columns(table, schema, nullptr, error);
    }

    // Binary COPY, decoded in this thread as the rows arrive (postgres_binary.h).
    std::optional<data::Table> load_table(const std::string& table, const schema::Schema& schema,
                                          const data::CsvOptions& options, std::string* error) override {
        std::vector<WireType> wire;
        if (!checked_columns(table, schema, &wire, error)) return std::nullopt;
        BinaryCopyDecoder decoder(schema, std::move(wire), options);
        // The planner's estimate of the row count (-1 or 0 before the first ANALYZE): the columns grow once.
        if (PGresult* estimate = query("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)",
                                       {qualified(table)}, error)) {
            const long long rows = PQntuples(estimate) == 1 ? std::atoll(PQgetvalue(estimate, 0, 0)) : 0;
            if (rows > 0 && rows < (1LL << 40)) decoder.reserve(static_cast<uint64_t>(rows) + rows / 64);
            PQclear(estimate);
        } else {
            return std::nullopt;
        }
        if (!start_copy(table, schema, "binary", error)) return std::nullopt;
        std::string problem;
        bool decoded = true;
        for (;;) {  // a row per call; after a bad row the rest is drained
            char* buffer = nullptr;
            const int n = PQgetCopyData(connection_, &buffer, 0);
            if (n < 0) break;
            if (decoded) decoded = decoder.feed(buffer, static_cast<size_t>(n), &problem);
            PQfreemem(buffer);
        }
        if (!end_copy(table, error)) return std::nullopt;
        std::optional<data::Table> loaded;
        if (decoded) loaded = decoder.finish(&problem);
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
            for (int i = 0; i < PQntuples(result); ++i) tables.emplace_back(PQgetvalue(result, i, 0));
            PQclear(result);
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
        for (int i = 0; i < PQntuples(result); ++i) names.emplace_back(PQgetvalue(result, i, 0));
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
            const std::string type = PQgetvalue(result, row, 1);
            if (!stores(type, PQgetvalue(result, row, 2)[0], column.type)) {
                *error = "table `" + table + "`: column `" + column.name + "` is `" + type +
                         "`, but the schema's type `" + schema::column_type_name(column.type) + "` is stored as " +
                         contract_type(column.type) + " (docs/sql.md, \"Storage contract\")";
                ok = false;
                break;
            }
            if (wire) wire->push_back(wire_type(type, column.type));
        }
        PQclear(result);
        return ok;
    }

    // `COPY (SELECT the schema's columns FROM table) TO STDOUT` in `format` started; messages start with the table.
    bool start_copy(const std::string& table, const schema::Schema& schema, const char* format, std::string* error) {
        std::string select = "COPY (SELECT ";
        for (size_t c = 0; c < schema.columns.size(); ++c) {
            select += (c > 0 ? ", " : "") + quote_identifier(schema.columns[c].name);
        }
        select += " FROM " + qualified(table) + ") TO STDOUT WITH (FORMAT " + format + ")";
        PGresult* result = PQexec(connection_, select.c_str());
        const bool started = PQresultStatus(result) == PGRES_COPY_OUT;
        if (!started) *error = "table `" + table + "`: " + result_message(result);
        PQclear(result);
        return started;
    }

    // After the last row of a COPY: whether the server finished it without an error.
    bool end_copy(const std::string& table, std::string* error) {
        PGresult* result = PQgetResult(connection_);
        const bool done = PQresultStatus(result) == PGRES_COMMAND_OK;
        if (!done) *error = "table `" + table + "`: " + result_message(result);
        PQclear(result);
        while ((result = PQgetResult(connection_)) != nullptr) PQclear(result);
        return done;
    }

public:
    std::string table_sql(const std::string& table) const override { return qualified(table); }

    bool query_integers(const std::string& sql, std::vector<uint64_t>* values, std::string* error) override {
        PGresult* result = query(sql.c_str(), {}, error);
        if (!result) return false;
        const bool one_row = PQntuples(result) == 1;
        for (int i = 0; one_row && i < PQnfields(result); ++i) {
            values->push_back(std::strtoull(PQgetvalue(result, 0, i), nullptr, 10));
        }
        PQclear(result);
        if (!one_row) *error = "the query returned no row";
        return one_row;
    }

    bool read_csv(const std::string& table, const schema::Schema& schema, const CsvPieces& write,
                  std::string* error) override {
        if (!check_columns(table, schema, error) || !start_copy(table, schema, "csv, HEADER", error)) return false;
        PieceBuffer pieces(write);
        for (;;) {  // a row per call
            char* buffer = nullptr;
            const int n = PQgetCopyData(connection_, &buffer, 0);
            if (n < 0) break;
            pieces.text().append(buffer, static_cast<size_t>(n));
            PQfreemem(buffer);
            pieces.record_done();
        }
        pieces.flush();
        return end_copy(table, error);
    }

private:
    // A query with text parameters; nullptr with *error set when it fails.
    PGresult* query(const char* sql, const std::vector<std::string>& parameters, std::string* error) {
        std::vector<const char*> values;
        for (const auto& parameter : parameters) values.push_back(parameter.c_str());
        PGresult* result = PQexecParams(connection_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                        nullptr, nullptr, 0);
        if (PQresultStatus(result) == PGRES_TUPLES_OK) return result;
        *error = "query failed: " + result_message(result);
        PQclear(result);
        return nullptr;
    }

    PGconn* connection_;
    std::vector<std::string> secrets_;
};

}  // namespace

std::unique_ptr<Reader> open_postgres(const std::string& url, std::string* error) {
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
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
    if (!options) {
        *error = "not a valid PostgreSQL URL: " + scrubbed(trimmed(parse_error));
        PQfreemem(parse_error);
        return nullptr;
    }
    for (PQconninfoOption* option = options; option->keyword; ++option) {
        if (std::string(option->keyword) == "password" && option->val && std::string(option->val).size() >= 3) {
            secrets.emplace_back(option->val);
        }
    }
    PQconninfoFree(options);
    PGconn* connection = PQconnectdb(url.c_str());
    if (!connection || PQstatus(connection) != CONNECTION_OK) {
        *error = "cannot connect: " + scrubbed(trimmed(connection ? PQerrorMessage(connection) : "out of memory"));
        PQfinish(connection);
        return nullptr;
    }
    PGresult* result = PQexec(connection,
                              "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; "
                              "SET client_encoding = 'UTF8'");
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
        *error = "cannot set up the session: " + scrubbed(result_message(result));
        PQclear(result);
        PQfinish(connection);
        return nullptr;
    }
    PQclear(result);
    return std::make_unique<PostgresReader>(connection, std::move(secrets));
}

}  // namespace segmint::sources
