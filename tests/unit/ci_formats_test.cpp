// `--format sarif|junit|github` for check, validate and test: each document parses back and is well-formed for the
// format (SARIF 2.1.0 structure, JUnit counts that add up, GitHub's escaping), and exit codes do not depend on it.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/source.h"
#include "report/ci_report.h"
#include "sarif_check.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;
namespace fs = std::filesystem;
namespace pt = boost::property_tree;

namespace {


// Demo data on which the specs project's constraints hold (as in validate_cli_test): what follows --data.
const std::string& demo_csv() {
    static TempDir folder("segmint_ci");
    static std::string data = generate_demo_data(folder.path, 20000, 7);
    return data;
}

// A copy of specs/ with one failing fixture file, tests/broken.yaml (line 5: customer 1 should be in vip).
struct SpecsWithFailingFixture {
    TempDir folder{"segmint_ci"};
    std::string dir = folder.path + "/specs";
    SpecsWithFailingFixture() {
        fs::copy(source_dir() + "/specs", dir, fs::copy_options::recursive);
        write_file(dir + "/tests/broken.yaml",
                   "as_of: 2026-11-23\n"
                   "customers:\n"
                   "  - {customer_id: 1, orders_90d: 6, last_order_date: 2026-11-20, total_spend: 900, tier: gold}\n"
                   "expect:\n"
                   "  vip: {in: [1]}\n"
                   "  frequent_buyers: {in: [1]}\n");
    }
};

// Runs segmint in `dir`, so paths (and SARIF URIs) are relative to it.
int run_in(const std::string& dir, const std::string& arguments, std::string* out) {
    std::string command = "cd '" + dir + "' && " + std::string(SEGMINT_BINARY) + " " + arguments + " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed");
    std::string captured;
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) captured.append(buffer, got);
    int status = ::pclose(pipe);
    *out = captured;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

nlohmann::json valid_sarif(const std::string& text) {
    nlohmann::json doc = nlohmann::json::parse(text);
    auto problems = sarif_problems(doc);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    BOOST_CHECK_MESSAGE(problems.empty(), all + text.substr(0, 2000));
    return doc;
}

std::vector<std::string> rule_ids(const nlohmann::json& doc) {
    std::vector<std::string> ids;
    for (const auto& r : doc["runs"][0]["tool"]["driver"]["rules"]) ids.push_back(r["id"]);
    return ids;
}

struct Junit {
    size_t tests = 0, failures = 0;
    std::vector<std::string> names;          // suite/testcase, in order
    std::vector<std::string> failing_names;  // testcases with a <failure>
    std::vector<std::string> failure_messages;
    std::vector<std::string> failure_texts;
};

// Parses JUnit XML and checks that every count attribute matches the elements it counts.
Junit parse_junit(const std::string& text) {
    pt::ptree tree;
    std::istringstream in(text);
    pt::read_xml(in, tree);
    Junit out;
    const pt::ptree& suites = tree.get_child("testsuites");
    for (const auto& [tag, suite] : suites) {
        if (tag != "testsuite") continue;
        size_t cases = 0, failures = 0;
        for (const auto& [case_tag, testcase] : suite) {
            if (case_tag != "testcase") continue;
            ++cases;
            const std::string name = testcase.get<std::string>("<xmlattr>.name");
            BOOST_CHECK(!testcase.get<std::string>("<xmlattr>.classname").empty());
            out.names.push_back(suite.get<std::string>("<xmlattr>.name") + "/" + name);
            if (auto failure = testcase.get_child_optional("failure")) {
                ++failures;
                out.failing_names.push_back(name);
                out.failure_messages.push_back(failure->get<std::string>("<xmlattr>.message"));
                BOOST_CHECK(!failure->get<std::string>("<xmlattr>.type").empty());
                out.failure_texts.push_back(failure->data());
            }
        }
        BOOST_CHECK_EQUAL(suite.get<size_t>("<xmlattr>.tests"), cases);
        BOOST_CHECK_EQUAL(suite.get<size_t>("<xmlattr>.failures"), failures);
        BOOST_CHECK_EQUAL(suite.get<size_t>("<xmlattr>.errors"), 0u);
        BOOST_CHECK(suite.get<double>("<xmlattr>.time") >= 0);
        out.tests += cases;
        out.failures += failures;
    }
    BOOST_CHECK_EQUAL(suites.get<size_t>("<xmlattr>.tests"), out.tests);
    BOOST_CHECK_EQUAL(suites.get<size_t>("<xmlattr>.failures"), out.failures);
    return out;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

const std::string kBroken = "check examples/broken/ --schema specs/schema.yaml";

}  // namespace

