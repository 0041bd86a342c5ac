// Event tables: the schema's `events:`, event CSV files grouped by customer and time, and the two evaluations of an
// aggregate (engine/aggregates.cpp for the VM, the reference evaluator) against hand-computed values and each other.
#include "data/events.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/calendar.h"
#include "data/csv_loader.h"
#include "engine/aggregates.h"
#include "project/fixture.h"
#include "reference/reference_evaluator.h"
#include "schema/schema.h"
#include "test_support.h"

namespace {

using segmint::DiagnosticSink;
using segmint::Source;
using segmint::data::CsvError;
using segmint::data::EventSet;
using segmint::data::EventTable;
using segmint::data::Table;
using segmint::ir::AggregateFunction;
using segmint::ir::AggregateSpec;
using segmint::schema::Schema;
namespace ir = segmint::ir;

const char* const kSchema =
    "table: customers\n"
    "key: id\n"
    "columns: {id: int, name: string}\n"
    "events:\n"
    "  orders:\n"
    "    key: customer\n"
    "    time: at\n"
    "    columns: {customer: int, at: timestamp, amount: number, units: int, channel: {type: enum, values: [web, "
    "store]}, note: string}\n"
    "  visits:\n"
    "    key: customer\n"
    "    columns: {customer: int, page: string}\n";

std::optional<Schema> schema_from(const std::string& text, DiagnosticSink& sink) {
    return segmint::schema::load_schema(std::make_shared<Source>("schema.yaml", text), sink);
}

Schema test_schema() {
    DiagnosticSink sink;
    auto schema = schema_from(kSchema, sink);
    BOOST_TEST_REQUIRE(schema.has_value());
    return *schema;
}

Table customers_of(const Schema& schema, const std::string& csv) {
    CsvError error;
    auto table = segmint::data::load_csv_text(csv, "customers.csv", schema, &error);
    BOOST_TEST_REQUIRE(table.has_value(), error.to_string());
    return std::move(*table);
}

EventTable orders_of(const Table& customers, const std::string& csv) {
    CsvError error;
    auto events =
        segmint::data::load_events_csv_text(csv, "orders.csv", customers, customers.schema().events[0], &error);
    BOOST_TEST_REQUIRE(events.has_value(), error.to_string());
    return std::move(*events);
}

// Gives `customers` the orders of `orders_csv` and no visits.
void attach_orders(Table& customers, const std::string& orders_csv) {
    auto events = std::make_shared<EventSet>();
    events->tables.push_back(orders_of(customers, orders_csv));
    events->tables.push_back(segmint::data::no_events(customers, customers.schema().events[1]));
    customers.set_events(events);
}

std::string first_error(const std::string& schema_text) {
    DiagnosticSink sink;
    auto schema = schema_from(schema_text, sink);
    BOOST_TEST(!schema.has_value());
    return sink.diagnostics().empty() ? "" : sink.diagnostics()[0].message;
}

// An aggregate over `orders` (columns: customer 0, at 1, amount 2, units 3, channel 4, note 5).
std::shared_ptr<AggregateSpec> spec(AggregateFunction function, std::optional<uint32_t> column,
                                    ir::NodePtr filter = nullptr) {
    auto out = std::make_shared<AggregateSpec>();
    out->function = function;
    out->events = 0;
    out->column = column;
    out->filter = std::move(filter);
    out->key = std::string(ir::aggregate_name(function)) + "#" + (column ? std::to_string(*column) : "-") +
               (out->filter ? ir::dump(*out->filter) : "");
    return out;
}

ir::NodePtr leaf(ir::Kind kind, ir::Type type) {
    auto node = std::make_unique<ir::Node>();
    node->kind = kind;
    node->type = type;
    return node;
}

ir::NodePtr column_node(uint32_t index, ir::Type type) {
    auto node = leaf(ir::Kind::Column, type);
    node->column = index;
    return node;
}

ir::NodePtr constant(ir::Value value, ir::Type type) {
    auto node = leaf(ir::Kind::Constant, type);
    node->constant = std::move(value);
    return node;
}

ir::NodePtr compare(ir::Op op, ir::NodePtr a, ir::NodePtr b) {
    auto node = leaf(ir::Kind::Compare, ir::Type::Bool);
    node->op = op;
    node->args.push_back(std::move(a));
    node->args.push_back(std::move(b));
    return node;
}

ir::Type result_type(AggregateFunction function, std::optional<uint32_t> column) {
    switch (function) {
        case AggregateFunction::Count:
        case AggregateFunction::CountDistinct: return ir::Type::Int;
        case AggregateFunction::Exists: return ir::Type::Bool;
        case AggregateFunction::Avg: return ir::Type::Number;
        default: break;
    }
    switch (*column) {
        case 1: return ir::Type::Timestamp;
        case 2: return ir::Type::Number;
        case 3: return ir::Type::Int;
        default: return ir::Type::String;
    }
}

// The aggregate's value for every customer, by the VM's computation and by the reference evaluator.
struct BothValues {
    std::vector<ir::Value> vm, reference;
};
BothValues evaluate_both(const std::shared_ptr<AggregateSpec>& aggregate, const Table& customers,
                         segmint::scalar::AsOf as_of) {
    const ir::Type type = result_type(aggregate->function, aggregate->column);
    const auto columns = segmint::engine::compute_aggregates({aggregate}, {type}, customers, as_of);
    BOOST_TEST_REQUIRE(columns.size() == 1u);
    BOOST_TEST_REQUIRE(columns[0].size == customers.rows());
    auto node = leaf(ir::Kind::Aggregate, type);
    node->aggregate = aggregate;
    segmint::reference::ReferenceEvaluator reference(customers, as_of);
    BothValues out;
    for (uint64_t row = 0; row < customers.rows(); ++row) {
        out.vm.push_back(segmint::reference::column_value(columns[0], row));
        out.reference.push_back(reference.value(*node, row, {}));
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(events)

BOOST_AUTO_TEST_CASE(the_schema_declares_event_tables) {
    const Schema schema = test_schema();
    BOOST_TEST_REQUIRE(schema.events.size() == 2u);
    const auto& orders = schema.events[0];
    BOOST_TEST(orders.name == "orders");
    BOOST_TEST(orders.key == "customer");
    BOOST_TEST(orders.time == "at");
    BOOST_TEST(orders.columns.size() == 6u);
    BOOST_TEST((orders.time_column()->type == segmint::schema::ColumnType::Timestamp));
    BOOST_TEST(schema.events[1].time.empty());  // no time: no windows on visits
    BOOST_TEST(schema.find_events("visits") == &schema.events[1]);
    BOOST_TEST(schema.find_events("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(event_table_errors_name_the_key_path) {
    const std::string head = "table: customers\nkey: id\ncolumns: {id: int}\nevents:\n";
    BOOST_TEST(first_error(head + "  orders: {key: custmer, columns: {customer: int}}\n") ==
               "events.orders.key: `custmer` is not one of the columns of event table `orders`");
    BOOST_TEST(first_error(head + "  orders: {key: customer, columns: {customer: string}}\n") ==
               "events.orders.key: the key `customer` is `string`, but the customer key `id` is `int`");
    BOOST_TEST(first_error(head + "  orders: {key: c, time: amount, columns: {c: int, amount: number}}\n") ==
               "events.orders.time: the time column `amount` is `number`; it must be a date or a timestamp");
    BOOST_TEST(first_error(head + "  orders: {key: c, columns: {c: int}, tme: x}\n").find("unknown key") !=
               std::string::npos);
    BOOST_TEST(first_error(head + "  orders: {columns: {c: int}}\n").find("key") != std::string::npos);
    BOOST_TEST(first_error(head + "  - orders\n").find("events") != std::string::npos);
    BOOST_TEST(first_error(head + "  id: {key: c, columns: {c: int}}\n") ==
               "events.id: an event table cannot be named `id`, like a customer column");
    BOOST_TEST(first_error(head + "  customers: {key: c, columns: {c: int}}\n") ==
               "events.customers: an event table cannot be named `customers`, the key of the customers' file in a "
               "project's `data:`");
}

// Found by fuzzing: when no event names a customer there is nothing to order, and sorting the empty ranges must not
// step from the empty order's null pointer (UBSan: pointer overflow).
BOOST_AUTO_TEST_CASE(events_that_all_name_nobody_group_into_empty_ranges) {
    const Schema schema = test_schema();
    const Table customers = customers_of(schema, "id,name\n30,c\n10,a\n");
    const EventTable orders = orders_of(customers,
                                        "customer,at,amount,units,channel,note\n"
                                        "99,2026-01-05T00:00:00Z,1,1,web,\n"
                                        "98,2026-01-01T00:00:00Z,1,1,web,\n");
    BOOST_TEST(orders.orphans == 2u);
    BOOST_TEST(orders.first_orphan_key == "99");
    BOOST_TEST((orders.offsets == std::vector<uint64_t>{0, 0, 0}));
    BOOST_TEST(orders.table.rows() == 0u);
}

BOOST_AUTO_TEST_CASE(events_are_grouped_by_customer_then_time) {
    const Schema schema = test_schema();
    // Customers in file order 30, 10, 20; customer 40 has no events; key 99 names nobody.
    const Table customers = customers_of(schema, "id,name\n30,c\n10,a\n20,b\n40,d\n");
    const EventTable orders = orders_of(customers,
                                        "customer,at,amount,units,channel,note\n"
                                        "10,2026-03-01T00:00:00Z,5,1,web,x\n"
                                        "30,2026-01-02T00:00:00Z,7,2,store,\n"
                                        "99,2026-01-01T00:00:00Z,1,1,web,\n"
                                        "10,2026-01-01T00:00:00Z,3,1,store,y\n"
                                        "10,2026-01-01T00:00:00Z,4,1,web,z\n"
                                        "99,2026-01-05T00:00:00Z,1,1,web,\n");
    BOOST_TEST(orders.orphans == 2u);
    BOOST_TEST(orders.first_orphan_key == "99");
    BOOST_TEST(orders.first_orphan_row == 2u);
    BOOST_TEST((orders.offsets == std::vector<uint64_t>{0, 1, 4, 4, 4}));
    const auto& amount = *orders.table.find("amount");
    // Customer 10 (row 1): two events at one time keep their file order (3 then 4), then the later one (5).
    BOOST_TEST((std::vector<double>(amount.f64.begin(), amount.f64.end()) == std::vector<double>{7, 3, 4, 5}));
    const auto& note = *orders.table.find("note");
    BOOST_TEST(note.is_null(0));
    BOOST_TEST(note.string_at(3) == "x");
    BOOST_TEST(orders.table.find("channel")->string_at(1) == "store");
}

BOOST_AUTO_TEST_CASE(an_event_without_key_or_time_is_an_error_at_its_line) {
    const Schema schema = test_schema();
    const Table customers = customers_of(schema, "id,name\n1,a\n");
    CsvError error;
    auto missing_time = segmint::data::load_events_csv_text(
        "customer,at,amount,units,channel,note\n1,2026-01-01T00:00:00Z,1,1,web,\n1,,1,1,web,\n", "orders.csv",
        customers, schema.events[0], &error);
    BOOST_TEST(!missing_time.has_value());
    BOOST_TEST(error.line == 3u);
    BOOST_TEST(error.message.find("every event of `orders` has a time") != std::string::npos, error.message);
    auto missing_key = segmint::data::load_events_csv_text("customer,page\n1,/a\n,/b\n", "visits.csv", customers,
                                                           schema.events[1], &error);
    BOOST_TEST(!missing_key.has_value());
    BOOST_TEST(error.line == 3u);
    BOOST_TEST(error.message.find("names the customer") != std::string::npos, error.message);
}

BOOST_AUTO_TEST_CASE(string_keys_group_too) {
    DiagnosticSink sink;
    auto schema = schema_from(
        "table: c\nkey: id\ncolumns: {id: string}\nevents:\n  e: {key: who, columns: {who: string, n: int}}\n", sink);
    BOOST_TEST_REQUIRE(schema.has_value());
    const Table customers = customers_of(*schema, "id\nb\na\n");
    CsvError error;
    auto events = segmint::data::load_events_csv_text("who,n\na,1\nzz,2\nb,3\na,4\n", "e.csv", customers,
                                                      schema->events[0], &error);
    BOOST_TEST_REQUIRE(events.has_value(), error.to_string());
    BOOST_TEST((events->offsets == std::vector<uint64_t>{0, 1, 3}));
    BOOST_TEST(events->orphans == 1u);
    BOOST_TEST(events->first_orphan_key == "zz");
    const auto& n = events->table.find("n")->i64;
    BOOST_TEST((std::vector<int64_t>(n.begin(), n.end()) == std::vector<int64_t>{3, 1, 4}));
}

// Hand-computed values (docs/language.md "Event aggregates"): no events give 0 / FALSE / NULL, NULLs are skipped,
// first/last go by time and break ties by the smaller value.
BOOST_AUTO_TEST_CASE(aggregates_have_the_documented_values) {
    const Schema schema = test_schema();
    Table customers = customers_of(schema, "id,name\n1,a\n2,b\n");
    attach_orders(customers,
                  "customer,at,amount,units,channel,note\n"
                  "1,2026-01-02T00:00:00Z,5,2,web,b\n"
                  "1,2026-01-01T00:00:00Z,,3,store,a\n"
                  "1,2026-01-02T00:00:00Z,2.5,,web,a\n"
                  "1,2026-01-03T00:00:00Z,8,9223372036854775807,,\n");
    const segmint::scalar::AsOf as_of{};
    auto values = [&](AggregateFunction f, std::optional<uint32_t> column, ir::NodePtr filter = nullptr) {
        auto both = evaluate_both(spec(f, column, std::move(filter)), customers, as_of);
        BOOST_TEST((both.vm == both.reference));
        return both.vm;
    };
    using V = std::vector<ir::Value>;
    const ir::Value null = ir::Null{};
    BOOST_TEST((values(AggregateFunction::Count, std::nullopt) == V{int64_t{4}, int64_t{0}}));
    BOOST_TEST((values(AggregateFunction::Count, 2u) == V{int64_t{3}, int64_t{0}}));  // one amount is NULL
    BOOST_TEST((values(AggregateFunction::Exists, std::nullopt) == V{true, false}));
    BOOST_TEST((values(AggregateFunction::Sum, 2u) == V{15.5, 0.0}));
    BOOST_TEST((values(AggregateFunction::Sum, 3u) == V{null, int64_t{0}}));  // 2 + 3 + INT64_MAX overflows: NULL
    BOOST_TEST((values(AggregateFunction::Avg, 2u) == V{15.5 / 3, null}));
    BOOST_TEST((values(AggregateFunction::Min, 2u) == V{2.5, null}));
    BOOST_TEST((values(AggregateFunction::Max, 5u) == V{std::string("b"), null}));
    BOOST_TEST((values(AggregateFunction::CountDistinct, 5u) == V{int64_t{2}, int64_t{0}}));
    BOOST_TEST((values(AggregateFunction::CountDistinct, 4u) == V{int64_t{2}, int64_t{0}}));
    // first amount: Jan 1 is NULL, so Jan 2, where 5 and 2.5 tie: the smaller. last amount: Jan 3.
    BOOST_TEST((values(AggregateFunction::First, 2u) == V{2.5, null}));
    BOOST_TEST((values(AggregateFunction::Last, 2u) == V{8.0, null}));
    BOOST_TEST((values(AggregateFunction::First, 5u) == V{std::string("a"), null}));
    // A filter: amount > 4 (NULL amounts fail it).
    auto over_four = [] {
        return compare(ir::Op::Gt, column_node(2, ir::Type::Number), constant(4.0, ir::Type::Number));
    };
    BOOST_TEST((values(AggregateFunction::Count, std::nullopt, over_four()) == V{int64_t{2}, int64_t{0}}));
    BOOST_TEST((values(AggregateFunction::Sum, 3u, over_four()) == V{null, int64_t{0}}));
    BOOST_TEST((values(AggregateFunction::Min, 1u, over_four()) ==
                V{ir::TimestampValue{segmint::calendar::parse_timestamp("2026-01-02T00:00:00Z").value()}, null}));
    // Without loaded events, nobody has any.
    Table bare = customers_of(schema, "id,name\n1,a\n");
    auto none = evaluate_both(spec(AggregateFunction::Count, std::nullopt), bare, as_of);
    BOOST_TEST((none.vm == V{int64_t{0}}));
    BOOST_TEST((none.reference == V{int64_t{0}}));
}

// Random events (NULLs, ties in time, customers without events, orphans) under random filters: the VM's computation
// and the reference evaluator agree on every function and column.
BOOST_AUTO_TEST_CASE(vm_and_reference_agree_on_random_events) {
    const Schema schema = test_schema();
    std::mt19937_64 random(17);
    auto pick = [&random](int n) { return static_cast<int>(random() % static_cast<uint64_t>(n)); };
    std::string customers_csv = "id,name\n";
    for (int id = 0; id < 60; ++id) customers_csv += std::to_string(id * 3) + ",n\n";
    Table customers = customers_of(schema, customers_csv);
    std::string orders_csv = "customer,at,amount,units,channel,note\n";
    const char* notes[] = {"", "a", "b", "\xc3\xa9", "B"};
    for (int i = 0; i < 1500; ++i) {
        orders_csv += std::to_string(pick(200)) + ",2026-0" + std::to_string(1 + pick(3)) + "-0" +
                      std::to_string(1 + pick(4)) + "T00:00:00Z,";
        orders_csv += (pick(6) == 0 ? "" : std::to_string(pick(40) - 10) + (pick(2) ? ".5" : "")) + ",";
        orders_csv += (pick(6) == 0 ? "" : std::to_string(pick(9) - 3)) + ",";
        orders_csv += std::string(pick(5) == 0 ? "" : pick(2) ? "web" : "store") + "," + notes[pick(5)] + "\n";
    }
    auto events = std::make_shared<EventSet>();
    events->tables.push_back(orders_of(customers, orders_csv));
    events->tables.push_back(segmint::data::no_events(customers, schema.events[1]));
    BOOST_TEST(events->tables[0].orphans > 0u);
    customers.set_events(events);
    const auto as_of = segmint::scalar::AsOf{};
    std::vector<std::function<ir::NodePtr()>> filters = {
        [] { return ir::NodePtr(); },
        [] { return compare(ir::Op::Ge, column_node(2, ir::Type::Number), constant(3.0, ir::Type::Number)); },
        [] {
            return compare(ir::Op::Eq, column_node(4, ir::Type::String),
                           constant(std::string("web"), ir::Type::String));
        },
        [] {
            return compare(
                ir::Op::Lt, column_node(1, ir::Type::Timestamp),
                constant(ir::TimestampValue{segmint::calendar::parse_timestamp("2026-02-02T00:00:00Z").value()},
                         ir::Type::Timestamp));
        },
    };
    const std::vector<std::pair<AggregateFunction, std::vector<std::optional<uint32_t>>>> cases = {
        {AggregateFunction::Count, {std::nullopt, 2u, 5u}},
        {AggregateFunction::Exists, {std::nullopt, 3u}},
        {AggregateFunction::CountDistinct, {1u, 2u, 3u, 4u, 5u}},
        {AggregateFunction::Sum, {2u, 3u}},
        {AggregateFunction::Avg, {2u, 3u}},
        {AggregateFunction::Min, {1u, 2u, 3u, 4u, 5u}},
        {AggregateFunction::Max, {1u, 2u, 3u, 4u, 5u}},
        {AggregateFunction::First, {2u, 3u, 4u, 5u}},
        {AggregateFunction::Last, {2u, 3u, 4u, 5u}},
    };
    size_t compared = 0, non_null = 0, aggregates = 0;
    for (const auto& one : cases) aggregates += one.second.size();
    for (const auto& [function, columns] : cases) {
        for (const auto& column : columns) {
            for (const auto& filter : filters) {
                auto both = evaluate_both(spec(function, column, filter()), customers, as_of);
                for (uint64_t row = 0; row < customers.rows(); ++row) {
                    BOOST_TEST((both.vm[row] == both.reference[row]),
                               ir::aggregate_name(function)
                                   << " column " << (column ? int(*column) : -1) << " customer row " << row << ": vm "
                                   << ir::value_text(both.vm[row]) << ", reference "
                                   << ir::value_text(both.reference[row]));
                    ++compared;
                    non_null += !ir::is_null(both.vm[row]);
                }
            }
        }
    }
    BOOST_TEST(aggregates == 32u);
    BOOST_TEST(compared == aggregates * filters.size() * 60u);
    BOOST_TEST(non_null > compared / 2);  // the data gives most customers values, not just NULLs
}

// BAD_INPUTS-style: one customer with a huge history, events in reverse time order, and orphans in between; the
// grouping keeps every event of that customer, in time order, and the aggregates see them all.
BOOST_AUTO_TEST_CASE(a_huge_history_for_one_customer) {
    const Schema schema = test_schema();
    Table customers = customers_of(schema, "id,name\n1,a\n2,b\n");
    const int n = 100000;
    std::string csv = "customer,at,amount,units,channel,note\n";
    csv.reserve(static_cast<size_t>(n) * 48);
    for (int i = n - 1; i >= 0; --i) {
        const int64_t micros = int64_t{1767225600} * 1000000 + int64_t{i} * 1000000;  // 2026-01-01 + i seconds
        csv += (i % 1000 == 0 ? "9," : "1,") + segmint::calendar::format_timestamp(micros) + "," +
               std::to_string(i % 7) + ",1,web,\n";
    }
    auto events = std::make_shared<EventSet>();
    events->tables.push_back(orders_of(customers, csv));
    events->tables.push_back(segmint::data::no_events(customers, schema.events[1]));
    const EventTable& orders = events->tables[0];
    BOOST_TEST(orders.orphans == 100u);
    BOOST_TEST((orders.offsets == std::vector<uint64_t>{0, uint64_t{n} - 100, uint64_t{n} - 100}));
    const auto& at = orders.table.find("at")->i64;
    BOOST_TEST(std::is_sorted(at.begin(), at.end()));
    customers.set_events(events);
    auto count = evaluate_both(spec(AggregateFunction::Count, std::nullopt), customers, {});
    BOOST_TEST((count.vm == std::vector<ir::Value>{int64_t{n - 100}, int64_t{0}}));
    BOOST_TEST((count.reference == count.vm));
    auto first = evaluate_both(spec(AggregateFunction::First, 2u), customers, {});
    BOOST_TEST((first.vm == std::vector<ir::Value>{1.0, ir::Null{}}));  // i = 1 (i = 0 is an orphan): amount 1
    BOOST_TEST((first.reference == first.vm));
    // Windows on a range this long are binary searches: half the events on each side of i = 50000 (50 orphans each).
    auto window = [](ir::Op op, int64_t seconds) {
        return compare(op, column_node(1, ir::Type::Timestamp),
                       constant(ir::TimestampValue{(int64_t{1767225600} + seconds) * 1000000}, ir::Type::Timestamp));
    };
    for (auto [op, seconds, expected] : {std::tuple{ir::Op::Lt, int64_t{50000}, int64_t{49950}},
                                         std::tuple{ir::Op::Ge, int64_t{50000}, int64_t{49950}},
                                         std::tuple{ir::Op::Le, int64_t{50001}, int64_t{49951}},
                                         std::tuple{ir::Op::Lt, int64_t{0}, int64_t{0}}}) {
        auto windowed = evaluate_both(spec(AggregateFunction::Count, std::nullopt, window(op, seconds)), customers, {});
        BOOST_TEST((windowed.vm == std::vector<ir::Value>{expected, int64_t{0}}));
        BOOST_TEST((windowed.reference == windowed.vm));
        auto exists = evaluate_both(spec(AggregateFunction::Exists, std::nullopt, window(op, seconds)), customers, {});
        BOOST_TEST((exists.vm == std::vector<ir::Value>{expected > 0, false}));
        BOOST_TEST((exists.reference == exists.vm));
    }
}

// A window's bounds are inclusive as written (`<=`, `>=`) and exclusive for `<`, `>`: on a short range, which is one
// pass over the times, and on a long one (a_huge_history_for_one_customer), which is two binary searches.
BOOST_AUTO_TEST_CASE(window_bounds_on_short_ranges) {
    const Schema schema = test_schema();
    Table customers = customers_of(schema, "id,name\n1,a\n2,b\n");
    attach_orders(customers,
                  "customer,at,amount,units,channel,note\n1,2026-01-01T00:00:00Z,,,,\n1,2026-01-02T00:00:00Z,,,,\n"
                  "1,2026-01-03T00:00:00Z,,,,\n");
    auto window = [](ir::Op op) {
        return compare(
            op, column_node(1, ir::Type::Timestamp),
            constant(ir::TimestampValue{segmint::calendar::parse_timestamp("2026-01-02T00:00:00Z").value()},
                     ir::Type::Timestamp));
    };
    for (auto [op, expected] : {std::pair{ir::Op::Le, int64_t{2}}, std::pair{ir::Op::Ge, int64_t{2}},
                                std::pair{ir::Op::Lt, int64_t{1}}, std::pair{ir::Op::Gt, int64_t{1}},
                                std::pair{ir::Op::Eq, int64_t{1}}}) {
        auto count = evaluate_both(spec(AggregateFunction::Count, std::nullopt, window(op)), customers, {});
        BOOST_TEST((count.vm == std::vector<ir::Value>{expected, int64_t{0}}));
        BOOST_TEST((count.reference == count.vm));
    }
}

// Rows already by customer, then time, are moved into the grouped table instead of gathered: it must equal the one
// grouped from the same rows shuffled (ties keep their input order both ways).
BOOST_AUTO_TEST_CASE(rows_already_in_order_group_like_shuffled_ones) {
    const Schema schema = test_schema();
    Table customers = customers_of(schema, "id,name\n1,a\n2,b\n3,c\n");
    const std::string header = "customer,at,amount,units,channel,note\n";
    const std::vector<std::string> rows = {"1,2026-01-01T00:00:00Z,1.5,1,web,x\n", "1,2026-01-02T00:00:00Z,,2,store,\n",
                                           "1,2026-01-02T00:00:00Z,3,3,store,y\n", "3,2026-01-05T00:00:00Z,4,,web,z\n"};
    const EventTable in_order = orders_of(customers, header + rows[0] + rows[1] + rows[2] + rows[3]);
    const EventTable shuffled = orders_of(customers, header + rows[3] + rows[1] + rows[2] + rows[0]);
    BOOST_TEST((in_order.offsets == std::vector<uint64_t>{0, 3, 3, 4}));
    BOOST_TEST((shuffled.offsets == in_order.offsets));
    BOOST_TEST_REQUIRE(in_order.table.rows() == 4u);
    BOOST_TEST_REQUIRE(shuffled.table.rows() == 4u);
    for (size_t c = 0; c < in_order.table.column_count(); ++c) {
        for (uint64_t row = 0; row < 4; ++row) {
            const auto a = segmint::reference::column_value(in_order.table.column(c), row);
            const auto b = segmint::reference::column_value(shuffled.table.column(c), row);
            BOOST_TEST((a == b), "column " << c << " row " << row);
        }
    }
    const auto& amount = *in_order.table.find("amount");
    BOOST_TEST(amount.is_null(1));
    BOOST_TEST(amount.f64[2] == 3.0);
    BOOST_TEST(in_order.table.find("note")->is_null(1));
}

// The load's threads parse parts of the file, then sort customers' events and gather the columns in blocks of
// customers: on 2 threads (several blocks, an unsorted file) the grouped table equals the one of 1 thread. The
// ThreadSanitizer run (.ci/tsan) runs this suite.
BOOST_AUTO_TEST_CASE(grouping_on_two_threads_matches_one) {
    const Schema schema = test_schema();
    std::mt19937_64 random(5);
    std::string customers_csv = "id,name\n";
    for (int id = 1; id <= 40000; ++id) customers_csv += std::to_string(id) + ",n\n";
    Table customers = customers_of(schema, customers_csv);
    std::string csv = "customer,at,amount,units,channel,note\n";
    for (int i = 0; i < 120000; ++i) {
        csv += std::to_string(1 + random() % 40010) + ",2026-0" + std::to_string(1 + random() % 9) + "-1" +
               std::to_string(random() % 10) + "T00:00:0" + std::to_string(random() % 10) + "Z," +
               std::to_string(random() % 100) + "," + std::to_string(i) + "," + (random() % 2 ? "web" : "store") +
               ",\n";
    }
    auto load = [&](unsigned threads) {
        CsvError error;
        segmint::data::CsvOptions options;
        options.threads = threads;
        options.min_bytes_per_thread = 1 << 16;
        auto events = segmint::data::load_events_csv_text(csv, "orders.csv", customers, schema.events[0], &error,
                                                          options);
        BOOST_TEST_REQUIRE(events.has_value(), error.to_string());
        return std::move(*events);
    };
    const EventTable one = load(1), two = load(2);
    BOOST_TEST(one.orphans > 0u);
    BOOST_TEST(two.orphans == one.orphans);
    BOOST_TEST((two.offsets == one.offsets));
    BOOST_TEST_REQUIRE(two.table.rows() == one.table.rows());
    size_t differing = 0;
    for (size_t c = 0; c < one.table.column_count(); ++c) {
        for (uint64_t row = 0; row < one.table.rows(); ++row) {
            differing += !(segmint::reference::column_value(one.table.column(c), row) ==
                           segmint::reference::column_value(two.table.column(c), row));
        }
    }
    BOOST_TEST(differing == 0u);
}

// Grouping reorders the rows in place when they move a short way (a file by customer, but not by time within each)
// and gathers them when they move far (a file in time order across customers); with orphans spread through the file
// both ways. Each file's grouped rows must be the ones an independent stable sort by (customer, time) of that file
// gives, values and NULLs included.
BOOST_AUTO_TEST_CASE(near_and_far_moves_group_like_an_independent_sort) {
    const Schema schema = test_schema();
    const int kCustomers = 30000;
    std::string customers_csv = "id,name\n";
    for (int id = 1; id <= kCustomers; ++id) customers_csv += std::to_string(id) + ",n\n";
    const Table customers = customers_of(schema, customers_csv);
    struct Row {
        int customer;
        std::string at;
        int units;  // unique: the row's identity
        bool null_amount;
    };
    std::mt19937_64 random(11);
    std::vector<Row> rows;
    for (int i = 0; i < 150000; ++i) {
        const int customer = 1 + static_cast<int>(random() % (kCustomers + 50));  // a few orphans
        const std::string at = "2026-0" + std::to_string(1 + random() % 9) + "-1" + std::to_string(random() % 10) +
                               "T00:00:00Z";  // many ties within a customer
        rows.push_back({customer, at, i, random() % 5 == 0});
    }
    auto csv_of = [](const std::vector<Row>& file) {
        std::string csv = "customer,at,amount,units,channel,note\n";
        for (const Row& row : file) {
            csv += std::to_string(row.customer) + "," + row.at + "," +
                   (row.null_amount ? "" : std::to_string(row.units % 1000)) + "," + std::to_string(row.units) +
                   (row.units % 3 ? ",web,\n" : ",store,\n");
        }
        return csv;
    };
    auto check = [&](const std::vector<Row>& file, const char* what) {
        std::vector<Row> expected;
        for (const Row& row : file) {
            if (row.customer <= kCustomers) expected.push_back(row);
        }
        std::stable_sort(expected.begin(), expected.end(), [](const Row& a, const Row& b) {
            return std::tie(a.customer, a.at) < std::tie(b.customer, b.at);
        });
        const EventTable grouped = orders_of(customers, csv_of(file));
        BOOST_TEST(grouped.orphans == file.size() - expected.size(), what);
        BOOST_TEST_REQUIRE(grouped.table.rows() == expected.size(), what);
        const auto& units = *grouped.table.find("units");
        const auto& amount = *grouped.table.find("amount");
        const auto& channel = *grouped.table.find("channel");
        size_t differing = 0;
        for (size_t i = 0; i < expected.size(); ++i) {
            const Row& row = expected[i];
            differing += units.i64[i] != row.units || amount.is_null(i) != row.null_amount ||
                         (!row.null_amount && amount.f64[i] != row.units % 1000) ||
                         channel.string_at(i) != (row.units % 3 ? "web" : "store");
        }
        BOOST_TEST(differing == 0u, what);
        for (int c = 0; c < kCustomers; c += 997) {
            const auto count = std::count_if(expected.begin(), expected.end(),
                                             [&](const Row& row) { return row.customer == c + 1; });
            BOOST_TEST(grouped.offsets[c + 1] - grouped.offsets[c] == static_cast<uint64_t>(count), what);
        }
    };
    check(rows, "random order: rows move far");
    std::vector<Row> by_customer_reversed = rows;
    std::stable_sort(by_customer_reversed.begin(), by_customer_reversed.end(),
                     [](const Row& a, const Row& b) { return std::tie(a.customer, b.at) < std::tie(b.customer, a.at); });
    check(by_customer_reversed, "by customer, each in reverse time order: rows move near");
    std::vector<Row> by_time = rows;
    std::stable_sort(by_time.begin(), by_time.end(), [](const Row& a, const Row& b) { return a.at < b.at; });
    check(by_time, "in time order across customers: rows move far");
}

// Fixture customers list their events inline, under the event table's name; each problem is an error at its YAML value.
BOOST_AUTO_TEST_CASE(fixture_customers_list_their_events) {
    const Schema schema = test_schema();
    auto fixture_of = [&schema](const std::string& customers, DiagnosticSink& sink) {
        const std::string text = "as_of: 2026-02-01\ncustomers:\n" + customers + "expect: {}\n";
        return segmint::project::load_fixture(std::make_shared<Source>("f.yaml", text), schema, sink);
    };
    DiagnosticSink sink;
    auto fixture = fixture_of(
        "  - {id: 1, orders: [{at: 2026-01-02T00:00:00Z, amount: 2}, {at: 2026-01-01T00:00:00Z}]}\n"
        "  - {id: 2}\n",
        sink);
    BOOST_TEST_REQUIRE(fixture.has_value());
    const EventSet* events = fixture->table->events();
    BOOST_TEST_REQUIRE(events != nullptr);
    BOOST_TEST_REQUIRE(events->tables.size() == 2u);
    BOOST_TEST((events->tables[0].offsets == std::vector<uint64_t>{0, 2, 2}));
    BOOST_TEST(events->tables[0].table.find("amount")->is_null(0));  // Jan 1 first: no amount
    BOOST_TEST(events->tables[0].table.find("customer")->i64[1] == 1);
    BOOST_TEST(events->tables[1].loaded);  // a table with no inline events: nobody has any, and that is known
    auto first_error_of = [&](const std::string& customers) {
        DiagnosticSink errors;
        BOOST_TEST(!fixture_of(customers, errors).has_value());
        if (errors.diagnostics().empty()) return std::string("no error");
        const auto& d = errors.diagnostics()[0];
        const auto at = d.source->location(d.span.begin);
        return std::to_string(at.line) + ":" + std::to_string(at.column) + " " + d.message;
    };
    BOOST_TEST(first_error_of("  - {id: 1, orders: [{customer: 1, at: 2026-01-01T00:00:00Z}]}\n") ==
               "3:23 customers[0].orders[0].customer: an inline event belongs to the customer it is listed under");
    BOOST_TEST(first_error_of("  - {id: 1, orders: [{amount: 1}]}\n") ==
               "3:22 customers[0].orders[0]: every event of `orders` has a time `at`");
    BOOST_TEST(first_error_of("  - {id: 1, orders: [{at: 2026-01-01T00:00:00Z, amount: lots}]}\n")
                   .find("3:57 customers[0].orders[0].amount: column `amount`: expected number") == 0u);
    BOOST_TEST(first_error_of("  - {id: 1, orders: [{at: 2026-01-01T00:00:00Z, amont: 1}]}\n")
                   .find("customers[0].orders[0].amont: unknown key") != std::string::npos);
    BOOST_TEST(first_error_of("  - {id: 1, orders: {at: 2026-01-01T00:00:00Z}}\n").find("customers[0].orders") !=
               std::string::npos);
}

// Sums do not depend on the order of events at one time: ints add exactly (NULL only when the result leaves int64),
// and a sum or average of numbers that is not finite is NULL, as every number operation's.
BOOST_AUTO_TEST_CASE(sums_are_exact_and_finite) {
    const Schema schema = test_schema();
    Table customers = customers_of(schema, "id,name\n1,a\n2,b\n3,c\n");
    attach_orders(customers,
                  "customer,at,amount,units,channel,note\n"
                  "1,2026-01-01T00:00:00Z,1e308,9223372036854775807,web,\n"
                  "1,2026-01-01T00:00:00Z,1e308,1,web,\n"
                  "1,2026-01-01T00:00:00Z,1,-1,web,\n"
                  "2,2026-01-01T00:00:00Z,1e308,-1,web,\n"
                  "2,2026-01-01T00:00:00Z,-1e308,1,web,\n"
                  "2,2026-01-01T00:00:00Z,5,9223372036854775807,web,\n"
                  "3,2026-01-01T00:00:00Z,-2,-9223372036854775807,web,\n"
                  "3,2026-01-01T00:00:00Z,3,-2,web,\n");
    using V = std::vector<ir::Value>;
    const ir::Value null = ir::Null{};
    auto values = [&](AggregateFunction f, uint32_t column) {
        auto both = evaluate_both(spec(f, column), customers, {});
        BOOST_TEST((both.vm == both.reference));
        return both.vm;
    };
    const int64_t max = std::numeric_limits<int64_t>::max();
    BOOST_TEST((values(AggregateFunction::Sum, 3u) == V{max, max, null}));  // MAX + 1 - 1; -MAX - 2 leaves int64
    BOOST_TEST((values(AggregateFunction::Sum, 2u) == V{null, 5.0, 1.0}));  // 2e308 is not finite
    BOOST_TEST((values(AggregateFunction::Avg, 2u) == V{null, 5.0 / 3, 0.5}));
    BOOST_TEST((values(AggregateFunction::Avg, 3u) ==
                V{static_cast<double>(max) / 3, static_cast<double>(max) / 3, (-static_cast<double>(max) - 2) / 2}));
}

BOOST_AUTO_TEST_CASE(at_most_64_event_tables) {
    auto with_tables = [](size_t n) {
        std::string text = "table: c\nkey: id\ncolumns: {id: int}\nevents:\n";
        for (size_t i = 0; i < n; ++i) text += "  e" + std::to_string(i) + ": {key: id, columns: {id: int}}\n";
        return text;
    };
    DiagnosticSink sink;
    auto at_limit = schema_from(with_tables(64), sink);
    BOOST_TEST_REQUIRE(at_limit.has_value());
    BOOST_TEST(at_limit->events.size() == 64u);
    BOOST_TEST(first_error(with_tables(65)) == "events.e64: a schema has at most 64 event tables; this one has 65");
}

// The CLI: `--events NAME=FILE`, the project's `data:` mapping, and their errors (exit 2).
BOOST_AUTO_TEST_CASE(the_cli_loads_event_files) {
    segmint::testing::TempDir dir("segmint-events");
    const std::string schema = dir.write("schema.yaml", kSchema);
    const std::string specs = dir.write("s.seg", "segment named: name = \"a\"\n");
    const std::string customers = dir.write("customers.csv", "id,name\n1,a\n2,b\n");
    const std::string orders = dir.write(
        "orders.csv",
        "customer,at,amount,units,channel,note\n1,2026-01-01T00:00:00Z,1,1,web,\n7,2026-01-01T00:00:00Z,1,1,web,\n");
    const std::string visits = dir.write("visits.csv", "customer,page\n2,/a\n");
    const std::string base = "eval " + specs + " --schema " + schema + " --data " + customers + " --as-of 2026-02-01";
    std::string out, err;
    BOOST_TEST(segmint::testing::run_segmint(base + " --events orders=" + orders + " --events visits=" + visits, &out,
                                             &err) == 0,
               err);
    BOOST_TEST(out.find("named") != std::string::npos, out);
    BOOST_TEST(
        err.find("orders.csv: 1 event names no customer and is left out (the first has key `7`)") != std::string::npos,
        err);
    // Rules that read no event table need no event file.
    BOOST_TEST(segmint::testing::run_segmint(base + " --events orders=" + orders, &out, &err) == 0, err);
    BOOST_TEST(segmint::testing::run_segmint(base, &out, &err) == 0, err);
    BOOST_TEST(segmint::testing::run_segmint(base + " --events order=" + orders, &out, &err) == 2);
    BOOST_TEST(err.find("the schema has no event table `order`; did you mean `orders`?") != std::string::npos, err);
    BOOST_TEST(segmint::testing::run_segmint(base + " --events " + orders, &out, &err) == 2);
    BOOST_TEST(err.find("expected NAME=FILE") != std::string::npos, err);
    const std::string bad = dir.write("bad.csv", "customer,at,amount,units,channel,note\n1,,1,1,web,\n");
    BOOST_TEST(segmint::testing::run_segmint(base + " --events orders=" + bad + " --events visits=" + visits, &out,
                                             &err) == 2);
    BOOST_TEST(err.find("bad.csv:2") != std::string::npos, err);
    BOOST_TEST(err.find("every event of `orders` has a time") != std::string::npos, err);
    // A project names them in its `data:` mapping; a flag still wins for its table.
    dir.write("segmint.yaml",
              "schema: schema.yaml\nsegments: s.seg\n"
              "data: {customers: customers.csv, orders: orders.csv, visits: visits.csv}\n");
    BOOST_TEST(segmint::testing::run_segmint("eval --project " + dir.path + " --as-of 2026-02-01", &out, &err) == 0,
               err);
    BOOST_TEST(segmint::testing::run_segmint(
                   "eval --project " + dir.path + " --as-of 2026-02-01 --events orders=" + bad, &out, &err) == 2);
    BOOST_TEST(err.find("bad.csv:2") != std::string::npos, err);
    // A table the schema does not have, in the project's mapping: the message names the project file's entry.
    dir.write("segmint.yaml",
              "schema: schema.yaml\nsegments: s.seg\n"
              "data: {customers: customers.csv, ordrs: orders.csv}\n");
    BOOST_TEST(segmint::testing::run_segmint("eval --project " + dir.path + " --as-of 2026-02-01", &out, &err) == 2);
    BOOST_TEST(err.find("segmint.yaml: data.ordrs: the schema has no event table `ordrs`; did you mean `orders`?") !=
                   std::string::npos,
               err);
}

// A run without a table's events holds no_events: one offset per customer plus one, all 0. For many customers they
// are a view (of an untouched read-only mapping, data/events.cpp); they read as zeros, and a copy that is changed
// gets its own array while the view stays zero.
BOOST_AUTO_TEST_CASE(no_events_of_many_customers_are_a_view_of_zeros) {
    const Schema schema = test_schema();
    std::string csv = "id,name\n";
    const uint64_t rows = 200000;  // 1.6 MB of offsets: past the size below which they are an ordinary vector
    for (uint64_t id = 0; id < rows; ++id) csv += std::to_string(id) + ",n\n";
    const Table customers = customers_of(schema, csv);
    const EventTable none = segmint::data::no_events(customers, schema.events[1]);
    BOOST_TEST(!none.loaded);
    BOOST_TEST(none.offsets.is_view());
    BOOST_TEST_REQUIRE(none.offsets.size() == rows + 1);
    BOOST_TEST(std::all_of(none.offsets.begin(), none.offsets.end(), [](uint64_t offset) { return offset == 0; }));
    BOOST_TEST(none.begin(rows - 1) == 0u);
    BOOST_TEST(none.end(rows - 1) == 0u);
    EventTable changed = none;
    changed.offsets.owned()[rows] = 7;
    BOOST_TEST(!changed.offsets.is_view());
    BOOST_TEST(changed.end(rows - 1) == 7u);
    BOOST_TEST(none.end(rows - 1) == 0u);
    // A few customers: an ordinary vector of zeros.
    const Table few = customers_of(schema, "id,name\n1,a\n2,b\n");
    const EventTable small = segmint::data::no_events(few, schema.events[1]);
    BOOST_TEST(!small.offsets.is_view());
    BOOST_TEST((small.offsets == std::vector<uint64_t>{0, 0, 0}));
}

BOOST_AUTO_TEST_SUITE_END()
