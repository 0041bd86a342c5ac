#pragma once
// The front end as a library: loading a schema file and compiling spec files into a checked catalog, for the CLI
// and the public API alike (neither links the other).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "scalar/scalar.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::frontend {

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

// Compiles the checked catalog as of `as_of` and adds what compiling finds to `sink`: constant date arithmetic that
// leaves the calendar (E112, an error) and the optimizer's lints (W004). Every command that checks specs calls it once
// they check without errors, so each reports the same.
void report_findings(const semantic::Catalog& catalog, scalar::AsOf as_of, DiagnosticSink& sink);

}  // namespace segmint::frontend
