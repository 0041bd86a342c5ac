// segmint overlap: pairwise overlap of segments on data (counts, Jaccard, containment).
#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/constraints.h"
#include "analysis/overlap.h"
#include "cli/commands.h"
#include "common/text_format.h"
#include "cli/workspace.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "common/calendar.h"
#include "common/limits.h"
#include "common/suggest.h"
#include "engine/engine.h"
#include "report/json_output.h"

namespace segmint::cli {

namespace {

// Past this many segments the text matrix is too wide to read; the pair list and json/csv remain.
constexpr size_t kMaxTextMatrix = 40;

struct OverlapOptions {
    CommonOptions common;
    std::vector<std::string> segments;
    size_t top = 10;
};

std::string fixed(double value, int digits) {
    return fmt::format("{:.{}f}", value, digits);
}

std::string pad_left(const std::string& text, size_t width) {
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

int run_overlap(OverlapOptions& options) {
    if (options.common.format == "json") begin_json_output("overlap");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project, ProjectNeed::Always)) return code;
    ir::scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    if (workspace.sink.has_errors()) {
        print_diagnostics(workspace.sink, options.common);
        finish_output();
        return kExitFindings;
    }
    if (options.common.format != "json" && !workspace.sink.diagnostics().empty()) {
        print_diagnostics(workspace.sink, options.common);  // warnings, on stderr
    }
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    std::vector<size_t> chosen;
    if (options.segments.empty()) {
        for (size_t s = 0; s < catalog.segments.size(); ++s) chosen.push_back(s);
    } else {
        for (const auto& name : options.segments) {
            auto it = catalog.segment_index.find(name);
            if (it == catalog.segment_index.end()) {
                print_error(fmt::format("no segment named `{}`{}", name, suggestion(name, catalog)));
                return kExitUsage;
            }
            if (std::find(chosen.begin(), chosen.end(), it->second) == chosen.end()) chosen.push_back(it->second);
        }
    }
    if (chosen.size() > limits::kMaxOverlapSegments) {
        print_error(fmt::format("overlap compares at most {} segments pairwise, and {} are chosen; name the segments "
                                "to compare (`segmint overlap SEGMENT...`)",
                                with_thousands(limits::kMaxOverlapSegments), with_thousands(chosen.size())));
        return kExitUsage;
    }
    auto table = load_data(options.common, *workspace.schema, options.common.threads);
    if (!table) return kExitUsage;
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm, options.common.threads);
    std::vector<const data::Bitmap*> sets;
    for (size_t s : chosen) sets.push_back(&memberships[s]);
    const analysis::OverlapMatrix matrix = analysis::overlap_matrix(sets);
    const size_t n = chosen.size();
    auto name = [&](size_t i) -> const std::string& { return catalog.segments[chosen[i]].name; };

    const std::string& format = options.common.format;
    if (format == "json") {
        nlohmann::ordered_json out = report::json_document("overlap");
        out["rows"] = table->rows();
        out["as_of"] = calendar::format_date(as_of.today);
        out["now"] = calendar::format_timestamp(as_of.now);
        out["segments"] = nlohmann::ordered_json::array();
        for (size_t i = 0; i < n; ++i) out["segments"].push_back({{"name", name(i)}, {"count", matrix.size(i)}});
        workspace.sink.sort();
        report::add_diagnostics(out, workspace.sink);
        // Pairs are written one at a time: up to 2 million of them would make one document of hundreds of MB.
        std::string head = out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
        head.erase(head.size() - 2);  // "\n}": the object stays open for "pairs"
        write_out(head + ",\n  \"pairs\": [");
        std::string text;
        for (size_t i = 0; i < n; ++i) {
            for (size_t j = i + 1; j < n; ++j) {
                nlohmann::ordered_json pair;
                pair["a"] = name(i);
                pair["b"] = name(j);
                pair["count_a"] = matrix.size(i);
                pair["count_b"] = matrix.size(j);
                pair["intersection"] = matrix.at(i, j);
                pair["jaccard"] = matrix.jaccard(i, j);
                pair["containment_a"] = matrix.containment(i, j);
                pair["containment_b"] = matrix.containment(j, i);
                text += (i == 0 && j == 1 ? "\n    " : ",\n    ") +
                        pair.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            }
            write_out(text);
            text.clear();
        }
        write_out(n > 1 ? "\n  ]\n}\n" : "]\n}\n");
        return finish_output();
    }
    if (format == "csv") {
        std::string text = "a,b,count_a,count_b,intersection,jaccard,containment_a,containment_b\n";
        for (size_t i = 0; i < n; ++i) {
            for (size_t j = i + 1; j < n; ++j) {
                text += csv_field(name(i)) + "," + csv_field(name(j)) + "," + std::to_string(matrix.size(i)) + "," +
                        std::to_string(matrix.size(j)) + "," + std::to_string(matrix.at(i, j)) + "," +
                        fixed(matrix.jaccard(i, j), 6) + "," + fixed(matrix.containment(i, j), 6) + "," +
                        fixed(matrix.containment(j, i), 6) + "\n";
            }
            write_out(text);
            text.clear();
        }
        return finish_output();
    }

