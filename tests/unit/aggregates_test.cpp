// Event aggregates in the language front end: parsing, formatting, checking (E113, E114, E115, W009, the hint for a
// window written after `where`) and lowering to ir::Kind::Aggregate leaves with their filters. The schema is built in
// code (the schema loader reads `events:` elsewhere): customers, `orders` (timestamp time column), `page_views`,
// `visits` (date time column) and `returns` (no time column).
#include <boost/test/unit_test.hpp>

#include "ast/format.h"
#include "ir/ir.h"
#include "ir/lower.h"
#include "report/diagnostic_render.h"
#include "syntax/parse.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

void add_event_column(schema::EventTable& events, const std::string& name, schema::ColumnType type,
                      std::vector<std::string> enum_values = {}) {
    schema::Column column;
    column.name = name;
    column.type = type;
    column.enum_values = std::move(enum_values);
    column.index = events.columns.size();
    events.columns.push_back(std::move(column));
}

const schema::Schema& event_schema() {
    static const schema::Schema schema = [] {
        using schema::ColumnType;
        schema::Schema s;
        s.table = "customers";
        s.key = "customer_id";
        add_column(s, "customer_id", ColumnType::Int);
        add_column(s, "age", ColumnType::Int);
        add_column(s, "country", ColumnType::String);
        add_column(s, "signup_date", ColumnType::Date);

        schema::EventTable orders;
        orders.name = "orders";
        orders.key = "customer_id";
        orders.time = "ordered_at";
        add_event_column(orders, "customer_id", ColumnType::Int);
        add_event_column(orders, "ordered_at", ColumnType::Timestamp);
        add_event_column(orders, "order_id", ColumnType::Int);
        add_event_column(orders, "amount", ColumnType::Number);
        add_event_column(orders, "channel", ColumnType::Enum, {"web", "store", "app"});
        add_event_column(orders, "gift", ColumnType::Bool);
        add_event_column(orders, "tags", ColumnType::StringList);
        add_event_column(orders, "note", ColumnType::String);
        s.events.push_back(std::move(orders));

        schema::EventTable views;
        views.name = "page_views";
        views.key = "customer_id";
        views.time = "viewed_at";
        add_event_column(views, "customer_id", ColumnType::Int);
        add_event_column(views, "viewed_at", ColumnType::Timestamp);
        add_event_column(views, "url", ColumnType::String);
        s.events.push_back(std::move(views));

        schema::EventTable visits;
        visits.name = "visits";
        visits.key = "customer_id";
        visits.time = "visited_on";
        add_event_column(visits, "customer_id", ColumnType::Int);
        add_event_column(visits, "visited_on", ColumnType::Date);
        s.events.push_back(std::move(visits));

        schema::EventTable returns;
        returns.name = "returns";
        returns.key = "customer_id";
        add_event_column(returns, "customer_id", ColumnType::Int);
        add_event_column(returns, "reason", ColumnType::String);
        s.events.push_back(std::move(returns));
        return s;
    }();
    return schema;
}

struct Result {
    std::vector<Diagnostic> diagnostics;
    semantic::Catalog catalog;
    std::string codes() const {
        std::string out;
        for (const auto& d : diagnostics) out += (out.empty() ? "" : " ") + std::string(code_info(d.code).id);
        return out;
    }
    std::string text() const { return report::render_text(diagnostics); }
};

Result check_events(const std::string& text) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("test.seg", text), sink));
    Result result;
    result.catalog = semantic::check(std::move(files), event_schema(), sink);
    sink.sort();
    result.diagnostics = sink.diagnostics();
    return result;
}

// The one diagnostic of `rule` (as `segment s: RULE`), which must have `code`; returns it for more checks.
Diagnostic only(const std::string& rule, const std::string& code) {
    Result result = check_events("segment s: " + rule);
    BOOST_REQUIRE_MESSAGE(result.diagnostics.size() == 1, rule << "\n" << result.text());
    BOOST_CHECK_MESSAGE(result.codes() == code, rule << "\n" << result.text());
    return result.diagnostics[0];
}

// The source text a diagnostic points at, given the rule it was reported for.
std::string pointed(const Diagnostic& d, const std::string& rule) {
    const std::string text = "segment s: " + rule;
    return text.substr(d.span.begin, d.span.end - d.span.begin);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const ast::Expr& rule_of(const Result& result, size_t segment = 0) { return *result.catalog.definition(segment).rule; }

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregates)

