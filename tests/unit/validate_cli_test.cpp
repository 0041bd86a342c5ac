// `segmint validate`, `overlap` and `test` as CI runs them: exit codes, JSON shape, and the demo project passing.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

using namespace segmint::testing;
namespace fs = std::filesystem;

namespace {

struct DemoData {
    std::string dir;
    std::string csv;  // what follows --data: the customers and their event tables
    DemoData() {
        char name[] = "/tmp/segmint_validate_XXXXXX";
        dir = ::mkdtemp(name);
        csv = generate_demo_data(dir, 20000, 7);
    }
    ~DemoData() { fs::remove_all(dir); }
};

const DemoData& demo() {
    static DemoData data;
    return data;
}

// A copy of specs/ in a temporary folder, to break on purpose.
struct SpecsCopy {
    std::string dir;
    SpecsCopy() {
        char name[] = "/tmp/segmint_specs_XXXXXX";
        dir = std::string(::mkdtemp(name)) + "/specs";
        fs::copy(source_dir() + "/specs", dir, fs::copy_options::recursive);
    }
    ~SpecsCopy() { fs::remove_all(fs::path(dir).parent_path()); }
};

size_t line_of(const std::string& text, const std::string& needle) {
    size_t at = text.find(needle);
    if (at == std::string::npos) throw std::runtime_error("not found: " + needle);
    return static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validate_cli)

BOOST_AUTO_TEST_CASE(demo_project_constraints_hold) {
    std::string out, err;
    int code = run_segmint("validate --project specs --data " + demo().csv, &out, &err);
    BOOST_CHECK_MESSAGE(code == 0, out + err);
    BOOST_CHECK(out.find("FAIL") == std::string::npos);
    BOOST_CHECK(out.find("17 constraints on 20,000 customers as of 2026-11-23: 17 passed, 0 failed") !=
                std::string::npos);
}

BOOST_AUTO_TEST_CASE(validate_json_has_the_documented_shape) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("validate --project specs --format json --data " + demo().csv, &out), 0);
    auto json = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(json["passed"].get<int>(), 17);
    BOOST_CHECK_EQUAL(json["failed"].get<int>(), 0);
    BOOST_CHECK_EQUAL(json["rows"].get<int>(), 20000);
    BOOST_REQUIRE_EQUAL(json["constraints"].size(), 17u);
    for (const auto& c : json["constraints"]) {
        BOOST_CHECK(c["kind"].is_string());
        BOOST_CHECK(c["line"].is_number_integer());
        BOOST_CHECK(c["passed"].get<bool>());
        BOOST_CHECK(c["message"].is_string());
        BOOST_CHECK(c["figures"].is_object());
        BOOST_CHECK(c["samples"].is_array());
    }
    const auto& partition = json["constraints"][8];
    BOOST_CHECK_EQUAL(partition["kind"].get<std::string>(), "partition");
    BOOST_CHECK_EQUAL(partition["figures"]["rows"].get<int>(), 20000);
    BOOST_CHECK_EQUAL(partition["figures"]["in_none"].get<int>(), 0);
}

