// Output that cannot be misread: member keys with commas, quotes and line breaks, keys that are missing or repeated,
// and overlap at and past its segment limit (suite outputs).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "common/text_format.h"
#include "report/ci_report.h"
#include "test_support.h"

using namespace segmint::testing;

namespace {

const char* kStringKeySchema = "table: customers\nkey: k\ncolumns:\n  k: string\n  n: int\n";

// Hidden temporary files (`.NAME.tmp-XXXXXX`) in `folder`.
std::vector<std::string> temporaries_in(const std::string& folder) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(entry.path().string());
    }
    return found;
}

// `text` holds no raw ESC, no raw U+202E (RIGHT-TO-LEFT OVERRIDE), and no line starting with `::` (a GitHub Actions
// workflow command), except, with `github`, the annotations' own `::error file=` and `::warning file=` lines.
void expect_neutralised(const std::string& what, const std::string& text, bool github = false) {
    BOOST_TEST(text.find('\x1b') == std::string::npos, what << ": a raw ESC in\n" << text);
    BOOST_TEST(text.find("\xe2\x80\xae") == std::string::npos, what << ": a raw U+202E in\n" << text);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("::", 0) != 0) continue;
        const bool own = github && (line.rfind("::error file=", 0) == 0 || line.rfind("::warning file=", 0) == 0);
        BOOST_TEST(own, what << ": a line starts with `::`: " << line);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outputs)

// Ctrl-C or SIGTERM in the middle of a write: the process dies of the signal, and neither the temporary file nor a
// half output is left (BAD_INPUTS 39). The old output, if any, stays.
BOOST_AUTO_TEST_CASE(a_write_interrupted_by_a_signal_leaves_no_temporary_file) {
    for (int signal_number : {SIGINT, SIGTERM}) {
        TempDir dir("outputs");
        const std::string output = dir.write("customers.csv", "old\n");
        const pid_t child = ::fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            ::signal(SIGINT, SIG_DFL);  // a shell's background job would ignore it
            ::execl(SEGMINT_BINARY, "segmint", "generate", "--rows", "1000000000", "-o", output.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        // Wait until the temporary file exists and has data, then interrupt.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            const auto found = temporaries_in(dir.path);
            if (!found.empty() && std::filesystem::file_size(found[0]) > 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        BOOST_TEST(temporaries_in(dir.path).size() == 1u);
        ::kill(child, signal_number);
        int status = 0;
        BOOST_REQUIRE(::waitpid(child, &status, 0) == child);
        BOOST_TEST(WIFSIGNALED(status));
        BOOST_TEST(WTERMSIG(status) == signal_number);
        BOOST_TEST(temporaries_in(dir.path).empty(), "signal " << signal_number);
        BOOST_TEST(read_file(output) == "old\n");
    }
}

BOOST_AUTO_TEST_CASE(member_keys_are_quoted_so_each_reads_as_one) {
    TempDir dir("outputs");
    const std::string arguments =
        dir.write("s.seg", "segment everyone: n > 0\n") + " --schema " + dir.write("s.yaml", kStringKeySchema) +
        " --data " + dir.write("d.csv", "k,n\n\"a\nb\",1\n\"x,y\",2\n\"\",3\nplain,4\n\"say \"\"hi\"\"\",5\n") +
        " --members everyone";
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + arguments, &out), 0);
    BOOST_TEST(out == "\"a\nb\"\n\"x,y\"\n\"\"\nplain\n\"say \"\"hi\"\"\"\n");
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + arguments + " --format csv", &out), 0);
    BOOST_TEST(out == "k\n\"a\nb\"\n\"x,y\"\n\"\"\nplain\n\"say \"\"hi\"\"\"\n");
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + arguments + " --format json", &out), 0);
    const auto json = nlohmann::json::parse(out);
    BOOST_TEST(json.at("segment") == "everyone");
    BOOST_TEST(json.at("count") == 5);
    BOOST_TEST(json.at("members") == nlohmann::json({"a\nb", "x,y", "", "plain", "say \"hi\""}));
    // The same to a file.
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + arguments + " --format json -o " + dir.file("m.json")), 0);
    BOOST_TEST(nlohmann::json::parse(read_file(dir.file("m.json"))).at("members").size() == 5u);
}