BOOST_AUTO_TEST_CASE(examples_parse_check_and_have_types) {
    const std::string text = R"(segment frequent_buyers:    count(orders within last 90 days) >= 5
segment big_web_spenders:   sum(orders.amount within last 365 days where channel = "web") > 1_000
segment first_time_buyers:  count(orders) = 1 and first(orders.ordered_at) within last 30 days
segment lapsed:             exists(orders) and last(orders.ordered_at) < today - 180 days
segment never_bought:       not exists(orders)
segment pricing_browsers:   exists(page_views within last 7 days where url contains "/pricing")
)";
    Result result = check_events(text);
    BOOST_REQUIRE_MESSAGE(result.diagnostics.empty(), result.text());
    BOOST_CHECK_EQUAL(result.catalog.evaluation_order.size(), 6u);
    auto type_of = [&](const ast::Expr& e) { return semantic::type_name(result.catalog.type_of(0, e)); };
    // count → int, sum(number) → number, first(timestamp) → timestamp, exists → bool.
    BOOST_CHECK_EQUAL(type_of(*rule_of(result, 0).args[0]), "int");
    BOOST_CHECK_EQUAL(type_of(*rule_of(result, 1).args[0]), "number");
    BOOST_CHECK_EQUAL(type_of(*rule_of(result, 2).args[1]->args[0]), "timestamp");
    BOOST_CHECK_EQUAL(type_of(*rule_of(result, 4).args[0]), "bool");
}

BOOST_AUTO_TEST_CASE(result_types_follow_the_column) {
    struct Case {
        const char* aggregate;
        const char* type;
    };
    for (const Case& c : std::vector<Case>{{"sum(orders.order_id)", "int"},
                                           {"sum(orders.amount)", "number"},
                                           {"avg(orders.order_id)", "number"},
                                           {"count_distinct(orders.channel)", "int"},
                                           {"count(orders.note)", "int"},
                                           {"min(orders.channel)", "enum channel"},
                                           {"max(visits.visited_on)", "date"},
                                           {"last(orders.note)", "string"},
                                           {"first(orders.gift)", "bool"},
                                           {"exists(orders.note)", "bool"}}) {
        BOOST_TEST_CONTEXT(c.aggregate) {
            Result result = check_events(std::string("segment s: ") + c.aggregate + " is not null");
            BOOST_REQUIRE_MESSAGE(result.diagnostics.empty(), result.text());
            BOOST_CHECK_EQUAL(semantic::type_name(result.catalog.type_of(0, *rule_of(result).args[0])), c.type);
        }
    }
    // The enum result compares with the column's values, and a wrong value is still E107.
    BOOST_CHECK_EQUAL(check_events("segment s: last(orders.channel) = \"web\"").codes(), "");
    BOOST_CHECK_EQUAL(check_events("segment s: last(orders.channel) = \"mail\"").codes(), "E107");
}

BOOST_AUTO_TEST_CASE(fmt_round_trip_is_canonical_and_idempotent) {
    const std::string text = R"(segment a: SUM(  orders.amount   WITHIN LAST 365 DAYS  WHERE channel = 'web' ) > 1_000
segment b: count(orders between 2026-01-01 and (today - 1 day) where (amount > 0 and gift) or note is null) >= 2
segment c: LAST(orders.ordered_at) before today - 180 days or not exists(`orders`)
segment d: avg(orders.`amount` after now - 12 hours) != 0
)";
    DiagnosticSink sink;
    ast::File file = syntax::parse(std::make_shared<const Source>("a.seg", text), sink);
    BOOST_REQUIRE_MESSAGE(!sink.has_errors(), report::render_text(sink.diagnostics()));
    const std::string once = ast::format_file(file);
    BOOST_CHECK_EQUAL(once,
                      "segment a:\n  sum(orders.amount within last 365 days where channel = \"web\") > 1_000\n\n"
                      "segment b:\n  count(orders between 2026-01-01 and today - 1 day where (amount > 0 and gift) or "
                      "note is null) >= 2\n\n"
                      "segment c:\n  last(orders.ordered_at) before today - 180 days or not exists(orders)\n\n"
                      "segment d:\n  avg(orders.amount after now - 12 hours) != 0\n");
    DiagnosticSink again;
    ast::File reparsed = syntax::parse(std::make_shared<const Source>("b.seg", once), again);
    BOOST_REQUIRE(!again.has_errors());
    BOOST_CHECK_EQUAL(ast::format_file(reparsed), once);
    BOOST_CHECK_EQUAL(ast::shape(reparsed), ast::shape(file));
}

