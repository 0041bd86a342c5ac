#pragma once
// Helpers shared by the test files: reading files, golden comparison, and compiling rule text in memory.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "common/diagnostic.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::testing {

std::string source_dir();
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
std::vector<std::string> files_with_extension(const std::string& directory, const std::string& extension);

// A fresh folder under `parent` named after `prefix`, removed with everything in it when the object goes.
struct TempDir {
    std::string path;  // canonical: no symbolic links, so it compares equal to paths the CLI resolves
    explicit TempDir(const std::string& prefix = "segmint", const std::string& parent = "/tmp");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return path + "/" + name; }
    // Writes `text` to file(name) and returns that path.
    std::string write(const std::string& name, const std::string& text) const;
};

// Compares `actual` with the golden file; with SEGMINT_UPDATE_GOLDENS=1 in the environment, rewrites it instead.
// Returns an empty string on match, else a message with the first differing line.
std::string compare_golden(const std::string& golden_path, const std::string& actual);

// Appends a column to a schema built in code (its index is its position).
void add_column(schema::Schema& schema, const std::string& name, schema::ColumnType type,
                std::vector<std::string> enum_values = {});

// The schema used by tests and goldens: tests/golden/schema.yaml.
const schema::Schema& test_schema();

struct Checked {
    std::vector<Diagnostic> diagnostics;  // sorted
    semantic::Catalog catalog;
    size_t errors() const;
    std::string codes() const;  // "E101 W001", in order
    std::string text() const;   // rendered as the CLI would
};

// Parses and checks `text` as one file named `name` against the test schema.
Checked check_text(const std::string& text, const std::string& name = "test.seg");

// Runs the segmint binary; returns its exit code and fills stdout/stderr.
int run_segmint(const std::string& arguments, std::string* out = nullptr, std::string* err = nullptr);

// The same under an address-space limit of `limit_mb` MB (`ulimit -v`; thread stacks at 8 MiB, which glibc sizes them
// by): 128 + the signal's number when one ended it.
int run_segmint_within(int limit_mb, const std::string& arguments, std::string* out = nullptr,
                       std::string* err = nullptr);
// The limits from `from_mb` down by `step_mb` under which segmint still starts (`--version` exits 0), for tests that
// run a command under each: it must do its work or say it ran out of memory, never crash.
std::vector<int> memory_limits_segmint_starts_under(int from_mb, int step_mb);
// Whether stderr of a command that exited 2 says, as segmint does, that the system refused memory: out of memory, a
// file that could not be read or mapped for want of it (the loader names its line), a thread that could not start;
// and no internal error.
bool says_it_ran_out_of_memory(const std::string& err);
// Whether glibc itself ended the process for want of memory, where no code of segmint runs: a thread's first use of a
// thread_local object with a destructor (in the libraries) aborts when glibc cannot allocate to register it (exit
// 134, "Fatal glibc error: failed to register TLS destructor: out of memory"; once in a CI rehearsal's sweeps).
bool glibc_ended_it_for_memory(int code, const std::string& err);
// Whether this is a sanitizer build, whose shadow memory no such limit leaves room for.
bool sanitizer_build();

// The demo retailer's data as `segmint generate` writes it into `folder` (customers.csv, orders.csv,
// page_views.csv). Returns what follows `--data` to pass all three, for the specs/ project whose behaviour segments
// read the event tables: `F/customers.csv --events orders=F/orders.csv --events page_views=F/page_views.csv`.
std::string generate_demo_data(const std::string& folder, uint64_t rows, uint64_t seed);

}  // namespace segmint::testing
