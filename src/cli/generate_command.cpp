// segmint generate: deterministic synthetic customers of the demo retailer, written atomically.
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "common/atomic_file.h"
#include "common/text_format.h"
#include "generate/synthetic.h"
#include "project/project.h"
#include "report/json_output.h"

namespace segmint::cli {

void add_generate_command(CLI::App& app, CommandRunner& runner) {
    struct Options {
        uint64_t rows = 0;
        uint64_t seed = 1;
        std::string output;
        std::string orders;
        std::string page_views;
        std::string format = "text";
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("generate", "Write deterministic synthetic customers (CSV) for demos and benchmarks");
    // A billion customers is about 200 GB of CSV: past that (or for a negative or overflowing count) the run would
    // only fill the disk.
    command->add_option("--rows", options->rows, "Number of customers (0 to 1,000,000,000)")
        ->required()
        ->check(whole_number_up_to(generate::kMaxSyntheticRows));
    command->add_option("--seed", options->seed, "Seed: the same seed gives the same bytes")
        ->check(whole_number_up_to(UINT64_MAX))
        ->capture_default_str();
    command->add_option("-o,--output", options->output, "Output CSV file")->required();
    command->add_option("--orders", options->orders,
                        "Also write the customers' orders (the event table `orders` of specs/schema.yaml) to this CSV "
                        "file");
    command->add_option("--page-views", options->page_views,
                        "Also write their page views of the last 30 days (the event table `page_views` of "
                        "specs/schema.yaml) to this CSV file");
    add_format_option(*command, options->format, text_or_json_formats(),
                      "What stdout says when done: nothing (text; a line on stderr) or a JSON document");
    command->callback([options, &runner] {
        if (options->format == "json") begin_json_output("generate");
        std::string error;
        // A CSV written over a spec, schema or project file would destroy it: refuse those names and the project
        // file of this folder (or above).
        const std::vector<std::pair<const char*, const std::string*>> outputs = {
            {"--output", &options->output}, {"--orders", &options->orders}, {"--page-views", &options->page_views}};
        for (const auto& [flag, path] : outputs) {
            const std::string& output = *path;
            for (const char* extension : {".seg", ".yaml", ".yml"}) {
                const std::string ending = extension;
                if (output.size() >= ending.size() &&
                    output.compare(output.size() - ending.size(), ending.size(), ending) == 0) {
                    print_error(
                        fmt::format("refusing to write `{}`: generate writes CSV, and a {} file is a spec, schema "
                                    "or project file",
                                    output, extension));
                    runner.exit_code = kExitUsage;
                    return;
                }
            }
        }
        // Two outputs with one target would overwrite each other; an output that cannot be written would fail after
        // the others were replaced: both are refused before anything is written.
        for (size_t i = 0; i < outputs.size(); ++i) {
            const std::string& path = *outputs[i].second;
            if (path.empty()) continue;
            if (!output_writable(path, &error)) {
                print_error(error);
                runner.exit_code = kExitUsage;
                return;
            }
            for (size_t j = i + 1; j < outputs.size(); ++j) {
                const std::string& other = *outputs[j].second;
                if (!other.empty() && output_target(path) == output_target(other)) {
                    print_error(fmt::format("{} and {} name one file", outputs[i].first, outputs[j].first));
                    runner.exit_code = kExitUsage;
                    return;
                }
            }
        }
        std::vector<std::string> protected_paths;
        if (auto project = project::find_project_file(".")) protected_paths.push_back(*project);
        bool ok = write_file_atomically(
            options->output,
            [&](std::FILE* out) { return generate::write_synthetic_csv(out, options->rows, options->seed); }, &error,
            protected_paths);
        if (ok && !options->orders.empty()) {
            ok = write_file_atomically(
                options->orders,
                [&](std::FILE* out) { return generate::write_synthetic_orders_csv(out, options->rows, options->seed); },
                &error, protected_paths);
        }
        if (ok && !options->page_views.empty()) {
            ok = write_file_atomically(
                options->page_views,
                [&](std::FILE* out) {
                    return generate::write_synthetic_page_views_csv(out, options->rows, options->seed);
                },
                &error, protected_paths);
        }
        if (!ok) {
            print_error(error);
            runner.exit_code = kExitUsage;
            return;
        }
        print_status(fmt::format("wrote {} customer{} to {}", with_thousands(options->rows),
                                 options->rows == 1 ? "" : "s", options->output));
        if (options->format == "json") {
            nlohmann::ordered_json out = report::json_document("generate");
            out["rows"] = options->rows;
            out["seed"] = options->seed;
            out["output"] = options->output;
            if (!options->orders.empty()) out["orders"] = options->orders;
            if (!options->page_views.empty()) out["page_views"] = options->page_views;
            write_out(report::json_text(out));
        }
        runner.exit_code = finish_output();
    });
}

}  // namespace segmint::cli
