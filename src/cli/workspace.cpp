#include "cli/workspace.h"

#include <algorithm>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "frontend/inputs.h"

namespace segmint::cli {

int prepare_workspace(const CommonOptions& given, Workspace& workspace, scalar::AsOf as_of) {
    // A segmint.yaml (--project, or found above the current folder) supplies what the flags left out.
    CommonOptions options = given;
    if (int code = apply_project(options, nullptr)) return code;
    if (options.schema_path.empty()) {
        print_error("no schema given; pass --schema FILE");
        return kExitUsage;
    }
    if (options.data_path == frontend::kStdinPath &&
        std::find(options.paths.begin(), options.paths.end(), frontend::kStdinPath) != options.paths.end()) {
        print_error("standard input (`-`) is read once: give the specs or the data as a file");
        return kExitUsage;
    }
    std::vector<std::string> input_errors;
    auto schema = frontend::load_schema_file(options.schema_path, workspace.sink, &input_errors);
    if (!schema) {
        for (const auto& e : input_errors) print_error(e);
        print_diagnostics(workspace.sink, options);
        finish_output();
        return kExitUsage;
    }
    workspace.schema = std::make_unique<schema::Schema>(std::move(*schema));
    workspace.compiled = frontend::compile_specs(options.paths, *workspace.schema, workspace.sink);
    if (!workspace.compiled.input_errors.empty()) {
        for (const auto& e : workspace.compiled.input_errors) print_error(e);
        return kExitUsage;
    }
    workspace.as_of = as_of;
    if (!workspace.sink.has_errors()) frontend::report_findings(workspace.compiled.catalog, as_of, workspace.sink);
    note_warnings(workspace.sink.warning_count(), options.max_warnings);
    return kExitOk;
}

}  // namespace segmint::cli
