// segmint explain SEG: the segment's rule, its IR and its bytecode listing.
#include <cstdio>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/compile.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "engine/engine.h"
#include "vm/disassembler.h"

namespace segmint::cli {

void add_explain_command(CLI::App& app, CommandRunner& runner) {
    struct Options {
        CommonOptions common;
        std::string segment;
        std::string as_of;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("explain", "Show a segment's rule as IR and as bytecode");
    command->add_option("segment", options->segment, "The segment to explain")->required();
    command->add_option("paths", options->common.paths, "Spec files or directories (default: the project's)");
    command->add_option("--project", options->common.project_path, "The project file (segmint.yaml) or its folder");
    command->add_option("--schema", options->common.schema_path, "The customer schema (YAML)");
    command->add_option("--as-of", options->as_of, kAsOfHelp);
    command->callback([options, &runner] {
        std::optional<project::Project> project;
        if (int code = apply_project(options->common, &project)) {
            runner.exit_code = code;
            return;
        }
        ir::scalar::AsOf as_of;
        if (!resolve_as_of(options->as_of, project, &as_of)) {
            runner.exit_code = kExitUsage;
            return;
        }
        Workspace workspace;
        if (int code = prepare_workspace(options->common, workspace, as_of)) {
            runner.exit_code = code;
            return;
        }
        if (workspace.sink.has_errors()) {
            print_diagnostics(workspace.sink, options->common);
            finish_output();
            runner.exit_code = kExitFindings;
            return;
        }
        const semantic::Catalog& catalog = workspace.compiled.catalog;
        auto it = catalog.segment_index.find(options->segment);
        if (it == catalog.segment_index.end()) {
            print_error(fmt::format("no segment named `{}`{}", options->segment, suggestion(options->segment, catalog)));
            runner.exit_code = kExitUsage;
            return;
        }
        engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
        const ast::Definition& def = catalog.definition(it->second);
        const Source& source = *catalog.files[catalog.segments[it->second].file].source;
        write_out("segment " + def.name + (def.title ? " \"" + *def.title + "\"" : "") + "  (" + source.name() + ")\n");
        write_out(source.text().substr(def.span.begin, def.span.end - def.span.begin) + "\n\n");
        for (size_t r = 0; r < compiled.rules.size(); ++r) {
            if (compiled.rules[r].segment != it->second) continue;
            write_out("IR:\n" + ir::dump(*compiled.rules[r].root) + "\n");
            write_out("Bytecode:\n" + vm::disassemble(compiled.programs[r], *workspace.schema, compiled.segment_names,
                                                      &source));
        }
        runner.exit_code = finish_output();
    });
}

}  // namespace segmint::cli
