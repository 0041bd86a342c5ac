// The events benchmark (issue 17, docs/performance.md "Event aggregates"): generated demo customers and their orders
// (segmint generate --orders), in one process:
//   - the orders CSV load on 1 and 2 threads, in MB/s (generate writes each customer's orders in time order; the same
//     rows in reverse time order within each customer, and in time order across customers, which the load must sort
//     and permute, on 1 thread), and the loaded event table's memory against its columns' bytes;
//   - `count(orders within last 90 days) >= 5` by the engine (aggregate, filter program, reduction, rule) against a
//     hand-written loop over the same grouped arrays (offsets and the time column), member counts cross-checked;
//   - a 200-segment catalog mixing profile rules and 20 distinct aggregates: one evaluate call for all of them
//     against one call per segment.
// Medians of interleaved runs.
//   segmint_events_benchmark [--rows N] [--order-customers M] [--repeat K] [--catalog N]
// --order-customers: orders are written for the first M customers only (default: all N; the demo has about 15 per
// customer, so 10M customers with 50M orders is --rows 10000000 --order-customers 3400000).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/calendar.h"
#include "data/csv_loader.h"
#include "data/events.h"
#include "engine/engine.h"
#include "generate/synthetic.h"
#include "schema/schema.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"
#include "timing.h"

#ifndef SEGMINT_SOURCE_DIR
#define SEGMINT_SOURCE_DIR "."
#endif

using namespace segmint;

namespace {

using bench::interleaved_medians;

std::string generated(bool orders, uint64_t rows) {
    std::string text;
    auto sink = [&text](std::string_view bytes) {
        text.append(bytes);
        return true;
    };
    orders ? generate::write_synthetic_orders_csv(sink, rows, 42) : generate::write_synthetic_csv(sink, rows, 42);
    return text;
}

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "events benchmark: %s\n", why.c_str());
    std::exit(2);
}

engine::CompiledCatalog compile(const std::string& text, const schema::Schema& schema, scalar::AsOf as_of,
                                semantic::Catalog& catalog) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("bench.seg", text), sink));
    catalog = semantic::check(std::move(files), schema, sink);
    if (sink.has_errors()) fail("the benchmark's rules do not check:\n" + text);
    return engine::compile(catalog, as_of);
}

// The same rows with each customer's orders in reverse time order: a file the load must sort and gather.
std::string reversed_within_customers(const std::string& csv) {
    std::string out;
    out.reserve(csv.size());
    const size_t header_end = csv.find('\n') + 1;
    out.append(csv, 0, header_end);
    std::vector<std::string_view> block;
    std::string_view block_key;
    auto flush = [&] {
        for (auto line = block.rbegin(); line != block.rend(); ++line) out.append(*line);
        block.clear();
    };
    for (size_t pos = header_end; pos < csv.size();) {
        const size_t end = csv.find('\n', pos) + 1;  // generate ends every line with '\n'
        const std::string_view line(csv.data() + pos, end - pos);
        const size_t first_comma = line.find(',');
        const std::string_view key = line.substr(first_comma + 1, line.find(',', first_comma + 1) - first_comma - 1);
        if (key != block_key) flush();
        block_key = key;
        block.push_back(line);
        pos = end;
    }
    flush();
    return out;
}

// The same rows in time order across all customers (an export `ORDER BY ordered_at`): each customer's orders are
// spread over the whole file, so grouping moves every row far. generate writes times in one fixed-width format, so
// text order is time order; the sort is stable, so equal times keep the order a customer's rows have.
std::string ordered_by_time(const std::string& csv) {
    const size_t header_end = csv.find('\n') + 1;
    std::vector<std::string_view> lines;
    for (size_t pos = header_end; pos < csv.size();) {
        const size_t end = csv.find('\n', pos) + 1;
        lines.emplace_back(csv.data() + pos, end - pos);
        pos = end;
    }
    auto time_of = [](std::string_view line) {  // the third field: order_id,customer_id,ordered_at,...
        const size_t second = line.find(',', line.find(',') + 1) + 1;
        return line.substr(second, line.find(',', second) - second);
    };
    std::stable_sort(lines.begin(), lines.end(),
                     [&](std::string_view a, std::string_view b) { return time_of(a) < time_of(b); });
    std::string out(csv, 0, header_end);
    out.reserve(csv.size());
    for (std::string_view line : lines) out.append(line);
    return out;
}

uint64_t members(const std::vector<data::Bitmap>& bitmaps) {
    uint64_t n = 0;
    for (const auto& b : bitmaps) n += b.count();
    return n;
}

