// The CSV loader on several threads (CsvOptions::threads): the table must be identical to the serial load's (rows in
// order, dictionary codes and values, validity, list offsets and codes), and an error must be the serial error, for
// generated customers and for inputs whose record boundaries are hard to find (suite csv_parallel).
#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "data/csv_loader.h"
#include "generate/synthetic.h"
#include "test_support.h"

namespace {

using segmint::data::Column;
using segmint::data::CsvError;
using segmint::data::CsvOptions;
using segmint::data::Table;
using segmint::schema::ColumnType;

const unsigned kThreadCounts[] = {2, 3, 4, 7};

segmint::schema::Schema mixed_schema() {
    segmint::schema::Schema schema;
    auto add = [&](const std::string& name, ColumnType type, std::vector<std::string> values = {}) {
        segmint::testing::add_column(schema, name, type, std::move(values));
    };
    add("id", ColumnType::Int);
    add("name", ColumnType::String);
    add("tags", ColumnType::StringList);
    add("tier", ColumnType::Enum, {"bronze", "silver", "gold"});
    add("score", ColumnType::Number);
    add("active", ColumnType::Bool);
    add("born", ColumnType::Date);
    schema.key = "id";
    return schema;
}

std::string generated(uint64_t rows, uint64_t seed = 7) {
    std::string out;
    BOOST_REQUIRE(segmint::generate::write_synthetic_csv(
        [&](std::string_view bytes) {
            out.append(bytes);
            return true;
        },
        rows, seed));
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, from.size(), from) == 0) {
            out += to;
            i += from.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

template <typename Values>  // data::Array or std::vector
bool same_bytes(const Values& a, const Values& b) {
    using T = typename Values::value_type;
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// The first difference between two tables, or "" when they hold the same rows, arrays, validity and dictionaries.
std::string difference(const Table& a, const Table& b) {
    if (a.rows() != b.rows()) return "rows " + std::to_string(a.rows()) + " vs " + std::to_string(b.rows());
    for (size_t c = 0; c < a.column_count(); ++c) {
        const Column& x = a.column(c);
        const Column& y = b.column(c);
        const std::string where = "column `" + x.name + "`: ";
        if (x.size != y.size) return where + "size";
        if (x.validity != y.validity) return where + "validity";
        if (x.int_width != y.int_width || x.int_base != y.int_base) return where + "int width or base";
        if (x.code_width != y.code_width) return where + "code width";
        if (!same_bytes(x.i64, y.i64) || !same_bytes(x.i8, y.i8) || !same_bytes(x.i16, y.i16) ||
            !same_bytes(x.f64, y.f64) || x.bools != y.bools) {
            return where + "values";
        }
        if (!same_bytes(x.i32, y.i32)) return where + "codes or days";
        if (!same_bytes(x.list_offsets, y.list_offsets)) return where + "list offsets";
        if (!same_bytes(x.list_codes, y.list_codes)) return where + "list codes";
        if (x.dictionary.size() != y.dictionary.size()) return where + "dictionary size";
        for (size_t i = 0; i < x.dictionary.size(); ++i) {
            if (x.dictionary.values[i] != y.dictionary.values[i])
                return where + "dictionary value " + std::to_string(i);
        }
    }
    return "";
}

CsvOptions parallel_options(unsigned threads, unsigned* used) {
    CsvOptions options;
    options.threads = threads;
    options.min_bytes_per_thread = 1;  // split even the smallest input
    options.threads_used = used;
    return options;
}

// Loads `text` serially and on each thread count: the tables must be identical and the parallel path must have run.
void check_same_as_serial(const std::string& text, const segmint::schema::Schema& schema, const std::string& label,
                          size_t buffer_bytes = size_t{1} << 20) {
    CsvError error;
    CsvOptions serial_options;
    serial_options.buffer_bytes = buffer_bytes;
    const auto serial = segmint::data::load_csv_text(text, "t.csv", schema, &error, serial_options);
    BOOST_REQUIRE_MESSAGE(serial, label << ": " << error.to_string());
    for (unsigned threads : kThreadCounts) {
        unsigned used = 0;
        CsvOptions options = parallel_options(threads, &used);
        options.buffer_bytes = buffer_bytes;
        const auto parallel = segmint::data::load_csv_text(text, "t.csv", schema, &error, options);
        BOOST_REQUIRE_MESSAGE(parallel, label << ", " << threads << " threads: " << error.to_string());
        BOOST_TEST(used == threads, label << ", " << threads << " threads: the parallel path did not run");
        const std::string differs = difference(*serial, *parallel);
        BOOST_TEST(differs.empty(), label << ", " << threads << " threads: " << differs);
    }
}

// Loads `text` serially and on each thread count: both must fail with the same error.
void check_same_error(const std::string& text, const segmint::schema::Schema& schema, const std::string& label,
                      const CsvOptions& base = {}) {
    CsvError serial_error;
    BOOST_REQUIRE_MESSAGE(!segmint::data::load_csv_text(text, "t.csv", schema, &serial_error, base), label);
    for (unsigned threads : kThreadCounts) {
        unsigned used = 0;
        CsvOptions options = base;
        options.threads = threads;
        options.min_bytes_per_thread = 1;
        options.threads_used = &used;
        CsvError error;
        BOOST_TEST(!segmint::data::load_csv_text(text, "t.csv", schema, &error, options), label);
        BOOST_TEST(error.to_string() == serial_error.to_string(), label << ", " << threads << " threads");
        BOOST_TEST(error.path == serial_error.path);
        BOOST_TEST(error.line == serial_error.line);
        BOOST_TEST(error.column == serial_error.column);
        BOOST_TEST(error.column_name == serial_error.column_name);
        BOOST_TEST(error.message == serial_error.message);
        BOOST_TEST(used == 1u, label << ": errors come from the serial load");
    }
}

const std::string kHeader = "id,name,tags,tier,score,active,born\n";

std::string row(int id, const std::string& name, const std::string& tags = "a|b", const std::string& tier = "gold") {
    return std::to_string(id) + "," + name + "," + tags + "," + tier + ",1.5,true,2020-01-31\n";
}

// Records that cut anywhere would be cut in a quoted field, after a `""`, or between the CR and LF of a line end.
std::string nasty_records(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
        switch (i % 8) {
            case 0: text += row(i, "\"two\nlines\""); break;
            case 1: text += row(i, "\"crlf\r\ninside\"", "\"x\r\ny|z\""); break;
            case 2: text += row(i, "\"lone\rcr\""); break;
            case 3: text += row(i, "\"say \"\"hi\"\", ok\"", "\"\""); break;
            case 4: text += row(i, "\"a,b,\"\"\n\"\",c\""); break;
            case 5: text += "\n\r\n" + row(i, "plain", ""); break;
            case 6: text += row(i, "\"\"\"\"", "\"|\n|\""); break;
            default: text += row(i, "n" + std::to_string(i % 5), "t" + std::to_string(i % 3)); break;
        }
    }
    return text;
}

// A seeded linear congruential generator: next(n) is in [0, n).
struct Random {
    uint64_t state;
    uint64_t operator()(uint64_t bound) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % bound;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_parallel)

BOOST_AUTO_TEST_CASE(generated_customers_load_the_same_on_every_thread_count) {
    const auto schema = segmint::generate::synthetic_schema();
    for (uint64_t rows : {1, 2, 5, 40, 700, 5000}) {
        const std::string text = generated(rows, rows);
        check_same_as_serial(text, schema, std::to_string(rows) + " rows");
        check_same_as_serial(replace_all(text, "\n", "\r\n"), schema, std::to_string(rows) + " rows, CRLF");
        check_same_as_serial(replace_all(text, "\n", "\r"), schema, std::to_string(rows) + " rows, lone CR");
    }
    // Mostly distinct strings (email) are interned late after the first 4,096 rows of a range; small read chunks.
    check_same_as_serial(generated(9000), schema, "9000 rows");
    check_same_as_serial(generated(300), schema, "300 rows, 64-byte chunks", 64);
}

// Int columns are held narrow from base 0 in each part while it loads; parts of other widths join at the widest, and
// the whole takes its frame of reference after (data::Column::narrow_ints): either way the serial load's table.
BOOST_AUTO_TEST_CASE(int_columns_narrowed_in_parts_join_to_the_serial_table) {
    segmint::schema::Schema schema;
    segmint::testing::add_column(schema, "id", ColumnType::Int, {});
    for (const char* name : {"same", "shifting", "growing", "sparse"}) {
        segmint::testing::add_column(schema, name, ColumnType::Int, {});
    }
    schema.key = "id";
    std::string text = "id,same,shifting,growing,sparse\n";
    const int rows = 3000;
    for (int r = 0; r < rows; ++r) {
        // same: 0..99 everywhere; shifting: each part's least value differs (its own base); growing: bytes early,
        // 16 bits late; sparse: NULL but in the last rows (all-NULL parts narrow to a byte from base 0).
        text += std::to_string(r + 1) + "," + std::to_string(r % 100) + "," + std::to_string(1000 + r / 30) + "," +
                std::to_string(r < rows / 2 ? r % 50 : r * 10) + "," + (r > rows - 10 ? std::to_string(-r) : "") +
                "\n";
    }
    check_same_as_serial(text, schema, "int frames");
    CsvError error;
    unsigned used = 0;
    const auto table = segmint::data::load_csv_text(text, "t.csv", schema, &error, parallel_options(3, &used));
    BOOST_REQUIRE(table);
    BOOST_TEST(table->column(1).int_width == 1u);
    BOOST_TEST(table->column(2).int_width == 1u);  // 1000..1099: a byte from a base
    BOOST_TEST(table->column(3).int_width == 2u);
    BOOST_TEST(table->column(4).int_width == 1u);  // -2999..-2991: a byte from a base
    for (int r = 0; r < rows; r += 7) {
        BOOST_TEST(table->column(2).int_at(static_cast<uint64_t>(r)) == 1000 + r / 30);
    }
}

// The loader holds Int columns and dictionary codes narrow while it loads (csv_records.cpp, narrow_staged): every
// 4,096 records the new rows join the earlier ones at the width all of them need, the earlier rows re-held wider
// when a value needs it (1 -> 2 -> 4 -> 8 bytes; codes 1 -> 2 -> 4 as the dictionary grows), also in the last,
// partial batch. Every value is checked against the values the test wrote, serially, on 2 and 3 threads and with
// narrow columns turned off.
BOOST_AUTO_TEST_CASE(columns_held_narrow_while_loading_keep_every_value) {
    segmint::schema::Schema schema;
    segmint::testing::add_column(schema, "id", ColumnType::Int, {});
    for (const char* name : {"steps", "late_big", "rebased"})
        segmint::testing::add_column(schema, name, ColumnType::Int, {});
    for (const char* name : {"grows", "few", "late", "shared", "distinct"})
        segmint::testing::add_column(schema, name, ColumnType::String, {});
    segmint::testing::add_column(schema, "tier", ColumnType::Enum, {"bronze", "silver", "gold"});
    std::vector<std::string> many;  // an enum of 200 values: 2-byte codes
    for (int i = 0; i < 200; ++i) many.push_back("e" + std::to_string(i));
    segmint::testing::add_column(schema, "many", ColumnType::Enum, many);
    schema.key = "id";
    const int rows = 45000;
    // NULL rows as nullopt; ints by row, widths growing at and between batch boundaries.
    const auto steps = [](int r) -> std::optional<int64_t> {
        if (r % 97 == 5) return std::nullopt;
        if (r < 5000) return r % 120;             // a byte
        if (r < 9000) return -(r % 1000);         // 2 bytes, from row 5,000 (mid-batch)
        if (r < 20000) return int64_t{r} * 5;     // 4 bytes
        if (r == 30001) return int64_t{1} << 40;  // 8 bytes
        return r % 3;
    };
    const auto late_big = [&](int r) -> std::optional<int64_t> {  // 8 bytes only in the last, partial batch
        return r == rows - 1 ? -(int64_t{1} << 35) : int64_t{r % 100};
    };
    const auto rebased = [](int r) -> std::optional<int64_t> {  // 4 bytes from 0, 2 from its least value
        return int64_t{r % 300} + (r > 30000 ? 40000 : 0);
    };
    const auto grows = [](int r) -> std::optional<std::string> {  // 100, then 1,000, then 36,000 values
        if (r % 89 == 3) return std::nullopt;
        return "v" + std::to_string(r < 4096 ? r % 100 : r < 10000 ? r % 1000 : r);
    };
    const auto few = [](int r) -> std::optional<std::string> { return r % 10 == 0 ? "" : "f" + std::to_string(r % 7); };
    const auto late = [](int r) -> std::optional<std::string> {  // NULL until row 10,000, then 200 values
        if (r < 10000) return std::nullopt;
        return "late " + std::to_string(r % 200);
    };
    // The same 100 values in every range: the ranges' dictionaries add up to more than a byte's codes hold, the
    // joined one does not.
    const auto shared = [](int r) -> std::optional<std::string> { return "s" + std::to_string(r % 100); };
    // Mostly distinct from the start: interned late (deferred) after the first 4,096 rows, 2-byte codes until its
    // dictionary passes 32,768 values.
    const auto distinct = [](int r) -> std::optional<std::string> {
        if (r % 50 == 7) return std::nullopt;
        return "d" + std::to_string(r);
    };
    const char* tiers[] = {"bronze", "silver", "gold"};
    const auto field = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
    const auto text_field = [](const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : std::string(); };
    std::string text = "id,steps,late_big,rebased,grows,few,late,shared,distinct,tier,many\n";
    for (int r = 0; r < rows; ++r) {
        text += std::to_string(r) + "," + field(steps(r)) + "," + field(late_big(r)) + "," + field(rebased(r)) + "," +
                text_field(grows(r)) + "," + text_field(few(r)) + "," + text_field(late(r)) + "," +
                text_field(shared(r)) + "," + text_field(distinct(r)) + "," + tiers[r % 3] + ",e" +
                std::to_string(r % 200) + "\n";
    }
    const auto check = [&](const Table& table, const std::string& label) {
        BOOST_REQUIRE_EQUAL(table.rows(), static_cast<uint64_t>(rows));
        int wrong = 0;
        const auto check_int = [&](size_t c, const std::optional<int64_t>& expected, int r) {
            const Column& column = table.column(c);
            const bool ok = expected ? !column.is_null(r) && column.int_at(r) == *expected : column.is_null(r);
            if (!ok && ++wrong <= 5) BOOST_ERROR(label << ": column `" << column.name << "` row " << r);
        };
        const auto check_text = [&](size_t c, const std::optional<std::string>& expected, int r) {
            const Column& column = table.column(c);
            const bool ok = expected ? !column.is_null(r) && column.dictionary.values[column.code_at(r)] == *expected
                                     : column.is_null(r);
            if (!ok && ++wrong <= 5) BOOST_ERROR(label << ": column `" << column.name << "` row " << r);
        };
        for (int r = 0; r < rows; ++r) {
            check_int(0, int64_t{r}, r);
            check_int(1, steps(r), r);
            check_int(2, late_big(r), r);
            check_int(3, rebased(r), r);
            check_text(4, grows(r), r);
            check_text(5, few(r), r);
            check_text(6, late(r), r);
            check_text(7, shared(r), r);
            check_text(8, distinct(r), r);
            check_text(9, std::string(tiers[r % 3]), r);
            check_text(10, "e" + std::to_string(r % 200), r);
        }
        BOOST_TEST(wrong == 0, label << ": " << wrong << " wrong values");
    };
    CsvError error;
    const auto serial = segmint::data::load_csv_text(text, "t.csv", schema, &error);
    BOOST_REQUIRE_MESSAGE(serial, error.to_string());
    check(*serial, "serial");
    BOOST_TEST(serial->column(1).int_width == 8u);
    BOOST_TEST(serial->column(2).int_width == 8u);
    BOOST_TEST(serial->column(3).int_width == 2u);
    BOOST_TEST(serial->column(3).int_base != 0);
    BOOST_TEST(serial->column(4).code_width == 4u);
    BOOST_TEST(serial->column(5).code_width == 1u);
    BOOST_TEST(serial->column(6).code_width == 2u);
    BOOST_TEST(serial->column(7).code_width == 1u);
    BOOST_TEST(serial->column(8).code_width == 4u);
    BOOST_TEST(serial->column(9).code_width == 1u);
    BOOST_TEST(serial->column(10).code_width == 2u);
    for (unsigned threads : {2u, 3u}) {
        unsigned used = 0;
        const auto parallel =
            segmint::data::load_csv_text(text, "t.csv", schema, &error, parallel_options(threads, &used));
        BOOST_REQUIRE_MESSAGE(parallel, error.to_string());
        BOOST_TEST(used == threads);
        check(*parallel, std::to_string(threads) + " threads");
        BOOST_TEST(parallel->column(4).code_width == 4u);
        BOOST_TEST(parallel->column(7).code_width == 1u);
        const std::string differs = difference(*serial, *parallel);
        BOOST_TEST(differs.empty(), threads << " threads: " << differs);
    }
    // Ranges of blank lines only (no rows) join nothing and widen nothing.
    size_t cut = 0;
    for (int line = 0; line <= 1000; ++line) cut = text.find('\n', cut) + 1;
    const std::string short_text = text.substr(0, cut) + std::string(200000, '\n');
    check_same_as_serial(short_text, schema, "1,000 rows and 200,000 blank lines");
    CsvOptions wide;
    wide.narrow_ints = false;
    wide.narrow_codes = false;
    const auto unnarrowed = segmint::data::load_csv_text(text, "t.csv", schema, &error, wide);
    BOOST_REQUIRE_MESSAGE(unnarrowed, error.to_string());
    check(*unnarrowed, "narrow columns off");
    BOOST_TEST(unnarrowed->column(3).int_width == 8u);
    BOOST_TEST(unnarrowed->column(6).code_width == 4u);
}

BOOST_AUTO_TEST_CASE(quoted_line_breaks_escapes_and_line_ends) {
    const auto schema = mixed_schema();
    for (int count : {1, 3, 8, 17, 200}) {
        const std::string text = kHeader + nasty_records(count);
        const std::string label = std::to_string(count) + " nasty records";
        check_same_as_serial(text, schema, label);
        check_same_as_serial("\xEF\xBB\xBF" + text, schema, label + ", BOM");
        check_same_as_serial(text.substr(0, text.size() - 1), schema, label + ", no final line break");
        check_same_as_serial(replace_all(text, "\n", "\r\n"), schema, label + ", CRLF everywhere");
        check_same_as_serial(replace_all(replace_all(text, "\r\n", "\n"), "\n", "\r"), schema, label + ", lone CR");
        check_same_as_serial("\n\n" + replace_all(text, "\n", "\n\n\r\n"), schema, label + ", empty lines");
    }
}

BOOST_AUTO_TEST_CASE(header_only_and_fewer_records_than_threads) {
    const auto schema = mixed_schema();
    for (const std::string& text : {kHeader, kHeader.substr(0, kHeader.size() - 1), "\xEF\xBB\xBF" + kHeader,
                                    kHeader + "\n\n", kHeader + row(1, "x"), kHeader + row(1, "x") + row(2, "y")}) {
        check_same_as_serial(text, schema, "small input `" + text + "`");
    }
    CsvError error;
    unsigned used = 0;
    const auto empty = segmint::data::load_csv_text(kHeader, "t.csv", schema, &error, parallel_options(7, &used));
    BOOST_REQUIRE(empty);
    BOOST_TEST(empty->rows() == 0u);
    BOOST_TEST(empty->column(2).list_offsets == std::vector<uint64_t>({0}));
}

BOOST_AUTO_TEST_CASE(dictionary_codes_follow_first_seen_order_over_the_whole_file) {
    const auto schema = mixed_schema();
    // Few distinct values, first seen in different ranges and in a different order in each range.
    std::string few = kHeader;
    for (int i = 0; i < 400; ++i) {
        const int v = i < 200 ? i % 3 : 5 - i % 6;
        few += row(i, "v" + std::to_string(v), "t" + std::to_string((i * 7) % 11) + "|t" + std::to_string(v),
                   i % 2 ? "silver" : "bronze");
    }
    check_same_as_serial(few, schema, "few distinct");
    // Many distinct values, with repeats of values from earlier ranges, and NULLs.
    std::string many = kHeader;
    for (int i = 0; i < 3000; ++i) {
        const std::string name = i % 10 == 9 ? "" : "n" + std::to_string(i % 7 == 0 ? i / 7 : i);
        many += row(i, name, i % 5 == 0 ? "" : "t" + std::to_string(i % 13) + "|u" + std::to_string(i));
    }
    check_same_as_serial(many, schema, "many distinct");
    // Each range's dictionary fits one-byte codes, the whole file's does not: the parts widen to join, the column
    // narrows to two bytes (the enum's parts join at one byte as they are).
    std::string crossing = kHeader;
    for (int i = 0; i < 800; ++i) {
        crossing += row(i, "c" + std::to_string(i / 4), "t1", i % 3 ? "silver" : "gold");
    }
    check_same_as_serial(crossing, schema, "dictionary past 128 values only when joined");
    {
        CsvError error;
        unsigned used = 0;
        const auto joined = segmint::data::load_csv_text(crossing, "t.csv", schema, &error, parallel_options(4, &used));
        BOOST_REQUIRE_MESSAGE(joined, error.to_string());
        BOOST_TEST(used == 4u);
        BOOST_TEST(joined->column(1).dictionary.size() == 200u);
        BOOST_TEST(joined->column(1).code_width == 2u);
        BOOST_TEST(joined->column(3).code_width == 1u);
    }

    // Spot check of the codes themselves: "b" is seen first, then "a" (in a later range).
    CsvError error;
    unsigned used = 0;
    std::string text = kHeader;
    for (int i = 0; i < 50; ++i) text += row(i, "b");
    text += row(50, "");
    for (int i = 51; i < 100; ++i) text += row(i, i % 2 ? "a" : "b");
    const auto table = segmint::data::load_csv_text(text, "t.csv", schema, &error, parallel_options(4, &used));
    BOOST_REQUIRE_MESSAGE(table, error.to_string());
    BOOST_TEST(used == 4u);
    BOOST_TEST(table->column(1).dictionary.values == std::vector<std::string>({"b", "a"}));
    BOOST_TEST(table->column(1).code_at(50) == 0);  // NULL keeps code 0
    BOOST_TEST(table->column(1).code_at(51) == 1);
    BOOST_TEST(table->column(1).code_at(52) == 0);
}

BOOST_AUTO_TEST_CASE(errors_are_the_serial_errors) {
    const auto schema = mixed_schema();
    const std::string good = kHeader + nasty_records(60);
    // A bad value late in the file (in the last range on every thread count) and early (in the first).
    check_same_error(good + row(61, "x", "a", "Gold"), schema, "bad enum at the end");
    check_same_error(kHeader + row(0, "x", "a", "Gold") + nasty_records(60), schema, "bad enum at the start");
    check_same_error(good + "62,x,a,gold,1.5,maybe,2020-01-31\n" + nasty_records(10), schema, "bad bool late");
    // Two errors: the first one in the file wins, even when a later range fails first.
    check_same_error(kHeader + nasty_records(20) + row(20, "x", "a", "Gold") + nasty_records(20) + "21,x\n", schema,
                     "two errors");
    // Quoting errors, which also mislead the quote-parity pass.
    check_same_error(good + row(61, "\"unterminated") + nasty_records(8), schema, "unterminated quote");
    check_same_error(good + row(61, "\"a\"b") + nasty_records(8), schema, "text after a closing quote");
    check_same_error(good + row(61, "5\" screen") + nasty_records(8), schema, "quote in an unquoted field");
    check_same_error(good + "\"", schema, "lone quote at the end");
    // Ragged records.
    check_same_error(good + "61,x\n" + nasty_records(8), schema, "too few fields");
    check_same_error(good + "61,x,a,gold,1.5,true,2020-01-31,extra\n", schema, "too many fields");
    // A record over the limit.
    CsvOptions limited;
    limited.max_record_bytes = 100;
    check_same_error(good + row(61, std::string(200, 'z')) + nasty_records(8), schema, "record too long", limited);
    // Header errors.
    check_same_error("id,name\n" + nasty_records(20), schema, "missing columns");
    check_same_error("", schema, "empty file");
    // Generated customers with a bad date near the end.
    std::string customers = generated(2000);
    const size_t at = customers.rfind("\n", customers.size() - 2000);
    check_same_error(customers.substr(0, at + 1) + "x" + customers.substr(at + 1),
                     segmint::generate::synthetic_schema(), "generated, bad id late");
}

// Random records over an alphabet of the bytes that matter (quotes, commas, bars, every line break), properly quoted,
// then some with one byte changed: the parallel load must give the serial table, or fail with the serial error.
BOOST_AUTO_TEST_CASE(random_inputs_and_random_corruptions) {
    const auto schema = mixed_schema();
    Random next{12345};
    const std::string alphabet = "ab\",|\n\r";
    const char* line_ends[] = {"\n", "\r\n", "\r"};
    auto quoted_text = [&](size_t max_length) {
        std::string value;
        for (size_t i = next(max_length + 1); i > 0; --i) value += alphabet[next(alphabet.size())];
        std::string out = "\"";
        for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    int loaded = 0;
    int failed = 0;
    for (int round = 0; round < 60; ++round) {
        std::string text = round % 2 ? "\xEF\xBB\xBF" + kHeader : kHeader;
        for (int r = static_cast<int>(next(40)); r > 0; --r) {
            const std::string name = next(4) == 0 ? "" : quoted_text(6);
            const std::string tags = next(4) == 0 ? "" : quoted_text(6);
            const std::string line_end = line_ends[next(3)];
            text += std::to_string(r) + "," + name + "," + tags + ",silver,2.5,false,2001-02-03" + line_end;
            if (next(5) == 0) text += line_ends[next(3)];  // an empty line
        }
        if (round % 3 == 2 && text.size() > kHeader.size() + 1) {
            text[kHeader.size() + next(text.size() - kHeader.size())] = alphabet[next(alphabet.size())];
        }
        CsvError serial_error;
        const auto serial = segmint::data::load_csv_text(text, "t.csv", schema, &serial_error);
        const unsigned threads = 2 + static_cast<unsigned>(next(6));
        unsigned used = 0;
        CsvError error;
        const auto parallel =
            segmint::data::load_csv_text(text, "t.csv", schema, &error, parallel_options(threads, &used));
        BOOST_REQUIRE_MESSAGE(serial.has_value() == parallel.has_value(), "round " << round);
        if (serial) {
            ++loaded;
            BOOST_TEST(used == threads, "round " << round);
            const std::string differs = difference(*serial, *parallel);
            BOOST_TEST(differs.empty(), "round " << round << ": " << differs);
        } else {
            ++failed;
            BOOST_TEST(error.to_string() == serial_error.to_string(), "round " << round);
            BOOST_TEST(error.column_name == serial_error.column_name, "round " << round);
        }
    }
    // Both outcomes were exercised.
    BOOST_TEST(loaded > 30);
    BOOST_TEST(failed > 5);
}

BOOST_AUTO_TEST_CASE(progress_is_reported_on_the_calling_thread_and_at_the_end) {
    const std::string text = generated(3000);
    const auto caller = std::this_thread::get_id();
    std::vector<uint64_t> reports;
    bool other_thread = false;
    uint64_t total_seen = 0;
    unsigned used = 0;
    CsvOptions options = parallel_options(3, &used);
    options.progress_interval_bytes = 1;
    options.progress = [&](uint64_t done, uint64_t total) {
        if (std::this_thread::get_id() != caller) other_thread = true;
        reports.push_back(done);
        total_seen = total;
    };
    CsvError error;
    BOOST_REQUIRE(segmint::data::load_csv_text(text, "t.csv", segmint::generate::synthetic_schema(), &error, options));
    BOOST_TEST(used == 3u);
    BOOST_TEST(!other_thread);
    BOOST_REQUIRE(!reports.empty());
    BOOST_TEST(reports.back() == text.size());
    BOOST_TEST(total_seen == text.size());
    for (size_t i = 1; i < reports.size(); ++i) BOOST_TEST(reports[i - 1] <= reports[i]);

    // A failed parallel load redone serially: still never backwards.
    reports.clear();
    BOOST_TEST(
        !segmint::data::load_csv_text(text + "x\n", "t.csv", segmint::generate::synthetic_schema(), &error, options));
    for (size_t i = 1; i < reports.size(); ++i) BOOST_TEST(reports[i - 1] <= reports[i]);
}

BOOST_AUTO_TEST_CASE(files_load_in_parallel_too) {
    const segmint::testing::TempDir dir("segmint_csv_parallel");
    const std::string path = dir.file("customers.csv");
    const std::string text = replace_all(generated(3000), "\n", "\r\n");
    {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    const auto schema = segmint::generate::synthetic_schema();
    CsvError error;
    const auto serial = segmint::data::load_csv(path, schema, &error);
    BOOST_REQUIRE_MESSAGE(serial, error.to_string());
    for (unsigned threads : kThreadCounts) {
        unsigned used = 0;
        CsvOptions options = parallel_options(threads, &used);
        options.buffer_bytes = 4096;
        const auto parallel = segmint::data::load_csv(path, schema, &error, options);
        BOOST_REQUIRE_MESSAGE(parallel, error.to_string());
        BOOST_TEST(used == threads);
        const std::string differs = difference(*serial, *parallel);
        BOOST_TEST(differs.empty(), threads << " threads: " << differs);
    }
    // An error in a file: the serial error, with the file's path.
    {
        std::ofstream out(path, std::ios::binary | std::ios::app);
        out << "1,x\r\n";
    }
    CsvError serial_error;
    BOOST_TEST(!segmint::data::load_csv(path, schema, &serial_error));
    unsigned used = 0;
    BOOST_TEST(!segmint::data::load_csv(path, schema, &error, parallel_options(3, &used)));
    BOOST_TEST(error.to_string() == serial_error.to_string());
    BOOST_TEST(error.to_string().find(path + ":") == 0u);
}

BOOST_AUTO_TEST_CASE(small_inputs_and_one_thread_stay_serial) {
    const std::string text = generated(100);
    unsigned used = 0;
    CsvOptions options;
    options.threads = 4;  // the default min_bytes_per_thread is far above this input
    options.threads_used = &used;
    CsvError error;
    BOOST_REQUIRE(segmint::data::load_csv_text(text, "t.csv", segmint::generate::synthetic_schema(), &error, options));
    BOOST_TEST(used == 1u);
    options = parallel_options(1, &used);
    BOOST_REQUIRE(segmint::data::load_csv_text(text, "t.csv", segmint::generate::synthetic_schema(), &error, options));
    BOOST_TEST(used == 1u);
    options = parallel_options(0, &used);  // all cores
    BOOST_REQUIRE(segmint::data::load_csv_text(text, "t.csv", segmint::generate::synthetic_schema(), &error, options));
    BOOST_TEST(used == std::max(1u, std::thread::hardware_concurrency()));
}

// load_csv_produced (a database's COPY stream, sources/): text handed over in pieces of random sizes by another thread
// while the records are parsed must load as the whole text does: the same table, or the same error (and the text
// kept for its message); a producer that fails makes the load fail with an empty message (the producer reports its
// problem).
BOOST_AUTO_TEST_CASE(text_produced_in_pieces_loads_as_the_whole_text) {
    const auto schema = mixed_schema();
    Random next{777};
    auto produce = [&](const std::string& text, size_t fail_after) {
        return [&text, fail_after, seed = next(1000)](const segmint::data::CsvPieces& write) {
            uint64_t s = seed;
            size_t at = 0, pieces = 0;
            while (at < text.size()) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                const size_t n = std::min<size_t>(text.size() - at, 1 + (s >> 33) % 97);
                if (pieces++ == fail_after) return false;
                write(text.substr(at, n));
                at += n;
                if ((s >> 40) % 7 == 0) std::this_thread::yield();
            }
            return true;
        };
    };
    std::string customers = generated(500);
    const size_t at = customers.rfind("\n", customers.size() - 500);
    const std::string duplicate_key = kHeader + row(1, "x", "a") + nasty_records(30) + row(1, "y", "b");
    const std::vector<std::pair<std::string, segmint::schema::Schema>> inputs = {
        {kHeader + nasty_records(80), schema},
        {kHeader + nasty_records(40) + row(41, "x", "a", "Gold") + nasty_records(5), schema},
        {kHeader + nasty_records(40) + row(41, "\"unterminated") + nasty_records(5), schema},
        {duplicate_key, schema},
        {"", schema},
        {customers, segmint::generate::synthetic_schema()},
        {customers.substr(0, at + 1) + "x" + customers.substr(at + 1), segmint::generate::synthetic_schema()},
    };
    int loaded = 0, failed = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const auto& [text, input_schema] = inputs[i];
        for (size_t buffer_bytes : {size_t{64}, size_t{1} << 20}) {
            CsvOptions options;
            options.buffer_bytes = buffer_bytes;
            CsvError whole_error, error;
            const auto whole = segmint::data::load_csv_text(text, "t.csv", input_schema, &whole_error, options);
            std::string kept;
            const auto produced = segmint::data::load_csv_produced(produce(text, SIZE_MAX), "t.csv", input_schema,
                                                                   &error, options, &kept);
            const std::string label = "input " + std::to_string(i) + ", buffer " + std::to_string(buffer_bytes);
            BOOST_REQUIRE_MESSAGE(whole.has_value() == produced.has_value(), label);
            BOOST_TEST((whole ? kept.empty() : kept == text), label << ": the text is kept for an error's message");
            if (whole) {
                ++loaded;
                const std::string differs = difference(*whole, *produced);
                BOOST_TEST(differs.empty(), label << ": " << differs);
            } else {
                ++failed;
                BOOST_TEST(error.to_string() == whole_error.to_string(), label);
            }
            if (text.size() < 200) continue;
            const auto broken =
                segmint::data::load_csv_produced(produce(text, 3), "t.csv", input_schema, &error, options, &kept);
            BOOST_TEST(!broken.has_value(), label << ": a failed producer");
            BOOST_TEST(error.message.empty(), label << ": " << error.to_string());
        }
    }
    BOOST_TEST(loaded == 4);
    BOOST_TEST(failed == 10);
}

// A producer that throws (a database driver out of memory) after some pieces: the load throws what it threw, on the
// calling thread, whether the records so far were good or not; the process is not ended by an exception escaping
// the producer's thread, and the reader does not wait for more input forever.
BOOST_AUTO_TEST_CASE(what_the_producer_throws_is_thrown_by_the_load) {
    const auto schema = mixed_schema();
    const std::string good = generated(300);
    const std::string bad = kHeader + "not,a,row,of,this,table\n" + generated(300).substr(kHeader.size());
    for (const std::string* text : {&good, &bad}) {
        for (const size_t pieces : {size_t{0}, size_t{1}, size_t{40}}) {
            const auto produce = [&](const segmint::data::CsvPieces& write) -> bool {
                for (size_t i = 0; i < pieces; ++i) write(text->substr(i * 97, 97));
                throw std::bad_alloc();
            };
            CsvError error;
            std::string kept;
            BOOST_CHECK_THROW(segmint::data::load_csv_produced(produce, "t.csv", schema, &error, CsvOptions{}, &kept),
                              std::bad_alloc);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