BOOST_AUTO_TEST_SUITE(ci_formats)

// ---- SARIF ----

BOOST_AUTO_TEST_CASE(sarif_check_on_a_broken_spec_file) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint(kBroken + " --format sarif", &out), 1);
    auto doc = valid_sarif(out);
    BOOST_CHECK_EQUAL(doc["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    const auto& run = doc["runs"][0];
    BOOST_CHECK_EQUAL(run["tool"]["driver"]["name"], "segmint");
    BOOST_CHECK_EQUAL(run["columnKind"], "unicodeCodePoints");
    BOOST_REQUIRE(run["results"].size() >= 5u);
    const auto& first = run["results"][0];  // order_90d on line 5, column 3
    BOOST_CHECK_EQUAL(first["ruleId"], "E101");
    BOOST_CHECK_EQUAL(first["level"], "error");
    BOOST_CHECK(first["message"]["text"].get<std::string>().find("order_90d") != std::string::npos);
    const auto& at = first["locations"][0]["physicalLocation"];
    BOOST_CHECK_EQUAL(at["artifactLocation"]["uri"], "examples/broken/retention.seg");
    BOOST_CHECK_EQUAL(at["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    BOOST_CHECK_EQUAL(at["region"]["startLine"], 5);
    BOOST_CHECK_EQUAL(at["region"]["startColumn"], 3);
    BOOST_CHECK_EQUAL(at["region"]["endLine"], 5);
    BOOST_CHECK_EQUAL(at["region"]["endColumn"], 12);  // exclusive: `order_90d` is 9 characters
    const auto ids = rule_ids(doc);
    BOOST_CHECK(contains(ids, "E101"));
    BOOST_CHECK_EQUAL(doc["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
                      "a name that is neither a column nor a segment");
    bool warning = false;
    for (const auto& r : run["results"]) warning |= r["level"] == "warning";
    BOOST_CHECK(warning);  // `= null` is W001
}

BOOST_AUTO_TEST_CASE(sarif_check_on_the_specs_project_has_no_results) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check --project specs --format sarif", &out), 0);
    auto doc = valid_sarif(out);
    BOOST_CHECK_EQUAL(doc["runs"][0]["results"].size(), 0u);
}

BOOST_AUTO_TEST_CASE(sarif_validate_passing_and_failing) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("validate --project specs --format sarif --data " + demo_csv(), &out), 0);
    auto doc = valid_sarif(out);
    BOOST_CHECK_EQUAL(doc["runs"][0]["results"].size(), 0u);  // passing checks give no results
    auto ids = rule_ids(doc);
    BOOST_CHECK_EQUAL(ids.size(), 5u);  // the five constraint kinds the project uses
    BOOST_CHECK(contains(ids, "constraint/disjoint") && contains(ids, "constraint/partition"));

    // As of a fixed date, so the counterexample's as_of is fixed too (the project has none: it would be now).
    BOOST_CHECK_EQUAL(run_segmint("validate --project examples/broken_constraints --as-of 2026-11-23 --format sarif", &out), 1);
    doc = valid_sarif(out);
    const auto& results = doc["runs"][0]["results"];
    BOOST_REQUIRE_EQUAL(results.size(), 2u);
    BOOST_CHECK_EQUAL(results[0]["ruleId"], "constraint/subset");
    BOOST_CHECK_EQUAL(results[0]["message"]["text"],
                      "subset: 2 of the 4 customers of vip are not in regulars (4); refuted by a proof: a customer can be in vip but not in regulars\n"
                      "e.g. customer_id 4, 7\ncounterexample, as a fixture:\n  as_of: 2026-11-23\n  customers:\n    - {customer_id: 1, orders_90d: 0, total_spend: 501}\n  expect:\n    vip: {in: [1]}\n    regulars: {not_in: [1]}\n");
    BOOST_CHECK_EQUAL(results[0]["properties"]["figures"]["outside"], 2);
    const auto& at = results[0]["locations"][0]["physicalLocation"];
    BOOST_CHECK_EQUAL(at["artifactLocation"]["uri"], "examples/broken_constraints/segmint.yaml");
    BOOST_CHECK_EQUAL(at["region"]["startLine"], 7);
    BOOST_CHECK_EQUAL(results[1]["ruleId"], "constraint/size");
    BOOST_CHECK_EQUAL(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
}

BOOST_AUTO_TEST_CASE(sarif_test_passing_and_failing) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("test --project specs --format sarif", &out), 0);
    auto doc = valid_sarif(out);
    BOOST_CHECK_EQUAL(doc["runs"][0]["results"].size(), 0u);
    BOOST_CHECK(contains(rule_ids(doc), "fixture/expectation"));

    SpecsWithFailingFixture copy;
    BOOST_CHECK_EQUAL(run_in(copy.dir, "test --format sarif", &out), 1);
    doc = valid_sarif(out);
    const auto& results = doc["runs"][0]["results"];
    BOOST_REQUIRE_EQUAL(results.size(), 1u);
    BOOST_CHECK_EQUAL(results[0]["ruleId"], "fixture/expectation");
    const std::string text = results[0]["message"]["text"];
    BOOST_CHECK_MESSAGE(text.rfind("customer 1 should be in `vip`, but is not\nrule of vip (", 0) == 0, text);
    BOOST_CHECK(text.find("FALSE  total_spend > 1_000") != std::string::npos);
    const auto& at = results[0]["locations"][0]["physicalLocation"];
    BOOST_CHECK_EQUAL(at["artifactLocation"]["uri"], "tests/broken.yaml");
    BOOST_CHECK_EQUAL(at["region"]["startLine"], 5);
    BOOST_CHECK_EQUAL(at["region"]["startColumn"], 14);  // the `1` in `  vip: {in: [1]}`

    // Outside the current folder the URI is an absolute file: URI (no %SRCROOT%), still valid.
    BOOST_CHECK_EQUAL(run_segmint("test --format sarif --project " + copy.dir, &out), 1);
    doc = valid_sarif(out);
    const auto& artifact = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    BOOST_CHECK_EQUAL(artifact["uri"], "file://" + copy.dir + "/tests/broken.yaml");
    BOOST_CHECK(!artifact.contains("uriBaseId"));
}