BOOST_AUTO_TEST_CASE(demo_fixture_tests_pass) {
    std::string out, err;
    int code = run_segmint("test --project specs", &out, &err);
    BOOST_CHECK_MESSAGE(code == 0, out + err);
    BOOST_CHECK(out.find("4 fixture files, 29 customers, 102 expectations: 102 passed, 0 failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(broken_example_fails_with_line_and_figures) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("validate --project examples/broken_constraints", &out), 1);
    // The data shows the violation, and a proof refutes the constraint for every possible customer.
    BOOST_CHECK_MESSAGE(out.find("FAIL  examples/broken_constraints/segmint.yaml:7  subset: 2 of the 4 customers of "
                                 "vip are not in regulars (4); refuted by a proof: a customer can be in vip but not in "
                                 "regulars\n      e.g. customer_id 4, 7\n") != std::string::npos,
                        out);
    BOOST_CHECK(out.find("3 constraints on 8 customers as of") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_broken_constraint_in_a_copy_of_the_demo_fails) {
    SpecsCopy copy;
    std::string yaml = read_file(copy.dir + "/segmint.yaml");
    yaml.replace(yaml.find("tests:"), 0, "  - subset: {segment: lapsed, of: win_back}\n");
    write_file(copy.dir + "/segmint.yaml", yaml);
    const size_t line = line_of(yaml, "subset: {segment: lapsed");
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("validate --project " + copy.dir + " --data " + demo().csv, &out), 1);
    BOOST_CHECK_MESSAGE(
        out.find("FAIL  " + copy.dir + "/segmint.yaml:" + std::to_string(line) +
                 "  subset: 6,382 of the 8,942 customers of lapsed are not in win_back (2,560)") != std::string::npos,
        out);
    BOOST_CHECK(out.find("17 passed, 1 failed") != std::string::npos);
    std::string json;
    BOOST_CHECK_EQUAL(run_segmint("validate --format json --project " + copy.dir + " --data " + demo().csv, &json), 1);
    auto parsed = nlohmann::json::parse(json);
    const auto& failed = parsed["constraints"][17];
    BOOST_CHECK_EQUAL(failed["line"].get<size_t>(), line);
    BOOST_CHECK_EQUAL(failed["figures"]["outside"].get<int>(), 6382);
    BOOST_CHECK_EQUAL(failed["samples"].size(), 5u);
}

BOOST_AUTO_TEST_CASE(unknown_constraint_segment_exits_1_with_did_you_mean) {
    SpecsCopy copy;
    std::string yaml = read_file(copy.dir + "/segmint.yaml");
    yaml.replace(yaml.find("tests:"), 0, "  - disjoint: [frequent_buyer, lapsed]\n");
    write_file(copy.dir + "/segmint.yaml", yaml);
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("validate --color never --project " + copy.dir + " --data " + demo().csv, &out), 1);
    BOOST_CHECK_MESSAGE(out.find("no segment named `frequent_buyer`") != std::string::npos, out);
    BOOST_CHECK(out.find("did you mean `frequent_buyers`?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(input_errors_exit_2) {
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("validate --project /nonexistent/dir", &out, &err), 2);
    BOOST_CHECK(err.find("cannot read project") != std::string::npos);
    // No data is not an input error: the proofs are the result (prove_cli tests what they say).
    BOOST_CHECK_EQUAL(run_segmint("validate --project specs", &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("17 constraints without data") != std::string::npos, out);
    BOOST_CHECK_EQUAL(run_segmint("validate --project specs --data /nonexistent.csv", &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("validate --project specs --format xml", &out, &err), 2);
    SpecsCopy copy;
    write_file(copy.dir + "/segmint.yaml", "schema: /etc/passwd\nsegments: [\"segments/*.seg\"]\n");
    BOOST_CHECK_EQUAL(run_segmint("validate --project " + copy.dir + " --data " + demo().csv, &out, &err), 2);
    BOOST_CHECK_MESSAGE(out.find("schema: `/etc/passwd` is an absolute path") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(overlap_formats) {
    std::string out;
    BOOST_REQUIRE_EQUAL(
        run_segmint("overlap --project specs --format json --data " + demo().csv + " frequent_buyers vip lapsed", &out),
        0);
    auto json = nlohmann::json::parse(out);
    BOOST_REQUIRE_EQUAL(json["segments"].size(), 3u);
    BOOST_REQUIRE_EQUAL(json["pairs"].size(), 3u);
    const auto& pair = json["pairs"][0];  // frequent_buyers, vip: vip lies inside frequent_buyers
    BOOST_CHECK_EQUAL(pair["a"].get<std::string>(), "frequent_buyers");
    BOOST_CHECK_EQUAL(pair["b"].get<std::string>(), "vip");
    BOOST_CHECK_EQUAL(pair["intersection"].get<uint64_t>(), pair["count_b"].get<uint64_t>());
    BOOST_CHECK_EQUAL(pair["containment_b"].get<double>(), 1.0);
    BOOST_CHECK_EQUAL(json["pairs"][1]["intersection"].get<uint64_t>(), 0u);  // frequent_buyers, lapsed

    BOOST_REQUIRE_EQUAL(run_segmint("overlap --project specs --format csv --data " + demo().csv, &out), 0);
    BOOST_CHECK_EQUAL(out.substr(0, out.find('\n')),
                      "a,b,count_a,count_b,intersection,jaccard,containment_a,containment_b");
    const size_t lines = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
    BOOST_CHECK_EQUAL(lines, 1u + 42u * 41u / 2u);  // one record per pair of the 42 demo segments

    BOOST_REQUIRE_EQUAL(run_segmint("overlap --project specs --data " + demo().csv + " gold_tier vip", &out), 0);
    BOOST_CHECK_MESSAGE(out.find("most overlapping pairs (by Jaccard):\n  gold_tier ∩ vip:") != std::string::npos, out);
    std::string err;
    BOOST_CHECK_EQUAL(run_segmint("overlap --project specs --data " + demo().csv + " vipp", &out, &err), 2);
    BOOST_CHECK(err.find("did you mean `vip`?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failing_fixture_shows_the_deciding_condition) {
    SpecsCopy copy;
    write_file(copy.dir + "/tests/broken.yaml",
               "as_of: 2026-11-23\n"
               "customers:\n"
               "  - {customer_id: 1, orders_90d: 6, last_order_date: 2026-11-20, total_spend: 900, tier: gold}\n"
               "expect:\n"
               "  vip: {in: [1]}\n"
               "  frequent_buyers: {in: [1]}\n");
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("test --project " + copy.dir, &out), 1);
    BOOST_CHECK_MESSAGE(
        out.find("FAIL  " + copy.dir + "/tests/broken.yaml (1 of 2 expectations failed)\n  " + copy.dir +
                 "/tests/broken.yaml:5: customer 1 should be in `vip`, but is not\n") != std::string::npos,
        out);
    BOOST_CHECK(out.find("      TRUE   frequent_buyers\n      FALSE  total_spend > 1_000\n"
                         "      TRUE   tier in (\"gold\", \"platinum\")\n") != std::string::npos);
    BOOST_CHECK(out.find("5 fixture files, 30 customers, 104 expectations: 103 passed, 1 failed") != std::string::npos);

    std::string json;
    BOOST_CHECK_EQUAL(
        run_segmint("test --format json --project " + copy.dir + " " + copy.dir + "/tests/broken.yaml", &json), 1);
    auto parsed = nlohmann::json::parse(json);
    BOOST_CHECK_EQUAL(parsed["failed"].get<int>(), 1);
    const auto& failure = parsed["files"][0]["failures"][0];
    BOOST_CHECK_EQUAL(failure["segment"].get<std::string>(), "vip");
    BOOST_CHECK_EQUAL(failure["expected"].get<bool>(), true);
    BOOST_CHECK_EQUAL(failure["conditions"][1]["value"].get<std::string>(), "FALSE");

    // An unknown segment under `expect` is a finding (exit 1) with "did you mean"; a malformed file is input (exit 2).
    write_file(copy.dir + "/tests/broken.yaml",
               "as_of: 2026-11-23\ncustomers:\n  - {customer_id: 1}\nexpect:\n  vipp: {in: [1]}\n");
    BOOST_CHECK_EQUAL(run_segmint("test --color never --project " + copy.dir, &out), 1);
    BOOST_CHECK_MESSAGE(out.find("did you mean `vip`?") != std::string::npos, out);
    write_file(copy.dir + "/tests/broken.yaml", "as_of: 2026-11-23\ncustomers:\n  - {customer_id: x}\nexpect: {}\n");
    BOOST_CHECK_EQUAL(run_segmint("test --color never --project " + copy.dir, &out), 2);
    BOOST_CHECK_MESSAGE(out.find("customers[0].customer_id:") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(check_and_eval_read_the_project) {
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("check --project specs", &out, &err), 0);
    BOOST_CHECK_MESSAGE(out.find("checked 42 segments in 7 files: no problems") != std::string::npos, out + err);
    // Flags override the project: one file only.
    BOOST_CHECK_EQUAL(run_segmint("check --project specs specs/segments/tiers.seg", &out), 0);
    BOOST_CHECK(out.find("checked 4 segments in 1 file") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("eval --project specs --as-of 2026-11-23 --format json --data " + demo().csv, &out),
                      0);
    BOOST_CHECK_EQUAL(nlohmann::json::parse(out)["segments"].size(), 42u);
}

BOOST_AUTO_TEST_SUITE_END()
