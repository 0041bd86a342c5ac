// What a new user's trial ran into (issue "Tried as a new user would"): warnings that failed a run, JSON output that
// was not JSON, warnings that eval hid (suite new_user).
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "segmint/version.h"
#include "test_support.h"

using namespace segmint::testing;

namespace {

const char* kSchema = "table: customers\nkey: customer_id\ncolumns:\n  customer_id: int\n  age: int\n";

// A project folder: schema.yaml, data.csv (two customers) and the spec files given.
struct Folder {
    TempDir dir{"segmint_new_user"};
    std::string schema = dir.write("schema.yaml", kSchema);
    std::string data = dir.write("data.csv", "customer_id,age\n1,30\n2,\n");
    std::string specs(const std::string& name, const std::string& text) const { return dir.write(name, text); }
    std::string file_missing() const { return dir.file("missing.csv"); }
    std::string args(const std::string& spec) const { return spec + " --schema " + schema + " --as-of 2026-11-23 "; }
};

// `count` segments, each with one W001 warning (`age = null`).
std::string warning_segments(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "segment w" + std::to_string(i) + ": age = null\n";
    return text;
}

nlohmann::json parse_json(const std::string& out) {
    try {
        return nlohmann::json::parse(out);
    } catch (const std::exception& e) {
        BOOST_FAIL("stdout is not one JSON document (" << e.what() << "):\n" << out);
    }
    return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(new_user)

// 137 warnings and no error: exit 0 from check and eval, every segment checked and evaluated, the first 100 warnings
// printed and a closing line counting the rest.
BOOST_AUTO_TEST_CASE(warnings_never_fail_a_run) {
    Folder folder;
    const std::string spec = folder.specs("many.seg", warning_segments(137));
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check --color never " + folder.args(spec), &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("E014") == std::string::npos, out);
    BOOST_CHECK(out.find("... and 37 more warnings in " + spec) != std::string::npos);
    BOOST_CHECK(out.find("checked 137 segments in 1 file: 0 errors, 137 warnings") != std::string::npos);
    size_t shown = 0;
    for (size_t at = out.find("warning[W001]"); at != std::string::npos; at = out.find("warning[W001]", at + 1))
        ++shown;
    BOOST_CHECK_EQUAL(shown, 100u);

    BOOST_CHECK_EQUAL(run_segmint("eval --color never " + folder.args(spec) + "--data " + folder.data, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("w136 ") != std::string::npos, out);  // the last segment was evaluated
    BOOST_CHECK(err.find("... and 37 more warnings in " + spec) != std::string::npos);

    BOOST_CHECK_EQUAL(run_segmint("check --format json " + folder.args(spec), &out), 0);
    auto json = parse_json(out);
    BOOST_CHECK_EQUAL(json["errors"].get<int>(), 0);
    BOOST_CHECK_EQUAL(json["warnings"].get<int>(), 137);
    BOOST_CHECK_EQUAL(json["diagnostics"].size(), 100u);
    BOOST_CHECK_EQUAL(json["hidden_warnings"][0]["count"].get<int>(), 37);

    // Errors are still capped: the 101st error of a file stops it with E014, and that is exit 1.
    std::string errors;
    for (int i = 0; i < 120; ++i) errors += "segment e" + std::to_string(i) + ": nope > 1\n";
    const std::string bad = folder.specs("errors.seg", errors);
    BOOST_CHECK_EQUAL(run_segmint("check --color never " + folder.args(bad), &out), 1);
    BOOST_CHECK(out.find("error[E014]") != std::string::npos);
}

// --max-warnings N: more than N warnings is exit 1 (eslint's switch), N or fewer stays 0; bad values are usage errors.
BOOST_AUTO_TEST_CASE(max_warnings_lets_warnings_fail_ci) {
    Folder folder;
    const std::string spec = folder.specs("three.seg", warning_segments(3));
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check --max-warnings 3 " + folder.args(spec), &out), 0);
    BOOST_CHECK_EQUAL(run_segmint("check --max-warnings 2 " + folder.args(spec), &out), 1);
    BOOST_CHECK_MESSAGE(out.find("3 warnings (more than --max-warnings 2)") != std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("check --max-warnings 0 --format json " + folder.args(spec), &out), 1);
    BOOST_CHECK_EQUAL(parse_json(out)["warnings"].get<int>(), 3);
    BOOST_CHECK_EQUAL(run_segmint("eval --max-warnings 2 " + folder.args(spec) + "--data " + folder.data, &out), 1);
    BOOST_CHECK_EQUAL(run_segmint("eval --max-warnings 3 " + folder.args(spec) + "--data " + folder.data, &out), 0);
    BOOST_CHECK_EQUAL(
        run_segmint("eval --max-warnings 2 --format json " + folder.args(spec) + "--data " + folder.data, &out), 1);
    BOOST_CHECK_EQUAL(parse_json(out)["segments"].size(), 3u);  // the results are still written
    BOOST_CHECK_EQUAL(run_segmint("check --max-warnings -1 " + folder.args(spec), &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("check --max-warnings x " + folder.args(spec), &out, &err), 2);
}

// `segment w: age = null` evaluates to nobody, and eval says why: W001 on stderr in text and csv, in the document in
// json, and stdout stays the results alone.
BOOST_AUTO_TEST_CASE(eval_shows_warnings) {
    Folder folder;
    const std::string spec = folder.specs("w.seg", "segment w: age = null\n");
    const std::string data = " --data " + folder.data;
    std::string out, err;
    for (const char* format : {"text", "csv"}) {
        BOOST_CHECK_EQUAL(
            run_segmint("eval --color never --format " + std::string(format) + " " + folder.args(spec) + data, &out,
                        &err),
            0);
        BOOST_CHECK_MESSAGE(err.find("warning[W001]") != std::string::npos, format << ": " << err);
        BOOST_CHECK(out.find("W001") == std::string::npos);
    }
    BOOST_CHECK_EQUAL(run_segmint("eval --format json " + folder.args(spec) + data, &out, &err), 0);
    auto json = parse_json(out);
    BOOST_CHECK_EQUAL(json["command"].get<std::string>(), "eval");
    BOOST_CHECK_EQUAL(json["warnings"].get<int>(), 1);
    BOOST_CHECK_EQUAL(json["diagnostics"][0]["code"].get<std::string>(), "W001");
    BOOST_CHECK_EQUAL(json["segments"][0]["count"].get<int>(), 0);
}

// --format json is one JSON document on stdout whatever happens, for eval (sizes and members) and overlap: spec
// errors (exit 1), a missing or malformed data file, an unknown segment, an unreadable schema (exit 2).
BOOST_AUTO_TEST_CASE(json_output_is_json_whatever_happens) {
    Folder folder;
    const std::string good = folder.specs("good.seg", "segment adults: age >= 18\n");
    const std::string bad = folder.specs("bad.seg", "segment b: nope > 1\n");
    const std::string malformed = folder.dir.write("bad.csv", "customer_id,age\n1,x\n");
    struct Case {
        std::string arguments;
        int exit;
        const char* expect;  // in the document's text
    };
    const std::vector<Case> cases = {
        {"eval " + folder.args(bad) + "--data " + folder.data, 1, "E101"},
        {"eval " + folder.args(good) + "--data " + folder.file_missing(), 2, "cannot open"},
        {"eval " + folder.args(good) + "--data " + malformed, 2, "expected int"},
        {"eval " + folder.args(good) + "--data " + folder.data + " --members adultz", 2, "did you mean `adults`"},
        {"explain adultz " + folder.args(good), 2, "did you mean `adults`"},
        {"prove --relation adultz adults " + folder.args(good), 2, "did you mean `adults`"},
        {"eval " + folder.args(bad) + "--data " + folder.data + " --members b", 1, "E101"},
        {"eval " + good + " --schema " + folder.dir.file("none.yaml") + " --data " + folder.data, 2,
         "cannot read schema"},
        {"overlap --schema " + folder.schema + " --data " + folder.data + " b --specs " + bad, 1, "E101"},
        {"overlap --schema " + folder.schema + " --data " + malformed + " --specs " + good, 2, "expected int"},
    };
    for (const auto& c : cases) {
        std::string out, err;
        BOOST_CHECK_EQUAL(run_segmint(c.arguments + " --format json", &out, &err), c.exit);
        auto json = parse_json(out);
        BOOST_CHECK_EQUAL(json["version"].get<int>(), 1);
        BOOST_CHECK_MESSAGE(out.find(c.expect) != std::string::npos, c.arguments << "\n" << out);
        if (c.exit == 2) BOOST_CHECK(!err.empty());  // people still read input errors on stderr
    }
}

// `-` is standard input for spec files (`check -`) and data (`eval --data -`), as for `fmt -`; it can be read once.
BOOST_AUTO_TEST_CASE(standard_input_for_specs_and_data) {
    Folder folder;
    const std::string spec = folder.specs("adults.seg", "segment adults: age >= 18\n");
    const std::string bad = folder.specs("bad.seg", "segment b: nope > 1\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check - --schema " + folder.schema + " < " + spec, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("checked 1 segment in 1 file: no problems") != std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("check --color never - --schema " + folder.schema + " < " + bad, &out, &err), 1);
    BOOST_CHECK_MESSAGE(out.find("<stdin>:1:12: error[E101]") != std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("eval --format csv " + folder.args(spec) + "--data - < " + folder.data, &out, &err),
                      0);
    BOOST_CHECK_EQUAL(out, "segment,count,share\nadults,1,0.500000\n");
    const std::string malformed = folder.dir.write("bad.csv", "customer_id,age\n1,x\n");
    BOOST_CHECK_EQUAL(run_segmint("eval " + folder.args(spec) + "--data - < " + malformed, &out, &err), 2);
    BOOST_CHECK_EQUAL(err, "<stdin>:2:2: error: column `age`: expected int, found \"x\"\n");
    BOOST_CHECK_EQUAL(run_segmint("eval - --schema " + folder.schema + " --data - < " + folder.data, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("standard input (`-`) is read once") != std::string::npos, err);
}

// Every command takes --format json, and its stdout is one document in every case: explain, generate and fmt included,
// and usage errors found before the command ran (a bad option value, an unknown command).
BOOST_AUTO_TEST_CASE(every_command_speaks_json) {
    Folder folder;
    const std::string spec = folder.specs("adults.seg", "segment adults \"Adults\": age >= 18\n");
    const std::string csv = folder.dir.file("generated.csv");
    struct Case {
        std::string arguments;
        int exit;
        const char* command;
    };
    const std::vector<Case> cases = {
        {"explain adults " + folder.args(spec), 0, "explain"},
        {"explain adultz " + folder.args(spec), 2, "explain"},
        {"generate --rows 3 -o " + csv, 0, "generate"},
        {"generate --rows -1 -o " + csv, 2, "generate"},
        {"fmt --check " + spec, 1, "fmt"},
        {"check --max-warnings x " + folder.args(spec), 2, "check"},
        {"eval --threads many " + folder.args(spec) + "--data " + folder.data, 2, "eval"},
        {"chek " + spec, 2, "segmint"},
    };
    for (const auto& c : cases) {
        std::string out, err;
        BOOST_CHECK_EQUAL(run_segmint(c.arguments + " --format json", &out, &err), c.exit);
        auto json = parse_json(out);
        BOOST_CHECK_EQUAL(json["version"].get<int>(), 1);
        BOOST_CHECK_MESSAGE(json["command"] == c.command, c.arguments << ": " << out);
        if (c.exit == 2) BOOST_CHECK_MESSAGE(!json["input_errors"].empty(), c.arguments << ": " << out);
    }
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("explain adults --format json " + folder.args(spec), &out), 0);
    auto explained = parse_json(out);
    BOOST_CHECK_EQUAL(explained["rule"].get<std::string>(), "segment adults \"Adults\": age >= 18");
    BOOST_CHECK_EQUAL(explained["line"].get<int>(), 1);
    BOOST_CHECK(explained["bytecode"].get<std::string>().find("StoreResult") != std::string::npos);
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 3 --seed 5 --format json -o " + csv, &out), 0);
    BOOST_CHECK_EQUAL(parse_json(out)["rows"].get<int>(), 3);
}

// --quiet (-q), before or after the command: no status or progress lines, no warnings in text; errors and results stay.
BOOST_AUTO_TEST_CASE(quiet_leaves_errors_and_results) {
    Folder folder;
    const std::string spec = folder.specs("w.seg", "segment w: age = null\nsegment adults: age >= 18\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("generate --rows 2 -o " + folder.dir.file("g.csv"), &out, &err), 0);
    BOOST_CHECK_EQUAL(err, "wrote 2 customers to " + folder.dir.file("g.csv") + "\n");
    BOOST_CHECK_EQUAL(run_segmint("--quiet generate --rows 2 -o " + folder.dir.file("g.csv"), &out, &err), 0);
    BOOST_CHECK_EQUAL(err, "");
    BOOST_CHECK_EQUAL(run_segmint("eval -q --format csv " + folder.args(spec) + "--data " + folder.data, &out, &err),
                      0);
    BOOST_CHECK_EQUAL(err, "");
    BOOST_CHECK_EQUAL(out, "segment,count,share\nw,0,0.000000\nadults,1,0.500000\n");
    BOOST_CHECK_EQUAL(run_segmint("check --quiet --color never " + folder.args(spec), &out, &err), 0);
    BOOST_CHECK(out.find("W001") == std::string::npos);
    const std::string bad = folder.specs("bad.seg", "segment b: nope > 1\n");
    BOOST_CHECK_EQUAL(run_segmint("check -q --color never " + folder.args(bad), &out, &err), 1);
    BOOST_CHECK(out.find("error[E101]") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("eval -q " + folder.args(spec) + "--data " + folder.dir.file("none.csv"), &out, &err),
                      2);
    BOOST_CHECK(err.find("cannot open") != std::string::npos);
}

// `segmint completion bash|zsh|fish` is written from the command line's definition: bash completes commands and each
// command's options (run in a real bash here); zsh wraps the same function; fish lists every command and option.
BOOST_AUTO_TEST_CASE(shell_completion) {
    std::string out, err;
    TempDir dir("segmint_completion");
    const std::string script = dir.file("segmint.bash");
    BOOST_REQUIRE_EQUAL(run_segmint("completion bash > " + script), 0);
    auto complete = [&](const std::string& words, int cword) {
        std::string result;
        const std::string command = "bash -c 'source " + script + "; COMP_WORDS=(" + words +
                                    "); COMP_CWORD=" + std::to_string(cword) + "; _segmint; echo \"${COMPREPLY[*]}\"'";
        FILE* pipe = ::popen(command.c_str(), "r");
        char buffer[4096];
        size_t got;
        while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.append(buffer, got);
        ::pclose(pipe);
        return result;
    };
    BOOST_CHECK_EQUAL(complete("segmint ch", 1), "check\n");
    BOOST_CHECK_EQUAL(complete("segmint eval --max", 2), "--max-warnings\n");
    BOOST_CHECK_EQUAL(complete("segmint fmt --ch", 2), "--check\n");
    BOOST_CHECK_EQUAL(complete("segmint generate --r", 2), "--rows\n");
    BOOST_CHECK_EQUAL(run_segmint("completion zsh", &out, &err), 0);
    BOOST_CHECK(out.find("#compdef segmint\n") == 0 && out.find("bashcompinit") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("completion fish", &out, &err), 0);
    for (const char* command : {"check", "eval", "explain", "generate", "validate", "overlap", "test", "fmt"}) {
        BOOST_CHECK_MESSAGE(out.find(std::string("-a ") + command + " -d ") != std::string::npos, command);
    }
    BOOST_CHECK(out.find("complete -c segmint -n '__fish_seen_subcommand_from eval' -l members\n") !=
                std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("completion tcsh", &out, &err), 2);
}

// Colour comes from the fmt library's terminal styles, only when asked (or on a terminal that is not TERM=dumb and
// without NO_COLOR); a pipe gets none by default.
BOOST_AUTO_TEST_CASE(colour_only_when_asked) {
    Folder folder;
    const std::string bad = folder.specs("bad.seg", "segment b: nope > 1\n");
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check --color always " + folder.args(bad), &out), 1);
    BOOST_CHECK_MESSAGE(out.find("\x1b[1m\x1b[31merror[E101]\x1b[0m") != std::string::npos, out);
    for (const char* mode : {"never", "auto"}) {
        BOOST_CHECK_EQUAL(run_segmint(std::string("check --color ") + mode + " " + folder.args(bad), &out), 1);
        BOOST_CHECK_MESSAGE(out.find('\x1b') == std::string::npos, mode);
    }
}

// Warnings reach every output: eval --members in JSON (streamed, and with -o), test in text, and the github summary
// counts the warnings past the shown cap.
BOOST_AUTO_TEST_CASE(warnings_reach_every_output) {
    Folder folder;
    const std::string spec = folder.specs("w.seg", warning_segments(3));
    std::string out, err;
    BOOST_CHECK_EQUAL(
        run_segmint("eval --members w0 --format json " + folder.args(spec) + "--data " + folder.data, &out), 0);
    auto members = parse_json(out);
    BOOST_CHECK_EQUAL(members["warnings"].get<int>(), 3);
    BOOST_CHECK_EQUAL(members["diagnostics"][0]["code"].get<std::string>(), "W001");
    const std::string file = folder.dir.file("m.json");
    BOOST_CHECK_EQUAL(
        run_segmint("eval --members w0 --format json -o " + file + " " + folder.args(spec) + "--data " + folder.data,
                    &out),
        0);
    auto summary = parse_json(out);
    BOOST_CHECK_EQUAL(summary["output"].get<std::string>(), file);
    BOOST_CHECK_EQUAL(summary["warnings"].get<int>(), 3);
    BOOST_CHECK_EQUAL(parse_json(read_file(file))["count"].get<int>(), 0);

    const std::string many = folder.specs("many.seg", warning_segments(150));
    BOOST_CHECK_EQUAL(run_segmint("check --format github " + folder.args(many), &out), 0);
    BOOST_CHECK_MESSAGE(out.find("0 errors, 150 warnings in 1 file (50 warnings past 100 in a file not annotated)") !=
                            std::string::npos,
                        out.substr(out.rfind("segmint check")));

    // `segmint test` shows the warnings of the rules it runs.
    TempDir project("segmint_new_user_project");
    write_file(project.file("schema.yaml"), kSchema);
    write_file(project.file("w.seg"), "segment w: age = null\nsegment adults: age >= 18\n");
    write_file(project.file("t.yaml"),
               "as_of: 2026-11-23\ncustomers:\n  - {customer_id: 1, age: 30}\nexpect:\n  adults: {in: [1]}\n");
    write_file(project.file("segmint.yaml"), "schema: schema.yaml\nsegments: [\"*.seg\"]\ntests: [\"t.yaml\"]\n");
    BOOST_CHECK_EQUAL(run_segmint("test --color never --project " + project.path, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("warning[W001]") != std::string::npos, out);
}

// A misspelt command says which one was meant, exit 2; usage lines and errors name `segmint`, never argv[0]'s path;
// a bad option is one `segmint: error:` line; the version comes from CMake's project(VERSION).
BOOST_AUTO_TEST_CASE(commands_usage_and_version) {
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("chek specs/", &out, &err), 2);
    BOOST_CHECK_EQUAL(err, "segmint: error: unknown command `chek`; did you mean `check`?\n");
    BOOST_CHECK_EQUAL(run_segmint("frobnicate", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("segmint: error: unknown command `frobnicate`; the commands are: check, eval,") == 0,
                        err);
    BOOST_CHECK_EQUAL(run_segmint("", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("segmint: error: no command given; choose one of: check, eval,") == 0, err);
    BOOST_CHECK_EQUAL(run_segmint("--quiet", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("segmint: error: no command given;") == 0, err);
    BOOST_CHECK_EQUAL(run_segmint("-q chek", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("unknown command `chek`; did you mean `check`?") != std::string::npos, err);
    BOOST_CHECK_EQUAL(run_segmint("eval --nope", &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("segmint: error: unknown option `--nope` of `segmint eval`") == 0, err);
    BOOST_CHECK_EQUAL(run_segmint("--help", &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("Usage: segmint [OPTIONS] SUBCOMMAND") != std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("check --help", &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("Usage: segmint check ") != std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("--version", &out, &err), 0);
    BOOST_CHECK_EQUAL(out, std::string("segmint ") + SEGMINT_VERSION + "\n");
}

// `check --project` resolves the constraints' segment names too, as validate does: a constraint left naming a removed
// segment fails the check (exit 1) at its line in segmint.yaml, with a "did you mean".
BOOST_AUTO_TEST_CASE(check_finds_a_constraint_naming_no_segment) {
    Folder folder;
    folder.specs("rules.seg", "segment adults: age >= 18\nsegment minors: age < 18\n");
    const std::string project = folder.specs(
        "segmint.yaml", "schema: schema.yaml\nsegments: [\"*.seg\"]\nconstraints:\n  - disjoint: [adults, minor]\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check --color never --project " + project, &out, &err), 1);
    BOOST_CHECK_MESSAGE(out.find("segmint.yaml:4:") != std::string::npos, out);
    BOOST_CHECK_MESSAGE(out.find("no segment named `minor`") != std::string::npos, out);
    BOOST_CHECK_MESSAGE(out.find("did you mean `minors`?") != std::string::npos, out);
    folder.specs("segmint.yaml",
                 "schema: schema.yaml\nsegments: [\"*.seg\"]\nconstraints:\n  - disjoint: [adults, minors]\n");
    BOOST_CHECK_EQUAL(run_segmint("check --color never --project " + project, &out, &err), 0);
}

BOOST_AUTO_TEST_SUITE_END()
