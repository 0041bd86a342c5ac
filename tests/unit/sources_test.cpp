// Database sources (docs/sources.md): `--source sqlite:PATH` loads what `--data` loads from the same data, value for
// value (eval counts and member order equal, NULLs, empty strings and lists, unicode, quotes and line breaks in
// strings, full-precision doubles, dates, timestamps, event tables with orphans); the project's `source:`; and every
// bad input an error naming the source (exit 2). PostgreSQL: tests/postgres/sources.sh (ctest postgres_sources).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/calendar.h"
#include "data/csv_loader.h"
#include "schema/schema.h"
#include "sources/source.h"
#include "test_support.h"

using namespace segmint::testing;
namespace data = segmint::data;
using segmint::schema::ColumnType;

namespace {

const char* kSchema = R"(table: people
key: id
columns:
  id: int
  name: string
  score: number
  vip: bool
  born: date
  seen_at: timestamp
  tier: {type: enum, values: [a, b]}
  tags: list<string>
events:
  orders:
    key: person
    time: at
    columns: {person: int, at: timestamp, amount: number}
)";

const char* kRules = R"(segment named: name is not null
segment empty_name: name = ""
segment unicode: name contains "ë"
segment high: score > 1.5
segment exact: score = 0.1
segment huge: score > 1e308
segment vips: vip
segment young: born > 2000-01-01
segment recent: seen_at after 2026-01-01T00:00:00Z
segment subsecond: seen_at > 2025-12-31T23:59:59Z and seen_at < 2026-01-01T00:00:00Z
segment tier_a: tier = "a"
segment tagged: tags contains "x"
segment no_tags: length(tags) = 0
segment quoted: name contains "\"" and name contains "\n"
segment buyers: count(orders) >= 2
segment spend: sum(orders.amount) > 10
segment last_buy: last(orders.amount) = 5.5
segment no_score: score is null
)";

const char* kCustomersCsv =
    "id,name,score,vip,born,seen_at,tier,tags\n"
    "1,Zoë,0.1,true,2001-02-03,2026-03-04T05:06:07Z,a,x|y\n"
    "2,,,,,,,\n"
    "3,\"\",1.7976931348623157e308,false,1999-12-31,2025-12-31T23:59:59.5Z,b,\"\"\n"
    "4,\"say \"\"hi\"\", then\nleave\",2.5,1,2026-11-23,2026-06-01T00:00:00Z,a,x\n";
const char* kOrdersCsv =
    "person,at,amount\n"
    "1,2026-01-01T00:00:00Z,5.5\n"
    "1,2025-01-01T00:00:00Z,6\n"
    "99,2026-01-01T00:00:00Z,1\n"
    "4,2026-02-02T00:00:00Z,\n";
// The same data as SQLite holds it under the storage contract (docs/sql.md), written by hand: timestamps as INTEGER
// microseconds since 1970-01-01T00:00:00Z.
const char* kSqlite = R"(
CREATE TABLE people(id INTEGER, name TEXT, score REAL, vip INTEGER, born TEXT, seen_at INTEGER, tier TEXT, tags TEXT);
INSERT INTO people VALUES
  (1, 'Zoë', 0.1, 1, '2001-02-03', 1772600767000000, 'a', 'x|y'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, '', 1.7976931348623157e308, 0, '1999-12-31', 1767225599500000, 'b', ''),
  (4, 'say "hi", then' || char(10) || 'leave', 2.5, 1, '2026-11-23', 1780272000000000, 'a', 'x');
CREATE TABLE orders(person INTEGER, at INTEGER, amount REAL);
INSERT INTO orders VALUES (1, 1767225600000000, 5.5), (1, 1735689600000000, 6),
  (99, 1767225600000000, 1), (4, 1769990400000000, NULL);
)";
// Loading also reads timestamps stored as ISO text (UTC unless an offset is given); --push-down refuses them.
const char* kSqliteTextTimes = R"(
CREATE TABLE people(id INTEGER, name TEXT, score REAL, vip INTEGER, born TEXT, seen_at TEXT, tier TEXT, tags TEXT);
INSERT INTO people VALUES
  (1, 'Zoë', 0.1, 1, '2001-02-03', '2026-03-04T05:06:07Z', 'a', 'x|y'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, '', 1.7976931348623157e308, 0, '1999-12-31', '2025-12-31T23:59:59.5Z', 'b', ''),
  (4, 'say "hi", then' || char(10) || 'leave', 2.5, 1, '2026-11-23', '2026-06-01T02:00:00+02:00', 'a', 'x');
