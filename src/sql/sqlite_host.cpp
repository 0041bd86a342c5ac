#include "sql/sqlite_host.h"

#include <re2/re2.h>
#include <sqlite3.h>

#include <memory>

namespace segmint::sql {

namespace {

void delete_regex(void* regex) { delete static_cast<RE2*>(regex); }

// The pattern is compiled once per statement (SQLite keeps it as auxiliary data of the constant argument).
void regexp(sqlite3_context* context, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    auto* regex = static_cast<RE2*>(sqlite3_get_auxdata(context, 0));
    std::unique_ptr<RE2> compiled;
    if (!regex) {
        const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        RE2::Options options;
        options.set_log_errors(false);
        compiled = std::make_unique<RE2>(re2::StringPiece(pattern, sqlite3_value_bytes(argv[0])), options);
        if (!compiled->ok()) {
            sqlite3_result_error(context, ("invalid regular expression: " + compiled->error()).c_str(), -1);
            return;
        }
        regex = compiled.get();
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    const bool match = RE2::PartialMatch(re2::StringPiece(text, sqlite3_value_bytes(argv[1])), *regex);
    if (compiled) sqlite3_set_auxdata(context, 0, compiled.release(), delete_regex);  // SQLite owns it now
    sqlite3_result_int(context, match ? 1 : 0);
}

}  // namespace

int register_regexp(sqlite3* db) {
    return sqlite3_create_function_v2(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, regexp, nullptr,
                                      nullptr, nullptr);
}

}  // namespace segmint::sql
