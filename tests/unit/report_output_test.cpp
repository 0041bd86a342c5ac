// The result formats of `segmint eval` and `segmint overlap` (src/report/eval_output.h, overlap_output.h), called
// directly: data in, the exact bytes out, and large outputs written in pieces.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "analysis/overlap.h"
#include "common/calendar.h"
#include "data/csv_loader.h"
#include "engine/engine.h"
#include "report/eval_output.h"
#include "report/overlap_output.h"
#include "test_support.h"

using namespace segmint;
using segmint::testing::add_column;

namespace {

scalar::AsOf as_of(const std::string& text) {
    scalar::AsOf out;
    BOOST_REQUIRE(engine::parse_as_of(text, &out));
    return out;
}

// Collects what a writer writes, piece by piece.
struct Collected {
    std::vector<std::string> pieces;
    report::WriteText writer() {
        return [this](std::string_view text) {
            pieces.emplace_back(text);
            return true;
        };
    }
    std::string text() const {
        std::string out;
        for (const auto& piece : pieces) out += piece;
        return out;
    }
};

data::Table table_of(const std::string& csv, schema::ColumnType key_type, schema::Schema& schema) {
    add_column(schema, "customer_id", key_type);
    add_column(schema, "age", schema::ColumnType::Int);
    schema.key = "customer_id";
    data::CsvError error;
    auto table = data::load_csv_text(csv, "t.csv", schema, &error);
    BOOST_REQUIRE_MESSAGE(table, error.to_string());
    return std::move(*table);
}

data::Bitmap bits(uint64_t size, std::initializer_list<uint64_t> set) {
    data::Bitmap out(size);
    for (uint64_t bit : set) out.set(bit);
    return out;
}

report::OverlapResult overlap_of(std::vector<std::string> names, const std::vector<data::Bitmap>& sets) {
    report::OverlapResult result;
    result.rows = sets.empty() ? 0 : sets[0].size();
    result.as_of = as_of("2026-11-23");
    result.names = std::move(names);
    std::vector<const data::Bitmap*> pointers;
    for (const auto& set : sets) pointers.push_back(&set);
    result.matrix = analysis::overlap_matrix(pointers);
    return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report_output)

BOOST_AUTO_TEST_CASE(eval_sizes_as_text_csv_and_json) {
    report::EvalSizes sizes;
    sizes.rows = 5000;
    sizes.as_of = as_of("2026-11-23T10:15:00Z");
    sizes.load_seconds = 0.5;
    sizes.eval_seconds = 0.25;
    sizes.segments = {{"adults", 1234, std::string("Adults")}, {"a_long_name", 0, std::nullopt}};
    BOOST_CHECK_EQUAL(report::eval_sizes_text(sizes),
                      "5,000 customers as of 2026-11-23T10:15:00Z (loaded in 0.50 s, evaluated in 0.250 s)\n\n"
                      "segment         customers     share  title\n"
                      "adults              1,234    24.68%  Adults\n"
                      "a_long_name             0     0.00%  \n");
    BOOST_CHECK_EQUAL(report::eval_sizes_csv(sizes),
                      "segment,count,share\nadults,1234,0.246800\na_long_name,0,0.000000\n");
    const auto json = report::eval_sizes_json(sizes);
    BOOST_CHECK_EQUAL(json.dump(),
                      R"({"version":1,"command":"eval","rows":5000,"as_of":"2026-11-23",)"
                      R"("now":"2026-11-23T10:15:00Z","segments":[{"name":"adults","count":1234,)"
                      R"("share":0.2468,"title":"Adults"},{"name":"a_long_name","count":0,"share":0.0}]})");
    sizes.rows = 0;  // no customers: shares are 0, not NaN
    sizes.segments = {{"adults", 0, std::nullopt}};
    BOOST_CHECK_EQUAL(report::eval_sizes_csv(sizes), "segment,count,share\nadults,0,0.000000\n");
    BOOST_CHECK(report::eval_sizes_text(sizes).find("0.00%") != std::string::npos);
}

// A string key with a comma, quote or line break is quoted as in CSV in text and csv; JSON escapes it.
BOOST_AUTO_TEST_CASE(members_in_each_format) {
    schema::Schema schema;
    const data::Table table = table_of("customer_id,age\nplain,1\n\"a,b\",2\n\"say \"\"hi\"\"\",3\nskipped,4\n",
                                       schema::ColumnType::String, schema);
    const data::Bitmap members = bits(4, {0, 1, 2});
    DiagnosticSink sink;
    Collected text, csv, json;
    const scalar::AsOf as_of{calendar::parse_date("2026-11-23").value(),
                             calendar::parse_timestamp("2026-11-23T10:20:30Z").value()};
    BOOST_CHECK(report::write_members(table, members, "s", as_of, "text", sink, text.writer()));
    BOOST_CHECK_EQUAL(text.text(), "plain\n\"a,b\"\n\"say \"\"hi\"\"\"\n");
    BOOST_CHECK(report::write_members(table, members, "s", as_of, "csv", sink, csv.writer()));
    BOOST_CHECK_EQUAL(csv.text(), "customer_id\nplain\n\"a,b\"\n\"say \"\"hi\"\"\"\n");
    BOOST_CHECK(report::write_members(table, members, "s", as_of, "json", sink, json.writer()));
    BOOST_CHECK_EQUAL(json.text(), R"({"version": 1, "command": "eval", "segment": "s", "as_of": "2026-11-23", )"
                                   R"("now": "2026-11-23T10:20:30Z", "count": 3, "members": )"
                                   R"(["plain", "a,b", "say \"hi\""], "diagnostics": [], "errors": 0, "warnings": 0})"
                                   "\n");
    BOOST_CHECK(nlohmann::json::parse(json.text())["members"].size() == 3);
    BOOST_CHECK_EQUAL(report::members_written_json("s", as_of, 3, "out.txt").dump(),
                      R"({"version":1,"command":"eval","segment":"s","as_of":"2026-11-23",)"
                      R"("now":"2026-11-23T10:20:30Z","count":3,"output":"out.txt"})");
}