    write_out("overlap of " + std::to_string(n) + " segments on " + with_thousands(table->rows()) +
              " customers as of " + engine::as_of_text(as_of) + "\n\n");
    if (n <= kMaxTextMatrix) {
        size_t name_width = 0;
        size_t cell = 5;
        for (size_t i = 0; i < n; ++i) {
            name_width = std::max(name_width, name(i).size());
            cell = std::max(cell, with_thousands(matrix.size(i)).size());
        }
        const size_t label = 5 + name_width;  // "[12] name"
        std::string header = std::string(label, ' ');
        for (size_t j = 0; j < n; ++j) header += "  " + pad_left("[" + std::to_string(j + 1) + "]", cell);
        write_out(header + "\n");
        for (size_t i = 0; i < n; ++i) {
            std::string row = pad_right(pad_left("[" + std::to_string(i + 1) + "]", 4) + " " + name(i), label);
            for (size_t j = 0; j < n; ++j) row += "  " + pad_left(with_thousands(matrix.at(i, j)), cell);
            write_out(row + "\n");
        }
        write_out("(customers in both; the diagonal is each segment's size)\n\n");
    } else {
        write_out("(matrix left out for more than " + std::to_string(kMaxTextMatrix) +
                  " segments; use --format csv or json)\n\n");
    }
    struct Pair {
        size_t i, j;
        double jaccard;
    };
    std::vector<Pair> pairs;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) {
            if (matrix.at(i, j) > 0) pairs.push_back({i, j, matrix.jaccard(i, j)});
        }
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.jaccard > b.jaccard; });
    if (pairs.size() > options.top) pairs.resize(options.top);
    write_out(pairs.empty() ? std::string("no two segments overlap\n") : "most overlapping pairs (by Jaccard):\n");
    for (const auto& p : pairs) {
        write_out("  " + name(p.i) + " ∩ " + name(p.j) + ": " + with_thousands(matrix.at(p.i, p.j)) +
                  "  jaccard " + fixed(p.jaccard, 3) + ", " + fixed(100 * matrix.containment(p.i, p.j), 1) + "% of " +
                  name(p.i) + ", " + fixed(100 * matrix.containment(p.j, p.i), 1) + "% of " + name(p.j) + "\n");
    }
    return finish_output();
}

}  // namespace

void add_overlap_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<OverlapOptions>();
    CLI::App* command = app.add_subcommand("overlap", "Pairwise overlap of segments: counts, Jaccard, containment");
    command->add_option("segments", options->segments, "Segments to compare; default: all");
    add_spec_inputs(*command, options->common, SpecPaths::FlagOnly);
    add_data_option(*command, options->common);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, table_formats());
    command->add_option("--top", options->top, "Pairs listed in text output")
        ->check(whole_number_up_to(UINT32_MAX))
        ->capture_default_str();
    add_threads_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_overlap(*options); });
}

}  // namespace segmint::cli
