// Each optimizer pass shows its rewrite on IR (before → after), run on its own.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <set>

#include "engine/engine.h"
#include "ir/lower.h"
#include "optimize/passes.h"
#include "random_rules.h"
#include "test_support.h"
#include "vm/disassembler.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

struct Rewritten {
    std::string ir;
    std::vector<optimize::Finding> findings;
};

// Lowers the last segment of `text` and applies the named passes in order.
Rewritten apply(const std::string& text, const std::vector<void (*)(ir::Rule&, optimize::PassContext&)>& passes,
                const optimize::TableStats* stats = nullptr) {
    Checked checked = check_text(text);
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0, checked.text());
    auto rules = ir::lower(checked.catalog);
    ir::Rule& rule = rules.back();
    Rewritten out;
    optimize::PassContext context;
    engine::parse_as_of("2026-11-23", &context.as_of);
    context.schema = &test_schema();
    context.stats = stats;
    context.findings = &out.findings;
    for (auto pass : passes) {
        pass(rule, context);
        BOOST_REQUIRE_EQUAL(ir::verify(*rule.root), "");
    }
    out.ir = ir::dump(*rule.root);
    return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(optimizer)

BOOST_AUTO_TEST_CASE(resolve_time_turns_today_into_a_constant) {
    auto before = apply("segment s: signup_date > today - 30 days", {});
    auto after = apply("segment s: signup_date > today - 30 days", {optimize::resolve_time});
    BOOST_CHECK(contains(before.ir, "(today : date)"));
    BOOST_CHECK(!contains(after.ir, "today"));
    BOOST_CHECK(contains(after.ir, "(const 2026-11-23 : date)"));
}

BOOST_AUTO_TEST_CASE(constant_folding_uses_the_evaluator) {
    auto dates =
        apply("segment s: signup_date > today - 30 days", {optimize::resolve_time, optimize::constant_folding});
    BOOST_CHECK_EQUAL(dates.ir, "(compare > : bool\n  (column #7 : date)\n  (const 2026-10-24 : date)\n)\n");
    auto numbers = apply("segment s: age = 1 + 2 * 3", {optimize::constant_folding});
    BOOST_CHECK(contains(numbers.ir, "(const 7 : int)"));
    auto overflow = apply("segment s: age = 9223372036854775807 + 1", {optimize::constant_folding});
    BOOST_CHECK(contains(overflow.ir, "(const null : int)"));  // the evaluator's NULL, not a wrapped number
    auto month_end = apply("segment s: signup_date = 2026-03-31 - 1 month", {optimize::constant_folding});
    BOOST_CHECK(contains(month_end.ir, "(const 2026-02-28 : date)"));
}

BOOST_AUTO_TEST_CASE(merge_ranges_drops_redundant_bounds) {
    auto r =
        apply("segment s: age > 18 and age > 21 and age <= 65 and age < 70 and email_opt_in", {optimize::merge_ranges});
    BOOST_CHECK(!contains(r.ir, "(const 18 : int)"));
    BOOST_CHECK(!contains(r.ir, "(const 70 : int)"));
    BOOST_CHECK(contains(r.ir, "(const 21 : int)"));
    BOOST_CHECK(contains(r.ir, "(const 65 : int)"));
    BOOST_CHECK(r.findings.empty());
}

BOOST_AUTO_TEST_CASE(merge_ranges_finds_contradictions) {
    auto r = apply("segment s: age > 30 and age < 20", {optimize::merge_ranges});
    BOOST_CHECK_EQUAL(r.ir, "(const false : bool)\n");
    BOOST_REQUIRE_EQUAL(r.findings.size(), 1u);
    BOOST_CHECK(contains(r.findings[0].message, "`age`"));
    auto eq = apply("segment s: orders_90d = 3 and orders_90d >= 5", {optimize::merge_ranges});
    BOOST_CHECK_EQUAL(eq.ir, "(const false : bool)\n");
    // Under `not`, FALSE and NULL differ (not NULL is NULL): reported, but not rewritten.
    auto negated = apply("segment s: not (age > 30 and age < 20)", {optimize::merge_ranges});
    BOOST_CHECK(contains(negated.ir, "(compare > : bool"));
    BOOST_CHECK_EQUAL(negated.findings.size(), 1u);
}

