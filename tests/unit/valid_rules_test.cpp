// Valid rules never end in an internal error, whatever the as-of date, and at every documented limit: each case runs
// `segmint eval` end to end with the VM (optimized and not) and the reference evaluator, and checks the counts
// (suite valid_rules).
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

using namespace segmint::testing;

namespace {

const char* kSchema = R"(table: customers
key: customer_id
columns:
  customer_id: int
  s: string
  b: bool
  i: int
  tags: list<string>
  tags2: list<string>
)";

// Four customers: every column set, lists NULL in turn, everything NULL.
const char* kData =
    "customer_id,s,b,i,tags,tags2\n"
    "1,red,true,1,a|b,x\n"
    "2,blue,false,2,,x|y\n"
    "3,red,,3,x,\n"
    "4,,,,,\n";

struct Run {
    const char* name;
    std::string arguments;
};
const Run kRuns[] = {{"vm", ""}, {"vm, rules as written", " --no-optimize"}, {"reference", " --engine reference"}};

// Runs eval on `rules` with each engine: the counts of the segments, in order, must be `expected`.
void expect_counts(const std::string& rules, const std::vector<int64_t>& expected, const std::string& as_of,
                   const std::string& label) {
    TempDir dir("valid_rules");
    const std::string arguments = dir.write("rules.seg", rules) + " --schema " + dir.write("schema.yaml", kSchema) +
                                  " --data " + dir.write("data.csv", kData) + " --as-of " + as_of + " --format json";
    for (const Run& run : kRuns) {
        std::string out, err;
        const int status = run_segmint("eval " + arguments + run.arguments, &out, &err);
        BOOST_TEST_REQUIRE(status == 0, label << ", " << run.name << ": exit " << status << "\n" << err << out);
        const auto json = nlohmann::json::parse(out);
        std::vector<int64_t> counts;
        for (const auto& segment : json.at("segments")) counts.push_back(segment.at("count").get<int64_t>());
        BOOST_TEST(counts == expected, label << ", " << run.name);
    }
}

std::string items(const std::string& prefix, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += (i > 0 ? ", \"" : "\"") + prefix + std::to_string(i) + "\"";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(valid_rules)

// A condition several rules share that folds to a constant inside a dictionary lookup: the lookup was bound with a
// shared slot it cannot read, on some as-of dates only.
BOOST_AUTO_TEST_CASE(a_constant_condition_shared_with_a_lookup_on_every_as_of_date) {
    const std::string rules =
        "segment x1: not (b and false)\n"
        "segment x2: s = \"red\" or not (b and false)\n"
        "segment m1: not (b and month(today) = 12)\n"
        "segment m2: s = \"red\" or not (b and month(today) = 12)\n";
    // In November `month(today) = 12` is FALSE, so m1 and m2 hold for all four; in December they are `not b`.
    expect_counts(rules, {4, 4, 4, 4}, "2026-11-23", "November");
    expect_counts(rules, {4, 4, 1, 3}, "2026-12-05", "December");
}

// A set test whose subject holds set tests of its own: each instruction must name its own set.
BOOST_AUTO_TEST_CASE(nested_set_tests) {
    expect_counts("segment n1: (i in (1, 2)) in (true)\n"                  // rows 1, 2
                  "segment n2: (s in (\"red\")) in (false, null)\n"        // row 2
                  "segment n3: ((i in (3)) in (true)) in (true, false)\n"  // rows 1-3
                  "segment n4: (s matches \"^r\") in (true) and (s matches \"d$\")\n",  // rows 1, 3
                  {2, 1, 3, 2}, "2026-11-23", "nested sets");
}

BOOST_AUTO_TEST_CASE(coalesce_of_lists) {
    expect_counts("segment c1: coalesce(tags, tags2) contains \"x\"\n"       // rows 2 (tags NULL -> x|y) and 3
                  "segment c2: coalesce(tags, tags2) contains \"y\"\n"       // row 2
                  "segment c3: length(coalesce(tags2, tags)) = 1\n"          // rows 1 and 3
                  "segment c4: coalesce(tags, null) contains any (\"a\", \"x\")\n"  // rows 1 and 3
                  "segment c5: coalesce(null, tags2, tags) is null\n",     // row 4
                  {2, 1, 2, 2, 1}, "2026-11-23", "coalesce");
}

// docs/limits.md: lists hold 100,000 items, and and/or chains may be of any length.
BOOST_AUTO_TEST_CASE(lists_and_chains_at_the_documented_limits) {
    std::string rules = "segment any_list: tags contains any (" + items("v", 99999) + ", \"x\")\n";
    rules += "segment all_list: tags contains all (" + items("v", 99999) + ", \"x\")\n";
    rules += "segment any_text: s contains any (" + items("v", 99999) + ", \"lu\")\n";
    rules += "segment in_list: s in (" + items("v", 99999) + ", \"blue\")\n";
    std::string chain = "segment or_chain: s = \"w0\"";
    for (int i = 1; i < 100000; ++i) chain += " or s = \"w" + std::to_string(i) + "\"";
    rules += chain + " or s = \"blue\"\n";
    // Text registers are reused once nothing views them: lower() results viewed by coalesce() results.
    std::string lowered = "segment lower_chain: lower(s) = \"w0\"";
    for (int i = 1; i < 3000; ++i) lowered += " or coalesce(lower(s), \"\") = \"w" + std::to_string(i) + "\"";
    rules += lowered + " or upper(s) = \"RED\"\n";
    expect_counts(rules, {1, 0, 1, 1, 1, 2}, "2026-11-23", "limits");
}

BOOST_AUTO_TEST_SUITE_END()
