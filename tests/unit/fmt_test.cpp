// `segmint fmt`: the formatter never changes meaning, never drops a comment, is idempotent, and the repository's own
// specs are formatted (CI runs `segmint fmt --check`). Layout details are in tests/golden/fmt.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <sstream>

#include "ast/format.h"
#include "random_rules.h"
#include "report/diagnostic_render.h"
#include "syntax/parse.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;
namespace fs = std::filesystem;

namespace {

ast::File parse_text(const std::string& text, const std::string& name, DiagnosticSink& sink) {
    return syntax::parse(std::make_shared<const Source>(name, text), sink);
}

std::vector<std::string> sorted(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    return items;
}

// Formats `text` (which must parse) and returns "" when the output parses to the same AST, keeps every comment and
// formats to itself; else what went wrong.
std::string fmt_problem(const std::string& text, const std::string& name, const ast::FormatOptions& options = {}) {
    DiagnosticSink sink;
    ast::File original = parse_text(text, name, sink);
    if (sink.has_errors()) return "input does not parse:\n" + report::render_text(sink.diagnostics());
    const std::string once = ast::format_file(original, options);
    DiagnosticSink again_sink;
    ast::File again = parse_text(once, name, again_sink);
    if (again_sink.has_errors()) {
        return "formatted text does not parse:\n" + once + report::render_text(again_sink.diagnostics());
    }
    if (ast::shape(again) != ast::shape(original)) {
        return "meaning changed:\n" + once + "\nbefore:\n" + ast::shape(original) + "after:\n" + ast::shape(again);
    }
    if (sorted(ast::comment_texts(again)) != sorted(ast::comment_texts(original))) return "comments changed:\n" + once;
    if (original.comments.size() != again.comments.size()) return "comment count changed:\n" + once;
    const std::string twice = ast::format_file(again, options);
    if (twice != once) return "not idempotent:\nfirst:\n" + once + "second:\n" + twice;
    return "";
}

std::vector<std::string> seg_files_below(const std::string& folder) {
    std::vector<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(source_dir() + "/" + folder)) {
        if (entry.path().extension() == ".seg") out.push_back(entry.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Puts `# cN` comments after random spaces outside string literals, each ending its line.
std::string with_random_comments(const std::string& text, Random& random) {
    std::string out;
    char quote = 0;
    int count = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        out += c;
        if (quote) {
            if (c == '\\' && i + 1 < text.size())
                out += text[++i];
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || c == '\'')
            quote = c;
        else if (c == ' ' && random.chance(8))
            out += "# c" + std::to_string(count++) + "\n";
        else if (c == '\n' && random.chance(20))
            out += (random.chance(50) ? "\n// own line " : "# own line ") + std::to_string(count++) + "\n";
    }
    return out;
}


}  // namespace

BOOST_AUTO_TEST_SUITE(fmt)

BOOST_AUTO_TEST_CASE(specs_and_examples_keep_meaning_and_comments) {
    size_t formatted = 0;
    for (const std::string folder : {"specs", "examples"}) {
        for (const auto& path : seg_files_below(folder)) {
            BOOST_TEST_CONTEXT(path) {
                const std::string text = read_file(path);
                DiagnosticSink sink;
                parse_text(text, path, sink);
                if (sink.has_errors()) continue;  // examples/broken: fmt refuses those (tested below)
                std::string problem = fmt_problem(text, path);
                BOOST_CHECK_MESSAGE(problem.empty(), problem);
                // Every comment's text is in the output, verbatim.
                DiagnosticSink again;
                std::string out = ast::format_file(parse_text(text, path, again));
                for (const auto& comment : ast::comment_texts(parse_text(text, path, again))) {
                    BOOST_CHECK_MESSAGE(out.find(comment) != std::string::npos, "lost comment " << comment);
                }
                ++formatted;
            }
        }
    }
    BOOST_CHECK_GE(formatted, 9u);
}

BOOST_AUTO_TEST_CASE(golden_inputs_keep_meaning_at_every_width) {
    std::vector<std::string> files = files_with_extension(source_dir() + "/tests/golden/fmt", ".seg");
    auto parse_inputs = files_with_extension(source_dir() + "/tests/golden/parse", ".seg");
    files.insert(files.end(), parse_inputs.begin(), parse_inputs.end());
    for (const auto& path : files) {
        for (size_t width : {100u, 40u, 1u}) {
            BOOST_TEST_CONTEXT(path << " width " << width) {
                ast::FormatOptions options;
                options.width = width;
                std::string problem = fmt_problem(read_file(path), path, options);
                BOOST_CHECK_MESSAGE(problem.empty(), problem);
            }
        }
    }
}

// Random rules (200 seeds x 20 segments; the few the generator makes that do not parse are left out), plain, with
// random comments, and broken at a narrow width.
BOOST_AUTO_TEST_CASE(random_rules_keep_meaning) {
    size_t rules = 0;
    for (uint64_t seed = 1; seed <= 200; ++seed) {
        Random random(seed);
        std::string text;
        std::istringstream lines(random_catalog(random, 20, 4));
        for (std::string line; std::getline(lines, line);) {
            DiagnosticSink sink;
            parse_text(line, "random.seg", sink);
            if (sink.has_errors()) continue;
            text += line + "\n";
            ++rules;
        }
        BOOST_TEST_CONTEXT("seed " << seed) {
            std::string problem = fmt_problem(text, "random.seg");
            BOOST_REQUIRE_MESSAGE(problem.empty(), "seed " << seed << ": " << problem << "\ninput:\n" << text);
            const std::string commented = with_random_comments(text, random);
            ast::FormatOptions narrow;
            narrow.width = seed % 2 ? 60 : 100;
            problem = fmt_problem(commented, "random.seg", narrow);
            BOOST_REQUIRE_MESSAGE(problem.empty(), "seed " << seed << ": " << problem << "\ninput:\n" << commented);
        }
    }
    BOOST_CHECK_GE(rules, 3000u);
}

BOOST_AUTO_TEST_CASE(precedence_keeps_needed_parentheses) {
    auto one_line = [](const std::string& rule) {
        DiagnosticSink sink;
        ast::File file = parse_text("segment s: " + rule, "t.seg", sink);
        BOOST_REQUIRE(!sink.has_errors());
        std::string text = ast::format_file(file);  // not format_expr: `_` separators are read from the source
        return text.substr(text.find("\n  ") + 3, text.size() - text.find("\n  ") - 4);
    };
    BOOST_CHECK_EQUAL(one_line("a - (b - c) = 1"), "a - (b - c) = 1");
    BOOST_CHECK_EQUAL(one_line("(a - b) - c = 1"), "a - b - c = 1");
    BOOST_CHECK_EQUAL(one_line("a * (b + c) > (a * b) + c"), "a * (b + c) > a * b + c");
    BOOST_CHECK_EQUAL(one_line("-(5) < - 5"), "-(5) < -5");
    // Parentheses around an `and` inside an `or` are not needed, but say which reading is meant (W005): kept, not added.
    BOOST_CHECK_EQUAL(one_line("a OR (b AND c)"), "a or (b and c)");
    BOOST_CHECK_EQUAL(one_line("a or b and c"), "a or b and c");
    BOOST_CHECK_EQUAL(one_line("(a or b) and c"), "(a or b) and c");
    BOOST_CHECK_EQUAL(one_line("a or (b or c)"), "a or (b or c)");
    BOOST_CHECK_EQUAL(one_line("not (a) and not (b = 1)"), "not a and not (b = 1)");
    BOOST_CHECK_EQUAL(one_line("x <> 1_000 and y = 10_00 and z = 1000"), "x != 1_000 and y = 1_000 and z = 1000");
}

// The example in docs/language.md shows exactly what fmt prints.
BOOST_AUTO_TEST_CASE(documented_example_is_formatted) {
    const std::string doc = read_file(source_dir() + "/docs/language.md");
    size_t section = doc.find("## Formatting: `segmint fmt`");
    BOOST_REQUIRE(section != std::string::npos);
    size_t begin = doc.find("```seg\n", section);
    BOOST_REQUIRE(begin != std::string::npos);
    begin += 7;
    const std::string block = doc.substr(begin, doc.find("```", begin) - begin);
    DiagnosticSink sink;
    ast::File file = parse_text(block, "language.md", sink);
    BOOST_REQUIRE(!sink.has_errors());
    BOOST_CHECK_EQUAL(ast::format_file(file), block);
}

BOOST_AUTO_TEST_CASE(project_specs_are_formatted) {
    // Dogfooding: CI runs this; after editing a spec, run `segmint fmt --project specs`.
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt --check --project specs", &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("0 of ") != std::string::npos, out << err);
    BOOST_CHECK_EQUAL(run_segmint("fmt --check examples/basics examples/broken_constraints", &out, &err), 0);
}

BOOST_AUTO_TEST_CASE(rewrites_in_place_only_when_needed) {
    TempDir dir("segmint_fmt");
    std::string messy = dir.write("messy.seg", "# keep me\nSEGMENT a:x>1 AND y<>2 # and me\n");
    std::string clean = dir.write("clean.seg", "segment b:\n  x > 1\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt --check " + dir.path, &out, &err), 1);
    BOOST_CHECK(out.find("would reformat " + messy) != std::string::npos);
    BOOST_CHECK(out.find("+  x > 1 and y != 2  # and me") != std::string::npos);
    BOOST_CHECK(out.find(clean) == std::string::npos);
    BOOST_CHECK_EQUAL(read_file(messy), "# keep me\nSEGMENT a:x>1 AND y<>2 # and me\n");  // --check writes nothing

