#pragma once
// The benchmarks' generated catalog of realistic segments over the demo retailer's columns, and compiling rule text
// for them (segmint_benchmark's catalog section, segmint_sources_benchmark's push-down).
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "optimize/stats.h"
#include "scalar/scalar.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::bench {

struct GeneratedSegment {
    std::string name;
    std::string rule;
    std::vector<size_t> references;  // earlier segments this one names
};

// Deterministic: the same `count` gives the same catalog. Conditions come from a pool of the kinds real catalogs
// repeat (tier and region lists, recency windows, spend and order thresholds from a few round values, opt-ins, tags),
// so many segments share sub-conditions; about a quarter name an earlier segment.
std::vector<GeneratedSegment> generate_catalog(size_t count);

// The whole catalog as one spec file's text.
std::string catalog_text(const std::vector<GeneratedSegment>& catalog);

struct Compiled {
    semantic::Catalog catalog;
    engine::CompiledCatalog program;
};

// `text` checked against `schema` and compiled (exit 2 when it does not check: the benchmark's own rules are wrong).
std::unique_ptr<Compiled> compile(const std::string& text, const schema::Schema& schema, scalar::AsOf as_of,
                                  const optimize::TableStats* stats, bool optimize_on);

}  // namespace segmint::bench
