// Segmint's benchmark: the five reference predicates of docs/performance.md on generated customers, timed in one
// process on one in-memory table: the VM (optimizer on and off, 1 and 2 threads), a hand-written branch-free C++ loop
// over the same columns (the practical limit), the reference evaluator, and the memory-bandwidth bound. Medians of
// repeated runs, the variants a ratio compares timed in turns; member counts are cross-checked between every path.
// Also: CSV load speed (median of up to 3 loads) and memory, and the time to check and compile 1,000 segments.
// Optional sections (each also runs alone with --only-sections):
//   --single N        one customer at a time through the public API (segmint::CustomerEvaluator) against the whole
//                     specs/ catalog, over N generated customers (default 100,000; 0 = skip)
//   --catalog N       N generated, realistic segments (default 200; 0 = skip) over the table: one evaluate call for
//                     all of them vs one call per segment (each with its dependency closure), on 1 and 2 threads
//   --snapshot 0|1    (default 1) the table written as a snapshot (src/snapshot) and opened again, and the --catalog
//                     segments evaluated from it, opening included, in this process and by `segmint eval` in its own
//   --scale LIST      P1-P5 at each row count of LIST (e.g. 1000000,10000000,50000000), rows generated in chunks
//                     of 1M straight into the table (not via one CSV text: 50M rows of CSV would not fit in memory)
//   --only-sections   skip the P1-P5 table, CSV load figures and the compile timing (the sections above still run)
//   segmint_benchmark [--rows N] [--repeat K] [--reference-rows N] [--single N] [--catalog N] [--snapshot 0|1]
//                     [--scale LIST] [--only-sections]
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/calendar.h"
#include "common/parallel.h"
#include "data/csv_loader.h"
#include "data/prefault.h"
#include "engine/engine.h"
#include "generate/synthetic.h"
#include "generated_catalog.h"
#include "narrow_baseline.h"
#include "one_pass_csv.h"
#include "optimize/stats.h"
#include "segmint/segmint.h"
#include "semantic/catalog.h"
#include "snapshot/checksum.h"
#include "snapshot/reader.h"
#include "snapshot/writer.h"
#include "syntax/parse.h"
#include "timing.h"
#include "vm/instruction_set.h"

#ifndef SEGMINT_SOURCE_DIR
#define SEGMINT_SOURCE_DIR "."
#endif
#ifndef SEGMINT_BINARY
#define SEGMINT_BINARY "segmint"
#endif

using namespace segmint;

namespace {

using bench::compile;
using bench::Compiled;
using bench::generate_catalog;
using bench::GeneratedSegment;
using bench::interleaved_medians;
using bench::seconds;

double median_seconds(int repeat, const std::function<void()>& f) { return interleaved_medians(repeat, {f})[0]; }

// CPU seconds of the whole process: on a shared machine the wall time of a one-thread phase also counts the time
// other processes held the core; this does not.
double cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// CPU seconds the process spent in the kernel: while loading, nearly all of it is the first touch of new pages,
// whose cost on a virtual machine depends on whether the host still backs that memory.
double kernel_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) * 1e-6;
}

struct LoadRuns {
    // Of the run with the median wall time.
    double seconds = 0;
    double cpu_seconds = 0;
    double kernel_seconds = 0;
    std::vector<double> all_seconds;  // every run, in order

    std::string runs_text() const {
        if (all_seconds.size() < 2) return "";
        std::string text = "; median of " + std::to_string(all_seconds.size()) + " runs:";
        for (size_t i = 0; i < all_seconds.size(); ++i) {
            char figure[32];
            std::snprintf(figure, sizeof figure, "%s %.2f", i == 0 ? "" : ",", all_seconds[i]);
            text += figure;
        }
        return text + " s";
    }
};

// Loads `csv` `runs` times on `threads` threads; *table holds the last run's table. Each run frees the previous
// table before it starts. Exits 2 when the text does not load.
LoadRuns time_loads(const std::string& csv, const schema::Schema& schema, unsigned threads, int runs,
                    std::optional<data::Table>* table, unsigned* threads_used = nullptr) {
    struct Run {
        double seconds, cpu, kernel;
    };
    std::vector<Run> all;
    LoadRuns result;
    for (int r = 0; r < runs; ++r) {
        table->reset();
        const double cpu_before = cpu_seconds();
        const double kernel_before = kernel_seconds();
        const double wall = seconds([&] {
            data::CsvError error;
            data::CsvOptions options;
            options.threads = threads;
            options.threads_used = threads_used;
            *table = data::load_csv_text(csv, "generated.csv", schema, &error, options);
            if (!*table) {
                std::fprintf(stderr, "%s\n", error.to_string().c_str());
                std::exit(2);
            }
        });
        all.push_back({wall, cpu_seconds() - cpu_before, kernel_seconds() - kernel_before});
        result.all_seconds.push_back(wall);
    }
    std::vector<Run> sorted = all;
    std::sort(sorted.begin(), sorted.end(), [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
    const Run& median = sorted[sorted.size() / 2];
    result.seconds = median.seconds;
    result.cpu_seconds = median.cpu;
    result.kernel_seconds = median.kernel;
    return result;
}

uint64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

// Resets the peak resident set (VmHWM) to the current one (Linux 4.0+), so a later peak_rss_since_reset() measures
// what happened after this call even when the process peaked higher before. False where it cannot be reset.
bool reset_peak_rss() {
    std::ofstream clear_refs("/proc/self/clear_refs");
    clear_refs << "5";
    clear_refs.flush();
    return clear_refs.good();
}

// VmHWM of /proc/self/status (getrusage keeps the peak of exited threads, which a reset does not clear); 0 if unknown.
uint64_t peak_rss_since_reset() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
    }
    return 0;
}

// The first difference between two tables (rows, every array, validity, dictionary values), or "" when identical.
std::string table_difference(const data::Table& a, const data::Table& b) {
    if (a.rows() != b.rows()) return "row counts differ";
    for (size_t c = 0; c < a.column_count(); ++c) {
        const data::Column& x = a.column(c);
        const data::Column& y = b.column(c);
        // Int columns by value: a snapshot holds them in plain widths, a loaded table may narrow them from a base.
        bool same_values = x.i64 == y.i64 && x.i32 == y.i32;
        if (x.type == schema::ColumnType::String || x.type == schema::ColumnType::Enum) {  // codes by value, too
            same_values = x.size == y.size;
            for (uint64_t row = 0; row < x.size && same_values; ++row) same_values = x.code_at(row) == y.code_at(row);
        }
        if (x.type == schema::ColumnType::Int) {
            same_values = x.size == y.size && x.validity == y.validity;
            for (uint64_t row = 0; row < x.size && same_values; ++row) {
                same_values = x.is_null(row) || x.int_at(row) == y.int_at(row);
            }
        }
        const bool same =
            x.size == y.size && x.validity == y.validity && same_values && x.f64 == y.f64 &&
            x.bools == y.bools && x.list_offsets == y.list_offsets && x.list_codes == y.list_codes &&
            x.dictionary.size() == y.dictionary.size() &&
            std::equal(x.dictionary.values.begin(), x.dictionary.values.end(), y.dictionary.values.begin());
        if (!same) return "column `" + x.name + "` differs";
    }
    return "";
}

// Streaming read bandwidth in bytes per second: the memory bound any evaluator must respect. A bound is what the
// machine can do, so the fastest of 5 passes after one untimed pass: on this project's CI machines the first passes
// over fresh memory, and whole seconds now and then, run several times slower (one median of 3 came out at 4.3
// against the usual 22 GB/s).
double read_bandwidth() {
    std::vector<uint64_t> data(size_t{64} << 20, 1);  // 512 MiB
    volatile uint64_t sink = 0;
    auto pass = [&] {
        uint64_t sum = 0;
        for (uint64_t v : data) sum += v;
        sink = sink + sum;
    };
    pass();
    double fastest = seconds(pass);
    for (int i = 1; i < 5; ++i) fastest = std::min(fastest, seconds(pass));
    return static_cast<double>(data.size() * sizeof(uint64_t)) / fastest;
}