    auto before = fs::last_write_time(clean);
    BOOST_CHECK_EQUAL(run_segmint("fmt " + dir.path, &out, &err), 0);
    BOOST_CHECK_EQUAL(read_file(messy), "# keep me\nsegment a:\n  x > 1 and y != 2  # and me\n");
    BOOST_CHECK(fs::last_write_time(clean) == before);
    BOOST_CHECK(out.find("1 of 2 files reformatted") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("fmt --check " + dir.path, &out, &err), 0);
}

BOOST_AUTO_TEST_CASE(refuses_files_with_syntax_errors) {
    TempDir dir("segmint_fmt");
    const std::string broken_text = "segment a: x >\nsegment   b:   y\n";
    std::string broken = dir.write("broken.seg", broken_text);
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt " + broken, &out, &err), 1);
    BOOST_CHECK(err.find("broken.seg:1:") != std::string::npos);
    BOOST_CHECK(err.find("has syntax errors; not formatted") != std::string::npos);
    BOOST_CHECK_EQUAL(read_file(broken), broken_text);
    BOOST_CHECK_EQUAL(run_segmint("fmt --check examples/broken", &out, &err), 1);
}

// A valid file under the 16 MiB limit whose canonical layout is over it (`"\0"` becomes `"\u0000"`, items get a space):
// a clear error naming the limit, exit 2, the file untouched; never an internal error.
BOOST_AUTO_TEST_CASE(a_file_that_would_grow_past_the_size_limit_is_left_alone) {
    TempDir dir("segmint_fmt");
    std::string list;
    for (int i = 0; i < 100000; ++i) list += i ? ",\"\\0\"" : "\"\\0\"";
    std::string text;
    for (int k = 0; k < 17; ++k) text += "segment a" + std::to_string(k) + ": email in (" + list + ")\n";
    BOOST_REQUIRE_LT(text.size(), size_t{16} << 20);
    const std::string path = dir.write("big.seg", text);
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt " + path, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("would make it 17000431 bytes, over the limit of 16777216 bytes (16 MiB)") !=
                            std::string::npos,
                        err);
    BOOST_CHECK(err.find("internal error") == std::string::npos);
    BOOST_CHECK(read_file(path) == text);
}