BOOST_AUTO_TEST_CASE(unknown_event_table_E113) {
    std::string rule = "count(order within last 90 days) > 1";
    Diagnostic d = only(rule, "E113");
    BOOST_CHECK_EQUAL(pointed(d, rule), "order");
    BOOST_CHECK(contains(d.hint, "did you mean `orders`?"));

    rule = "count(age) > 1";
    d = only(rule, "E113");
    BOOST_CHECK_EQUAL(pointed(d, rule), "age");
    BOOST_CHECK(contains(d.message, "column of the customer table"));
    BOOST_CHECK(contains(d.hint, "`orders`, `page_views`, `visits`, `returns`"));

    Result result = check_events("segment vip: age > 60\nsegment s: exists(vip)");
    BOOST_REQUIRE_EQUAL(result.codes(), "E113");
    BOOST_CHECK(contains(result.diagnostics[0].message, "it is a segment"));

    // `x.y` outside an aggregate: an event column read directly, or a table that does not exist.
    rule = "orders.amount > 5";
    d = only(rule, "E115");
    BOOST_CHECK_EQUAL(pointed(d, rule), "orders.amount");
    BOOST_CHECK(contains(d.hint, "max(orders.amount)"));
    BOOST_CHECK_EQUAL(only("custmers.age > 5", "E113").span.begin, 11u);
}

BOOST_AUTO_TEST_CASE(long_event_names_E011) {
    // Each part of `table.column` is a name with the usual limit of 256 bytes.
    const std::string long_name(257, 'a');
    std::string rule = "count(orders." + long_name + ") > 1";
    Diagnostic d = only(rule, "E011");
    BOOST_CHECK_EQUAL(d.span.begin, std::string("segment s: count(orders.").size());
    d = only("count(" + long_name + ".amount) > 1", "E011");
    BOOST_CHECK_EQUAL(d.span.begin, std::string("segment s: count(").size());
    BOOST_CHECK_EQUAL(check_events("segment s: count(orders." + std::string(256, 'a') + ") > 1").codes(), "E114");
}

BOOST_AUTO_TEST_CASE(unknown_event_column_E114) {
    std::string rule = "sum(orders.amont) > 1";
    Diagnostic d = only(rule, "E114");
    BOOST_CHECK_EQUAL(pointed(d, rule), "amont");
    BOOST_CHECK(contains(d.message, "event table `orders` has no column `amont`"));
    BOOST_CHECK(contains(d.hint, "did you mean `amount`?"));
    rule = "max(page_views.xyz) is null";
    d = only(rule, "E114");
    BOOST_CHECK_EQUAL(pointed(d, rule), "xyz");
    BOOST_CHECK(contains(d.hint, "the columns of `page_views` are `customer_id`, `viewed_at`, `url`"));
    // The location is right with backquotes around either part.
    rule = "sum(`orders`.`amnt x`) > 1";
    d = only(rule, "E114");
    BOOST_CHECK_EQUAL(pointed(d, rule), "`amnt x`");
}