// Millions of keys are written in pieces of about 1 MiB, never as one string; a failed write stops the writer.
BOOST_AUTO_TEST_CASE(members_are_written_in_pieces) {
    schema::Schema schema;
    std::string csv = "customer_id,age\n";
    std::string expected;
    for (int i = 1000000; i < 1300000; ++i) {
        csv += std::to_string(i) + ",1\n";
        expected += std::to_string(i) + "\n";
    }
    const data::Table table = table_of(csv, schema::ColumnType::Int, schema);
    const data::Bitmap all(table.rows(), true);
    DiagnosticSink sink;
    Collected out;
    BOOST_CHECK(report::write_members(table, all, "s", scalar::AsOf{}, "text", sink, out.writer()));
    BOOST_CHECK_EQUAL(out.pieces.size(), 3u);  // 2.1 MB
    for (const auto& piece : out.pieces) BOOST_CHECK_LE(piece.size(), (1u << 20) + 16);
    BOOST_CHECK(out.text() == expected);
    size_t calls = 0;
    BOOST_CHECK(!report::write_members(table, all, "s", scalar::AsOf{}, "text", sink, [&](std::string_view) {
        ++calls;
        return false;
    }));
    BOOST_CHECK_EQUAL(calls, 1u);
}

BOOST_AUTO_TEST_CASE(overlap_text_matrix_and_pairs) {
    const auto result = overlap_of({"a", "b", "c"}, {bits(4, {0, 1}), bits(4, {1, 2}), bits(4, {})});
    Collected out;
    report::write_overlap_text(result, 10, out.writer());
    BOOST_CHECK_EQUAL(out.text(),
                      "overlap of 3 segments on 4 customers as of 2026-11-23\n\n"
                      "          [1]    [2]    [3]\n"
                      " [1] a      2      1      0\n"
                      " [2] b      1      2      0\n"
                      " [3] c      0      0      0\n"
                      "(customers in both; the diagonal is each segment's size)\n\n"
                      "most overlapping pairs (by Jaccard):\n"
                      "  a ∩ b: 1  jaccard 0.333, 50.0% of a, 50.0% of b\n");
    Collected none;
    report::write_overlap_text(result, 0, none.writer());
    BOOST_CHECK(none.text().find("no two segments overlap\n") != std::string::npos);
}

// Past 40 segments the matrix is left out of text output; the pairs remain.
BOOST_AUTO_TEST_CASE(overlap_text_without_the_matrix_past_40_segments) {
    std::vector<std::string> names;
    std::vector<data::Bitmap> sets;
    for (int i = 0; i < 41; ++i) {
        names.push_back("s" + std::to_string(i));
        sets.push_back(bits(64, {static_cast<uint64_t>(i), 63}));
    }
    Collected out;
    report::write_overlap_text(overlap_of(names, sets), 2, out.writer());
    const std::string text = out.text();
    BOOST_CHECK(text.find("(matrix left out for more than 40 segments; use --format csv or json)\n\n") !=
                std::string::npos);
    BOOST_CHECK(text.find("[41]") == std::string::npos);
    BOOST_CHECK(text.find("most overlapping pairs (by Jaccard):\n  s0 ∩ s1: 1  jaccard 0.333") != std::string::npos);
    // heading, blank, note, blank, "most overlapping pairs", and 2 of the 820 pairs (--top 2)
    BOOST_CHECK_EQUAL(std::count(text.begin(), text.end(), '\n'), 7);
}

BOOST_AUTO_TEST_CASE(overlap_csv_and_json) {
    const auto result = overlap_of({"a", "b", "c"}, {bits(4, {0, 1}), bits(4, {1, 2}), bits(4, {})});
    Collected csv;
    report::write_overlap_csv(result, csv.writer());
    BOOST_CHECK_EQUAL(csv.text(),
                      "a,b,count_a,count_b,intersection,jaccard,containment_a,containment_b\n"
                      "a,b,2,2,1,0.333333,0.500000,0.500000\n"
                      "a,c,2,0,0,0.000000,0.000000,0.000000\n"
                      "b,c,2,0,0,0.000000,0.000000,0.000000\n");
    BOOST_CHECK_EQUAL(csv.pieces.size(), 3u);  // a row of the matrix at a time

    DiagnosticSink sink;
    Collected json;
    report::write_overlap_json(result, sink, json.writer());
    const auto document = nlohmann::ordered_json::parse(json.text());
    std::vector<std::string> keys;
    for (const auto& [key, value] : document.items()) keys.push_back(key);
    BOOST_CHECK_EQUAL(nlohmann::json(keys).dump(), R"(["version","command","rows","as_of","now","segments",)"
                                                   R"("diagnostics","errors","warnings","pairs"])");
    BOOST_CHECK_EQUAL(document["pairs"].size(), 3u);
    BOOST_CHECK_EQUAL(document["pairs"][0].dump(), R"({"a":"a","b":"b","count_a":2,"count_b":2,"intersection":1,)"
                                                   R"("jaccard":0.3333333333333333,"containment_a":0.5,)"
                                                   R"("containment_b":0.5})");
    Collected single;
    report::write_overlap_json(overlap_of({"a"}, {bits(4, {0})}), sink, single.writer());
    const std::string end = "\"pairs\": []\n}\n";  // one segment: no pairs, the array closed on its line
    BOOST_CHECK(single.text().size() > end.size() &&
                single.text().compare(single.text().size() - end.size(), end.size(), end) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
