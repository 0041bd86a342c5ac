// `segmint prove` as users and CI run it, on examples/prove: each constraint proved, refuted or unknown, the lints,
// `--relation`, the formats, exit codes, and counterexamples that `segmint test` accepts as fixture files.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/calendar.h"
#include "test_support.h"

using namespace segmint::testing;

namespace {

const std::string kProject = " --project examples/prove";

// A copy of examples/prove in `dir`, so a test can add files to it.
std::string copy_example(const TempDir& dir) {
    std::filesystem::copy(source_dir() + "/examples/prove", dir.file("prove"),
                          std::filesystem::copy_options::recursive);
    return dir.file("prove");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prove_cli)

// Each constraint of examples/prove gets the status its comment in segmint.yaml gives, and the text lists the lints.
BOOST_AUTO_TEST_CASE(example_project_text) {
    std::string out;
    BOOST_TEST(run_segmint("prove" + kProject + " --color never", &out) ==
               1);  // a refutation and an impossible segment
    BOOST_TEST(out.find("PROVED   examples/prove/segmint.yaml:6  disjoint: no customer can be in two of regulars, "
                        "dormant") != std::string::npos,
               out);
    BOOST_TEST(out.find("PROVED   examples/prove/segmint.yaml:7  subset:") != std::string::npos);
    BOOST_TEST(out.find("REFUTED  examples/prove/segmint.yaml:8  subset: a customer can be in gold_regulars but not in "
                        "regulars") != std::string::npos);
    BOOST_TEST(out.find("UNKNOWN  examples/prove/segmint.yaml:9  disjoint: undecided: not encoded: non-linear int "
                        "arithmetic") != std::string::npos,
               out);
    BOOST_TEST(out.find("error[P001]: no customer can be in `gold_and_silver`") != std::string::npos);
    BOOST_TEST(out.find("warning[P003]: `orders_90d > 1` never changes who is in `frequent`") != std::string::npos);
    BOOST_TEST(out.find("4 constraints: 2 proved, 1 refuted, 1 unknown; 7 segments: 1 impossible, 0 equal pairs, "
                        "1 dead condition") != std::string::npos);
}

// The JSON has the shape the product's CLI contract gives (docs/prove.md): constraints with file, line, kind, status and, when refuted, a counterexample
// customer and its memberships; lints with code, segment, file, line and message.
BOOST_AUTO_TEST_CASE(example_project_json) {
    std::string out;
    BOOST_TEST(run_segmint("prove" + kProject + " --format json", &out) == 1);
    const auto doc = nlohmann::json::parse(out);
    BOOST_TEST(doc["command"] == "prove");
    BOOST_TEST(doc["as_of"] == "2026-11-23");
    const auto& constraints = doc["constraints"];
    BOOST_REQUIRE(constraints.size() == 4u);
    const std::vector<std::string> statuses = {"proved", "proved", "refuted", "unknown"};
    for (size_t i = 0; i < statuses.size(); ++i) {
        BOOST_TEST(constraints[i]["status"] == statuses[i]);
        BOOST_TEST(constraints[i]["file"] == "examples/prove/segmint.yaml");
        BOOST_TEST(constraints[i]["line"] == 6 + i);
        BOOST_TEST(constraints[i].contains("counterexample") == (statuses[i] == "refuted"));
    }
    const auto& counterexample = constraints[2]["counterexample"];
    BOOST_TEST(counterexample["customer"]["tier"] == "gold");
    BOOST_TEST(counterexample["customer"]["orders_90d"].get<int64_t>() < 3);   // not a regular
    BOOST_TEST(counterexample["customer"]["orders_90d"].get<int64_t>() >= 2);  // but a gold regular
    BOOST_TEST(counterexample["in"] == nlohmann::json::array({"gold_regulars"}));
    BOOST_TEST(counterexample["not_in"] == nlohmann::json::array({"regulars"}));
    const auto& lints = doc["lints"];
    BOOST_REQUIRE(lints.size() == 2u);
    BOOST_TEST(lints[0]["code"] == "P001");
    BOOST_TEST(lints[0]["segment"] == "gold_and_silver");
    BOOST_TEST(lints[0]["file"] == "examples/prove/segments/shop.seg");
    BOOST_TEST(lints[0]["line"] == 17);
    BOOST_TEST(lints[1]["code"] == "P003");
    BOOST_TEST(lints[1]["segment"] == "frequent");
}

// A counterexample is a fixture file as printed: saved under the project's tests, `segmint test` passes it, so the
// interpreter agrees with what the solver found.
BOOST_AUTO_TEST_CASE(counterexample_is_a_fixture_segmint_test_accepts) {
    TempDir dir("prove");
    const std::string project = copy_example(dir);
    std::string out;
    BOOST_TEST(run_segmint("prove --project " + project + " --color never", &out) == 1);
    const std::string marker = "counterexample, as a fixture file (segmint test accepts it as it is):\n";
    const size_t at = out.find(marker);
    BOOST_REQUIRE(at != std::string::npos);
    std::string fixture;
    std::istringstream lines(out.substr(at + marker.size()));
    for (std::string line; std::getline(lines, line) && line.rfind("           ", 0) == 0;)
        fixture += line.substr(11) + "\n";
    BOOST_REQUIRE(fixture.find("expect:") != std::string::npos);
    std::filesystem::create_directory(project + "/tests");
    write_file(project + "/tests/counterexample.yaml", fixture);
    write_file(project + "/segmint.yaml", read_file(project + "/segmint.yaml") + "tests: [\"tests/*.yaml\"]\n");
    BOOST_TEST(run_segmint("test --project " + project, &out) == 0, out);
    BOOST_TEST(out.find("2 passed, 0 failed") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(relation_of_two_segments) {
    std::string out;
    BOOST_TEST(run_segmint("prove --relation loyal regulars" + kProject, &out) == 0);
    BOOST_TEST(out.find("loyal is inside regulars: every member of loyal is in regulars (as of 2026-11-23)") == 0, out);
    BOOST_TEST(out.find("  loyal only: no customer (proved)") != std::string::npos);
    BOOST_TEST(out.find("  regulars only: for example this customer") != std::string::npos);
    BOOST_TEST(out.find("  both: for example this customer") != std::string::npos);

    BOOST_TEST(run_segmint("prove --relation regulars dormant --format json" + kProject, &out) == 0);
    const auto doc = nlohmann::json::parse(out);
    BOOST_TEST(doc["relation"] == "disjoint");
    BOOST_TEST(doc["regions"]["both"]["status"] == "empty");
    BOOST_TEST(doc["regions"]["a_only"]["status"] == "non-empty");
    BOOST_TEST(doc["regions"]["a_only"]["witness"]["in"] == nlohmann::json::array({"regulars"}));

    // Spec paths may follow the two names.
    BOOST_TEST(run_segmint("prove --relation regulars dormant examples/prove/segments --schema examples/prove/schema.yaml "
                           "--as-of 2026-11-23",
                           &out) == 0,
               out);
    BOOST_TEST(out.find("regulars and dormant are disjoint") == 0, out);

    BOOST_TEST(run_segmint("prove --relation busy_adults dormant" + kProject, &out) == 0);
    BOOST_TEST(out.find("the relation of busy_adults and dormant is unknown") == 0, out);
    BOOST_TEST(out.find("unknown (not encoded: non-linear int arithmetic)") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(bad_input_is_exit_2) {
    std::string out, err;
    BOOST_TEST(run_segmint("prove --relation regular dormant" + kProject, &out, &err) == 2);
    BOOST_TEST(err.find("no segment named `regular`; did you mean `regulars`?") != std::string::npos, err);
    BOOST_TEST(run_segmint("prove --relation regulars" + kProject, &out, &err) == 2);
    BOOST_TEST(run_segmint("prove --timeout-ms 0" + kProject, &out, &err) == 2);
    BOOST_TEST(run_segmint("prove --timeout-ms -5" + kProject, &out, &err) == 2);
    BOOST_TEST(run_segmint("prove --project /nonexistent/place", &out, &err) == 2);
    BOOST_TEST(run_segmint("prove --relation regular dormant --format json" + kProject, &out, &err) == 2);
    BOOST_TEST(nlohmann::json::parse(out)["command"] == "prove");
}

// Without a project (spec paths and a schema): only the lints; exit 0 when no segment is impossible.
BOOST_AUTO_TEST_CASE(spec_files_without_a_project) {
    TempDir dir("prove");
    const std::string spec = dir.write("a.seg", "segment adults: age >= 18\nsegment teens: age >= 13 and age < 20\n");
    std::string out;
    BOOST_TEST(run_segmint("prove " + spec + " --schema tests/golden/schema.yaml --as-of 2026-11-23", &out) == 0, out);
    BOOST_TEST(out.find("2 segments: 0 impossible, 0 equal pairs, 0 dead conditions") != std::string::npos, out);
    const std::string broken = dir.write("b.seg", "segment never: age >= 18 and age < 10\n");
    BOOST_TEST(run_segmint("prove " + broken + " --schema tests/golden/schema.yaml --format github", &out) == 1);
    BOOST_TEST(out.find("::error file=") != std::string::npos, out);
    BOOST_TEST(out.find("title=P001") != std::string::npos, out);
}

// The CI formats carry each decided constraint as a check: the refuted one fails with its counterexample.
BOOST_AUTO_TEST_CASE(ci_formats) {
    std::string out;
    BOOST_TEST(run_segmint("prove --format junit" + kProject, &out) == 1);
    BOOST_TEST(out.find("subset: gold_regulars, regulars") != std::string::npos, out);
    BOOST_TEST(out.find("tier: &quot;gold&quot;") != std::string::npos, out);  // XML-escaped
    BOOST_TEST(run_segmint("prove --format sarif" + kProject, &out) == 1);
    const auto sarif = nlohmann::json::parse(out);
    BOOST_TEST(sarif["version"] == "2.1.0");
    BOOST_TEST(out.find("proof/subset") != std::string::npos);
}

// An undecided constraint is neither a pass nor a failure: JUnit <skipped>, SARIF kind "open", a GitHub notice.
BOOST_AUTO_TEST_CASE(ci_formats_report_unknown_as_undecided) {
    TempDir dir("prove");
    const std::string project = copy_example(dir);
    write_file(project + "/segments/product.seg", "segment big_product: orders_90d * orders_90d > 50\n");
    write_file(project + "/segmint.yaml",
               "schema: schema.yaml\nsegments: [\"segments/*.seg\"]\nas_of: 2026-11-23\n"
               "constraints:\n  - disjoint: [big_product, dormant]\n  - disjoint: [regulars, dormant]\n");
    std::string out;
    BOOST_TEST(run_segmint("prove --format junit --project " + project, &out) == 1, out);  // P001 in shop.seg
    BOOST_TEST(out.find("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\"") != std::string::npos, out);
    BOOST_TEST(out.find("<skipped message=\"disjoint: unknown: undecided: not encoded: non-linear int arithmetic\"/>") !=
                   std::string::npos,
               out);
    BOOST_TEST(run_segmint("prove --format sarif --project " + project, &out) == 1);
    BOOST_TEST(out.find("\"kind\": \"open\"") != std::string::npos, out);
    BOOST_TEST(run_segmint("prove --format github --project " + project, &out) == 1);
    BOOST_TEST(out.find("::notice file=") != std::string::npos, out);
    BOOST_TEST(out.find("1 passed, 0 failed, 1 undecided") != std::string::npos, out);
}

// validate without data: the proofs are the result; size and max_overlap would be skipped.
BOOST_AUTO_TEST_CASE(validate_without_data_reports_the_proofs) {
    std::string out;
    BOOST_TEST(run_segmint("validate" + kProject, &out) == 1, out);
    BOOST_TEST(out.find("REFUTED  examples/prove/segmint.yaml:8  subset:") != std::string::npos, out);
    BOOST_TEST(out.find("4 constraints without data, as of 2026-11-23, for every possible customer: 2 proved, "
                        "1 refuted, 1 unknown, 0 skipped") != std::string::npos,
               out);
    BOOST_TEST(run_segmint("validate --format json" + kProject, &out) == 1);
    const auto doc = nlohmann::json::parse(out);
    BOOST_TEST(doc["data"] == false);
    BOOST_TEST(doc["failed"] == 1);
    BOOST_TEST(doc["constraints"][2]["passed"] == false);
    BOOST_TEST(doc["constraints"][3]["passed"] == true);  // unknown is not a failure, and not a proof
    BOOST_TEST(doc["constraints"][3]["status"] == "unknown");
}

// With data that happens to hold no violating customer, a refuted constraint still fails, with its counterexample;
// `static: false` leaves it to the data.
BOOST_AUTO_TEST_CASE(validate_with_data_fails_a_constraint_the_proofs_refute) {
    TempDir dir("prove");
    const std::string project = copy_example(dir);
    write_file(project + "/customers.csv",
               "customer_id,age,orders_90d,last_order_date,total_spend,tier,country\n"
               "1,30,5,2026-11-20,1200.5,gold,DE\n"
               "2,41,0,,0,silver,FR\n");
    std::string out;
    const std::string data = " --data " + project + "/customers.csv --project " + project;
    BOOST_TEST(run_segmint("validate" + data, &out) == 1, out);
    BOOST_TEST(out.find("FAIL  " + project +
                        "/segmint.yaml:8  subset: every customer of gold_regulars (1) is in "
                        "regulars (1); refuted by a proof: a customer can be in gold_regulars but not in regulars") !=
                   std::string::npos,
               out);
    BOOST_TEST(out.find("- {customer_id: 1, orders_90d: 2, tier: \"gold\"}") != std::string::npos, out);
    BOOST_TEST(out.find("; proved for every customer") != std::string::npos, out);
    BOOST_TEST(out.find("3 passed, 1 failed; proofs: 2 proved, 1 refuted, 1 unknown") != std::string::npos, out);

    std::string yaml = read_file(project + "/segmint.yaml");
    const std::string entry = "- subset: {segment: gold_regulars, of: regulars}";
    BOOST_REQUIRE(yaml.find(entry) != std::string::npos);
    yaml.replace(yaml.find(entry), entry.size(), "- {subset: {segment: gold_regulars, of: regulars}, static: false}");
    write_file(project + "/segmint.yaml", yaml);
    BOOST_TEST(run_segmint("validate" + data, &out) == 0, out);
    BOOST_TEST(out.find("4 passed, 0 failed; proofs: 2 proved, 0 refuted, 1 unknown") != std::string::npos, out);

    yaml.replace(yaml.find("static: false"), 13, "static: maybe");
    write_file(project + "/segmint.yaml", yaml);
    std::string err;
    BOOST_TEST(run_segmint("validate" + data, &out, &err) == 2);  // validate prints its input errors on stdout
    BOOST_TEST(out.find("constraints[2].static: expected true or false, found `maybe`") != std::string::npos, out);
}

// `not_null: true` is a fact the proofs use, so the data is checked for it: an empty field is an error at its line
// and field. Without it, a customer with no tier is in no tier segment, and the partition is refuted.
BOOST_AUTO_TEST_CASE(not_null_is_used_by_proofs_and_checked_on_data) {
    TempDir dir("prove");
    dir.write("tiers.seg", "segment low: tier = \"low\"\nsegment high: tier = \"high\"\n");
    for (const bool not_null : {false, true}) {
        dir.write("schema.yaml", std::string("table: t\nkey: id\ncolumns:\n  id: int\n  tier: {type: enum, values: "
                                             "[low, high]") +
                                     (not_null ? ", not_null: true" : "") + "}\n");
        dir.write("segmint.yaml",
                  "schema: schema.yaml\nsegments: [\"*.seg\"]\nas_of: 2026-11-23\n"
                  "constraints:\n  - partition: [low, high]\n");
        std::string out;
        BOOST_TEST(run_segmint("prove --project " + dir.path, &out) == (not_null ? 0 : 1), out);
        BOOST_TEST(out.find(not_null ? "PROVED" : "REFUTED") != std::string::npos, out);
    }
    dir.write("data.csv", "id,tier\n1,low\n2,\n");
    std::string out, err;
    BOOST_TEST(run_segmint("eval --project " + dir.path + " --data " + dir.file("data.csv"), &out, &err) == 2);
    BOOST_TEST(err.find("data.csv:3:2: error: column `tier` is empty (NULL), but the schema says it never is "
                        "(`not_null: true`)") != std::string::npos,
               err);
    dir.write("schema.yaml",
              "table: t\nkey: id\ncolumns:\n  id: int\n  tier: {type: enum, values: [low], "
              "not_null: yes}\n");
    BOOST_TEST(run_segmint("prove --project " + dir.path, &out, &err) == 2);
    BOOST_TEST(out.find("error[E206]: columns.tier.not_null: expected true or false, found `yes`") != std::string::npos,
               out);
}

// `min` / `max` are facts of the proofs: examples/prove_facts proves two subsets only with them, and without them
// both are refuted (a negative orders_90d; an age over 130). The data is checked for them: a value outside is an error at its line
// and field naming the column, the value and the bounds; NULL passes; fixtures are not checked.
BOOST_AUTO_TEST_CASE(min_and_max_are_facts_of_the_proofs) {
    std::string out, err;
    BOOST_TEST(run_segmint("prove --project examples/prove_facts --color never", &out) == 0, out);
    BOOST_TEST(out.find("PROVED   examples/prove_facts/segmint.yaml:6  subset:") != std::string::npos, out);
    BOOST_TEST(out.find("PROVED   examples/prove_facts/segmint.yaml:7  subset:") != std::string::npos, out);

    TempDir dir("prove");
    std::filesystem::copy(source_dir() + "/examples/prove_facts", dir.file("facts"),
                          std::filesystem::copy_options::recursive);
    const std::string project = dir.file("facts");
    const std::string schema = read_file(project + "/schema.yaml");
    std::string loose = schema;
    for (const std::string fact : {", min: 0, max: 130", ", min: 0}"}) {
        BOOST_REQUIRE(loose.find(fact) != std::string::npos);
        loose.replace(loose.find(fact), fact.size(), fact.back() == '}' ? "}" : "");
    }
    write_file(project + "/schema.yaml", loose);
    BOOST_TEST(run_segmint("prove --project " + project + " --format json", &out) == 1, out);
    const auto doc = nlohmann::json::parse(out);
    BOOST_TEST(doc["constraints"][0]["status"] == "refuted");
    BOOST_TEST(doc["constraints"][0]["counterexample"]["customer"]["orders_90d"].get<int64_t>() < 0);
    BOOST_TEST(doc["constraints"][1]["status"] == "refuted");
    BOOST_TEST(doc["constraints"][1]["counterexample"]["customer"]["age"].get<int64_t>() > 130);

    write_file(project + "/schema.yaml", schema);
    const std::string data = " --data " + dir.file("data.csv");
    write_file(dir.file("data.csv"), "customer_id,age,orders_90d,total_spend,lifetime_orders\n"
                                     "1,30,0,1.5,5\n2,,,,\n3,131,1,0,5\n");
    BOOST_TEST(run_segmint("eval --project " + project + data, &out, &err) == 2);
    BOOST_TEST(err.find("data.csv:4:2: error: column `age` is 131, outside its schema bounds `min: 0, max: 130`") !=
                   std::string::npos,
               err);
    write_file(dir.file("data.csv"), "customer_id,age,orders_90d,total_spend,lifetime_orders\n"
                                     "1,30,0,1.5,5\n2,,,,\n3,99,1,-0.01,5\n");
    BOOST_TEST(run_segmint("validate --project " + project + data, &out, &err) == 2);
    BOOST_TEST((out + err).find("data.csv:4:4: error: column `total_spend` is -0.01, outside its schema bounds "
                                "`min: 0`") != std::string::npos,
               out + err);
    write_file(dir.file("data.csv"), "customer_id,age,orders_90d,total_spend,lifetime_orders\n"
                                     "1,30,0,1.5,5\n2,,,,\n3,130,1,0,5\n");
    BOOST_TEST(run_segmint("eval --project " + project + data, &out, &err) == 0, err);

    // A fixture customer may break the facts on purpose (what a rule does with bad upstream data).
    write_file(project + "/segmint.yaml", read_file(project + "/segmint.yaml") + "tests: [\"tests/*.yaml\"]\n");
    std::filesystem::create_directory(project + "/tests");
    write_file(project + "/tests/old.yaml",
               "as_of: 2026-11-23\ncustomers:\n  - {customer_id: 1, age: 131, orders_90d: -2}\n"
               "expect:\n  at_least_120: {in: [1]}\n  aged_110_to_130: {not_in: [1]}\n  few_recent_orders: {not_in: [1]}\n");
    BOOST_TEST(run_segmint("test --project " + project, &out, &err) == 0, out + err);
}

// A schema check is a fact of the proofs: examples/prove_facts proves `never_ordered` and `recent_buyers` disjoint
// only with `orders_90d <= lifetime_orders`, and without the check the counterexample breaks it. The data is checked
// for it: the first row where it is FALSE is an error at its line naming the check and the values it reads (exit 2);
// NULL passes (as with SQL's CHECK); fixtures are not checked.
BOOST_AUTO_TEST_CASE(checks_are_facts_of_the_proofs_and_checked_on_data) {
    std::string out, err;
    BOOST_TEST(run_segmint("prove --project examples/prove_facts --color never", &out) == 0, out);
    BOOST_TEST(out.find("PROVED   examples/prove_facts/segmint.yaml:8  disjoint:") != std::string::npos, out);

    TempDir dir("prove");
    std::filesystem::copy(source_dir() + "/examples/prove_facts", dir.file("facts"),
                          std::filesystem::copy_options::recursive);
    const std::string project = dir.file("facts");
    const std::string schema = read_file(project + "/schema.yaml");
    const size_t checks = schema.find("checks:");
    BOOST_REQUIRE(checks != std::string::npos);
    write_file(project + "/schema.yaml", schema.substr(0, checks));
    BOOST_TEST(run_segmint("prove --project " + project + " --format json", &out) == 1, out);
    const auto doc = nlohmann::json::parse(out);
    BOOST_TEST(doc["constraints"][2]["status"] == "refuted");
    const auto& customer = doc["constraints"][2]["counterexample"]["customer"];
    BOOST_TEST(customer["orders_90d"].get<int64_t>() > customer["lifetime_orders"].get<int64_t>());

    write_file(project + "/schema.yaml", schema);
    const std::string data = " --data " + dir.file("data.csv");
    const std::string header = "customer_id,age,orders_90d,lifetime_orders,total_spend\n";
    write_file(dir.file("data.csv"), header + "1,30,0,1,1.5\n2,,,,\n\n3,40,,2,\n4,50,3,2,0\n5,50,4,1,0\n");
    BOOST_TEST(run_segmint("eval --project " + project + data, &out, &err) == 2);
    BOOST_TEST(err.find("data.csv:6: error: the schema's check `recent_within_lifetime` (`orders_90d <= "
                        "lifetime_orders`) is false for this customer: orders_90d=3, lifetime_orders=2") !=
                   std::string::npos,
               err);
    BOOST_TEST(run_segmint("validate --project " + project + data, &out, &err) == 2);
    BOOST_TEST((out + err).find("data.csv:6: error: the schema's check") != std::string::npos, out + err);
    write_file(dir.file("data.csv"), header + "1,30,0,1,1.5\n2,,,,\n3,40,,2,\n4,50,2,2,0\n");
    BOOST_TEST(run_segmint("eval --project " + project + data, &out, &err) == 0, err);

    // A fixture customer may break a check on purpose.
    write_file(project + "/segmint.yaml", read_file(project + "/segmint.yaml") + "tests: [\"tests/*.yaml\"]\n");
    std::filesystem::create_directory(project + "/tests");
    write_file(project + "/tests/broken.yaml",
               "as_of: 2026-11-23\ncustomers:\n  - {customer_id: 1, orders_90d: 3, lifetime_orders: 0}\n"
               "expect:\n  never_ordered: {in: [1]}\n  recent_buyers: {in: [1]}\n");
    BOOST_TEST(run_segmint("test --project " + project, &out, &err) == 0, out + err);
}

// A witness's number and timestamp values are within the column's bounds (facts of the solver's model), so a
// counterexample is a customer that can exist.
BOOST_AUTO_TEST_CASE(witness_values_keep_the_bounds) {
    TempDir dir("prove");
    dir.write("schema.yaml", "table: t\nkey: id\ncolumns:\n  id: int\n  spend: {type: number, min: 5, max: 9}\n"
                             "  seen: {type: timestamp, max: 2001-01-01T00:00:00Z}\n  n: int\n");
    dir.write("a.seg", "segment a: spend is not null and seen is not null\nsegment b: n > 1\n");
    std::string out;
    BOOST_TEST(run_segmint("prove --relation a b " + dir.file("a.seg") + " --schema " + dir.file("schema.yaml") +
                               " --as-of 2026-11-23 --format json",
                           &out) == 0,
               out);
    const auto doc = nlohmann::json::parse(out);
    const auto& customer = doc["regions"]["a_only"]["witness"]["customer"];
    const double spend = customer["spend"].get<double>();
    BOOST_TEST((spend >= 5.0 && spend <= 9.0), out);
    BOOST_TEST(customer["seen"].get<std::string>() <= "2001-01-01T00:00:00Z", out);
}

// P002 compares pairs of segments that read the same columns, at most limits::kMaxEqualityPairs of them: 142 segments
// on `age` are 10,011 pairs, one past the limit, so the lint is skipped and the summary says so (docs/limits.md).
BOOST_AUTO_TEST_CASE(equal_segments_past_the_pair_limit_are_not_looked_for) {
    TempDir dir("prove");
    std::string text;
    for (int i = 0; i < 142; ++i) text += "segment a" + std::to_string(i) + ": age > " + std::to_string(i) + "\n";
    const std::string spec = dir.write("many.seg", text);
    std::string out;
    BOOST_TEST(run_segmint("prove " + spec + " --schema tests/golden/schema.yaml --as-of 2026-11-23", &out) == 0);
    BOOST_TEST(out.find("(equal pairs not looked for: 10,011 pairs of segments read the same columns, over the limit "
                        "of 10,000)") != std::string::npos,
               out);
    BOOST_TEST(run_segmint("prove " + spec + " --schema tests/golden/schema.yaml --format json", &out) == 0);
    BOOST_TEST(nlohmann::json::parse(out)["equality_pairs_skipped"] == 10011);
}

// --for-every-date: `today` is an unknown, so a relation that holds at one date may not hold at every date, and a
// counterexample carries its own as-of date, which `segmint test` replays as it is.
BOOST_AUTO_TEST_CASE(for_every_date) {
    TempDir dir("prove");
    const std::string schema = dir.write("schema.yaml", "table: customers\nkey: id\ncolumns:\n  id: int\n  signup_date: date\n");
    const std::string spec = dir.write("a.seg",
                                       "segment recent: signup_date >= today - 30 days\n"
                                       "segment old: signup_date < today - 60 days\n"
                                       "segment since_2026: signup_date >= 2026-01-01\n"
                                       "segment last_month: signup_date >= today - 1 month\n");
    const std::string args = " " + spec + " --schema " + schema;
    std::string out, err;
    BOOST_TEST(run_segmint("prove --relation recent old --for-every-date" + args, &out) == 0, out);
    BOOST_TEST(out.find("recent and old are disjoint: no customer is in both (for every as-of date)") == 0, out);

    // Inside at one date, but not at every date: a customer who signed up in 2025, seen in 2025.
    BOOST_TEST(run_segmint("prove --relation recent since_2026 --as-of 2026-11-23" + args, &out) == 0, out);
    BOOST_TEST(out.find("recent is inside since_2026") == 0, out);
    BOOST_TEST(run_segmint("prove --relation recent since_2026 --for-every-date --format json" + args, &out) == 0, out);
    const auto doc = nlohmann::json::parse(out);
    BOOST_TEST(doc["relation"] == "overlapping");
    BOOST_TEST(doc["for_every_date"] == true);
    BOOST_TEST(doc["as_of"].is_null());
    const auto& witness = doc["regions"]["a_only"]["witness"];
    const std::string as_of = witness["as_of"];
    const std::string signup = witness["customer"]["signup_date"];
    BOOST_TEST(signup < "2026-01-01", signup);
    BOOST_TEST(as_of < "2026-01-31", as_of);  // within 30 days of a 2025 signup

    // The text's fixture for that region, with its own as_of, passes `segmint test`.
    BOOST_TEST(run_segmint("prove --relation recent since_2026 --for-every-date" + args, &out) == 0, out);
    const size_t from = out.find("  recent only: for example this customer, as a fixture file:\n");
    BOOST_REQUIRE(from != std::string::npos);
    std::string fixture;
    std::istringstream lines(out.substr(out.find('\n', from) + 1));
    for (std::string line; std::getline(lines, line) && line.rfind("    ", 0) == 0;) fixture += line.substr(4) + "\n";
    BOOST_TEST(fixture.find("as_of: " + as_of.substr(0, 4)) == 0, fixture);
    const std::string test_file = dir.write("witness.yaml", fixture);
    BOOST_TEST(run_segmint("test " + test_file + " --specs " + spec + " --schema " + schema, &out) == 0, out);
    BOOST_TEST(out.find("2 passed, 0 failed") != std::string::npos, out);

    // "30 days" and "1 month" agree as of 2026-05-15 (April has 30 days).
    BOOST_TEST(run_segmint("prove --relation recent last_month --as-of 2026-05-15" + args, &out) == 0, out);
    BOOST_TEST(out.find("recent and last_month are equal") == 0, out);
    // Month arithmetic on `today` is not encoded for every date: unknown, never a guess.
    BOOST_TEST(run_segmint("prove --relation recent last_month --for-every-date" + args, &out) == 0, out);
    BOOST_TEST(out.find("unknown (not encoded: month arithmetic for every as-of date)") != std::string::npos, out);
    BOOST_TEST(run_segmint("prove --for-every-date" + args, &out) == 0, out);
    BOOST_TEST(out.find("for every as-of date and every possible customer: 4 segments") != std::string::npos, out);
    // One date or every date, not both.
    BOOST_TEST(run_segmint("prove --for-every-date --as-of 2026-01-01" + args, &out, &err) == 2);
    BOOST_TEST(err.find("--as-of excludes --for-every-date") != std::string::npos, err);
}

// Number and timestamp bounds are facts of the proofs too (as doubles and as microseconds).
BOOST_AUTO_TEST_CASE(number_and_timestamp_bounds_are_facts) {
    TempDir dir("prove");
    const std::string bounded = dir.write("bounded.yaml",
                                          "table: customers\nkey: id\ncolumns:\n  id: int\n"
                                          "  score: {type: number, min: 0, max: 1}\n"
                                          "  seen: {type: timestamp, min: 2020-01-01T00:00:00Z}\n");
    const std::string loose = dir.write("loose.yaml",
                                        "table: customers\nkey: id\ncolumns:\n  id: int\n  score: number\n"
                                        "  seen: timestamp\n");
    const std::string spec = dir.write("a.seg",
                                       "segment high: score > 1.5\n"
                                       "segment negative: score < -0.0\n"
                                       "segment long_ago: seen < 2019-06-01T00:00:00Z\n"
                                       "segment fine: score >= 0.5 and seen >= 2021-01-01T00:00:00Z\n");
    std::string out;
    BOOST_TEST(run_segmint("prove " + spec + " --schema " + bounded + " --as-of 2026-11-23 --color never", &out) == 1,
               out);
    BOOST_TEST(out.find("4 segments: 3 impossible") != std::string::npos, out);
    BOOST_TEST(out.find("no customer can be in `fine`") == std::string::npos, out);
    BOOST_TEST(run_segmint("prove " + spec + " --schema " + loose + " --as-of 2026-11-23 --color never", &out) == 0,
               out);
    BOOST_TEST(out.find("4 segments: 0 impossible") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