BOOST_AUTO_TEST_CASE(sarif_checker_rejects_broken_documents) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint(kBroken + " --format sarif", &out), 1);
    const nlohmann::json good = nlohmann::json::parse(out);
    BOOST_REQUIRE(sarif_problems(good).empty());
    auto broken = [&](const std::function<void(nlohmann::json&)>& edit, const std::string& expected) {
        nlohmann::json doc = good;
        edit(doc);
        auto problems = sarif_problems(doc);
        std::string all;
        for (const auto& p : problems) all += p + "\n";
        BOOST_CHECK_MESSAGE(all.find(expected) != std::string::npos, "expected `" + expected + "` in:\n" + all);
    };
    auto r0 = [](nlohmann::json& doc) -> nlohmann::json& { return doc["runs"][0]["results"][0]; };
    broken([&](auto& d) { r0(d).erase("message"); }, "results[0]: missing required `message`");
    broken([&](auto& d) { r0(d)["message"].erase("text"); }, "results[0].message: missing required `text`");
    broken([&](auto& d) { r0(d)["level"] = "fatal"; }, "results[0].level: must be one of");
    broken([&](auto& d) { r0(d)["ruleIndex"] = 999; }, "results[0].ruleIndex: out of range");
    broken([&](auto& d) { r0(d)["ruleId"] = "E999"; }, "results[0].ruleId: differs from rules[ruleIndex].id");
    broken([&](auto& d) { r0(d)["kind"] = "pass"; }, "results[0].level: must be none when kind is not fail");
    broken([&](auto& d) { d["version"] = "2.0.0"; }, "$.version: must be \"2.1.0\"");
    broken([&](auto& d) { d.erase("runs"); }, "$: missing required `runs`");
    broken([&](auto& d) { d["extra"] = 1; }, "$: unknown property `extra`");
    broken([&](auto& d) { d["runs"][0]["tool"]["driver"].erase("name"); }, "tool.driver: missing required `name`");
    broken([&](auto& d) { d["runs"][0]["columnKind"] = "bytes"; }, "columnKind: must be");
    auto region = [&](nlohmann::json& d) -> nlohmann::json& { return r0(d)["locations"][0]["physicalLocation"]["region"]; };
    broken([&](auto& d) { region(d)["startLine"] = 0; }, "region.startLine: must be an integer >= 1");
    broken([&](auto& d) { region(d)["startColumn"] = "3"; }, "region.startColumn: must be an integer >= 1");
    broken([&](auto& d) { region(d)["endLine"] = 4; }, "region: endLine < startLine");
    auto artifact = [&](nlohmann::json& d) -> nlohmann::json& {
        return r0(d)["locations"][0]["physicalLocation"]["artifactLocation"];
    };
    broken([&](auto& d) { artifact(d)["uri"] = "examples\\broken\\retention.seg"; }, "contains a backslash");
    broken([&](auto& d) { artifact(d)["uri"] = "/abs/retention.seg"; }, "must be relative when uriBaseId is given");
    broken([&](auto& d) { artifact(d).erase("uriBaseId"); }, "a relative URI needs a uriBaseId");
}

