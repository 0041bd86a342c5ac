// The CSV loader against a deliberately simple one (simple_csv.h) on random files: NULLs, empty quoted fields and
// high-cardinality strings on both sides of every boundary the loader has (its 4,096-row estimate, after which mostly
// distinct strings are interned late; its 16-record intern batches; read chunks; the ranges of a parallel load), every
// column type, quoting, and every line ending. One thread and several, small and large read chunks (suite
// csv_differential). The seed of a failing file is printed.
#include <boost/test/unit_test.hpp>
#include <cinttypes>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "data/csv_loader.h"
#include "simple_csv.h"
#include "test_support.h"

namespace {

using segmint::schema::ColumnType;
using segmint::testing::CellTable;

segmint::schema::Schema differential_schema() {
    segmint::schema::Schema schema;
    auto add = [&](const std::string& name, ColumnType type, std::vector<std::string> values = {}) {
        segmint::testing::add_column(schema, name, type, std::move(values));
    };
    add("id", ColumnType::Int);
    add("distinct_text", ColumnType::String);  // mostly distinct: interned late after 4,096 rows
    add("few_texts", ColumnType::String);
    add("odd_text", ColumnType::String);  // quotes, commas, line breaks, UTF-8, empty strings
    add("tags", ColumnType::StringList);
    add("tier", ColumnType::Enum, {"bronze", "silver", "gold"});
    add("amount", ColumnType::Number);
    add("count", ColumnType::Int);
    add("flag", ColumnType::Bool);
    add("day", ColumnType::Date);
    add("seen_at", ColumnType::Timestamp);
    add("more_distinct", ColumnType::String);
    schema.key = "id";
    return schema;
}

class FileWriter {
public:
    explicit FileWriter(uint64_t seed) : random_(seed) {
        for (double& p : null_share_) p = pick<double>({0.0, 0.0005, 0.02, 0.3, 0.95});
        line_end_ = pick<std::string>({"\n", "\n", "\r\n", "\r"});
    }

    std::string file(uint64_t rows) {
        std::string text = "id,distinct_text,few_texts,odd_text,tags,tier,amount,count,flag,day,seen_at,more_distinct";
        text += line_end_;
        for (uint64_t row = 0; row < rows; ++row) {
            text += record(row);
            if (row + 1 < rows || chance(0.5)) text += line_end_;
        }
        return text;
    }

private:
    template <typename T>
    T pick(std::vector<T> options) {
        return options[std::uniform_int_distribution<size_t>(0, options.size() - 1)(random_)];
    }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }
    int64_t number(int64_t low, int64_t high) { return std::uniform_int_distribution<int64_t>(low, high)(random_); }

    // Quotes a field that needs it, and now and then one that does not.
    std::string field(const std::string& value) {
        bool quote = value.empty() || value.find_first_of(",\"\r\n") != std::string::npos || chance(0.05);
        if (!quote) return value;
        std::string out = "\"";
        for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    }

    // Column k's field: empty (NULL) at its column's rate, else `value()`; `""` now and then for a NULL too.
    template <typename F>
    std::string cell(size_t k, F value) {
        if (chance(null_share_[k])) return chance(0.1) && k != 1 && k != 2 && k != 3 && k != 4 && k != 11 ? "\"\"" : "";
        return value();
    }

    std::string odd_text() {
        return pick<std::string>({"", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "lone\rcr", "caf\xC3\xA9",
                                  "\xF0\x9F\x98\x80", " spaced ", "|", "x" + std::to_string(number(0, 50000))});
    }

    // A list in Segmint's form (`a|b`) or, now and then, in PostgreSQL's (`{a,"b c"}`).
    std::string tags() {
        const size_t items = static_cast<size_t>(number(0, 4));
        if (chance(0.2)) {
            std::string out = "{";
            for (size_t i = 0; i < items; ++i) {
                if (i > 0) out += chance(0.2) ? " , " : ",";
                const std::string item = chance(0.5) ? pick<std::string>({"vip", "a,b", "q\"q", "caf\xC3\xA9", "NULL",
                                                                          "b\\s", "{x}", " pad "})
                                                     : "t" + std::to_string(number(0, 20000));
                const bool quote = chance(0.3) || item.find_first_of(",\"\\{} ") != std::string::npos || item == "NULL";
                if (!quote) {
                    out += item;
                    continue;
                }
                out += '"';
                for (char c : item) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
                out += '"';
            }
            return field(out + "}");
        }
        if (items == 0) return "\"\"";  // the empty list
        std::string out;
        for (size_t i = 0; i < items; ++i) {
            if (i > 0) out += '|';
            out += chance(0.5) ? pick<std::string>({"vip", "new", "a,b", "q\"q", "caf\xC3\xA9"})
                               : "t" + std::to_string(number(0, 20000));
        }
        return field(out);
    }