// 200 segments (by default) of the demo retailer: profile rules and aggregates over 20 distinct aggregates, each
// aggregate used by several segments with other thresholds.
std::string mixed_catalog(size_t count) {
    const char* aggregates[] = {
        "count(orders within last 90 days)",
        "count(orders within last 30 days)",
        "count(orders within last 365 days)",
        "count(orders)",
        "count(orders within last 90 days where channel = \"web\")",
        "count(orders within last 365 days where channel = \"store\")",
        "count(orders where channel = \"app\")",
        "sum(orders.amount within last 90 days)",
        "sum(orders.amount within last 365 days)",
        "sum(orders.amount)",
        "sum(orders.amount where channel = \"web\")",
        "avg(orders.amount)",
        "avg(orders.amount within last 365 days)",
        "max(orders.amount)",
        "min(orders.amount within last 365 days)",
        "count_distinct(orders.channel)",
        "count(orders where amount > 100)",
        "count(orders within last 180 days where amount > 50)",
        "count(orders before 2026-01-01)",
        "count(orders after 2026-06-01)",
    };
    const char* profile[] = {"orders_90d >= ", "lifetime_orders >= ", "total_spend > ", "loyalty_points > ",
                             "returns_90d >= "};
    std::string text;
    for (size_t i = 0; i < count; ++i) {
        const std::string threshold = std::to_string(1 + (i * 7) % 13);
        std::string rule;
        if (i % 2 == 0) {
            rule = std::string(aggregates[(i / 2) % 20]) + " >= " + threshold;
        } else {
            rule = std::string(profile[(i / 2) % 5]) + threshold;
            if (i % 3 == 0) rule += " and tier = \"gold\"";
        }
        text += "segment s" + std::to_string(i) + ": " + rule + "\n";
    }
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t rows = 1000000, order_customers = 0;
    int repeat = 3;
    size_t catalog_size = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--rows")) rows = std::strtoull(argv[i + 1], nullptr, 10);
        if (!std::strcmp(argv[i], "--order-customers")) order_customers = std::strtoull(argv[i + 1], nullptr, 10);
        if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
        if (!std::strcmp(argv[i], "--catalog")) catalog_size = std::strtoull(argv[i + 1], nullptr, 10);
    }
    DiagnosticSink schema_sink;
    const std::string schema_path = std::string(SEGMINT_SOURCE_DIR) + "/specs/schema.yaml";
    std::FILE* file = std::fopen(schema_path.c_str(), "rb");
    if (!file) fail("cannot read " + schema_path);
    std::string schema_text;
    char buffer[65536];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) schema_text.append(buffer, n);
    std::fclose(file);
    auto schema = schema::load_schema(std::make_shared<const Source>(schema_path, schema_text), schema_sink);
    if (!schema || !schema->find_events("orders")) fail("specs/schema.yaml has no `orders` event table");
    const schema::EventTable& definition = *schema->find_events("orders");

    if (order_customers == 0 || order_customers > rows) order_customers = rows;
    const std::string customers_csv = generated(false, rows), orders_csv = generated(true, order_customers);
    data::CsvError error;
    data::CsvOptions two_threads;
    two_threads.threads = 2;
    auto customers = data::load_csv_text(customers_csv, "customers.csv", *schema, &error, two_threads);
    if (!customers) fail(error.to_string());

    // The orders CSV load: parse, group by customer, sort by time.
    const std::string unsorted_csv = reversed_within_customers(orders_csv), by_time_csv = ordered_by_time(orders_csv);
    std::optional<data::EventTable> orders;
    auto load = [&](unsigned threads, const std::string& csv) {
        data::CsvOptions options;
        options.threads = threads;
        options.min_bytes_per_thread = 1 << 20;
        orders = data::load_events_csv_text(csv, "orders.csv", *customers, definition, &error, options);
        if (!orders) fail(error.to_string());
    };
    // The parse alone (the same rows into columns, not grouped), to show what the grouping adds.
    auto parse_only = [&] {
        data::CsvOptions options;
        options.threads = 1;
        options.check_key = false;
        options.trim_excess = false;
        auto parsed = data::load_csv_text(orders_csv, "orders.csv", schema::event_table_schema(*schema, definition),
                                          &error, options);
        if (!parsed) fail(error.to_string());
    };
    // The unsorted files go last, so that the table kept afterwards is the one of the file as generated.
    const auto load_times =
        interleaved_medians(repeat, {[&] { load(1, orders_csv); }, [&] { load(2, orders_csv); }, parse_only,
                                     [&] { load(1, unsorted_csv); }, [&] { load(1, by_time_csv); }});
    // Grouping the file in time order must give the very table the generated file gives (order ids row by row).
    const data::Array<int64_t> by_time_ids = orders->table.find("order_id")->i64;
    auto memory = [&] {  // what the grouped orders hold against their columns' bytes
        const double held = static_cast<double>(orders->table.byte_size() + orders->offsets.capacity() * 8);
        return std::make_pair(held, held / static_cast<double>(orders->table.data_bytes()));
    };
    const double by_time_memory = memory().second;
    load(1, unsorted_csv);
    const double unsorted_memory = memory().second;
    const uint64_t unsorted_rows = orders->table.rows();
    load(1, orders_csv);
    if (orders->table.rows() != unsorted_rows) fail("the sorted and the unsorted orders load different row counts");
    if (orders->table.find("order_id")->i64 != by_time_ids)
        fail("the orders in time order across customers group differently from the generated file");
    const double megabytes = static_cast<double>(orders_csv.size()) / 1e6;
    std::printf("%llu customers, %llu orders (%.0f MB of CSV), as of %s\n", static_cast<unsigned long long>(rows),
                static_cast<unsigned long long>(orders->table.rows()), megabytes,
                std::string(generate::kSyntheticAsOf).c_str());
    // Grouping a file in order moves its columns, so it costs little next to the runs' noise: the parse alone can
    // take longer than the whole load.
    char grouping[32] = "within the noise";
    if (load_times[0] - load_times[2] >= 0.01)
        std::snprintf(grouping, sizeof grouping, "%.2f s", load_times[0] - load_times[2]);
    std::printf(
        "load orders CSV (1 thread): %.2f s, %.0f MB/s (target >= 150 MB/s per thread); of which parsing "
        "%.2f s, grouping by customer and time %s\n",
        load_times[0], megabytes / load_times[0], load_times[2], grouping);
    std::printf("load orders CSV in reverse time order within each customer (1 thread): %.2f s, %.0f MB/s\n",
                load_times[3], megabytes / load_times[3]);
    std::printf("load orders CSV in time order across customers (1 thread): %.2f s, %.0f MB/s\n", load_times[4],
                megabytes / load_times[4]);
    std::printf("load orders CSV (2 threads): %.2f s, %.0f MB/s (%.2fx one thread)\n", load_times[1],
                megabytes / load_times[1], load_times[0] / load_times[1]);
    std::printf(
        "memory of the orders: %.0f MB for %.0f MB of column data: %.2fx (target <= 1.3x); loaded from the "
        "file in reverse time order %.2fx, in time order across customers %.2fx\n",
        memory().first / 1e6, static_cast<double>(orders->table.data_bytes()) / 1e6, memory().second, unsorted_memory,
        by_time_memory);
    auto events = std::make_shared<data::EventSet>();
    events->tables.push_back(std::move(*orders));
    customers->set_events(events);

    // count(orders within last 90 days) >= 5: the engine against a hand-written loop over the grouped arrays.
    scalar::AsOf as_of;
    if (!engine::parse_as_of(std::string(generate::kSyntheticAsOf), &as_of)) fail("as-of");
    semantic::Catalog one;
    const auto compiled = compile("segment frequent: count(orders within last 90 days) >= 5\n", *schema, as_of, one);
    const data::EventTable& grouped = events->tables[0];
    const data::Column& time = *grouped.table.find("ordered_at");
    const int64_t from = as_of.now - int64_t{90} * calendar::kMicrosPerDay, to = as_of.now;
    uint64_t engine_members = 0, hand_members = 0;
    data::Bitmap hand(customers->rows());
    const auto rule_times = interleaved_medians(
        repeat, {[&] { engine_members = members(engine::evaluate(compiled, *customers, engine::Evaluator::Vm)); },
                 [&] {
                     hand.reset_all();
                     const int64_t* at = time.i64.data();
                     const uint64_t* offsets = grouped.offsets.data();
                     for (uint64_t c = 0; c < customers->rows(); ++c) {
                         int64_t n = 0;
                         for (uint64_t e = offsets[c]; e < offsets[c + 1]; ++e) n += (at[e] >= from) & (at[e] <= to);
                         if (n >= 5) hand.set(c);
                     }
                     hand_members = hand.count();
                 }});
    if (engine_members != hand_members) fail("the engine and the hand-written loop disagree");
    std::printf(
        "count(orders within last 90 days) >= 5: engine %.3f s, hand-written loop %.3f s: %.2fx (target <= "
        "1.5x); %llu members both ways\n",
        rule_times[0], rule_times[1], rule_times[0] / rule_times[1], static_cast<unsigned long long>(engine_members));

    // A mixed catalog: all segments in one evaluate call against one call per segment.
    if (catalog_size > 0) {
        const std::string text = mixed_catalog(catalog_size);
        semantic::Catalog all_catalog;
        const auto all = compile(text, *schema, as_of, all_catalog);
        std::vector<semantic::Catalog> single_catalogs(catalog_size);
        std::vector<engine::CompiledCatalog> singles;
        size_t start = 0;
        for (size_t i = 0; i < catalog_size; ++i) {
            const size_t end = text.find('\n', start) + 1;
            singles.push_back(compile(text.substr(start, end - start), *schema, as_of, single_catalogs[i]));
            start = end;
        }
        uint64_t together = 0, apart = 0;
        const auto catalog_times = interleaved_medians(
            repeat, {[&] { together = members(engine::evaluate(all, *customers, engine::Evaluator::Vm)); },
                     [&] {
                         apart = 0;
                         for (const auto& single : singles) {
                             apart += members(engine::evaluate(single, *customers, engine::Evaluator::Vm));
                         }
                     }});
        if (together != apart) fail("the catalog's members differ together and one at a time");
        std::printf(
            "%zu segments (%zu distinct aggregates): together %.3f s, one at a time %.3f s: %.2fx faster "
            "together (target >= 2x); %llu memberships\n",
            catalog_size, all.aggregates.size(), catalog_times[0], catalog_times[1],
            catalog_times[1] / catalog_times[0], static_cast<unsigned long long>(together));
    }
    return 0;
}