BOOST_AUTO_TEST_CASE(simplify_logic_flattens_and_absorbs) {
    auto flat = apply("segment s: email_opt_in and true and (sms_opt_in and push_opt_in)", {optimize::simplify_logic});
    BOOST_CHECK_EQUAL(flat.ir, "(and : bool\n  (column #16 : bool)\n  (column #17 : bool)\n  (column #18 : bool)\n)\n");
    BOOST_CHECK_EQUAL(apply("segment s: email_opt_in or true", {optimize::simplify_logic}).ir, "(const true : bool)\n");
    BOOST_CHECK_EQUAL(apply("segment s: not not email_opt_in", {optimize::simplify_logic}).ir, "(column #16 : bool)\n");
    // NULL is not neutral: `x and null` is FALSE or NULL depending on x, so it stays.
    BOOST_CHECK(contains(apply("segment s: email_opt_in and null", {optimize::simplify_logic}).ir, "(const null"));
}

BOOST_AUTO_TEST_CASE(dictionary_predicates_need_statistics) {
    Random random(1);
    data::Table table = random_table(random, test_schema(), 500);
    optimize::TableStats stats = optimize::gather_stats(table);
    const std::string rule = "segment s: (country starts with \"U\" or lower(country) = \"germany\") and age > 3";
    auto without = apply(rule, {optimize::dictionary_predicates});
    BOOST_CHECK(!contains(without.ir, "dict-lookup"));
    auto with = apply(rule, {optimize::dictionary_predicates}, &stats);
    BOOST_CHECK(contains(with.ir, "(dict-lookup : bool\n    (column #5 : string)\n    (or : bool"));
    BOOST_CHECK(contains(with.ir, "(placeholder : string)"));
    BOOST_CHECK(contains(with.ir, "(column #3 : int)"));  // age stays outside the lookup
    auto null_test = apply("segment s: country is null", {optimize::dictionary_predicates}, &stats);
    BOOST_CHECK(!contains(null_test.ir, "dict-lookup"));  // a null test reads the validity bitmap: cheaper as is
}

// gather_stats reads 64 rows at a time (a full validity word in a vectorized loop): the same ranges as a plain loop
// over the present values, on random NULL-heavy tables of every size around a word's 64 rows.
BOOST_AUTO_TEST_CASE(statistics_are_the_ranges_of_the_present_values) {
    for (uint64_t rows : {0, 1, 63, 64, 65, 127, 128, 129, 1000}) {
        Random random(rows + 5);
        data::Table table = random_table(random, test_schema(), rows);
        const optimize::TableStats stats = optimize::gather_stats(table);
        BOOST_REQUIRE_EQUAL(stats.columns.size(), table.column_count());
        for (size_t c = 0; c < table.column_count(); ++c) {
            const data::Column& column = table.column(c);
            bool any = false;
            double low = 0, high = 0;
            for (uint64_t row = 0; row < rows; ++row) {
                if (column.is_null(row)) continue;
                double value = 0;
                switch (column.type) {
                    case schema::ColumnType::Int: value = static_cast<double>(column.int_at(row)); break;
                    case schema::ColumnType::Timestamp: value = static_cast<double>(column.i64[row]); break;
                    case schema::ColumnType::Number: value = column.f64[row]; break;
                    case schema::ColumnType::Date: value = column.i32[row]; break;
                    default: continue;
                }
                low = any ? std::min(low, value) : value;
                high = any ? std::max(high, value) : value;
                any = true;
            }
            const auto& got = stats.columns[c];
            BOOST_CHECK_MESSAGE(got.has_range == any && (!any || (got.min == low && got.max == high)),
                                column.name << " over " << rows << " rows: " << got.min << ".." << got.max
                                            << ", expected " << low << ".." << high);
            BOOST_CHECK_EQUAL(got.null_count, rows - column.validity.count());
        }
    }
}

