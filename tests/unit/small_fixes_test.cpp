// Small CLI fixes (suite small_fixes): the progress line on dumb terminals and with --quiet, warnings past the per-file
// cap in SARIF and JUnit, explain --max-warnings, eval -o without --members, singular counts, did-you-mean for options,
// fmt's summary after an input error, folders without spec files, and no printf-style formatting in src/.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/project_options.h"
#include "sarif_check.h"
#include "test_support.h"

using namespace segmint::testing;

namespace {

const char* kSchema = "table: customers\nkey: customer_id\ncolumns:\n  customer_id: int\n  age: int\n";

// A folder with schema.yaml, one customer in data.csv and the spec files given.
struct Folder {
    TempDir dir{"segmint_small_fixes"};
    std::string schema = dir.write("schema.yaml", kSchema);
    std::string data = dir.write("data.csv", "customer_id,age\n1,30\n");
    std::string specs(const std::string& name, const std::string& text) const { return dir.write(name, text); }
    std::string args(const std::string& spec) const { return spec + " --schema " + schema + " --as-of 2026-11-23 "; }
};

// `count` segments, each with one W001 warning (`age = null`).
std::string warning_segments(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "segment w" + std::to_string(i) + ": age = null\n";
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(small_fixes)

// Progress only on a terminal without --quiet; cleared with ESC[K, except for TERM=dumb or NO_COLOR: no escape at all.
BOOST_AUTO_TEST_CASE(progress_line_respects_quiet_and_dumb_terminals) {
    using segmint::cli::progress_clear;
    using segmint::cli::show_progress;
    BOOST_CHECK(show_progress(true, false));
    BOOST_CHECK(!show_progress(true, true));
    BOOST_CHECK(!show_progress(false, false));
    BOOST_CHECK(!show_progress(false, true));
    BOOST_CHECK_EQUAL(progress_clear("xterm-256color", nullptr, 10), "\r\x1b[K");
    BOOST_CHECK_EQUAL(progress_clear(nullptr, nullptr, 10), "\r\x1b[K");
    BOOST_CHECK_EQUAL(progress_clear("dumb", nullptr, 5), "\r     \r");
    BOOST_CHECK_EQUAL(progress_clear("xterm", "", 3), "\r   \r");
    BOOST_CHECK_EQUAL(progress_clear("xterm", "1", 3).find('\x1b'), std::string::npos);
}

// More than 100 warnings in a file: SARIF and JUnit say how many were not listed.
BOOST_AUTO_TEST_CASE(sarif_and_junit_count_hidden_warnings) {
    Folder folder;
    const std::string spec = folder.specs("many.seg", warning_segments(137));
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check --format sarif " + folder.args(spec), &out, &err), 0);
    const nlohmann::json sarif = nlohmann::json::parse(out);
    const auto problems = sarif_problems(sarif);
    BOOST_CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string() : problems.front()));
    const nlohmann::json& run = sarif["runs"][0];
    BOOST_CHECK_EQUAL(run["results"].size(), 100u);
    BOOST_REQUIRE_MESSAGE(run.contains("properties"), out.substr(0, 400));
    BOOST_CHECK_EQUAL(run["properties"]["hiddenWarnings"].get<size_t>(), 37u);
    BOOST_CHECK(run["properties"]["note"].get<std::string>().find("37 more warnings not listed") == 0);

    BOOST_CHECK_EQUAL(run_segmint("check --format junit " + folder.args(spec), &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("<property name=\"hidden_warnings\" value=\"37\"/>") != std::string::npos, out);
    BOOST_CHECK_MESSAGE(out.find("37 more warnings not listed") != std::string::npos, out);

    // No hidden warnings: neither says anything.
    const std::string few = folder.specs("few.seg", warning_segments(3));
    BOOST_CHECK_EQUAL(run_segmint("check --format sarif " + folder.args(few), &out, &err), 0);
    BOOST_CHECK(!nlohmann::json::parse(out)["runs"][0].contains("properties"));
    BOOST_CHECK_EQUAL(run_segmint("check --format junit " + folder.args(few), &out, &err), 0);
    BOOST_CHECK(out.find("hidden_warnings") == std::string::npos);
}

// explain compiles rules and prints their warnings, so it takes --max-warnings like check.
BOOST_AUTO_TEST_CASE(explain_takes_max_warnings) {
    Folder folder;
    const std::string spec = folder.specs("w.seg", warning_segments(2));
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("explain w0 " + folder.args(spec) + "--max-warnings 5", &out, &err), 0);
    BOOST_CHECK_EQUAL(run_segmint("explain w0 " + folder.args(spec) + "--max-warnings 1", &out, &err), 1);
    BOOST_CHECK_MESSAGE(err.find("more than --max-warnings 1") != std::string::npos, err);
}

