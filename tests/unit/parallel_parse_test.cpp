// compile_specs parses files on several threads (BAD_INPUTS.md 42): the diagnostics, their order and the catalog must
// be exactly those of one thread. .ci/tsan runs this suite under ThreadSanitizer.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "frontend/compile.h"
#include "random_rules.h"
#include "report/diagnostic_render.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {


// 64 files: every golden input (clean, broken, cyclic, over the error cap), random catalogs whose segment names clash
// across files, and hand-made hostile ones.
std::vector<std::string> write_specs(const std::string& directory) {
    std::vector<std::string> texts;
    for (const char* golden : {"/tests/golden/parse", "/tests/golden/diag"}) {
        for (const auto& path : files_with_extension(source_dir() + golden, ".seg")) texts.push_back(read_file(path));
    }
    std::string many_errors;
    for (int i = 0; i < 150; ++i) many_errors += "segment e" + std::to_string(i) + ": orders_90d >>= 1\n";
    texts.push_back(many_errors);
    texts.push_back("segment bad_utf8: country = \"\xC3\x28\"\n");
    texts.push_back(std::string(300, '(') + "\n");
    texts.push_back("segment uses_other_file: s0 and s1 or frequent\n");
    Random random(64);
    while (texts.size() < 64) texts.push_back(random_catalog(random, 6, 3));
    std::vector<std::string> paths;
    for (size_t i = 0; i < texts.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "/f%03zu.seg", i);
        paths.push_back(directory + name);
        write_file(paths.back(), texts[i]);
    }
    return paths;
}

// Everything a command could print or use from a compile, as one string.
std::string describe(const frontend::Compiled& compiled, const DiagnosticSink& sink) {
    std::string out = "files: " + std::to_string(compiled.file_count) + "\n";
    for (const auto& error : compiled.input_errors) out += "input error: " + error + "\n";
    out += report::render_text(sink.diagnostics());  // in the order they were added, not sorted
    for (const auto& file : compiled.catalog.files) out += file.source->name() + "\n" + ast::dump(file);
    for (const auto& segment : compiled.catalog.segments) {
        out += segment.name + (segment.valid ? " valid" : " invalid") + " file " + std::to_string(segment.file) + "\n";
    }
    for (size_t index : compiled.catalog.evaluation_order) out += std::to_string(index) + " ";
    return out;
}

std::string compile_with(const std::vector<std::string>& paths, unsigned threads) {
    DiagnosticSink sink;
    frontend::Compiled compiled = frontend::compile_specs(paths, test_schema(), sink, threads);
    return describe(compiled, sink);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parallel_parse)

BOOST_AUTO_TEST_CASE(many_files_on_several_threads_match_one_thread) {
    TempDir dir("segmint_parallel");
    std::vector<std::string> paths = write_specs(dir.path);
    const std::string one = compile_with(paths, 1);
    BOOST_TEST_REQUIRE(one.find("error[E014]") != std::string::npos);  // the error cap was reached in one file
    BOOST_TEST_REQUIRE(one.find("error[E108]") != std::string::npos);  // names clash across files
    for (unsigned threads : {2u, 4u, 8u, 0u}) {
        BOOST_TEST_CONTEXT("threads = " << threads) {
            BOOST_TEST(compile_with(paths, threads) == one);
        }
    }
}

BOOST_AUTO_TEST_CASE(directory_and_unreadable_files_keep_their_order) {
    // A directory expands to its *.seg files in a fixed order; missing files are input errors in argument order.
    TempDir dir("segmint_parallel");
    std::vector<std::string> paths = write_specs(dir.path);
    std::vector<std::string> arguments = {dir.path + "/missing_a.seg", dir.path, dir.path + "/missing_b.seg",
                                          paths[3]};
    const std::string one = compile_with(arguments, 1);
    BOOST_TEST_REQUIRE(one.find("missing_a.seg") < one.find("missing_b.seg"));
    BOOST_TEST(compile_with(arguments, 3) == one);
    BOOST_TEST(compile_with(arguments, 0) == one);
}

BOOST_AUTO_TEST_SUITE_END()
