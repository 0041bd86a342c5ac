// The meaning of every operator family, as boundary tables (SQLite's expr.test style): each case is a condition, the
// row it runs on, and whether it is TRUE, FALSE or NULL. Every case runs through the VM with the optimizer (constants
// folded), the VM on the rule as written (so a case of constants alone, `7 % -3 = 1`, reaches a VM kernel instead of
// the folding, which the reference evaluator computes), and the reference evaluator.
#include <boost/test/unit_test.hpp>

#include "engine/engine.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

// One customer with known values (see each column below); NULLs where the name says so.
data::Table one_customer() {
    data::Table table(test_schema());
    for (size_t c = 0; c < test_schema().columns.size(); ++c) {
        const auto& column = test_schema().columns[c];
        data::Column& out = table.mutable_column(c);
        const std::string& n = column.name;
        if (n == "customer_id") out.append_int(7);
        else if (n == "age") out.append_null();
        else if (n == "orders_90d") out.append_int(INT64_MAX);
        else if (n == "lifetime_orders") out.append_int(INT64_MIN);
        else if (n == "returns_90d") out.append_int(0);
        else if (n == "loyalty_points") out.append_int(-7);
        else if (n == "total_spend") out.append_number(2.5);
        else if (n == "avg_order_value") out.append_null();
        else if (n == "churn_score") out.append_number(-0.5);
        else if (n == "email") out.append_string("Anna.B@Example.com");
        else if (n == "first_name") out.append_string("\xC3\x9C" "la");  // Üla
        else if (n == "country") out.append_string("");
        else if (n == "city") out.append_null();
        else if (n == "preferred_category") out.append_string("outdoor");
        else if (n == "signup_date") out.append_date(*calendar::parse_date("2024-03-31"));
        else if (n == "last_order_date") out.append_null();
        else if (n == "last_login_at") out.append_timestamp(*calendar::parse_timestamp("2026-11-23T08:00:00Z"));
        else if (n == "email_opt_in") out.append_bool(true);
        else if (n == "sms_opt_in") out.append_bool(false);
        else if (n == "push_opt_in") out.append_null();
        else if (n == "gender") out.append_null();
        else if (n == "tier") out.append_enum(2);  // gold
        else if (n == "acquisition_channel") out.append_enum(0);
        else if (n == "tags") out.append_list({"vip", "new"});
        else out.append_null();
    }
    table.finish_rows();
    return table;
}

struct Case {
    const char* condition;
    char expected;  // 'T', 'F' or 'N'
};

