// The options the commands share (src/cli/command_options.h): each is declared once, so it reads the same in every
// command's help, and every command that reads specs takes them with --specs as well as in its own way.
#include <boost/test/unit_test.hpp>
#include <map>
#include <regex>
#include <sstream>

#include "test_support.h"

using namespace segmint::testing;

namespace {

const std::vector<std::string> kSpecCommands = {"check",   "eval", "explain", "validate",
                                                "overlap", "test", "fmt",     "sql"};

// `segmint CMD --help` as option name -> its line(s) with the whitespace collapsed ("--data TEXT Customer data ...").
std::map<std::string, std::string> help_entries(const std::string& command) {
    std::string out, err;
    BOOST_REQUIRE_EQUAL(run_segmint(command + " --help", &out, &err), 0);
    std::map<std::string, std::string> entries;
    static const std::regex option_line(R"(^\s+(?:-[A-Za-z],)?(--[a-z][a-z0-9-]*))");
    std::string current;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_search(line, match, option_line)) {
            current = match[1];
        } else if (line.empty() || line[0] != ' ' || line.find_first_not_of(' ') < 8) {
            current.clear();  // a heading or a positional: not a continuation of the option above
            continue;
        }
        if (current.empty()) continue;
        std::istringstream words(line);
        for (std::string word; words >> word;) entries[current] += (entries[current].empty() ? "" : " ") + word;
    }
    return entries;
}

// A schema, two spec files and data, in a temporary folder with no segmint.yaml above it.
struct Inputs {
    TempDir dir{"segmint_options"};
    std::string schema =
        dir.write("schema.yaml", "table: customers\nkey: customer_id\ncolumns:\n  customer_id: int\n  age: int\n");
    std::string adults = dir.write("adults.seg", "segment adults:\n  age >= 18\n");
    std::string minors = dir.write("minors.seg", "segment minors:\n  age < 18\n");
    std::string data = dir.write("customers.csv", "customer_id,age\n1,30\n2,12\n3,45\n");
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_options)

// Each shared option has one help text, one default and one set of values, whichever command shows it. --format is
// the exception by design: its values are the command's own.
BOOST_AUTO_TEST_CASE(shared_options_read_the_same_in_every_command) {
    std::map<std::string, std::pair<std::string, std::string>> seen;  // option -> (command, entry)
    for (const auto& command : kSpecCommands) {
        for (const auto& [option, entry] : help_entries(command)) {
            if (option == "--format" || option == "--help") continue;
            auto [it, first] = seen.emplace(option, std::make_pair(command, entry));
            BOOST_CHECK_MESSAGE(first || it->second.second == entry, option << " differs:\n  " << it->second.first
                                                                            << ": " << it->second.second << "\n  "
                                                                            << command << ": " << entry);
        }
    }
    for (const char* shared :
         {"--specs", "--project", "--schema", "--data", "--as-of", "--threads", "--color", "--max-warnings"}) {
        BOOST_CHECK_MESSAGE(seen.count(shared) == 1, shared << " is in no command's help");
    }
}

// Every command that compiles rules (and so prints warnings) takes --max-warnings: explain too.
BOOST_AUTO_TEST_CASE(every_command_that_compiles_rules_takes_max_warnings) {
    for (const char* command : {"check", "eval", "explain", "validate", "overlap", "test", "sql"}) {
        BOOST_CHECK_MESSAGE(help_entries(command).count("--max-warnings") == 1, command << " has no --max-warnings");
    }
}

// Every command that reads specs takes --specs and --project; those that check specs also --schema.
BOOST_AUTO_TEST_CASE(every_command_that_reads_specs_takes_specs) {
    for (const auto& command : kSpecCommands) {
        const auto entries = help_entries(command);
        for (const char* option : {"--specs", "--project"}) {
            BOOST_CHECK_MESSAGE(entries.count(option) == 1, command << " has no " << option);
        }
        if (command != "fmt") BOOST_CHECK_MESSAGE(entries.count("--schema") == 1, command << " has no --schema");
    }
}