    std::string amount() {
        static const double kEdges[] = {0.0, -0.0, 1.5, -2.25, 5e-324, 2.2250738585072014e-308, 1e-300,
                                        1.7976931348623157e308, -1.7976931348623157e308, 123456789.125};
        char buffer[64];
        const double value = chance(0.3) ? kEdges[number(0, 9)]
                                         : std::uniform_real_distribution<double>(-1e6, 1e6)(random_);
        std::snprintf(buffer, sizeof buffer, pick<const char*>({"%.17g", "%g", "%.3f", "%.6e"}), value);
        return buffer;
    }

    std::string count() {
        static const char* kEdges[] = {"0", "-0", "+7", "9223372036854775807", "-9223372036854775808", "-1"};
        return chance(0.2) ? kEdges[number(0, 5)] : std::to_string(number(-1000000, 1000000));
    }

    static std::string two(int64_t value) { return (value < 10 ? "0" : "") + std::to_string(value); }
    static std::string four(int64_t value) {
        std::string digits = std::to_string(value);
        return std::string(4 - digits.size(), '0') + digits;
    }

    // Dates around century years, month ends and the range's two ends, or any day of a random year.
    std::string day() {
        static const char* kEdges[] = {"0001-01-01", "9999-12-31", "1900-02-28", "2000-02-29", "2100-02-28",
                                       "2400-02-29", "2024-02-29", "2023-12-31", "1970-01-01", "1969-12-31"};
        if (chance(0.3)) return kEdges[number(0, 9)];
        static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const int64_t month = number(1, 12);
        return four(number(1, 9999)) + "-" + two(month) + "-" + two(number(1, kDays[month - 1]));
    }

    std::string seen_at() {
        std::string out = day() + "T" + two(number(0, 23)) + ":" + two(number(0, 59));
        switch (number(0, 2)) {
            case 0: return out;
            case 1: return out + ":" + two(number(0, 59)) + "Z";
            default: break;
        }
        out += ":" + two(number(0, 59)) + "." + std::to_string(number(100000, 999999));
        // An offset could move 0001-01-01 or 9999-12-31 out of range: those two keep UTC.
        if (out.rfind("0001-01-01", 0) == 0 || out.rfind("9999-12-31", 0) == 0) return out + "+00:00";
        const std::string sign = chance(0.5) ? "+" : "-";
        switch (number(0, 3)) {  // ISO's +HH:MM, or PostgreSQL's +HH and +HHMM after a space
            case 0: out[10] = ' '; return out + sign + two(number(0, 14));
            case 1: out[10] = ' '; return out + sign + two(number(0, 14)) + two(number(0, 59));
            default: return out + sign + two(number(0, 14)) + ":" + two(number(0, 59));
        }
    }

    std::string record(uint64_t row) {
        std::string out = std::to_string(row + 1);
        auto add = [&](const std::string& text) { out += "," + text; };
        add(cell(1, [&] { return field("id-" + std::to_string(row) + "-" + std::to_string(number(0, 9))); }));
        add(cell(2, [&] { return field(pick<std::string>({"red", "green", "blue", ""})); }));
        add(cell(3, [&] { return field(odd_text()); }));
        add(cell(4, [&] { return tags(); }));
        add(cell(5, [&] { return field(pick<std::string>({"bronze", "silver", "gold"})); }));
        add(cell(6, [&] { return field(amount()); }));
        add(cell(7, [&] { return field(count()); }));
        add(cell(8, [&] { return field(pick<std::string>({"true", "false", "TRUE", "False", "1", "0", "t", "F"})); }));
        add(cell(9, [&] { return field(day()); }));
        add(cell(10, [&] { return field(seen_at()); }));
        add(cell(11, [&] { return field("m" + std::to_string(number(0, 1) ? row : row * 7 + 3)); }));
        return out;
    }

