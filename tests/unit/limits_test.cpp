// Every limit of the rule language in docs/limits.md, at its documented value (accepted) and just past it (the
// documented error), so a limit that drifts from its documentation, or an off-by-one at its edge, fails here
// (suite language_limits). CSV, YAML and command limits have theirs beside their other tests (csv_test, schema_test,
// outputs_test).
#include "common/limits.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/text_format.h"
#include "data/csv_loader.h"
#include "generate/synthetic.h"
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

std::string items(size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += (i ? ", \"v" : "\"v") + std::to_string(i) + "\"";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(language_limits)

BOOST_AUTO_TEST_CASE(the_documented_values) {
    // docs/limits.md states these; a change here is a change there.
    BOOST_TEST(limits::kMaxNestingDepth == 256u);
    BOOST_TEST(limits::kMaxSpecFileBytes == size_t{16} << 20);
    BOOST_TEST(limits::kMaxIdentifierBytes == 256u);
    BOOST_TEST(limits::kMaxStringLiteralBytes == size_t{1} << 20);
    BOOST_TEST(limits::kMaxListItems == 100000u);
    BOOST_TEST(limits::kMaxSegments == 100000u);
    BOOST_TEST(limits::kMaxOverlapSegments == 2000u);
    BOOST_TEST(data::kMaxCsvRecordBytes == uint64_t{16} << 20);
    BOOST_TEST(generate::kMaxSyntheticRows == 1000000000u);
}

// Limits enforced outside the rule language are listed too, with the values the code enforces (each is tested at its
// edge beside its other tests: csv_test, project_test, outputs_test).
BOOST_AUTO_TEST_CASE(docs_list_the_limits_outside_the_language) {
    const std::string doc = read_file(source_dir() + "/docs/limits.md");
    auto row = [&](const std::string& start) -> std::string {
        const size_t at = doc.find("\n| " + start);
        return at == std::string::npos ? "" : doc.substr(at + 1, doc.find('\n', at + 1) - at - 1);
    };
    BOOST_TEST(
        row("CSV record").find("| " + std::to_string(data::kMaxCsvRecordBytes >> 20) + " MiB |") != std::string::npos,
        row("CSV record"));
    BOOST_TEST(
        row("`segmint generate --rows`").find("| " + with_thousands(generate::kMaxSyntheticRows)) != std::string::npos,
        row("`segmint generate --rows`"));
    BOOST_TEST(
        row("count bound of a `size` constraint").find("| " + with_thousands(uint64_t{1} << 53)) != std::string::npos,
        row("count bound of a `size` constraint"));
}

// 256 levels: the rule's own expression is the first, so 255 parentheses, `not`s or unary minuses fit around it.
BOOST_AUTO_TEST_CASE(nesting_256_levels) {
    auto parenthesized = [](size_t n) { return "segment s: " + repeat("(", n) + "age > 1" + repeat(")", n); };
    BOOST_TEST(check_text(parenthesized(255)).codes() == "");
    BOOST_TEST(check_text(parenthesized(256)).codes() == "E009");
    BOOST_TEST(check_text("segment s: " + repeat("not ", 255) + "email_opt_in").codes() == "");
    BOOST_TEST(check_text("segment s: " + repeat("not ", 256) + "email_opt_in").codes() == "E009");
    BOOST_TEST(check_text("segment s: " + repeat("-", 254) + "age > 1").codes() == "");
    BOOST_TEST(check_text("segment s: " + repeat("-", 256) + "age > 1").codes() == "E009");
}

BOOST_AUTO_TEST_CASE(file_size_16_mib) {
    const std::string head = "segment s: age > 1\n#";
    std::string text = head + std::string((size_t{16} << 20) - head.size(), 'x');
    BOOST_REQUIRE_EQUAL(text.size(), size_t{16} << 20);
    BOOST_TEST(check_text(text).codes() == "");
    text += "x";
    BOOST_TEST(check_text(text).codes() == "E010");
}

BOOST_AUTO_TEST_CASE(names_256_bytes) {
    const std::string at = "a" + std::string(255, 'b');
    BOOST_TEST(check_text("segment " + at + ": age > 1\nsegment t: " + at).codes() == "");
    BOOST_TEST(check_text("segment " + at + "c: age > 1").codes() == "E011");
    BOOST_TEST(check_text("segment s: `" + at + "c` > 1").codes() == "E011");
}

BOOST_AUTO_TEST_CASE(string_literals_1_mib) {
    const std::string at(size_t{1} << 20, 'x');
    BOOST_TEST(check_text("segment s: email = \"" + at + "\"").codes() == "");
    BOOST_TEST(check_text("segment s: email = \"" + at + "x\"").codes() == "E012");
}

BOOST_AUTO_TEST_CASE(lists_100000_items) {
    for (const char* list :
         {"country in (", "country not in (", "tags contains any (", "tags contains all (", "email contains any ("}) {
        BOOST_TEST_CONTEXT(list) {
            BOOST_TEST(check_text(std::string("segment s: ") + list + items(100000) + ")").codes() == "");
            BOOST_TEST(check_text(std::string("segment s: ") + list + items(100001) + ")").codes() == "E013");
        }
    }
}

BOOST_AUTO_TEST_CASE(segments_100000_per_run) {
    std::string text;
    for (size_t i = 0; i < 100000; ++i) text += "segment s" + std::to_string(i) + ": true\n";
    BOOST_TEST(check_text(text).codes() == "");
    text += "segment one_more: true\n";
    BOOST_TEST(check_text(text).codes() == "E111");
}

BOOST_AUTO_TEST_CASE(durations_1000000) {
    BOOST_TEST(check_text("segment s: signup_date > signup_date - 1000000 days").codes() == "");
    BOOST_TEST(check_text("segment s: signup_date > signup_date - 1_000_001 days").codes() == "E015");
    BOOST_TEST(check_text("segment s: last_login_at within last 1000000 seconds").codes() == "");
    BOOST_TEST(check_text("segment s: last_login_at within last 1000001 seconds").codes() == "E015");
}

BOOST_AUTO_TEST_SUITE_END()
