// segmint validate: checks the specs, proves the constraints that need no data (src/prove) and, when there is data,
// evaluates the segments on it and checks every constraint there too.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/constraints.h"
#include "analysis/static_proofs.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/calendar.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "prove/prover.h"
#include "report/json_output.h"
#include "report/prove_output.h"

namespace segmint::cli {

namespace {

struct ValidateOptions {
    CommonOptions common;
};

nlohmann::ordered_json figures_json(const analysis::ConstraintResult& result) {
    nlohmann::ordered_json figures = nlohmann::ordered_json::object();
    for (const auto& figure : result.figures) {
        if (figure.integer)
            figures[figure.name] = static_cast<uint64_t>(figure.value);
        else
            figures[figure.name] = figure.value;
    }
    return figures;
}

// The proof of each constraint (same order as the project's), appended to the data's verdict: a refuted constraint
// fails even when the data shows no violation.
struct Verdicts {
    std::vector<analysis::ConstraintProof> proofs;
    size_t count[4] = {0, 0, 0, 0};  // by ProofStatus
    size_t count_of(analysis::ProofStatus status) const { return count[static_cast<int>(status)]; }
};

std::string proof_counts(const Verdicts& v) {
    using analysis::ProofStatus;
    return fmt::format("{} proved, {} refuted, {} unknown", v.count_of(ProofStatus::Proved),
                       v.count_of(ProofStatus::Refuted), v.count_of(ProofStatus::Unknown));
}

// validate without data: the proofs alone; size and max_overlap (and `static: false`) are skipped.
int report_proofs_only(const CommonOptions& options, const project::Project& project, Workspace& workspace,
                       const Verdicts& verdicts, const std::string& as_of) {
    using analysis::ProofStatus;
    const std::string& file = project.source->name();
    const size_t refuted = verdicts.count_of(ProofStatus::Refuted);
    if (report::is_ci_format(options.format)) {
        workspace.sink.sort();
        report::CiReport report;
        report.hidden_warnings = workspace.sink.hidden_warning_count();
        report.diagnostics = workspace.sink.diagnostics();  // warnings
        report.checks = report::proof_checks(project, verdicts.proofs, *workspace.schema, as_of);
        print_ci_report(std::move(report), options);
    } else if (options.format == "json") {
        nlohmann::ordered_json out = report::json_document("validate");
        out["project"] = file;
        out["data"] = false;
        out["as_of"] = as_of;
        out["constraints"] = report::proofs_json(verdicts.proofs, file, *workspace.schema);
        for (auto& item : out["constraints"]) item["passed"] = item["status"] != "refuted";
        out["passed"] = verdicts.proofs.size() - refuted;
        out["failed"] = refuted;
        write_json_document(std::move(out), workspace.sink);
    } else {
        if (!workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, options);  // warnings
        write_out(report::proofs_text(verdicts.proofs, file, *workspace.schema, as_of));
        write_out(
            fmt::format("{} constraint{} without data, as of {}, for every possible customer: {}, {} skipped "
                        "(they need data: --data)\n",
                        verdicts.proofs.size(), verdicts.proofs.size() == 1 ? "" : "s", as_of, proof_counts(verdicts),
                        verdicts.count_of(ProofStatus::Skipped)));
    }
    if (int code = finish_output()) return code;
    return refuted > 0 ? kExitFindings : kExitOk;
}

int run_validate(ValidateOptions& options) {
    if (options.common.format == "json") begin_json_output("validate");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project, ProjectNeed::Always)) return code;
    if (!project) {
        print_error("validate checks a project's constraints; pass --project PATH");
        return kExitUsage;
    }
    scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    analysis::check_constraint_segments(*project, catalog.segment_index, workspace.sink);
    if (workspace.sink.has_errors()) {
        // Broken specs or constraints naming no segment: the figures would be wrong, so show why and stop.
        CommonOptions render = options.common;
        print_diagnostics(workspace.sink, render);
        finish_output();
        return kExitFindings;
    }
    // The proofs first: they need no data, and a refutation holds whatever the data says.
    Verdicts verdicts;
    {
        prove::Prover prover(catalog, as_of);
        verdicts.proofs = analysis::prove_constraints(*project, catalog.segment_index, prover);
    }
    for (const auto& proof : verdicts.proofs) ++verdicts.count[static_cast<int>(proof.status)];
    const std::string as_of_text = engine::as_of_text(as_of);
    if (options.common.data_path.empty() && options.common.source.empty()) {
        if (!options.common.events.empty()) {  // events belong to customers: without them they would go unread
            print_error(
                "--events names event data, but no customers are given; pass --data FILE (or --source URL) as well");
            return kExitUsage;
        }
        return report_proofs_only(options.common, *project, workspace, verdicts, as_of_text);
    }
    auto table = load_data(options.common, *workspace.schema, options.common.threads);
    if (!table) return kExitUsage;
    engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    if (!event_data_given(compiled, *table, options.common)) return kExitUsage;
    auto memberships = engine::evaluate(compiled, *table, engine::Evaluator::Vm, options.common.threads);
    auto results = analysis::evaluate_constraints(project->constraints, catalog.segment_index, memberships, *table);
    const auto refuted = [&](size_t i) { return verdicts.proofs[i].status == analysis::ProofStatus::Refuted; };

