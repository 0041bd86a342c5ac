// Inputs the fuzzers of tests/fuzz (run by .ci/fuzz) found crashing, kept inline so they stay fixed. Each case names
// the target that found it and the function that was fixed.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "common/diagnostic.h"
#include "common/source.h"
#include "report/diagnostic_render.h"
#include "schema/schema.h"

using namespace segmint;

namespace {

std::string bytes(size_t count, unsigned char byte) { return std::string(count, static_cast<char>(byte)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(fuzz_regressions)

BOOST_AUTO_TEST_CASE(yaml_long_line_of_stray_utf8_continuation_bytes) {
    // fuzz_yaml_schema: a schema error located in a long line of invalid UTF-8 (continuation bytes only) threw
    // std::out_of_range from report::append_snippet: keeping characters whole walked the window's start back over the
    // whole run, so the window ended before the span. Fixed in src/report/diagnostic_text.cpp (append_snippet).
    const std::string text = "table: t\nkey: id\ncolumns:\n  id: int\n " + bytes(66, 0xBD) + bytes(103, 0xA4) +
                             bytes(6, 0xBD) + bytes(43, 0x91) + "evels {type: en!" + bytes(1, 0x00) +
                             "um, values: &v  [,ab, c]}*  other_tier: *levels\n  third: {type: enum, vahues: *v}\n";
    DiagnosticSink sink;
    auto schema = schema::load_schema(std::make_shared<const Source>("fuzz.yaml", text), sink);
    BOOST_TEST(!schema);
    BOOST_TEST_REQUIRE(sink.has_errors());
    std::string shown;
    BOOST_CHECK_NO_THROW(shown = report::render_text(sink.diagnostics()));
    BOOST_TEST(shown.find("fuzz.yaml:") == 0u);
}

BOOST_AUTO_TEST_CASE(caret_in_a_long_line_after_a_run_of_continuation_bytes) {
    // The smallest shape of the same bug: 'a', 170 continuation bytes, 'b', 20 more, then the span at 'c'.
    const std::string line = "a" + bytes(170, 0xBD) + "b" + bytes(20, 0xBD) + "c";
    auto source = std::make_shared<const Source>("t.yaml", line + "\n");
    Diagnostic diagnostic;
    diagnostic.source = source;
    diagnostic.span = {static_cast<uint32_t>(line.size() - 1), static_cast<uint32_t>(line.size())};
    diagnostic.message = "here";
    std::string shown;
    BOOST_REQUIRE_NO_THROW(shown = report::render_text(diagnostic));
    BOOST_TEST(shown.find("c...") == std::string::npos);  // the window reaches the span: 'c' is shown, not cut off
    BOOST_TEST(shown.find('c') != std::string::npos);
    BOOST_TEST(shown.find('^') != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