// ---- JUnit ----

BOOST_AUTO_TEST_CASE(junit_check) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint(kBroken + " --format junit", &out), 1);
    Junit broken = parse_junit(out);
    BOOST_CHECK_EQUAL(broken.tests, 1u);  // one test case per spec file
    BOOST_CHECK_EQUAL(broken.failures, 1u);
    BOOST_CHECK_EQUAL(broken.names.at(0), "segmint check/examples/broken/retention.seg");
    BOOST_CHECK_MESSAGE(broken.failure_messages.at(0).find(" errors, 1 warning") != std::string::npos,
                        broken.failure_messages.at(0));
    BOOST_CHECK(broken.failure_texts.at(0).find("error[E101]: unknown name `order_90d`: it is neither a column nor a segment") !=
                std::string::npos);

    BOOST_CHECK_EQUAL(run_segmint("check --project specs --format junit", &out), 0);
    Junit clean = parse_junit(out);
    BOOST_CHECK_EQUAL(clean.tests, 7u);  // one per spec file
    BOOST_CHECK_EQUAL(clean.failures, 0u);
    BOOST_CHECK(contains(clean.names, "segmint check/specs/segments/value.seg"));
}

BOOST_AUTO_TEST_CASE(junit_validate) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("validate --project specs --format junit --data " + demo_csv(), &out), 0);
    Junit passing = parse_junit(out);
    BOOST_CHECK_EQUAL(passing.tests, 17u);
    BOOST_CHECK_EQUAL(passing.failures, 0u);
    BOOST_CHECK(contains(passing.names, "specs/segmint.yaml/subset: vip, frequent_buyers"));

    BOOST_CHECK_EQUAL(run_segmint("validate --project examples/broken_constraints --as-of 2026-11-23 --format junit", &out), 1);
    Junit failing = parse_junit(out);
    BOOST_CHECK_EQUAL(failing.tests, 3u);
    BOOST_CHECK_EQUAL(failing.failures, 2u);
    const std::string suite = "examples/broken_constraints/segmint.yaml/";
    BOOST_CHECK(failing.names == (std::vector<std::string>{suite + "disjoint: regulars, dormant",
                                                           suite + "subset: vip, regulars", suite + "size: vip"}));
    BOOST_CHECK(failing.failing_names == (std::vector<std::string>{"subset: vip, regulars", "size: vip"}));
    BOOST_CHECK_EQUAL(failing.failure_messages[0], "subset: 2 of the 4 customers of vip are not in regulars (4); refuted by a proof: a customer can be in vip but not in regulars");
    BOOST_CHECK_EQUAL(failing.failure_texts[0],
                      "examples/broken_constraints/segmint.yaml:7: subset: 2 of the 4 customers of vip are not in "
                      "regulars (4); refuted by a proof: a customer can be in vip but not in regulars\ne.g. customer_id 4, 7\ncounterexample, as a fixture:\n  as_of: 2026-11-23\n  customers:\n    - {customer_id: 1, orders_90d: 0, total_spend: 501}\n  expect:\n    vip: {in: [1]}\n    regulars: {not_in: [1]}\n\n"
                      "figures: segment 4, of 4, outside 2\n");
}

