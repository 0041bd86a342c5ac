// `segmint sql` as users run it: the SQL on stdout with exit 0; exit 1 for errors in the specs; exit 2 for an unknown
// dialect, one not implemented yet, an unknown segment, an unknown mode, and a construct the dialect does not
// translate (named, with the dialect), never a silent approximation.
#include <boost/test/unit_test.hpp>

#include "test_support.h"

using namespace segmint::testing;

namespace {

const char* kRules = R"(segment frequent: orders_90d >= 5
segment vip: frequent and total_spend > 1000
segment recent_login: last_login_at within last 12 hours
segment buyers: count(orders within last 90 days) >= 5
segment via_login: recent_login or vip
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
    BOOST_TEST(out.find("AS \"vip\"\nFROM \"segmint_layer_1\");") != std::string::npos, out);
    BOOST_TEST(out.find("FROM \"customers\")") != std::string::npos, out);  // one scan, in the layer
    BOOST_TEST(run_segmint("sql vip --dialect sqlite --mode members --table shop.customers --as-of 2026-11-23" +
                               spec_options(dir),
                           &out) == 0);
    BOOST_TEST(out.find("SELECT\n  \"customer_id\",\n  COALESCE(") != std::string::npos, out);
    BOOST_TEST(out.find("FROM \"shop.customers\")") != std::string::npos, out);
    BOOST_TEST(run_segmint("sql frequent --dialect sqlite --mode views --as-of 2026-11-23" + spec_options(dir), &out) ==
               0);
    BOOST_TEST(out ==
                   "CREATE VIEW \"segment_frequent\" AS\nSELECT \"customer_id\"\nFROM \"customers\"\nWHERE "
                   "(\"orders_90d\" >= 5);\n",
               out);
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
    BOOST_TEST(run_segmint("sql --dialect postgres" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(err.find("the postgres dialect is not implemented yet; implemented: sqlite") != std::string::npos, err);
    BOOST_TEST(run_segmint("sql frequnt --dialect sqlite" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(err.find("no segment named `frequnt`; did you mean `frequent`?") != std::string::npos, err);
    BOOST_TEST(out.empty());
    BOOST_TEST(run_segmint("sql --dialect sqlite --mode rows" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(run_segmint("sql" + spec_options(dir), &out, &err) == 2);  // --dialect is required
}

// A construct not translated yet fails the whole command with exit 2, naming the construct, the dialect and the
// segment (or the segment it refers to); no SQL is written.
BOOST_AUTO_TEST_CASE(untranslated_constructs_are_refused) {
    TempDir dir("sql");
    std::string out, err;
    BOOST_TEST(run_segmint("sql recent_login --dialect sqlite" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(err.find("segment `recent_login` uses timestamps, which the sqlite dialect does not translate yet") !=
                   std::string::npos,
               err);
    BOOST_TEST(out.empty(), out);
    BOOST_TEST(run_segmint("sql --dialect sqlite" + spec_options(dir), &out, &err) == 2);
    BOOST_TEST(err.find("segment `buyers` uses event aggregates, which the sqlite dialect does not translate yet") !=
                   std::string::npos,
               err);
    BOOST_TEST(err.find("segment `via_login` refers to `recent_login`: segment `recent_login` uses timestamps") !=
                   std::string::npos,
               err);
    BOOST_TEST(out.empty(), out);
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
