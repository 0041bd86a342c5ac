// Fuzz target: bytes as an event CSV file → load_events_csv_text, for every event table of a small fixed schema
// (orders with a timestamp time, visits with a date time, notes with none), keyed by int and again by string. Each
// load must agree with a load in tiny chunks (same error or same events); a failed load must say where; a loaded
// table must hold exactly the events of a plain CSV load of the same text, grouped by customer and stably sorted by
// time, orphans counted (checked against an independent regrouping here). The loaded tables are then attached to a
// fixed customer table and aggregate rules (every function, every window, `where`) must give the same members on
// the VM, optimized and as written, and on the reference evaluator. Inputs mutated from `segmint generate --orders`
// files (specs/schema.yaml's orders) and tests/fuzz/corpus/events/ reach every table.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_loader.h"
#include "data/events.h"
#include "fuzz_support.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"

using namespace segmint;

namespace {

// KEY is the customer key's type, and so every event table's key type.
constexpr std::string_view kSchemaTemplate =
    "table: customers\n"
    "key: customer_id\n"
    "columns: {customer_id: KEY, name: string}\n"
    "events:\n"
    "  orders:\n"  // as specs/schema.yaml's, so generated orders load
    "    key: customer_id\n"
    "    time: ordered_at\n"
    "    columns:\n"
    "      order_id: {type: int, not_null: true}\n"
    "      customer_id: KEY\n"
    "      ordered_at: timestamp\n"
    "      amount: {type: number, min: 0}\n"
    "      channel: {type: enum, values: [web, store, app]}\n"
    "  visits:\n"
    "    key: customer_id\n"
    "    time: day\n"
    "    columns: {customer_id: KEY, day: date, page: string, seconds: int, device: {type: enum, values: [phone, "
    "desktop]}, score: number}\n"
    "  notes:\n"
    "    key: customer_id\n"
    "    columns: {customer_id: KEY, text: string, flag: bool, n: int}\n";

// Customers 1-5 match generated orders (customer_id 1..rows); the rest are edge keys.
constexpr std::string_view kIntCustomers =
    "customer_id,name\n3,c\n1,a\n2,b\n4,\n5,e\n0,z\n-1,m\n9223372036854775807,x\n";
constexpr std::string_view kStringCustomers = "customer_id,name\n3,c\n1,a\n2,b\n4,\n5,e\n0,z\nx,m\n\xc3\xa9,e\n";

// Every aggregate function, every window (within last, between, before, after; timestamp and date), `where`,
// customer columns beside aggregates, aggregates compared with each other. As-of: fuzzing::fixed_as_of().
constexpr std::string_view kRules = R"(
segment o_count: count(orders) >= 2
segment o_count_col: count(orders.amount) = count(orders)
segment o_exists_recent: exists(orders within last 90 days)
segment o_exists_col: exists(orders.channel where amount > 10)
segment o_sum: sum(orders.amount) > 100
segment o_sum_int: sum(orders.order_id within last 2 years) > 50
segment o_avg: avg(orders.amount where channel = "web") < 40
segment o_avg_int: avg(orders.order_id) >= 2
segment o_min_max: min(orders.amount) * 2 < max(orders.amount)
segment o_min_time: min(orders.ordered_at) < 2026-06-01T00:00:00Z
segment o_max_enum: max(orders.channel) = "store"
segment o_min_id: min(orders.order_id where channel != "app") < max(orders.order_id)
segment o_first_last: first(orders.amount) > last(orders.amount)
segment o_first_enum: first(orders.channel) != last(orders.channel)
segment o_first_id: first(orders.order_id within last 1 year) = last(orders.order_id)
segment o_last_time: last(orders.ordered_at) within last 30 days
segment o_first_time: first(orders.ordered_at) > today - 365 days
segment o_distinct: count_distinct(orders.channel) >= 2
segment o_distinct_time: count_distinct(orders.ordered_at) < count(orders)
segment o_between: count(orders between 2026-01-01 and 2026-06-30 where amount >= 5) > 0
segment o_before_after: count(orders before 2026-03-01) < count(orders after 2026-03-01T12:00:00Z)
segment o_between_now: sum(orders.amount between now - 30 days and now) > 0
segment o_where_time: sum(orders.amount where ordered_at within last 7 days or channel in ("app", "store")) >= 20
segment o_long_window: count(orders within last 1000000 years) > count(orders after 0001-01-01T00:00:01Z)
segment o_null: avg(orders.amount) is null and exists(orders)
segment o_customer: name starts with "a" or count(orders within last 1 year where channel = "web") = 1
segment v_count: count(visits within last 2 weeks) >= 1
segment v_sum: sum(visits.seconds between 2026-01-01 and today) > 60
segment v_sum_number: sum(visits.score) > 1.5 or sum(visits.score after 2026-06-01) < 0
segment v_avg: avg(visits.score within last 6 months) >= 0.5
segment v_first: first(visits.page) = "/a"
segment v_last_day: last(visits.day) > 2026-01-01
segment v_first_score: first(visits.score where device = "phone") < last(visits.score)
segment v_distinct_day: count_distinct(visits.day) > 1
segment v_min_max: min(visits.seconds) < 0 or max(visits.page) contains "b"
segment v_min_day: min(visits.day) = max(visits.day)
segment v_device: last(visits.device) = "phone" and exists(visits.score where device = "desktop")
segment v_long_window: exists(visits within last 1000000 weeks) or sum(visits.seconds before 9999-12-31) < 0
segment v_before: count(visits before today - 30 days where page starts with "/") = 2
segment n_count: count(notes) > count(notes.text)
segment n_sum: sum(notes.n) > 3 or avg(notes.n) < 0
segment n_minmax: min(notes.text) < "m" and max(notes.n) >= 2
segment n_distinct: count_distinct(notes.flag) = 2 or exists(notes where flag)
segment n_exists: exists(notes.n where text contains "a" and n between -5 and 5)
segment mixed: (exists(orders) and not exists(visits)) or count(notes) = 0
)";