BOOST_AUTO_TEST_CASE(order_conjuncts_puts_cheap_and_selective_first) {
    auto r = apply("segment s: email matches \"[0-9]+x\" and age > 30", {optimize::order_conjuncts});
    BOOST_CHECK_LT(r.ir.find("(compare >"), r.ir.find("(text matches"));
}

// A checked catalog compiled as of the suite's usual date (every pass on unless `options` says otherwise).
engine::CompiledCatalog compile_catalog(const Checked& checked, const engine::CompileOptions& options = {}) {
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0, checked.text());
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    return engine::compile(checked.catalog, as_of, options);
}

BOOST_AUTO_TEST_CASE(shared_conditions_computes_a_condition_two_rules_contain_once) {
    Checked checked = check_text(
        "segment a: orders_90d >= 5 and age > 30\n"
        "segment b: tier = \"gold\" or orders_90d >= 5\n"
        "segment c: age > 30 and country = \"France\"\n"
        "segment d: orders_90d >= 6\n");
    auto compiled = compile_catalog(checked);
    // `orders_90d >= 5` (a, b) and `age > 30` (a, c) become shared conditions; `orders_90d >= 6` stays in d.
    BOOST_REQUIRE_EQUAL(compiled.shared_conditions.size(), 2u);
    BOOST_CHECK_EQUAL(ir::dump(*compiled.shared_conditions[0]),
                      "(compare >= : bool\n  (column #10 : int)\n  (const 5 : int)\n)\n");
    BOOST_CHECK_EQUAL(ir::dump(*compiled.shared_conditions[1]),
                      "(compare > : bool\n  (column #3 : int)\n  (const 30 : int)\n)\n");
    BOOST_CHECK_EQUAL(compiled.shared_programs.size(), 2u);
    auto listing = [&](size_t r) {
        return vm::disassemble(compiled.programs[r], test_schema(), compiled.segment_names, nullptr);
    };
    BOOST_CHECK(contains(listing(0), "LoadShared"));
    BOOST_CHECK(contains(listing(2), "LoadShared"));
    BOOST_CHECK(!contains(listing(3), "LoadShared"));
    BOOST_CHECK(contains(vm::disassemble(compiled.shared_programs[0], test_schema(), compiled.segment_names, nullptr),
                         "StoreShared"));
    // The reference evaluator's rules are untouched.
    for (const auto& rule : compiled.rules) BOOST_CHECK(!contains(ir::dump(*rule.root), "shared"));
    // Disabled by name: nothing is shared.
    engine::CompileOptions options;
    options.optimizer.disabled = {optimize::kSharedConditions};
    BOOST_CHECK(compile_catalog(checked, options).shared_conditions.empty());
}

// A list column's `contains` of a constant is shared (its kernel runs densely at a few ns per row, less than running it
// once per rule); a text test (`ends with`, `starts with`, `contains` of a constant) costs more per row, so it runs only
// over the rows each rule's selection leaves open unless three or more places contain it; `matches` never is.
BOOST_AUTO_TEST_CASE(shared_conditions_share_list_membership_and_text_tests_three_rules_contain) {
    const auto compiled = compile_catalog(check_text("segment a: tags contains \"vip\" and age > 30\n"
                                                     "segment b: tier = \"gold\" or tags contains \"vip\"\n"
                                                     "segment c: email ends with \"@x.com\" and age > 40\n"
                                                     "segment d: email ends with \"@x.com\" or tier = \"silver\"\n"
                                                     "segment e: city contains \"ber\" and age > 20\n"
                                                     "segment f: city contains \"ber\" or age > 60\n"
                                                     "segment g: age < 18 and city contains \"ber\"\n"
                                                     "segment h: email matches \"^a\" and age > 21\n"
                                                     "segment i: email matches \"^a\" or age > 61\n"
                                                     "segment j: age < 19 and email matches \"^a\"\n"));
    BOOST_REQUIRE_EQUAL(compiled.shared_conditions.size(), 2u);
    BOOST_CHECK(contains(ir::dump(*compiled.shared_conditions[0]), "(list-contains"));
    const std::string text = ir::dump(*compiled.shared_conditions[1]);
    BOOST_CHECK_MESSAGE(contains(text, "(text contains") && contains(text, "\"ber\""), text);
}

