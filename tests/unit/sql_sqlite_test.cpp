// `segmint sql --dialect sqlite` against real SQLite (libsqlite3, in memory): random rules over random NULL-heavy
// tables (the generator of the VM's differential test: extremes, overflow, month ends, non-ASCII text, regexes,
// lists) loaded through the C API as docs/sql.md's storage contract says, the members and counts queries run, and
// every member and every count compared with the VM. Rules with a construct the dialect cannot translate exactly
// (timestamps, event aggregates) are counted, not compared; most must translate.
// Reproduce a failure with SEGMINT_SEED=<seed> SEGMINT_ROUNDS=1.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "common/calendar.h"
#include "engine/engine.h"
#include "random_rules.h"
#include "sql/sql.h"
#include "sql/sqlite_host.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
    const char* value = std::getenv(name);
    return value ? std::strtoull(value, nullptr, 10) : fallback;
}

// The `|` text of the storage contract cannot hold a list of one empty item: it reads back as the empty list, as in a
// CSV file. Such lists become empty in the table both engines see.
void make_lists_storable(data::Table& table) {
    for (size_t c = 0; c < table.schema().columns.size(); ++c) {
        data::Column& column = table.mutable_column(c);
        if (column.type != schema::ColumnType::StringList) continue;
        std::vector<int32_t> codes;
        std::vector<uint64_t> offsets = {0};
        for (uint64_t row = 0; row < table.rows(); ++row) {
            const uint64_t begin = column.list_begin(row), end = column.list_end(row);
            const bool one_empty = end - begin == 1 && column.dictionary.value(column.list_codes[begin]).empty();
            if (!column.is_null(row) && !one_empty) {
                codes.insert(codes.end(), column.list_codes.begin() + begin, column.list_codes.begin() + end);
            }
            offsets.push_back(codes.size());
        }
        column.list_codes = std::move(codes);
        column.list_offsets = std::move(offsets);
    }
}