    size_t failed = 0;
    for (size_t i = 0; i < results.size(); ++i) failed += results[i].passed && !refuted(i) ? 0 : 1;
    const size_t passed = results.size() - failed;
    const std::string& file = project->source->name();
    const schema::Schema& schema = *workspace.schema;
    if (report::is_ci_format(options.common.format)) {
        workspace.sink.sort();
        report::CiReport report;
        report.hidden_warnings = workspace.sink.hidden_warning_count();
        report.diagnostics = workspace.sink.diagnostics();  // warnings
        report.checks = report::constraint_checks(*project, results, schema.key);
        for (size_t i = 0; i < results.size(); ++i) {
            if (!refuted(i)) continue;
            const auto& proof = verdicts.proofs[i];
            report.checks[i].passed = false;
            report.checks[i].message += "; refuted by a proof: " + proof.message;
            report.checks[i].details += (report.checks[i].details.empty() ? "" : "\n") +
                                        std::string("counterexample, as a fixture:\n") +
                                        report::counterexample_fixture(*proof.counterexample, schema, as_of_text, "  ");
        }
        print_ci_report(std::move(report), options.common);
    } else if (options.common.format == "json") {
        nlohmann::ordered_json out = report::json_document("validate");
        out["project"] = file;
        out["data"] = true;
        out["rows"] = table->rows();
        out["as_of"] = as_of_text;
        out["now"] = calendar::format_timestamp(as_of.now);
        out["constraints"] = nlohmann::ordered_json::array();
        const nlohmann::ordered_json proofs = report::proofs_json(verdicts.proofs, file, schema);
        for (size_t i = 0; i < results.size(); ++i) {
            const auto& result = results[i];
            nlohmann::ordered_json item;
            item["kind"] = project::constraint_kind_name(result.constraint->kind);
            item["line"] = result.constraint->line;
            item["passed"] = result.passed && !refuted(i);
            item["message"] = result.message;
            item["figures"] = figures_json(result);
            item["samples"] = result.samples;
            nlohmann::ordered_json proof = proofs[i];
            for (const char* key : {"file", "line", "kind", "segments"}) proof.erase(key);
            item["proof"] = std::move(proof);
            out["constraints"].push_back(std::move(item));
        }
        out["passed"] = passed;
        out["failed"] = failed;
        write_json_document(std::move(out), workspace.sink);
    } else {
        if (!workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, options.common);  // warnings
        for (size_t i = 0; i < results.size(); ++i) {
            const auto& result = results[i];
            const auto& c = *result.constraint;
            const auto& proof = verdicts.proofs[i];
            std::string line = std::string(result.passed && !refuted(i) ? "PASS" : "FAIL") + "  " + file + ":" +
                               std::to_string(c.line) + "  " + project::constraint_kind_name(c.kind) + ": " +
                               result.message;
            if (proof.status == analysis::ProofStatus::Proved) line += "; proved for every customer";
            if (refuted(i)) line += "; refuted by a proof: " + proof.message;
            write_out(escape_controls(line) + "\n");
            if (!result.samples.empty()) {
                std::string samples;
                for (const auto& key : result.samples) samples += (samples.empty() ? "" : ", ") + key;
                write_out(escape_controls("      e.g. " + schema.key + " " + samples) + "\n");
            }
            if (refuted(i)) {
                write_out("      counterexample, as a fixture file (segmint test accepts it as it is):\n");
                write_out(escape_controls_per_line(
                    report::counterexample_fixture(*proof.counterexample, schema, as_of_text, "        ")));
            }
        }
        write_out(std::to_string(results.size()) + " constraint" + (results.size() == 1 ? "" : "s") + " on " +
                  with_thousands(table->rows()) + (table->rows() == 1 ? " customer" : " customers") + " as of " +
                  engine::as_of_text(as_of) + ": " + std::to_string(passed) + " passed, " + std::to_string(failed) +
                  " failed; proofs: " + proof_counts(verdicts) + "\n");
    }
    if (int code = finish_output()) return code;
    return failed > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<ValidateOptions>();
    options->common.command = "validate";
    CLI::App* command =
        app.add_subcommand("validate", "Check the project's constraints (disjoint, subset, sizes...) on its data");
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_data_option(*command, options->common);
    add_as_of_option(*command, options->common);
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, ci_command_formats());
    add_threads_option(*command, options->common);
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_validate(*options); });
}

}  // namespace segmint::cli