struct Variant {
    schema::Schema schema;
    data::Table customers;
    semantic::Catalog catalog;
};

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
    std::string out;
    for (size_t at = 0;;) {
        const size_t found = text.find(from, at);
        out.append(text.substr(at, found == std::string_view::npos ? std::string_view::npos : found - at));
        if (found == std::string_view::npos) return out;
        out.append(to);
        at = found + from.size();
    }
}

std::string diagnostics_text(const DiagnosticSink& sink) {
    std::string out;
    for (const auto& d : sink.diagnostics()) out += "\n" + d.message;
    return out;
}

std::unique_ptr<Variant> make_variant(std::string_view key_type, std::string_view customers_csv) {
    DiagnosticSink sink;
    const std::string schema_text = replace_all(kSchemaTemplate, "KEY", key_type);
    auto schema = schema::load_schema(std::make_shared<const Source>("events_schema.yaml", schema_text), sink);
    if (!schema) fuzzing::fail("cannot load the fuzz schema:" + diagnostics_text(sink));
    data::CsvError error;
    auto customers = data::load_csv_text(customers_csv, "customers.csv", *schema, &error);
    if (!customers) fuzzing::fail("cannot load the fuzz customers: " + error.to_string());
    auto variant = std::unique_ptr<Variant>(new Variant{std::move(*schema), std::move(*customers), {}});
    // The catalog points at its schema: checked against the variant's own copy.
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("events.seg", std::string(kRules)), sink));
    variant->catalog = semantic::check(std::move(files), variant->schema, sink);
    if (sink.has_errors()) fuzzing::fail("the fuzz rules do not check:" + diagnostics_text(sink));
    return variant;
}

std::string key_text(const data::Column& key, uint64_t row) {
    return key.type == schema::ColumnType::Int ? std::to_string(key.i64[row]) : std::string(key.string_at(row));
}

// A failed load: a message, a line within the input (a line past the last is where a missing line break ends it),
// and the same error when read in tiny chunks.
void check_failure(const data::CsvError& error, const data::CsvError& chunked, std::string_view text) {
    if (error.message.empty()) fuzzing::fail("a failed event load has no message");
    const uint64_t lines = 1 + static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) +
                           static_cast<uint64_t>(std::count(text.begin(), text.end(), '\r'));
    if (error.line > lines) {
        fuzzing::fail("error at line " + std::to_string(error.line) + " of " + std::to_string(lines) + ": " +
                      error.to_string());
    }
    if (error.to_string() != chunked.to_string()) {
        fuzzing::fail("chunk size changes the error:\n" + error.to_string() + "\n" + chunked.to_string());
    }
}

