// The speed of the proofs (docs/prove.md, "Cost"), measured, never asserted by a test:
//   1. the whole specs/ project as `segmint prove` runs it: its constraints and the catalog lints;
//   2. every pairwise relation of generated catalogs of growing size (rules the encoding models: int ranges, enum
//      and string equality, date windows, NULL tests, and/or/not, references), with how the cost per pair grows
//      against the smallest catalog, timed in the same process.
// Usage: segmint_prove_benchmark [--repeat K] [--segments LIST] [--timeout-ms N]   (LIST: 25,50,100,200)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/static_proofs.h"
#include "common/source.h"
#include "engine/engine.h"
#include "frontend/compile.h"
#include "project/project.h"
#include "prove/prover.h"
#include "syntax/parse.h"

using namespace segmint;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// One random condition over specs/schema.yaml's columns that the encoding models exactly.
std::string condition(std::mt19937_64& random, size_t index) {
    auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
    const char* ints[] = {"age", "orders_90d", "lifetime_orders", "returns_90d", "loyalty_points"};
    const char* tiers[] = {"bronze", "silver", "gold", "platinum"};
    const char* ops[] = {"<", "<=", ">", ">=", "=", "!="};
    switch (pick(index > 0 ? 7 : 6)) {
        case 0:
        case 1: return std::string(ints[pick(5)]) + " " + ops[pick(6)] + " " + std::to_string(pick(60));
        case 2: return std::string("tier = \"") + tiers[pick(4)] + "\"";
        case 3: return "last_order_date >= today - " + std::to_string(1 + pick(365)) + " days";
        case 4: return std::string(pick(2) ? "email_opt_in" : "not sms_opt_in");
        case 5: return std::string(ints[pick(5)]) + (pick(2) ? " is null" : " is not null");
        default: return "s" + std::to_string(pick(index));  // an earlier segment
    }
}

std::string generated_catalog(size_t segments, uint64_t seed) {
    std::mt19937_64 random(seed);
    std::string text;
    for (size_t s = 0; s < segments; ++s) {
        const size_t parts = 1 + random() % 3;
        std::string rule = condition(random, s);
        for (size_t p = 1; p < parts; ++p) rule += (random() % 2 ? " and " : " or ") + condition(random, s);
        text += "segment s" + std::to_string(s) + ": " + rule + "\n";
    }
    return text;
}

