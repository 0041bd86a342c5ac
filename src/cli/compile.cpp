#include "cli/compile.h"

#include <cstdio>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "common/limits.h"
#include "cli/output.h"
#include "syntax/parse.h"

namespace segmint::cli {

std::optional<schema::Schema> load_schema_file(const std::string& path, DiagnosticSink& sink,
                                               std::vector<std::string>* input_errors) {
    InputError error;
    auto source = read_source(path, limits::kMaxYamlFileBytes, &error);
    if (!source) {
        input_errors->push_back("cannot read schema `" + error.path + "`: " + error.message);
        return std::nullopt;
    }
    return schema::load_schema(source, sink);
}

Compiled compile_specs(const std::vector<std::string>& paths, const schema::Schema& schema, DiagnosticSink& sink) {
    Compiled out;
    std::vector<InputError> errors;
    std::vector<std::string> files = expand_spec_paths(paths, &errors);
    std::vector<ast::File> parsed;
    for (const auto& path : files) {
        InputError error;
        auto source = read_source(path, limits::kMaxSpecFileBytes, &error);
        if (!source) {
            errors.push_back(error);
            continue;
        }
        parsed.push_back(syntax::parse(source, sink));
    }
    for (const auto& error : errors) out.input_errors.push_back("cannot read `" + error.path + "`: " + error.message);
    out.file_count = parsed.size();
    out.catalog = semantic::check(std::move(parsed), schema, sink);
    return out;
}

int prepare_workspace(const CommonOptions& options, Workspace& workspace) {
    if (options.schema_path.empty()) {
        std::fprintf(stderr, "segmint: error: no schema given; pass --schema FILE\n");
        return kExitUsage;
    }
    std::vector<std::string> input_errors;
    auto schema = load_schema_file(options.schema_path, workspace.sink, &input_errors);
    if (!schema) {
        for (const auto& e : input_errors) std::fprintf(stderr, "segmint: error: %s\n", e.c_str());
        print_diagnostics(workspace.sink, options);
        finish_output();
        return kExitUsage;
    }
    workspace.schema = std::make_unique<schema::Schema>(std::move(*schema));
    workspace.compiled = compile_specs(options.paths, *workspace.schema, workspace.sink);
    if (!workspace.compiled.input_errors.empty()) {
        for (const auto& e : workspace.compiled.input_errors) std::fprintf(stderr, "segmint: error: %s\n", e.c_str());
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace segmint::cli