// The grouping, redone independently: a plain load of the same text (no key or time check), each event matched to
// its customer by the key's text, each customer's events stably sorted by time.
void check_grouping(const data::EventTable& events, std::string_view text, const data::Table& customers,
                    const schema::EventTable& definition) {
    data::CsvOptions plain;
    plain.check_key = false;
    data::CsvError error;
    auto raw = data::load_csv_text(text, "events.csv", schema::event_table_schema(customers.schema(), definition),
                                   &error, plain);
    if (!raw) fuzzing::fail("the events loaded, but not as a plain CSV file: " + error.to_string());
    const data::Column& key = *raw->find(definition.key);
    const data::Column* time = definition.time.empty() ? nullptr : raw->find(definition.time);
    const data::Column& customer_key = *customers.find(customers.schema().key);
    std::map<std::string, uint64_t> customer_of;
    for (uint64_t row = 0; row < customers.rows(); ++row) customer_of[key_text(customer_key, row)] = row;

    std::vector<std::vector<uint64_t>> expected(customers.rows());
    uint64_t orphans = 0;
    for (uint64_t row = 0; row < raw->rows(); ++row) {
        if (key.is_null(row) || (time && time->is_null(row))) fuzzing::fail("an event without key or time loaded");
        auto found = customer_of.find(key_text(key, row));
        if (found != customer_of.end()) {
            expected[found->second].push_back(row);
            continue;
        }
        if (orphans++ == 0 && (events.first_orphan_row != row || events.first_orphan_key != key_text(key, row))) {
            fuzzing::fail("first orphan: row " + std::to_string(events.first_orphan_row) + " key `" +
                          events.first_orphan_key + "`, expected row " + std::to_string(row));
        }
    }
    if (events.orphans != orphans) {
        fuzzing::fail(std::to_string(events.orphans) + " orphans, expected " + std::to_string(orphans));
    }
    if (events.offsets.size() != customers.rows() + 1 || events.offsets[0] != 0 ||
        events.offsets.back() != events.table.rows() || events.table.rows() + orphans != raw->rows()) {
        fuzzing::fail("offsets do not cover the events");
    }
    for (uint64_t customer = 0; customer < customers.rows(); ++customer) {
        auto& rows = expected[customer];
        if (time) {
            std::stable_sort(rows.begin(), rows.end(), [time](uint64_t a, uint64_t b) {
                return data::time_value(*time, a) < data::time_value(*time, b);
            });
        }
        if (events.end(customer) - events.begin(customer) != rows.size()) {
            fuzzing::fail("customer row " + std::to_string(customer) + " has " +
                          std::to_string(events.end(customer) - events.begin(customer)) + " events, expected " +
                          std::to_string(rows.size()));
        }
        for (size_t c = 0; c < raw->column_count(); ++c) {
            for (size_t i = 0; i < rows.size(); ++i) {
                const std::string got = fuzzing::describe_value(events.table.column(c), events.begin(customer) + i);
                const std::string want = fuzzing::describe_value(raw->column(c), rows[i]);
                if (got != want) {
                    fuzzing::fail("customer row " + std::to_string(customer) + " event " + std::to_string(i) +
                                  " column " + raw->column(c).name + ": " + got + ", expected " + want);
                }
            }
        }
    }
}

// The load in tiny chunks: the same events, cell by cell, in the same groups.
void check_same_events(const data::EventTable& a, const data::EventTable& b) {
    if (a.offsets != b.offsets || a.orphans != b.orphans || a.first_orphan_row != b.first_orphan_row) {
        fuzzing::fail("chunk size changes the grouping");
    }
    for (size_t c = 0; c < a.table.column_count(); ++c) {
        for (uint64_t row = 0; row < a.table.rows(); ++row) {
            if (fuzzing::describe_value(a.table.column(c), row) != fuzzing::describe_value(b.table.column(c), row)) {
                fuzzing::fail("chunk size changes event " + std::to_string(row) + " column " + a.table.column(c).name);
            }
        }
    }
}

// Loads `text` as every event table of `variant`; when any loads, compares the VM with the reference evaluator.
void check_variant(Variant& variant, std::string_view text, size_t chunk) {
    static const bool verbose = std::getenv("SEGMINT_FUZZ_VERBOSE") != nullptr;  // what loaded, what was compared
    auto events = std::make_shared<data::EventSet>();
    bool any = false;
    for (const schema::EventTable& definition : variant.schema.events) {
        data::CsvError error, chunked_error;
        data::CsvOptions chunked;
        chunked.buffer_bytes = chunk;
        auto loaded = data::load_events_csv_text(text, "events.csv", variant.customers, definition, &error);
        auto again =
            data::load_events_csv_text(text, "events.csv", variant.customers, definition, &chunked_error, chunked);
        if (loaded.has_value() != again.has_value()) {
            fuzzing::fail("chunk size " + std::to_string(chunk) +
                          " changes the outcome: " + (loaded ? "loaded" : error.to_string()) + " vs " +
                          (again ? "loaded" : chunked_error.to_string()));
        }
        if (!loaded) {
            if (verbose) std::fprintf(stderr, "  %s: %s\n", definition.name.c_str(), error.to_string().c_str());
            check_failure(error, chunked_error, text);
            data::EventTable none = data::no_events(variant.customers, definition);
            none.loaded = true;  // evaluated as "nobody has any" so the other tables' rules still run
            events->tables.push_back(std::move(none));
            continue;
        }
        if (verbose) {
            std::fprintf(stderr, "  %s: %llu events, %llu orphans\n", definition.name.c_str(),
                         static_cast<unsigned long long>(loaded->table.rows()),
                         static_cast<unsigned long long>(loaded->orphans));
        }
        check_grouping(*loaded, text, variant.customers, definition);
        check_same_events(*loaded, *again);
        events->tables.push_back(std::move(*loaded));
        any = true;
    }
    if (!any) return;
    variant.customers.set_events(events);
    const size_t compared = fuzzing::check_vm_matches_reference(variant.catalog, variant.customers);
    if (verbose) std::fprintf(stderr, "  %zu rules agree\n", compared);
    variant.customers.set_events(nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::unique_ptr<Variant> int_keys = make_variant("int", kIntCustomers);
    static const std::unique_ptr<Variant> string_keys = make_variant("string", kStringCustomers);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const size_t chunk = 1 + (size > 0 ? data[0] & 0x0F : 0);
    check_variant(*int_keys, text, chunk);
    check_variant(*string_keys, text, chunk);
    return 0;
}