BOOST_AUTO_TEST_CASE(misuse_E115) {
    struct Case {
        std::string rule;
        std::string pointed;
        std::string message;
    };
    for (const Case& c : std::vector<Case>{
             {"sum(orders.note) > 1", "note", "`sum` needs a numeric column, but `orders.note` is string"},
             {"avg(orders.channel) > 1", "channel", "`avg` needs a numeric column"},
             {"min(orders.tags) is null", "tags", "`min` needs values with an order"},
             {"max(orders.gift)", "gift", "`max` needs values with an order"},
             {"sum(orders) > 1", "sum(orders)", "`sum` needs a column of `orders`"},
             {"first(orders within last 3 days) is null", "first(orders within last 3 days)", "`first` needs a column"},
             {"count_distinct(orders) > 1", "count_distinct(orders)", "`count_distinct` needs a column"},
             {"count_distinct(orders.tags) > 1", "tags", "`count_distinct` does not take a list"},
             {"count(returns within last 30 days) > 0", "30 days", "event table `returns` has no time column"},
             {"count(returns before 2026-01-01) > 0", "2026-01-01", "has no time column"},
             {"count(orders where count(page_views) > 1) > 0", "count(page_views)",
              "an aggregate cannot be used inside the `where` condition"},
             {"count(orders, page_views) > 1", "count(orders, page_views)", "`count` is an event aggregate"},
             {"count(orders > 5)", "count(orders > 5)", "`count` is an event aggregate"},
             {"exists(not orders)", "exists(not orders)", "`exists` is an event aggregate"},
             {"count() > 1", "count()", "`count` is an event aggregate"},
             {"count(orders after signup_date) > 1", "signup_date", "a window bound cannot read a column"},
             {"count(orders between today - 9 days and today - age * 1 day) > 1", "age",
              "a window bound cannot read a column"},
             {"count(orders after last(orders.ordered_at)) > 1", "last(orders.ordered_at)",
              "a window bound cannot hold an aggregate"},
         }) {
        BOOST_TEST_CONTEXT(c.rule) {
            Diagnostic d = only(c.rule, "E115");
            BOOST_CHECK_EQUAL(pointed(d, c.rule), c.pointed);
            BOOST_CHECK_MESSAGE(contains(d.message, c.message), d.message);
        }
    }
    // The hints name a column that fits.
    BOOST_CHECK_EQUAL(only("sum(orders) > 1", "E115").hint, "e.g. `sum(orders.amount)`");
    BOOST_CHECK_EQUAL(only("sum(orders.note) > 1", "E115").hint, "e.g. `sum(orders.amount)`");
    BOOST_CHECK_EQUAL(only("first(orders) > 1", "E115").hint, "e.g. `first(orders.ordered_at)`");
}

BOOST_AUTO_TEST_CASE(window_types) {
    // Bounds are dates or timestamps; a date time column moves in whole days.
    std::string rule = "count(orders between \"2026-01-01\" and today) > 1";
    Diagnostic d = only(rule, "E105");
    BOOST_CHECK_EQUAL(pointed(d, rule), "\"2026-01-01\"");
    BOOST_CHECK(contains(d.hint, "write dates without quotes"));
    rule = "count(visits within last 12 hours) > 1";
    d = only(rule, "E105");
    BOOST_CHECK_EQUAL(pointed(d, rule), "12 hours");
    BOOST_CHECK(contains(d.message, "`visited_on`) is a date"));
    BOOST_CHECK_EQUAL(check_events("segment s: count(visits after today - 3 days) > 1").codes(), "");
    BOOST_CHECK_EQUAL(check_events("segment s: count(orders before now - 3 hours) > 1").codes(), "");
}

BOOST_AUTO_TEST_CASE(where_sees_only_event_columns) {
    // A customer column inside `where` is unknown there, and the message says why.
    std::string rule = "count(orders where country = \"DE\") > 1";
    Diagnostic d = only(rule, "E101");
    BOOST_CHECK_EQUAL(pointed(d, rule), "country");
    BOOST_CHECK(contains(d.message, "not a column of `orders`"));
    BOOST_CHECK(contains(d.message, "customer column, which `where` cannot see"));
    Result result = check_events("segment vip: age > 60\nsegment s: count(orders where vip) > 1");
    BOOST_REQUIRE_EQUAL(result.codes(), "E101");
    BOOST_CHECK(contains(result.diagnostics[0].message, "is a segment, which `where` cannot see"));
    d = only("exists(orders where chanel = \"web\")", "E101");
    BOOST_CHECK(contains(d.hint, "did you mean `channel`?"));
    // The rest of the language works there: functions, lists, text, time tests, enum checks.
    BOOST_CHECK_EQUAL(check_events("segment s: exists(orders where lower(note) starts with \"gift\" and channel in "
                                   "(\"web\", \"app\") and ordered_at within last 3 days and not gift)")
                          .codes(),
                      "");
    d = only("exists(orders where channel = \"mail\")", "E107");
    BOOST_CHECK(contains(d.message, "is not a value of enum `channel`"));
    d = only("exists(orders where channel = web)", "E101");
    BOOST_CHECK_EQUAL(d.hint, "to mean the text, write it in double quotes: \"web\"");
    // `where` is a keyword now: a column of that name is written in backquotes, and the error says so.
    Result keyword = check_events("segment s: count(orders where where = \"x\") > 1");
    BOOST_REQUIRE_EQUAL(keyword.codes(), "E004");
    BOOST_CHECK(contains(keyword.diagnostics[0].hint, "a column named `where` is written `` `where` ``"));
    // The condition must be a condition.
    rule = "exists(orders where amount)";
    d = only(rule, "E105");
    BOOST_CHECK_EQUAL(pointed(d, rule), "amount");
    BOOST_CHECK(contains(d.message, "the `where` condition must be a condition (bool)"));
    // Outside the aggregate, customer columns are back in scope.
    BOOST_CHECK_EQUAL(check_events("segment s: exists(orders where amount > 5) and country = \"DE\"").codes(), "");
}