class Database {
public:
    Database() {
        BOOST_REQUIRE(sqlite3_open(":memory:", &db_) == SQLITE_OK);
        BOOST_REQUIRE(sql::register_regexp(db_) == SQLITE_OK);
    }
    ~Database() { sqlite3_close(db_); }
    sqlite3* get() { return db_; }

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error ? error : "?";
            sqlite3_free(error);
            BOOST_FAIL("SQLite: " << message << "\n" << sql);
        }
    }

    // Every row of `sql` as integers (NULL as -1); an SQL error fails the test with the query.
    std::vector<std::vector<int64_t>> rows(const std::string& sql, std::string* error_out = nullptr) {
        sqlite3_stmt* statement = nullptr;
        std::vector<std::vector<int64_t>> out;
        int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr);
        while (rc == SQLITE_OK || rc == SQLITE_ROW) {
            if ((rc = sqlite3_step(statement)) != SQLITE_ROW) break;
            std::vector<int64_t> row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                row.push_back(sqlite3_column_type(statement, i) == SQLITE_NULL ? -1
                                                                               : sqlite3_column_int64(statement, i));
            }
            out.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE && rc != SQLITE_OK && error_out) *error_out = sqlite3_errmsg(db_);
        sqlite3_finalize(statement);
        return out;
    }

    // The customers as docs/sql.md stores them, and the rows of `events` (orphans included) parsed here, not by
    // segmint's loader.
    void load(const data::Table& customers, const RandomEvents* events) {
        load_rows(customers.schema().columns, customers, customers.schema().table);
        for (size_t e = 0; events && e < events->tables.size(); ++e) {
            const schema::EventTable& definition = customers.schema().events[e];
            std::string columns, marks;
            for (const auto& column : definition.columns) {
                columns += (columns.empty() ? "\"" : ", \"") + column.name + "\"";
                marks += marks.empty() ? "?" : ", ?";
            }
            exec("CREATE TABLE \"" + definition.name + "\" (" + columns + ")");
            sqlite3_stmt* insert = nullptr;
            const std::string sql = "INSERT INTO \"" + definition.name + "\" VALUES (" + marks + ")";
            BOOST_REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert, nullptr) == SQLITE_OK);
            for (const auto& row : events->tables[e]) {
                for (size_t c = 0; c < row.size(); ++c) {
                    const int i = static_cast<int>(c) + 1;
                    const auto type = definition.columns[c].type;
                    if (!row[c]) {
                        sqlite3_bind_null(insert, i);
                    } else if (type == schema::ColumnType::Int) {
                        sqlite3_bind_int64(insert, i, std::stoll(*row[c]));
                    } else if (type == schema::ColumnType::Number) {
                        sqlite3_bind_double(insert, i, std::stod(*row[c]));
                    } else if (type == schema::ColumnType::Timestamp) {
                        sqlite3_bind_int64(insert, i, calendar::parse_timestamp(*row[c]).value());
                    } else {
                        sqlite3_bind_text(insert, i, row[c]->data(), static_cast<int>(row[c]->size()),
                                          SQLITE_TRANSIENT);
                    }
                }
                BOOST_REQUIRE(sqlite3_step(insert) == SQLITE_DONE);
                sqlite3_reset(insert);
            }
            sqlite3_finalize(insert);
        }
    }

    void load_rows(const std::vector<schema::Column>& definitions, const data::Table& table, const std::string& name) {
        std::string columns, marks;
        for (const auto& column : definitions) {
            const char* type = "TEXT";
            if (column.type == schema::ColumnType::Int || column.type == schema::ColumnType::Bool ||
                column.type == schema::ColumnType::Timestamp)
                type = "INTEGER";
            if (column.type == schema::ColumnType::Number) type = "REAL";
            columns += (columns.empty() ? "\"" : ", \"") + column.name + "\" " + type;
            marks += marks.empty() ? "?" : ", ?";
        }
        exec("CREATE TABLE \"" + name + "\" (" + columns + ")");
        exec("BEGIN");
        sqlite3_stmt* insert = nullptr;
        const std::string sql = "INSERT INTO \"" + name + "\" VALUES (" + marks + ")";
        BOOST_REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert, nullptr) == SQLITE_OK);
        for (uint64_t row = 0; row < table.rows(); ++row) {
            for (size_t c = 0; c < definitions.size(); ++c) {
                const data::Column& column = table.column(c);
                const int i = static_cast<int>(c) + 1;
                if (column.is_null(row)) {
                    sqlite3_bind_null(insert, i);
                    continue;
                }
                std::string text;
                switch (column.type) {
                    case schema::ColumnType::Int: sqlite3_bind_int64(insert, i, column.int_at(row)); continue;
                    case schema::ColumnType::Number: sqlite3_bind_double(insert, i, column.f64[row]); continue;
                    case schema::ColumnType::Bool: sqlite3_bind_int(insert, i, column.bools.get(row) != 0); continue;
                    case schema::ColumnType::Date: text = calendar::format_date(column.i32[row]); break;
                    case schema::ColumnType::Timestamp: sqlite3_bind_int64(insert, i, column.i64[row]); continue;
                    case schema::ColumnType::String:
                    case schema::ColumnType::Enum: text = std::string(column.string_at(row)); break;
                    case schema::ColumnType::StringList:
                        for (uint64_t k = column.list_begin(row); k < column.list_end(row); ++k) {
                            text += (k == column.list_begin(row) ? "" : "|") +
                                    std::string(column.dictionary.value(column.list_codes[k]));
                        }
                        break;
                }
                sqlite3_bind_text(insert, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
            }
            BOOST_REQUIRE(sqlite3_step(insert) == SQLITE_DONE);
            sqlite3_reset(insert);
        }
        sqlite3_finalize(insert);
        exec("COMMIT");
    }

private:
    sqlite3* db_ = nullptr;
};

struct Tally {
    size_t translated = 0, refused = 0, members = 0;
    std::map<std::string, size_t> refused_by_construct;
};

