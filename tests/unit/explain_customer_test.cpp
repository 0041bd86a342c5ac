// `segmint explain SEG --customer KEY`: the rule as a tree with each part's value for one customer. On a small
// hand-made catalog whose answers are known (the deciding operand, NULL columns, a referenced segment expanded, an
// event aggregate with its event counts, text and JSON), bad keys (exit 2), and on random generated customers across
// every segment of specs/, where the tree's value must be the VM's membership.
#include "engine/explain_customer.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "cli/project_options.h"
#include "cli/workspace.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

struct Shop {
    TempDir folder{"segmint_explain"};
    std::string schema = folder.write("schema.yaml", R"(table: customers
key: customer_id
columns:
  customer_id: int
  age: int
  tier: {type: enum, values: [bronze, gold]}
  spend: number
  note: string
events:
  orders:
    key: customer_id
    time: ordered_at
    columns: {customer_id: int, ordered_at: date, amount: number}
)");
    std::string spec = folder.write("shop.seg", R"(segment adults "Adults":
  age >= 18

segment target:
  adults and tier = "gold" and count(orders within last 30 days) >= 2

segment cheap_or_young:
  spend < 20 or age < 16

segment noted:
  note contains "x"

segment twice:
  adults and (adults or age > 50)
)");
    std::string customers = folder.write(
        "customers.csv",
        "customer_id,age,tier,spend,note\n1,30,gold,10.5,\"a\x1b[31mx\n::error::y\"\n2,40,,5,\n3,12,gold,,\n");
    std::string orders = folder.write("orders.csv", R"(customer_id,ordered_at,amount
1,2026-11-20,5
1,2026-11-01,7
1,2025-01-01,3
3,2026-11-22,1
)");
    // The inputs of every run: eval's options, as eval takes them.
    std::string args(const std::string& segment, const std::string& customer) const {
        return "explain " + segment + " --customer " + customer + " " + spec + " --schema " + schema +
               " --as-of 2026-11-23 --data " + customers + " --events orders=" + orders;
    }
};

const Shop& shop() {
    static Shop s;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explain_customer)

// Customer 2: `adults` holds, `tier` is NULL, and no order falls in the window: the `and` is FALSE, and the first
// FALSE operand (the count, after a NULL one) is the one marked.
BOOST_AUTO_TEST_CASE(text_marks_the_deciding_operand_and_shows_what_was_read) {
    std::string out, err;
    BOOST_REQUIRE_EQUAL(run_segmint(shop().args("target", "2"), &out, &err), 0);
    const std::string expected = "segment target  (" + shop().spec + R"()
customer 2 (customer_id)

[FALSE] adults and tier = "gold" and count(orders within last 30 days) >= 2
  [TRUE] adults  (segment, )" + shop().spec +
                                 R"(:1)
    [TRUE] age >= 18
      age = 40
  [NULL] tier = "gold"
    tier = NULL
  [FALSE] count(orders within last 30 days) >= 2  <- decides
    count(orders within last 30 days) = 0  (0 orders events, 0 pass its window and condition)

columns read:
  age = 40
  tier = NULL

event aggregates read:
  count(orders within last 30 days) = 0  (0 orders events, 0 pass its window and condition)

customer 2 is not in target (the rule is FALSE)
)";
    BOOST_CHECK_EQUAL(out, expected);
}

// Customer 1 is in: a TRUE `and` marks nothing; the aggregate saw 3 orders, 2 of them in the window.
BOOST_AUTO_TEST_CASE(json_gives_the_same_tree) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint(shop().args("target", "1") + " --format json", &out), 0);
    const auto json = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(json["command"], "explain");
    BOOST_CHECK_EQUAL(json["segment"], "target");
    BOOST_CHECK_EQUAL(json["customer"], "1");
    BOOST_CHECK_EQUAL(json["key_column"], "customer_id");
    BOOST_CHECK_EQUAL(json["value"], true);
    BOOST_CHECK_EQUAL(json["member"], true);
    const auto& tree = json["tree"];
    BOOST_CHECK_EQUAL(tree["text"], "adults and tier = \"gold\" and count(orders within last 30 days) >= 2");
    BOOST_CHECK_EQUAL(tree["line"], 5);
    BOOST_CHECK_EQUAL(tree["column"], 3);
    BOOST_REQUIRE_EQUAL(tree["children"].size(), 3u);
    for (const auto& child : tree["children"]) BOOST_CHECK(!child.contains("decides"));
    const auto& adults = tree["children"][0];
    BOOST_CHECK_EQUAL(adults["segment"], "adults");
    BOOST_REQUIRE_EQUAL(adults["children"].size(), 1u);
    BOOST_CHECK_EQUAL(adults["children"][0]["text"], "age >= 18");
    BOOST_CHECK_EQUAL(adults["children"][0]["children"][0]["reads"], "age");
    BOOST_CHECK_EQUAL(adults["children"][0]["children"][0]["value"], 30);
    const auto& count = tree["children"][2]["children"][0];
    BOOST_CHECK_EQUAL(count["text"], "count(orders within last 30 days)");
    BOOST_CHECK_EQUAL(count["type"], "int");
    BOOST_CHECK_EQUAL(count["value"], 2);
    BOOST_CHECK_EQUAL(count["events"], 3);
    BOOST_CHECK_EQUAL(count["matched"], 2);
    BOOST_CHECK_EQUAL(json["columns"][1]["name"], "tier");
    BOOST_CHECK_EQUAL(json["columns"][1]["value"], "gold");
    BOOST_CHECK_EQUAL(json["aggregates"][0]["events"], 3);
}