BOOST_AUTO_TEST_CASE(a_missing_or_repeated_key_is_a_data_error_and_nothing_is_written) {
    TempDir dir("outputs");
    const std::string rules = dir.write("s.seg", "segment everyone: n > 0\n");
    const std::string schema = dir.write("s.yaml", "table: customers\nkey: id\ncolumns:\n  id: int\n  n: int\n");
    const std::string output = dir.write("members.txt", "old members\n");
    struct Case {
        const char* data;
        const char* error;
    };
    const Case cases[] = {
        {"id,n\n1,1\n,2\n", "d.csv:3:1: error: column `id`: the key is empty; every customer needs one"},
        {"id,n\n1,1\n2,2\n\n1,3\n", "d.csv:5:1: error: column `id`: key 1 is also the key on line 2"},
        {"n,id\n1,5\n2,x\n", "d.csv:3:2: error: column `id`: expected int, found \"x\""},
    };
    for (const Case& c : cases) {
        const std::string data = dir.write("d.csv", c.data);
        std::string out, err;
        const int status = run_segmint(
            "eval " + rules + " --schema " + schema + " --data " + data + " --members everyone -o " + output, &out,
            &err);
        BOOST_TEST(status == 2, c.data);
        BOOST_TEST(err.find(c.error) != std::string::npos, err);
        BOOST_TEST(read_file(output) == "old members\n");  // nothing written over it
    }
}

// `-o` never replaces a file the run reads or the project names, nor creates one the project's globs would read.
BOOST_AUTO_TEST_CASE(outputs_never_replace_project_files) {
    TempDir dir("outputs");
    std::filesystem::copy(source_dir() + "/specs", dir.path + "/specs", std::filesystem::copy_options::recursive);
    const std::string project = dir.path + "/specs";
    const std::string data = generate_demo_data(project, 200, 1);  // customers.csv, orders.csv, page_views.csv
    const std::string before = read_file(project + "/segmint.yaml");
    std::string out, err;
    for (const char* target : {"segmint.yaml", "schema.yaml", "customers.csv", "orders.csv", "segments/value.seg",
                               "tests/retention.yaml", "segments/new.seg", "segments/deeper/new.seg",
                               "behaviour/new.seg", "tests/new.yaml"}) {
        const std::string path = project + "/" + target;
        const bool existed = std::filesystem::exists(path);
        const std::string old = existed ? read_file(path) : "";
        BOOST_TEST(
            run_segmint("eval --project " + project + " --data " + data + " --members vip -o " + path, &out,
                        &err) == 2,
            target);
        BOOST_TEST(err.find("refusing to write") != std::string::npos, err);
        BOOST_TEST(std::filesystem::exists(path) == existed, target);
        if (existed) BOOST_TEST(read_file(path) == old, target);
    }
    BOOST_TEST(read_file(project + "/segmint.yaml") == before);
    BOOST_TEST(run_segmint("eval --project " + project + " --data " + data + " --members vip -o " +
                           dir.path + "/vip.txt") == 0);
    // generate writes CSV: never over a spec, schema or project file.
    for (const char* target : {"segmint.yaml", "schema.yaml", "segments/value.seg"}) {
        BOOST_TEST(run_segmint("generate --rows 5 -o " + project + "/" + target, &out, &err) == 2, target);
    }
    BOOST_TEST(read_file(project + "/segmint.yaml") == before);
}

