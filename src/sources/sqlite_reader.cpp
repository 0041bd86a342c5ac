// SQLite sources (`sqlite:PATH`): the file opened read-only, the declared column types checked against the schema
// (by SQLite's affinity rules), and each row's values written as CSV text the CSV loader reads as it reads a file.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/calendar.h"
#include "scalar/scalar.h"
#include "sources/reader.h"
#include "sql/sqlite_host.h"

namespace segmint::sources {

namespace {

using schema::ColumnType;

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// Whether a column declared `declared` stores the schema's `type` as the storage contract says (docs/sql.md):
// SQLite's affinity rules (INT: integer; CHAR, CLOB, TEXT: text; REAL, FLOA, DOUB: real). A column declared with no
// type holds any value and is accepted: its values are checked one by one, as a CSV file's are.
bool stores(const std::string& declared, ColumnType type) {
    const std::string t = upper(declared);
    if (t.empty()) return true;
    const bool integer = contains(t, "INT");
    const bool text = !integer && (contains(t, "CHAR") || contains(t, "CLOB") || contains(t, "TEXT"));
    const bool real = !integer && !text && (contains(t, "REAL") || contains(t, "FLOA") || contains(t, "DOUB"));
    switch (type) {
        case ColumnType::Int: return integer;
        case ColumnType::Number: return real;
        case ColumnType::Bool: return integer || contains(t, "BOOL");
        case ColumnType::Date: return text || t == "DATE";
        case ColumnType::Timestamp: return integer || text || t == "DATETIME" || t == "TIMESTAMP";
        case ColumnType::String:
        case ColumnType::Enum:
        case ColumnType::StringList: return text;
    }
    return false;
}

const char* contract_type(ColumnType type) {
    switch (type) {
        case ColumnType::Int:
        case ColumnType::Bool: return "INTEGER";
        case ColumnType::Number: return "REAL";
        case ColumnType::Timestamp: return "INTEGER (microseconds since 1970-01-01T00:00:00Z) or ISO TEXT";
        default: return "TEXT";
    }
}

class SqliteReader final : public Reader {
public:
    explicit SqliteReader(sqlite3* db) : db_(db) {}
    ~SqliteReader() override { sqlite3_close_v2(db_); }

    std::optional<bool> has_table(const std::string& table, std::string* error) override {
        std::vector<std::pair<std::string, std::string>> columns;
        if (!table_info(table, &columns, error)) return std::nullopt;
        return !columns.empty();
    }

    bool check_columns(const std::string& table, const schema::Schema& schema, std::string* error) override {
        std::vector<std::pair<std::string, std::string>> columns;
        if (!table_info(table, &columns, error)) return false;
        if (columns.empty()) {
            std::vector<std::string> tables;
            if (!table_names(&tables, error)) return false;
            *error = "no table `" + table + "`" + table_hint(table, tables);
            return false;
        }
        for (size_t i = 0; i < schema.columns.size(); ++i) {
            const schema::Column& column = schema.columns[i];
            auto found =
                std::find_if(columns.begin(), columns.end(), [&](const auto& c) { return c.first == column.name; });
            if (found == columns.end()) {
                std::vector<std::string> names;
                for (const auto& c : columns) names.push_back(c.first);
                std::string hint = did_you_mean_hint(column.name, names);
                *error = "table `" + table + "` has no column `" + column.name + "` (the schema's " +
                         schema::column_type_name(column.type) + " column)" + hint;
                return false;
            }
            if (!stores(found->second, column.type)) {
                *error = "table `" + table + "`: column `" + column.name + "` is declared `" + found->second +
                         "`, but the schema's type `" + schema::column_type_name(column.type) + "` is stored as " +
                         contract_type(column.type) + " (docs/sql.md, \"Storage contract\")";
                return false;
            }
        }
        return true;
    }

    std::string table_sql(const std::string& table) const override { return quote_identifier(table); }

    bool query_integers(const std::string& sql, std::vector<uint64_t>* values, std::string* error) override {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            *error = std::string("the query failed: ") + sqlite3_errmsg(db_);
            return false;
        }
        const int status = sqlite3_step(statement);
        if (status == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                values->push_back(static_cast<uint64_t>(sqlite3_column_int64(statement, i)));
            }
        }
        sqlite3_finalize(statement);
        if (status != SQLITE_ROW) {
            *error = std::string("the query failed: ") + sqlite3_errmsg(db_);
            return false;
        }
        return true;
    }