// A NULL column and a NULL rule in JSON; the marked operand of a FALSE `and` is its first FALSE one; a TRUE `or`
// marks its first TRUE operand.
BOOST_AUTO_TEST_CASE(json_marks_deciders_and_keeps_nulls) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint(shop().args("target", "3") + " --format json", &out), 0);
    auto json = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(json["value"], false);
    BOOST_CHECK_EQUAL(json["tree"]["children"][0]["decides"], true);
    BOOST_CHECK(!json["tree"]["children"][1].contains("decides"));

    BOOST_REQUIRE_EQUAL(run_segmint(shop().args("cheap_or_young", "3") + " --format json", &out), 0);
    json = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(json["value"], true);
    BOOST_CHECK_EQUAL(json["tree"]["children"][0]["value"], nullptr);  // spend is NULL, so `spend < 20` is
    BOOST_CHECK_EQUAL(json["tree"]["children"][0]["children"][0]["value"], nullptr);
    BOOST_CHECK(!json["tree"]["children"][0].contains("decides"));
    BOOST_CHECK_EQUAL(json["tree"]["children"][1]["decides"], true);
    BOOST_CHECK(json["aggregates"].empty());
}

BOOST_AUTO_TEST_CASE(a_null_rule_is_not_membership) {
    std::string out;
    // A customer of NULL spend who is not young: `spend < 20 or age < 16` is NULL, and NULL is not membership.
    const std::string customers =
        shop().folder.write("null_spend.csv", "customer_id,age,tier,spend,note\n7,40,gold,,\n");
    BOOST_REQUIRE_EQUAL(
        run_segmint("explain cheap_or_young --customer 7 " + shop().spec + " --schema " + shop().schema +
                        " --as-of 2026-11-23 --data " + customers + " --events orders=" + shop().orders,
                    &out),
        0);
    BOOST_CHECK(out.find("[NULL] spend < 20  <- decides\n") != std::string::npos);
    BOOST_CHECK(out.find("customer 7 is not in cheap_or_young (the rule is NULL)\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_or_malformed_keys_are_usage_errors) {
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint(shop().args("target", "99"), &out, &err), 2);
    BOOST_CHECK_MESSAGE(
        err.find("--customer: no customer has the key \"99\" (key column `customer_id`, 3 customers)") !=
            std::string::npos,
        err);
    BOOST_CHECK_EQUAL(out, "");  // nothing on stdout when there is no answer
    BOOST_CHECK_EQUAL(run_segmint(shop().args("target", "abc"), &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("\"abc\" is not a customer key: the key column `customer_id` holds whole numbers") !=
                            std::string::npos,
                        err);
    BOOST_CHECK_EQUAL(run_segmint(shop().args("target", "abc") + " --format json", &out, &err), 2);
    BOOST_CHECK(nlohmann::json::parse(out).contains("input_errors"));
    // Without data there is no customer to explain; data without --customer is a mistake too.
    BOOST_CHECK_EQUAL(
        run_segmint("explain target --customer 1 " + shop().spec + " --schema " + shop().schema, &out, &err), 2);
    BOOST_CHECK(err.find("no data given") != std::string::npos);
    BOOST_CHECK_EQUAL(
        run_segmint("explain target " + shop().spec + " --schema " + shop().schema + " --data " + shop().customers,
                    &out, &err),
        2);
    BOOST_CHECK(err.find("go with --customer") != std::string::npos);
    // The rule reads orders: without their file the explanation would be wrong, so it is refused.
    BOOST_CHECK_EQUAL(run_segmint("explain target --customer 1 " + shop().spec + " --schema " + shop().schema +
                                      " --as-of 2026-11-23 --data " + shop().customers,
                                  &out, &err),
                      2);
}

// A segment referred to twice has its rule expanded once; a chain 1,000 segments deep (BAD_INPUTS 9) is explained
// all the way down.
BOOST_AUTO_TEST_CASE(references_expand_once_and_deep_chains_work) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint(shop().args("twice", "1"), &out), 0);
    BOOST_CHECK_MESSAGE(
        out.find("  [TRUE] adults  (segment, " + shop().spec + ":1)\n    [TRUE] age >= 18\n") != std::string::npos,
        out);
    BOOST_CHECK(out.find("    [TRUE] adults  (segment: its rule is shown above)  <- decides\n") != std::string::npos);

    std::string chain = "segment c0: age >= 0\n";
    for (int i = 1; i < 1000; ++i) {
        chain += "segment c" + std::to_string(i) + ": c" + std::to_string(i - 1) + " and age >= 0\n";
    }
    const std::string spec = shop().folder.write("chain.seg", chain);
    BOOST_REQUIRE_EQUAL(
        run_segmint("explain c999 --customer 3 " + spec + " --schema " + shop().schema + " --as-of 2026-11-23 --data " +
                        shop().customers + " --events orders=" + shop().orders,
                    &out),
        0);
    BOOST_CHECK(out.find("\n" + std::string(2 * 1998, ' ') + "[TRUE] age >= 0\n") != std::string::npos);  // c0's rule
    BOOST_CHECK(out.find("customer 3 is in c999 (the rule is TRUE)\n") != std::string::npos);
}