// Where the time went: deciding regions, and making witnesses (ordinary-values check, model, VM replay).
void print_stats(const prove::Stats& stats) {
    std::printf(
        "       %zu solver checks deciding regions %.2f s; %zu witnesses from models: ordinary-values "
        "check %.2f s, model %.2f s; VM replays %.2f s; %zu regions by an earlier witness\n",
        stats.queries, stats.decide_seconds, stats.witnesses, stats.ordinary_seconds, stats.model_seconds,
        stats.replay_seconds, stats.reused);
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 3;
    unsigned timeout_ms = 1000;
    std::vector<size_t> sizes = {25, 50, 100, 200};
    for (int i = 1; i < argc; ++i) {
        const char* value = i + 1 < argc ? argv[i + 1] : "";
        if (!std::strcmp(argv[i], "--repeat")) {
            repeat = std::max(1, std::atoi(value));
        } else if (!std::strcmp(argv[i], "--timeout-ms")) {
            timeout_ms = static_cast<unsigned>(std::max(1, std::atoi(value)));
        } else if (!std::strcmp(argv[i], "--segments")) {
            sizes.clear();
            for (const char* p = value; *p;) {
                sizes.push_back(std::strtoull(p, nullptr, 10));
                p = std::strchr(p, ',') ? std::strchr(p, ',') + 1 : p + std::strlen(p);
            }
        } else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
        ++i;
    }
    const std::string root = SEGMINT_SOURCE_DIR;
    DiagnosticSink sink;
    std::vector<std::string> input_errors;
    auto schema = frontend::load_schema_file(root + "/specs/schema.yaml", sink, &input_errors);
    if (!schema) {
        std::fprintf(stderr, "specs/schema.yaml does not load\n");
        return 1;
    }
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);

    // 1. specs/ as `segmint prove --project specs` decides it (the project file read once, outside the timing).
    std::ifstream project_file(root + "/specs/segmint.yaml");
    std::stringstream project_text;
    project_text << project_file.rdbuf();
    auto project = project::load_project(std::make_shared<const Source>("specs/segmint.yaml", project_text.str()),
                                         root + "/specs", "specs", sink);
    if (!project) {
        std::fprintf(stderr, "specs/segmint.yaml does not load\n");
        return 1;
    }
    std::vector<double> runs;
    size_t decided = 0, constraints = 0, lints = 0;
    prove::Stats specs_stats;  // of the last run
    for (int r = 0; r < repeat; ++r) {
        const auto start = Clock::now();
        DiagnosticSink run_sink;
        // The folders of specs/segmint.yaml's `segments` globs (profile and behaviour segments).
        frontend::Compiled compiled =
            frontend::compile_specs({root + "/specs/segments", root + "/specs/behaviour"}, *schema, run_sink, 1);
        prove::Prover prover(compiled.catalog, as_of, {timeout_ms});
        const auto proofs = analysis::prove_constraints(*project, compiled.catalog.segment_index, prover);
        const auto found = analysis::lint_catalog(compiled.catalog, prover);
        runs.push_back(seconds_since(start));
        decided = constraints = 0;
        for (const auto& proof : proofs) {
            if (!analysis::provable(proof.constraint->kind)) continue;
            ++constraints;
            decided += proof.status == analysis::ProofStatus::Proved || proof.status == analysis::ProofStatus::Refuted;
        }
        lints = found.lints.size();
        specs_stats = prover.stats();
    }
    const double specs_seconds = median(runs);
    std::printf("specs/ (%zu provable constraints, %zu decided; %zu lints): %.3f s, median of %d (target <= 2 s: %s)\n",
                constraints, decided, lints, specs_seconds, repeat, specs_seconds <= 2 ? "met" : "not met");
    print_stats(specs_stats);

    // 2. Every pairwise relation of generated catalogs.
    double first_per_pair = 0;
    for (size_t n : sizes) {
        if (n < 2) continue;
        DiagnosticSink catalog_sink;
        std::vector<ast::File> files;
        files.push_back(
            syntax::parse(std::make_shared<const Source>("generated.seg", generated_catalog(n, 42)), catalog_sink));
        semantic::Catalog catalog = semantic::check(std::move(files), *schema, catalog_sink);
        if (catalog_sink.has_errors()) {
            std::fprintf(stderr, "the generated catalog does not check\n");
            return 1;
        }
        const auto start = Clock::now();
        prove::Prover prover(catalog, as_of, {timeout_ms});
        size_t by_relation[6] = {0, 0, 0, 0, 0, 0};
        for (uint32_t a = 0; a < n; ++a) {
            for (uint32_t b = a + 1; b < n; ++b) ++by_relation[static_cast<int>(prover.relation(a, b).relation)];
        }
        const double seconds = seconds_since(start);
        const size_t pairs = n * (n - 1) / 2;
        const double per_pair = seconds / static_cast<double>(pairs);
        if (first_per_pair == 0) first_per_pair = per_pair;
        std::printf(
            "%4zu segments, %6zu pairs: %7.2f s, %.2f ms a pair (%.2fx the first size's); equal %zu, inside %zu, "
            "disjoint %zu, overlapping %zu, unknown %zu%s\n",
            n, pairs, seconds, per_pair * 1000, per_pair / first_per_pair, by_relation[0],
            by_relation[1] + by_relation[2], by_relation[3], by_relation[4], by_relation[5],
            n == 200 ? (seconds <= 60 ? " (target <= 60 s: met)" : " (target <= 60 s: not met)") : "");
        print_stats(prover.stats());
    }
    return 0;
}