void check_cases(const std::vector<Case>& cases) {
    static const data::Table table = one_customer();
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    std::string text;
    for (size_t i = 0; i < cases.size(); ++i) {
        text += "segment c" + std::to_string(i) + ": " + cases[i].condition + "\n";
        text += "segment n" + std::to_string(i) + ": not (" + cases[i].condition + ")\n";
    }
    Checked checked = check_text(text);
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0, checked.text());
    auto compiled = engine::compile(checked.catalog, as_of);
    engine::CompileOptions as_written;
    as_written.optimizer.enabled = false;
    auto unfolded = engine::compile(checked.catalog, as_of, as_written);
    struct Run {
        const char* name;
        std::vector<data::Bitmap> result;
    };
    const Run runs[] = {{"vm", engine::evaluate(compiled, table, engine::Evaluator::Vm)},
                        {"vm without folding", engine::evaluate(unfolded, table, engine::Evaluator::Vm)},
                        {"reference", engine::evaluate(compiled, table, engine::Evaluator::Reference)}};
    for (const Run& run : runs) {
        for (size_t i = 0; i < cases.size(); ++i) {
            bool is_true = run.result[2 * i].get(0);
            bool is_false = run.result[2 * i + 1].get(0);
            char actual = is_true ? 'T' : is_false ? 'F' : 'N';
            BOOST_CHECK_MESSAGE(actual == cases[i].expected, run.name << ": `" << cases[i].condition << "` is "
                                                                      << actual << ", expected " << cases[i].expected);
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(semantics)

BOOST_AUTO_TEST_CASE(three_valued_logic) {
    check_cases({
        {"true and true", 'T'}, {"true and false", 'F'}, {"true and null", 'N'},
        {"false and null", 'F'}, {"null and false", 'F'}, {"null and null", 'N'},
        {"true or null", 'T'}, {"null or true", 'T'}, {"false or null", 'N'}, {"false or false", 'F'},
        {"null or null", 'N'}, {"not null", 'N'}, {"not true", 'F'}, {"not false", 'T'},
        {"push_opt_in", 'N'}, {"push_opt_in or email_opt_in", 'T'}, {"push_opt_in and sms_opt_in", 'F'},
        {"age > 1 or age <= 1", 'N'}, {"age is null", 'T'}, {"age is not null", 'F'},
        {"(age > 1) is null", 'T'},
    });
}

BOOST_AUTO_TEST_CASE(integer_arithmetic_and_boundaries) {
    check_cases({
        {"orders_90d = 9223372036854775807", 'T'},
        {"(orders_90d + 1) is null", 'T'},                // overflow is NULL
        {"(orders_90d - -1) is null", 'T'},
        {"(lifetime_orders - 1) is null", 'T'},
        {"(lifetime_orders * -1) is null", 'T'},
        {"(-lifetime_orders) is null", 'T'},
        {"abs(lifetime_orders) is null", 'T'},
        {"lifetime_orders / -1 > 0", 'T'},                // `/` is number division: no overflow
        {"lifetime_orders % -1 = 0", 'T'},                // INT64_MIN % -1 is 0, never a trap
        {"(7 % 0) is null", 'T'}, {"(7 / 0) is null", 'T'}, {"(7 / returns_90d) is null", 'T'},
        {"loyalty_points % 3 = -1", 'T'},                 // sign of the dividend
        {"7 % -3 = 1", 'T'},
        {"7 / 2 = 3.5", 'T'},
        {"orders_90d - 1 = 9223372036854775806", 'T'},
        {"-9223372036854775808 = lifetime_orders", 'T'},
        {"age + 1 > 0", 'N'},
        {"(orders_90d * 2) is null and orders_90d > 0", 'T'},
    });
}

BOOST_AUTO_TEST_CASE(number_arithmetic) {
    check_cases({
        {"total_spend * 2 = 5", 'T'}, {"total_spend / 0 is null", 'T'}, {"(total_spend % 0) is null", 'T'},
        {"total_spend % 1 = 0.5", 'T'}, {"(1e300 * 1e300) is null", 'T'},     // a non-finite result is NULL
        {"churn_score < 0", 'T'}, {"-churn_score = 0.5", 'T'}, {"avg_order_value + 1 > 0", 'N'},
        {"orders_90d > total_spend", 'T'}, {"1 = 1.0", 'T'}, {"round(2.5) = 3", 'T'}, {"round(-2.5) = -3", 'T'},
        {"round(1234.5678, 2) = 1234.57", 'T'}, {"round(1250, -2) = 1300", 'T'}, {"round(0.5, 20) = 0.5", 'T'},
        {"abs(churn_score) = 0.5", 'T'}, {"round(avg_order_value) is null", 'T'},
    });
}

// round() works on the digits Segmint prints for a number, half away from zero, for any value and any `digits`.
BOOST_AUTO_TEST_CASE(round_on_decimal_digits) {
    check_cases({
        {"round(0.15, 1) = 0.2", 'T'}, {"round(2.675, 2) = 2.68", 'T'}, {"round(-0.15, 1) = -0.2", 'T'},
        {"round(1.005, 2) = 1.01", 'T'}, {"round(0.5) = 1", 'T'}, {"round(-0.5) = -1", 'T'}, {"round(0.49999999999999994) = 0", 'T'},
        {"round(9007199254740991, 1) = 9007199254740991", 'T'}, {"round(9007199254740993.0) = 9007199254740992", 'T'},
        {"round(1e300, 10) = 1e300", 'T'}, {"round(1.5e300, -300) = 2e300", 'T'}, {"round(4e15, -16) = 0", 'T'},
        {"round(5e15, -16) = 1e16", 'T'}, {"round(123.456, 400) = 123.456", 'T'}, {"round(123.456, -9223372036854775808) = 0", 'T'},
        {"round(123.456, 9223372036854775807) = 123.456", 'T'}, {"round(1.7976931348623157e308, -308) is null", 'T'},
        {"round(5e-324, 323) = 1e-323", 'T'}, {"round(5e-324, 324) = 5e-324", 'T'}, {"round(0.000123456, 5) = 0.00012", 'T'},
        {"round(99.95, 1) = 100", 'T'}, {"round(-99.95, 1) = -100", 'T'}, {"round(total_spend) = 3", 'T'},
        {"round(churn_score) = -1", 'T'}, {"round(total_spend * 1000000, -6) = 3000000", 'T'},
    });
}

BOOST_AUTO_TEST_CASE(comparisons_and_sets) {
    check_cases({
        {"customer_id between 7 and 7", 'T'}, {"customer_id not between 1 and 6", 'T'},
        {"customer_id between 8 and 1", 'F'}, {"age between 1 and 100", 'N'},
        {"customer_id in (1, 7)", 'T'}, {"customer_id in (1, 2)", 'F'}, {"customer_id in (1, null)", 'N'},
        {"customer_id in (7, null)", 'T'}, {"customer_id not in (1, null)", 'N'}, {"age in (1, 2)", 'N'},
        {"customer_id in (7.0, 2.5)", 'T'}, {"tier in (\"gold\", \"silver\")", 'T'}, {"tier = \"gold\"", 'T'},
        {"tier != \"gold\"", 'F'}, {"gender = \"other\"", 'N'}, {"country = \"\"", 'T'}, {"country < \"a\"", 'T'},
        {"email > \"Anna\"", 'T'}, {"city = \"Berlin\"", 'N'}, {"email_opt_in = true", 'T'},
        {"email_opt_in != sms_opt_in", 'T'}, {"email_opt_in in (false)", 'F'},
        // Each item compares with the subject as `=` would: int items stay exact beside decimal ones.
        {"orders_90d in (9223372036854775806, 0.5)", 'F'}, {"orders_90d = 9223372036854775806 or orders_90d = 0.5", 'F'},
        {"orders_90d in (9223372036854775807, 0.5)", 'T'}, {"orders_90d in (1, 2.5, null)", 'N'},
        {"orders_90d not in (9223372036854775806, 0.5)", 'T'}, {"customer_id in (7, 7.0, 7.5)", 'T'},
        {"total_spend in (2, 2.5)", 'T'}, {"total_spend in (2, 3)", 'F'}, {"customer_id in (returns_90d, 7)", 'T'},
        {"customer_id in (churn_score, 7.0)", 'T'}, {"customer_id in (null)", 'N'},
        {"signup_date in (2024-03-31T00:00:01Z, 2024-03-31)", 'T'}, {"signup_date in (2024-03-31T00:00:01Z)", 'F'},
    });
}

BOOST_AUTO_TEST_CASE(text_and_lists) {
    check_cases({
        {"email contains \"@Example\"", 'T'}, {"email contains \"@example\"", 'F'},
        {"lower(email) contains \"@example\"", 'T'}, {"email starts with \"Anna\"", 'T'},
        {"email ends with \".com\"", 'T'}, {"email not ends with \".com\"", 'F'}, {"email contains \"\"", 'T'},
        {"country starts with \"\"", 'T'}, {"city contains \"a\"", 'N'},
        {"email matches \"^[A-Z][a-z]+\\\\.\"", 'T'}, {"email matches \"^anna\"", 'F'},
        {"email matches \"(?i)^anna\"", 'T'}, {"city matches \"x\"", 'N'},
        {"length(first_name) = 3", 'T'},                   // code points, not bytes
        {"upper(first_name) = \"\\u00dcLA\"", 'T'},          // ASCII letters only: Ü stays Ü
        {"lower(tier) = \"gold\"", 'T'}, {"length(tags) = 2", 'T'}, {"length(city) is null", 'T'},
        {"tags contains \"vip\"", 'T'}, {"tags contains \"VIP\"", 'F'}, {"tags not contains \"old\"", 'T'},
        {"tags contains any (\"x\", \"new\")", 'T'}, {"tags contains all (\"new\", \"vip\")", 'T'},
        {"tags contains all (\"new\", \"x\")", 'F'}, {"tags contains any (\"x\", null)", 'N'},
        {"email contains any (\"zz\", \"Anna\")", 'T'}, {"tags contains city", 'N'},
        {"coalesce(city, country, \"z\") = \"\"", 'T'}, {"coalesce(city, gender) is null", 'T'},
    });
}

BOOST_AUTO_TEST_CASE(dates_and_times) {
    check_cases({
        {"signup_date - 1 month = 2024-02-29", 'T'},            // clamped to the end of February (leap year)
        {"signup_date + 11 months = 2025-02-28", 'T'},
        {"signup_date - 1 year = 2023-03-31", 'T'},
        {"2026-03-31 - 1 month = 2026-02-28", 'T'},
        {"signup_date + 1 day = 2024-04-01", 'T'}, {"signup_date + 2 weeks = 2024-04-14", 'T'},
        {"today = 2026-11-23", 'T'}, {"now = 2026-11-23T12:00:00Z", 'T'},
        {"last_login_at within last 4 hours", 'T'}, {"last_login_at within last 3 hours", 'F'},
        {"last_login_at within last 1 day", 'T'}, {"signup_date within last 3 years", 'T'},
        {"last_order_date within last 30 days", 'N'}, {"signup_date before 2024-04-01", 'T'},
        {"signup_date after 2024-03-31", 'F'}, {"last_login_at after signup_date", 'T'},
        {"signup_date = 2024-03-31T00:00:00Z", 'T'},           // a date is midnight UTC
        {"last_login_at > 2026-11-23", 'T'},
        {"year(signup_date) = 2024", 'T'}, {"month(signup_date) = 3", 'T'}, {"day_of_week(signup_date) = 7", 'T'},
        {"day_of_week(last_login_at) = 1", 'T'}, {"days_since(signup_date) = 967", 'T'},
        {"days_since(last_login_at) = 0", 'T'}, {"year(last_order_date) is null", 'T'},
        // Beyond the calendar is NULL (for constants alone it is an error, E112: the diagnostics goldens).
        {"(signup_date + 7976 years) is null", 'T'}, {"(signup_date + 7975 years) is null", 'F'},
        {"(signup_date - 2024 years) is null", 'T'}, {"(signup_date - 2023 years) = 0001-03-31", 'T'},
        {"(signup_date + 1000000 years) is null", 'T'}, {"(last_login_at - 1000000 years) is null", 'T'},
        {"(last_login_at + 420000 weeks) is null", 'T'}, {"2026-11-23T10:00:00+02:00 = 2026-11-23T08:00:00Z", 'T'},
    });
}

BOOST_AUTO_TEST_CASE(segment_references_are_never_null) {
    data::Table table = one_customer();
    Checked checked = check_text("segment unknown_age: age > 30\nsegment uses_it: not unknown_age\n");
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    auto compiled = engine::compile(checked.catalog, as_of);
    for (auto evaluator : {engine::Evaluator::Vm, engine::Evaluator::Reference}) {
        auto result = engine::evaluate(compiled, table, evaluator);
        BOOST_CHECK(!result[0].get(0));  // age > 30 is NULL: not a member
        BOOST_CHECK(result[1].get(0));   // membership is FALSE, so `not` makes it TRUE
    }
}

BOOST_AUTO_TEST_SUITE_END()
