#pragma once
// Loading a schema file and compiling spec files into a checked catalog: shared by check, eval and later commands.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "ir/scalar.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::cli {

// Reads and loads the schema. Unreadable files and schema errors are input errors: reported, nullopt returned.
std::optional<schema::Schema> load_schema_file(const std::string& path, DiagnosticSink& sink,
                                               std::vector<std::string>* input_errors);

struct Compiled {
    std::vector<std::string> input_errors;  // unreadable or missing spec files (exit 2)
    semantic::Catalog catalog;
    size_t file_count = 0;
};

// Reads, parses and checks every spec file under `paths`; diagnostics go to `sink`. Files are read and parsed on up
// to `threads` threads (0: one per core), then checked on this one; the result does not depend on `threads`.
Compiled compile_specs(const std::vector<std::string>& paths, const schema::Schema& schema, DiagnosticSink& sink,
                       unsigned threads = 0);

struct CommonOptions;

// What every command that reads specs starts from. The schema lives behind a pointer because the catalog refers to it.
struct Workspace {
    std::unique_ptr<schema::Schema> schema;
    Compiled compiled;
    DiagnosticSink sink;
    ir::scalar::AsOf as_of;
};

// Loads the schema and checks the specs named in `options`, reporting input errors on stderr. Returns the exit code
// to stop with (2 for unreadable input or a bad schema, after printing its diagnostics), or 0 to go on; spec
// diagnostics stay in the workspace's sink for the command to print.
// When the specs check without errors, compiling them as of `as_of` may add findings (report_findings).
int prepare_workspace(const CommonOptions& options, Workspace& workspace, ir::scalar::AsOf as_of);

}  // namespace segmint::cli