BOOST_AUTO_TEST_CASE(window_after_where_gets_a_hint) {
    Result result = check_events("segment s: count(orders where channel = \"web\" within last 7 days) > 1");
    BOOST_REQUIRE_EQUAL(result.codes(), "E004");
    const Diagnostic& d = result.diagnostics[0];
    BOOST_CHECK_EQUAL(pointed(d, "count(orders where channel = \"web\" within last 7 days) > 1"), "within");
    BOOST_CHECK_EQUAL(d.hint,
                      "the window goes before `where`: `count(orders within last 7 days where channel = \"web\")`");
    result = check_events("segment s: sum(orders.amount where amount > 5 between 2026-01-01 and today) > 1");
    BOOST_REQUIRE_EQUAL(result.codes(), "E004");
    BOOST_CHECK_EQUAL(result.diagnostics[0].hint,
                      "the window goes before `where`: `sum(orders.amount between 2026-01-01 and today where amount > "
                      "5)`");
    // A window after `where` that parses as part of the condition (on a column that is not a time) gets the hint too.
    std::string rule = "count(orders where gift within last 7 days) > 1";
    Diagnostic moved = only(rule, "E105");
    BOOST_CHECK_EQUAL(pointed(moved, rule), "gift within last 7 days");
    BOOST_CHECK_EQUAL(moved.hint,
                      "if this is the window of `count`, it goes before `where`: `count(orders within last 7 days "
                      "where gift)`");
    rule = "sum(orders.amount where channel = \"web\" and note before 2026-01-01) > 1";
    moved = only(rule, "E105");
    BOOST_CHECK_EQUAL(moved.hint,
                      "if this is the window of `sum`, it goes before `where`: `sum(orders.amount before 2026-01-01 "
                      "where channel = \"web\")`");
    // A subject that is no condition (not a bool) is left out of `where`; alone, it leaves no `where` at all.
    rule = "count(orders where note within last 7 days) > 1";
    BOOST_CHECK_EQUAL(only(rule, "E105").hint,
                      "if this is the window of `count`, it goes before `where`: `count(orders within last 7 days)`");
    // `between` also compares numbers and text: at the end of `where` it is a condition, not a misplaced window.
    BOOST_CHECK_EQUAL(check_events("segment s: count(orders where amount between 1 and 5) > 1").codes(), "");
    BOOST_CHECK_EQUAL(
        check_events("segment s: count(orders where channel = \"web\" and note between \"a\" and \"c\") > 1").codes(),
        "");
    rule = "max(`orders`.`amount` where gift before today) > 1";
    BOOST_CHECK(contains(only(rule, "E105").hint, "`max(orders.amount before today where gift)`"));
    // On the time column it is a valid condition, the same as the window.
    BOOST_CHECK_EQUAL(check_events("segment s: count(orders where gift and ordered_at within last 7 days) > 1").codes(),
                      "");
    // `where` on a function is an error of its own.
    result = check_events("segment s: lower(country where age > 1) = \"x\"");
    BOOST_REQUIRE_EQUAL(result.codes(), "E004");
    BOOST_CHECK(contains(result.diagnostics[0].message, "`lower` is a function"));
}

// `first`/`last` order events by the time column: on a table without one they have no meaning (E115).
BOOST_AUTO_TEST_CASE(first_and_last_need_a_time_column) {
    Diagnostic d = only("first(returns.reason) = \"size\"", "E115");
    BOOST_CHECK(contains(d.message, "event table `returns` has no time column, so its events have no order"));
    BOOST_CHECK_EQUAL(check_events("segment s: min(returns.reason) = \"size\"").codes(), "");
}