// How much faster this machine runs perfectly parallel work on 2 threads than on 1, right now: the same arithmetic
// (no memory traffic, no sharing) split into two halves, run on 1 and 2 threads in turns. On a virtual machine this
// is not 2.0: it moved between 1.6x and 2.4x within minutes on this project's CI machines. Context for the 2-thread
// figures printed next to it, themselves taken at other moments, not a hard bound on them.
double parallel_ceiling(int repeat) {
    std::array<uint64_t, 2> sink{};
    auto half = [&sink](uint64_t index, unsigned) {
        uint64_t a = index + 1, b = 3 * index + 1, c = 7, d = 11;
        for (uint64_t i = 0; i < 40000000; ++i) {
            a = a * 6364136223846793005ULL + 1;
            b ^= a >> 13;
            c += b * 31;
            d ^= c + (d << 3);
        }
        sink[index] = a ^ b ^ c ^ d;
    };
    const std::vector<double> medians = interleaved_medians(repeat, {
                                                                        [&] { parallel_for(2, 1, half); },
                                                                        [&] { parallel_for(2, 2, half); },
                                                                    });
    return medians[0] / medians[1];
}

inline bool bit(const data::Column& c, uint64_t row) { return (c.validity.words()[row >> 6] >> (row & 63)) & 1; }

struct Predicate {
    const char* name;
    std::string rule;
    std::vector<const char*> columns;  // read by the predicate, for the bandwidth bound
    std::function<uint64_t(const data::Table&, int32_t today)> hand_written;
};

const data::Column& col(const data::Table& t, const char* name) { return *t.find(name); }

// The hand-written loops read an Int column as the engine holds it: the generated data's Int columns narrow to single
// bytes with no base (data::Column::narrow_ints).
const int8_t* int8_values(const data::Column& c) {
    if (c.int_width != 1 || c.int_base != 0) {
        throw std::runtime_error("hand-written loops: column " + c.name + " is not held in single bytes");
    }
    return c.i8.data();
}