    bool read_csv(const std::string& table, const schema::Schema& schema, const CsvPieces& write,
                  std::string* error) override {
        if (!check_columns(table, schema, error)) return false;
        std::string select = "SELECT ";
        for (size_t i = 0; i < schema.columns.size(); ++i) {
            select += (i > 0 ? ", " : "") + quote_identifier(schema.columns[i].name);
        }
        select += " FROM " + quote_identifier(table);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, select.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            *error = "table `" + table + "`: " + sqlite3_errmsg(db_);
            return false;
        }
        PieceBuffer pieces(write);
        std::string& csv = pieces.text();
        for (size_t i = 0; i < schema.columns.size(); ++i) {
            if (i > 0) csv += ',';
            append_quoted(csv, schema.columns[i].name);
        }
        csv += '\n';
        const int count = static_cast<int>(schema.columns.size());
        uint64_t row = 0;
        int status;
        while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
            ++row;
            for (int i = 0; i < count; ++i) {
                if (i > 0) csv += ',';
                switch (sqlite3_column_type(statement, i)) {
                    case SQLITE_NULL: break;
                    case SQLITE_INTEGER: {
                        const int64_t value = sqlite3_column_int64(statement, i);
                        if (schema.columns[static_cast<size_t>(i)].type != ColumnType::Timestamp) {
                            csv += std::to_string(value);
                            break;
                        }
                        // docs/sql.md's contract: INTEGER microseconds since 1970-01-01T00:00:00Z.
                        if (value < scalar::kMinTimestamp || value > scalar::kMaxTimestamp) {
                            sqlite3_finalize(statement);
                            *error = "table `" + table + "`, row " + std::to_string(row) + ": column `" +
                                     schema.columns[static_cast<size_t>(i)].name + "` holds " + std::to_string(value) +
                                     " microseconds, outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z";
                            return false;
                        }
                        csv += calendar::format_timestamp(value);
                        break;
                    }
                    case SQLITE_FLOAT: {
                        char buffer[32];
                        const auto result =
                            std::to_chars(buffer, buffer + sizeof buffer, sqlite3_column_double(statement, i));
                        csv.append(buffer, result.ptr);
                        break;
                    }
                    case SQLITE_TEXT: {
                        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
                        append_quoted(csv,
                                      std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(statement, i))));
                        break;
                    }
                    default:
                        sqlite3_finalize(statement);
                        *error = "table `" + table + "`, row " + std::to_string(row) + ": column `" +
                                 schema.columns[static_cast<size_t>(i)].name + "` holds a BLOB; the schema's `" +
                                 schema::column_type_name(schema.columns[static_cast<size_t>(i)].type) +
                                 "` is stored as " + contract_type(schema.columns[static_cast<size_t>(i)].type);
                        return false;
                }
            }
            csv += '\n';
            pieces.record_done();
        }
        pieces.flush();
        sqlite3_finalize(statement);
        if (status != SQLITE_DONE) {
            *error = "table `" + table + "`: " + sqlite3_errmsg(db_);
            return false;
        }
        return true;
    }

    // Loading also reads timestamps stored as ISO text, but the SQL compares and shifts INTEGER microseconds.
    bool check_for_sql(const std::string& table, const schema::Schema& schema, std::string* error) override {
        for (const auto& column : schema.columns) {
            if (column.type != ColumnType::Timestamp) continue;
            std::vector<uint64_t> found;
            const std::string sql = "SELECT count(*) FROM " + quote_identifier(table) + " WHERE " +
                                    quote_identifier(column.name) + " IS NOT NULL AND typeof(" +
                                    quote_identifier(column.name) + ") <> 'integer'";
            if (!query_integers(sql, &found, error)) return false;
            if (found.at(0) > 0) {
                *error = "table `" + table + "`: column `" + column.name + "` holds " + std::to_string(found[0]) +
                         " timestamps that are not INTEGER microseconds; --push-down's SQL reads timestamps stored "
                         "as INTEGER microseconds since 1970-01-01T00:00:00Z (docs/sql.md)";
                return false;
            }
        }
        return true;
    }

private:
    static void append_quoted(std::string& out, std::string_view text) {
        out += '"';
        for (char c : text) {
            out += c;
            if (c == '"') out += '"';
        }
        out += '"';
    }

    static std::string did_you_mean_hint(const std::string& name, const std::vector<std::string>& names) {
        std::string hint = table_hint(name, names);
        return hint == " (it has no tables)" ? "" : hint;
    }

    // The declared (name, type) of each column of `table`; empty when there is no such table or view.
    bool table_info(const std::string& table, std::vector<std::pair<std::string, std::string>>* columns,
                    std::string* error) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT name, type FROM pragma_table_info(?1)", -1, &statement, nullptr) !=
            SQLITE_OK) {
            *error = sqlite3_errmsg(db_);
            return false;
        }
        sqlite3_bind_text(statement, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
        int status;
        while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
            auto text = [&](int i) {
                const auto* value = sqlite3_column_text(statement, i);
                return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
            };
            columns->emplace_back(text(0), text(1));
        }
        sqlite3_finalize(statement);
        if (status != SQLITE_DONE) {
            *error = sqlite3_errmsg(db_);
            return false;
        }
        return true;
    }

    bool table_names(std::vector<std::string>* names, std::string* error) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name", -1,
                               &statement, nullptr) != SQLITE_OK) {
            *error = sqlite3_errmsg(db_);
            return false;
        }
        while (sqlite3_step(statement) == SQLITE_ROW) {
            names->emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        }
        sqlite3_finalize(statement);
        return true;
    }

    sqlite3* db_;
};

}  // namespace

std::unique_ptr<Reader> open_sqlite(const std::string& path, std::string* error) {
    // The file must be a readable regular file: SQLite would create a missing one, or wait on a FIFO.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *error = std::string("cannot open the database file: ") + std::strerror(errno);
        return nullptr;
    }
    struct stat info;
    const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
    ::close(fd);
    if (!regular) {
        *error = "is not a regular file (a SQLite database is one)";
        return nullptr;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        *error = std::string("cannot open the database: ") + (db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return nullptr;
    }
    // `matches` in a pushed-down query (eval --push-down) is RE2's, as in `segmint eval`.
    sql::register_regexp(db);
    // A file that is not a database fails at its first read: here, with its own message.
    char* message = nullptr;
    if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, &message) != SQLITE_OK) {
        *error = std::string("cannot read the database: ") + (message ? message : sqlite3_errmsg(db));
        sqlite3_free(message);
        sqlite3_close_v2(db);
        return nullptr;
    }
    return std::make_unique<SqliteReader>(db);
}

}  // namespace segmint::sources
