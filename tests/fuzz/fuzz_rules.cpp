// Fuzz target: bytes as a spec file → parse → check against the test schema → render the diagnostics; then every
// valid segment is compiled and run by the VM and the reference evaluator on a small NULL-heavy table, which must
// agree (so this is also a differential target). Must never crash, leak or hang (BAD_INPUTS.md cases 1-16).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "random_rules.h"
#include "report/diagnostic_render.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"

using namespace segmint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const schema::Schema& schema = fuzzing::test_schema();
    // Fixed, so a crash reproduces from the input alone; boundary values and NULLs in every column.
    static const data::Table table = [] {
        testing::Random random(20261123);
        return testing::random_table(random, schema, 48);
    }();

    auto source = std::make_shared<const Source>("fuzz.seg", std::string(reinterpret_cast<const char*>(data), size));
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(source, sink));
    semantic::Catalog catalog = semantic::check(std::move(files), schema, sink);
    sink.sort();
    // Rendering computes lines, columns and carets from spans: out-of-range spans would show up here.
    report::render_text(sink.diagnostics());
    report::render_json(sink.diagnostics());
    fuzzing::check_vm_matches_reference(catalog, table);
    return 0;
}