// Positional paths and --specs add up, in check and eval alike; either alone works as before.
BOOST_AUTO_TEST_CASE(specs_and_positional_paths_add_up) {
    Inputs in;
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check --specs " + in.adults + " --schema " + in.schema, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("checked 1 segment in 1 file") != std::string::npos, out << err);
    BOOST_CHECK_EQUAL(
        run_segmint("check " + in.adults + " --specs " + in.minors + " --schema " + in.schema, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("checked 2 segments in 2 files") != std::string::npos, out << err);
    BOOST_CHECK_EQUAL(
        run_segmint("check --specs " + in.adults + " --schema " + in.schema + " " + in.minors, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("checked 2 segments in 2 files") != std::string::npos, out << err);

    BOOST_CHECK_EQUAL(run_segmint("eval --format csv --as-of 2026-11-23 --schema " + in.schema + " --data " + in.data +
                                      " --specs " + in.adults + " " + in.minors,
                                  &out, &err),
                      0);
    BOOST_CHECK_EQUAL(out, "segment,count,share\nadults,2,0.666667\nminors,1,0.333333\n");
    BOOST_CHECK_EQUAL(run_segmint("eval --format csv --schema " + in.schema + " --data " + in.data + " " + in.minors +
                                      " --specs " + in.adults,
                                  &out, &err),
                      0);
    BOOST_CHECK_EQUAL(out, "segment,count,share\nminors,1,0.333333\nadults,2,0.666667\n");
}

// explain, validate and fmt take --specs too; overlap's positionals stay segment names and test's fixture files.
BOOST_AUTO_TEST_CASE(specs_in_the_other_commands) {
    Inputs in;
    std::string out, err;
    BOOST_CHECK_EQUAL(
        run_segmint("explain minors --schema " + in.schema + " --specs " + in.adults + " " + in.minors, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("segment minors") != std::string::npos, out << err);
    BOOST_CHECK_EQUAL(run_segmint("fmt --check --specs " + in.adults, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("0 of 1 file would be reformatted") != std::string::npos, out << err);

    BOOST_CHECK_EQUAL(run_segmint("overlap --format csv --schema " + in.schema + " --data " + in.data +
                                      " minors adults" + " --specs " + in.adults + " " + in.minors,
                                  &out, &err),
                      0);
    BOOST_CHECK_EQUAL(out,
                      "a,b,count_a,count_b,intersection,jaccard,containment_a,containment_b\n"
                      "minors,adults,1,2,0,0.000000,0.000000,0.000000\n");

    const std::string fixture = in.dir.write("t.yaml",
                                             "as_of: 2026-11-23\ncustomers:\n  - {customer_id: 1, age: 30}\n"
                                             "expect:\n  adults: {in: [1]}\n");
    BOOST_CHECK_EQUAL(run_segmint("test " + fixture + " --schema " + in.schema + " --specs " + in.adults, &out, &err),
                      0);
    BOOST_CHECK_MESSAGE(out.find("1 passed, 0 failed") != std::string::npos, out << err);

    // validate reads constraints from a project; --specs replaces the project's `segments` as paths do.
    in.dir.write("segmint.yaml",
                 "schema: schema.yaml\nsegments: [\"adults.seg\"]\ndata: customers.csv\n"
                 "constraints:\n  - disjoint: [adults, minors]\n");
    BOOST_CHECK_EQUAL(
        run_segmint("validate --project " + in.dir.path + " --specs " + in.adults + " " + in.minors, &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("1 passed, 0 failed") != std::string::npos, out << err);
}

// W004 (conditions that exclude each other) is found with the run's `today`: --as-of, else the project's `as_of`, not
// the clock. `last_order_date >= today - 30 days and last_order_date < 2026-01-01` can hold as of 2025-06-01 (and the
// rule matches there), never as of 2026-11-23 or any later day.
BOOST_AUTO_TEST_CASE(contradiction_lint_uses_the_runs_as_of) {
    TempDir dir("segmint_w004");
    dir.write("schema.yaml",
              "table: customers\nkey: customer_id\ncolumns:\n  customer_id: int\n  last_order_date: date\n");
    dir.write("recent.seg",
              "segment recent_but_old:\n  last_order_date >= today - 30 days and last_order_date < 2026-01-01\n");
    dir.write("customers.csv", "customer_id,last_order_date\n1,2025-05-20\n2,2026-11-20\n");
    dir.write("t.yaml",
              "as_of: 2025-06-01\ncustomers:\n  - {customer_id: 1, last_order_date: 2025-05-20}\n"
              "expect:\n  recent_but_old: {in: [1]}\n");
    const std::string schema = " --schema " + dir.file("schema.yaml") + " ";
    const std::string inputs = schema + "--data " + dir.file("customers.csv") + " ";
    auto w004 = [&](const std::string& arguments) {
        std::string out, err;
        const int status = run_segmint(arguments, &out, &err);
        BOOST_CHECK_MESSAGE(status == 0, arguments << ": exit " << status << "\n" << out << err);
        return (out + err).find("W004") != std::string::npos;
    };
    const std::string spec = dir.file("recent.seg");
    BOOST_CHECK(w004("check " + spec + schema + "--as-of 2026-11-23"));
    BOOST_CHECK(!w004("check " + spec + schema + "--as-of 2025-06-01"));
    BOOST_CHECK(!w004("check " + spec + schema + "--as-of 2025-06-01T12:00:00Z"));
    BOOST_CHECK(!w004("eval " + spec + inputs + "--as-of 2025-06-01"));
    BOOST_CHECK(w004("eval " + spec + inputs + "--as-of 2026-11-23"));
    BOOST_CHECK(!w004("explain recent_but_old " + spec + schema + "--as-of 2025-06-01"));
    BOOST_CHECK(!w004("overlap --specs " + spec + inputs + "--as-of 2025-06-01"));

    // The project's as_of, and --as-of over it.
    dir.write("segmint.yaml",
              "schema: schema.yaml\nsegments: [\"*.seg\"]\ndata: customers.csv\nas_of: 2025-06-01\n"
              "tests: [\"t.yaml\"]\nconstraints:\n  - size: {segment: recent_but_old, max: 1}\n");
    const std::string project = " --project " + dir.path;
    for (const char* command : {"check", "eval", "explain recent_but_old", "overlap", "validate", "test"}) {
        BOOST_CHECK_MESSAGE(!w004(command + project), command);
    }
    for (const char* command : {"check", "eval", "explain recent_but_old", "overlap", "validate"}) {
        BOOST_CHECK_MESSAGE(w004(command + project + " --as-of 2026-11-23"), command);
    }
}

BOOST_AUTO_TEST_SUITE_END()