BOOST_AUTO_TEST_CASE(null_without_events_W009) {
    std::string rule = "last(orders.ordered_at) < today - 180 days";
    Diagnostic d = only(rule, "W009");
    BOOST_CHECK(d.severity == Severity::Warning);
    BOOST_CHECK_EQUAL(pointed(d, rule), rule);
    BOOST_CHECK(contains(d.message, "`last(orders.ordered_at)` is NULL for a customer with no `orders` events"));
    BOOST_CHECK(contains(d.hint, "not exists(orders) or last(orders.ordered_at) < today - 180 days"));
    // Mirrored, `before`, `!=` and under `not`.
    BOOST_CHECK_EQUAL(only("today - 180 days > max(orders.ordered_at)", "W009").span.begin, 11u);
    only("first(orders.ordered_at) before 2026-01-01", "W009");
    only("avg(orders.amount within last 30 days) != 10", "W009");
    d = only("not (avg(orders.amount where channel = \"web\") > 100)", "W009");
    BOOST_CHECK(contains(d.message, "no matching `orders` events"));
    // The hint tests the same events: the aggregate's window and `where` carry over to `exists`.
    BOOST_CHECK(contains(d.hint, "`not exists(orders where channel = \"web\") or "));
    BOOST_CHECK(contains(only("last(orders.ordered_at within last 1 year) < today - 30 days", "W009").hint,
                         "add `exists(orders within last 1 year) and` to say so"));
    // Silent: positive tests, tests of exists/count/is null of the table, and aggregates that are never NULL.
    for (const char* rule :
         {"last(orders.ordered_at) > today - 180 days", "exists(orders) and last(orders.ordered_at) < today",
          "count(orders) > 0 and max(orders.amount) < 10", "min(orders.amount) < 5 or min(orders.amount) is null",
          "count(orders) < 3", "not exists(orders)", "sum(orders.amount) < 10"}) {
        BOOST_TEST_CONTEXT(rule) { BOOST_CHECK_EQUAL(check_events(std::string("segment s: ") + rule).codes(), ""); }
    }
}

BOOST_AUTO_TEST_CASE(null_without_events_W009_follows_segment_references) {
    // A segment referred to (here defined later, and through another one) that tests exists() guards the rule.
    Result result = check_events(R"(segment lapsed: buyers_too and last(orders.ordered_at) < today - 180 days
segment buyers_too: buyers
segment buyers: exists(orders within last 10 years)
segment lapsed_views: buyers and last(page_views.viewed_at) < today - 30 days
)");
    BOOST_REQUIRE_EQUAL(result.codes(), "W009");
    BOOST_CHECK(contains(result.diagnostics[0].message, "`last(page_views.viewed_at)`"));
    // A cycle of references is an error of its own; the search for guards still ends.
    BOOST_CHECK_EQUAL(check_events("segment a: b and last(orders.ordered_at) < today\nsegment b: a").codes(),
                      "E109 W009");
}

