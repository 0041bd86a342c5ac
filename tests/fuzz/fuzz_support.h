#pragma once
// Shared by the libFuzzer targets: the test schema (loaded once), a fixed as-of, and a loud failure that libFuzzer
// records as a crash (with the input saved for reproduction).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/diagnostic.h"
#include "common/source.h"
#include "data/bitmap.h"
#include "data/table.h"
#include "engine/engine.h"
#include "optimize/stats.h"
#include "ir/ir.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::fuzzing {

[[noreturn]] inline void fail(const std::string& message) {
    std::fprintf(stderr, "\n==== fuzz property violated ====\n%s\n", message.c_str());
    std::fflush(stderr);
    std::abort();
}

// tests/golden/schema.yaml, the schema every golden and unit test uses.
inline const schema::Schema& test_schema() {
    static const schema::Schema schema = [] {
        const std::string path = std::string(SEGMINT_SOURCE_DIR) + "/tests/golden/schema.yaml";
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        DiagnosticSink sink;
        auto loaded = schema::load_schema(std::make_shared<const Source>(path, text.str()), sink);
        if (!loaded) fail("cannot load the test schema " + path);
        return std::move(*loaded);
    }();
    return schema;
}

// A fixed moment, so a crash reproduces on any day.
inline scalar::AsOf fixed_as_of() {
    scalar::AsOf as_of;
    if (!engine::parse_as_of("2026-11-23T12:00:00Z", &as_of)) fail("cannot parse the fixed as-of");
    return as_of;
}

// A cell as text (NULL, numbers exactly, strings quoted), to compare two loads cell by cell.
inline std::string describe_value(const data::Column& column, uint64_t row) {
    if (column.is_null(row)) return "NULL";
    switch (column.type) {
        case schema::ColumnType::Int: return std::to_string(column.int_at(row));
        case schema::ColumnType::Timestamp: return std::to_string(column.i64[row]);
        case schema::ColumnType::Number: {
            char text[64];
            std::snprintf(text, sizeof text, "%.17g", column.f64[row]);
            return text;
        }
        case schema::ColumnType::Bool: return column.bools.get(row) ? "true" : "false";
        case schema::ColumnType::Date: return std::to_string(column.i32[row]);
        case schema::ColumnType::String:
        case schema::ColumnType::Enum: return "\"" + std::string(column.string_at(row)) + "\"";
        case schema::ColumnType::StringList: {
            std::string items = "[";
            for (uint64_t k = column.list_begin(row); k < column.list_end(row); ++k) {
                items += k > column.list_begin(row) ? "|" : "";
                items += column.dictionary.value(column.list_codes[k]);
            }
            return items + "]";
        }
    }
    return "?";
}

// The first row where two bitmaps differ, or size() when equal.
inline uint64_t first_difference(const data::Bitmap& a, const data::Bitmap& b) {
    uint64_t row = 0;
    while (row < a.size() && row < b.size() && a.get(row) == b.get(row)) ++row;
    return row;
}

// Compiles the valid segments of `catalog` and evaluates them on `table` with the VM (optimized with the table's
// statistics, and as written) and with the reference evaluator on the rules as written, so every optimizer pass is
// checked too; fails, printing the rule and its IR, on the first segment where they disagree. Returns how many rules
// were compared.
inline size_t check_vm_matches_reference(const semantic::Catalog& catalog, const data::Table& table) {
    static const scalar::AsOf as_of = fixed_as_of();
    const optimize::TableStats stats = optimize::gather_stats(table);
    engine::CompileOptions tuned;
    tuned.stats = &stats;
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of, tuned);
    engine::CompileOptions plain;
    plain.optimizer.enabled = false;
    engine::CompiledCatalog written = engine::compile(catalog, as_of, plain);
    auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
    struct Side {
        const char* name;
        std::vector<data::Bitmap> members;
    };
    const Side sides[] = {{"optimized VM", engine::evaluate(compiled, table, engine::Evaluator::Vm, 1)},
                          {"VM on the rules as written", engine::evaluate(written, table, engine::Evaluator::Vm, 1)}};
    for (const auto& rule : compiled.rules) {
        const size_t s = rule.segment;
        for (const Side& side : sides) {
            const auto& vm = side.members;
            if (vm[s] == reference[s]) continue;
            const uint64_t row = first_difference(vm[s], reference[s]);
            const auto& definition = catalog.definition(s);
            const std::string& text = catalog.files[catalog.segments[s].file].source->text();
            fail(std::string(side.name) + " and reference evaluator disagree on segment `" + rule.name + "` at row " +
                 std::to_string(row) + " of " + std::to_string(table.rows()) + " (vm: " +
                 (row < vm[s].size() ? std::to_string(vm[s].get(row)) : "?") + ", reference: " +
                 (row < reference[s].size() ? std::to_string(reference[s].get(row)) : "?") + ")\nrule: " +
                 text.substr(definition.span.begin, definition.span.end - definition.span.begin) +
                 "\noptimized IR:\n" + ir::dump(*rule.root));
        }
    }
    return compiled.rules.size();
}

}  // namespace segmint::fuzzing
