// Fuzz target: bytes as a CSV file of the test schema → load_csv_text, twice: with the default 1 MiB read chunk and
// with a tiny one (1-16 bytes, from the first byte) so that every quote, CR/LF pair, BOM and multi-byte character
// meets a chunk boundary somewhere. The two loads must agree exactly: same error text, or the same table
// (BAD_INPUTS.md cases 26-34). The first byte's top bit also selects a small record limit, to reach that error path.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "data/csv_loader.h"
#include "fuzz_support.h"

using namespace segmint;

namespace {

// Compares cell by cell (not the dictionaries, whose codes may legitimately depend on nothing but first-seen order).
void check_same_tables(const data::Table& a, const data::Table& b) {
    if (a.rows() != b.rows()) {
        fuzzing::fail("row counts differ: " + std::to_string(a.rows()) + " vs " + std::to_string(b.rows()));
    }
    for (size_t c = 0; c < a.column_count(); ++c) {
        for (uint64_t row = 0; row < a.rows(); ++row) {
            const std::string x = fuzzing::describe_value(a.column(c), row);
            const std::string y = fuzzing::describe_value(b.column(c), row);
            if (x != y) {
                fuzzing::fail("column " + a.column(c).name + " row " + std::to_string(row) + ": " + x + " vs " + y);
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const schema::Schema& schema = fuzzing::test_schema();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const uint8_t control = size > 0 ? data[0] : 0;

    data::CsvOptions whole;
    if (control & 0x80) whole.max_record_bytes = 16 + (control & 0x3F);
    data::CsvOptions chunked = whole;
    chunked.buffer_bytes = 1 + (control & 0x0F);

    data::CsvError error_whole, error_chunked;
    auto a = data::load_csv_text(text, "fuzz.csv", schema, &error_whole, whole);
    auto b = data::load_csv_text(text, "fuzz.csv", schema, &error_chunked, chunked);
    if (a.has_value() != b.has_value()) {
        fuzzing::fail("chunk size " + std::to_string(chunked.buffer_bytes) + " changes the outcome: " +
                      (a ? "loaded" : error_whole.to_string()) + " vs " + (b ? "loaded" : error_chunked.to_string()));
    }
    if (!a) {
        // The record limit is checked as bytes arrive (csv_loader.h: "found without buffering more than about that
        // much"), so in a record over the limit it depends on the chunk size whether the limit or a bad field further
        // on is seen first, and which field is being read then. Both loads must still fail.
        auto over_limit = [](const data::CsvError& e) { return e.message.rfind("record is longer than", 0) == 0; };
        if (over_limit(error_whole) || over_limit(error_chunked)) return 0;
        if (error_whole.to_string() != error_chunked.to_string()) {
            fuzzing::fail("chunk size " + std::to_string(chunked.buffer_bytes) + " changes the error:\n" +
                          error_whole.to_string() + "\n" + error_chunked.to_string());
        }
        if (error_whole.message.empty()) fuzzing::fail("a failed load has no error message");
        return 0;
    }
    check_same_tables(*a, *b);
    return 0;
}
