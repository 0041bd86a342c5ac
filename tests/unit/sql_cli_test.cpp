// `segmint sql` as users run it: the SQL on stdout with exit 0 (or in a JSON document); exit 1 for errors in the specs,
// a dialect not implemented yet and a construct the dialect does not translate (named, with the dialect), never a
// silent approximation (PRODUCT.md: "1 untranslatable construct"); exit 2 for an unknown dialect, an unknown segment
// and an unknown mode.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "test_support.h"

using namespace segmint::testing;

namespace {

const char* kRules = R"(segment frequent: orders_90d >= 5
segment vip: frequent and total_spend > 1000
segment recent_login: last_login_at within last 12 hours
segment buyers: count(orders within last 90 days) >= 5
segment via_login: recent_login or vip
segment big_spenders: sum(orders.amount) > 1000
segment via_spenders: big_spenders or vip
)";

std::string spec_options(const TempDir& dir) {
    return " --specs " + dir.write("rules.seg", kRules) + " --schema " + source_dir() + "/tests/golden/schema.yaml";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_cli)

BOOST_AUTO_TEST_CASE(counts_members_and_views) {
    TempDir dir("sql");
    std::string out, err;
    BOOST_TEST(run_segmint("sql frequent vip --dialect sqlite --as-of 2026-11-23" + spec_options(dir), &out, &err) ==
               0);
    BOOST_TEST(err.empty(), err);
    BOOST_TEST(out.find("AS \"frequent\",\n") != std::string::npos, out);
    BOOST_TEST(out.find("AS \"m1\"\nFROM \"segmint_layer_1\");") != std::string::npos, out);
    BOOST_TEST(out.find("COALESCE(SUM(\"m1\"), 0) AS \"vip\"") != std::string::npos, out);
    BOOST_TEST(out.find("FROM \"customers\")") != std::string::npos, out);  // one scan, in the layer
    BOOST_TEST(run_segmint("sql vip --dialect sqlite --mode members --table shop.customers --as-of 2026-11-23" +
                               spec_options(dir),
                           &out) == 0);
    BOOST_TEST(out.find("SELECT\n  \"customer_id\",\n  COALESCE(") != std::string::npos, out);
    BOOST_TEST(out.find("FROM \"shop\".\"customers\")") != std::string::npos, out);  // schema `shop`'s table
    BOOST_TEST(run_segmint("sql frequent --dialect sqlite --mode views --as-of 2026-11-23" + spec_options(dir), &out) ==
               0);
    BOOST_TEST(out ==
                   "CREATE VIEW \"segment_frequent\" AS\nSELECT \"customer_id\"\nFROM \"customers\"\nWHERE "
                   "(\"orders_90d\" >= 5);\n",
               out);
}

// --format json: the SQL in a document with the dialect, the mode, the instant and the segments; a refusal is exit 1
// with its message in the document's input errors.
BOOST_AUTO_TEST_CASE(json_output) {
    TempDir dir("sql");
    std::string out, err;
    BOOST_TEST(run_segmint("sql frequent vip --dialect sqlite --as-of 2026-11-23 --format json" + spec_options(dir),
                           &out, &err) == 0);
    const auto json = nlohmann::json::parse(out);
    BOOST_TEST(json["command"] == "sql");
    BOOST_TEST(json["dialect"] == "sqlite");
    BOOST_TEST(json["mode"] == "counts");
    BOOST_TEST(json["as_of"] == "2026-11-23");
    BOOST_TEST((json["segments"] == nlohmann::json::array({"frequent", "vip"})));
    std::string text;
    BOOST_TEST(run_segmint("sql frequent vip --dialect sqlite --as-of 2026-11-23" + spec_options(dir), &text) == 0);
    BOOST_TEST(json["sql"].get<std::string>() == text);
    BOOST_TEST(run_segmint("sql big_spenders --dialect sqlite --format json" + spec_options(dir), &out, &err) == 1);
    const auto refused = nlohmann::json::parse(out);
    BOOST_TEST(refused["input_errors"].size() == 1u);
    BOOST_TEST(refused["input_errors"][0]["message"].get<std::string>().find("uses sums and averages of number "
                                                                             "values") != std::string::npos);
}