// Runs `text` over `table` in SQLite and in the VM; false after reporting the first difference.
bool compare_catalog(const std::string& text, data::Table& table, scalar::AsOf as_of, const std::string& what,
                     Tally& tally, const RandomEvents* events = nullptr) {
    make_lists_storable(table);
    Checked checked = check_text(text);
    const engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
    const auto vm = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
    // `segmint eval`'s counts (event aggregates included) against the bitmaps.
    const auto vm_counts = engine::count_members(compiled, table, engine::Evaluator::Vm, 2);
    for (size_t s = 0; s < vm.size(); ++s) {
        BOOST_CHECK_MESSAGE(vm_counts.at(s) == vm[s].count(),
                            what << ": segment " << s << " counted " << vm_counts.at(s) << ", members " << vm[s].count());
    }
    sql::Generator generator(checked.catalog, as_of, "sqlite");
    std::vector<uint32_t> chosen;
    for (const auto& rule : compiled.rules) {
        if (auto refusal = generator.refusal(rule.segment)) {
            ++tally.refused;
            ++tally.refused_by_construct[refusal->construct];
        } else {
            chosen.push_back(rule.segment);
        }
    }
    tally.translated += chosen.size();
    if (chosen.empty()) return true;
    Database db;
    db.load(table, events);
    sql::QueryOptions options;
    options.mode = sql::Mode::Members;
    const std::string members_sql = generator.query(chosen, options);
    std::string error;
    const auto rows = db.rows(members_sql, &error);
    if (!error.empty()) {
        BOOST_ERROR(what << ": SQLite: " << error << "\nrules:\n" << text << "\nSQL:\n" << members_sql);
        return false;
    }
    BOOST_REQUIRE_EQUAL(rows.size(), table.rows());
    for (const auto& row : rows) {
        const auto index = static_cast<uint64_t>(row[0] - 1);  // customer_id is the row number from 1
        for (size_t k = 0; k < chosen.size(); ++k) {
            const uint32_t s = chosen[k];
            const bool in_vm = vm[s].get(index);
            if (row[k + 1] != (in_vm ? 1 : 0)) {
                const auto& def = checked.catalog.definition(s);
                BOOST_ERROR(what << ": segment " << checked.catalog.segments[s].name << ", customer " << row[0]
                                 << ": SQLite " << row[k + 1] << ", VM " << in_vm << "\nrule: "
                                 << text.substr(def.span.begin, def.span.end - def.span.begin) << "\nSQL:\n"
                                 << generator.query({s}, options));
                return false;
            }
            tally.members += in_vm;
        }
    }
    options.mode = sql::Mode::Counts;
    const std::string counts_sql = generator.query(chosen, options);
    const auto counts = db.rows(counts_sql, &error);
    if (!error.empty()) {
        BOOST_ERROR(what << ": SQLite: " << error << "\nrules:\n" << text << "\nSQL:\n" << counts_sql);
        return false;
    }
    BOOST_REQUIRE_EQUAL(counts.size(), 1u);
    for (size_t k = 0; k < chosen.size(); ++k) {
        if (counts[0][k] != static_cast<int64_t>(vm[chosen[k]].count())) {
            BOOST_ERROR(what << ": count of " << checked.catalog.segments[chosen[k]].name << ": SQLite " << counts[0][k]
                             << ", VM " << vm[chosen[k]].count());
            return false;
        }
    }
    // The views hold the members' keys (one statement per segment: the edges have names that differ only in case,
    // which SQLite takes for one view name).
    options.mode = sql::Mode::Views;
    for (const uint32_t s : chosen) {
        const std::string& name = checked.catalog.segments[s].name;
        db.exec("DROP VIEW IF EXISTS \"segment_" + name + "\"");
        db.exec(generator.query({s}, options));
        const auto keys = db.rows("SELECT count(*) FROM \"segment_" + name + "\"", &error);
        if (!error.empty() || keys.at(0).at(0) != static_cast<int64_t>(vm[s].count())) {
            BOOST_ERROR(what << ": view of " << name << ": " << error << " " << keys.at(0).at(0) << " keys, VM "
                             << vm[s].count());
            return false;
        }
    }
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_sqlite)

