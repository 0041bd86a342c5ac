// segmint report (report/html_report.h, cli/report_command.cpp): HTML and script escaping, the heatmap's clustering
// order, the highlighted rules in the page's data, and the command on a small project and a 1,000-segment catalog.
// With --diff, the page's data holds what `segmint diff --format json` says for the same versions and data.
// The page in a real browser: tests/browser/report_browser.sh.
#include "report/html_report.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "analysis/overlap.h"
#include "report/overlap_order.h"
#include "syntax/highlight.h"
#include "test_support.h"

using namespace segmint;
using testing::run_segmint;
using testing::TempDir;

namespace {

size_t occurrences(const std::string& text, const std::string& part) {
    size_t found = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++found;
    return found;
}

// The JSON between <script type="application/json" id="report-data"> and its </script>.
nlohmann::json page_data(const std::string& page) {
    const std::string open = "<script type=\"application/json\" id=\"report-data\">";
    const size_t begin = page.find(open);
    BOOST_REQUIRE(begin != std::string::npos);
    const size_t end = page.find("</script>", begin);
    BOOST_REQUIRE(end != std::string::npos);
    return nlohmann::json::parse(page.substr(begin + open.size(), end - begin - open.size()));
}

// An overlap matrix from explicit sets of row numbers.
analysis::OverlapMatrix matrix_of(const std::vector<std::vector<size_t>>& sets, size_t rows) {
    std::vector<data::Bitmap> bitmaps;
    for (const auto& set : sets) {
        data::Bitmap bitmap(rows);
        for (size_t row : set) bitmap.set(row);
        bitmaps.push_back(std::move(bitmap));
    }
    std::vector<const data::Bitmap*> pointers;
    for (const auto& bitmap : bitmaps) pointers.push_back(&bitmap);
    return analysis::overlap_matrix(pointers);
}

// Runs git in `folder`, quietly; true when it succeeded.
bool git(const std::string& folder, const std::string& arguments) {
    const std::string command = "cd '" + folder + "' && git -c user.email=report@test -c user.name=report-test " +
                                arguments + " >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

// The base version of a small project: `young` to be narrowed, `seniors` to be reformatted only, `in_france` to be
// removed, and a constraint whose result flips.
void write_base_project(const TempDir& dir, const std::string& folder) {
    std::filesystem::create_directories(dir.file(folder));
    dir.write(folder + "/schema.yaml", testing::read_file(testing::source_dir() + "/specs/schema.yaml"));
    dir.write(folder + "/segmint.yaml",
              "schema: schema.yaml\nsegments: [\"*.seg\"]\nas_of: 2026-11-23\nconstraints:\n"
              "  - subset: {segment: young, of: under_28}\n");
    dir.write(folder + "/people.seg",
              "segment young \"Young <b>customers</b>\":\n  age < 30\n\nsegment under_28: age < 28\n\n"
              "segment seniors: age    >=   60\n\nsegment in_france: country = \"France\"\n");
}

// The change: `young` narrowed (now a subset of under_28), `seniors` reformatted, `in_france` removed, `in_germany`
// added.
void write_head_project(const TempDir& dir, const std::string& folder) {
    dir.write(folder + "/people.seg",
              "segment young \"Young <b>customers</b>\":\n  age < 25\n\nsegment under_28: age < 28\n\n"
              "segment seniors:\n  age >= 60\n\nsegment in_germany: country = \"Germany\"\n");
}

// `segmint diff --format json`'s document without the diagnostics and their counts every JSON document of the CLI
// carries.
nlohmann::json diff_document(const std::string& arguments) {
    std::string out, err;
    const int code = run_segmint("diff --format json " + arguments, &out, &err);
    BOOST_REQUIRE_MESSAGE(code == 0, err);
    auto document = nlohmann::json::parse(out);
    for (const char* key : {"diagnostics", "errors", "warnings"}) document.erase(key);
    return document;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(html_report)

BOOST_AUTO_TEST_CASE(html_escape_turns_markup_into_text) {
    BOOST_CHECK_EQUAL(report::html_escape("a < b && c > \"d\" 'e'"),
                      "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;");
    BOOST_CHECK_EQUAL(report::html_escape("</script><script>alert(1)</script>"),
                      "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    BOOST_CHECK_EQUAL(report::html_escape("größe {} %n"), "größe {} %n");
    BOOST_CHECK_EQUAL(report::html_escape("a\x01"
                                          "b\xFF"),
                      "a\xEF\xBF\xBD"
                      "b\xEF\xBF\xBD");  // never broken text
}

BOOST_AUTO_TEST_CASE(json_for_script_cannot_close_the_script_and_keeps_the_value) {
    nlohmann::ordered_json document;
    document["title"] = "</script><script>alert(1)</script> <!-- & \xE2\x80\xA8 \xE2\x80\xA9";
    document["bad"] = std::string("\xFF");
    const std::string text = report::json_for_script(document);
    for (const char* forbidden : {"<", ">", "&", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
        BOOST_CHECK_MESSAGE(text.find(forbidden) == std::string::npos, "found " << forbidden << " in " << text);
    }
    const auto back = nlohmann::json::parse(text);
    BOOST_CHECK_EQUAL(back["title"].get<std::string>(), document["title"].get<std::string>());
    BOOST_CHECK_EQUAL(back["bad"].get<std::string>(), "\xEF\xBF\xBD");  // invalid UTF-8 replaced, not thrown on
}

BOOST_AUTO_TEST_CASE(cluster_order_keeps_overlapping_segments_together) {
    // Segments 0, 2, 4 share rows 0..9; 1, 3, 5 share rows 50..59; none of the first shares with the second.
    const auto matrix = matrix_of({{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
                                   {50, 51, 52, 53, 54, 55, 56, 57, 58, 59},
                                   {0, 1, 2, 3, 4, 5, 6, 7},
                                   {50, 51, 52, 53, 54, 55},
                                   {0, 1, 2, 3, 4, 5},
                                   {50, 51, 52, 53, 54, 55, 56, 57}},
                                  100);
    const auto order = report::cluster_order(matrix);
    BOOST_REQUIRE_EQUAL(order.size(), 6u);
    BOOST_CHECK_EQUAL(std::set<size_t>(order.begin(), order.end()).size(), 6u);  // a permutation
    // Each cluster is one contiguous block: the parity changes exactly once along the order.
    size_t changes = 0;
    for (size_t k = 1; k < order.size(); ++k) changes += order[k] % 2 != order[k - 1] % 2 ? 1 : 0;
    BOOST_CHECK_EQUAL(changes, 1u);
    // The strongest pair (0 and 2, Jaccard 0.8) sits side by side.
    const auto at = [&](size_t s) { return std::find(order.begin(), order.end(), s) - order.begin(); };
    BOOST_CHECK_EQUAL(std::abs(at(0) - at(2)), 1);
    BOOST_CHECK(report::cluster_order(matrix_of({}, 10)).empty());
    BOOST_CHECK_EQUAL(report::cluster_order(matrix_of({{1}}, 10)).size(), 1u);
}

BOOST_AUTO_TEST_CASE(token_classes_cover_the_text_in_bytes) {
    // Non-ASCII text (ANTLR counts code points, spans are bytes), a stray character, an unterminated string.
    const std::string text = "segment s \"Größe ✓\": city = 'Zürich' and `straße` >= 1 ¤ // note\n  x = \"open";
    const auto tokens = syntax::classify_tokens(text);
    std::string joined, classes;
    uint32_t at = 0;
    for (const auto& token : tokens) {
        BOOST_CHECK_EQUAL(token.span.begin, at);  // no gaps, no overlaps
        at = token.span.end;
        const std::string piece = text.substr(token.span.begin, token.span.end - token.span.begin);
        joined += piece;
        if (token.token_class != syntax::TokenClass::Space)
            classes += piece + "=" + std::to_string(static_cast<int>(token.token_class)) + " ";
    }
    BOOST_CHECK_EQUAL(joined, text);
    BOOST_CHECK_EQUAL(classes,
                      "segment=0 s=4 \"Größe ✓\"=2 :=6 city=4 ==5 'Zürich'=2 and=0 `straße`=4 >==5 1=3 ¤=9 // note=7 "
                      "x=4 ==5 \"open=2 ");
}

BOOST_AUTO_TEST_CASE(rules_are_highlighted_from_the_token_stream_with_links) {
    const auto checked = testing::check_text(
        "segment base \"</script><script>alert(1)</script>\":\n  # adults\n  age >= 18\n"
        "segment vip: base and total_spend > 1_000.5 and lower(city) = 'x' and signup_date < 2026-01-01\n");
    BOOST_REQUIRE_EQUAL(checked.errors(), 0u);
    report::HtmlReportInput input;
    input.heading = "<specs>";
    input.catalog = &checked.catalog;
    input.schema = &testing::test_schema();
    input.rows = 100;
    input.overlap = matrix_of({{1, 2, 3}, {2}}, 100);
    std::string page;
    BOOST_REQUIRE(report::write_html_report(input, [&](std::string_view text) {
        page += text;
        return true;
    }));
    // The title's `</script>` is in the data, escaped: the page has its own two script ends and no third.
    BOOST_CHECK_EQUAL(occurrences(page, "</script>"), 2u);
    BOOST_CHECK_EQUAL(occurrences(page, "<title>Segmint report: &lt;specs&gt;</title>"), 1u);
    const auto data = page_data(page);
    BOOST_CHECK_EQUAL(data["segments"][0]["title"], "</script><script>alert(1)</script>");
    BOOST_CHECK_EQUAL(data["segments"][1]["size"], 1);
    BOOST_CHECK_EQUAL(data["intersections"], nlohmann::json::array({1}));
    BOOST_CHECK(data["diff"].is_null());
    // Each token as [class, text], the reference to `base` as ["ref", "base", 0]; whitespace as plain text.
    std::string classes, text;
    for (const auto& token : data["segments"][1]["rule"]) {
        text += token.is_string() ? token.get<std::string>() : token[1].get<std::string>();
        if (!token.is_string()) classes += token[0].get<std::string>() + (token.size() > 2 ? "->0" : "") + " ";
    }
    BOOST_CHECK_EQUAL(text,
                      "segment vip: base and total_spend > 1_000.5 and lower(city) = 'x' and signup_date < 2026-01-01");
    BOOST_CHECK_EQUAL(classes, "kw def punct ref->0 kw col op num kw fn punct col punct op str kw col op num ");
    std::string first;
    for (const auto& token : data["segments"][0]["rule"]) {
        if (!token.is_string()) first += token[0].get<std::string>() + " ";
    }
    BOOST_CHECK_EQUAL(first, "kw def str punct com col op num ");  // a comment inside the definition too
}

BOOST_AUTO_TEST_CASE(the_command_writes_the_page_of_a_project) {
    TempDir dir("segmint-report");
    const std::string data = testing::generate_demo_data(dir.path, 2000, 7);
    const std::string output = dir.file("report.html");
    std::string out, err;
    const int code = run_segmint(
        "report --project " + testing::source_dir() + "/specs --as-of 2026-11-23 --data " + data + " -o " + output,
        &out, &err);
    BOOST_REQUIRE_MESSAGE(code == 0, err);
    BOOST_CHECK_EQUAL(out, "");
    for (const char* progress :
         {"loading customers from", "evaluating 42 segments on 2,000 customers", "checking 17 constraints", "wrote "}) {
        BOOST_CHECK_MESSAGE(err.find(progress) != std::string::npos, "no `" << progress << "` in: " << err);
    }
    const std::string page = testing::read_file(output);
    const auto model = page_data(page);
    BOOST_CHECK_EQUAL(model["segments"].size(), 42u);
    BOOST_CHECK_EQUAL(model["intersections"].size(), 42u * 41u / 2u);
    BOOST_CHECK_EQUAL(model["constraints"].size(), 17u);
    BOOST_CHECK_EQUAL(model["rows"], 2000);
    BOOST_CHECK(page.find("http://") == std::string::npos && page.find("https://") == std::string::npos);
    // No temporary file left beside it.
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path))
        files += entry.path().extension() == ".html";
    BOOST_CHECK_EQUAL(files, 1u);
}

BOOST_AUTO_TEST_CASE(a_refuted_constraint_shows_its_counterexample) {
    TempDir dir("segmint-report");
    dir.write("schema.yaml", testing::read_file(testing::source_dir() + "/specs/schema.yaml"));
    dir.write("segmint.yaml",
              "schema: schema.yaml\nsegments: [\"*.seg\"]\nconstraints:\n  - disjoint: [young, gold]\n");
    dir.write("rules.seg", "segment young: age < 30\nsegment gold: tier = \"gold\"\n");
    std::string err;
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 500 --seed 3 -o " + dir.file("customers.csv"), nullptr, &err), 0);
    BOOST_REQUIRE_MESSAGE(run_segmint("report -q --project " + dir.path + " --as-of 2026-11-23 --data " +
                                          dir.file("customers.csv") + " -o " + dir.file("r.html"),
                                      nullptr, &err) == 0,
                          err);  // a failed constraint is information on the page, not a failed run
    const auto model = page_data(testing::read_file(dir.file("r.html")));
    BOOST_REQUIRE_EQUAL(model["constraints"].size(), 1u);
    const auto& constraint = model["constraints"][0];
    BOOST_CHECK_EQUAL(constraint["passed"], false);
    BOOST_CHECK_EQUAL(constraint["proof"]["status"], "refuted");
    const std::string fixture = constraint["counterexample"].get<std::string>();
    for (const char* part : {"customers:", "expect:", "young: {in: [", "gold: {in: ["}) {
        BOOST_CHECK_MESSAGE(fixture.find(part) != std::string::npos, "no `" << part << "` in:\n" << fixture);
    }
}

BOOST_AUTO_TEST_CASE(json_says_what_was_written_and_quiet_says_nothing) {
    TempDir dir("segmint-report");
    const std::string data = testing::generate_demo_data(dir.path, 300, 5);
    std::string out, err;
    BOOST_REQUIRE_EQUAL(run_segmint("report -q --format json --project " + testing::source_dir() +
                                        "/specs --as-of 2026-11-23 --data " + data + " -o " + dir.file("r.html"),
                                    &out, &err),
                        0);
    BOOST_CHECK_EQUAL(err, "");
    const auto document = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(document["command"], "report");
    BOOST_CHECK_EQUAL(document["output"], dir.file("r.html"));
    BOOST_CHECK_EQUAL(document["segments"], 42);
    BOOST_CHECK_EQUAL(document["bytes"].get<uint64_t>(), testing::read_file(dir.file("r.html")).size());
    // `-o -`: the page on stdout, the same bytes.
    const std::string inputs =
        " --project " + testing::source_dir() + "/specs --as-of 2026-11-23 --data " + data + " -o - ";
    BOOST_REQUIRE_EQUAL(run_segmint("report -q" + inputs, &out, &err), 0);
    BOOST_CHECK(out == testing::read_file(dir.file("r.html")));
    BOOST_CHECK_EQUAL(run_segmint("report -q --format json" + inputs, &out, &err), 2);
}

BOOST_AUTO_TEST_CASE(bad_uses_are_usage_errors) {
    TempDir dir("segmint-report");
    const std::string data = testing::generate_demo_data(dir.path, 50, 7);
    const std::string specs = " --project " + testing::source_dir() + "/specs --as-of 2026-11-23 ";
    std::string err;
    BOOST_CHECK_EQUAL(run_segmint("report" + specs + "--data " + data, nullptr, &err), 2);  // no -o
    BOOST_CHECK(err.find("--output") != std::string::npos);
    const std::string customers = dir.file("customers.csv");
    const std::string before = testing::read_file(customers);
    BOOST_CHECK_EQUAL(run_segmint("report" + specs + "--data " + data + " -o " + customers, nullptr, &err), 2);
    BOOST_CHECK_EQUAL(testing::read_file(customers), before);  // an input is never overwritten
    BOOST_CHECK_EQUAL(run_segmint("report" + specs + "--data " + data + " -o /dev/full", nullptr, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("report" + specs + "--data " + dir.file("missing.csv") + " -o " + dir.file("r.html"),
                                  nullptr, &err),
                      2);
    BOOST_CHECK(!std::filesystem::exists(dir.file("r.html")));
}

BOOST_AUTO_TEST_CASE(a_catalog_of_1000_segments) {
    TempDir dir("segmint-report");
    const std::string data = testing::generate_demo_data(dir.path, 5000, 3);
    // 1,000 segments over a few columns, each fifth one referring to the one before it.
    std::string specs;
    for (int i = 0; i < 1000; ++i) {
        specs += "segment s" + std::to_string(i) + " \"Segment " + std::to_string(i) + "\":\n  ";
        specs += i % 5 == 4 ? "s" + std::to_string(i - 1) + " and " : "";
        specs += "age between " + std::to_string(18 + i % 40) + " and " + std::to_string(30 + i % 50) +
                 " and loyalty_points >= " + std::to_string((i * 37) % 900) + "\n";
    }
    const std::string spec_file = dir.write("many.seg", specs);
    const std::string output = dir.file("many.html");
    std::string out, err;
    const auto start = std::chrono::steady_clock::now();
    const int code = run_segmint("report --schema " + testing::source_dir() + "/specs/schema.yaml " + spec_file +
                                     " --as-of 2026-11-23 --data " + data + " -o " + output,
                                 &out, &err);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_REQUIRE_MESSAGE(code == 0, err);
    const std::string page = testing::read_file(output);
    BOOST_TEST_MESSAGE("report of 1,000 segments: " << page.size() / 1024 << " KiB in " << seconds << " s");
    std::printf("report of 1,000 segments on 5,000 customers: %zu KiB, written in %.2f s\n", page.size() / 1024,
                seconds);
    const auto model = page_data(page);
    BOOST_CHECK_EQUAL(model["segments"].size(), 1000u);
    BOOST_CHECK_EQUAL(model["order"].size(), 1000u);
    BOOST_CHECK_EQUAL(model["intersections"].size(), 1000u * 999u / 2u);
    BOOST_CHECK_EQUAL(model["constraints"].size(), 0u);
    BOOST_CHECK(model["project"] == "");
}

BOOST_AUTO_TEST_CASE(diff_shows_what_segmint_diff_says) {
    TempDir dir("segmint-report-diff");
    write_base_project(dir, "repo/project");
    const std::string repo = dir.file("repo"), project = dir.file("repo/project");
    BOOST_REQUIRE(git(repo, "init -q .") && git(repo, "add -A") && git(repo, "commit -qm base"));
    write_head_project(dir, "repo/project");  // the working tree is the head version
    std::string err;
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 800 --seed 5 -o " + dir.file("customers.csv"), nullptr, &err), 0);
    const std::string inputs = " --project " + project + " --data " + dir.file("customers.csv");

    const auto expected = diff_document("HEAD" + inputs);
    BOOST_REQUIRE_MESSAGE(run_segmint("report --diff HEAD" + inputs + " -o " + dir.file("r.html"), nullptr, &err) == 0,
                          err);
    BOOST_CHECK(err.find("comparing with HEAD") != std::string::npos);
    const auto model = page_data(testing::read_file(dir.file("r.html")));
    BOOST_CHECK_EQUAL(model["diff"].dump(2), expected.dump(2));
    // The change is really there (so the equality above is not between two empty documents).
    std::map<std::string, std::string> status;
    for (const auto& segment : model["diff"]["segments"]) status[segment["name"]] = segment["status"];
    BOOST_CHECK_EQUAL(status["young"], "changed");
    BOOST_CHECK_EQUAL(status["seniors"], "unchanged");
    BOOST_CHECK_EQUAL(status["in_france"], "removed");
    BOOST_CHECK_EQUAL(status["in_germany"], "added");
    BOOST_CHECK_EQUAL(model["diff"]["rows"], 800);
    BOOST_CHECK_EQUAL(model["diff"]["constraints"].size(), 1u);
    // Without --diff, no changes.
    BOOST_REQUIRE_EQUAL(run_segmint("report -q" + inputs + " -o " + dir.file("plain.html"), nullptr, &err), 0);
    BOOST_CHECK(page_data(testing::read_file(dir.file("plain.html")))["diff"].is_null());

    // --diff-from DIR is diff's --from DIR with the report's project as --to.
    write_base_project(dir, "old");
    const auto from_folder =
        diff_document("--from " + dir.file("old") + " --to " + project + " --data " + dir.file("customers.csv"));
    BOOST_REQUIRE_MESSAGE(
        run_segmint("report -q --diff-from " + dir.file("old") + inputs + " -o " + dir.file("from.html"), nullptr,
                    &err) == 0,
        err);
    BOOST_CHECK_EQUAL(page_data(testing::read_file(dir.file("from.html")))["diff"].dump(2), from_folder.dump(2));
}

BOOST_AUTO_TEST_CASE(a_bad_diff_base_is_a_usage_error_with_gits_message) {
    TempDir dir("segmint-report-diff");
    write_base_project(dir, "repo");
    const std::string repo = dir.file("repo");
    BOOST_REQUIRE(git(repo, "init -q .") && git(repo, "add -A") && git(repo, "commit -qm base"));
    std::string err, diff_err;
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 50 --seed 5 -o " + dir.file("customers.csv"), nullptr, &err), 0);
    const std::string inputs = " --project " + repo + " --data " + dir.file("customers.csv");
    BOOST_CHECK_EQUAL(
        run_segmint("report --diff no-such-revision" + inputs + " -o " + dir.file("r.html"), nullptr, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("diff no-such-revision" + inputs, nullptr, &diff_err), 2);
    BOOST_CHECK_MESSAGE(err.find("no-such-revision") != std::string::npos, err);
    BOOST_CHECK_MESSAGE(err.find(diff_err) != std::string::npos, "report says:\n" << err << "diff says:\n" << diff_err);
    BOOST_CHECK(!std::filesystem::exists(dir.file("r.html")));
    // --diff and --diff-from exclude each other; --diff needs the project, not spec paths.
    BOOST_CHECK_EQUAL(
        run_segmint("report --diff HEAD --diff-from " + repo + inputs + " -o " + dir.file("r.html"), nullptr, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("report --diff HEAD --schema " + repo + "/schema.yaml " + repo +
                                      "/people.seg --data " + dir.file("customers.csv") + " -o " + dir.file("r.html"),
                                  nullptr, &err),
                      2);
    BOOST_CHECK_MESSAGE(err.find("--diff compares whole projects") != std::string::npos, err);
}

BOOST_AUTO_TEST_SUITE_END()
