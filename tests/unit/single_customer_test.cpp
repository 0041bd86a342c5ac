// One customer at a time through the public API (segmint::Customer, segmint::CustomerEvaluator): membership equals
// the batch evaluation of the same rows, on generated customers and on NULL-heavy ones, by the VM and the reference
// path; bad input is an error, never a crash.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>

#include "common/calendar.h"
#include "data/csv_loader.h"
#include "generate/synthetic.h"
#include "segmint/segmint.h"
#include "test_support.h"

using namespace segmint;

namespace {

struct Spec {
    std::shared_ptr<const Schema> schema;
    std::shared_ptr<const Catalog> catalog;
    Spec() {
        std::vector<Problem> problems;
        schema = Schema::load(testing::source_dir() + "/specs/schema.yaml", &problems);
        if (!schema) throw std::runtime_error("specs/schema.yaml does not load");
        catalog = Catalog::compile(schema, {testing::source_dir() + "/specs/segments"}, "2026-11-23", &problems);
        if (!catalog) throw std::runtime_error("specs/segments do not compile");
    }
};

const Spec& spec() {
    static Spec s;
    return s;
}

std::string csv_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// The columns specs/schema.yaml marks `not_null: true` (the data must hold them; the proofs rely on them).
const std::set<std::string> kNotNullInSpecs = {"tier"};

// CSV of `table`, where each value is NULL with probability `null_rate` (seeded): every NULL an empty unquoted field,
// every string, enum and list quoted (so an empty string or an empty list stays one).

std::string to_csv(const data::Table& table, double null_rate, uint32_t seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    std::string out;
    for (size_t c = 0; c < table.column_count(); ++c) out += (c ? "," : "") + table.column(c).name;
    out += "\n";
    char buffer[64];
    for (uint64_t r = 0; r < table.rows(); ++r) {
        for (size_t c = 0; c < table.column_count(); ++c) {
            if (c) out += ",";
            const data::Column& col = table.column(c);
            // Every customer keeps its key and its `not_null: true` columns of specs/schema.yaml (a load refuses a
            // missing one); any other value may go.
            const bool kept = col.name == table.schema().key || kNotNullInSpecs.count(col.name) > 0;
            if (col.is_null(r) || (!kept && unit(random) < null_rate)) continue;
            switch (col.type) {
                case schema::ColumnType::Int: out += std::to_string(col.int_at(r)); break;
                case schema::ColumnType::Number:
                    std::snprintf(buffer, sizeof buffer, "%.17g", col.f64[r]);
                    out += buffer;
                    break;
                case schema::ColumnType::Bool: out += col.bools.get(r) ? "true" : "false"; break;
                case schema::ColumnType::Date: out += calendar::format_date(col.i32[r]); break;
                case schema::ColumnType::Timestamp: out += calendar::format_timestamp(col.i64[r]); break;
                case schema::ColumnType::String:
                case schema::ColumnType::Enum: out += csv_quoted(col.string_at(r)); break;
                case schema::ColumnType::StringList: {
                    std::string items;
                    for (uint64_t i = col.list_begin(r); i < col.list_end(r); ++i) {
                        if (i > col.list_begin(r)) items += "|";
                        items += col.dictionary.value(col.list_codes[i]);
                    }
                    out += csv_quoted(items);
                    break;
                }
            }
        }
        out += "\n";
    }
    return out;
}

// Row `r` of `table` as a Customer, through the typed setters (dates as text, the way a service would pass them).
void fill(const data::Table& table, uint64_t r, Customer& customer) {
    customer.clear();
    for (size_t c = 0; c < table.column_count(); ++c) {
        const data::Column& col = table.column(c);
        if (col.is_null(r)) {
            BOOST_REQUIRE(customer.set_null(col.name));
            continue;
        }
        bool ok = false;
        switch (col.type) {
            case schema::ColumnType::Int: ok = customer.set(col.name, static_cast<long long>(col.int_at(r))); break;
            case schema::ColumnType::Number: ok = customer.set(col.name, col.f64[r]); break;
            case schema::ColumnType::Bool: ok = customer.set(col.name, col.bools.get(r) != 0); break;
            case schema::ColumnType::Date: ok = customer.set(col.name, calendar::format_date(col.i32[r])); break;
            case schema::ColumnType::Timestamp:
                ok = customer.set(col.name, calendar::format_timestamp(col.i64[r]));
                break;
            case schema::ColumnType::String:
            case schema::ColumnType::Enum: ok = customer.set(col.name, std::string(col.string_at(r))); break;
            case schema::ColumnType::StringList: {
                std::vector<std::string> items;
                for (uint64_t i = col.list_begin(r); i < col.list_end(r); ++i) {
                    items.emplace_back(col.dictionary.value(col.list_codes[i]));
                }
                ok = customer.set(col.name, items);
                break;
            }
        }
        BOOST_REQUIRE_MESSAGE(ok, customer.error());
    }
}

// Evaluates every row of `csv` in batch (public API) and one by one (VM and reference); asserts equal memberships.
void check_same_as_batch(const std::string& csv, const std::string& label) {
    const Spec& s = spec();
    std::string error;
    auto table = Table::load_csv(s.schema, testing::TempDir("segmint_single").write("customers.csv", csv), &error);
    BOOST_REQUIRE_MESSAGE(table, error);
    Result batch = evaluate(*s.catalog, *table);
    data::CsvError csv_error;
    auto rows = data::load_csv_text(csv, label, generate::synthetic_schema(), &csv_error);
    BOOST_REQUIRE(rows);

    CustomerEvaluator vm(s.catalog);
    CustomerEvaluator reference(s.catalog, CustomerEvaluatorOptions{true});
    const auto& names = vm.segment_names();
    BOOST_REQUIRE_EQUAL(names.size(), 36u);
    Customer customer(s.schema);
    CustomerMembership by_vm, by_reference;
    uint64_t members = 0;
    for (uint64_t r = 0; r < rows->rows(); ++r) {
        fill(*rows, r, customer);
        BOOST_REQUIRE(vm.evaluate(customer, &by_vm, &error));
        BOOST_REQUIRE(reference.evaluate(customer, &by_reference, &error));
        for (uint32_t seg = 0; seg < names.size(); ++seg) {
            bool expected = batch.contains(names[seg], r);
            if (by_vm.contains(seg) != expected || by_reference.contains(seg) != expected) {
                BOOST_FAIL(label << " row " << r << " segment " << names[seg] << ": batch " << expected << ", vm "
                                 << by_vm.contains(seg) << ", reference " << by_reference.contains(seg));
            }
        }
        members += by_vm.segments.size();
        for (size_t i = 1; i < by_vm.segments.size(); ++i) BOOST_REQUIRE_LT(by_vm.segments[i - 1], by_vm.segments[i]);
    }
    uint64_t batch_members = 0;
    for (const auto& n : names) batch_members += batch.count(n);
    BOOST_CHECK_EQUAL(members, batch_members);
    BOOST_TEST_MESSAGE(label << ": " << rows->rows() << " customers, " << members << " memberships");
}

std::string synthetic_csv(uint64_t rows, uint64_t seed) {
    std::string csv;
    generate::write_synthetic_csv(
        [&](std::string_view b) {
            csv.append(b);
            return true;
        },
        rows, seed);
    return csv;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(single_customer)

BOOST_AUTO_TEST_CASE(generated_customers_match_the_batch_evaluation) {
    check_same_as_batch(synthetic_csv(4000, 11), "generated");
}

BOOST_AUTO_TEST_CASE(null_heavy_customers_match_the_batch_evaluation) {
    data::CsvError error;
    auto table = data::load_csv_text(synthetic_csv(3000, 5), "g.csv", generate::synthetic_schema(), &error);
    BOOST_REQUIRE(table);
    check_same_as_batch(to_csv(*table, 0.5, 1), "half NULL");
    check_same_as_batch(to_csv(*table, 0.9, 2), "mostly NULL");
}

BOOST_AUTO_TEST_CASE(a_customer_with_nothing_set_is_all_null) {
    CustomerEvaluator evaluator(spec().catalog);
    Customer customer(spec().schema);
    std::string error;
    auto names = evaluator.segments_of(customer, &error);
    BOOST_CHECK(error.empty());
    // age is null → missing_profile; last_order_date is null → lapsed. NOT of NULL opt-ins stays NULL.
    BOOST_CHECK(std::find(names.begin(), names.end(), "missing_profile") != names.end());
    BOOST_CHECK(std::find(names.begin(), names.end(), "lapsed") != names.end());
    BOOST_CHECK(std::find(names.begin(), names.end(), "no_channel") == names.end());
}

BOOST_AUTO_TEST_CASE(setters_take_the_documented_forms) {
    CustomerEvaluator evaluator(spec().catalog);
    Customer customer(spec().schema);
    BOOST_CHECK(customer.set("age", 34));
    BOOST_CHECK(customer.set("total_spend", 1500));  // an int for a number column
    BOOST_CHECK(customer.set("tier", "gold"));
    BOOST_CHECK(customer.set("orders_90d", 7L));
    BOOST_CHECK(customer.set("last_order_date", Date{2026, 11, 20}));
    BOOST_CHECK(customer.set("last_login_at", "2026-11-22T10:00:00Z"));
    BOOST_CHECK(customer.set("tags", std::vector<std::string>{"running", "outdoor"}));
    BOOST_CHECK(customer.set("email_opt_in", true));
    BOOST_REQUIRE(customer.ok());
    auto names = evaluator.segments_of(customer);
    for (const char* expected : {"frequent_buyers", "vip", "gold_tier", "recently_active", "outdoor_enthusiasts"}) {
        BOOST_CHECK_MESSAGE(std::find(names.begin(), names.end(), expected) != names.end(), expected);
    }
    BOOST_CHECK(customer.set_null("tier"));
    names = evaluator.segments_of(customer);
    BOOST_CHECK(std::find(names.begin(), names.end(), "vip") == names.end());
}

BOOST_AUTO_TEST_CASE(bad_input_is_an_error_not_a_crash) {
    struct Case {
        std::function<bool(Customer&)> set;
        std::string message;
    };
    const std::vector<Case> cases = {
        {[](Customer& c) { return c.set("agee", 3); }, "unknown column `agee`; did you mean `age`?"},
        {[](Customer& c) { return c.set_null("nope"); }, "unknown column `nope`"},
        {[](Customer& c) { return c.set("age", "34"); }, "column `age` is int; cannot set it to a string"},
        {[](Customer& c) { return c.set("age", 3.5); }, "column `age` is int; cannot set it to a number"},
        {[](Customer& c) { return c.set("city", 3); }, "column `city` is string; cannot set it to an integer"},
        {[](Customer& c) { return c.set("email_opt_in", "yes"); },
         "column `email_opt_in` is bool; cannot set it to a string"},
        {[](Customer& c) { return c.set("tags", "a|b"); }, "column `tags` is list<string>; cannot set it to a string"},
        {[](Customer& c) { return c.set("city", std::vector<std::string>{"x"}); },
         "column `city` is string; cannot set it to a list"},
        {[](Customer& c) { return c.set("signup_date", "2026-02-30"); },
         "`2026-02-30` is not a date (YYYY-MM-DD) for column `signup_date`"},
        {[](Customer& c) { return c.set("signup_date", "yesterday"); },
         "`yesterday` is not a date (YYYY-MM-DD) for column `signup_date`"},
        {[](Customer& c) {
             return c.set("signup_date", Date{2026, 13, 1});
         },
         "date 2026-13-1 does not exist (column `signup_date`)"},
        {[](Customer& c) { return c.set("last_login_at", "2026-11-22 25:00"); },
         "`2026-11-22 25:00` is not an ISO 8601 timestamp for column `last_login_at`"},
        {[](Customer& c) { return c.set("tier", "diamond"); },
         "`diamond` is not a value of enum column `tier` (bronze, silver, gold, platinum)"},
        {[](Customer& c) { return c.set("tier", "Gold"); },
         "`Gold` is not a value of enum column `tier` (bronze, silver, gold, platinum)"},
    };
    CustomerEvaluator evaluator(spec().catalog);
    CustomerMembership membership;
    for (size_t i = 0; i < cases.size(); ++i) {
        Customer customer(spec().schema);
        BOOST_CHECK(customer.set("age", 40));
        BOOST_CHECK_MESSAGE(!cases[i].set(customer), "case " << i);
        BOOST_CHECK_EQUAL(customer.error(), cases[i].message);
        BOOST_CHECK(customer.set("age", 41));  // later setters work; the first error stays
        BOOST_CHECK_EQUAL(customer.error(), cases[i].message);
        std::string error;
        BOOST_CHECK(!evaluator.evaluate(customer, &membership, &error));
        BOOST_CHECK_EQUAL(error, cases[i].message);
        customer.clear();
        BOOST_CHECK(customer.ok());
        BOOST_CHECK(evaluator.evaluate(customer, &membership, &error));
    }
}

BOOST_AUTO_TEST_CASE(the_customer_must_fit_the_catalog_schema) {
    std::vector<Problem> problems;
    // The same schema loaded again is accepted; one with other columns is refused.
    auto again = Schema::load(testing::source_dir() + "/specs/schema.yaml", &problems);
    BOOST_REQUIRE(again);
    CustomerEvaluator evaluator(spec().catalog);
    CustomerMembership membership;
    std::string error;
    BOOST_CHECK(evaluator.evaluate(Customer(again), &membership, &error));
    auto other = Schema::parse("table: t\nkey: id\ncolumns:\n  id: int\n", "other.yaml", &problems);
    BOOST_REQUIRE(other);
    BOOST_CHECK(!evaluator.evaluate(Customer(other), &membership, &error));
    BOOST_CHECK_EQUAL(error, "the customer was built for a schema with other columns than the catalog's");
}

BOOST_AUTO_TEST_CASE(many_distinct_strings_do_not_grow_the_evaluator) {
    // The row's dictionaries are replaced when they fill up; results stay right across the replacement.
    CustomerEvaluator evaluator(spec().catalog);
    Customer customer(spec().schema);
    CustomerMembership membership;
    for (int i = 0; i < 10000; ++i) {
        customer.clear();
        customer.set("city", "City " + std::to_string(i));
        customer.set("country", i % 2 ? "Germany" : "Country " + std::to_string(i));
        customer.set("tags", std::vector<std::string>{"t" + std::to_string(i), i % 3 ? "outdoor" : "x"});
        BOOST_REQUIRE(evaluator.evaluate(customer, &membership));
        auto has = [&](const char* name) {
            const auto& n = evaluator.segment_names();
            return membership.contains(static_cast<uint32_t>(std::find(n.begin(), n.end(), name) - n.begin()));
        };
        BOOST_REQUIRE_EQUAL(has("dach_region"), i % 2 == 1);
        BOOST_REQUIRE_EQUAL(has("outdoor_enthusiasts"), i % 3 != 0);
    }
}

BOOST_AUTO_TEST_CASE(each_customer_is_evaluated_on_its_own_tags) {
    // Several `contains` over one list column in one evaluation: the interpreter may test them on bits it builds
    // once for the batch's rows (vm::Machine::State::list_bits). The one-row table is rewritten for every customer,
    // at the same row: nothing built for the last customer may answer for the next.
    std::vector<Problem> problems;
    auto catalog = Catalog::compile_text(spec().schema,
                                         "segment x: tags contains \"x\"\n"
                                         "segment y: tags contains \"y\"\n"
                                         "segment both: tags contains \"x\" and tags contains \"y\"\n"
                                         "segment either: tags contains any (\"x\", \"y\")\n",
                                         "tags.seg", "2026-11-23", &problems);
    BOOST_REQUIRE(catalog);
    CustomerEvaluator evaluator(catalog);
    Customer customer(spec().schema);
    const std::vector<std::vector<std::string>> tag_lists = {
        {"x"}, {"y"}, {"x", "y"}, {}, {"z"}, {"y", "z", "x"}, {"x"}, {"x"}, {"y"}, {"y", "y"}, {}};
    for (int round = 0; round < 3; ++round) {
        for (const auto& tags : tag_lists) {
            customer.clear();
            customer.set("tags", tags);
            const auto holds = [&](const char* tag) { return std::find(tags.begin(), tags.end(), tag) != tags.end(); };
            std::vector<std::string> expected;
            if (holds("x")) expected.push_back("x");
            if (holds("y")) expected.push_back("y");
            if (holds("x") && holds("y")) expected.push_back("both");
            if (holds("x") || holds("y")) expected.push_back("either");
            std::vector<std::string> got = evaluator.segments_of(customer);
            std::sort(got.begin(), got.end());
            std::sort(expected.begin(), expected.end());
            BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), expected.begin(), expected.end());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