BOOST_AUTO_TEST_CASE(junit_test) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("test --project specs --format junit", &out), 0);
    Junit passing = parse_junit(out);
    BOOST_CHECK_EQUAL(passing.tests, 102u);  // one test case per expectation
    BOOST_CHECK_EQUAL(passing.failures, 0u);
    BOOST_CHECK(contains(passing.names, "specs/tests/retention.yaml/customer 1 in vip"));

    SpecsWithFailingFixture copy;
    BOOST_CHECK_EQUAL(run_in(copy.dir, "test --format junit", &out), 1);
    Junit failing = parse_junit(out);
    BOOST_CHECK_EQUAL(failing.tests, 104u);
    BOOST_CHECK_EQUAL(failing.failures, 1u);
    BOOST_CHECK(contains(failing.names, "tests/broken.yaml/customer 1 in frequent_buyers"));
    BOOST_REQUIRE_EQUAL(failing.failing_names.size(), 1u);
    BOOST_CHECK_EQUAL(failing.failing_names[0], "customer 1 in vip");
    BOOST_CHECK_EQUAL(failing.failure_messages[0], "customer 1 should be in `vip`, but is not");
    BOOST_CHECK_MESSAGE(failing.failure_texts[0].find("tests/broken.yaml:5: customer 1 should be in `vip`, but is not\n"
                                                      "rule of vip (") == 0,
                        failing.failure_texts[0]);
}

BOOST_AUTO_TEST_CASE(junit_escapes_markup_control_characters_and_invalid_utf8) {
    report::CiReport report;
    report.command = "validate";
    report::CheckResult check;
    check.rule_id = "constraint/size";
    check.suite = "a<b>&\"c'.yaml";
    check.name = "size: <&\"'>";
    check.passed = false;
    check.location = {"a<b>&\"c'.yaml", 3, 5, 3, 9};
    check.message = "x < 1 && y > \"2\" or 'z'\x01 bad\xff\xfe byte, tab\t, newline\n end \xEF\xBF\xBF";
    check.details = "]]> <![CDATA[ & \x1b[31m";
    report.checks.push_back(check);
    const std::string xml = report::render_junit(report);
    BOOST_CHECK(xml.find('\x01') == std::string::npos && xml.find('\x1b') == std::string::npos);
    BOOST_CHECK(xml.find('\xff') == std::string::npos);
    Junit parsed = parse_junit(xml);
    BOOST_REQUIRE_EQUAL(parsed.failures, 1u);
    BOOST_CHECK_EQUAL(parsed.names[0], "a<b>&\"c'.yaml/size: <&\"'>");
    const std::string replacement = "\xEF\xBF\xBD";
    BOOST_CHECK_EQUAL(parsed.failure_messages[0], "x < 1 && y > \"2\" or 'z'" + replacement + " bad" + replacement +
                                                      replacement + " byte, tab\t, newline\n end " + replacement);
    BOOST_CHECK(parsed.failure_texts[0].find("]]> <![CDATA[ & " + replacement + "[31m") != std::string::npos);
    BOOST_CHECK_EQUAL(report::xml_escape("<&>\"'", false), "&lt;&amp;&gt;&quot;&apos;");
    BOOST_CHECK_EQUAL(report::xml_escape("a\tb\nc\rd", true), "a&#9;b&#10;c&#13;d");
    BOOST_CHECK_EQUAL(report::xml_escape("\xC3\xA9\xE2\x88\xA9", false), "\xC3\xA9\xE2\x88\xA9");  // é ∩ kept
}

