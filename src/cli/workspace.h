#pragma once
// What every command that reads specs starts from: the options resolved (project, flags), the schema loaded, the specs
// compiled (frontend/compile.h), input errors printed.
#include <memory>

#include "common/diagnostic.h"
#include "frontend/compile.h"
#include "scalar/scalar.h"
#include "schema/schema.h"

namespace segmint::cli {

struct CommonOptions;

// What every command that reads specs starts from. The schema lives behind a pointer because the catalog refers to it.
struct Workspace {
    std::unique_ptr<schema::Schema> schema;
    frontend::Compiled compiled;
    DiagnosticSink sink;
    scalar::AsOf as_of;
};

// Loads the schema and checks the specs named in `options`, reporting input errors on stderr. Returns the exit code
// to stop with (2 for unreadable input or a bad schema, after printing its diagnostics), or 0 to go on; spec
// diagnostics stay in the workspace's sink for the command to print.
// When the specs check without errors, compiling them as of `as_of` may add findings (report_findings).
int prepare_workspace(const CommonOptions& options, Workspace& workspace, scalar::AsOf as_of);

}  // namespace segmint::cli