BOOST_AUTO_TEST_CASE(sqlite_matches_vm_on_random_rules) {
    const uint64_t first_seed = env_or("SEGMINT_SEED", 20261203);
    const uint64_t rounds = env_or("SEGMINT_ROUNDS", 1000);
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    Tally tally;
    for (uint64_t round = 0; round < rounds; ++round) {
        const uint64_t seed = first_seed + round;
        Random random(seed);
        data::Table table = random_table(random, test_schema(), random.below(300));
        const std::string text = random_catalog(random, 12, 4);
        if (!compare_catalog(text, table, as_of, "seed " + std::to_string(seed), tally)) return;
    }
    std::string refused;
    for (const auto& [construct, count] : tally.refused_by_construct)
        refused += (refused.empty() ? "" : ", ") + std::to_string(count) + " " + construct;
    BOOST_TEST_MESSAGE("sqlite: " << tally.translated << " random rules translated and compared with the VM ("
                                  << tally.members << " memberships), " << tally.refused
                                  << " refused (" << refused << "), seeds " << first_seed << ".."
                                  << first_seed + rounds - 1);
    // Timestamps are a sixth of the generator's types: most rules translate.
    BOOST_CHECK_GT(tally.translated, 3 * tally.refused);
    if (rounds >= 1000) BOOST_CHECK_GE(tally.translated, 5000u);
}

// Edges the random tables do not hold, on handwritten rules: NUL bytes, one-item lists, `|` in a tested item, month
// ends and the ends of the calendar, overflow, rounding, exact number literals, quotes in names and text.
BOOST_AUTO_TEST_CASE(sqlite_matches_vm_on_edges) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    Random random(7);
    data::Table table = random_table(random, test_schema(), 200);
    const std::string text = R"(
segment nul_length: length(first_name) = 3 or length(coalesce(email, "a\0b")) = 3
segment nul_compare: coalesce(city, "x\0") > "x" and coalesce(city, "x\0") ends with "\0"
segment bar_item: tags contains "a|b" or not (tags contains "vip|new")
segment empty_item: tags contains "" or length(tags) = 0
segment month_end: signup_date + 1 month = 2024-02-29 or signup_date - 1 month < 2026-02-28
segment calendar_ends: (signup_date + 1000000 years) is null and (signup_date - 3000 years) is null
segment year_edges: last_order_date + 12 months > 9999-01-01 or last_order_date - 1 day < 0001-01-02
segment overflow: loyalty_points * 2 is null or -age is null or abs(lifetime_orders) is null
segment rounding: round(total_spend / 3) = round(churn_score) or round(0.49999999999999994) = 0
segment literals: total_spend * 0.1 > 0.30000000000000004 or avg_order_value < 1e-300 or churn_score > 1.7976931348623157e308 / 2
segment remainders: total_spend % 2.5 = 0.5 or orders_90d % -3 = -1 or -9223372036854775808 % -1 = 0
segment quotes: email != "it's" and city not in ("O'Brien", "\"q\"")
segment regex: email matches "^[a-z]+@" or city matches "(?i)GER" or first_name matches ""
segment ts_shift: (last_login_at + 1000000 weeks) is null or last_login_at - 1 month < 2024-02-29T12:00:00Z or last_login_at + 90 minutes > now
segment ts_edges: last_login_at > 9999-12-31T23:59:59.999999Z - 1 second or last_login_at < 0001-01-01T00:00:00Z + 36 hours or year(last_login_at) = 1969 or day_of_week(last_login_at) = 7 or days_since(last_login_at) > 20000
segment refers: (nul_length and not month_end) or (overflow and regex)
segment refers_again: refers or quotes
segment Refers: refers and not quotes
segment REFERS_AGAIN: not refers_again
)";
    Tally tally;
    BOOST_CHECK(compare_catalog(text, table, as_of, "edges", tally));
    BOOST_CHECK_EQUAL(tally.refused, 0u);
    BOOST_CHECK_EQUAL(tally.translated, 19u);  // `Refers` and `refers`: one column name to SQLite, two segments
}