// ---- GitHub workflow commands ----

BOOST_AUTO_TEST_CASE(github_escaping_is_exact) {
    BOOST_CHECK_EQUAL(report::github_escape_data("50% off, a: b\r\nnext"), "50%25 off, a: b%0D%0Anext");
    BOOST_CHECK_EQUAL(report::github_escape_property("dir,a:b/x%y.seg\n"), "dir%2Ca%3Ab/x%25y.seg%0A");

    auto source = std::make_shared<const Source>("dir,a:b/50%.seg", "segment s:\n  x = 1\n");
    report::CiReport report;
    report.command = "check";
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = Code::UnknownName;
    d.source = source;
    d.span = {13, 14};
    d.message = "no column `x`: 100% sure,\nreally";
    d.hint = "did you mean `y`?";
    report.diagnostics.push_back(d);
    d.severity = Severity::Warning;
    d.code = Code::CompareWithNull;
    d.span = {13, 18};
    d.message = "w";
    d.hint.clear();
    report.diagnostics.push_back(d);
    report.checked_files.push_back(source->name());
    BOOST_CHECK_EQUAL(report::render_github(report),
                      "::error file=dir%2Ca%3Ab/50%25.seg,line=2,col=3,endLine=2,endColumn=4,title=E101::"
                      "no column `x`: 100%25 sure,%0Areally%0Ahint: did you mean `y`?\n"
                      "::warning file=dir%2Ca%3Ab/50%25.seg,line=2,col=3,endLine=2,endColumn=8,title=W001::w\n"
                      "segmint check: 1 error, 1 warning in 1 file\n");

    report::CiReport checks;
    checks.command = "validate";
    report::CheckResult check;
    check.rule_id = "constraint/size";
    check.passed = false;
    check.location = {"p/segmint.yaml", 8, 5, 8, 39};
    check.message = "size: vip has 4 of 8 customers (50.00%), above the maximum 25% = 2";
    checks.checks.push_back(check);
    check.passed = true;
    checks.checks.push_back(check);
    BOOST_CHECK_EQUAL(report::render_github(checks),
                      "::error file=p/segmint.yaml,line=8,col=5,endLine=8,endColumn=39,title=constraint/size::"
                      "size: vip has 4 of 8 customers (50.00%25), above the maximum 25%25 = 2\n"
                      "segmint validate: 1 passed, 1 failed\n");
}

