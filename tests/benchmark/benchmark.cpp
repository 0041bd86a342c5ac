// Segmint's benchmark: the five reference predicates of docs/performance.md on generated customers, timed in one
// process on one in-memory table: the VM (optimizer on and off, 1 and 2 threads), a hand-written branch-free C++ loop
// over the same columns (the practical limit), the reference evaluator, and the memory-bandwidth bound. Medians of
// repeated runs; member counts are cross-checked between every path. Also: CSV load speed and memory, and the time
// to check and compile 1,000 segments.
//   segmint_benchmark [--rows N] [--repeat K] [--reference-rows N]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "data/csv_loader.h"
#include "data/synthetic.h"
#include "engine/engine.h"
#include "optimize/stats.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"

using namespace segmint;

namespace {

double seconds(const std::function<void()>& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median_seconds(int repeat, const std::function<void()>& f) {
    std::vector<double> runs;
    for (int i = 0; i < repeat; ++i) runs.push_back(seconds(f));
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

// CPU seconds of the whole process: on a shared machine the wall time of a one-thread phase also counts the time
// other processes held the core; this does not.
double cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

uint64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

// Streaming read bandwidth in bytes per second: the memory bound any evaluator must respect.
double read_bandwidth() {
    std::vector<uint64_t> data(size_t{64} << 20, 1);  // 512 MiB
    volatile uint64_t sink = 0;
    double t = median_seconds(3, [&] {
        uint64_t sum = 0;
        for (uint64_t v : data) sum += v;
        sink = sink + sum;
    });
    return static_cast<double>(data.size() * sizeof(uint64_t)) / t;
}

inline bool bit(const data::Column& c, uint64_t row) { return (c.validity.words()[row >> 6] >> (row & 63)) & 1; }

struct Predicate {
    const char* name;
    std::string rule;
    std::vector<const char*> columns;  // read by the predicate, for the bandwidth bound
    std::function<uint64_t(const data::Table&, int32_t today)> hand_written;
};

const data::Column& col(const data::Table& t, const char* name) { return *t.find(name); }

std::vector<uint8_t> dictionary_mask(const data::Column& c, const std::function<bool(std::string_view)>& f) {
    std::vector<uint8_t> mask(c.dictionary.size());
    for (size_t i = 0; i < mask.size(); ++i) mask[i] = f(c.dictionary.values[i]);
    return mask;
}

std::vector<Predicate> predicates(const data::Table& table) {
    // P3's 20 cities: the 20 most common in the generated data would favour nobody; take dictionary entries 0..19.
    std::string cities;
    const data::Column& city = col(table, "city");
    for (size_t i = 0; i < 20 && i < city.dictionary.size(); ++i) {
        cities += i ? ", \"" : "\"";
        cities += city.dictionary.values[i];
        cities += "\"";
    }
    const int32_t may = *calendar::parse_date("2026-05-01");
    const int32_t jan25 = *calendar::parse_date("2025-01-01");
    std::vector<Predicate> list;
    list.push_back({"P1", "orders_90d >= 5 and last_order_date >= today - 30 days", {"orders_90d", "last_order_date"},
                    [](const data::Table& t, int32_t today) {
                        const auto& o = col(t, "orders_90d");
                        const auto& d = col(t, "last_order_date");
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            n += bit(o, r) & (o.i64[r] >= 5) & bit(d, r) & (d.i32[r] >= today - 30);
                        }
                        return n;
                    }});
    list.push_back({"P2", "total_spend > 1000 and tier in (\"gold\", \"platinum\")", {"total_spend", "tier"},
                    [](const data::Table& t, int32_t) {
                        const auto& s = col(t, "total_spend");
                        const auto& tier = col(t, "tier");  // enum codes: 2 gold, 3 platinum
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            n += bit(s, r) & (s.f64[r] > 1000) & bit(tier, r) & (tier.i32[r] >= 2);
                        }
                        return n;
                    }});
    list.push_back({"P3", "age between 18 and 29 and city in (" + cities + ") and email_opt_in",
                    {"age", "city", "email_opt_in"}, [](const data::Table& t, int32_t) {
                        const auto& age = col(t, "age");
                        const auto& c = col(t, "city");
                        const auto& opt = col(t, "email_opt_in");
                        auto mask = dictionary_mask(c, [&](std::string_view v) {
                            for (size_t i = 0; i < 20 && i < c.dictionary.size(); ++i) {
                                if (c.dictionary.values[i] == v) return true;
                            }
                            return false;
                        });
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            n += bit(age, r) & (age.i64[r] >= 18) & (age.i64[r] <= 29) & bit(c, r) & mask[c.i32[r]] &
                                 bit(opt, r) & opt.u8[r];
                        }
                        return n;
                    }});
    list.push_back({"P4", "last_order_date < 2026-05-01 or (last_order_date is null and orders_90d = 0)",
                    {"last_order_date", "orders_90d"}, [may](const data::Table& t, int32_t) {
                        const auto& d = col(t, "last_order_date");
                        const auto& o = col(t, "orders_90d");
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            bool dv = bit(d, r);
                            n += (dv & (d.i32[r] < may)) | (!dv & bit(o, r) & (o.i64[r] == 0));
                        }
                        return n;
                    }});
    list.push_back({"P5",
                    "((country starts with \"U\" and age >= 25) or (country = \"Germany\" and total_spend > 500)) and "
                    "not tier = \"bronze\" and signup_date < 2025-01-01 and (orders_90d between 1 and 10 or "
                    "avg_order_value >= 150) and email_opt_in and gender != \"other\"",
                    {"country", "age", "total_spend", "tier", "signup_date", "orders_90d", "avg_order_value",
                     "email_opt_in", "gender"},
                    [jan25](const data::Table& t, int32_t) {
                        const auto& country = col(t, "country");
                        const auto& age = col(t, "age");
                        const auto& spend = col(t, "total_spend");
                        const auto& tier = col(t, "tier");
                        const auto& signup = col(t, "signup_date");
                        const auto& orders = col(t, "orders_90d");
                        const auto& aov = col(t, "avg_order_value");
                        const auto& opt = col(t, "email_opt_in");
                        const auto& gender = col(t, "gender");  // enum codes: 2 = other
                        auto starts_u = dictionary_mask(country, [](std::string_view v) { return !v.empty() && v[0] == 'U'; });
                        auto germany = dictionary_mask(country, [](std::string_view v) { return v == "Germany"; });
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            bool cv = bit(country, r);
                            int32_t cc = country.i32[r];
                            bool left = (cv & starts_u[cc] & bit(age, r) & (age.i64[r] >= 25)) |
                                        (cv & germany[cc] & bit(spend, r) & (spend.f64[r] > 500));
                            bool orders_ok = (bit(orders, r) & (orders.i64[r] >= 1) & (orders.i64[r] <= 10)) |
                                             (bit(aov, r) & (aov.f64[r] >= 150));
                            n += left & bit(tier, r) & (tier.i32[r] != 0) & bit(signup, r) & (signup.i32[r] < jan25) &
                                 orders_ok & bit(opt, r) & opt.u8[r] & bit(gender, r) & (gender.i32[r] != 2);
                        }
                        return n;
                    }});
    return list;
}