BOOST_AUTO_TEST_CASE(lowering_makes_aggregate_leaves_with_filters) {
    Result result = check_events(R"(segment a: sum(orders.amount within last 365 days where channel = "web") > 1_000
segment b: count(orders) = 1
segment c: exists(page_views between 2026-01-01 and today where url contains "/pricing")
segment d: count(visits before today - 1 week) >= 0
segment e: max(orders.order_id after 2026-01-01) > 1
segment f: exists(orders where amount > 10) and age > 30
)");
    BOOST_REQUIRE_MESSAGE(result.diagnostics.empty(), result.text());
    std::vector<ir::Rule> rules = ir::lower(result.catalog);
    BOOST_REQUIRE_EQUAL(rules.size(), 6u);
    for (const auto& rule : rules) BOOST_CHECK_EQUAL(ir::verify(*rule.root), "");

    // a: sum over orders (events 0) of amount (column 3); filter = window and where, in the event columns.
    const ir::Node& sum = *rules[0].root->args[0];
    BOOST_REQUIRE(sum.kind == ir::Kind::Aggregate);
    BOOST_CHECK(sum.args.empty());
    BOOST_CHECK(sum.type == ir::Type::Number);
    const ir::AggregateSpec& a = *sum.aggregate;
    BOOST_CHECK(a.function == ir::AggregateFunction::Sum);
    BOOST_CHECK_EQUAL(a.events, 0u);
    BOOST_REQUIRE(a.column);
    BOOST_CHECK_EQUAL(*a.column, 3u);
    BOOST_CHECK_EQUAL(a.key, "sum(orders.amount within last 365 days where channel = \"web\")");
    BOOST_REQUIRE(a.filter);
    BOOST_CHECK_EQUAL(ir::dump(*a.filter), ir::dump(*rules[0].root->args[0]->aggregate->filter));
    const std::string filter = ir::dump(*a.filter);
    BOOST_TEST_MESSAGE(filter);
    BOOST_CHECK(a.filter->kind == ir::Kind::And);
    BOOST_REQUIRE_EQUAL(a.filter->args.size(), 2u);
    // The window: ordered_at (column 1) >= now - 365 days and ordered_at <= now.
    const ir::Node& window = *a.filter->args[0];
    BOOST_CHECK(window.kind == ir::Kind::And);
    BOOST_CHECK(window.args[0]->args[0]->kind == ir::Kind::Column);
    BOOST_CHECK_EQUAL(window.args[0]->args[0]->column, 1u);
    BOOST_CHECK(window.args[0]->args[1]->kind == ir::Kind::DateShift);
    BOOST_CHECK(window.args[0]->args[1]->args[0]->kind == ir::Kind::Now);
    BOOST_CHECK_EQUAL(window.args[0]->args[1]->amount, -365 * 86400LL * 1000000LL);
    BOOST_CHECK(window.args[1]->args[1]->kind == ir::Kind::Now);
    // The where: channel (column 4) = "web".
    const ir::Node& where = *a.filter->args[1];
    BOOST_CHECK(where.kind == ir::Kind::Compare);
    BOOST_CHECK_EQUAL(where.args[0]->column, 4u);
    BOOST_CHECK(where.args[1]->constant == ir::Value(std::string("web")));
    BOOST_CHECK_EQUAL(ir::verify(*a.filter), "");

    // b: count of events, no column, no filter, an int.
    const ir::Node& count = *rules[1].root->args[0];
    BOOST_CHECK(count.type == ir::Type::Int);
    BOOST_CHECK(count.aggregate->function == ir::AggregateFunction::Count);
    BOOST_CHECK(!count.aggregate->column);
    BOOST_CHECK(!count.aggregate->filter);
    BOOST_CHECK_EQUAL(count.aggregate->key, "count(orders)");

    // c: page_views (events 1), a between window on a timestamp: dates become timestamps as for a column.
    const ir::Node& exists = *rules[2].root;
    BOOST_REQUIRE(exists.kind == ir::Kind::Aggregate);
    BOOST_CHECK(exists.type == ir::Type::Bool);
    BOOST_CHECK_EQUAL(exists.aggregate->events, 1u);
    const std::string c_filter = ir::dump(*exists.aggregate->filter);
    BOOST_CHECK_MESSAGE(contains(c_filter, "(cast date->timestamp : timestamp"), c_filter);
    BOOST_CHECK_MESSAGE(contains(c_filter, "(today : date)"), c_filter);
    BOOST_CHECK_EQUAL(ir::verify(*exists.aggregate->filter), "");

    // d: visits (events 2), date time column: visited_on < today - 7 days, in days.
    const ir::Node& d = *rules[3].root->args[0]->aggregate->filter;
    BOOST_CHECK(d.kind == ir::Kind::Compare);
    BOOST_CHECK(d.op == ir::Op::Lt);
    BOOST_CHECK_EQUAL(d.args[0]->column, 1u);
    BOOST_CHECK(d.args[0]->type == ir::Type::Date);
    BOOST_CHECK(d.args[1]->op == ir::Op::Days);
    BOOST_CHECK_EQUAL(d.args[1]->amount, -7);

    // e: `after` is `>`; max of an int column is an int.
    const ir::Node& e = *rules[4].root->args[0];
    BOOST_CHECK(e.type == ir::Type::Int);
    BOOST_CHECK(e.aggregate->filter->op == ir::Op::Gt);

    // f: customer columns outside the aggregate stay customer columns (age is column 1 of the customers).
    const ir::Node& f = *rules[5].root;
    BOOST_CHECK_EQUAL(f.args[0]->aggregate->filter->args[0]->column, 3u);  // amount, in orders
    BOOST_CHECK_EQUAL(f.args[1]->args[0]->column, 1u);                     // age, in customers
}

