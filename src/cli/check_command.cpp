#include "cli/commands.h"

#include <cstdio>

#include "cli/compile.h"
#include "cli/output.h"
#include "report/diagnostic_render.h"

namespace segmint::cli {

void add_check_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<CommonOptions>();
    CLI::App* command = app.add_subcommand("check", "Parse, resolve and type-check spec files; report every problem");
    add_spec_options(*command, *options);
    command->callback([options, &runner] { runner.exit_code = run_check(*options); });
}

int run_check(const CommonOptions& options) {
    DiagnosticSink sink;
    std::vector<std::string> input_errors;
    if (options.schema_path.empty()) {
        std::fprintf(stderr, "segmint: error: no schema given; pass --schema FILE\n");
        return kExitUsage;
    }
    auto schema = load_schema_file(options.schema_path, sink, &input_errors);
    if (!schema) {
        for (const auto& e : input_errors) std::fprintf(stderr, "segmint: error: %s\n", e.c_str());
        print_diagnostics(sink, options);
        finish_output();
        return kExitUsage;
    }
    Compiled compiled = compile_specs(options.paths, *schema, sink);
    if (!compiled.input_errors.empty()) {
        for (const auto& e : compiled.input_errors) std::fprintf(stderr, "segmint: error: %s\n", e.c_str());
        return kExitUsage;
    }
    print_diagnostics(sink, options);
    if (options.format == "text") {
        size_t errors = sink.error_count();
        size_t warnings = sink.diagnostics().size() - errors;
        std::string summary = "checked " + std::to_string(compiled.catalog.segments.size()) + " segment" +
                              (compiled.catalog.segments.size() == 1 ? "" : "s") + " in " +
                              std::to_string(compiled.file_count) + " file" + (compiled.file_count == 1 ? "" : "s") +
                              ": ";
        if (errors == 0 && warnings == 0) summary += "no problems";
        else summary += std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + ", " +
                        std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s");
        write_out(summary + "\n");
    }
    int output_status = finish_output();
    if (output_status != 0) return output_status;
    return sink.has_errors() ? kExitFindings : kExitOk;
}

}  // namespace segmint::cli