BOOST_AUTO_TEST_CASE(segment_names_are_identifiers_even_in_backquotes) {
    // A name that needs quoting in CSV could otherwise reach every report unquoted.
    for (const char* name : {"`a,b`", "`say \"x\"`", "`9lives`"}) {
        const auto checked = check_text(std::string("segment ") + name + ": age > 1\n");
        BOOST_TEST(checked.codes() == "E004", name);
        BOOST_TEST(checked.text().find("segment names are ASCII letters, digits and `_`") != std::string::npos);
    }
    BOOST_TEST(check_text("segment `last`: age > 1\n").codes() == "");    // a keyword as a name
    BOOST_TEST(check_text("segment s: `a\tb` > 1\n").codes() == "E001");  // control characters never
}

// Human-readable output escapes control characters from user text: a decoded literal holding a line break must not
// start a line of its own (GitHub Actions runs `::error ...` lines as commands), nor an escape byte reach the terminal.
BOOST_AUTO_TEST_CASE(text_output_escapes_control_characters) {
    TempDir dir("outputs");
    const std::string spec =
        dir.write("s.seg",
                  "segment s: tags contains any (\"x\\n::error file=a::pwned\", \"x\\n::error file=a::pwned\") or "
                  "email = \"\\u001b[31mgold\"\n");
    std::string out, err;
    run_segmint("check " + spec + " --schema specs/schema.yaml", &out, &err);
    BOOST_TEST(out.find("\"x\\n::error file=a::pwned\" appears more than once") != std::string::npos, out);
    BOOST_TEST(out.find("\n::error") == std::string::npos, out);
    BOOST_TEST(out.find('\x1b') == std::string::npos, out);
    // CLI messages that quote an argument too.
    run_segmint("explain \"$(printf 'a\\033[31mb\\n::error x')\" " + spec + " --schema specs/schema.yaml", &out, &err);
    BOOST_TEST(err.find("no segment named `a\\u001b[31mb\\n::error x`") != std::string::npos, err);
    BOOST_TEST(err.find('\x1b') == std::string::npos);
}

// Without a project, `-o` never creates a `.seg` file below a spec folder given on the command line: the next run
// would read it as a spec (recursively, as folders are read) and fail to parse it.
BOOST_AUTO_TEST_CASE(outputs_never_create_a_spec_in_a_spec_folder_given) {
    TempDir dir("outputs");
    const std::string schema = dir.write("schema.yaml", "table: c\nkey: id\ncolumns:\n  id: int\n  n: int\n");
    const std::string spec = dir.write("a.seg", "segment vip: n > 1\n");
    std::filesystem::create_directories(dir.file("specs/deeper"));
    dir.write("specs/b.seg", "segment w: n > 0\n");
    const std::string data = dir.write("data.csv", "id,n\n1,1\n2,2\n3,3\n");
    const std::string specs = dir.file("specs");
    std::filesystem::create_directory_symlink(specs, dir.file("specs_link"));
    const std::string common = " --schema " + schema + " --data " + data + " --members vip -o ";
    std::string out, err;
    for (const std::string& inputs : {spec + " " + specs, spec + " " + specs + "/", spec + " --specs " + specs,
                                      spec + " " + dir.file("specs_link")}) {
        for (const std::string& output : {specs + "/new.seg", specs + "/deeper/new.seg", specs + "/./deeper/../x.seg",
                                          dir.file("specs_link/new.seg")}) {
            BOOST_TEST(run_segmint("eval " + inputs + common + output, &out, &err) == 2, inputs << " -o " << output);
            BOOST_TEST(err.find("refusing to write `" + output + "`: it is a spec file in `") != std::string::npos,
                       err);
            BOOST_TEST(!std::filesystem::exists(output), output);
        }
    }
    // Files the folder does not read, and folders the run does not read, are fine; the next run still works.
    for (const std::string& output : {specs + "/vip.txt", dir.file("vip.seg")}) {
        BOOST_TEST(run_segmint("eval " + spec + " " + specs + common + output, &out, &err) == 0, err);
        BOOST_TEST(read_file(output) == "2\n3\n");
    }
    BOOST_TEST(run_segmint("eval " + spec + " " + specs + common + "-", &out, &err) == 0, err);
    BOOST_TEST(out == "2\n3\n");
}