double bytes_per_row(const data::Table& table, const std::vector<const char*>& columns) {
    double bytes = 0;
    for (const char* name : columns) {
        const data::Column& c = col(table, name);
        switch (c.type) {
            case schema::ColumnType::Int:
            case schema::ColumnType::Timestamp:
            case schema::ColumnType::Number: bytes += 8; break;
            case schema::ColumnType::Bool: bytes += 1; break;
            default: bytes += 4; break;
        }
        bytes += 1.0 / 8;  // validity bit
    }
    return bytes;
}

struct Compiled {
    semantic::Catalog catalog;
    engine::CompiledCatalog program;
};

std::unique_ptr<Compiled> compile(const std::string& text, const schema::Schema& schema, ir::scalar::AsOf as_of,
                                  const optimize::TableStats* stats, bool optimize_on) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("bench.seg", text), sink));
    auto out = std::make_unique<Compiled>();
    out->catalog = semantic::check(std::move(files), schema, sink);
    if (sink.has_errors()) {
        std::fprintf(stderr, "benchmark rules do not check\n");
        std::exit(2);
    }
    engine::CompileOptions options;
    options.stats = stats;
    options.optimizer.enabled = optimize_on;
    out->program = engine::compile(out->catalog, as_of, options);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t rows = 10000000;
    int repeat = 5;
    uint64_t reference_rows = 1000000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--rows")) rows = std::strtoull(argv[i + 1], nullptr, 10);
        if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--reference-rows")) reference_rows = std::strtoull(argv[i + 1], nullptr, 10);
    }
    const schema::Schema schema = data::synthetic_schema();
    ir::scalar::AsOf as_of;
    engine::parse_as_of(std::string(data::kSyntheticAsOf), &as_of);

    std::printf("Segmint benchmark: %llu customers, median of %d runs\n\n", static_cast<unsigned long long>(rows), repeat);
    std::string csv;
    double generate_s = seconds([&] {
        data::write_synthetic_csv([&](std::string_view bytes) { csv.append(bytes); return true; }, rows, 42);
    });
    std::printf("generate: %.2f s, %.1f MB of CSV\n", generate_s, csv.size() / 1e6);
    std::optional<data::Table> table;
    uint64_t rss_before = peak_rss_bytes();
    const double cpu_before = cpu_seconds();
    double load_s = seconds([&] {
        data::CsvError error;
        table = data::load_csv_text(csv, "generated.csv", schema, &error);
        if (!table) {
            std::fprintf(stderr, "%s\n", error.to_string().c_str());
            std::exit(2);
        }
    });
    const double load_cpu_s = cpu_seconds() - cpu_before;
    const uint64_t rss_grew = peak_rss_bytes() - rss_before;
    std::printf("load CSV (1 thread): %.2f s, %.0f MB/s; CPU time %.2f s, %.0f MB/s\n", load_s,
                csv.size() / 1e6 / load_s, load_cpu_s, csv.size() / 1e6 / load_cpu_s);
    // The loader has no parallel path yet: a second thread would change nothing.
    std::printf("load CSV (2 threads): not parallel, same as 1 thread\n");
    // Column bytes (Column::data_bytes): values arrays in use, validity bitmaps, dictionary string bytes and offsets.
    // Table memory (Table::byte_size) adds spare capacity and the dictionaries' hash indexes.
    const double table_mb = table->byte_size() / 1e6;
    const double column_mb = table->data_bytes() / 1e6;
    std::printf("table memory %.1f MB = %.2fx its column bytes (%.1f MB); peak RSS grew %.1f MB while loading = "
                "%.2fx the table\n",
                table_mb, table_mb / column_mb, column_mb, rss_grew / 1e6, rss_grew / 1e6 / table_mb);
    std::string().swap(csv);

    const double bandwidth = read_bandwidth();
    std::printf("memory read bandwidth: %.1f GB/s\n\n", bandwidth / 1e9);

    const optimize::TableStats stats = optimize::gather_stats(*table);
    std::printf("%-4s %10s %10s %10s %10s %10s %10s %10s %9s\n", "", "vm ns/row", "vm 2thr", "vm no-opt", "hand ns/r",
                "ref ns/row", "bound", "vm/hand", "members");
    double log_ratio_sum = 0;
    int count = 0;
    for (const auto& p : predicates(*table)) {
        auto optimized = compile("segment p: " + p.rule, schema, as_of, &stats, true);
        auto plain = compile("segment p: " + p.rule, schema, as_of, &stats, false);
        uint64_t vm_count = 0, vm2_count = 0, plain_count = 0, hand_count = 0, ref_count = 0;
        double vm = median_seconds(repeat, [&] {
            vm_count = engine::evaluate(optimized->program, *table, engine::Evaluator::Vm, 1)[0].count();
        });
        double vm2 = median_seconds(repeat, [&] {
            vm2_count = engine::evaluate(optimized->program, *table, engine::Evaluator::Vm, 2)[0].count();
        });
        double unoptimized = median_seconds(repeat, [&] {
            plain_count = engine::evaluate(plain->program, *table, engine::Evaluator::Vm, 1)[0].count();
        });
        double hand = median_seconds(repeat, [&] { hand_count = p.hand_written(*table, as_of.today); });
        // The reference evaluator is slow by design: time it on a prefix and compare counts on the same prefix.
        data::Table prefix(schema);
        bool counts_agree = vm_count == vm2_count && vm_count == plain_count && vm_count == hand_count;
        double reference_ns = 0;
        {
            uint64_t n = std::min(rows, reference_rows);
            std::string prefix_csv;
            data::write_synthetic_csv([&](std::string_view b) { prefix_csv.append(b); return true; }, n, 42);
            data::CsvError error;
            auto small = data::load_csv_text(prefix_csv, "prefix.csv", schema, &error);
            auto small_stats = optimize::gather_stats(*small);
            auto small_program = compile("segment p: " + p.rule, schema, as_of, &small_stats, true);
            uint64_t vm_small = 0;
            vm_small = engine::evaluate(small_program->program, *small, engine::Evaluator::Vm, 1)[0].count();
            double ref = seconds([&] {
                ref_count = engine::evaluate(small_program->program, *small, engine::Evaluator::Reference)[0].count();
            });
            counts_agree = counts_agree && ref_count == vm_small;
            reference_ns = ref / n * 1e9;
        }
        const double ns = 1e9 / static_cast<double>(rows);
        const double bound = bytes_per_row(*table, p.columns) / bandwidth * 1e9;
        std::printf("%-4s %10.2f %10.2f %10.2f %10.2f %10.1f %10.2f %10.2f %9llu%s\n", p.name, vm * ns, vm2 * ns,
                    unoptimized * ns, hand * ns, reference_ns, bound, vm / hand,
                    static_cast<unsigned long long>(vm_count), counts_agree ? "" : "  COUNTS DIFFER");
        log_ratio_sum += std::log(vm / hand);
        ++count;
        if (!counts_agree) return 1;
    }
    std::printf("\ngeometric mean vm/hand: %.2f\n", std::exp(log_ratio_sum / count));

    // Check and compile 1,000 segments.
    std::string many;
    for (int i = 0; i < 1000; ++i) {
        many += "segment s" + std::to_string(i) + ": orders_90d >= " + std::to_string(i % 20) +
                " and tier in (\"gold\", \"platinum\") and last_order_date within last " + std::to_string(i % 90 + 1) +
                " days or country starts with \"U\" and age between 18 and " + std::to_string(20 + i % 50) + "\n";
    }
    double compile_s = median_seconds(3, [&] { compile(many, schema, as_of, &stats, true); });
    std::printf("check + compile 1,000 segments: %.3f s\n", compile_s);
    return 0;
}
