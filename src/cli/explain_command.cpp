// segmint explain SEG: the segment's rule, its IR and its bytecode listing.
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "report/json_output.h"
#include "vm/disassembler.h"

namespace segmint::cli {

void add_explain_command(CLI::App& app, CommandRunner& runner) {
    struct Options {
        CommonOptions common;
        std::string segment;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("explain", "Show a segment's rule as IR and as bytecode");
    command->add_option("segment", options->segment, "The segment to explain")->required();
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, text_or_json_formats());
    command->callback([options, &runner] {
        if (options->common.format == "json") begin_json_output("explain");
        std::optional<project::Project> project;
        if (int code = apply_project(options->common, &project)) {
            runner.exit_code = code;
            return;
        }
        scalar::AsOf as_of;
        if (!resolve_as_of(options->common.as_of, project, &as_of)) {
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
            print_error(
                fmt::format("no segment named `{}`{}", options->segment, suggestion(options->segment, catalog)));
            runner.exit_code = kExitUsage;
            return;
        }
        engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
        const ast::Definition& def = catalog.definition(it->second);
        const Source& source = *catalog.files[catalog.segments[it->second].file].source;
        const std::string rule_text = source.text().substr(def.span.begin, def.span.end - def.span.begin);
        std::string ir_text, bytecode;
        for (size_t r = 0; r < compiled.rules.size(); ++r) {
            if (compiled.rules[r].segment != it->second) continue;
            ir_text = ir::dump(*compiled.rules[r].root);
            bytecode = vm::disassemble(compiled.programs[r], compiled.program_schema, compiled.segment_names, &source);
        }
        if (options->common.format == "json") {
            nlohmann::ordered_json out = report::json_document("explain");
            const auto where = source.location(def.span.begin);
            out["segment"] = def.name;
            out["title"] = def.title ? nlohmann::ordered_json(*def.title) : nlohmann::ordered_json();
            out["file"] = source.name();
            out["line"] = where.line;
            out["rule"] = rule_text;
            out["ir"] = ir_text;
            out["bytecode"] = bytecode;
            write_json_document(std::move(out), workspace.sink);
        } else {
            if (!workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, options->common);
            // The title as the rule writes it, and the rule and its IR with their text escaped line by line: none of
            // it may drive the terminal or start a line of its own.
            write_out(fmt::format("segment {}{}  ({})\n{}\n\nIR:\n{}\nBytecode:\n{}", def.name,
                                  def.title ? " " + escape_controls(quote_literal(*def.title)) : "",
                                  escape_controls(source.name()), escape_controls_per_line(rule_text),
                                  escape_controls_per_line(ir_text), bytecode));
        }
        runner.exit_code = finish_output();
    });
}

}  // namespace segmint::cli