// -o names the file for --members; without --members it is a usage error, and nothing is written.
BOOST_AUTO_TEST_CASE(eval_output_without_members_is_a_usage_error) {
    Folder folder;
    const std::string spec = folder.specs("a.seg", "segment adults: age >= 18\n");
    const std::string target = folder.dir.file("out.txt");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("eval " + folder.args(spec) + "--data " + folder.data + " -o " + target, &out, &err),
                      2);
    BOOST_CHECK_MESSAGE(err.find("--members") != std::string::npos, err);
    BOOST_CHECK(out.empty());
    BOOST_CHECK(!std::filesystem::exists(target));
    BOOST_CHECK_EQUAL(
        run_segmint("eval " + folder.args(spec) + "--data " + folder.data + " --members adults -o " + target, &out,
                    &err),
        0);
    BOOST_CHECK(std::filesystem::exists(target));
}

// One is singular: "wrote 1 customer", "on 1 customer".
BOOST_AUTO_TEST_CASE(one_is_singular) {
    Folder folder;
    std::string out, err;
    const std::string csv = folder.dir.file("one.csv");
    BOOST_CHECK_EQUAL(run_segmint("generate --rows 1 --seed 1 -o " + csv, &out, &err), 0);
    BOOST_CHECK_MESSAGE(err.find("wrote 1 customer to") != std::string::npos, err);
    BOOST_CHECK_MESSAGE(err.find("1 customers") == std::string::npos, err);
    const std::string spec = folder.specs("two.seg", "segment adults: age >= 18\nsegment old: age >= 65\n");
    BOOST_CHECK_EQUAL(run_segmint("overlap --specs " + spec + " --schema " + folder.schema + " --data " + folder.data +
                                      " --as-of 2026-11-23",
                                  &out, &err),
                      0);
    BOOST_CHECK_MESSAGE(out.find("overlap of 2 segments on 1 customer as of") == 0, out);
}

// A misspelt option: which one was meant, for segmint itself and for a command.
BOOST_AUTO_TEST_CASE(misspelt_options_get_did_you_mean) {
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("--versoin", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("segmint: error: unknown option `--versoin`; did you mean `--version`?") == 0, err);
    BOOST_CHECK_EQUAL(run_segmint("eval specs/ --formt json", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("unknown option `--formt` of `segmint eval`; did you mean `--format`?") == 0 ||
                            err.find("did you mean `--format`?") != std::string::npos,
                        err);
    BOOST_CHECK_EQUAL(run_segmint("eval specs/ --member adults", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("did you mean `--members`?") != std::string::npos, err);
    BOOST_CHECK_EQUAL(run_segmint("check --max-warning 3 specs/", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("did you mean `--max-warnings`?") != std::string::npos, err);
}

// fmt with a path it cannot read: the error, and no "0 of 0 files" summary on stdout.
BOOST_AUTO_TEST_CASE(fmt_prints_no_summary_after_an_input_error) {
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("fmt /nonexistent_segmint_dir/x.seg", &out, &err), 2);
    BOOST_CHECK_MESSAGE(out.empty(), out);
    BOOST_CHECK_MESSAGE(err.find("cannot read") != std::string::npos, err);
}

// A folder named on the command line with no *.seg file in it is an input error (exit 2), as eslint's "No files
// matching the pattern".
BOOST_AUTO_TEST_CASE(folder_without_spec_files_is_an_input_error) {
    Folder folder;
    TempDir empty{"segmint_empty_specs"};
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check " + empty.path + " --schema " + folder.schema, &out, &err), 2);
    BOOST_CHECK_MESSAGE((out + err).find("no spec files (*.seg)") != std::string::npos, out + err);
    BOOST_CHECK_MESSAGE(out.find("no problems") == std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("fmt " + empty.path, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("no spec files (*.seg)") != std::string::npos, err);
}

// Formatting in src/ is fmt::format, never printf-style; the invalid UTF-8 message still names the byte in hex.
BOOST_AUTO_TEST_CASE(no_printf_formatting_in_src) {
    namespace fs = std::filesystem;
    for (const auto& entry : fs::recursive_directory_iterator(source_dir() + "/src")) {
        const auto ext = entry.path().extension();
        if (ext != ".cpp" && ext != ".h") continue;
        const std::string text = read_file(entry.path().string());
        BOOST_CHECK_MESSAGE(text.find("snprintf(") == std::string::npos, entry.path() << " uses snprintf");
    }
    const Checked checked = check_text(std::string("segment a: age = 1\n\xff\n"));
    BOOST_CHECK_MESSAGE(checked.text().find("invalid UTF-8 (byte 0xFF at byte offset 19)") != std::string::npos,
                        checked.text());
}

BOOST_AUTO_TEST_SUITE_END()