CREATE TABLE orders(person INTEGER, at TEXT, amount REAL);
INSERT INTO orders VALUES (1, '2026-01-01T00:00:00Z', 5.5), (1, '2025-01-01T00:00:00Z', 6),
  (99, '2026-01-01T00:00:00Z', 1), (4, '2026-02-02T00:00:00Z', NULL);
)";

void make_db(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* message = nullptr;
    const int status = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    BOOST_TEST(status == SQLITE_OK, (message ? message : ""));
    sqlite3_free(message);
    sqlite3_close(db);
}

const char* contract_type(ColumnType type) {
    switch (type) {
        case ColumnType::Int:
        case ColumnType::Bool: return "INTEGER";
        case ColumnType::Number: return "REAL";
        default: return "TEXT";
    }
}

// Writes a loaded table into SQLite under the storage contract, row for row, in its order.
void write_table(const std::string& path, const std::string& name, const data::Table& table) {
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const auto& columns = table.schema().columns;
    std::string create = "CREATE TABLE \"" + name + "\"(", insert = "INSERT INTO \"" + name + "\" VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) {
        create += (i ? ", \"" : "\"") + columns[i].name + "\" " + contract_type(columns[i].type);
        insert += i ? ", ?" : "?";
    }
    BOOST_TEST_REQUIRE(sqlite3_exec(db, (create + ")").c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* statement = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_prepare_v2(db, (insert + ")").c_str(), -1, &statement, nullptr) == SQLITE_OK);
    for (uint64_t row = 0; row < table.rows(); ++row) {
        for (size_t i = 0; i < columns.size(); ++i) {
            const data::Column& column = table.column(i);
            const int at = static_cast<int>(i) + 1;
            std::string text;
            if (column.is_null(row)) {
                sqlite3_bind_null(statement, at);
                continue;
            }
            switch (column.type) {
                case ColumnType::Int: sqlite3_bind_int64(statement, at, column.int_at(row)); continue;
                case ColumnType::Bool: sqlite3_bind_int64(statement, at, column.bools.get(row)); continue;
                case ColumnType::Number: sqlite3_bind_double(statement, at, column.f64[row]); continue;
                case ColumnType::Date: text = segmint::calendar::format_date(column.i32[row]); break;
                case ColumnType::Timestamp: text = segmint::calendar::format_timestamp(column.i64[row]); break;
                case ColumnType::String:
                case ColumnType::Enum: text = std::string(column.string_at(row)); break;
                case ColumnType::StringList:
                    for (uint64_t item = column.list_begin(row); item < column.list_end(row); ++item) {
                        text += (item > column.list_begin(row) ? "|" : "") +
                                std::string(column.dictionary.value(column.list_codes[item]));
                    }
                    break;
            }
            sqlite3_bind_text(statement, at, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        }
        BOOST_TEST_REQUIRE(sqlite3_step(statement) == SQLITE_DONE);
        sqlite3_reset(statement);
    }
    sqlite3_finalize(statement);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
}

data::Table load(const std::string& path, const segmint::schema::Schema& schema) {
    data::CsvError error;
    data::CsvOptions options;
    options.check_key = false;
    options.check_facts = false;
    auto table = data::load_csv(path, schema, &error, options);
    BOOST_TEST_REQUIRE(table.has_value(), error.to_string());
    return std::move(*table);
}

struct Edges {
    TempDir dir{"sources"};
    std::string specs, csv, db;
    Edges() {
        specs = " --schema " + dir.write("schema.yaml", kSchema) + " --specs " + dir.write("rules.seg", kRules) +
                " --as-of 2026-11-23";
        csv = " --data " + dir.write("people.csv", kCustomersCsv) +
              " --events orders=" + dir.write("orders.csv", kOrdersCsv);
        db = dir.file("people.db");
        make_db(db, kSqlite);
    }
    // `sql` run in a fresh database file; returns `--source sqlite:FILE`.
    std::string source_with(const std::string& name, const std::string& sql) const {
        make_db(dir.file(name), sql);
        return " --source sqlite:" + dir.file(name);
    }
};

// Runs eval with `data`; expects exit 2 and an error containing each of `parts`.
void expect_error(const std::string& arguments, const std::vector<std::string>& parts) {
    std::string out, err;
    BOOST_TEST(run_segmint("eval" + arguments, &out, &err) == 2, arguments + "\n" + err);
    for (const auto& part : parts) BOOST_TEST(err.find(part) != std::string::npos, part + " in:\n" + err);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sources_cli)

// The edge values by hand in SQLite and in CSV: the same counts, the same members in the same order, the same
// warning about the orphan event.
BOOST_AUTO_TEST_CASE(sqlite_loads_as_csv_does) {
    Edges edges;
    std::string from_csv, from_db, err_csv, err_db;
    BOOST_TEST(run_segmint("eval --format csv" + edges.specs + edges.csv, &from_csv, &err_csv) == 0, err_csv);
    BOOST_TEST(run_segmint("eval --format csv" + edges.specs + " --source sqlite:" + edges.db, &from_db, &err_db) == 0,
               err_db);
    BOOST_TEST(from_db == from_csv);
    // Every segment has the members the data gives it (each rule is written for one of the edge rows).
    BOOST_TEST(from_csv.find("named,3,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("empty_name,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("unicode,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("exact,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("huge,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("subsecond,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("no_tags,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("quoted,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("buyers,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("spend,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("last_buy,1,") != std::string::npos, from_csv);
    BOOST_TEST(from_csv.find("no_score,1,") != std::string::npos, from_csv);
    BOOST_TEST(err_db.find("people.db table `orders`: 1 event names no customer and is left out (the first has key "
                           "`99`)") != std::string::npos,
               err_db);
    for (const char* segment : {"named", "tier_a", "tagged"}) {
        BOOST_TEST(run_segmint("eval --members " + std::string(segment) + edges.specs + edges.csv, &from_csv) == 0);
        BOOST_TEST(run_segmint("eval --members " + std::string(segment) + edges.specs + " --source sqlite:" + edges.db,
                               &from_db) == 0);
        BOOST_TEST(from_db == from_csv);
    }
}

// The demo retailer (every column type, two event tables with thousands of rows) written into SQLite row for row:
// eval, validate and overlap give what they give on the CSV files.
BOOST_AUTO_TEST_CASE(demo_data_in_sqlite) {
    TempDir dir("sources");
    const std::string csv = generate_demo_data(dir.path, 3000, 11);
    segmint::DiagnosticSink sink;
    auto schema = segmint::schema::load_schema(
        std::make_shared<segmint::Source>("schema.yaml", read_file(source_dir() + "/specs/schema.yaml")), sink);
    BOOST_TEST_REQUIRE(schema.has_value());
    const std::string db = dir.file("shop.db");
    write_table(db, "customers", load(dir.file("customers.csv"), *schema));
    for (const auto& events : schema->events) {
        write_table(db, events.name,
                    load(dir.file(events.name + ".csv"), segmint::schema::event_table_schema(*schema, events)));
    }
    const std::string project = " --project " + source_dir() + "/specs --as-of 2026-11-23";
    for (const char* command : {"eval --format csv", "validate", "overlap --format csv"}) {
        std::string from_csv, from_db, err;
        const int csv_code = run_segmint(std::string(command) + project + " --data " + csv, &from_csv, &err);
        BOOST_TEST(csv_code == 0, err);
        BOOST_TEST(run_segmint(std::string(command) + project + " --source sqlite:" + db, &from_db, &err) == csv_code,
                   err);
        BOOST_TEST(from_db == from_csv, command);
    }
}

// A segmint.yaml names the database instead of CSV files: `source: sqlite:PATH` (relative to the project, inside
// it), or the mapping form that also renames tables; `data` and `source` together are an error.
BOOST_AUTO_TEST_CASE(project_source) {
    Edges edges;
    std::string expected, out, err;
    BOOST_TEST(run_segmint("eval --format csv" + edges.specs + edges.csv, &expected) == 0);
    const std::string head = "schema: schema.yaml\nsegments: rules.seg\nas_of: 2026-11-23\n";
    edges.dir.write("segmint.yaml", head + "source: sqlite:people.db\n");
    BOOST_TEST(run_segmint("eval --format csv --project " + edges.dir.path, &out, &err) == 0, err);
    BOOST_TEST(out == expected);
    std::string renamed = kSqlite;
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{{"TABLE people", "TABLE folk"},
                                                                                   {"INTO people", "INTO folk"},
                                                                                   {"TABLE orders", "TABLE purchases"},
                                                                                   {"INTO orders", "INTO purchases"}}) {
        renamed.replace(renamed.find(from), from.size(), to);
    }
    edges.source_with("renamed.db", renamed);
    edges.dir.write("segmint.yaml",
                    head + "source: {url: sqlite:renamed.db, tables: {people: folk, orders: purchases}}\n");
    BOOST_TEST(run_segmint("eval --format csv --project " + edges.dir.path, &out, &err) == 0, err);
    BOOST_TEST(out == expected);
    // --source-table on the command line names tables as the mapping does: T for the customers, NAME=T for the others.
    BOOST_TEST(run_segmint("eval --format csv" + edges.specs + " --source sqlite:" + edges.dir.file("renamed.db") +
                               " --source-table folk --source-table orders=purchases",
                           &out, &err) == 0,
               err);
    BOOST_TEST(out == expected);
    expect_error(
        edges.specs + " --source sqlite:" + edges.db + " --source-table ordres=purchases",
        {"--source-table ordres=purchases: the schema has no table `ordres` (its tables: people, orders); did you "
         "mean `orders`?"});
    expect_error(edges.specs + edges.csv + " --source-table folk", {"--source-table names a table of a database"});
    // --data on the command line replaces the project's source.
    BOOST_TEST(run_segmint("eval --format csv --project " + edges.dir.path + edges.csv, &out, &err) == 0, err);
    BOOST_TEST(out == expected);
    edges.dir.write("segmint.yaml", head + "source: {url: sqlite:renamed.db, tables: {peple: folk}}\n");
    BOOST_TEST(run_segmint("eval --project " + edges.dir.path, &out, &err) == 2);
    BOOST_TEST(err.find("segmint.yaml: source.tables.peple: the schema has no table `peple`") != std::string::npos,
               err);
    edges.dir.write("segmint.yaml", head + "data: people.csv\nsource: sqlite:people.db\n");
    BOOST_TEST(run_segmint("eval --project " + edges.dir.path, &out, &err) == 2);
    BOOST_TEST(err.find("give `data` (CSV files) or `source` (a database), not both") != std::string::npos, err);
    edges.dir.write("segmint.yaml", head + "source: sqlite:../people.db\n");
    BOOST_TEST(run_segmint("eval --project " + edges.dir.path, &out, &err) == 2);
    edges.dir.write("segmint.yaml", head + "source: mysql://host/db\n");
    BOOST_TEST(run_segmint("eval --project " + edges.dir.path, &out, &err) == 2);
    BOOST_TEST(err.find("expected `sqlite:PATH` or a PostgreSQL URL") != std::string::npos, err);
}

// Each bad input is an error naming the source and what is wrong (exit 2).
BOOST_AUTO_TEST_CASE(bad_sources) {
    Edges edges;
    const std::string people =
        "id INTEGER, name TEXT, score REAL, vip INTEGER, born TEXT, seen_at TEXT, tier TEXT, tags TEXT";
    expect_error(edges.specs + edges.source_with("a.db", "CREATE TABLE peeple(" + people + ")"),
                 {"a.db: no table `people`; did you mean `peeple`?"});
    expect_error(edges.specs + edges.source_with("b.db",
                                                 "CREATE TABLE people(id INTEGER, name TEXT, score REAL, vip "
                                                 "INTEGER, bron TEXT, seen_at TEXT, tier TEXT, tags TEXT)"),
                 {"b.db: table `people` has no column `born` (the schema's date column); did you mean `bron`?"});
    expect_error(edges.specs + edges.source_with("c.db",
                                                 "CREATE TABLE people(id INTEGER, name TEXT, score TEXT, vip "
                                                 "INTEGER, born TEXT, seen_at TEXT, tier TEXT, tags TEXT)"),
                 {"c.db: table `people`: column `score` is declared `TEXT`, but the schema's type `number` is stored "
                  "as REAL"});
    expect_error(edges.specs + edges.source_with("d.db", "CREATE TABLE people(" + people +
                                                             "); INSERT INTO people(id, tier) VALUES (1, 'a'), (2, "
                                                             "'c');"),
                 {"d.db table `people`, row 2: column `tier`: expected one of"});
    expect_error(edges.specs + edges.source_with("e.db", "CREATE TABLE people(" + people +
                                                             "); INSERT INTO people(id) VALUES (1), (2), (1);"),
                 {"e.db table `people`, row 3: column `id`: key 1 is also the key in row 1"});
    expect_error(edges.specs + edges.source_with("f.db", "CREATE TABLE people(" + people +
                                                             "); INSERT INTO people(id, name) VALUES (1, x'00ff');"),
                 {"f.db: table `people`, row 1: column `name` holds a BLOB"});
    // The rules read `orders`, which this database lacks.
    expect_error(edges.specs + edges.source_with("g.db", "CREATE TABLE people(" + people + ")"),
                 {"has no table `orders`"});
    // A view over a table that is gone: SQLite's error, with the source named.
    expect_error(edges.specs + edges.source_with("h.db", "CREATE TABLE t(" + people +
                                                             "); CREATE VIEW people AS SELECT * FROM t; DROP TABLE t;"),
                 {"h.db: ", "no such table"});
    expect_error(edges.specs + " --source sqlite:" + edges.dir.write("text.db", "not a database\n"),
                 {"text.db: cannot read the database: file is not a database"});
    expect_error(edges.specs + " --source sqlite:" + edges.dir.file("missing.db"),
                 {"missing.db: cannot open the database file: No such file or directory"});
    expect_error(edges.specs + " --source sqlite:" + edges.dir.path, {"is not a regular file"});
    expect_error(edges.specs + " --source sqlite:", {"expected a database file after `sqlite:`"});
    expect_error(edges.specs + " --source mysql://db", {"expected `sqlite:PATH` or a PostgreSQL URL"});
    expect_error(edges.specs + edges.csv + " --source sqlite:" + edges.db, {"--data and --source both"});
    // The database is an input: --members -o never writes over it.
    expect_error(" --members named -o " + edges.db + edges.specs + " --source sqlite:" + edges.db,
                 {"refusing to write"});
    BOOST_TEST(read_file(edges.db).rfind("SQLite format 3", 0) == 0);
}

// --push-down: the counts query of `segmint sql` runs in SQLite and gives the counts eval gives; a rule SQLite's SQL
// does not translate, --members, and no --source are errors.
BOOST_AUTO_TEST_CASE(push_down_in_sqlite) {
    Edges edges;
    const std::string rules = edges.dir.write("plain.seg", R"(segment named: name is not null
segment empty_name: name = ""
segment unicode: name contains "ë"
segment high: score > 1.5
segment exact: score = 0.1
segment vips: vip
segment young: born > 2000-01-01 and born < today - 1 year
segment tier_a: tier = "a"
segment tagged: tags contains "x"
segment no_tags: length(tags) = 0
segment quoted: name contains "\"" and name matches "(?s)hi.*leave"
segment no_score: score is null
segment either: vips or no_score
)");
    const std::string specs =
        " --schema " + edges.dir.file("schema.yaml") + " --specs " + rules + " --as-of 2026-11-23";
    std::string expected, out, err;
    BOOST_TEST(run_segmint("eval --format csv" + specs + edges.csv, &expected, &err) == 0, err);
    BOOST_TEST(run_segmint("eval --format csv --push-down" + specs + " --source sqlite:" + edges.db, &out, &err) == 0,
               err);
    BOOST_TEST(out == expected);
    BOOST_TEST(expected.find(",0,") == std::string::npos, expected);  // every rule has a member
    BOOST_TEST(run_segmint("eval --format json --push-down" + specs + " --source sqlite:" + edges.db, &out, &err) == 0,
               err);
    BOOST_TEST(out.find("\"rows\": 4") != std::string::npos, out);
    expect_error(" --push-down" + edges.specs + " --source sqlite:" + edges.db,
                 {"--push-down: segment `spend` uses sums and averages of number values", "run without --push-down"});
    // Timestamps and event aggregates run in SQLite too, where the timestamps are INTEGER microseconds.
    const std::string timed = " --schema " + edges.dir.file("schema.yaml") + " --as-of 2026-11-23 --specs " +
                              edges.dir.write("timed.seg", R"(segment recent: seen_at after 2026-01-01T00:00:00Z
segment subsecond: seen_at > 2025-12-31T23:59:59Z and seen_at < 2026-01-01T00:00:00Z
segment buyers: count(orders) >= 1
segment last_buy: last(orders.amount) = 5.5 or not exists(orders.amount)
)");
    BOOST_TEST(run_segmint("eval --format csv" + timed + edges.csv, &expected, &err) == 0, err);
    BOOST_TEST(run_segmint("eval --format csv --push-down" + timed + " --source sqlite:" + edges.db, &out, &err) == 0,
               err);
    BOOST_TEST(out == expected);
    BOOST_TEST(expected.find(",0,") == std::string::npos, expected);
    const std::string text_times = edges.source_with("text_times.db", kSqliteTextTimes);
    BOOST_TEST(run_segmint("eval --format csv" + timed + text_times, &out, &err) == 0, err);
    BOOST_TEST(out == expected);  // loading reads ISO text
    expect_error(" --push-down" + timed + text_times,
                 {"column `seen_at` holds 3 timestamps that are not INTEGER microseconds"});
    expect_error(" --push-down --members vips" + specs + " --source sqlite:" + edges.db, {"counts only"});
    expect_error(" --push-down" + specs + edges.csv, {"--push-down runs the counts in a database"});
    expect_error(" --push-down" + specs + edges.source_with("p.db", "CREATE TABLE people(id INTEGER)"),
                 {"p.db: table `people` has no column `name`"});
}

// A password in a PostgreSQL URL never reaches a message.
BOOST_AUTO_TEST_CASE(passwords_are_masked) {
    using segmint::sources::mask_password;
    BOOST_TEST(mask_password("postgresql://ann:s3cret@db.example.com:5432/shop") ==
               "postgresql://ann:***@db.example.com:5432/shop");
    BOOST_TEST(mask_password("postgres://ann:p%40ss@host/db?sslmode=require&password=other") ==
               "postgres://ann:***@host/db?sslmode=require&password=***");
    BOOST_TEST(mask_password("postgresql://ann@host/db") == "postgresql://ann@host/db");
    BOOST_TEST(mask_password("sqlite:data.db") == "sqlite:data.db");
    std::string out, err;
    // Nothing listens on port 1 of this host's loopback: the connection is refused.
    BOOST_TEST(run_segmint("eval --schema " + source_dir() + "/specs/schema.yaml --specs " + source_dir() +
                               "/specs --source 'postgresql://ann:s3cretpw@127.0.0.1:1/shop?connect_timeout=5'",
                           &out, &err) == 2);
    BOOST_TEST(err.find("postgresql://ann:***@127.0.0.1:1/shop") != std::string::npos, err);
    BOOST_TEST(err.find("cannot connect") != std::string::npos, err);
    BOOST_TEST(err.find("s3cretpw") == std::string::npos, err);
    // A password holding `/`, `?` or `#` (not percent-encoded, as it should be) is masked up to the last `@`, and the
    // pieces libpq quotes when that character cut the URL elsewhere are masked too.
    BOOST_TEST(mask_password("postgresql://ann:pa/ss@host/db") == "postgresql://ann:***@host/db");
    BOOST_TEST(mask_password("postgresql://ann:pa?ss#x@host/db") == "postgresql://ann:***@host/db");
    for (const std::string password : {"S3cret/Pw9", "S3cret?Pw9", "S3cret#Pw9"}) {
        BOOST_TEST(run_segmint("eval --schema " + source_dir() + "/specs/schema.yaml --specs " + source_dir() +
                                   "/specs --source 'postgresql://ann:" + password + "@127.0.0.1:1/shop'",
                               &out, &err) == 2);
        BOOST_TEST(err.find("S3cret") == std::string::npos, err);
        BOOST_TEST(err.find("Pw9") == std::string::npos, err);
    }
}

BOOST_AUTO_TEST_SUITE_END()