// Values from the data reach the terminal escaped: no escape sequence, no line of their own.
BOOST_AUTO_TEST_CASE(data_values_are_escaped) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint(shop().args("noted", "1"), &out), 0);
    BOOST_CHECK(out.find('\x1b') == std::string::npos);
    BOOST_CHECK(out.find("\n::error") == std::string::npos);
    BOOST_CHECK_MESSAGE(out.find("  note = \"a\\u001B[31mx\\n::error::y\"\n") != std::string::npos, out);
}

// A string key is matched as text, exactly.
BOOST_AUTO_TEST_CASE(string_keys_match_as_text) {
    TempDir folder("segmint_explain_string_key");
    const std::string args = " " + folder.write("s.seg", "segment young: age < 18\n") + " --schema " +
                             folder.write("schema.yaml", "table: t\nkey: id\ncolumns:\n  id: string\n  age: int\n") +
                             " --data " + folder.write("t.csv", "id,age\nab,3\n007,40\n");
    std::string out, err;
    BOOST_REQUIRE_EQUAL(run_segmint("explain young --customer 007" + args, &out, &err), 0);
    BOOST_CHECK(out.find("customer 007 is not in young (the rule is FALSE)\n") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("explain young --customer 7" + args, &out, &err), 2);
    BOOST_CHECK(err.find("no customer has the key \"7\" (key column `id`, 2 customers)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_customer_explain_prints_ir_and_bytecode) {
    std::string out;
    BOOST_REQUIRE_EQUAL(
        run_segmint("explain target " + shop().spec + " --schema " + shop().schema + " --as-of 2026-11-23", &out), 0);
    BOOST_CHECK(out.find("IR:\n") != std::string::npos);
    BOOST_CHECK(out.find("Bytecode:\n") != std::string::npos);
    BOOST_CHECK(out.find("<- decides") == std::string::npos);
}

// 200 random generated customers, every segment of specs/ (profile and behaviour rules): the tree's value is TRUE
// exactly when the VM puts the customer in the segment.
BOOST_AUTO_TEST_CASE(tree_value_is_vm_membership_on_random_customers) {
    TempDir folder("segmint_explain_random");
    const std::string data = generate_demo_data(folder.path, 3000, 11);
    cli::CommonOptions options;
    options.paths = {source_dir() + "/specs"};
    options.schema_path = source_dir() + "/specs/schema.yaml";
    options.data_path = folder.file("customers.csv");
    options.events = {"orders=" + folder.file("orders.csv"), "page_views=" + folder.file("page_views.csv")};
    scalar::AsOf as_of;
    BOOST_REQUIRE(engine::parse_as_of("2026-11-23", &as_of));
    cli::Workspace workspace;
    BOOST_REQUIRE_EQUAL(cli::prepare_workspace(options, workspace, as_of), 0);
    BOOST_REQUIRE(!workspace.sink.has_errors());
    auto table = cli::load_data(options, *workspace.schema, 1);
    BOOST_REQUIRE(table);
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    const engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    const auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm);
    const unsigned seed = std::random_device{}();
    BOOST_TEST_MESSAGE("seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<uint64_t> pick(0, table->rows() - 1);
    size_t members = 0, explained = 0;
    BOOST_REQUIRE_GE(catalog.segments.size(), 40u);
    for (int i = 0; i < 200; ++i) {
        const uint64_t row = pick(random);
        for (uint32_t s = 0; s < catalog.segments.size(); ++s) {
            const engine::Explanation e = engine::explain_customer(catalog, compiled, *table, memberships, s, row);
            const bool in = memberships[s].get(row);
            BOOST_REQUIRE_MESSAGE((e.rule.value == ir::Value(true)) == in,
                                  "seed " << seed << ", row " << row << ", segment " << catalog.segments[s].name);
            BOOST_REQUIRE_EQUAL(e.member, in);
            members += in;
            ++explained;
        }
    }
    BOOST_CHECK_EQUAL(explained, 200 * catalog.segments.size());
    BOOST_CHECK_GT(members, 0u);  // some customers are in some segments: the check above saw both answers
    BOOST_CHECK_LT(members, explained);
}

BOOST_AUTO_TEST_SUITE_END()
