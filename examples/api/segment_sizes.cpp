// A small program on the public C++ API: prints the size of every segment of a catalog over a CSV file.
//   segment_sizes SCHEMA.yaml DATA.csv AS_OF SPEC_PATH...
#include <cstdio>
#include <segmint/segmint.h>

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s SCHEMA.yaml DATA.csv AS_OF SPEC_PATH...\n", argv[0]);
        return 2;
    }
    std::vector<segmint::Problem> problems;
    auto schema = segmint::Schema::load(argv[1], &problems);
    std::vector<std::string> specs(argv + 4, argv + argc);
    auto catalog = schema ? segmint::Catalog::compile(schema, specs, argv[3], &problems) : nullptr;
    for (const auto& problem : problems) std::fputs(problem.text.c_str(), stderr);
    if (!catalog) return 1;

    std::string error;
    auto table = segmint::Table::load_csv(schema, argv[2], &error);
    if (!table) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
    }
    segmint::Result result = segmint::evaluate(*catalog, *table);
    for (const auto& segment : catalog->segments()) {
        std::printf("%s %llu\n", segment.c_str(), static_cast<unsigned long long>(result.count(segment)));
    }
    return 0;
}