// Control characters and bidirectional overrides in titles, string constants, comments, fixture keys and literals
// reach no output raw: eval's title column, explain's header and bytecode listing, test's customer keys, fmt --check's
// diff, the github format's annotations of check, test and fmt, and the source snippets of text diagnostics.
BOOST_AUTO_TEST_CASE(user_text_reaches_no_output_raw) {
    TempDir dir("outputs");
    dir.write("schema.yaml", "table: c\nkey: k\ncolumns:\n  k: string\n  n: int\n  s: string\n");
    // A comment with a raw ESC and a raw U+202E; a title and a constant with \u escapes; a raw U+202E in a literal on
    // a line with a warning (W003), so the snippet shows it. `segment  x` is not the canonical layout (fmt --check).
    dir.write(
        "a.seg",
        "# comment \x1b[31m red \xe2\x80\xae rtl\n"
        "segment  x \"T\\u001b[31mitle\\n::error::t\\u202e\": s = \"x\\u001b[31my\\n::error::z\\u202e\" or n > 0\n"
        "segment d: s in (\"\xe2\x80\xae\\u0085\", \"\xe2\x80\xae\\u0085\")\n");
    dir.write("t.yaml",
              "as_of: 2026-11-23\ncustomers:\n  - {k: \"c\\e[31mZ\\n::error::fx\\u202E\", n: 0}\nexpect:\n"
              "  x: {in: [\"c\\e[31mZ\\n::error::fx\\u202E\"]}\n");
    dir.write("segmint.yaml", "schema: schema.yaml\nsegments: [\"*.seg\"]\ntests: [\"t.yaml\"]\n");
    dir.write("d.csv", "k,n,s\na,1,x\n");
    const std::string project = " --project " + dir.path;
    std::string out, err;
    auto run = [&](const std::string& arguments, int expected_code) {
        BOOST_TEST(run_segmint(arguments, &out, &err) == expected_code, arguments << "\n" << out << err);
        return out + err;
    };
    const std::string check = run("check" + project, 0);
    BOOST_TEST(check.find(" 3 | segment d: s in (\"?\\u0085\", \"?\\u0085\")") != std::string::npos, check);
    expect_neutralised("check", check);
    expect_neutralised("check --format github", run("check --format github" + project, 0), true);
    const std::string eval = run("eval --data " + dir.file("d.csv") + " --as-of 2026-11-23" + project, 0);
    BOOST_TEST(eval.find("T\\u001b[31mitle\\n::error::t\\u202e") != std::string::npos, eval);
    expect_neutralised("eval", eval);
    const std::string explain = run("explain x" + project, 0);
    BOOST_TEST(explain.find("segment x \"T\\u001B[31mitle\\n::error::t\\u202e\"") != std::string::npos, explain);
    BOOST_TEST(explain.find("k1=\"x\\u001B[31my\\n::error::z\\u202e\"") != std::string::npos, explain);
    expect_neutralised("explain", explain);
    const std::string test = run("test" + project, 1);
    BOOST_TEST(test.find("customer c\\u001b[31mZ\\n::error::fx\\u202e should be in `x`") != std::string::npos, test);
    expect_neutralised("test", test);
    expect_neutralised("test --format github", run("test --format github" + project, 1), true);
    const std::string diff = run("fmt --check " + dir.file("a.seg"), 1);
    BOOST_TEST(diff.find("\n # comment \\u001b[31m red \\u202e rtl\n") != std::string::npos, diff);
    expect_neutralised("fmt --check", diff);
    expect_neutralised("fmt --check --format github", run("fmt --check --format github " + dir.file("a.seg"), 1), true);
    // The github format's escaping itself: line breaks percent-encoded, other controls as in text output.
    BOOST_TEST(segmint::report::github_escape_data("a\x1b[1m\xe2\x80\xae\xc2\x85\r\n%") ==
               "a\\u001b[1m\\u202e\\u0085%0D%0A%25");
    BOOST_TEST(segmint::escape_controls_per_line("a\x1b\n\nb\xe2\x81\xa6\n") == "a\\u001b\n\nb\\u2066\n");
}