    std::mt19937_64 random_;
    double null_share_[12] = {};
    std::string line_end_;
};

// The first cell where the two tables differ, or "".
std::string first_difference(const CellTable& expected, const CellTable& actual,
                             const segmint::schema::Schema& schema) {
    auto show = [](const segmint::testing::Cell& cell) { return cell ? "`" + *cell + "`" : std::string("NULL"); };
    for (size_t c = 0; c < expected.size(); ++c) {
        if (expected[c].size() != actual[c].size()) {
            return "rows: " + std::to_string(expected[c].size()) + " expected, " + std::to_string(actual[c].size());
        }
        for (size_t row = 0; row < expected[c].size(); ++row) {
            if (expected[c][row] != actual[c][row]) {
                return "column `" + schema.columns[c].name + "`, row " + std::to_string(row + 1) + ": expected " +
                       show(expected[c][row]) + ", loaded " + show(actual[c][row]);
            }
        }
    }
    return "";
}

// Row counts on both sides of the loader's boundaries (4,096 rows before its estimate, 16-record intern batches).
const uint64_t kRowCounts[] = {0, 1, 15, 16, 17, 4095, 4096, 4097, 4111, 4112, 4113, 5000, 8193, 12000};

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_differential)

BOOST_AUTO_TEST_CASE(the_loader_reads_random_files_as_the_simple_reader_does) {
    const auto schema = differential_schema();
    int files = 0;
    for (uint64_t seed = 1; seed <= 28; ++seed) {
        FileWriter writer(seed);
        const uint64_t rows = kRowCounts[seed % (sizeof kRowCounts / sizeof kRowCounts[0])];
        const std::string text = writer.file(rows);
        const CellTable expected = segmint::testing::simple_load_csv(text, schema);
        struct Variant {
            const char* name;
            unsigned threads;
            size_t buffer_bytes;
        };
        const Variant variants[] = {{"1 thread", 1, size_t{1} << 20},
                                    {"1 thread, 97-byte chunks", 1, 97},
                                    {"2 threads", 2, size_t{1} << 20},
                                    {"3 threads, 4 KiB chunks", 3, 4096}};
        for (const Variant& variant : variants) {
            segmint::data::CsvOptions options;
            options.threads = variant.threads;
            options.min_bytes_per_thread = 1;  // split even small files
            options.buffer_bytes = variant.buffer_bytes;
            unsigned used = 0;
            options.threads_used = &used;
            segmint::data::CsvError error;
            const auto table = segmint::data::load_csv_text(text, "random.csv", schema, &error, options);
            BOOST_REQUIRE_MESSAGE(table, "seed " << seed << ", " << variant.name << ": " << error.to_string());
            const std::string difference = first_difference(expected, segmint::testing::cells_of(*table), schema);
            BOOST_TEST(difference.empty(), "seed " << seed << " (" << rows << " rows), " << variant.name << ": "
                                                   << difference);
            if (rows >= 16) BOOST_TEST(used == variant.threads, "seed " << seed << ", " << variant.name);
        }
        ++files;
    }
    BOOST_TEST(files == 28);
}

// The issue's own case: a mostly distinct column with one NULL past row 4,096.
BOOST_AUTO_TEST_CASE(a_null_past_row_4096_in_a_mostly_distinct_column_stays_on_its_row) {
    segmint::schema::Schema schema;
    segmint::testing::add_column(schema, "customer_id", ColumnType::Int);
    segmint::testing::add_column(schema, "s", ColumnType::String);
    schema.key = "customer_id";
    std::string text = "customer_id,s\n";
    for (int i = 1; i <= 4100; ++i) text += std::to_string(i) + "," + (i == 4098 ? "" : "v" + std::to_string(i)) + "\n";
    segmint::data::CsvError error;
    const auto table = segmint::data::load_csv_text(text, "d.csv", schema, &error);
    BOOST_REQUIRE_MESSAGE(table, error.to_string());
    const auto& column = table->column(1);
    for (uint64_t row = 0; row < table->rows(); ++row) {
        if (row == 4097) {
            BOOST_TEST(column.is_null(row));
        } else {
            BOOST_TEST_REQUIRE(!column.is_null(row), "row " << row + 1);
            BOOST_TEST(column.string_at(row) == "v" + std::to_string(row + 1));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