BOOST_AUTO_TEST_CASE(github_from_the_commands) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint(kBroken + " --format github", &out), 1);
    auto lines = lines_of(out);
    BOOST_REQUIRE(lines.size() >= 6u);
    BOOST_CHECK_EQUAL(lines[0],
                      "::error file=examples/broken/retention.seg,line=5,col=3,endLine=5,endColumn=12,title=E101::"
                      "unknown name `order_90d`: it is neither a column nor a segment%0Ahint: did you mean `orders_90d`?");
    BOOST_CHECK(lines.back().rfind("segmint check: ", 0) == 0);

    BOOST_CHECK_EQUAL(run_segmint("validate --project examples/broken_constraints --as-of 2026-11-23 --format github", &out), 1);
    lines = lines_of(out);
    BOOST_REQUIRE_EQUAL(lines.size(), 3u);
    BOOST_CHECK_MESSAGE(lines[0].rfind("::error file=examples/broken_constraints/segmint.yaml,line=7,col=", 0) == 0,
                        lines[0]);
    BOOST_CHECK(lines[0].find(",title=constraint/subset::subset: 2 of the 4 customers of vip are not in regulars "
                              "(4); refuted by a proof: a customer can be in vip but not in regulars%0Ae.g. customer_id 4, 7%0Acounterexample") != std::string::npos);
    BOOST_CHECK_EQUAL(lines[2], "segmint validate: 1 passed, 2 failed");

    SpecsWithFailingFixture copy;
    BOOST_CHECK_EQUAL(run_in(copy.dir, "test --format github", &out), 1);
    lines = lines_of(out);
    BOOST_REQUIRE_EQUAL(lines.size(), 2u);
    BOOST_CHECK_MESSAGE(lines[0].rfind("::error file=tests/broken.yaml,line=5,col=14,endLine=5,endColumn=15,"
                                       "title=fixture/expectation::customer 1 should be in `vip`, but is not%0A",
                                       0) == 0,
                        lines[0]);
    BOOST_CHECK_EQUAL(lines[1], "segmint test: 103 passed, 1 failed");

    BOOST_CHECK_EQUAL(run_segmint("test --project specs --format github", &out), 0);
    BOOST_CHECK_EQUAL(out, "segmint test: 102 passed, 0 failed\n");
}

// ---- exit codes ----

BOOST_AUTO_TEST_CASE(exit_codes_do_not_depend_on_the_format) {
    SpecsWithFailingFixture copy;
    std::string out, err;
    for (const std::string format : {"text", "json", "sarif", "junit", "github"}) {
        BOOST_TEST_CONTEXT("--format " << format) {
            const std::string f = " --format " + format;
            BOOST_CHECK_EQUAL(run_segmint("check --project specs" + f, &out), 0);
            BOOST_CHECK_EQUAL(run_segmint(kBroken + f, &out), 1);
            BOOST_CHECK_EQUAL(run_segmint("validate --project specs --data " + demo_csv() + f, &out), 0);
            BOOST_CHECK_EQUAL(run_segmint("validate --project examples/broken_constraints" + f, &out), 1);
            BOOST_CHECK_EQUAL(run_segmint("test --project specs" + f, &out), 0);
            BOOST_CHECK_EQUAL(run_segmint("test --project " + copy.dir + f, &out), 1);
            // Input errors stay 2.
            BOOST_CHECK_EQUAL(run_segmint("validate --project /nonexistent/dir" + f, &out, &err), 2);
            BOOST_CHECK_EQUAL(run_segmint("validate --project specs --data /nonexistent.csv" + f, &out, &err), 2);
            BOOST_CHECK_EQUAL(run_segmint("check specs/ --schema /nonexistent.yaml" + f, &out, &err), 2);
        }
    }
    // Usage errors: an unknown format, and the CI formats on commands that do not take them.
    BOOST_CHECK_EQUAL(run_segmint("check --project specs --format xml", &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("eval --project specs --data " + demo_csv() + " --format sarif", &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("overlap --project specs --data " + demo_csv() + " --format junit", &out, &err), 2);
}

BOOST_AUTO_TEST_CASE(a_broken_project_file_is_reported_in_the_ci_format) {
    TempDir folder("segmint_ci");
    fs::copy(source_dir() + "/specs", folder.path + "/specs", fs::copy_options::recursive);
    write_file(folder.path + "/specs/segmint.yaml", "schema: schema.yaml\nsegmnts: [\"segments/*.seg\"]\n");
    std::string out;
    BOOST_CHECK_EQUAL(run_in(folder.path, "validate --project specs --data " + demo_csv() + " --format sarif", &out), 2);
    auto doc = valid_sarif(out);
    BOOST_REQUIRE(!doc["runs"][0]["results"].empty());
    BOOST_CHECK_EQUAL(doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                      "specs/segmint.yaml");
    BOOST_CHECK_EQUAL(run_in(folder.path, "test --project specs --format junit", &out), 2);
    Junit junit = parse_junit(out);
    BOOST_CHECK(junit.failures >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