namespace {

// An instant as the CLI prints it: ISO 8601 in UTC, to the second.
std::string iso(std::chrono::system_clock::time_point at) {
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return std::string(buffer);
}

}  // namespace

// Without --as-of, `now` is the current instant (not today's midnight), and the run prints it so it can be repeated.
BOOST_AUTO_TEST_CASE(a_run_without_as_of_uses_the_current_instant_and_prints_it) {
    TempDir dir("outputs");
    const auto now = std::chrono::system_clock::now();
    // Seen a minute ago: within the last 12 hours whatever the time of day (midnight would miss it after 00:01).
    const std::string data = dir.write("d.csv", "id,seen\n1," + iso(now - std::chrono::minutes(1)) + "\n2," +
                                                    iso(now - std::chrono::hours(13)) + "\n");
    const std::string arguments = dir.write("s.seg", "segment recent: seen within last 12 hours\n") + " --schema " +
                                  dir.write("s.yaml", "table: c\nkey: id\ncolumns:\n  id: int\n  seen: timestamp\n") +
                                  " --data " + data + " --format json";
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + arguments, &out), 0);
    const auto json = nlohmann::json::parse(out);
    BOOST_TEST(json.at("segments")[0].at("count") == 1);
    const std::string printed = json.at("now");
    BOOST_TEST(printed.size() == 20u);
    BOOST_TEST(json.at("as_of") == printed.substr(0, 10));
    // The printed instant repeats the run exactly.
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + arguments + " --as-of " + printed, &out), 0);
    BOOST_TEST(nlohmann::json::parse(out).at("now") == printed);
    BOOST_TEST(nlohmann::json::parse(out).at("segments")[0].at("count") == 1);
}

