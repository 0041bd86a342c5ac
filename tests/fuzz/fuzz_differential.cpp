// Fuzz target: the input seeds a random well-typed catalog (tests/unit/random_rules.h) and a random NULL-heavy table;
// the VM and the reference evaluator must agree on every segment. libFuzzer keeps the seeds that reach new code in
// the checker, compiler, VM and evaluator, so this digs deeper than the fixed-seed `differential` unit suite.
// A mismatch aborts with the rule and its IR printed; rerun the saved crash file to reproduce.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "random_rules.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"

using namespace segmint;

namespace {

// FNV-1a, then the generator's own mixing: every byte of the input changes the case.
uint64_t seed_of(const uint8_t* data, size_t size) {
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
    return hash;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const schema::Schema& schema = fuzzing::test_schema();
    const uint64_t seed = seed_of(data, size);
    testing::Random random(seed);
    const data::Table table = testing::random_table(random, schema, random.below(260));
    const size_t count = 1 + random.below(12);
    const int depth = 1 + static_cast<int>(random.below(5));
    const std::string text = testing::random_catalog(random, count, depth);

    auto source = std::make_shared<const Source>("random.seg", text);
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(source, sink));
    semantic::Catalog catalog = semantic::check(std::move(files), schema, sink);
    // Rules the checker rejects (the generator is typed, but not perfectly) are simply not compared, as in the
    // differential unit suite.
    fuzzing::check_vm_matches_reference(catalog, table);
    return 0;
}