// A text test inside a larger shared condition is computed there: sharing it on its own counts only the places left
// (here one: not shared). A dictionary lookup that holds a text test runs once per dictionary value, not per row: two
// rules share it, as any cheap condition.
BOOST_AUTO_TEST_CASE(shared_text_tests_count_the_places_left_and_lookups_share_at_two) {
    const auto compiled = compile_catalog(check_text("segment a: email ends with \"@x.com\" and age > 40\n"
                                                     "segment b: tier = \"gold\" or email ends with \"@x.com\" and age > 40\n"
                                                     "segment c: (email ends with \"@x.com\" and age > 40) or email_opt_in\n"
                                                     "segment d: email ends with \"@x.com\" or tier = \"silver\"\n"));
    BOOST_REQUIRE_EQUAL(compiled.shared_conditions.size(), 1u);
    BOOST_CHECK(contains(ir::dump(*compiled.shared_conditions[0]), "(and : bool"));
    Random random(1);
    const data::Table table = random_table(random, test_schema(), 500);
    const optimize::TableStats stats = optimize::gather_stats(table);
    engine::CompileOptions options;
    options.stats = &stats;
    const auto looked_up = compile_catalog(check_text("segment a: country starts with \"U\" and age > 30\n"
                                                      "segment b: country starts with \"U\" or tier = \"gold\"\n"),
                                           options);
    BOOST_REQUIRE_EQUAL(looked_up.shared_conditions.size(), 1u);
    BOOST_CHECK(contains(ir::dump(*looked_up.shared_conditions[0]), "(dict-lookup"));
}