// Member lists and CSV sizes carry no header: without --as-of the instant used goes to stderr as a status line (not
// with --quiet, nor when --as-of gave it), never into the data; member JSON says it in "as_of" and "now".
BOOST_AUTO_TEST_CASE(eval_members_and_csv_say_the_instant_they_used) {
    TempDir dir("outputs");
    const auto now = std::chrono::system_clock::now();
    const std::string arguments = dir.write("s.seg", "segment recent: seen within last 12 hours\n") + " --schema " +
                                  dir.write("s.yaml", "table: c\nkey: id\ncolumns:\n  id: int\n  seen: timestamp\n") +
                                  " --data " +
                                  dir.write("d.csv", "id,seen\n1," + iso(now - std::chrono::minutes(1)) + "\n2," +
                                                         iso(now - std::chrono::hours(13)) + "\n");
    // "as of T (repeat with --as-of T)\n" as the last line of `err`; T, or "" when there is none.
    auto instant_in = [](const std::string& err) -> std::string {
        const size_t at = err.rfind("as of ");
        if (at == std::string::npos || (at > 0 && err[at - 1] != '\n')) return "";
        const std::string line = err.substr(at);
        const size_t space = line.find(' ', 6);
        const std::string instant = line.substr(6, space - 6);
        return line == "as of " + instant + " (repeat with --as-of " + instant + ")\n" ? instant : "";
    };
    std::string out, err, again, again_err;
    for (const std::string form : {"--members recent", "--members recent --format csv", "--format csv"}) {
        BOOST_REQUIRE_EQUAL(run_segmint("eval " + form + " " + arguments, &out, &err), 0);
        const std::string instant = instant_in(err);
        BOOST_TEST(instant.size() >= 10u, form << ": " << err);
        BOOST_TEST(out.find("as of") == std::string::npos, out);
        // The printed instant repeats the run exactly; given, it is not printed again.
        BOOST_REQUIRE_EQUAL(run_segmint("eval " + form + " " + arguments + " --as-of " + instant, &again, &again_err),
                            0);
        BOOST_TEST(again == out, form);
        BOOST_TEST(again_err.empty(), again_err);
        BOOST_REQUIRE_EQUAL(run_segmint("eval -q " + form + " " + arguments, &again, &again_err), 0);
        BOOST_TEST(again_err.empty(), again_err);
    }
    BOOST_REQUIRE_EQUAL(run_segmint("eval --members recent " + arguments, &out, &err), 0);
    BOOST_TEST(out == "1\n");
    // -o: the file holds the members alone; stderr says what was written and as of when.
    BOOST_REQUIRE_EQUAL(run_segmint("eval --members recent -o " + dir.file("m.txt") + " " + arguments, &out, &err), 0);
    BOOST_TEST(read_file(dir.file("m.txt")) == "1\n");
    BOOST_TEST(instant_in(err).size() >= 10u, err);
    // JSON, streamed and with -o.
    BOOST_REQUIRE_EQUAL(run_segmint("eval --members recent --format json " + arguments, &out, &err), 0);
    auto json = nlohmann::json::parse(out);
    const std::string printed = json.at("now");
    BOOST_TEST(printed.size() == 20u);
    BOOST_TEST(json.at("as_of") == printed.substr(0, 10));
    BOOST_TEST(json.at("members") == nlohmann::json({1}));
    BOOST_REQUIRE_EQUAL(
        run_segmint("eval --members recent --format json --as-of " + printed + " " + arguments, &out, &err), 0);
    BOOST_TEST(nlohmann::json::parse(out).at("now") == printed);
    BOOST_TEST(nlohmann::json::parse(out).at("members") == nlohmann::json({1}));
    BOOST_REQUIRE_EQUAL(
        run_segmint("eval --members recent --format json -o " + dir.file("m.json") + " --as-of 2026-11-23 " + arguments,
                    &out, &err),
        0);
    BOOST_TEST(nlohmann::json::parse(out).at("as_of") == "2026-11-23");
    BOOST_TEST(nlohmann::json::parse(out).at("now") == "2026-11-23T00:00:00Z");
    BOOST_TEST(nlohmann::json::parse(read_file(dir.file("m.json"))).at("now") == "2026-11-23T00:00:00Z");
}

// Counts are whole numbers within their documented range: `-1` or an overflowing number used to run without end.
BOOST_AUTO_TEST_CASE(generate_refuses_bad_counts_and_writes_nothing) {
    TempDir dir("outputs");
    const std::string output = dir.file("c.csv");
    for (const char* rows : {"-1", "1000000001", "18446744073709551616", "99999999999999999999", "1e3", "x", "0x10"}) {
        std::string err;
        BOOST_TEST(run_segmint(std::string("generate --rows ") + rows + " -o " + output, nullptr, &err) == 2, rows);
        BOOST_TEST(err.find("expected a whole number from 0 to 1,000,000,000") != std::string::npos, err);
        BOOST_TEST(!std::filesystem::exists(output));
    }
    BOOST_TEST(run_segmint("generate --rows 0 -o " + output) == 0);
    BOOST_TEST(read_file(output).find('\n') == read_file(output).size() - 1);  // the header alone
    BOOST_TEST(run_segmint("generate --rows 3 --seed -2 -o " + output) == 2);
}

