// The CSV loader (src/data/csv_loader): every type, NULLs, quoting, line ends, chunk boundaries (suite csv), and the
// CSV cases of BAD_INPUTS.md 26-35, each with the exact error position (suite csv_bad_inputs).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "common/calendar.h"
#include "data/csv_loader.h"
#include "test_support.h"

namespace {

using segmint::data::CsvError;
using segmint::data::CsvOptions;
using segmint::data::Table;
using segmint::schema::ColumnType;

using segmint::testing::TempDir;

// One column of each type.
segmint::schema::Schema csv_schema() {
    segmint::schema::Schema schema;
    auto add = [&](const std::string& name, ColumnType type, std::vector<std::string> values = {}) {
        segmint::testing::add_column(schema, name, type, std::move(values));
    };
    add("id", ColumnType::Int);
    add("score", ColumnType::Number);
    add("name", ColumnType::String);
    add("active", ColumnType::Bool);
    add("born", ColumnType::Date);
    add("seen", ColumnType::Timestamp);
    add("tier", ColumnType::Enum, {"bronze", "silver", "gold"});
    add("tags", ColumnType::StringList);
    schema.key = "id";
    return schema;
}

const std::string kHeader = "id,score,name,active,born,seen,tier,tags\n";
const std::vector<std::string> kRow = {"1",    "2.5",    "Ann", "true", "2020-01-31", "2020-01-31T10:00:00Z",
                                       "gold", "vip|new"};

// A valid data row with field `index` (0-based) replaced.
std::string row_with(size_t index, const std::string& value) {
    std::string row;
    for (size_t i = 0; i < kRow.size(); ++i) {
        if (i > 0) row += ',';
        row += i == index ? value : kRow[i];
    }
    return row + "\n";
}

struct Loaded {
    std::optional<Table> table;
    CsvError error;
};

// Most cases here are about values, in rows that share the key 1: the key check has cases of its own
// (key_column_*), which turn it on.
CsvOptions values_only() {
    CsvOptions options;
    options.check_key = false;
    return options;
}

Loaded load(const std::string& text, const CsvOptions& options = values_only()) {
    Loaded result;
    result.table = segmint::data::load_csv_text(text, "t.csv", csv_schema(), &result.error, options);
    return result;
}

// The error text for `text`, or "ok" when it loads.
std::string error_of(const std::string& text, const CsvOptions& options = values_only()) {
    auto result = load(text, options);
    return result.table ? "ok" : result.error.to_string();
}

// Every value of the table as text, one line per row, for comparing loads.
std::string dump(const Table& table) {
    std::string out;
    for (uint64_t row = 0; row < table.rows(); ++row) {
        for (size_t c = 0; c < table.column_count(); ++c) {
            const auto& column = table.column(c);
            if (c > 0) out += ", ";
            if (column.is_null(row)) {
                out += "NULL";
                continue;
            }
            switch (column.type) {
                case ColumnType::Int: out += std::to_string(column.int_at(row)); break;
                case ColumnType::Number: {
                    char digits[32];
                    auto end = std::to_chars(digits, digits + sizeof digits, column.f64[row]).ptr;
                    out.append(digits, end);
                    break;
                }
                case ColumnType::String:
                case ColumnType::Enum: out += "[" + std::string(column.string_at(row)) + "]"; break;
                case ColumnType::Bool: out += column.bools.get(row) ? "true" : "false"; break;
                case ColumnType::Date: out += segmint::calendar::format_date(column.i32[row]); break;
                case ColumnType::Timestamp: out += segmint::calendar::format_timestamp(column.i64[row]); break;
                case ColumnType::StringList: {
                    out += "{";
                    for (uint64_t i = column.list_begin(row); i < column.list_end(row); ++i) {
                        if (i > column.list_begin(row)) out += "|";
                        out += column.dictionary.value(column.list_codes[i]);
                    }
                    out += "}";
                    break;
                }
            }
        }
        out += "\n";
    }
    return out;
}

std::string dump_of(const std::string& text, const CsvOptions& options = values_only()) {
    auto result = load(text, options);
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    return dump(*result.table);
}

const std::string kValidRowDump = "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n";

// A file exercising every feature of the format, for chunk-boundary comparisons.
std::string feature_rich_text() {
    std::string text =
        "\xEF\xBB\xBF"
        "extra,id,score,name,active,born,seen,tier,tags\r\n";
    text += "ignored,1,2.5,Ann,true,2020-01-31,2020-01-31T10:00:00Z,gold,vip|new\r\n";
    text +=
        "\"x,\"\"y\"\"\",2,-1e3,\"Smith, \"\"J\"\"\r\nline\",FALSE,2024-02-29,2024-02-29 23:59:59.5+01:00,bronze,\r";
    text += ",,,,,,,,\n";
    text += "z,3,,\"\",0,,2000-01-01T00:00Z,\"\",\"\"\n";
    text += "\n";
    text += "z,4,.5,\"Zoë\",1,1999-12-31,1999-12-31T23:59:59Z,silver,a||b\r\n";
    text += "\"\",5,+7,\"\"\"\",True,2001-02-03,2001-02-03T04:05:06.000007Z,\"gold\",\"l1\nl2|x\"";
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(every_type_is_parsed) {
    auto result = load(kHeader + row_with(99, ""));
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    const Table& table = *result.table;
    BOOST_TEST(table.rows() == 1u);
    BOOST_TEST(table.column(0).int_at(0) == 1);
    BOOST_TEST(table.column(1).f64[0] == 2.5);
    BOOST_TEST(table.column(2).string_at(0) == "Ann");
    BOOST_TEST(table.column(3).bools.get(0) == 1);
    BOOST_TEST(table.column(4).i32[0] == *segmint::calendar::parse_date("2020-01-31"));
    BOOST_TEST(table.column(5).i64[0] == *segmint::calendar::parse_timestamp("2020-01-31T10:00:00Z"));
    BOOST_TEST(table.column(6).code_at(0) == 2);  // enum code = index in the schema's values
    BOOST_TEST(table.column(7).list_offsets.size() == 2u);
    BOOST_TEST(table.column(7).list_codes.size() == 2u);
    BOOST_TEST(dump(table) == kValidRowDump);
    for (size_t c = 0; c < table.column_count(); ++c) {
        BOOST_TEST(table.column(c).size == 1u);
        BOOST_TEST(table.column(c).validity.count() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(ints) {
    BOOST_TEST(dump_of(kHeader + row_with(0, "+5") + row_with(0, "-5") + row_with(0, "007") +
                       row_with(0, "9223372036854775807") + row_with(0, "-9223372036854775808") +
                       row_with(0, "\"12\"")) ==
               dump_of(kHeader + row_with(0, "5") + row_with(0, "-5") + row_with(0, "7") +
                       row_with(0, "9223372036854775807") + row_with(0, "-9223372036854775808") + row_with(0, "12")));
    for (const char* bad : {"-", "+", "+-5", "1.0", "1e3", " 1", "1 ", "0x10", "1_000", "--1", "12a", "1-"}) {
        BOOST_TEST(error_of(kHeader + row_with(0, bad)).find("t.csv:2:1: error: column `id`: expected int") == 0u, bad);
    }
    // Up to 18 digits take a path of their own (no overflow possible), longer ones the checked one: both sides of
    // that line, and overflow just past the 64-bit range.
    BOOST_TEST(dump_of(kHeader + row_with(0, "999999999999999999") + row_with(0, "-999999999999999999") +
                       row_with(0, "1000000000000000000") + row_with(0, "-0") + row_with(0, "0000000000000000000042")) ==
               dump_of(kHeader + row_with(0, "999999999999999999") + row_with(0, "-999999999999999999") +
                       row_with(0, "1000000000000000000") + row_with(0, "0") + row_with(0, "42")));
    BOOST_TEST(load(kHeader + row_with(0, "123456789012345678")).table->column(0).int_at(0) == 123456789012345678);
    BOOST_TEST(load(kHeader + row_with(0, "-123456789012345678")).table->column(0).int_at(0) == -123456789012345678);
    for (const char* overflow : {"9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
        BOOST_TEST(error_of(kHeader + row_with(0, overflow)).find("expected int (64-bit") != std::string::npos,
                   overflow);
    }
}

// The key names a customer: every record has one, and no two share one; the error names both lines.
BOOST_AUTO_TEST_CASE(key_column_must_be_set_and_unique) {
    const CsvOptions checked;  // check_key is on by default
    auto with_key = [](const std::string& key) { return row_with(0, key); };
    BOOST_TEST(error_of(kHeader + with_key("1") + with_key("2") + with_key("1"), checked) ==
               "t.csv:4:1: error: column `id`: key 1 is also the key on line 2; every customer has a key of its own");
    BOOST_TEST(error_of(kHeader + with_key("1") + with_key(""), checked) ==
               "t.csv:3:1: error: column `id`: the key is empty; every customer needs one (the schema's `key`)");
    BOOST_TEST(error_of(kHeader + with_key("1") + with_key("\"\""), checked) ==
               "t.csv:3:1: error: column `id`: the key is empty; every customer needs one (the schema's `key`)");
    // Lines count line breaks inside quotes and skip empty lines; the earliest repeat is reported, whatever the
    // order of the keys; `+7` and `007` are the key 7.
    const std::string text = kHeader + with_key("9") + "\n" + row_with(2, "\"two\nlines\"") + with_key("+7") +
                             with_key("3") + with_key("007") + with_key("9");
    BOOST_TEST(error_of(text, checked) ==
               "t.csv:8:1: error: column `id`: key 7 is also the key on line 6; every customer has a key of its own");
    for (unsigned threads : {2u, 3u}) {
        CsvOptions parallel = checked;
        parallel.threads = threads;
        parallel.min_bytes_per_thread = 1;
        BOOST_TEST(error_of(text, parallel) == error_of(text, checked));
    }
    BOOST_TEST(error_of(kHeader + with_key("3") + with_key("1") + with_key("2"), checked) == "ok");
}

BOOST_AUTO_TEST_CASE(key_column_of_strings) {
    segmint::schema::Schema schema;
    segmint::testing::add_column(schema, "email", ColumnType::String);
    segmint::testing::add_column(schema, "age", ColumnType::Int);
    schema.key = "email";
    CsvError error;
    BOOST_TEST(!segmint::data::load_csv_text("age,email\n1,a@x\n2,b@x\n3,\"a@x\"\n", "k.csv", schema, &error));
    BOOST_TEST(error.to_string() ==
               "k.csv:4:2: error: column `email`: key \"a@x\" is also the key on line 2; every customer has a key of "
               "its own");
    // The empty string is a key like any other, but only one customer can have it.
    BOOST_TEST(segmint::data::load_csv_text("age,email\n1,\"\"\n2,b\n", "k.csv", schema, &error).has_value());
    BOOST_TEST(!segmint::data::load_csv_text("age,email\n1,\"\"\n2,\"\"\n", "k.csv", schema, &error));
    BOOST_TEST(!segmint::data::load_csv_text("age,email\n1,x\n2,\n", "k.csv", schema, &error));
    BOOST_TEST(error.to_string().find("k.csv:3:2: error: column `email`: the key is empty") == 0u);
}

BOOST_AUTO_TEST_CASE(numbers) {
    auto result = load(kHeader + row_with(1, "-1e3") + row_with(1, ".5") + row_with(1, "1.") + row_with(1, "+1.25") +
                       row_with(1, "1E-2") + row_with(1, "4.9e-324") + row_with(1, "-0") + row_with(1, "12"));
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    const auto& f64 = result.table->column(1).f64;
    BOOST_TEST(f64[0] == -1000.0);
    BOOST_TEST(f64[1] == 0.5);
    BOOST_TEST(f64[2] == 1.0);
    BOOST_TEST(f64[3] == 1.25);
    BOOST_TEST(f64[4] == 0.01);
    BOOST_TEST(f64[5] == 4.9e-324);  // a subnormal is a value (below it: an error, case_31)
    BOOST_TEST(f64[6] == 0.0);
    BOOST_TEST(f64[7] == 12.0);
    for (const char* bad : {"1e", "e5", ".", "+-1", "1,5", "0x1p3", "1.2.3", "- 1"}) {
        auto error = error_of(kHeader + row_with(1, std::string("\"") + bad + "\""));
        BOOST_TEST(error.find("t.csv:2:2: error: column `score`: expected number") == 0u, bad << ": " << error);
    }
}

BOOST_AUTO_TEST_CASE(bools) {
    BOOST_TEST(dump_of(kHeader + row_with(3, "TRUE") + row_with(3, "False") + row_with(3, "1") + row_with(3, "0") +
                       row_with(3, "tRuE") + row_with(3, "t") + row_with(3, "F")) ==
               dump_of(kHeader + row_with(3, "true") + row_with(3, "false") + row_with(3, "true") +
                       row_with(3, "false") + row_with(3, "true") + row_with(3, "true") + row_with(3, "false")));
    for (const char* bad : {"yes", "tr", "2", "truee", "on", "ff"}) {
        BOOST_TEST(error_of(kHeader + row_with(3, bad)) == std::string("t.csv:2:4: error: column `active`: expected "
                                                                       "bool (true, false, 1, 0, t or f), found \"") +
                                                               bad + "\"");
    }
}

BOOST_AUTO_TEST_CASE(dates_and_timestamps) {
    auto result = load(kHeader + row_with(4, "2024-02-29") + row_with(5, "2026-11-23 14:05") +
                       row_with(5, "2026-11-23T14:05:00.123456+02:00"));
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    BOOST_TEST(result.table->column(4).i32[0] == *segmint::calendar::parse_date("2024-02-29"));
    BOOST_TEST(result.table->column(5).i64[1] == *segmint::calendar::parse_timestamp("2026-11-23T14:05:00Z"));
    BOOST_TEST(result.table->column(5).i64[2] == *segmint::calendar::parse_timestamp("2026-11-23T12:05:00.123456Z"));
    BOOST_TEST(error_of(kHeader + row_with(4, "2026/11/23")) ==
               "t.csv:2:5: error: column `born`: expected date (YYYY-MM-DD), found \"2026/11/23\"");
    BOOST_TEST(error_of(kHeader + row_with(5, "2026-11-23T25:00:00Z")) ==
               "t.csv:2:6: error: column `seen`: expected timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z), found "
               "\"2026-11-23T25:00:00Z\"");
}

// What `psql -c "\\copy customers TO 'c.csv' CSV HEADER"` writes: t/f, `+00`/`+0530` offsets after a space, text[]
// as `{a,b}` with quoted items where needed. Each form reads as its ISO/Segmint twin; what cannot be a list<string>
// (a NULL item, a nested array, a malformed literal) is an error at its line and column, never a one-item list.
BOOST_AUTO_TEST_CASE(postgresql_csv_export) {
    const std::string psql = kHeader +
                             "1,2.5,Ann,t,2020-01-31,2026-09-13 01:48:14+00,gold,\"{running,bargain_hunter}\"\n"
                             "1,2.5,Ann,f,2020-01-31,2026-09-13 07:18:14.5+0530,gold,{}\n"
                             "1,2.5,Ann,t,2020-01-31,2026-09-12 21:48:14-04,gold,\"{\"\"a b\"\",\"\"say \\\"\"hi\\\"\"\"\",\"\"NULL\"\", x ,c\\,d}\"\n";
    const std::string iso = kHeader +
                            "1,2.5,Ann,true,2020-01-31,2026-09-13T01:48:14Z,gold,running|bargain_hunter\n"
                            "1,2.5,Ann,false,2020-01-31,2026-09-13T01:48:14.5Z,gold,\"\"\n"
                            "1,2.5,Ann,true,2020-01-31,2026-09-13T01:48:14Z,gold,\"a b|say \"\"hi\"\"|NULL|x|c,d\"\n";
    BOOST_TEST(dump_of(psql) == dump_of(iso));
    const struct {
        const char* field;
        const char* why;
    } bad[] = {
        {"\"{a,NULL}\"", "list items that are not NULL"},
        {"\"{{a},{b}}\"", "a one-dimensional array"},
        {"\"{a,\"\"b}\"", "an array item whose quote is closed"},
        {"\"{a,,b}\"", "an array literal without empty items"},
        {"{a}b}", "nothing after the array's closing `}`"},
        {"\"{a,b\"", "an array literal that ends with `}`"},
        {"{a}|b", "nothing after the array's closing `}`"},
        {"[0:0]={a}", "an array without explicit bounds"},
        {"\"[0:0][1:2]={{a,b}}\"", "an array without explicit bounds"},
        {"\"{\"\"a\"\" b}\"", "`,` or `}` after an array item"},
    };
    for (const auto& c : bad) {
        const std::string error = error_of(kHeader + row_with(7, c.field));
        BOOST_TEST(error.find("t.csv:2:8: error: column `tags`: expected list<string> in PostgreSQL's array form: " +
                              std::string(c.why)) == 0u,
                   c.field << ": " << error);
    }
    for (const char* zone : {"+5", "+053", "+05:3", "+24", "+0560", "+05:30:00"}) {
        BOOST_TEST(error_of(kHeader + row_with(5, std::string("2026-09-13 01:48:14") + zone)).find("expected timestamp") !=
                       std::string::npos,
                   zone);
    }
}

BOOST_AUTO_TEST_CASE(enums_must_be_schema_values) {
    BOOST_TEST(dump_of(kHeader + row_with(6, "bronze") + row_with(6, "\"silver\"")) ==
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [bronze], {vip|new}\n"
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [silver], {vip|new}\n");
    BOOST_TEST(error_of(kHeader + row_with(6, "Gold")) ==
               "t.csv:2:7: error: column `tier`: expected one of bronze, silver, gold, found \"Gold\"");
}

BOOST_AUTO_TEST_CASE(strings_are_dictionary_encoded) {
    auto result = load(kHeader + row_with(2, "b") + row_with(2, "a") + row_with(2, "b") + row_with(2, "\"a\""));
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    const auto& name = result.table->column(2);
    BOOST_TEST(name.dictionary.values == std::vector<std::string>({"b", "a"}));
    BOOST_TEST(name.code_width == 1);  // two values: one byte a code
    for (uint64_t row = 0; row < 4; ++row) BOOST_TEST(name.code_at(row) == static_cast<int32_t>(row % 2));
}

// Past the first 4,096 rows a column of mostly distinct strings is interned at the end of each record (after a
// prefetch): codes must still follow first-seen order, whatever the read chunk size, and a bad value later in the
// record must still be reported.
BOOST_AUTO_TEST_CASE(mostly_distinct_strings_keep_first_seen_order) {
    std::string text = kHeader;
    for (int i = 0; i < 6000; ++i) text += row_with(2, i % 3 == 2 ? "n" + std::to_string(i - 1) : "n" + std::to_string(i));
    for (size_t buffer : {size_t{1} << 20, size_t{7}}) {
        CsvOptions options = values_only();
        options.buffer_bytes = buffer;
        auto result = load(text, options);
        BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
        const auto& name = result.table->column(2);
        BOOST_TEST(name.dictionary.size() == 4000u);
        int32_t next_code = 0;
        for (int i = 0; i < 6000; ++i) {
            const int expected_value = i % 3 == 2 ? i - 1 : i;
            BOOST_REQUIRE(name.string_at(static_cast<uint64_t>(i)) == "n" + std::to_string(expected_value));
            if (i % 3 != 2) BOOST_REQUIRE(name.code_at(static_cast<uint64_t>(i)) == next_code++);
        }
        BOOST_TEST(name.data_bytes() <= name.byte_size());
    }
    BOOST_TEST(error_of(text + row_with(2, "late") + row_with(6, "Gold")) ==
               "t.csv:6003:7: error: column `tier`: expected one of bronze, silver, gold, found \"Gold\"");
}

BOOST_AUTO_TEST_CASE(lists_split_on_bars) {
    BOOST_TEST(dump_of(kHeader + row_with(7, "a") + row_with(7, "a|b|a") + row_with(7, "a||b") + row_with(7, "|") +
                       row_with(7, "\"x,y|z\"")) ==
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {a}\n"
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {a|b|a}\n"
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {a||b}\n"
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {|}\n"
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {x,y|z}\n");
    auto result = load(kHeader + row_with(7, "a|b|a"));
    BOOST_REQUIRE(result.table);
    BOOST_TEST(result.table->column(7).dictionary.size() == 2u);  // items share the column's dictionary
}

BOOST_AUTO_TEST_CASE(empty_fields_are_null_and_quoted_empty_is_documented) {
    // Unquoted empty: NULL everywhere. Quoted "": empty string / empty list for string / list<string>, else NULL.
    auto result = load(kHeader + ",,,,,,,\n" + "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n");
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    const Table& table = *result.table;
    BOOST_TEST(dump(table) ==
               "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL\n"
               "NULL, NULL, [], NULL, NULL, NULL, NULL, {}\n");
    // NULL slots hold zero values.
    BOOST_TEST(table.column(0).i64[0] == 0);
    BOOST_TEST(table.column(1).f64[0] == 0.0);
    BOOST_TEST(table.column(3).bools.get(0) == 0);
    BOOST_TEST(table.column(7).list_offsets == std::vector<uint64_t>({0, 0, 0}));
    for (size_t c = 0; c < table.column_count(); ++c) BOOST_TEST(table.column(c).validity.get(0) == false);
}

BOOST_AUTO_TEST_CASE(quoting_follows_rfc_4180) {
    BOOST_TEST(dump_of(kHeader + row_with(2, "\"Smith, \"\"J\"\"\"") + row_with(2, "\"two\nlines\"") +
                       row_with(2, "\"\"\"\"")) ==
               "1, 2.5, [Smith, \"J\"], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n"
               "1, 2.5, [two\nlines], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n"
               "1, 2.5, [\"], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n");
    // Values are not trimmed.
    BOOST_TEST(dump_of(kHeader + row_with(2, " a ")) ==
               "1, 2.5, [ a ], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n");
}

BOOST_AUTO_TEST_CASE(header_order_and_ignored_columns) {
    auto result = load(
        "tags,junk,tier,seen,born,active,name,score,id\n"
        "a|b,\"not, validated \xff\",silver,2020-01-01T00:00:00Z,2020-01-01,0,Bo,1.5,9\n");
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    BOOST_TEST(dump(*result.table) == "9, 1.5, [Bo], false, 2020-01-01, 2020-01-01T00:00:00Z, [silver], {a|b}\n");
    BOOST_TEST(result.table->column(0).name == "id");  // schema order, not file order
}

BOOST_AUTO_TEST_CASE(empty_lines_are_skipped) {
    BOOST_TEST(dump_of("\n\r\n" + kHeader + "\n" + row_with(99, "") + "\r\n\r\r\n") == kValidRowDump);
    // Line numbers still count them.
    BOOST_TEST(error_of("\n" + kHeader + "\n\n" + row_with(0, "x")) ==
               "t.csv:5:1: error: column `id`: expected int, found \"x\"");
}

BOOST_AUTO_TEST_CASE(utf8_strings_are_kept) {
    BOOST_TEST(dump_of(kHeader + row_with(2, "Zoë 東京 🎉") + row_with(7, "été|ñ")) ==
               "1, 2.5, [Zoë 東京 🎉], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n"
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {été|ñ}\n");
}

BOOST_AUTO_TEST_CASE(chunk_boundaries_do_not_change_the_result) {
    const std::string text = feature_rich_text();
    const std::string expected = dump_of(text);
    BOOST_TEST(expected ==
               "1, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n"
               "2, -1000, [Smith, \"J\"\r\nline], false, 2024-02-29, 2024-02-29T22:59:59.500000Z, [bronze], NULL\n"
               "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL\n"
               "3, NULL, [], false, NULL, 2000-01-01T00:00:00Z, NULL, {}\n"
               "4, 0.5, [Zoë], true, 1999-12-31, 1999-12-31T23:59:59Z, [silver], {a||b}\n"
               "5, 7, [\"], true, 2001-02-03, 2001-02-03T04:05:06.000007Z, [gold], {l1\nl2|x}\n");
    for (size_t buffer = 1; buffer <= 40; ++buffer) {
        CsvOptions options = values_only();
        options.buffer_bytes = buffer;
        BOOST_TEST(dump_of(text, options) == expected, "buffer of " << buffer << " bytes");
    }
    // Errors report the same place whatever the chunk size.
    const std::string bad = text + "\nq,6,1,\"a\nb\",true,2020-01-01,,gold,\"x\ny\"\nq,7,1,a,maybe,,,,\n";
    for (size_t buffer : {1, 2, 3, 5, 7, 8, 13, 64, 1 << 20}) {
        CsvOptions options = values_only();
        options.buffer_bytes = buffer;
        BOOST_TEST(error_of(bad, options) ==
                       "t.csv:14:5: error: column `active`: expected bool (true, false, 1, 0, t or f), found \"maybe\"",
                   "buffer of " << buffer << " bytes");
    }
}

BOOST_AUTO_TEST_CASE(a_cr_at_the_end_of_a_chunk) {
    // The CR of a CRLF as the last byte of a chunk must not end a record early (and count an extra line).
    std::string text = "id,score,name,active,born,seen,tier,tags\r\n";
    for (int i = 0; i < 30; ++i) text += "1,2.5,\"a\r\nb\",true,,,,\r\n";
    text += "x,,,,,,,\r\n";
    for (size_t buffer = 4; buffer <= 48; ++buffer) {
        CsvOptions options = values_only();
        options.buffer_bytes = buffer;
        BOOST_TEST(error_of(text, options) == "t.csv:62:1: error: column `id`: expected int, found \"x\"",
                   "buffer of " << buffer << " bytes");
    }
}

BOOST_AUTO_TEST_CASE(random_inputs_agree_across_chunk_sizes) {
    // Random mixes of delimiters, quotes, line ends and values: every chunk size must give the same table or the same
    // error as one big buffer. The seed is fixed, so a failure reproduces.
    const std::vector<std::string> pieces = {",",          ",",
                                             ",",          "\"",
                                             "\"\"",       "\n",
                                             "\r\n",       "\r",
                                             "1",          "-7",
                                             "2.5",        "a",
                                             "x|y",        "true",
                                             "2020-01-01", "2020-01-01T00:00:00Z",
                                             "gold",       "\xEF\xBB\xBF",
                                             "\xff",       "é",
                                             " "};
    uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int round = 0; round < 1500; ++round) {
        std::string text = round % 4 == 0 ? "" : kHeader;
        const size_t length = next() % 60;
        for (size_t i = 0; i < length; ++i) text += pieces[next() % pieces.size()];
        auto expected = load(text);
        const std::string want = expected.table ? dump(*expected.table) : expected.error.to_string();
        for (size_t buffer : {4, 5, 7, 16}) {
            CsvOptions options = values_only();
            options.buffer_bytes = buffer;
            auto got = load(text, options);
            const std::string have = got.table ? dump(*got.table) : got.error.to_string();
            BOOST_REQUIRE_MESSAGE(have == want, "round " << round << ", buffer " << buffer);
        }
    }
}

BOOST_AUTO_TEST_CASE(progress_is_reported) {
    std::string text = kHeader;
    for (int i = 0; i < 2000; ++i) text += row_with(99, "");
    std::vector<std::pair<uint64_t, uint64_t>> calls;
    CsvOptions options = values_only();
    options.buffer_bytes = 4096;
    options.progress_interval_bytes = 16384;
    options.progress = [&](uint64_t read, uint64_t total) { calls.emplace_back(read, total); };
    auto result = load(text, options);
    BOOST_REQUIRE(result.table);
    BOOST_TEST(result.table->rows() == 2000u);
    BOOST_REQUIRE(calls.size() >= 3u);
    BOOST_TEST(calls.size() <= text.size() / 16384 + 2);
    BOOST_TEST(calls.back().first == text.size());
    BOOST_TEST(calls.back().second == text.size());
    for (size_t i = 1; i < calls.size(); ++i) BOOST_TEST(calls[i].first >= calls[i - 1].first);
}

BOOST_AUTO_TEST_CASE(loads_from_a_file) {
    TempDir dir("segmint_csv");
    std::string text = kHeader;
    for (int i = 0; i < 10000; ++i) text += row_with(0, std::to_string(i));
    {
        std::ofstream out(dir.file("c.csv"), std::ios::binary);
        out << text;
    }
    CsvError error;
    auto table = segmint::data::load_csv(dir.file("c.csv"), csv_schema(), &error);
    BOOST_REQUIRE_MESSAGE(table, error.to_string());
    BOOST_TEST(table->rows() == 10000u);
    BOOST_TEST(table->column(0).i64[9999] == 9999);
    // Arrays are reserved from an estimate of the row count, not grown by doubling.
    BOOST_TEST(table->column(0).i64.capacity() <= 10000u + 10000u / 16 + 64);
    BOOST_TEST(table->column(7).list_codes.capacity() <= 20000u + 20000u / 16 + 64);

    BOOST_TEST(!segmint::data::load_csv(dir.file("missing.csv"), csv_schema(), &error));
    BOOST_TEST(error.to_string() == dir.file("missing.csv") + ": error: cannot open: No such file or directory");
    BOOST_TEST(!segmint::data::load_csv(dir.path, csv_schema(), &error));
    BOOST_TEST(error.to_string() == dir.path + ": error: is a directory, not a CSV file");
    BOOST_REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
    BOOST_TEST(!segmint::data::load_csv(dir.file("fifo"), csv_schema(), &error));
    BOOST_TEST(error.message == "is not a regular file (FIFOs and devices are not read)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(csv_bad_inputs)

// 26. Empty file; header only.
BOOST_AUTO_TEST_CASE(case_26_empty_file_is_an_error) {
    const std::string expected =
        "t.csv: error: no header: the file is empty (expected a header row naming the columns)";
    BOOST_TEST(error_of("") == expected);
    BOOST_TEST(error_of("\xEF\xBB\xBF") == expected);
    BOOST_TEST(error_of("\n\r\n") == expected);
    auto result = load("");
    BOOST_TEST(result.error.line == 0u);
    BOOST_TEST(result.error.column == 0u);
}

BOOST_AUTO_TEST_CASE(case_26_header_only_is_an_empty_table) {
    for (const std::string& text : {kHeader, kHeader.substr(0, kHeader.size() - 1), "\xEF\xBB\xBF" + kHeader}) {
        auto result = load(text);
        BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
        BOOST_TEST(result.table->rows() == 0u);
        BOOST_TEST(result.table->column_count() == 8u);
        BOOST_TEST(result.table->column(7).list_offsets == std::vector<uint64_t>({0}));
    }
}

// 27. Ragged rows.
BOOST_AUTO_TEST_CASE(case_27_too_few_fields) {
    auto result = load(kHeader + row_with(99, "") + "2,2.5,b\n" + row_with(99, ""));
    BOOST_REQUIRE(!result.table);
    BOOST_TEST(result.error.to_string() ==
               "t.csv:3:4: error: the record has 3 fields but the header has 8; `active` and later are missing");
    BOOST_TEST(result.error.line == 3u);
    BOOST_TEST(result.error.column == 4u);
    BOOST_TEST(result.error.column_name == "active");
    // The last record without a line break is checked too.
    BOOST_TEST(error_of(kHeader + "1") ==
               "t.csv:2:2: error: the record has 1 field but the header has 8; `score` and later are missing");
}

BOOST_AUTO_TEST_CASE(case_27_too_many_fields) {
    auto result = load(kHeader + row_with(99, "") + row_with(7, "x,extra"));
    BOOST_REQUIRE(!result.table);
    BOOST_TEST(result.error.to_string() == "t.csv:3:9: error: the record has more fields than the header's 8");
    BOOST_TEST(result.error.column == 9u);
}

// 28. Unterminated quote; text after a closing quote; a quote inside an unquoted field.
BOOST_AUTO_TEST_CASE(case_28_unterminated_quote_is_reported_at_the_opening_quote) {
    auto result = load(kHeader + row_with(99, "") + "2,1,\"abc,true\n3,1,x,true\n4,1,y,true\n");
    BOOST_REQUIRE(!result.table);
    BOOST_TEST(result.error.to_string() ==
               "t.csv:3:3: error: unterminated quoted field: the quote opened here is never closed");
    BOOST_TEST(result.error.column_name == "name");
    // In the header, and as the very last byte.
    BOOST_TEST(error_of("id,\"score\n") ==
               "t.csv:1:2: error: unterminated quoted field: the quote opened here is never closed");
    BOOST_TEST(error_of(kHeader + "\"") ==
               "t.csv:2:1: error: unterminated quoted field: the quote opened here is never closed");
}

BOOST_AUTO_TEST_CASE(case_28_text_after_a_closing_quote) {
    BOOST_TEST(error_of(kHeader + row_with(99, "") + row_with(2, "\"a\"b")) ==
               "t.csv:3:3: error: unexpected text after the closing quote of a quoted field (a quote inside a quoted "
               "field is written as two quotes: \"\")");
    BOOST_TEST(error_of(kHeader + row_with(2, "\"a\" ")).find("t.csv:2:3: error: unexpected text after") == 0u);
}

BOOST_AUTO_TEST_CASE(case_28_quote_inside_an_unquoted_field) {
    BOOST_TEST(
        error_of(kHeader + row_with(2, "5\" screen")) ==
        "t.csv:2:3: error: a quote inside an unquoted field (quote the whole field and write the quote as \"\")");
}

// 29. BOM, CRLF, lone CR, no final newline.
BOOST_AUTO_TEST_CASE(case_29_line_ends_and_bom) {
    const std::string plain = kHeader + row_with(99, "") + row_with(0, "2");
    const std::string expected = dump_of(plain);
    BOOST_TEST(expected ==
               kValidRowDump + "2, 2.5, [Ann], true, 2020-01-31, 2020-01-31T10:00:00Z, [gold], {vip|new}\n");
    auto replace_newlines = [](std::string text, const std::string& with) {
        std::string out;
        for (char c : text) {
            if (c == '\n')
                out += with;
            else
                out += c;
        }
        return out;
    };
    BOOST_TEST(dump_of("\xEF\xBB\xBF" + plain) == expected);
    BOOST_TEST(dump_of(replace_newlines(plain, "\r\n")) == expected);
    BOOST_TEST(dump_of(replace_newlines(plain, "\r")) == expected);
    BOOST_TEST(dump_of(plain.substr(0, plain.size() - 1)) == expected);
    BOOST_TEST(dump_of("\xEF\xBB\xBF" + replace_newlines(plain.substr(0, plain.size() - 1), "\r")) == expected);
    // The BOM is not part of the first name; a BOM-like sequence later is ordinary text.
    BOOST_TEST(dump_of(kHeader + row_with(2, "\xEF\xBB\xBFx")).find("[\xEF\xBB\xBFx]") != std::string::npos);
    // Line numbers are the same with every line end.
    BOOST_TEST(error_of(replace_newlines(plain + row_with(0, "x"), "\r")) ==
               "t.csv:4:1: error: column `id`: expected int, found \"x\"");
    BOOST_TEST(error_of(replace_newlines(plain + row_with(0, "x"), "\r\n")) ==
               "t.csv:4:1: error: column `id`: expected int, found \"x\"");
}

// 30. Newlines inside quoted fields.
BOOST_AUTO_TEST_CASE(case_30_newlines_in_quotes_count_records_and_physical_lines) {
    const std::string text = kHeader + row_with(2, "\"Ann\nSmith\"") + row_with(2, "\"B\r\nC\rD\"") + row_with(99, "") +
                             row_with(7, "\"a\n\nb\"");
    auto result = load(text);
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    BOOST_TEST(result.table->rows() == 4u);
    BOOST_TEST(result.table->column(2).string_at(0) == "Ann\nSmith");
    BOOST_TEST(result.table->column(2).string_at(1) == "B\r\nC\rD");
    // Header: line 1; records on lines 2-3, 4-6, 7, 8-10; the next record starts on line 11.
    BOOST_TEST(error_of(text + row_with(1, "x")) == "t.csv:11:2: error: column `score`: expected number, found \"x\"");
    // An error in a field after a multi-line field names the line where that field starts.
    BOOST_TEST(error_of(kHeader + "1,2.5,\"a\nb\nc\",maybe,,,,\n") ==
               "t.csv:4:4: error: column `active`: expected bool (true, false, 1, 0, t or f), found \"maybe\"");
}

// 31. Bad numbers; blank numeric fields.
BOOST_AUTO_TEST_CASE(case_31_bad_numbers_name_line_and_column) {
    BOOST_TEST(error_of(kHeader + row_with(99, "") + row_with(0, "12x")) ==
               "t.csv:3:1: error: column `id`: expected int, found \"12x\"");
    BOOST_TEST(error_of(kHeader + row_with(0, "9223372036854775808")) ==
               "t.csv:2:1: error: column `id`: expected int (64-bit: -9223372036854775808 to 9223372036854775807), "
               "found \"9223372036854775808\"");
    BOOST_TEST(error_of(kHeader + row_with(1, "1e400")) ==
               "t.csv:2:2: error: column `score`: expected number within the range of a 64-bit double, found "
               "\"1e400\"");
    BOOST_TEST(error_of(kHeader + row_with(1, "-1e400")) ==
               "t.csv:2:2: error: column `score`: expected number within the range of a 64-bit double, found "
               "\"-1e400\"");
    for (const char* not_finite : {"NaN", "nan", "inf", "-inf", "Infinity", "+NAN"}) {
        BOOST_TEST(error_of(kHeader + row_with(1, not_finite)) ==
                   std::string("t.csv:2:2: error: column `score`: expected number (NaN and infinity are not "
                               "allowed), found \"") +
                       not_finite + "\"");
    }
    BOOST_TEST(error_of(kHeader + row_with(1, "12x")) ==
               "t.csv:2:2: error: column `score`: expected number, found \"12x\"");
    // Below the smallest double: an error, never a silent zero. Subnormals are valid doubles and load.
    for (const char* tiny : {"1e-400", "-2e-324", "0.00001e-320"}) {
        BOOST_TEST(error_of(kHeader + row_with(1, tiny)) ==
                   std::string("t.csv:2:2: error: column `score`: expected number within the range of a 64-bit "
                               "double (the smallest is 4.9e-324; write 0 for zero), found \"") + tiny + "\"");
    }
    auto subnormal = load(kHeader + row_with(1, "4.9e-324") + row_with(1, "0e-5000") + row_with(1, "2.5e-320"));
    BOOST_REQUIRE_MESSAGE(subnormal.table, subnormal.error.to_string());
    BOOST_TEST(subnormal.table->column(1).f64[0] == 4.9e-324);
    BOOST_TEST(subnormal.table->column(1).f64[1] == 0.0);
    BOOST_TEST(subnormal.table->column(1).f64[2] == 2.5e-320);
}

BOOST_AUTO_TEST_CASE(case_31_blank_numeric_fields_are_null) {
    // Documented: an empty field (quoted or not) in an int or number column is NULL.
    auto result = load(kHeader + row_with(0, "") + row_with(1, "\"\""));
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    BOOST_TEST(result.table->column(0).is_null(0));
    BOOST_TEST(result.table->column(1).is_null(1));
    BOOST_TEST(result.table->column(0).validity.count() == 1u);
}

// 32. Invalid dates.
BOOST_AUTO_TEST_CASE(case_32_invalid_dates_name_line_and_column) {
    BOOST_TEST(error_of(kHeader + row_with(99, "") + row_with(4, "2023-02-29")) ==
               "t.csv:3:5: error: column `born`: expected a date that exists (YYYY-MM-DD), found \"2023-02-29\"");
    BOOST_TEST(error_of(kHeader + row_with(4, "2026-13-01")) ==
               "t.csv:2:5: error: column `born`: expected a date that exists (YYYY-MM-DD), found \"2026-13-01\"");
    BOOST_TEST(error_of(kHeader + row_with(4, "0000-01-01")) ==
               "t.csv:2:5: error: column `born`: expected a date that exists (YYYY-MM-DD), found \"0000-01-01\"");
    BOOST_TEST(error_of(kHeader + row_with(5, "2023-02-29T00:00:00Z")).find("t.csv:2:6: error: column `seen`") == 0u);
}

// 33. Header problems.
BOOST_AUTO_TEST_CASE(case_33_schema_column_missing_from_the_header) {
    BOOST_TEST(error_of("id,score,name,active,born,seen,tags\n") ==
               "t.csv:1: error: the header has no column `tier`, which the schema requires");
    BOOST_TEST(error_of("id,score,name,active,born,seen,Tier,tags\n") ==
               "t.csv:1: error: the header has no column `tier`, which the schema requires (did you mean `Tier`?)");
    BOOST_TEST(error_of("id,name\n") ==
               "t.csv:1: error: the header lacks 6 columns the schema requires: `score`, `active`, `born`, `seen`, "
               "`tier`, `tags`");
}

BOOST_AUTO_TEST_CASE(case_33_extra_columns_are_ignored) {
    BOOST_TEST(dump_of("before," + kHeader.substr(0, kHeader.size() - 1) + ",after\n" + "\"x\ny\"," +
                       row_with(99, "").substr(0, row_with(99, "").size() - 1) + ",12x\n") == kValidRowDump);
}

BOOST_AUTO_TEST_CASE(case_33_duplicate_header_names) {
    BOOST_TEST(error_of("id,score,name,active,born,seen,tier,tags,score\n") ==
               "t.csv:1:9: error: duplicate column name `score` in the header (also field 2)");
    BOOST_TEST(error_of("x,id,score,name,active,born,seen,tier,tags,x\n") ==
               "t.csv:1:10: error: duplicate column name `x` in the header (also field 1)");
}

// A header as long as the record limit allows (about 1.4 million extra columns): mapping it to the schema and finding
// duplicates costs linear time (it was quadratic: 200,000 columns took 20 s), and a duplicate at its very end is found.
BOOST_AUTO_TEST_CASE(case_33_a_header_of_a_million_columns) {
    std::string header = kHeader.substr(0, kHeader.size() - 1);
    std::string record = row_with(99, "").substr(0, row_with(99, "").size() - 1);
    for (int i = 0; header.size() < (15u << 20); ++i) {
        header += ",extra_" + std::to_string(i);
        record += ",";
    }
    const auto result = load(header + "\n" + record + "\n");
    BOOST_REQUIRE_MESSAGE(result.table, result.error.to_string());
    BOOST_TEST(result.table->rows() == 1u);
    BOOST_TEST(error_of(header + ",extra_7\n").find("duplicate column name `extra_7` in the header (also field 16)") !=
               std::string::npos);
}

// 34. Very long records.
BOOST_AUTO_TEST_CASE(case_34_a_line_over_the_limit_is_an_error) {
    std::string text = kHeader + row_with(99, "") + row_with(2, std::string(17u << 20, 'a'));
    BOOST_TEST(error_of(text) == "t.csv:3:3: error: record is longer than 16 MiB, the limit for one CSV record");
    // Many small fields add up too.
    CsvOptions options = values_only();
    options.max_record_bytes = 200;
    options.buffer_bytes = 64;
    BOOST_TEST(error_of(kHeader + row_with(99, "") + row_with(7, std::string(300, '|')), options) ==
               "t.csv:3:8: error: record is longer than 200 bytes, the limit for one CSV record");
    BOOST_TEST(error_of(kHeader + row_with(99, "") + row_with(7, std::string(100, '|')), options) == "ok");
    // A header over the limit (the column is the field being read when the limit was crossed).
    auto header = load(std::string(300, ',') + "\n", options);
    BOOST_TEST(header.error.line == 1u);
    BOOST_TEST(header.error.message == "record is longer than 200 bytes, the limit for one CSV record");
}

BOOST_AUTO_TEST_CASE(case_34_an_open_quote_running_past_the_limit) {
    std::string text = kHeader + "1,2,\"" + std::string(17u << 20, 'b');
    BOOST_TEST(error_of(text) ==
               "t.csv:2:3: error: record is longer than 16 MiB, the limit for one CSV record "
               "(inside a quoted field: is a closing quote missing?)");
}

BOOST_AUTO_TEST_CASE(case_34_a_100_mb_line_in_a_file_stops_early) {
    // A sparse 100 MB file: the header, then one line of NUL bytes. Reading stops near the 16 MiB limit.
    TempDir dir("segmint_csv");
    const auto path = dir.file("long.csv");
    {
        std::ofstream out(path, std::ios::binary);
        out << kHeader;
    }
    BOOST_REQUIRE(::truncate(path.c_str(), 100 << 20) == 0);
    uint64_t bytes_read = 0;
    CsvOptions options = values_only();
    options.progress = [&](uint64_t read, uint64_t) { bytes_read = read; };
    options.progress_interval_bytes = 1;
    CsvError error;
    BOOST_TEST(!segmint::data::load_csv(path, csv_schema(), &error, options));
    BOOST_TEST(error.to_string() == path + ":2:1: error: record is longer than 16 MiB, the limit for one CSV record");
    BOOST_TEST(bytes_read < (uint64_t{40} << 20));
}

// 35. Counts past 2^31: 64-bit types throughout (the arithmetic itself is tested in the data suite).
BOOST_AUTO_TEST_CASE(case_35_row_and_line_counters_are_64_bit) {
    static_assert(std::is_same_v<decltype(std::declval<Table>().rows()), uint64_t>);
    static_assert(std::is_same_v<decltype(segmint::data::Column::size), uint64_t>);
    static_assert(std::is_same_v<decltype(CsvError::line), uint64_t>);
    static_assert(std::is_same_v<decltype(CsvError::column), uint64_t>);
    static_assert(std::is_same_v<decltype(segmint::data::Column::list_offsets)::value_type, uint64_t>);
    static_assert(std::is_same_v<decltype(segmint::data::CsvOptions::max_record_bytes), uint64_t>);
    BOOST_TEST(segmint::data::kMaxCsvRecordBytes == uint64_t{16} << 20);
}

// Invalid UTF-8 in a string field (BAD_INPUTS 6 applied to data).
BOOST_AUTO_TEST_CASE(invalid_utf8_in_strings) {
    BOOST_TEST(error_of(kHeader + row_with(2, "ok\xff")) ==
               "t.csv:2:3: error: column `name`: expected string (valid UTF-8), found \"ok\\xff\"");
    BOOST_TEST(error_of(kHeader + row_with(2, "\xC0\xAF")) ==  // overlong `/`
               "t.csv:2:3: error: column `name`: expected string (valid UTF-8), found \"\\xc0\\xaf\"");
    BOOST_TEST(error_of(kHeader + row_with(7, "a|\xED\xA0\x80")) ==  // a UTF-16 surrogate
               "t.csv:2:8: error: column `tags`: expected list<string> (valid UTF-8), found \"a|\\xed\\xa0\\x80\"");
    BOOST_TEST(error_of("id,sc\xff"
                        "ore\n")
                   .find("t.csv:1:2: error: header name is not valid UTF-8") == 0u);
}

BOOST_AUTO_TEST_CASE(long_values_are_cut_in_messages) {
    const auto error = error_of(kHeader + row_with(0, std::string(1000, '7') + "x"));
    BOOST_TEST(error.size() < 200u);
    BOOST_TEST(error.find("... (1001 bytes)") != std::string::npos, error);
}

BOOST_AUTO_TEST_SUITE_END()