// ...and a String or Enum column's codes as the engine holds them (data::Column::narrow_codes): T of its width.
template <typename T>
const T* code_values(const data::Column& c) {
    if (c.code_width != sizeof(T)) {
        throw std::runtime_error("hand-written loops: column " + c.name + " codes are not held in " +
                                 std::to_string(sizeof(T)) + " bytes");
    }
    if constexpr (sizeof(T) == 1) return c.i8.data();
    if constexpr (sizeof(T) == 2) return c.i16.data();
    if constexpr (sizeof(T) == 4) return c.i32.data();
}

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
    list.push_back({"P1",
                    "orders_90d >= 5 and last_order_date >= today - 30 days",
                    {"orders_90d", "last_order_date"},
                    [](const data::Table& t, int32_t today) {
                        const auto& o = col(t, "orders_90d");
                        const auto& d = col(t, "last_order_date");
                        const int8_t* ov = int8_values(o);
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            n += bit(o, r) & (ov[r] >= 5) & bit(d, r) & (d.i32[r] >= today - 30);
                        }
                        return n;
                    }});
    list.push_back({"P2",
                    "total_spend > 1000 and tier in (\"gold\", \"platinum\")",
                    {"total_spend", "tier"},
                    [](const data::Table& t, int32_t) {
                        const auto& s = col(t, "total_spend");
                        const auto& tier = col(t, "tier");  // enum codes: 2 gold, 3 platinum
                        const int8_t* tiers = code_values<int8_t>(tier);
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            n += bit(s, r) & (s.f64[r] > 1000) & bit(tier, r) & (tiers[r] >= 2);
                        }
                        return n;
                    }});
    list.push_back({"P3",
                    "age between 18 and 29 and city in (" + cities + ") and email_opt_in",
                    {"age", "city", "email_opt_in"},
                    [](const data::Table& t, int32_t) {
                        const auto& age = col(t, "age");
                        const auto& c = col(t, "city");
                        const auto& opt = col(t, "email_opt_in");
                        auto mask = dictionary_mask(c, [&](std::string_view v) {
                            for (size_t i = 0; i < 20 && i < c.dictionary.size(); ++i) {
                                if (c.dictionary.values[i] == v) return true;
                            }
                            return false;
                        });
                        const int8_t* ages = int8_values(age);
                        const int16_t* cities = code_values<int16_t>(c);
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            n += bit(age, r) & (ages[r] >= 18) & (ages[r] <= 29) & bit(c, r) & mask[cities[r]] &
                                 bit(opt, r) & opt.bools.get(r);
                        }
                        return n;
                    }});
    list.push_back({"P4",
                    "last_order_date < 2026-05-01 or (last_order_date is null and orders_90d = 0)",
                    {"last_order_date", "orders_90d"},
                    [may](const data::Table& t, int32_t) {
                        const auto& d = col(t, "last_order_date");
                        const auto& o = col(t, "orders_90d");
                        const int8_t* ov = int8_values(o);
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            bool dv = bit(d, r);
                            n += (dv & (d.i32[r] < may)) | (!dv & bit(o, r) & (ov[r] == 0));
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
                        auto starts_u =
                            dictionary_mask(country, [](std::string_view v) { return !v.empty() && v[0] == 'U'; });
                        auto germany = dictionary_mask(country, [](std::string_view v) { return v == "Germany"; });
                        const int8_t* ages = int8_values(age);
                        const int8_t* order_counts = int8_values(orders);
                        const int8_t* countries = code_values<int8_t>(country);
                        const int8_t* tiers = code_values<int8_t>(tier);
                        const int8_t* genders = code_values<int8_t>(gender);
                        uint64_t n = 0;
                        for (uint64_t r = 0; r < t.rows(); ++r) {
                            bool cv = bit(country, r);
                            int32_t cc = countries[r];
                            bool left = (cv & starts_u[cc] & bit(age, r) & (ages[r] >= 25)) |
                                        (cv & germany[cc] & bit(spend, r) & (spend.f64[r] > 500));
                            bool orders_ok = (bit(orders, r) & (order_counts[r] >= 1) & (order_counts[r] <= 10)) |
                                             (bit(aov, r) & (aov.f64[r] >= 150));
                            n += left & bit(tier, r) & (tiers[r] != 0) & bit(signup, r) & (signup.i32[r] < jan25) &
                                 orders_ok & bit(opt, r) & opt.bools.get(r) & bit(gender, r) & (genders[r] != 2);
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
            case schema::ColumnType::Int: bytes += c.int_width; break;  // narrowed (data::Column::narrow_ints)
            case schema::ColumnType::Timestamp:
            case schema::ColumnType::Number: bytes += 8; break;
            case schema::ColumnType::Bool: bytes += 1; break;
            case schema::ColumnType::String:
            case schema::ColumnType::Enum: bytes += c.code_width; break;  // narrowed (data::Column::narrow_codes)
            default: bytes += 4; break;
        }
        bytes += 1.0 / 8;  // validity bit
    }
    return bytes;
}

// ---- Tables generated in chunks ----------------------------------------------------------------------------------

// Appends the rows of `from` (same schema) to `to`, re-coding strings and list items into `to`'s dictionaries.
void append_rows(data::Table& to, const data::Table& from) {
    for (size_t c = 0; c < to.column_count(); ++c) {
        data::Column& d = to.mutable_column(c);
        const data::Column& s = from.column(c);
        const uint64_t n = s.size;
        for (uint64_t r = 0; r < n; ++r) d.validity.push_back(s.validity.get(r));
        std::vector<int32_t> code_map;
        if (d.type == schema::ColumnType::String || d.type == schema::ColumnType::StringList) {
            code_map.resize(s.dictionary.size());
            for (size_t k = 0; k < code_map.size(); ++k) {
                code_map[k] = d.dictionary.intern(s.dictionary.value(static_cast<int32_t>(k)));
            }
        }
        switch (d.type) {
            case schema::ColumnType::Int:  // the chunk is narrowed (data::Column::narrow_ints); the whole is, after
                d.widen_ints();
                for (uint64_t r = 0; r < n; ++r) d.i64.push_back(s.is_null(r) ? 0 : s.int_at(r));
                break;
            case schema::ColumnType::Timestamp: d.i64.insert(d.i64.end(), s.i64.begin(), s.i64.end()); break;
            case schema::ColumnType::Number: d.f64.insert(d.f64.end(), s.f64.begin(), s.f64.end()); break;
            case schema::ColumnType::Bool: d.bools.append(s.bools); break;
            case schema::ColumnType::Date:
            case schema::ColumnType::Enum: d.i32.insert(d.i32.end(), s.i32.begin(), s.i32.end()); break;
            case schema::ColumnType::String:
                for (uint64_t r = 0; r < n; ++r) d.i32.push_back(s.is_null(r) ? 0 : code_map[s.i32[r]]);
                break;
            case schema::ColumnType::StringList: {
                const uint64_t base = d.list_offsets.back();
                for (uint64_t r = 1; r <= n; ++r) d.list_offsets.push_back(base + s.list_offsets[r]);
                for (int32_t code : s.list_codes) d.list_codes.push_back(code_map[code]);
                break;
            }
        }
        d.size += n;
    }
    to.finish_rows();
}

// `rows` generated customers, in chunks of 1M rows (chunk k with seed 42 + k), each loaded from its own CSV text and
// appended: the whole CSV text never exists at once. The arrays are reserved once, with huge pages like a loaded
// table's.
data::Table generate_table(uint64_t rows, const schema::Schema& schema) {
    const uint64_t chunk = 1000000;
    data::Table table(schema);
    for (size_t c = 0; c < table.column_count(); ++c) {
        table.mutable_column(c).reserve(rows);
        // Huge pages where the CSV loader would ask for them too (data/prefault.h).
        table.column(c).for_each_filled_array(
            [](const void* data, size_t, size_t capacity) { data::advise_huge_pages(data, capacity); });
    }
    for (uint64_t done = 0, k = 0; done < rows; done += chunk, ++k) {
        uint64_t n = std::min(chunk, rows - done);
        std::string csv;
        generate::write_synthetic_csv(
            [&](std::string_view b) {
                csv.append(b);
                return true;
            },
            n, 42 + k);
        data::CsvError error;
        data::CsvOptions options;
        options.narrow_codes = false;  // the chunks' dictionaries merge (append_rows); the whole narrows below
        auto part = data::load_csv_text(csv, "chunk.csv", schema, &error, options);
        if (!part) {
            std::fprintf(stderr, "%s\n", error.to_string().c_str());
            std::exit(2);
        }
        append_rows(table, *part);
    }
    table.narrow_int_columns();
    table.narrow_code_columns();
    return table;
}

// ---- One customer at a time (public API) ---------------------------------------------------------------------------

void fill_customer(const data::Table& table, uint64_t r, segmint::Customer& customer) {
    customer.clear();
    for (size_t c = 0; c < table.column_count(); ++c) {
        const data::Column& col = table.column(c);
        if (col.is_null(r)) continue;  // unset = NULL
        switch (col.type) {
            case schema::ColumnType::Int: customer.set(col.name, static_cast<long long>(col.int_at(r))); break;
            case schema::ColumnType::Number: customer.set(col.name, col.f64[r]); break;
            case schema::ColumnType::Bool: customer.set(col.name, col.bools.get(r) != 0); break;
            case schema::ColumnType::Date: {
                calendar::CivilDate d = calendar::civil_from_days(col.i32[r]);
                customer.set(col.name, segmint::Date{d.year, d.month, d.day});
                break;
            }
            case schema::ColumnType::Timestamp: customer.set(col.name, calendar::format_timestamp(col.i64[r])); break;
            case schema::ColumnType::String:
            case schema::ColumnType::Enum: customer.set(col.name, std::string(col.string_at(r))); break;
            case schema::ColumnType::StringList: {
                std::vector<std::string> items;
                for (uint64_t i = col.list_begin(r); i < col.list_end(r); ++i) {
                    items.emplace_back(col.dictionary.value(col.list_codes[i]));
                }
                customer.set(col.name, items);
                break;
            }
        }
    }
}

int run_single(uint64_t customers) {
    std::vector<segmint::Problem> problems;
    const std::string dir = SEGMINT_SOURCE_DIR;
    auto schema = segmint::Schema::load(dir + "/specs/schema.yaml", &problems);
    auto catalog = schema ? segmint::Catalog::compile(schema, {dir + "/specs/segments"},
                                                      std::string(generate::kSyntheticAsOf), &problems)
                          : nullptr;
    if (!catalog) {
        for (const auto& p : problems) std::fputs(p.text.c_str(), stderr);
        return 2;
    }
    std::string csv;
    generate::write_synthetic_csv(
        [&](std::string_view b) {
            csv.append(b);
            return true;
        },
        customers, 7);
    data::CsvError error;
    auto table = data::load_csv_text(csv, "customers.csv", generate::synthetic_schema(), &error);
    std::string().swap(csv);

    segmint::CustomerEvaluator vm(catalog);
    segmint::CustomerEvaluator reference(catalog, segmint::CustomerEvaluatorOptions{true});
    const uint64_t chunk = 1000;
    std::vector<segmint::Customer> batch(chunk, segmint::Customer(schema));
    segmint::CustomerMembership by_vm, by_reference;
    std::vector<double> vm_ns, ref_ns, fill_ns;
    uint64_t memberships = 0, mismatches = 0;
    for (uint64_t base = 0; base < customers; base += chunk) {
        const uint64_t n = std::min(chunk, customers - base);
        fill_ns.push_back(seconds([&] {
                              for (uint64_t i = 0; i < n; ++i) fill_customer(*table, base + i, batch[i]);
                          }) /
                          n * 1e9);
        vm_ns.push_back(seconds([&] {
                            for (uint64_t i = 0; i < n; ++i) {
                                vm.evaluate(batch[i], &by_vm);
                                memberships += by_vm.segments.size();
                            }
                        }) /
                        n * 1e9);
        if (base < 20 * chunk) {  // the reference path is slow: the first 20,000 customers, cross-checked
            ref_ns.push_back(seconds([&] {
                                 for (uint64_t i = 0; i < n; ++i) reference.evaluate(batch[i], &by_reference);
                             }) /
                             n * 1e9);
            for (uint64_t i = 0; i < n; ++i) {
                vm.evaluate(batch[i], &by_vm);
                reference.evaluate(batch[i], &by_reference);
                mismatches += by_vm.member != by_reference.member;
            }
        }
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf(
        "\none customer at a time (public API, CustomerEvaluator), specs/ catalog: %zu segments, %llu "
        "customers in chunks of %llu, median of chunks\n",
        vm.segment_names().size(), static_cast<unsigned long long>(customers), static_cast<unsigned long long>(chunk));
    std::printf("  evaluate (VM):        %8.0f ns/customer   target <= 10000 ns: %s\n", median(vm_ns),
                median(vm_ns) <= 10000 ? "met" : "NOT MET");
    std::printf("  evaluate (reference): %8.0f ns/customer   (first %zu chunks)\n", median(ref_ns), ref_ns.size());
    std::printf("  building the Customer from typed values (not in the figures above): %.0f ns/customer\n",
                median(fill_ns));
    std::printf("  memberships: %.2f segments per customer; VM vs reference mismatches: %llu\n",
                static_cast<double>(memberships) / customers, static_cast<unsigned long long>(mismatches));
    return mismatches ? 1 : 0;
}

// Segment `index` with every segment it needs, in definition order (dependencies come first).
std::string closure_text(const std::vector<GeneratedSegment>& catalog, size_t index, size_t* target) {
    std::vector<bool> needed(index + 1);
    needed[index] = true;
    for (size_t i = index + 1; i-- > 0;) {
        if (!needed[i]) continue;
        for (size_t r : catalog[i].references) needed[r] = true;
    }
    std::string text;
    size_t position = 0;
    for (size_t i = 0; i <= index; ++i) {
        if (!needed[i]) continue;
        if (i == index) *target = position;
        text += "segment " + catalog[i].name + ": " + catalog[i].rule + "\n";
        ++position;
    }
    return text;
}

int run_catalog(const data::Table& table, size_t count, int repeat, scalar::AsOf as_of,
                const optimize::TableStats& stats) {
    const auto segments = generate_catalog(count);
    const std::string all = bench::catalog_text(segments);
    size_t with_references = 0;
    for (const auto& g : segments) with_references += !g.references.empty();
    auto together = compile(all, table.schema(), as_of, &stats, true);
    std::vector<std::unique_ptr<Compiled>> alone(count);
    std::vector<size_t> target(count);
    size_t closure_segments = 0;
    for (size_t i = 0; i < count; ++i) {
        alone[i] = compile(closure_text(segments, i, &target[i]), table.schema(), as_of, &stats, true);
        closure_segments += alone[i]->program.segment_names.size();
    }
    const double ns = 1e9 / static_cast<double>(table.rows());
    std::vector<uint64_t> together_counts(count), alone_counts(count);
    const std::vector<double> together_s = interleaved_medians(
        repeat, {
                    [&] {
                        auto bits = engine::evaluate(together->program, table, engine::Evaluator::Vm, 1);
                        for (size_t i = 0; i < count; ++i) together_counts[i] = bits[i].count();
                    },
                    [&] { engine::evaluate(together->program, table, engine::Evaluator::Vm, 2); },
                });
    auto one_at_a_time = [&](unsigned threads) {
        for (size_t i = 0; i < count; ++i) {
            alone_counts[i] =
                engine::evaluate(alone[i]->program, table, engine::Evaluator::Vm, threads)[target[i]].count();
        }
    };
    const std::vector<double> alone_s =
        interleaved_medians(std::min(repeat, 3), {[&] { one_at_a_time(1); }, [&] { one_at_a_time(2); }});
    const double t1 = together_s[0], t2 = together_s[1], a1 = alone_s[0], a2 = alone_s[1];
    size_t differ = 0;
    uint64_t members = 0;
    for (size_t i = 0; i < count; ++i) {
        differ += together_counts[i] != alone_counts[i];
        members += together_counts[i];
    }
    std::printf(
        "\ncatalog: %zu generated segments (%zu name another; one at a time = %zu evaluate calls, each with "
        "the segment's dependency closure: %zu segments in all), %llu rows\n",
        count, with_references, count, closure_segments, static_cast<unsigned long long>(table.rows()));
    std::printf("  %-28s %12s %12s %10s\n", "", "1 thread", "2 threads", "2thr gain");
    std::printf("  %-28s %12.2f %12.2f %9.2fx\n", "together ns/row (all)", t1 * ns, t2 * ns, t1 / t2);
    std::printf("  %-28s %12.2f %12.2f %9.2fx\n", "one at a time ns/row (all)", a1 * ns, a2 * ns, a1 / a2);
    std::printf("  %-28s %12.3f %12.3f\n", "per segment ns/row, together", t1 * ns / count, t2 * ns / count);
    std::printf(
        "  together vs one at a time: %.2fx on 1 thread, %.2fx on 2 (target >= 2x: %s); 2-thread speedup of "
        "the catalog %.2fx (target >= 1.7x: %s)\n",
        a1 / t1, a2 / t2, a1 / t1 >= 2 ? "met" : "NOT MET", t1 / t2, t1 / t2 >= 1.7 ? "met" : "NOT MET");
    std::printf("  members: %llu in all; per-segment counts together vs one at a time: %s\n",
                static_cast<unsigned long long>(members), differ ? "DIFFER" : "equal");
    return differ ? 1 : 0;
}

// Sum of the file's 8-byte words, a stand-in for a pass of the interpreter over its columns.
uint64_t sum_words(const uint64_t* words, size_t count) {
    uint64_t sum = 0;
    for (size_t i = 0; i < count; ++i) sum += words[i];
    return sum;
}

// The two ways an opened snapshot's columns can be read, on the file just written (in the page cache): in place,
// from the mapping (zero copy; pages of the page cache, 4 KiB: how --data reads a snapshot), or copied into fresh
// memory (huge pages advised, faulted in ahead, then one copy: ReadOptions::in_place = false). Three passes over the
// bytes after each: the first passes over a mapping pay its page walks, later ones its TLB misses. Prints seconds;
// nothing here is a target.
void compare_in_place_and_copied(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0 || info.st_size < 8) {
        if (fd >= 0) ::close(fd);
        return;
    }
    const auto size = static_cast<size_t>(info.st_size);
    const size_t words = size / 8;
    void* mapped = nullptr;
    const double map_s = seconds([&] { mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0); });
    ::close(fd);
    if (mapped == MAP_FAILED) return;
    const auto* in_place = static_cast<const uint64_t*>(mapped);
    uint64_t check = 0;
    double mapped_passes[3], copied_passes[3];
    for (double& pass : mapped_passes) pass = seconds([&] { check += sum_words(in_place, words); });
    std::vector<uint64_t> copy;
    const double copy_s = seconds([&] {
        copy.reserve(words);
        data::advise_huge_pages(copy.data(), words * 8);
        data::prefault_for_writing(copy.data(), words * 8);
        copy.insert(copy.end(), in_place, in_place + words);
    });
    for (double& pass : copied_passes) pass = seconds([&] { check -= sum_words(copy.data(), words); });
    ::munmap(mapped, size);
    std::printf(
        "  reading it in place (mapped, zero copy): mapped in %.2f s, then passes over all of it %.2f %.2f %.2f s; "
        "copied into fresh memory: %.2f s, then passes %.2f %.2f %.2f s%s\n",
        map_s, mapped_passes[0], mapped_passes[1], mapped_passes[2], copy_s, copied_passes[0], copied_passes[1],
        copied_passes[2], check == 0 ? "" : " (SUMS DIFFER)");
}

