// Bad event CSV files (BAD_INPUTS.md, for the event reader data/events.cpp): each is a clear error at its line and
// column (exit 2 from the CLI) or loads as the customer CSV format says; never a crash or a silent misread.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/csv_loader.h"
#include "data/events.h"
#include "engine/aggregates.h"
#include "project/fixture.h"
#include "reference/reference_evaluator.h"
#include "schema/schema.h"
#include "test_support.h"

namespace {

using segmint::DiagnosticSink;
using segmint::Source;
using segmint::data::CsvError;
using segmint::data::CsvOptions;
using segmint::data::EventTable;
using segmint::data::Table;
using segmint::schema::Schema;

// orders: a timestamp time; visits: no time; logins: a date time.
const char* const kSchema =
    "table: customers\n"
    "key: id\n"
    "columns: {id: int, name: string}\n"
    "events:\n"
    "  orders:\n"
    "    key: customer\n"
    "    time: at\n"
    "    columns: {customer: int, at: timestamp, amount: number, units: int, channel: {type: enum, values: [web, "
    "store]}, note: string}\n"
    "  visits:\n"
    "    key: customer\n"
    "    columns: {customer: int, page: string}\n"
    "  logins:\n"
    "    key: customer\n"
    "    time: day\n"
    "    columns: {customer: int, day: date, ok: bool}\n";

const std::string kOrders = "customer,at,amount,units,channel,note\n";

struct Setup {
    Schema schema;
    Table customers;
};

const Setup& setup() {
    static const Setup s = [] {
        DiagnosticSink sink;
        auto schema = segmint::schema::load_schema(std::make_shared<Source>("schema.yaml", kSchema), sink);
        BOOST_TEST_REQUIRE(schema.has_value());
        CsvError error;
        auto customers = segmint::data::load_csv_text("id,name\n1,a\n2,b\n", "customers.csv", *schema, &error);
        BOOST_TEST_REQUIRE(customers.has_value(), error.to_string());
        return Setup{*schema, std::move(*customers)};
    }();
    return s;
}

std::optional<EventTable> load(const std::string& csv, size_t table = 0, CsvError* error = nullptr,
                               CsvOptions options = {}) {
    CsvError ignored;
    const auto& definition = setup().schema.events[table];
    return segmint::data::load_events_csv_text(csv, "e.csv", setup().customers, definition, error ? error : &ignored,
                                               options);
}

// The error as the CLI prints it, or "loaded".
std::string error_of(const std::string& csv, size_t table = 0, CsvOptions options = {}) {
    CsvError error;
    auto events = load(csv, table, &error, options);
    return events ? "loaded" : error.to_string();
}

// The events of the table, grouped, as "customer row: values of column `column`".
std::vector<std::string> column_of(const EventTable& events, const std::string& column) {
    std::vector<std::string> out;
    const auto& c = *events.table.find(column);
    for (uint64_t row = 0; row < events.table.rows(); ++row) {
        if (c.is_null(row)) {
            out.push_back("NULL");
        } else if (c.type == segmint::schema::ColumnType::Int) {
            out.push_back(std::to_string(c.int_at(row)));
        } else {
            out.push_back(std::string(c.string_at(row)));
        }
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(events_bad_inputs)

BOOST_AUTO_TEST_CASE(a_header_without_the_key_or_the_time_is_an_error) {
    BOOST_TEST(error_of("at,amount,units,channel,note\n2026-01-01T00:00:00Z,1,1,web,\n") ==
               "e.csv:1: error: the header has no column `customer`, which the schema requires");
    BOOST_TEST(error_of("customer,amount,units,channel,note\n1,1,1,web,\n") ==
               "e.csv:1: error: the header has no column `at`, which the schema requires");
    BOOST_TEST(error_of("page\n/a\n", 1) ==
               "e.csv:1: error: the header has no column `customer`, which the schema requires");
}

BOOST_AUTO_TEST_CASE(extra_columns_are_ignored_duplicate_names_are_an_error) {
    auto events = load(
        "extra,customer,at,amount,units,channel,note,more\n\"x\ny\",1,2026-01-01T00:00:00Z,1,1,web,,"
        "not checked\n");
    BOOST_TEST_REQUIRE(events.has_value());
    BOOST_TEST(events->table.rows() == 1u);
    BOOST_TEST(error_of("customer,at,amount,units,channel,note,customer\n1,2026-01-01T00:00:00Z,1,1,web,,1\n") ==
               "e.csv:1:7: error: duplicate column name `customer` in the header (also field 1)");
    BOOST_TEST(error_of("customer,page,page\n1,/a,/b\n", 1) ==
               "e.csv:1:3: error: duplicate column name `page` in the header (also field 2)");
}

// Each type's bad value, at its line and column (the header's name for the field).
BOOST_AUTO_TEST_CASE(bad_values_are_errors_at_their_line_and_column) {
    const std::string good = "1,2026-01-01T00:00:00Z,1,1,web,\n";
    BOOST_TEST(error_of(kOrders + good + "1,2026-01-01T00:00:00Z,1,1.5,web,\n") ==
               "e.csv:3:4: error: column `units`: expected int, found \"1.5\"");
    BOOST_TEST(error_of(kOrders + good + "1,2026-01-01T00:00:00Z,one,1,web,\n") ==
               "e.csv:3:3: error: column `amount`: expected number, found \"one\"");
    BOOST_TEST(error_of(kOrders + good + "1,2026-01-01T00:00:00Z,1,1,app,\n") ==
               "e.csv:3:5: error: column `channel`: expected one of web, store, found \"app\"");
    BOOST_TEST(error_of(kOrders + good + "1,2026-01-01T00:00:00Z,1,1,web,\xff\n") ==
               "e.csv:3:6: error: column `note`: expected string (valid UTF-8), found \"\\xff\"");
    BOOST_TEST(error_of(kOrders + good + "1,2026-01-01T00:00:00Z,nan,1,web,\n") ==
               "e.csv:3:3: error: column `amount`: expected number (NaN and infinity are not allowed), found \"nan\"");
    BOOST_TEST(error_of("customer,day,ok\n1,2026-01-01,maybe\n", 2) ==
               "e.csv:2:3: error: column `ok`: expected bool (true, false, 1, 0, t or f), found \"maybe\"");
    BOOST_TEST(error_of(kOrders + good + "1,2026-01-01T00:00:00Z,1\n") ==
               "e.csv:3:4: error: the record has 3 fields but the header has 6; `units` and later are missing");
    BOOST_TEST(error_of(kOrders + good + good.substr(0, good.size() - 1) + ",x\n") ==
               "e.csv:3:7: error: the record has more fields than the header's 6");
}

BOOST_AUTO_TEST_CASE(keys_of_the_wrong_type_are_errors_at_the_key) {
    BOOST_TEST(error_of(kOrders + "abc,2026-01-01T00:00:00Z,1,1,web,\n") ==
               "e.csv:2:1: error: column `customer`: expected int, found \"abc\"");
    BOOST_TEST(error_of(kOrders + "1.0,2026-01-01T00:00:00Z,1,1,web,\n") ==
               "e.csv:2:1: error: column `customer`: expected int, found \"1.0\"");
    BOOST_TEST(error_of(kOrders + "99999999999999999999,2026-01-01T00:00:00Z,1,1,web,\n") ==
               "e.csv:2:1: error: column `customer`: expected int (64-bit: -9223372036854775808 to "
               "9223372036854775807), found \"99999999999999999999\"");
    BOOST_TEST(error_of("customer,page\n1,/b\n x,/c\n", 1) ==
               "e.csv:3:1: error: column `customer`: expected int, found \" x\"");
    // `""` is NULL for an int: no key.
    BOOST_TEST(error_of("customer,page\n1,/b\n\"\",/a\n", 1) ==
               "e.csv:3: error: `customer` is empty: every event names the customer it belongs to");
}

BOOST_AUTO_TEST_CASE(times_out_of_range_are_errors_at_the_time) {
    BOOST_TEST(error_of(kOrders + "1,10000-01-01T00:00:00Z,1,1,web,\n") ==
               "e.csv:2:2: error: column `at`: expected timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z), found "
               "\"10000-01-01T00:00:00Z\"");
    BOOST_TEST(error_of(kOrders + "1,0000-12-31T00:00:00Z,1,1,web,\n") ==
               "e.csv:2:2: error: column `at`: expected timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z), found "
               "\"0000-12-31T00:00:00Z\"");
    BOOST_TEST(error_of(kOrders + "1,2025-02-29T00:00:00Z,1,1,web,\n") ==
               "e.csv:2:2: error: column `at`: expected timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z), found "
               "\"2025-02-29T00:00:00Z\"");
    BOOST_TEST(error_of(kOrders + "1,2026-01-01T24:00:01Z,1,1,web,\n") ==
               "e.csv:2:2: error: column `at`: expected timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z), found "
               "\"2026-01-01T24:00:01Z\"");
    BOOST_TEST(error_of("customer,day,ok\n1,2026-13-01,true\n", 2) ==
               "e.csv:2:2: error: column `day`: expected a date that exists (YYYY-MM-DD), found \"2026-13-01\"");
    BOOST_TEST(error_of("customer,day,ok\n1,0000-01-01,true\n", 2) ==
               "e.csv:2:2: error: column `day`: expected a date that exists (YYYY-MM-DD), found \"0000-01-01\"");
    // The extremes load and sort.
    auto events = load(kOrders + "1,9999-12-31T23:59:59.999999Z,1,1,web,last\n1,0001-01-01T00:00:00Z,1,1,web,first\n");
    BOOST_TEST_REQUIRE(events.has_value());
    BOOST_TEST((column_of(*events, "note") == std::vector<std::string>{"first", "last"}));
    auto days = load("customer,day,ok\n2,9999-12-31,t\n2,0001-01-01,f\n", 2);
    BOOST_TEST_REQUIRE(days.has_value());
    BOOST_TEST((days->offsets == std::vector<uint64_t>{0, 0, 2}));
    BOOST_TEST(days->table.find("ok")->bools.get(0) == 0);  // 0001-01-01 first
    BOOST_TEST(days->table.find("day")->i32[0] < days->table.find("day")->i32[1]);
}

// CRLF, a lone CR, a BOM and empty lines load as LF does; a quoted line break counts in later errors' lines.
BOOST_AUTO_TEST_CASE(line_ends_bom_and_quoted_line_breaks) {
    const std::string lf = kOrders + "2,2026-01-02T00:00:00Z,1,1,web,b\n\n1,2026-01-01T00:00:00Z,1,1,web,a\n";
    for (const char* end : {"\r\n", "\r"}) {
        std::string text = "\xEF\xBB\xBF";
        for (char c : lf) text += c == '\n' ? end : std::string(1, c);
        auto events = load(text);
        BOOST_TEST_REQUIRE(events.has_value(), error_of(text));
        BOOST_TEST((events->offsets == std::vector<uint64_t>{0, 1, 2}));
        BOOST_TEST((column_of(*events, "note") == std::vector<std::string>{"a", "b"}));
    }
    auto quoted = load(kOrders + "1,2026-01-01T00:00:00Z,1,1,web,\"two\r\nlines\"\n");
    BOOST_TEST_REQUIRE(quoted.has_value());
    BOOST_TEST((column_of(*quoted, "note") == std::vector<std::string>{"two\r\nlines"}));
    const std::string two_lines = kOrders + "1,2026-01-01T00:00:00Z,1,1,web,\"a\nb\"\n";
    BOOST_TEST(error_of(two_lines + "1,2026-01-01T00:00:00Z,1,x,web,\n") ==
               "e.csv:4:4: error: column `units`: expected int, found \"x\"");
    BOOST_TEST(error_of(two_lines + "1,,1,1,web,\n") ==
               "e.csv:4: error: `at` is empty: every event of `orders` has a time");
    BOOST_TEST(error_of(two_lines + ",2026-01-01T00:00:00Z,1,1,web,\n") ==
               "e.csv:4: error: `customer` is empty: every event names the customer it belongs to");
    BOOST_TEST(error_of(kOrders + "1,2026-01-01T00:00:00Z,1,1,web,\"open\n") ==
               "e.csv:2:6: error: unterminated quoted field: the quote opened here is never closed");
}

BOOST_AUTO_TEST_CASE(an_empty_file_is_an_error_a_header_alone_has_no_events) {
    BOOST_TEST(error_of("") == "e.csv: error: no header: the file is empty (expected a header row naming the columns)");
    BOOST_TEST(error_of("\xEF\xBB\xBF\r\n") ==
               "e.csv: error: no header: the file is empty (expected a header row naming the columns)");
    for (const std::string& text : {kOrders, kOrders.substr(0, kOrders.size() - 1)}) {
        auto events = load(text);
        BOOST_TEST_REQUIRE(events.has_value());
        BOOST_TEST(events->table.rows() == 0u);
        BOOST_TEST((events->offsets == std::vector<uint64_t>{0, 0, 0}));
        BOOST_TEST(events->orphans == 0u);
    }
}

// Fixtures load their inline events with the facts off (a test may try values outside them); an event still needs
// its key and its time, or it would be grouped by a time it does not have.
BOOST_AUTO_TEST_CASE(key_and_time_are_required_with_the_facts_off) {
    CsvOptions no_facts;
    no_facts.check_facts = false;
    BOOST_TEST(error_of(kOrders + "1,2026-01-01T00:00:00Z,-5,1,web,\n1,,1,1,web,\n", 0, no_facts) ==
               "e.csv:3: error: `at` is empty: every event of `orders` has a time");
    BOOST_TEST(error_of("customer,page\n,/a\n", 1, no_facts) ==
               "e.csv:2: error: `customer` is empty: every event names the customer it belongs to");
    // An empty time in a fixture reads as NULL (`""` is NULL for a timestamp): an error at that event.
    const std::string text =
        "as_of: 2026-02-01\ncustomers:\n  - {id: 1, orders: [{at: \"\", amount: 2}]}\nexpect: {}\n";
    DiagnosticSink sink;
    auto fixture = segmint::project::load_fixture(std::make_shared<Source>("f.yaml", text), setup().schema, sink);
    BOOST_TEST(!fixture.has_value());
    BOOST_TEST_REQUIRE(!sink.diagnostics().empty());
    BOOST_TEST(sink.diagnostics()[0].message ==
               "customers[0].orders[0]: `at` is empty: every event of `orders` has a time");
}

// The CLI: a bad event file is exit 2 with the file, line and column; never a crash.
BOOST_AUTO_TEST_CASE(the_cli_exits_2_at_the_bad_event) {
    segmint::testing::TempDir dir("segmint-events-bad");
    const std::string schema = dir.write("schema.yaml", kSchema);
    const std::string specs = dir.write("s.seg", "segment buyers: count(orders) > 0\n");
    const std::string customers = dir.write("customers.csv", "id,name\n1,a\n2,b\n");
    const std::string base = "eval " + specs + " --schema " + schema + " --data " + customers + " --as-of 2026-02-01";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {kOrders + "1,2026-01-01T00:00:00Z,1,1,web,\"a\nb\"\n1,2026-01-01T00:00:00Z,1,x,web,\n",
         "bad.csv:4:4: error: column `units`: expected int, found \"x\""},
        {"", "bad.csv: error: no header: the file is empty"},
        {"customer,customer\n", "bad.csv:1:2: error: duplicate column name `customer`"},
        {kOrders + "abc,2026-01-01T00:00:00Z,1,1,web,\n", "bad.csv:2:1: error: column `customer`: expected int"},
    };
    for (const auto& [csv, expected] : cases) {
        dir.write("bad.csv", csv);
        std::string out, err;
        BOOST_TEST(segmint::testing::run_segmint(base + " --events orders=" + dir.path + "/bad.csv", &out, &err) == 2);
        BOOST_TEST(err.find(expected) != std::string::npos, err);
    }
}

// Event data belongs to customers and is read from a file: `--events T=-` (standard input is the customers', read
// once) and `--events` without customers (validate would prove and never read it) are usage errors, not ignored.
BOOST_AUTO_TEST_CASE(event_flags_that_would_go_unread_are_usage_errors) {
    using namespace segmint::testing;
    TempDir dir("events_cli");
    const std::string data = generate_demo_data(dir.path, 50, 3);
    std::string out, err;
    BOOST_TEST(run_segmint("validate --project specs --events orders=" + dir.file("orders.csv"), &out, &err) == 2);
    BOOST_TEST(err.find("no customers are given; pass --data FILE") != std::string::npos, err);
    BOOST_TEST(run_segmint("eval --project specs --data " + dir.file("customers.csv") + " --events orders=- < " +
                               dir.file("orders.csv"),
                           &out, &err) == 2);
    BOOST_TEST(err.find("--events orders=-: event data is read from a file, not standard input") != std::string::npos,
               err);
    BOOST_TEST(run_segmint("eval --project specs --data " + data, &out, &err) == 0, err);
}

BOOST_AUTO_TEST_SUITE_END()