BOOST_AUTO_TEST_CASE(unreadable_input_exits_2) {
    TempDir dir("segmint_fmt");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt " + dir.path + "/missing.seg", &out, &err), 2);
    BOOST_CHECK(err.find("cannot read") != std::string::npos);
    std::string locked = dir.write("locked.seg", "segment a: x\n");
    ::chmod(locked.c_str(), 0);
    if (::access(locked.c_str(), R_OK) != 0) {  // root can read it anyway
        BOOST_CHECK_EQUAL(run_segmint("fmt --check " + locked, &out, &err), 2);
        BOOST_CHECK(err.find("cannot read") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(stdin_to_stdout) {
    TempDir dir("segmint_fmt");
    std::string input = dir.write("in.seg", "segment a :x=1 OR y=2\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt - < " + input, &out, &err), 0);
    BOOST_CHECK_EQUAL(out, "segment a:\n  x = 1 or y = 2\n");
    BOOST_CHECK_EQUAL(run_segmint("fmt --stdin --check < " + input, &out, &err), 1);
    BOOST_CHECK(out.find("+  x = 1 or y = 2") != std::string::npos);
}

// --check prints a real unified diff: changes on lines 2 and 59 are two hunks with three lines of context each (it
// used to print every line between them). The same hunks are annotations in github/sarif, and data in json.
BOOST_AUTO_TEST_CASE(check_prints_separate_hunks_in_every_format) {
    TempDir dir("segmint_fmt");
    std::string canonical;
    for (int i = 1; i <= 21; ++i) canonical += "segment s" + std::to_string(i) + ":\n  x > " + std::to_string(i) + "\n\n";
    canonical.pop_back();
    std::string messy = canonical;
    messy.replace(messy.find("x > 1\n"), 6, "x >   1\n");
    messy.replace(messy.find("x > 20\n"), 7, "x>20\n");
    const std::string file = dir.write("two.seg", messy);
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt --check " + file, &out, &err), 1);
    const std::string expected = "would reformat " + file + "\n--- " + file + "\n+++ " + file + " (formatted)\n" +
                                 "@@ -1,5 +1,5 @@\n segment s1:\n-  x >   1\n+  x > 1\n \n segment s2:\n   x > 2\n"
                                 "@@ -56,7 +56,7 @@\n   x > 19\n \n segment s20:\n-  x>20\n+  x > 20\n \n"
                                 " segment s21:\n   x > 21\n"
                                 "1 of 1 file would be reformatted\n";
    BOOST_CHECK_EQUAL(out, expected);

    BOOST_CHECK_EQUAL(run_segmint("fmt --check --format github " + file, &out, &err), 1);
    BOOST_CHECK_MESSAGE(out.find("::error file=" + file + ",line=2,title=fmt/canonical-layout::") == 0, out);
    BOOST_CHECK(out.find("\n::error file=" + file + ",line=59,title=fmt/canonical-layout::") != std::string::npos);

    BOOST_CHECK_EQUAL(run_segmint("fmt --check --format sarif " + file, &out, &err), 1);
    const auto sarif = nlohmann::json::parse(out);
    const auto& results = sarif["runs"][0]["results"];
    BOOST_REQUIRE_EQUAL(results.size(), 2u);
    BOOST_CHECK_EQUAL(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>(), 59);

    BOOST_CHECK_EQUAL(run_segmint("fmt --check --format json " + file, &out, &err), 1);
    const auto json = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(json["version"].get<int>(), 1);
    BOOST_CHECK_EQUAL(json["files"][0]["status"].get<std::string>(), "would_reformat");
    BOOST_CHECK_EQUAL(json["files"][0]["hunks"].size(), 2u);
    BOOST_CHECK_EQUAL(json["files"][0]["hunks"][1]["old_start"].get<int>(), 56);

    // JSON also for a syntax error and an unreadable file; CI formats need --check.
    const std::string broken = dir.write("broken.seg", "segment a: x >\n");
    BOOST_CHECK_EQUAL(run_segmint("fmt --check --format json " + broken + " " + dir.file("missing.seg"), &out, &err), 2);
    const auto failed = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(failed["errors"].get<int>(), 1);
    BOOST_CHECK_EQUAL(failed["files"][0]["status"].get<std::string>(), "syntax_errors");
    BOOST_CHECK_EQUAL(run_segmint("fmt --format sarif " + file, &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("fmt --format json " + file, &out, &err), 0);
    BOOST_CHECK_EQUAL(nlohmann::json::parse(out)["files"][0]["status"].get<std::string>(), "reformatted");
    BOOST_CHECK_EQUAL(read_file(file), canonical);
}

// Each file is judged on its own diagnostics (a broken file before a good one left the good one unformatted), `-`
// never mixes with files (it wrote a file named `<stdin>`), a CRLF file is a line-ending change, and JSON names
// unreadable paths.
BOOST_AUTO_TEST_CASE(files_are_judged_alone_and_stdin_stays_apart) {
    TempDir dir("segmint_fmt");
    const std::string bad = dir.write("a_bad.seg", "segment x: age >\n");
    const std::string good = dir.write("b_good.seg", "segment y: age>1\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt " + bad + " " + good, &out, &err), 1);
    BOOST_CHECK_EQUAL(read_file(good), "segment y:\n  age > 1\n");
    BOOST_CHECK(err.find("b_good.seg` has syntax errors") == std::string::npos);

    const std::string other = dir.write("c.seg", "segment z: age>2\n");
    BOOST_CHECK_EQUAL(run_segmint("fmt - " + other + " < " + other, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("standard input (`-` or --stdin) is formatted on its own") != std::string::npos, err);
    BOOST_CHECK_EQUAL(run_segmint("fmt --stdin " + other + " < " + other, &out, &err), 2);
    BOOST_CHECK(!fs::exists("<stdin>") && !fs::exists(dir.file("<stdin>")));
    BOOST_CHECK_EQUAL(read_file(other), "segment z: age>2\n");

    const std::string crlf = dir.write("crlf.seg", "segment w:\r\n  age > 1\r\n");
    BOOST_CHECK_EQUAL(run_segmint("fmt --check " + crlf, &out, &err), 1);
    BOOST_CHECK_MESSAGE(out.find("(only the line endings") != std::string::npos, out);
    BOOST_CHECK(out.find("@@") == std::string::npos);

    BOOST_CHECK_EQUAL(run_segmint("fmt --check --format json " + dir.file("missing.seg"), &out, &err), 2);
    const auto json = nlohmann::json::parse(out);
    BOOST_CHECK(json["input_errors"][0]["message"].get<std::string>().find("missing.seg") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
