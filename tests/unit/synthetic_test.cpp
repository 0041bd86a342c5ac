// The synthetic customer generator (src/data/synthetic): determinism, the schema it promises (specs/schema.yaml), and
// realistic shapes checked by loading its output back with the CSV loader.
#include "generate/synthetic.h"

#include <stdlib.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "common/atomic_file.h"
#include "common/calendar.h"
#include "common/diagnostic.h"
#include "common/source.h"
#include "data/csv_loader.h"
#include "test_support.h"

#ifndef SEGMINT_SOURCE_DIR
#define SEGMINT_SOURCE_DIR "."
#endif

namespace {

using segmint::data::Table;
using segmint::schema::ColumnType;

std::string generate(uint64_t rows, uint64_t seed) {
    std::string out;
    bool ok = segmint::generate::write_synthetic_csv(
        [&](std::string_view bytes) {
            out.append(bytes);
            return true;
        },
        rows, seed);
    BOOST_REQUIRE(ok);
    return out;
}

Table load(const std::string& text) {
    segmint::data::CsvError error;
    auto table = segmint::data::load_csv_text(text, "synthetic.csv", segmint::generate::synthetic_schema(), &error);
    BOOST_REQUIRE_MESSAGE(table, error.to_string());
    return std::move(*table);
}

double null_ratio(const Table& table, const char* column) {
    const auto* found = table.find(column);
    BOOST_REQUIRE(found != nullptr);
    return 1.0 - static_cast<double>(found->validity.count()) / static_cast<double>(table.rows());
}

double true_ratio(const Table& table, const char* column) {
    const auto* found = table.find(column);
    return static_cast<double>(found->bools.count()) / static_cast<double>(table.rows());
}

// Share of rows with each enum value.
std::vector<double> enum_shares(const Table& table, const char* column) {
    const auto* found = table.find(column);
    std::vector<double> shares(found->dictionary.size(), 0.0);
    for (uint64_t row = 0; row < table.rows(); ++row) shares[static_cast<size_t>(found->code_at(row))] += 1.0;
    for (auto& share : shares) share /= static_cast<double>(table.rows());
    return shares;
}

// specs/schema.yaml, through the real schema loader.
segmint::schema::Schema spec_schema() {
    const std::string path = std::string(SEGMINT_SOURCE_DIR) + "/specs/schema.yaml";
    std::ifstream in(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    segmint::DiagnosticSink sink;
    auto schema = segmint::schema::load_schema(std::make_shared<segmint::Source>(path, text.str()), sink);
    BOOST_REQUIRE_MESSAGE(schema, "specs/schema.yaml does not load");
    return *schema;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(synthetic)

BOOST_AUTO_TEST_CASE(same_seed_same_bytes) {
    const std::string first = generate(3000, 42);
    BOOST_TEST(first == generate(3000, 42));
    BOOST_TEST(first != generate(3000, 43));
    BOOST_TEST(generate(3000, 0) != generate(3000, 1));
    // Row k depends only on the seed and k: a shorter file is a prefix of a longer one.
    const std::string shorter = generate(100, 42);
    BOOST_TEST(first.compare(0, shorter.size(), shorter) == 0);
    // The FILE* and ostream writers produce the same bytes.
    std::ostringstream stream;
    BOOST_TEST(segmint::generate::write_synthetic_csv(stream, 3000, 42));
    BOOST_TEST(stream.str() == first);
    char* buffer = nullptr;
    size_t size = 0;
    std::FILE* memory = ::open_memstream(&buffer, &size);
    BOOST_REQUIRE(memory != nullptr);
    BOOST_TEST(segmint::generate::write_synthetic_csv(memory, 3000, 42));
    std::fclose(memory);
    BOOST_TEST(std::string(buffer, size) == first);
    std::free(buffer);
}

BOOST_AUTO_TEST_CASE(golden_first_rows) {
    // Pins the exact output (integer-only arithmetic makes it the same on every platform), so any change to the
    // generator is a visible, deliberate diff.
    BOOST_TEST(generate(3, 7) ==
               "customer_id,email,first_name,age,gender,country,city,signup_date,last_order_date,last_login_at,"
               "orders_90d,lifetime_orders,total_spend,avg_order_value,returns_90d,loyalty_points,email_opt_in,"
               "sms_opt_in,push_opt_in,tier,acquisition_channel,preferred_category,tags,churn_score\n"
               "1,emma.perez1@example.net,Emma,17,female,Spain,Vinemouth,2026-04-10,2026-11-14,2026-11-20T08:34:17Z,15,"
               "27,1319.50,48.87,0,1362,true,false,true,bronze,organic,running,newsletter,0.175\n"
               "2,ingrid.moore2@example.net,Ingrid,19,female,Germany,Berlin,2025-08-08,2026-04-01,2026-11-22T08:41:12Z,"
               "0,1,58.90,58.90,0,94,true,true,false,bronze,referral,fitness,newsletter|loyalty,0.702\n"
               "3,emily.wright3@example.org,Emily,23,female,Japan,Norwick,2022-06-20,2026-10-14,2026-10-24T03:15:06Z,1,"
               "15,639.01,42.60,0,647,true,false,true,bronze,referral,apparel,\"\",0.248\n");
}

BOOST_AUTO_TEST_CASE(schema_matches_specs_schema_yaml) {
    const auto generated = segmint::generate::synthetic_schema();
    const auto spec = spec_schema();
    BOOST_TEST(spec.columns.size() == 24u);
    BOOST_REQUIRE(generated.columns.size() == spec.columns.size());
    for (size_t i = 0; i < spec.columns.size(); ++i) {
        const auto& column = spec.columns[i];
        BOOST_TEST(generated.columns[i].name == column.name);
        BOOST_TEST((generated.columns[i].type == column.type), "column " << column.name);
        BOOST_TEST(generated.columns[i].enum_values == column.enum_values, "column " << column.name);
        BOOST_TEST(generated.columns[i].index == i);
    }
    BOOST_TEST(generated.key == spec.key);
    BOOST_TEST(generated.table == spec.table);
}

BOOST_AUTO_TEST_CASE(zero_rows_is_a_header) {
    const Table table = load(generate(0, 1));
    BOOST_TEST(table.rows() == 0u);
}

BOOST_AUTO_TEST_CASE(a_failing_sink_stops_the_writer) {
    int calls = 0;
    bool ok = segmint::generate::write_synthetic_csv(
        [&](std::string_view) {
            ++calls;
            return false;
        },
        100000, 1);
    BOOST_TEST(!ok);
    BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(quotes_fields_that_need_it) {
    const std::string text = generate(20000, 5);
    BOOST_TEST(text.find(",\"Washington, D.C.\",") != std::string::npos);
    BOOST_TEST(text.find(",\"Robert \"\"Bobby\"\"\",") != std::string::npos);
    BOOST_TEST(text.find(",D'Angelo,") != std::string::npos);
    BOOST_TEST(text.find(",Zoë,") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(loads_back_with_realistic_shapes) {
    const uint64_t rows = 40000;
    const Table table = load(generate(rows, 2026));
    BOOST_REQUIRE(table.rows() == rows);

    // NULL ratios as documented.
    BOOST_TEST(null_ratio(table, "age") > 0.012);
    BOOST_TEST(null_ratio(table, "age") < 0.03);
    BOOST_TEST(null_ratio(table, "last_order_date") > 0.07);
    BOOST_TEST(null_ratio(table, "last_order_date") < 0.13);
    BOOST_TEST(null_ratio(table, "last_login_at") > 0.03);
    BOOST_TEST(null_ratio(table, "last_login_at") < 0.10);
    BOOST_TEST(null_ratio(table, "avg_order_value") == null_ratio(table, "last_order_date"));
    BOOST_TEST(null_ratio(table, "customer_id") == 0.0);
    BOOST_TEST(null_ratio(table, "tags") == 0.0);
    BOOST_TEST(null_ratio(table, "email") == 0.0);

    BOOST_TEST(true_ratio(table, "email_opt_in") > 0.57);
    BOOST_TEST(true_ratio(table, "email_opt_in") < 0.63);
    BOOST_TEST(true_ratio(table, "sms_opt_in") > 0.27);
    BOOST_TEST(true_ratio(table, "sms_opt_in") < 0.33);
    BOOST_TEST(true_ratio(table, "push_opt_in") > 0.37);
    BOOST_TEST(true_ratio(table, "push_opt_in") < 0.43);

    const auto tiers = enum_shares(table, "tier");
    const double expected_tiers[] = {0.55, 0.28, 0.13, 0.04};
    for (size_t i = 0; i < 4; ++i) BOOST_TEST(std::abs(tiers[i] - expected_tiers[i]) < 0.02, "tier " << i);
    const auto genders = enum_shares(table, "gender");
    BOOST_TEST(std::abs(genders[0] - 0.49) < 0.02);
    BOOST_TEST(std::abs(genders[2] - 0.03) < 0.01);

    // Per-row consistency.
    const auto& id = *table.find("customer_id");
    const auto& age = *table.find("age");
    const auto& signup = *table.find("signup_date");
    const auto& last_order = *table.find("last_order_date");
    const auto& last_login = *table.find("last_login_at");
    const auto& orders = *table.find("orders_90d");
    const auto& lifetime = *table.find("lifetime_orders");
    const auto& returns = *table.find("returns_90d");
    const auto& spend = *table.find("total_spend");
    const auto& churn = *table.find("churn_score");
    const auto& tags = *table.find("tags");
    const auto& tier = *table.find("tier");
    const int32_t as_of = *segmint::calendar::parse_date(segmint::generate::kSyntheticAsOf);
    const int32_t first_signup = *segmint::calendar::parse_date("2018-01-01");
    const int32_t last_signup = *segmint::calendar::parse_date("2026-11-01");
    int64_t max_orders = 0;
    uint64_t zero_orders = 0;
    double spend_by_tier[4] = {};
    uint64_t count_by_tier[4] = {};
    for (uint64_t row = 0; row < rows; ++row) {
        BOOST_REQUIRE(id.int_at(row) == static_cast<int64_t>(row + 1));
        if (!age.is_null(row)) BOOST_REQUIRE((age.int_at(row) >= 16 && age.int_at(row) <= 90));
        BOOST_REQUIRE((signup.i32[row] >= first_signup && signup.i32[row] <= last_signup));
        if (!last_order.is_null(row)) {
            BOOST_REQUIRE(last_order.i32[row] >= signup.i32[row]);
            BOOST_REQUIRE(last_order.i32[row] < as_of);
            BOOST_REQUIRE(lifetime.int_at(row) >= 1);
            // orders in the last 90 days exactly when the last order is that recent
            BOOST_REQUIRE((orders.int_at(row) > 0) == (last_order.i32[row] >= as_of - 90));
        } else {
            BOOST_REQUIRE(lifetime.int_at(row) == 0);
        }
        if (!last_login.is_null(row)) {
            BOOST_REQUIRE(last_login.i64[row] < static_cast<int64_t>(as_of) * segmint::calendar::kMicrosPerDay);
            BOOST_REQUIRE(segmint::calendar::date_of_timestamp(last_login.i64[row]) >= signup.i32[row]);
        }
        BOOST_REQUIRE(lifetime.int_at(row) >= orders.int_at(row));
        BOOST_REQUIRE((returns.int_at(row) >= 0 && returns.int_at(row) <= orders.int_at(row)));
        BOOST_REQUIRE((orders.int_at(row) >= 0 && orders.int_at(row) <= 40));
        BOOST_REQUIRE((churn.f64[row] >= 0.0 && churn.f64[row] <= 1.0));
        BOOST_REQUIRE(tags.list_end(row) - tags.list_begin(row) <= 4u);
        max_orders = std::max(max_orders, orders.int_at(row));
        zero_orders += orders.int_at(row) == 0 ? 1 : 0;
        spend_by_tier[tier.code_at(row)] += spend.f64[row];
        ++count_by_tier[tier.code_at(row)];
    }
    // Skewed orders: many zeros, a long tail.
    BOOST_TEST(static_cast<double>(zero_orders) / rows > 0.3);
    BOOST_TEST(max_orders >= 20);
    // Spend grows with the tier.
    for (int t = 1; t < 4; ++t) {
        BOOST_TEST(spend_by_tier[t] / count_by_tier[t] > spend_by_tier[t - 1] / count_by_tier[t - 1], "tier " << t);
    }

    // Vocabulary sizes and skew.
    const auto& country = *table.find("country");
    BOOST_TEST(country.dictionary.size() == 50u);
    size_t starting_with_u = 0;
    for (const auto& name : country.dictionary.values) starting_with_u += name[0] == 'U' ? 1 : 0;
    BOOST_TEST(starting_with_u >= 5u);
    BOOST_TEST(table.find("city")->dictionary.size() > 1000u);
    BOOST_TEST(table.find("city")->dictionary.size() <= 2000u);
    BOOST_TEST(table.find("preferred_category")->dictionary.size() == 12u);
    BOOST_TEST(tags.dictionary.size() == 15u);
    BOOST_TEST(table.find("email")->dictionary.size() == rows);  // emails are unique
    std::map<int32_t, uint64_t> by_country;
    for (uint64_t row = 0; row < rows; ++row) ++by_country[country.code_at(row)];
    uint64_t largest = 0;
    for (const auto& [code, count] : by_country) largest = std::max(largest, count);
    BOOST_TEST(largest > rows / 5);  // the biggest market dominates
}

BOOST_AUTO_TEST_CASE(written_atomically_and_loaded_from_a_file) {
    const segmint::testing::TempDir dir("segmint_synthetic");
    const std::string path = dir.file("customers.csv");
    std::string error;
    BOOST_TEST(segmint::write_file_atomically(
                   path, [](std::FILE* file) { return segmint::generate::write_synthetic_csv(file, 5000, 9); }, &error),
               error);
    segmint::data::CsvError csv_error;
    auto table = segmint::data::load_csv(path, segmint::generate::synthetic_schema(), &csv_error);
    BOOST_TEST(table.has_value(), csv_error.to_string());
    if (table) BOOST_TEST(table->rows() == 5000u);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    BOOST_TEST(bytes.str() == generate(5000, 9));
}

BOOST_AUTO_TEST_SUITE_END()