// Without --as-of, today is the clock's and the SQL holds it as a literal: a status line says which, to repeat it.
BOOST_AUTO_TEST_CASE(the_clock_is_reported) {
    TempDir dir("sql");
    std::string out, err;
    BOOST_TEST(run_segmint("sql frequent --dialect sqlite" + spec_options(dir), &out, &err) == 0);
    BOOST_TEST(err.find("(repeat with --as-of ") != std::string::npos, err);
    BOOST_TEST(out.find("SELECT") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(bad_input_is_exit_2) {
    TempDir dir("sql");
    std::string out, err;
    BOOST_TEST(run_segmint("sql --dialect oracle" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(err.find("unknown dialect `oracle`; the dialects are postgres, duckdb, sqlite, bigquery, snowflake, "
                        "spark") != std::string::npos,
               err);
    BOOST_TEST(out.empty());
    // Every dialect the command knows is implemented: each writes the counts query of a plain rule.
    for (const char* dialect : {"postgres", "duckdb", "sqlite", "bigquery", "snowflake", "spark"}) {
        BOOST_TEST(run_segmint("sql frequent --as-of 2026-11-23 --dialect " + std::string(dialect) + spec_options(dir),
                               &out, &err) == 0,
                   dialect << ": " << err);
        BOOST_TEST(out.find("SELECT") != std::string::npos, dialect);
    }
    BOOST_TEST(run_segmint("sql frequnt --dialect sqlite" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(err.find("no segment named `frequnt`; did you mean `frequent`?") != std::string::npos, err);
    BOOST_TEST(out.empty());
    BOOST_TEST(run_segmint("sql --dialect sqlite --mode rows" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(run_segmint("sql" + spec_options(dir), &out, &err) == 2);  // --dialect is required
}

// A construct not translated yet fails the whole command with exit 1, naming the construct, the dialect and the
// segment (or the segment it refers to); no SQL is written.
BOOST_AUTO_TEST_CASE(untranslated_constructs_are_refused) {
    TempDir dir("sql");
    std::string out, err;
    BOOST_TEST(run_segmint("sql big_spenders --dialect sqlite" + spec_options(dir), &out, &err) == 1);
    BOOST_TEST(err.find("segment `big_spenders` uses sums and averages of number values, which the sqlite dialect "
                        "cannot translate exactly") != std::string::npos,
               err);
    BOOST_TEST(out.empty(), out);
    BOOST_TEST(run_segmint("sql --dialect sqlite" + spec_options(dir), &out, &err) == 1);
    BOOST_TEST(err.find("segment `via_spenders` refers to `big_spenders`: segment `big_spenders` uses sums and "
                        "averages of number values") != std::string::npos,
               err);
    BOOST_TEST(out.empty(), out);
    // Timestamps and the other aggregates translate, also through a reference.
    BOOST_TEST(run_segmint("sql recent_login buyers via_login --dialect sqlite" + spec_options(dir), &out, &err) == 0,
               err);
    BOOST_TEST(out.find("LEFT JOIN (") != std::string::npos, out);
}

// A dialect that repeats operands (Snowflake has no way to name a value once) would grow a nested rule's SQL
// exponentially: past 1 MiB the rule is refused, at once and in little memory.
BOOST_AUTO_TEST_CASE(sql_past_one_mebibyte_is_refused) {
    TempDir dir("sql");
    std::string rule = "orders_90d";
    for (int i = 0; i < 30; ++i) rule = "(" + rule + " * orders_90d + 1)";
    const std::string options = " --as-of 2026-11-23 --schema " + source_dir() + "/tests/golden/schema.yaml --specs " +
                                dir.write("deep.seg", "segment deep: " + rule + " > 0\n");
    std::string out, err;
    BOOST_TEST(run_segmint("sql --dialect snowflake" + options, &out, &err) == 1);
    BOOST_TEST(
        err.find("segment `deep` uses a rule whose SQL would be over 1 MiB in this dialect") != std::string::npos, err);
    BOOST_TEST(out.empty());
    BOOST_TEST(run_segmint("sql --dialect postgres" + options, &out, &err) == 0, err);  // it names values once
}

// PostgreSQL cuts identifiers at 63 bytes, so two long names could become one column: a name of over 55 bytes (63
// with the view's `segment_`) is refused, naming the limit; 55 bytes is translated.
BOOST_AUTO_TEST_CASE(postgres_refuses_names_it_would_cut) {
    TempDir dir("sql");
    std::string out, err;
    const std::string at_limit(55, 'a'), past_limit(56, 'b');
    const std::string options = " --as-of 2026-11-23 --specs " +
                                dir.write("long.seg", "segment " + at_limit + ": orders_90d >= 5\nsegment " +
                                                          past_limit + ": orders_90d >= 6\n") +
                                " --schema " + source_dir() + "/tests/golden/schema.yaml";
    BOOST_TEST(run_segmint("sql " + at_limit + " --dialect postgres --mode views" + options, &out, &err) == 0, err);
    BOOST_TEST(out.find("\"segment_" + at_limit + "\"") != std::string::npos, out);
    BOOST_TEST(run_segmint("sql --dialect postgres" + options, &out, &err) == 1);
    BOOST_TEST(err.find("segment `" + past_limit + "` uses a name of over 55 bytes") != std::string::npos, err);
    BOOST_TEST(run_segmint("sql --dialect sqlite" + options, &out, &err) == 0, err);  // SQLite keeps names whole
}

// SQLite's names ignore case: `vip` and `VIP` count apart (the counts' inner columns are numbered), but their views
// would be one name, so views of both are refused (exit 1), naming both.
BOOST_AUTO_TEST_CASE(sqlite_names_that_differ_only_in_case) {
    TempDir dir("sql");
    std::string out, err;
    const std::string options = " --as-of 2026-11-23 --specs " +
                                dir.write("case.seg", "segment vip: orders_90d >= 5\nsegment VIP: orders_90d >= 50\n") +
                                " --schema " + source_dir() + "/tests/golden/schema.yaml";
    BOOST_TEST(run_segmint("sql --dialect sqlite" + options, &out, &err) == 0, err);
    BOOST_TEST(out.find("SUM(\"m0\"), 0) AS \"vip\",\n  COALESCE(SUM(\"m1\"), 0) AS \"VIP\"") != std::string::npos,
               out);
    BOOST_TEST(run_segmint("sql --dialect sqlite --mode views" + options, &out, &err) == 1);
    BOOST_TEST(err.find("segment `VIP` uses a view name that differs from the view of `vip` only in case") !=
                   std::string::npos,
               err);
    BOOST_TEST(run_segmint("sql VIP --dialect sqlite --mode views" + options, &out, &err) == 0, err);
}

BOOST_AUTO_TEST_CASE(spec_errors_are_exit_1) {
    TempDir dir("sql");
    std::string out, err;
    const std::string options = " --specs " + dir.write("bad.seg", "segment bad: no_such_column > 1\n") + " --schema " +
                                source_dir() + "/tests/golden/schema.yaml";
    BOOST_TEST(run_segmint("sql --dialect sqlite" + options, &out, &err) == 1);
    BOOST_TEST(out.find("SELECT") == std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