// generate's outputs (customers, orders, page views): two naming one file, even one that does not exist yet or through
// a dangling symlink, are refused; and an output that cannot be written is refused before any other is replaced.
BOOST_AUTO_TEST_CASE(generate_checks_all_its_outputs_before_writing_any) {
    TempDir dir("outputs");
    const std::string c = dir.file("c.csv"), o = dir.file("o.csv");
    std::string err;
    for (const std::string& clash : {"-o " + c + " --orders " + dir.path + "/./c.csv",
                                     "-o " + c + " --orders " + o + " --page-views " + dir.path + "/../" +
                                         std::filesystem::path(dir.path).filename().string() + "/o.csv"}) {
        BOOST_TEST(run_segmint("generate --rows 3 " + clash, nullptr, &err) == 2, clash);
        BOOST_TEST(err.find("name one file") != std::string::npos, err);
        BOOST_TEST(!std::filesystem::exists(c));
        BOOST_TEST(!std::filesystem::exists(o));
    }
    std::filesystem::create_symlink("target.csv", dir.file("link.csv"));  // dangling
    BOOST_TEST(run_segmint("generate --rows 3 -o " + dir.file("target.csv") + " --orders " + dir.file("link.csv"),
                           nullptr, &err) == 2);
    BOOST_TEST(err.find("--output and --orders name one file") != std::string::npos, err);

    BOOST_REQUIRE(run_segmint("generate --rows 3 --seed 1 -o " + c) == 0);
    const std::string before = read_file(c);
    BOOST_TEST(run_segmint("generate --rows 3 --seed 2 -o " + c + " --orders " + dir.file("missing/o.csv"), nullptr,
                           &err) == 2);
    BOOST_TEST(err.find("does not exist") != std::string::npos, err);
    BOOST_TEST(read_file(c) == before);  // not replaced by the run that failed
}

BOOST_AUTO_TEST_CASE(overlap_at_and_past_its_segment_limit) {
    TempDir dir("outputs");
    std::string rules;
    for (int i = 0; i <= 2000; ++i) rules += "segment s" + std::to_string(i) + ": n > " + std::to_string(i % 7) + "\n";
    std::string data = "id,n\n";
    for (int i = 1; i <= 50; ++i) data += std::to_string(i) + "," + std::to_string(i % 9) + "\n";
    const std::string arguments = " --specs " + dir.write("s.seg", rules) + " --schema " +
                                  dir.write("s.yaml", "table: customers\nkey: id\ncolumns:\n  id: int\n  n: int\n") +
                                  " --data " + dir.write("d.csv", data);
    std::string out, err;
    BOOST_TEST(run_segmint("overlap" + arguments, &out, &err) == 2);
    BOOST_TEST(err.find("overlap compares at most 2,000 segments pairwise, and 2,001 are chosen") != std::string::npos,
               err);
    // 2,000 named segments: every pair.
    std::string names;
    for (int i = 0; i < 2000; ++i) names += " s" + std::to_string(i);
    BOOST_REQUIRE_EQUAL(run_segmint("overlap" + names + arguments + " --format csv", &out, &err), 0);
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 1 + 2000 * 1999 / 2);
    // JSON is streamed pair by pair, and is one document.
    names.clear();
    for (int i = 0; i < 30; ++i) names += " s" + std::to_string(i);
    BOOST_REQUIRE_EQUAL(run_segmint("overlap" + names + arguments + " --format json", &out, &err), 0);
    const auto json = nlohmann::json::parse(out);
    BOOST_TEST(json.at("segments").size() == 30u);
    BOOST_TEST(json.at("pairs").size() == 30u * 29u / 2u);
    BOOST_TEST(json.at("pairs")[0].at("a") == "s0");
    // n > 0 and n > 1 over n = i % 9 for i in 1..50: 45 and 39 customers, 39 in both.
    BOOST_TEST(json.at("pairs")[0].at("intersection") == 39);
    // One segment: no pairs, still a document.
    BOOST_REQUIRE_EQUAL(run_segmint("overlap s3" + arguments + " --format json", &out, &err), 0);
    BOOST_TEST(nlohmann::json::parse(out).at("pairs").empty());
}

BOOST_AUTO_TEST_SUITE_END()
