// Fuzz target: bytes as a schema file → load_schema → render the diagnostics. Must never crash, leak or hang
// (BAD_INPUTS.md cases 17-25: alias bombs, deep nesting, `[:`, `!2`, duplicate keys, wrong types).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "report/diagnostic_render.h"

using namespace segmint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto source =
        std::make_shared<const Source>("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
    DiagnosticSink sink;
    auto loaded = schema::load_schema(source, sink);
    report::render_text(sink.diagnostics());
    report::render_json(sink.diagnostics());
    if (loaded) {
        // A loaded schema is consistent: positions match, every column is found by its name.
        for (size_t i = 0; i < loaded->columns.size(); ++i) {
            const auto& column = loaded->columns[i];
            if (column.index != i) fuzzing::fail("column `" + column.name + "` has a wrong index");
            if (loaded->find(column.name) != &column) fuzzing::fail("column `" + column.name + "` is not found");
        }
        if (sink.has_errors()) fuzzing::fail("a schema was returned although errors were reported");
    } else if (!sink.has_errors()) {
        fuzzing::fail("no schema was returned, but no error was reported");
    }
    return 0;
}