BOOST_AUTO_TEST_CASE(aggregates_are_values_everywhere) {
    // An aggregate is a value like a column: in functions, arithmetic and comparisons with other aggregates.
    Result result = check_events(R"(segment a: coalesce(avg(orders.amount), 0) < 5
segment b: sum(orders.amount) / count(orders.amount) > 2 * min(orders.amount)
segment c: days_since(last(orders.ordered_at)) > 30
)");
    BOOST_REQUIRE_MESSAGE(result.diagnostics.empty(), result.text());
    std::vector<ir::Rule> rules = ir::lower(result.catalog);
    BOOST_REQUIRE_EQUAL(rules.size(), 3u);
    for (const auto& rule : rules) BOOST_CHECK_EQUAL(ir::verify(*rule.root), "");
    const std::string a = ir::dump(*rules[0].root);
    BOOST_CHECK_MESSAGE(contains(a, "avg(orders.amount)"), a);
    // days_since reads the date of the timestamp aggregate.
    const std::string c = ir::dump(*rules[2].root);
    BOOST_CHECK_MESSAGE(contains(c, "timestamp->date"), c);
}

BOOST_AUTO_TEST_CASE(every_aggregate_lowers_to_its_function) {
    struct Case {
        const char* text;
        ir::AggregateFunction function;
        ir::Type type;
    };
    for (const Case& c : std::vector<Case>{
             {"count(orders)", ir::AggregateFunction::Count, ir::Type::Int},
             {"count_distinct(orders.channel)", ir::AggregateFunction::CountDistinct, ir::Type::Int},
             {"sum(orders.order_id)", ir::AggregateFunction::Sum, ir::Type::Int},
             {"avg(orders.amount)", ir::AggregateFunction::Avg, ir::Type::Number},
             {"min(orders.channel)", ir::AggregateFunction::Min, ir::Type::String},
             {"max(visits.visited_on)", ir::AggregateFunction::Max, ir::Type::Date},
             {"first(orders.tags)", ir::AggregateFunction::First, ir::Type::StringList},
             {"last(orders.ordered_at)", ir::AggregateFunction::Last, ir::Type::Timestamp},
             {"exists(orders.note)", ir::AggregateFunction::Exists, ir::Type::Bool},
         }) {
        BOOST_TEST_CONTEXT(c.text) {
            Result result = check_events(std::string("segment s: ") + c.text + " is not null");
            BOOST_REQUIRE_MESSAGE(result.diagnostics.empty(), result.text());
            std::vector<ir::Rule> rules = ir::lower(result.catalog);
            BOOST_REQUIRE_EQUAL(rules.size(), 1u);
            const ir::Node& node = *rules[0].root->args[0];
            BOOST_REQUIRE(node.kind == ir::Kind::Aggregate);
            BOOST_CHECK(node.aggregate->function == c.function);
            BOOST_CHECK(node.type == c.type);
            BOOST_CHECK_EQUAL(node.aggregate->key, c.text);
            BOOST_CHECK_EQUAL(ir::verify(*rules[0].root), "");
        }
    }
}

BOOST_AUTO_TEST_CASE(equal_aggregates_share_a_key) {
    Result result = check_events(R"(segment a: COUNT(orders WITHIN LAST 90 DAYS where channel = 'web') > 1
segment b: count(orders within last 90 days where (channel = "web")) < 5
)");
    BOOST_REQUIRE_MESSAGE(result.diagnostics.empty(), result.text());
    std::vector<ir::Rule> rules = ir::lower(result.catalog);
    BOOST_REQUIRE_EQUAL(rules.size(), 2u);
    BOOST_CHECK_EQUAL(rules[0].root->args[0]->aggregate->key, rules[1].root->args[0]->aggregate->key);
    BOOST_CHECK_EQUAL(rules[0].root->args[0]->aggregate->key,
                      "count(orders within last 90 days where channel = \"web\")");
}

BOOST_AUTO_TEST_SUITE_END()
