// BAD_INPUTS.md cases 1-16 (DSL text) and 42 (parsing on worker threads): each ends in a located error or works, within
// bounded time and memory, and never crashes. Numbers in test names are the case numbers.
#include <boost/test/unit_test.hpp>
#include <future>
#include <thread>

#include "common/calendar.h"
#include "syntax/parse.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

std::string repeat(const std::string& piece, size_t count) {
    std::string out;
    out.reserve(piece.size() * count);
    for (size_t i = 0; i < count; ++i) out += piece;
    return out;
}

bool has_code(const Checked& checked, Code code) {
    for (const auto& d : checked.diagnostics) {
        if (d.code == code) return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_inputs_dsl)

BOOST_AUTO_TEST_CASE(case01_deep_parentheses_not_and_minus) {
    for (const std::string& prefix : {std::string("("), std::string("not "), std::string("-")}) {
        std::string text = "segment deep: " + repeat(prefix, 100000) + "age > 1";
        if (prefix == "(") text += repeat(")", 100000);
        Checked checked = check_text(text);
        BOOST_TEST_CONTEXT("prefix " << prefix) {
            BOOST_CHECK_EQUAL(checked.codes(), "E009");
            BOOST_CHECK(checked.text().find("nested too deeply") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(case01_deep_nesting_on_a_worker_thread) {
    // Worker threads may have smaller stacks than the main thread; the limit must hold there too.
    std::string text = "segment deep: " + repeat("(", 100000) + "age > 1" + repeat(")", 100000);
    auto result = std::async(std::launch::async, [&] { return check_text(text).codes(); });
    BOOST_CHECK_EQUAL(result.get(), "E009");
}

BOOST_AUTO_TEST_CASE(case01_just_under_the_limit_works) {
    std::string text = "segment deep: " + repeat("(", 255) + "age > 1" + repeat(")", 255);
    BOOST_CHECK_EQUAL(check_text(text).codes(), "");
}

BOOST_AUTO_TEST_CASE(case02_or_chain_of_100000_terms) {
    std::string text = "segment wide: age = 0";
    for (int i = 1; i < 100000; ++i) text += " or age = " + std::to_string(i);
    Checked checked = check_text(text);
    BOOST_CHECK_EQUAL(checked.codes(), "");
    const auto& rule = *checked.catalog.definition(0).rule;
    BOOST_CHECK(rule.kind == ast::ExprKind::Or);
    BOOST_CHECK_EQUAL(rule.args.size(), 100000u);  // one flat node, not a 100,000-deep tree
    BOOST_CHECK_EQUAL(rule.height, 3u);
}

BOOST_AUTO_TEST_CASE(case02_long_arithmetic_chain_is_a_nesting_error) {
    std::string text = "segment sum: age" + repeat(" + 1", 100000) + " > 5";
    BOOST_CHECK_EQUAL(check_text(text).codes(), "E009");
}

BOOST_AUTO_TEST_CASE(case03_junk_is_bounded) {
    // Adjacent junk is one error; separated junk stops after a bounded number of errors.
    BOOST_CHECK_EQUAL(check_text("segment s: " + repeat(".", 100000)).codes(), "E001");
    Checked spaced = check_text("segment s: " + repeat(". ", 100000));
    BOOST_CHECK_EQUAL(spaced.diagnostics.size(), DiagnosticSink::kMaxErrorsPerSource + 1);
    BOOST_CHECK(spaced.diagnostics.back().code == Code::TooManyErrors);
    Checked many_definitions = check_text(repeat("segment s: ) ", 100000));
    BOOST_CHECK(many_definitions.diagnostics.size() <= DiagnosticSink::kMaxErrorsPerSource + 1);
    BOOST_CHECK(has_code(many_definitions, Code::TooManyErrors));
}

BOOST_AUTO_TEST_CASE(case04_huge_file_and_huge_string) {
    std::string huge = "segment s: first_name = \"" + std::string(100u << 20, 'a') + "\"";
    BOOST_CHECK_EQUAL(check_text(huge).codes(), "E010");
    std::string big_literal = "segment s: first_name = \"" + std::string(2u << 20, 'a') + "\"";
    BOOST_CHECK_EQUAL(check_text(big_literal).codes(), "E012");
}

BOOST_AUTO_TEST_CASE(case05_unterminated_string_at_end_of_file) {
    Checked checked = check_text("segment s:\n  country = \"Germany");
    BOOST_CHECK_EQUAL(checked.codes(), "E002");
    auto at = checked.diagnostics[0].source->location(checked.diagnostics[0].span.begin);
    BOOST_CHECK_EQUAL(at.line, 2u);
    BOOST_CHECK_EQUAL(at.column, 13u);  // the opening quote
    // A comment running to the end of the file without a newline is fine.
    BOOST_CHECK_EQUAL(check_text("segment s: age > 1 # no newline after this").codes(), "");
}

BOOST_AUTO_TEST_CASE(case06_invalid_utf8_overlong_and_bom) {
    Checked invalid = check_text("segment s: first_name = \"caf\xC3\x28\"");
    BOOST_CHECK_EQUAL(invalid.codes(), "E007");
    BOOST_CHECK(invalid.text().find("byte offset 28") != std::string::npos);
    BOOST_CHECK_EQUAL(check_text("segment s: first_name = \"\xC0\xAF\"").codes(), "E007");      // overlong '/'
    BOOST_CHECK_EQUAL(check_text("segment s: first_name = \"\xED\xA0\x80\"").codes(), "E007");  // surrogate
    BOOST_CHECK_EQUAL(check_text("\xEF\xBB\xBFsegment s: age > 1").codes(), "");                // BOM accepted
    BOOST_CHECK_EQUAL(check_text("segment s: first_name = \"caf\xC3\xA9\"").codes(), "");       // valid UTF-8
}

BOOST_AUTO_TEST_CASE(case07_nul_byte) {
    Checked checked = check_text(std::string("segment s: age > 1\0 and age < 5", 32));
    BOOST_CHECK_EQUAL(checked.codes(), "E008");
    BOOST_CHECK_EQUAL(checked.diagnostics[0].span.begin, 18u);
}

BOOST_AUTO_TEST_CASE(case08_megabyte_identifier) {
    Checked checked = check_text("segment s: " + std::string(1u << 20, 'x') + " > 1");
    BOOST_CHECK_EQUAL(checked.codes(), "E011");
}

BOOST_AUTO_TEST_CASE(case09_cycles_and_a_deep_chain) {
    Checked two = check_text("segment a: b\nsegment b: a\n");
    BOOST_CHECK_EQUAL(two.codes(), "E109");
    BOOST_CHECK(two.text().find("a -> b -> a") != std::string::npos);
    Checked self = check_text("segment a: a or age > 1\n");
    BOOST_CHECK_EQUAL(self.codes(), "E109");
    BOOST_CHECK(self.text().find("refers to itself") != std::string::npos);

    std::string chain = "segment s0: age > 1\n";
    for (int i = 1; i < 1000; ++i) chain += "segment s" + std::to_string(i) + ": s" + std::to_string(i - 1) + "\n";
    Checked deep = check_text(chain);
    BOOST_CHECK_EQUAL(deep.codes(), "");
    BOOST_REQUIRE_EQUAL(deep.catalog.evaluation_order.size(), 1000u);
    BOOST_CHECK_EQUAL(deep.catalog.segments[deep.catalog.evaluation_order.front()].name, "s0");
    BOOST_CHECK_EQUAL(deep.catalog.segments[deep.catalog.evaluation_order.back()].name, "s999");

    std::string ring = chain + "segment s1000: s999 and s1001\nsegment s1001: s1000\n";
    Checked ring_checked = check_text(ring);
    BOOST_CHECK_EQUAL(ring_checked.codes(), "E109");
}

BOOST_AUTO_TEST_CASE(case10_numbers_out_of_range) {
    BOOST_CHECK_EQUAL(check_text("segment s: lifetime_orders > 9223372036854775808").codes(), "E005");
    BOOST_CHECK_EQUAL(check_text("segment s: total_spend > 1e400").codes(), "E005");
    // A nonzero literal below the smallest double is an error, not zero; subnormals are valid.
    BOOST_CHECK_EQUAL(check_text("segment s: total_spend = 1e-400").codes(), "E005");
    BOOST_CHECK(check_text("segment s: total_spend = 2e-324").text().find("too small") != std::string::npos);
    BOOST_CHECK_EQUAL(check_text("segment s: total_spend = 4.9e-324 or total_spend = 0e-999").codes(), "");
    BOOST_CHECK_EQUAL(check_text("segment s: lifetime_orders > -9223372036854775808").codes(), "");
    BOOST_CHECK_EQUAL(check_text("segment s: lifetime_orders > 9223372036854775807").codes(), "");
}

BOOST_AUTO_TEST_CASE(case11_overflow_and_division_by_zero_type_check) {
    // These are well-typed; their value (NULL) is the evaluator's business and is tested with the engine.
    BOOST_CHECK_EQUAL(check_text("segment s: 9223372036854775807 + 1 > age").codes(), "");
    BOOST_CHECK_EQUAL(check_text("segment s: -9223372036854775808 / -1 > age").codes(), "");
    BOOST_CHECK_EQUAL(check_text("segment s: age / 0 > 1 or age % 0 = 1").codes(), "");
}

BOOST_AUTO_TEST_CASE(case12_calendar_dates) {
    BOOST_CHECK_EQUAL(check_text("segment s: signup_date = 2024-02-29").codes(), "");
    BOOST_CHECK_EQUAL(check_text("segment s: signup_date = 2023-02-29").codes(), "E006");
    BOOST_CHECK_EQUAL(check_text("segment s: signup_date = 2026-13-01").codes(), "E006");
    BOOST_CHECK_EQUAL(check_text("segment s: signup_date = 0000-01-01").codes(), "E006");
}

BOOST_AUTO_TEST_CASE(case13_timestamps_are_utc) {
    // Europe's 2026 DST change is at 01:00 UTC on March 29; offsets are applied, no zone rules are involved.
    auto with_offset = calendar::parse_timestamp("2026-03-29T03:30:00+02:00");
    auto utc = calendar::parse_timestamp("2026-03-29T01:30:00Z");
    auto no_zone = calendar::parse_timestamp("2026-03-29T01:30:00");
    BOOST_REQUIRE(with_offset && utc && no_zone);
    BOOST_CHECK_EQUAL(*with_offset, *utc);
    BOOST_CHECK_EQUAL(*no_zone, *utc);
    BOOST_CHECK_EQUAL(calendar::format_timestamp(*utc), "2026-03-29T01:30:00Z");
    auto west = calendar::parse_timestamp("2026-11-23T14:05:00-02:00");
    BOOST_REQUIRE(west);
    BOOST_CHECK_EQUAL(calendar::format_timestamp(*west), "2026-11-23T16:05:00Z");
    // An offset that moves the instant out of years 1..9999 makes no timestamp, in rules and in data alike.
    BOOST_CHECK(!calendar::parse_timestamp("0001-01-01T00:30:00+01:00"));
    BOOST_CHECK(!calendar::parse_timestamp("9999-12-31T23:30:00-01:00"));
    BOOST_CHECK(calendar::parse_timestamp("0001-01-01T01:00:00+01:00"));
    BOOST_CHECK(calendar::parse_timestamp("9999-12-31T22:59:59-01:00"));
    BOOST_CHECK_EQUAL(check_text("segment s: last_login_at > 0001-01-01T00:30:00+01:00").codes(), "E006");
}

BOOST_AUTO_TEST_CASE(case14_regexes) {
    BOOST_CHECK_EQUAL(check_text("segment s: email matches \"(a+)+$\"").codes(), "");
    BOOST_CHECK_EQUAL(check_text("segment s: email matches \"(a+\"").codes(), "E110");
    BOOST_CHECK_EQUAL(check_text("segment s: email matches \"(?=x)\"").codes(), "E110");  // no lookaround in RE2
}

BOOST_AUTO_TEST_CASE(case15_format_characters_printed_verbatim) {
    Checked checked = check_text("segment s \"{} %n %s {0}\": `{}%n%s` > 1 and first_name = \"{:>10}%n\"");
    BOOST_CHECK_EQUAL(checked.codes(), "E101");
    BOOST_CHECK(checked.text().find("unknown name `{}%n%s`") != std::string::npos);
    BOOST_CHECK_EQUAL(*checked.catalog.definition(0).title, "{} %n %s {0}");
}

BOOST_AUTO_TEST_CASE(case16_unknown_names_get_suggestions) {
    Checked column = check_text("segment s: order_90d > 1");
    BOOST_CHECK_EQUAL(column.diagnostics[0].hint, "did you mean `orders_90d`?");
    Checked segment = check_text("segment frequent_buyers: orders_90d > 4\nsegment s: frequent_buyer");
    BOOST_CHECK_EQUAL(segment.diagnostics[0].hint, "did you mean `frequent_buyers`?");
    Checked function = check_text("segment s: lowr(country) = \"x\"");
    BOOST_CHECK_EQUAL(function.diagnostics[0].hint, "did you mean `lower`?");
    Checked value = check_text("segment s: tier = \"gld\"");
    BOOST_CHECK(value.diagnostics[0].code == Code::UnknownEnumValue);
    BOOST_CHECK(value.diagnostics[0].hint.find("did you mean `gold`?") == 0);
}

BOOST_AUTO_TEST_CASE(case42_parsing_on_worker_threads) {
    // Many files parsed and checked at once on several threads give the same result as one thread.
    std::vector<std::string> texts;
    for (const auto& path : files_with_extension(source_dir() + "/tests/golden/parse", ".seg")) {
        texts.push_back(read_file(path));
    }
    auto run_all = [&] {
        std::string out;
        for (const auto& text : texts) {
            Checked checked = check_text(text);
            for (const auto& file : checked.catalog.files) out += ast::dump(file);
            out += checked.text();
        }
        return out;
    };
    const std::string expected = run_all();
    std::vector<std::future<std::string>> results;
    for (int t = 0; t < 4; ++t) results.push_back(std::async(std::launch::async, run_all));
    for (auto& result : results) BOOST_CHECK(result.get() == expected);
}

BOOST_AUTO_TEST_SUITE_END()