// Shared conditions read the shared conditions among their parts. The benchmark catalog's `not (T)` alone and inside
// `email is not null and not (T)`, each in three or more rules, computed the text test T twice per batch; now the
// `and` reads `not (T)`'s slot, a lower one, so it runs first. A part that two shared conditions contain and no rule
// shares on its own (`age > 18 and orders_90d >= 2`) gets a slot of its own; a part of only one stays inside it.
BOOST_AUTO_TEST_CASE(shared_conditions_read_the_shared_conditions_they_contain) {
    const auto compiled = compile_catalog(check_text(
        "segment a: not (email ends with \"@x.com\") and age > 30\n"
        "segment b: not (email ends with \"@x.com\") or tier = \"gold\"\n"
        "segment c: not (email ends with \"@x.com\") and age < 20\n"
        "segment d: email is not null and not (email ends with \"@x.com\")\n"
        "segment e: email is not null and not (email ends with \"@x.com\") or age > 60\n"
        "segment f: (email is not null and not (email ends with \"@x.com\")) or email_opt_in\n"
        "segment g: ((age > 18 and orders_90d >= 2) or total_spend > 100.0) and age < 70\n"
        "segment h: ((age > 18 and orders_90d >= 2) or total_spend > 100.0) and email_opt_in\n"
        "segment i: ((age > 18 and orders_90d >= 2) or total_spend > 200.0) and age < 71\n"
        "segment j: ((age > 18 and orders_90d >= 2) or total_spend > 200.0) and sms_opt_in\n"));
    std::vector<std::string> dumps;
    for (const auto& condition : compiled.shared_conditions) dumps.push_back(ir::dump(*condition));
    auto slot_of = [&](const std::string& text) {
        auto found = std::find_if(dumps.begin(), dumps.end(), [&](const std::string& d) { return contains(d, text); });
        BOOST_REQUIRE_MESSAGE(found != dumps.end(), "no shared condition contains " << text);
        return static_cast<size_t>(found - dumps.begin());
    };
    auto count = [&](const std::string& text) {
        return std::count_if(dumps.begin(), dumps.end(), [&](const std::string& d) { return contains(d, text); });
    };
    // `not (T)` once; the `and` reads it and computes no text test of its own.
    const size_t text_test = slot_of("(text ends-with");
    BOOST_CHECK(contains(dumps[text_test], "(not : bool"));
    BOOST_CHECK_EQUAL(count("ends-with"), 1);
    const size_t both = slot_of("(shared $" + std::to_string(text_test) + " : bool)");
    BOOST_CHECK(contains(dumps[both], "(and : bool"));
    BOOST_CHECK_LT(text_test, both);
    const std::string listing =
        vm::disassemble(compiled.shared_programs[both], test_schema(), compiled.segment_names, nullptr);
    BOOST_CHECK(contains(listing, "LoadShared"));
    BOOST_CHECK(!contains(listing, "EndsWith"));
    // The two `or`s share the `and` they contain: computed once, before them, and its `age > 18` stays inside it.
    const size_t adult_buyer = slot_of("(const 18 : int)");
    BOOST_CHECK(contains(dumps[adult_buyer], "(and : bool"));
    BOOST_CHECK_EQUAL(count("(const 18 : int)"), 1);
    BOOST_CHECK_EQUAL(count("(shared $" + std::to_string(adult_buyer) + " : bool)"), 2);
    const size_t either = slot_of("(const 100.0 : number)");
    BOOST_CHECK(contains(dumps[either], "(or : bool"));
    BOOST_CHECK_LT(adult_buyer, either);
    // A text test inside two shared `x and T`s runs there over the rows x leaves open: not shared on its own (it would
    // run over every row), though three places contain it.
    const std::string narrowed_text =
        "segment a: age > 60 and email ends with \"@corp.com\"\n"
        "segment b: age > 60 and email ends with \"@corp.com\" or sms_opt_in\n"
        "segment c: (age > 60 and email ends with \"@corp.com\") or push_opt_in\n"
        "segment d: age < 20 and email ends with \"@corp.com\"\n"
        "segment e: age < 20 and email ends with \"@corp.com\" or sms_opt_in\n"
        "segment f: (age < 20 and email ends with \"@corp.com\") or push_opt_in\n"
        "segment g: orders_90d >= 9 and email ends with \"@corp.com\"\n";
    const auto narrowed = compile_catalog(check_text(narrowed_text));
    BOOST_REQUIRE_EQUAL(narrowed.shared_conditions.size(), 2u);
    for (const auto& condition : narrowed.shared_conditions) {
        BOOST_CHECK(contains(ir::dump(*condition), "(and : bool"));
        BOOST_CHECK(contains(ir::dump(*condition), "ends-with"));
    }
}

BOOST_AUTO_TEST_CASE(every_pass_is_registered_once_and_can_be_disabled) {
    auto names = optimize::pass_names();
    BOOST_CHECK_EQUAL(names.size(), 7u);
    std::set<std::string> unique(names.begin(), names.end());
    BOOST_CHECK_EQUAL(unique.size(), names.size());
    Checked checked = check_text("segment s: signup_date > today - 30 days");
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    engine::CompileOptions options;
    options.optimizer.disabled = {"resolve_time"};
    auto compiled = engine::compile(checked.catalog, as_of, options);
    BOOST_CHECK(contains(ir::dump(*compiled.rules[0].root), "(today : date)"));
    options.optimizer.disabled.clear();
    compiled = engine::compile(checked.catalog, as_of, options);
    BOOST_CHECK(!contains(ir::dump(*compiled.rules[0].root), "today"));
}

BOOST_AUTO_TEST_SUITE_END()