// `text` in single quotes for the shell.
std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The schema as a project's schema.yaml gives it (the table's columns, types and enum values: all the generated
// table's schema has), so that `segmint eval` takes the snapshot written from it.
std::string schema_yaml(const schema::Schema& schema) {
    const auto quoted = [](const std::string& text) {
        std::string out = "\"";
        for (char c : text) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
        return out + "\"";
    };
    std::string yaml = "table: " + quoted(schema.table) + "\nkey: " + quoted(schema.key) + "\ncolumns:\n";
    for (const schema::Column& column : schema.columns) {
        yaml += "  " + quoted(column.name) + ": ";
        if (column.type == schema::ColumnType::Enum) {
            yaml += "{type: enum, values: [";
            for (size_t i = 0; i < column.enum_values.size(); ++i)
                yaml += (i > 0 ? ", " : "") + quoted(column.enum_values[i]);
            yaml += "]}\n";
        } else {
            yaml += std::string(schema::column_type_name(column.type)) + "\n";
        }
    }
    return yaml;
}

struct EvalProcess {
    double wall = 0;                   // median seconds of the whole process
    double loaded = 0, evaluated = 0;  // its own figures (the first line of its output), of the last run
    std::string problem;               // empty when every run exited 0 with the expected member counts
};

// `segmint eval --data SNAPSHOT` as a user runs it: a process of its own (the project, in a new folder beside the
// snapshot: the table's schema as schema_yaml writes it, and the catalog), each run started after the machine was idle
// for 5 s. On this project's virtual machines memory that a process freed is handed back to the host within seconds,
// and a process that touches memory afresh then pays for every page (docs/performance.md): the in-process figures above
// reuse memory the benchmark itself freed a moment before, which a user's command does not find.
EvalProcess run_eval_process(const std::string& snapshot_path, const schema::Schema& schema,
                             const std::vector<GeneratedSegment>& segments,
                             const std::vector<uint64_t>& expected_counts, int runs) {
    EvalProcess result;
    std::string folder = snapshot_path + ".project.XXXXXX";
    if (!::mkdtemp(folder.data())) {
        result.problem = "no folder for its project";
        return result;
    }
    const std::string project = folder;
    ::mkdir((project + "/segments").c_str(), 0755);
    {
        std::ofstream(project + "/schema.yaml", std::ios::binary) << schema_yaml(schema);
        std::ofstream(project + "/segments/catalog.seg", std::ios::binary) << bench::catalog_text(segments);
        std::ofstream(project + "/segmint.yaml", std::ios::binary)
            << "schema: schema.yaml\nsegments: [\"segments/*.seg\"]\nas_of: " << generate::kSyntheticAsOf << "\n";
    }
    const std::string command = shell_quoted(SEGMINT_BINARY) + " eval --project " + shell_quoted(project) + " --data " +
                                shell_quoted(snapshot_path) + " 2>" + shell_quoted(project + "/stderr");
    std::vector<double> walls;
    for (int run = 0; run < runs && result.problem.empty(); ++run) {
        std::this_thread::sleep_for(std::chrono::seconds(5));
        std::string output;
        const double wall = seconds([&] {
            std::FILE* pipe = ::popen(command.c_str(), "r");
            if (!pipe) return;
            char buffer[4096];
            for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
            const int status = ::pclose(pipe);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                std::ifstream errors(project + "/stderr");
                const std::string said((std::istreambuf_iterator<char>(errors)), std::istreambuf_iterator<char>());
                result.problem = "`" + command + "` failed: " + said.substr(said.size() > 600 ? said.size() - 600 : 0);
            }
        });
        walls.push_back(wall);
        const size_t at = output.find("(loaded in ");
        if (result.problem.empty() &&
            (at == std::string::npos || std::sscanf(output.c_str() + at, "(loaded in %lf s, evaluated in %lf s)",
                                                    &result.loaded, &result.evaluated) != 2)) {
            result.problem = "no timings in its output";
        }
        // Rows "NAME  1,234  0.01%  TITLE" under the header "segment  customers ...".
        std::map<std::string, uint64_t> counts;
        std::istringstream lines(output);
        for (std::string line; std::getline(lines, line);) {
            std::istringstream fields(line);
            std::string name, count;
            if (!(fields >> name >> count)) continue;
            count.erase(std::remove(count.begin(), count.end(), ','), count.end());
            if (!count.empty() && count.find_first_not_of("0123456789") == std::string::npos)
                counts[name] = std::strtoull(count.c_str(), nullptr, 10);
        }
        for (size_t i = 0; i < segments.size() && result.problem.empty(); ++i) {
            const auto found = counts.find(segments[i].name);
            if (found == counts.end() || found->second != expected_counts[i])
                result.problem = "its member count of " + segments[i].name + " differs";
        }
    }
    std::sort(walls.begin(), walls.end());
    result.wall = walls.empty() ? 0 : walls[walls.size() / 2];
    std::remove((project + "/segments/catalog.seg").c_str());
    std::remove((project + "/schema.yaml").c_str());
    std::remove((project + "/segmint.yaml").c_str());
    std::remove((project + "/stderr").c_str());
    ::rmdir((project + "/segments").c_str());
    ::rmdir(project.c_str());
    return result;
}