// Event aggregates: every function over every column it takes, under each kind of window and `where`, on random
// orders and page views (NULL values, equal times, INT64 extremes whose sums overflow, non-ASCII text, customers
// without events, and events of no customer, which SQLite holds and the join leaves out).
BOOST_AUTO_TEST_CASE(sqlite_matches_vm_on_event_aggregates) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    const uint64_t first_seed = env_or("SEGMINT_SEED", 41), rounds = env_or("SEGMINT_ROUNDS", 6);
    Tally tally;
    for (uint64_t seed = first_seed; seed < first_seed + rounds; ++seed) {
        Random random(seed);
        data::Table table = random_table(random, test_schema(), 40 + random.below(120));
        const RandomEvents events = random_events(random, table.schema(), table.rows(), as_of.now);
        attach_events(table, events);
        const std::string text = random_aggregate_catalog(random, 3);
        if (!compare_catalog(text, table, as_of, "aggregates, seed " + std::to_string(seed), tally, &events)) return;
    }
    std::string refused;
    for (const auto& [construct, count] : tally.refused_by_construct)
        refused += (refused.empty() ? "" : ", ") + std::to_string(count) + " " + construct;
    BOOST_TEST_MESSAGE("sqlite aggregates: " << tally.translated << " rules translated and compared with the VM ("
                                             << tally.members << " memberships), " << tally.refused << " refused ("
                                             << refused << ")");
    BOOST_CHECK_EQUAL(tally.refused_by_construct.size(), 1u);  // only the sums and averages of numbers
    BOOST_CHECK_GE(tally.translated, 19 * 3 * rounds);
}

// String keys declared COLLATE NOCASE (customers `a` and `A` stay two: the events group and join bytewise), first and
// last of a bool column with a tie in time (the smaller, FALSE, wins), and first/last of a list column refused (a
// list's order is item by item, which its `|` text does not give).
BOOST_AUTO_TEST_CASE(string_keys_with_a_collation_and_bool_ties) {
    TempDir dir("sql_keys");
    const std::string options =
        " --as-of 2026-11-23 --schema " +
        dir.write("schema.yaml",
                  "table: people\nkey: id\ncolumns:\n  id: string\n  name: string\nevents:\n  visits:\n    key: id\n"
                  "    time: at\n    columns: {id: string, at: timestamp, flag: bool, tags: list<string>}\n") +
        " --specs " +
        dir.write("rules.seg",
                  "segment one: count(visits) = 1\nsegment first_false: first(visits.flag) = false\n"
                  "segment last_true: last(visits.flag)\nsegment distinct_ids: count_distinct(visits.id) = 1\n");
    std::string sql, err;
    BOOST_TEST_REQUIRE(run_segmint("sql --dialect sqlite" + options, &sql, &err) == 0, err);
    Database db;
    db.exec(
        "CREATE TABLE people (id TEXT COLLATE NOCASE, name TEXT COLLATE NOCASE);"
        "INSERT INTO people VALUES ('a', 'x'), ('A', 'y'), ('b', 'z');"
        "CREATE TABLE visits (id TEXT COLLATE NOCASE, at INTEGER, flag INTEGER, tags TEXT);"
        "INSERT INTO visits VALUES ('a', 1767225600000000, 0, 'x'), ('A', 1767312000000000, 1, 'x|y'),"
        " ('A', 1767312000000000, 0, 'y'), ('b', 1767398400000000, 1, ''), ('b', 1767484800000000, NULL, '');");
    // As `segmint eval` counts them over the same rows: one {a}, first_false {a, A}, last_true {b}, distinct_ids all.
    const std::vector<std::vector<int64_t>> expected = {{1, 2, 1, 3}};
    BOOST_TEST(db.rows(sql) == expected);
    std::string out;
    BOOST_TEST(run_segmint("eval --format json --data " + dir.write("people.csv", "id,name\na,x\nA,y\nb,z\n") +
                               " --events visits=" +
                               dir.write("visits.csv",
                                         "id,at,flag,tags\na,2026-01-01T00:00:00Z,false,x\n"
                                         "A,2026-01-02T00:00:00Z,true,x|y\nA,2026-01-02T00:00:00Z,false,y\n"
                                         "b,2026-01-03T00:00:00Z,true,\nb,2026-01-04T00:00:00Z,,\n") +
                               options,
                           &out, &err) == 0,
               err);
    std::vector<int64_t> counts;
    const auto evaluated = nlohmann::json::parse(out);
    for (const auto& segment : evaluated["segments"]) counts.push_back(segment["count"]);
    BOOST_TEST(counts == expected[0], out);
    BOOST_TEST(run_segmint("sql --dialect sqlite --specs " +
                               dir.write("list.seg", "segment l: first(visits.tags) contains \"x\"\n") + " --schema " +
                               dir.file("schema.yaml"),
                           &out, &err) == 1);
    BOOST_TEST(err.find("uses first and last of a list column") != std::string::npos, err);
}

BOOST_AUTO_TEST_SUITE_END()
