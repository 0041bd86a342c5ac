// segmint explain SEG: the segment's rule, its IR and its bytecode listing; with --customer KEY, the rule as a tree
// with every part's value for that customer (engine/explain_customer.h), read from the data eval reads.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/text_format.h"
#include "data/keys.h"
#include "engine/engine.h"
#include "engine/explain_customer.h"
#include "report/explain_output.h"
#include "report/json_output.h"
#include "vm/disassembler.h"

namespace segmint::cli {

namespace {

struct ExplainOptions {
    CommonOptions common;
    std::string segment;
    std::optional<std::string> customer;
};

// --customer: loads the data as eval does, finds the customer, explains the rule for it. The value of every part
// comes from the reference evaluator on the rule as written; the VM evaluates the catalog too, and the two must agree
// (engine::explain_customer throws otherwise: an internal error).
// Text goes after `header`, and only once the customer is explained: a failed run prints nothing on stdout.
int explain_customer(const ExplainOptions& options, Workspace& workspace, scalar::AsOf as_of, uint32_t segment,
                     const std::string& header, nlohmann::ordered_json* json) {
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    auto table = load_data(options.common, *workspace.schema, options.common.threads,
                           show_progress(::isatty(STDERR_FILENO) != 0, quiet()));
    if (!table) return kExitUsage;
    uint64_t row = 0;
    std::string problem;
    if (!data::find_customer(*table, *options.customer, &row, &problem)) {
        print_error("--customer: " + problem);
        return kExitUsage;
    }
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    if (!event_data_given(compiled, *table, options.common)) return kExitUsage;
    const auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm, options.common.threads);
    const engine::Explanation explanation =
        engine::explain_customer(catalog, compiled, *table, memberships, segment, row);
    if (json != nullptr) {
        report::add_explanation_json(*json, explanation, catalog, *options.customer);
    } else {
        write_out(header + report::explanation_text(explanation, catalog, *options.customer));
    }
    return 0;
}

int run_explain(ExplainOptions options) {
    if (options.common.format == "json") begin_json_output("explain");
    const CommonOptions& data = options.common;
    if (!options.customer &&
        (!data.data_path.empty() || !data.events.empty() || !data.source.empty() || !data.tables.empty())) {
        print_error(
            "--data, --events, --source and --source-table go with --customer KEY: explain reads data only for a "
            "customer");
        return kExitUsage;
    }
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project)) return code;
    scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    if (options.customer && !has_data(options.common)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    if (workspace.sink.has_errors()) {
        print_diagnostics(workspace.sink, options.common);
        finish_output();
        return kExitFindings;
    }
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    auto it = catalog.segment_index.find(options.segment);
    if (it == catalog.segment_index.end()) {
        print_error(fmt::format("no segment named `{}`{}", options.segment, suggestion(options.segment, catalog)));
        return kExitUsage;
    }
    const auto segment = static_cast<uint32_t>(it->second);
    const ast::Definition& def = catalog.definition(segment);
    const Source& source = *catalog.files[catalog.segments[segment].file].source;
    const std::string rule_text = source.text().substr(def.span.begin, def.span.end - def.span.begin);
    const bool json = options.common.format == "json";
    nlohmann::ordered_json out = report::json_document("explain");
    if (json) {
        out["segment"] = def.name;
        out["title"] = def.title ? nlohmann::ordered_json(*def.title) : nlohmann::ordered_json();
        out["file"] = source.name();
        out["line"] = source.location(def.span.begin).line;
        out["rule"] = rule_text;
    } else if (!workspace.sink.diagnostics().empty()) {
        print_diagnostics(workspace.sink, options.common);
    }
    // The title as the rule writes it, escaped: none of it may drive the terminal or start a line of its own.
    const std::string header =
        fmt::format("segment {}{}  ({})\n", def.name, def.title ? " " + escape_controls(quote_literal(*def.title)) : "",
                    escape_controls(source.name()));
    if (options.customer) {
        if (int code = explain_customer(options, workspace, as_of, segment, header, json ? &out : nullptr)) {
            return code;
        }
    } else {
        engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
        std::string ir_text, bytecode;
        for (size_t r = 0; r < compiled.rules.size(); ++r) {
            if (compiled.rules[r].segment != segment) continue;
            ir_text = ir::dump(*compiled.rules[r].root);
            bytecode = vm::disassemble(compiled.programs[r], compiled.program_schema, compiled.segment_names, &source);
        }
        if (json) {
            out["ir"] = ir_text;
            out["bytecode"] = bytecode;
        } else {
            // The rule and its IR with their text escaped line by line.
            write_out(fmt::format("{}{}\n\nIR:\n{}\nBytecode:\n{}", header, escape_controls_per_line(rule_text),
                                  escape_controls_per_line(ir_text), bytecode));
        }
    }
    if (json) write_json_document(std::move(out), workspace.sink);
    return finish_output();
}

}  // namespace

void add_explain_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<ExplainOptions>();
    CLI::App* command = app.add_subcommand(
        "explain", "Show a segment's rule as IR and as bytecode, or with --customer why a customer is in it or not");
    command->add_option("segment", options->segment, "The segment to explain")->required();
    command->add_option("--customer", options->customer,
                        "A customer's key: show the rule as a tree with each part's value for that customer, "
                        "read from --data/--events/--source as eval reads them");
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_data_option(*command, options->common);
    add_as_of_option(*command, options->common);
    add_threads_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, text_or_json_formats());
    command->callback([options, &runner] { runner.exit_code = run_explain(*options); });
}

}  // namespace segmint::cli