// A snapshot of the table (src/snapshot): written as `segmint import` writes it (a temporary file, flushed to disk,
// renamed) and into a sink that keeps nothing (the writer's own cost), opened as --data opens it (checksum checked,
// columns read in place from the mapped file) and with its columns copied out, and the generated catalog evaluated
// from it both ways, opening included.
int run_snapshot(const data::Table& table, size_t count, int repeat, scalar::AsOf as_of) {
    const char* folder = std::getenv("TMPDIR");
    const std::string path = std::string(folder && *folder ? folder : "/tmp") + "/segmint_benchmark.arrow";
    const int runs = std::min(repeat, 3);
    uint64_t bytes = 0;
    std::string error;
    // Written as `segmint import` writes it, against what the disk allows: the snapshot's own bytes (zeros may be
    // cheaper for a virtual disk to store), from memory, to a new file in 8 MiB writes, flushed (fsync), through the
    // page cache and around it (O_DIRECT). The three in turns, each to a file that does not exist yet: replacing a
    // file of 1.2 GB costs its file system 0.4-0.5 s more on this machine to free the old blocks, which is not writing.
    if (!snapshot::write_snapshot_file(table, path, &error, {}, &bytes)) {
        std::fprintf(stderr, "snapshot: %s\n", error.c_str());
        return 1;
    }
    const size_t padded = (bytes + 4095) / 4096 * 4096;
    std::unique_ptr<char, void (*)(void*)> own(static_cast<char*>(std::aligned_alloc(4096, padded)), std::free);
    {
        std::FILE* in = std::fopen(path.c_str(), "rb");
        const bool read = in && std::fread(own.get(), 1, bytes, in) == bytes;
        if (in) std::fclose(in);
        if (!read) {
            std::fprintf(stderr, "snapshot: cannot read %s back\n", path.c_str());
            return 1;
        }
        std::memset(own.get() + bytes, 0, padded - bytes);
    }
    // False when the copy could not be made (a file system without O_DIRECT, a full disk): no figure then.
    const auto copy_to_disk = [&](bool direct) {
        const std::string copy = path + ".disk";
        const int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | (direct ? O_DIRECT : 0), 0644);
        if (fd < 0) return false;
        const size_t total = direct ? padded : bytes;
        size_t at = 0;
        while (at < total) {
            const ssize_t n = ::write(fd, own.get() + at, std::min(size_t{8} << 20, total - at));
            if (n <= 0) break;
            at += static_cast<size_t>(n);
        }
        const bool ok = at == total && (!direct || ::ftruncate(fd, static_cast<off_t>(bytes)) == 0) && ::fsync(fd) == 0;
        ::close(fd);
        return ok;
    };
    bool made[2] = {true, true};  // the copies through the page cache and around it
    const auto copy_variant = [&](bool direct) {
        return [&, direct] { made[direct] = copy_to_disk(direct) && made[direct]; };
    };
    const std::vector<double> timed = interleaved_medians(
        runs,
        {[&] {
             if (!snapshot::write_snapshot_file(table, path, &error, {}, &bytes))
                 std::fprintf(stderr, "%s\n", error.c_str());
         },
         copy_variant(false), copy_variant(true)},
        [&](size_t variant) {
            std::remove((variant == 0 ? path : path + ".disk").c_str());
            ::sync();
        });
    std::remove((path + ".disk").c_str());
    // The checksum alone, over the file's bytes in memory, as each format version hashes them (snapshot/checksum.h).
    const auto* own_bytes = reinterpret_cast<const unsigned char*>(own.get());
    const snapshot::StripeCode code = snapshot::best_stripe_code();
    std::printf("\nsnapshot checksum over its %.1f MB in memory (median of %d, stripes with %s):", bytes / 1e6, runs,
                code == snapshot::StripeCode::Avx2 ? "AVX2" : code == snapshot::StripeCode::Sse2 ? "SSE2" : "C++");
    const char* separator = "";
    for (const unsigned threads : {1u, 2u}) {
        for (const auto kind : {snapshot::ChunkHash::Rounds, snapshot::ChunkHash::Stripes}) {
            const double hashed = median_seconds(runs, [&] { snapshot::checksum(own_bytes, bytes, threads, kind); });
            std::printf("%s %s on %u thread(s) %.3f s = %.1f GB/s", separator,
                        kind == snapshot::ChunkHash::Rounds ? "versions 1-3 (rounds)" : "version 4 (stripes)", threads,
                        hashed, bytes / hashed / 1e9);
            separator = ";";
        }
    }
    std::printf("\n");
    own.reset();
    const double written = timed[0], buffered_disk = made[0] ? timed[1] : std::nan("");
    const double direct_disk = made[1] ? timed[2] : std::nan("");
    const double disk = std::fmin(buffered_disk, direct_disk);  // the one made, when the other could not be
    const double produced =
        median_seconds(runs, [&] { snapshot::write_snapshot(table, [](const void*, size_t) { return true; }); });
    const double blocked = median_seconds(
        runs, [&] { snapshot::write_snapshot_in_blocks(table, [](const void*, size_t) { return true; }); });
    std::optional<data::Table> opened;
    snapshot::ReadOptions options, copied;
    options.threads = copied.threads = 2;
    copied.in_place = false;
    const double copied_s = median_seconds(runs, [&] {
        opened.reset();
        opened = snapshot::read_snapshot_file(path, table.schema(), &error, copied);
    });
    const std::string copied_difference = opened ? table_difference(table, *opened) : error;
    const double open_s = median_seconds(runs, [&] {
        opened.reset();
        opened = snapshot::read_snapshot_file(path, table.schema(), &error, options);
    });
    if (!opened) {
        std::fprintf(stderr, "snapshot: %s\n", error.c_str());
        return 1;
    }
    std::string difference = table_difference(table, *opened);
    if (difference.empty() && !copied_difference.empty()) difference = "copied out: " + copied_difference;
    const double gb = static_cast<double>(bytes) / 1e9;
    std::printf(
        "\nsnapshot: %llu rows, %.1f MB; written as `segmint import` writes it (flushed to disk) in %.2f s = %.2f "
        "GB/s (target >= 1 GB/s: %s); its bytes from memory to another file, flushed: %.2f s = %.2f GB/s through the "
        "page cache, %.2f s = %.2f GB/s around it (O_DIRECT); the disk: %.2f GB/s, the writer %.2fx its speed; "
        "the writer alone (bytes discarded) %.2f s = %.2f GB/s, with its copy into aligned blocks %.2f s; opened on "
        "2 threads in %.2f s = %.2f GB/s (columns read in place; copied out as before %.2f s); the opened table %s\n",
        static_cast<unsigned long long>(table.rows()), bytes / 1e6, written, gb / written,
        gb / written >= 1 ? "met" : "NOT MET", buffered_disk, gb / buffered_disk, direct_disk, gb / direct_disk,
        gb / disk, disk / written, produced, gb / produced, blocked, open_s, gb / open_s, copied_s,
        difference.empty() ? "is the written one" : ("DIFFERS: " + difference).c_str());
    compare_in_place_and_copied(path);
    {
        // The interpreter over the mapped columns (the page cache's 4 KiB pages) against the loaded table (huge
        // pages): P1-P5 on 1 thread, the two timed in turns; the member counts must agree.
        const optimize::TableStats stats = optimize::gather_stats(table);
        std::printf("  P1-P5 on 1 thread over the mapped columns / over the loaded table, ns/row:");
        for (const Predicate& predicate : predicates(table)) {
            auto compiled = compile("segment p: " + predicate.rule, table.schema(), as_of, &stats, true);
            uint64_t mapped_count = 0, loaded_count = 0;
            const auto medians = interleaved_medians(
                repeat,
                {[&] {
                     mapped_count = engine::evaluate(compiled->program, *opened, engine::Evaluator::Vm, 1)[0].count();
                 },
                 [&] {
                     loaded_count = engine::evaluate(compiled->program, table, engine::Evaluator::Vm, 1)[0].count();
                 }});
            const double per_row = 1e9 / static_cast<double>(std::max<uint64_t>(table.rows(), 1));
            std::printf(" %s %.2f / %.2f%s", predicate.name, medians[0] * per_row, medians[1] * per_row,
                        mapped_count == loaded_count ? "" : " (COUNTS DIFFER)");
            if (mapped_count != loaded_count) difference = "P1-P5 counts differ";
        }
        std::printf("\n");
    }
    if (count > 0) {
        const std::vector<GeneratedSegment> segments = generate_catalog(count);
        const std::string catalog = bench::catalog_text(segments);
        // The whole evaluation as `segmint eval` runs it (member counts), opening included, with the columns read
        // as `how` says; the parts of the last run, whose counts are checked against every segment's bitmap over the
        // loaded table (the catalog compiled with the same statistics).
        const optimize::TableStats table_stats = optimize::gather_stats(table, 2);
        auto expected = compile(catalog, table.schema(), as_of, &table_stats, true);
        std::vector<uint64_t> expected_counts;  // the bitmaps themselves would hold 250 MB through the timed runs
        for (const auto& members : engine::evaluate(expected->program, table, engine::Evaluator::Vm, 2)) {
            expected_counts.push_back(members.count());
        }
        bool counts_equal = true;
        // One evaluation as `segmint eval` runs it, its parts into `parts`.
        auto run_catalog = [&](const snapshot::ReadOptions& how, double parts[3]) {
            std::vector<uint64_t> counts;
            opened.reset();
            parts[0] = seconds([&] { opened = snapshot::read_snapshot_file(path, table.schema(), &error, how); });
            optimize::TableStats stats;
            parts[1] = seconds([&] { stats = optimize::gather_stats(*opened, 2); });
            parts[2] = seconds([&] {
                auto compiled = compile(catalog, table.schema(), as_of, &stats, true);
                counts = engine::count_members(compiled->program, *opened, engine::Evaluator::Vm, 2);
            });
            counts_equal &= counts == expected_counts;
        };
        // In place, copied out, and in place on the interpreter's baseline copy where this CPU runs the x86-64-v3
        // one (vm/instruction_set.h), taking turns.
        double in_place_parts[3], copied_parts[3], baseline_parts[3];
        const vm::InstructionSet best_set = vm::instruction_set();
        std::vector<std::function<void()>> variants = {[&] { run_catalog(options, in_place_parts); },
                                                       [&] { run_catalog(copied, copied_parts); }};
        if (best_set != vm::InstructionSet::Baseline) {
            variants.push_back([&] { run_catalog(options, baseline_parts); });
        }
        const std::vector<double> medians = interleaved_medians(runs, variants, [&](size_t v) {
            vm::set_instruction_set(v == 2 ? vm::InstructionSet::Baseline : best_set);
        });
        vm::set_instruction_set(best_set);
        const double total = medians[0], copied_total = medians[1];
        const double baseline_total = medians.size() > 2 ? medians[2] : 0;
        if (!counts_equal && difference.empty()) difference = "catalog counts differ";
        std::printf(
            "  %zu-segment catalog from the snapshot on 2 threads, opening included: %.2f s (target <= 0.3 s: %s); "
            "of the last run: opening %.2f s, statistics %.2f s, compile + evaluate %.2f s\n"
            "    the same with the columns copied out (huge pages): %.2f s; opening %.2f s, statistics %.2f s, "
            "compile + evaluate %.2f s\n",
            count, total, total <= 0.3 ? "met" : "NOT MET", in_place_parts[0], in_place_parts[1], in_place_parts[2],
            copied_total, copied_parts[0], copied_parts[1], copied_parts[2]);
        if (best_set != vm::InstructionSet::Baseline) {
            std::printf(
                "    the same on the interpreter's baseline copy instead of its %s one: %.2f s; opening %.2f s, "
                "statistics %.2f s, compile + evaluate %.2f s\n",
                vm::instruction_set_name(best_set).c_str(), baseline_total, baseline_parts[0], baseline_parts[1],
                baseline_parts[2]);
        }
        std::printf("    member counts (as `segmint eval` counts them, every way of reading and running) against each "
                    "segment's bitmap over the loaded table: %s\n",
                    counts_equal ? "equal" : "DIFFER");
        const EvalProcess process = run_eval_process(path, table.schema(), segments, expected_counts, runs);
        if (!process.problem.empty() && difference.empty()) difference = "segmint eval: " + process.problem;
        std::printf(
            "    as a user runs it, `segmint eval --data SNAPSHOT` in a process of its own after 5 s idle: %.2f s "
            "wall (target <= 0.3 s: %s; median of %d; its own figures, last run: loaded in %.2f s, evaluated "
            "in %.2f s); member counts %s\n",
            process.wall, process.wall <= 0.3 && process.problem.empty() ? "met" : "NOT MET", runs, process.loaded,
            process.evaluated, process.problem.empty() ? "equal" : ("WRONG: " + process.problem).c_str());
    }
    std::remove(path.c_str());
    return difference.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t rows = 10000000;
    int repeat = 5;
    uint64_t reference_rows = 1000000;
    uint64_t single = 100000;
    size_t catalog_segments = 200;
    bool snapshot_section = true;
    std::vector<uint64_t> scale;
    bool only_sections = false;
    for (int i = 1; i < argc; ++i) {
        const char* value = i + 1 < argc ? argv[i + 1] : "";
        if (!std::strcmp(argv[i], "--only-sections")) {
            only_sections = true;
            continue;
        }
        if (!std::strcmp(argv[i], "--rows"))
            rows = std::strtoull(value, nullptr, 10);
        else if (!std::strcmp(argv[i], "--repeat"))
            repeat = std::max(1, std::atoi(value));
        else if (!std::strcmp(argv[i], "--reference-rows"))
            reference_rows = std::strtoull(value, nullptr, 10);
        else if (!std::strcmp(argv[i], "--single"))
            single = std::strtoull(value, nullptr, 10);
        else if (!std::strcmp(argv[i], "--catalog"))
            catalog_segments = std::strtoull(value, nullptr, 10);
        else if (!std::strcmp(argv[i], "--snapshot"))
            snapshot_section = std::strcmp(value, "0") != 0;
        else if (!std::strcmp(argv[i], "--scale")) {
            for (const char* p = value; *p;) {
                char* end;
                uint64_t n = std::strtoull(p, &end, 10);
                if (end == p) break;
                scale.push_back(n);
                p = *end == ',' ? end + 1 : end;
            }
        } else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
        ++i;
    }
    const schema::Schema schema = generate::synthetic_schema();
    scalar::AsOf as_of;
    engine::parse_as_of(std::string(generate::kSyntheticAsOf), &as_of);

    std::printf("Segmint benchmark: %llu customers, median of %d runs; the interpreter's %s copy\n\n",
                static_cast<unsigned long long>(rows), repeat, vm::instruction_set_name(vm::instruction_set()).c_str());
    std::optional<data::Table> table;
    int status = 0;
    if (!only_sections) {
        std::string csv;
        double generate_s = seconds([&] {
            generate::write_synthetic_csv(
                [&](std::string_view bytes) {
                    csv.append(bytes);
                    return true;
                },
                rows, 42);
        });
        std::printf("generate: %.2f s, %.1f MB of CSV\n", generate_s, csv.size() / 1e6);
        // Loads are timed like the predicates: the median of repeated runs (at most 3: each takes seconds), since
        // on a shared machine a single run may fall on a busy moment. Every run frees the previous table first and
        // allocates its own, as a user's load does.
        const int load_runs = std::min(repeat, 3);
        uint64_t rss_before = peak_rss_bytes();
        const LoadRuns one = time_loads(csv, schema, 1, load_runs, &table);
        const uint64_t rss_grew = peak_rss_bytes() - rss_before;
        std::printf(
            "load CSV (1 thread): %.2f s, %.0f MB/s; CPU time %.2f s, %.0f MB/s"
            " (%.2f s of it in the kernel)%s\n",
            one.seconds, csv.size() / 1e6 / one.seconds, one.cpu_seconds, csv.size() / 1e6 / one.cpu_seconds,
            one.kernel_seconds, one.runs_text().c_str());
        {
            // The simplest correct one-pass parse into the same columns (one_pass_csv.h), timed in the same way on
            // the same text: the loader's 1-thread time is held to within 1.5x of it.
            std::optional<data::Table> baseline;
            std::string error;
            const double base_s = median_seconds(load_runs, [&] {
                baseline.reset();
                baseline = bench::one_pass_load(csv, schema, &error);
            });
            const std::string difference = baseline ? table_difference(*table, *baseline) : error;
            std::printf(
                "one-pass baseline parse (1 thread): %.2f s, %.0f MB/s; the loader on 1 thread takes %.2fx its time "
                "(target <= 1.5x: %s); same table: %s\n",
                base_s, csv.size() / 1e6 / base_s, one.seconds / base_s,
                one.seconds / base_s <= 1.5 ? "met" : "NOT MET",
                difference.empty() ? "yes" : ("NO, " + difference).c_str());
            if (!difference.empty()) status = 1;
        }
        // Column bytes (Column::data_bytes): values arrays in use, validity bitmaps, dictionary string bytes and
        // offsets. Table memory (Table::byte_size) adds spare capacity and the dictionaries' hash indexes.
        const double table_mb = table->byte_size() / 1e6;
        const double column_mb = table->data_bytes() / 1e6;
        const double csv_mb = static_cast<double>(csv.size()) / 1e6;
        std::printf(
            "table memory %.1f MB = %.2fx its column bytes (%.1f MB) = %.2fx the CSV (target <= 1.0x: %s); peak RSS "
            "grew %.1f MB while loading = %.2fx the table\n",
            table_mb, table_mb / column_mb, column_mb, table_mb / csv_mb, table_mb <= csv_mb ? "met" : "NOT MET",
            rss_grew / 1e6, rss_grew / 1e6 / table_mb);

        // The same text on two threads. The 1-thread table stays resident (to compare with), and the peak resident
        // set is reset just before, so its growth is what the 2-thread load itself needed at its peak.
        const bool peak_reset = reset_peak_rss();
        const uint64_t rss_before2 = peak_rss_since_reset();
        std::optional<data::Table> table2;
        unsigned threads_used = 0;
        const LoadRuns two = time_loads(csv, schema, 2, load_runs, &table2, &threads_used);
        const uint64_t rss_grew2 = peak_rss_since_reset() - rss_before2;
        // CPU time of all threads: near the 1-thread CPU time when the split costs little; a speedup well below
        // 2x with it says the machine did not give the load two cores.
        std::printf(
            "load CSV (2 threads): %.2f s, %.0f MB/s (%.2fx one thread); CPU time %.2f s (%.2f s in the "
            "kernel)%s%s\n",
            two.seconds, csv.size() / 1e6 / two.seconds, one.seconds / two.seconds, two.cpu_seconds, two.kernel_seconds,
            two.runs_text().c_str(), threads_used == 2 ? "" : " (ran on one thread: the input is too small to split)");
        const std::string difference = table_difference(*table, *table2);
        if (!difference.empty()) {
            std::fprintf(stderr, "load CSV (2 threads): the table differs from the 1-thread table: %s\n",
                         difference.c_str());
            return 1;
        }
        const double table2_mb = table2->byte_size() / 1e6;
        if (peak_reset && rss_before2 > 0) {
            std::printf(
                "2 threads: same table as 1 thread; table memory %.1f MB = %.2fx its column bytes; peak RSS "
                "grew %.1f MB while loading = %.2fx the table\n",
                table2_mb, table2_mb / column_mb, rss_grew2 / 1e6, rss_grew2 / 1e6 / table2_mb);
        } else {
            std::printf(
                "2 threads: same table as 1 thread; table memory %.1f MB = %.2fx its column bytes; peak RSS "
                "not measured (cannot reset it)\n",
                table2_mb, table2_mb / column_mb);
        }
        table2.reset();
        std::string().swap(csv);

        const double bandwidth = read_bandwidth();
        std::printf("memory read bandwidth: %.1f GB/s\n", bandwidth / 1e9);

        const optimize::TableStats stats = optimize::gather_stats(*table);
        const std::vector<Predicate> reference_predicates = predicates(*table);
        {
            // What a user's one evaluation after a load gets: on this project's CI machines the first passes over a
            // freshly loaded table were several times slower than later ones over 4 KiB pages (data/prefault.h).
            auto p5 = compile("segment p: " + reference_predicates[4].rule, schema, as_of, &stats, true);
            std::printf("first passes after loading, P5 on 1 thread:");
            for (int i = 0; i < 4; ++i) {
                const double s = seconds([&] { engine::evaluate(p5->program, *table, engine::Evaluator::Vm, 1); });
                std::printf(" %.2f", s * 1e9 / static_cast<double>(rows));
            }
            std::printf(" ns/row\n\n");
        }
        const bench::NarrowBaseline narrow(*table);
        // The hand-written loops are compiled for the build's baseline, so the VM's columns run its baseline copy
        // too (vm/instruction_set.h); `vm v3` is the x86-64-v3 copy a CPU that has it runs everywhere else.
        const vm::InstructionSet best_set = vm::instruction_set();
        const bool has_v3 = vm::supports(vm::InstructionSet::X86_64_V3);
        std::printf("the VM's columns on its baseline copy, as the hand-written loops are compiled; vm v3: %s\n",
                    !has_v3                                       ? "none (this CPU or build has no x86-64-v3 copy)"
                    : best_set == vm::InstructionSet::X86_64_V3 ? "the x86-64-v3 copy, which the other sections run"
                                                                  : "the x86-64-v3 copy (the other sections run the "
                                                                    "baseline one: SEGMINT_ISA)");
        std::printf("%-4s %10s %10s %10s %10s %10s %10s %10s %10s %10s %9s %10s\n", "", "vm ns/row", "vm 2thr",
                    "vm no-opt", "hand ns/r", "narrow", "ref ns/row", "bound", "vm/hand", "vm/narrow", "members",
                    "vm v3");
        double log_ratio_sum = 0, log_narrow_sum = 0, worst_narrow = 0;
        int count = 0;
        double p5_speedup = 0;
        for (const auto& p : reference_predicates) {
            auto optimized = compile("segment p: " + p.rule, schema, as_of, &stats, true);
            auto plain = compile("segment p: " + p.rule, schema, as_of, &stats, false);
            uint64_t vm_count = 0, vm2_count = 0, plain_count = 0, hand_count = 0, narrow_count = 0, ref_count = 0,
                     v3_count = 0;
            const std::vector<double> medians = interleaved_medians(
                repeat,
                {
                    [&] {
                        vm_count = engine::evaluate(optimized->program, *table, engine::Evaluator::Vm, 1)[0].count();
                    },
                    [&] {
                        vm2_count = engine::evaluate(optimized->program, *table, engine::Evaluator::Vm, 2)[0].count();
                    },
                    [&] {
                        plain_count = engine::evaluate(plain->program, *table, engine::Evaluator::Vm, 1)[0].count();
                    },
                    [&] { hand_count = p.hand_written(*table, as_of.today); },
                    [&] {
                        narrow_count = narrow.count(static_cast<size_t>(&p - reference_predicates.data()), as_of.today);
                    },
                    [&] {
                        if (!has_v3) return;
                        v3_count = engine::evaluate(optimized->program, *table, engine::Evaluator::Vm, 1)[0].count();
                    },
                },
                // Every column on the baseline copy but the last (as the snapshot section switches copies).
                [&](size_t variant) {
                    vm::set_instruction_set(variant == 5 && has_v3 ? vm::InstructionSet::X86_64_V3
                                                                   : vm::InstructionSet::Baseline);
                });
            vm::set_instruction_set(best_set);
            const double vm = medians[0], vm2 = medians[1], unoptimized = medians[2], hand = medians[3],
                         narrowest = medians[4], v3 = medians[5];
            if (std::strcmp(p.name, "P5") == 0) p5_speedup = vm / vm2;
            // The reference evaluator is slow by design: time it on a prefix and compare counts on the same prefix.
            data::Table prefix(schema);
            bool counts_agree = vm_count == vm2_count && vm_count == plain_count && vm_count == hand_count &&
                                vm_count == narrow_count && (!has_v3 || v3_count == vm_count);
            double reference_ns = 0;
            {
                uint64_t n = std::min(rows, reference_rows);
                std::string prefix_csv;
                generate::write_synthetic_csv(
                    [&](std::string_view b) {
                        prefix_csv.append(b);
                        return true;
                    },
                    n, 42);
                data::CsvError error;
                auto small = data::load_csv_text(prefix_csv, "prefix.csv", schema, &error);
                auto small_stats = optimize::gather_stats(*small);
                auto small_program = compile("segment p: " + p.rule, schema, as_of, &small_stats, true);
                uint64_t vm_small = 0;
                vm_small = engine::evaluate(small_program->program, *small, engine::Evaluator::Vm, 1)[0].count();
                double ref = seconds([&] {
                    ref_count =
                        engine::evaluate(small_program->program, *small, engine::Evaluator::Reference)[0].count();
                });
                counts_agree = counts_agree && ref_count == vm_small;
                reference_ns = ref / n * 1e9;
            }
            const double ns = 1e9 / static_cast<double>(rows);
            const double bound = bytes_per_row(*table, p.columns) / bandwidth * 1e9;
            char v3_text[32] = "         -";
            if (has_v3) std::snprintf(v3_text, sizeof v3_text, "%10.2f", v3 * ns);
            std::printf("%-4s %10.2f %10.2f %10.2f %10.2f %10.2f %10.1f %10.2f %10.2f %10.2f %9llu %s%s\n", p.name,
                        vm * ns, vm2 * ns, unoptimized * ns, hand * ns, narrowest * ns, reference_ns, bound, vm / hand,
                        vm / narrowest, static_cast<unsigned long long>(vm_count), v3_text,
                        counts_agree ? "" : "  COUNTS DIFFER");
            log_ratio_sum += std::log(vm / hand);
            log_narrow_sum += std::log(vm / narrowest);
            worst_narrow = std::max(worst_narrow, vm / narrowest);
            ++count;
            if (!counts_agree) status = 1;
        }
        std::printf("\ngeometric mean vm/hand: %.2f\n", std::exp(log_ratio_sum / count));
        const double narrow_mean = std::exp(log_narrow_sum / count);
        std::printf(
            "vm against the narrow hand-written loops (%.1f MB of narrowed columns): geometric mean %.2fx (target "
            "<= 1.5x: %s), worst %.2fx (target <= 2x each: %s)\n",
            narrow.byte_size() / 1e6, narrow_mean, narrow_mean <= 1.5 ? "met" : "NOT MET", worst_narrow,
            worst_narrow <= 2 ? "met" : "NOT MET");
        std::printf(
            "P5 on 2 threads: %.2fx one thread (target >= 1.7x: %s); perfectly parallel arithmetic on this "
            "machine, now: %.2fx\n",
            p5_speedup, p5_speedup >= 1.7 ? "met" : "NOT MET", parallel_ceiling(repeat));

        // Check and compile 1,000 segments.
        std::string many;
        for (int i = 0; i < 1000; ++i) {
            many += "segment s" + std::to_string(i) + ": orders_90d >= " + std::to_string(i % 20) +
                    " and tier in (\"gold\", \"platinum\") and last_order_date within last " +
                    std::to_string(i % 90 + 1) + " days or country starts with \"U\" and age between 18 and " +
                    std::to_string(20 + i % 50) + "\n";
        }
        double compile_s = median_seconds(3, [&] { compile(many, schema, as_of, &stats, true); });
        std::printf("check + compile 1,000 segments: %.3f s\n", compile_s);
    }
    if (catalog_segments > 0) {
        if (!table) table = generate_table(rows, schema);
        const optimize::TableStats stats = optimize::gather_stats(*table);
        status |= run_catalog(*table, catalog_segments, repeat, as_of, stats);
    }
    if (snapshot_section) {
        if (!table) table = generate_table(rows, schema);
        status |= run_snapshot(*table, catalog_segments, repeat, as_of);
    }
    table.reset();
    if (single > 0) status |= run_single(single);
    if (!scale.empty()) {
        std::printf(
            "\nscale: P1-P5 on the VM (optimizer on), ns/row, 1 and 2 threads; rows generated in chunks of 1M "
            "(seed 42 + chunk) straight into the table, not via one CSV text\n");
        std::printf("%12s %8s %8s %8s %8s %8s   %8s %8s %8s %8s %8s\n", "rows", "P1", "P2", "P3", "P4", "P5", "P1 2thr",
                    "P2 2thr", "P3 2thr", "P4 2thr", "P5 2thr");
        for (uint64_t n : scale) {
            data::Table big = generate_table(n, schema);
            const optimize::TableStats stats = optimize::gather_stats(big);
            std::vector<double> one, two;
            for (const auto& p : predicates(big)) {
                auto program = compile("segment p: " + p.rule, schema, as_of, &stats, true);
                const std::vector<double> medians = interleaved_medians(
                    repeat, {
                                [&] { engine::evaluate(program->program, big, engine::Evaluator::Vm, 1); },
                                [&] { engine::evaluate(program->program, big, engine::Evaluator::Vm, 2); },
                            });
                one.push_back(medians[0] * 1e9 / n);
                two.push_back(medians[1] * 1e9 / n);
            }
            std::printf("%12llu %8.2f %8.2f %8.2f %8.2f %8.2f   %8.2f %8.2f %8.2f %8.2f %8.2f   (table %.1f GB)\n",
                        static_cast<unsigned long long>(n), one[0], one[1], one[2], one[3], one[4], two[0], two[1],
                        two[2], two[3], two[4], big.byte_size() / 1e9);
            std::fflush(stdout);
        }
    }
    return status;
}
