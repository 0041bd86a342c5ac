// segmint prove: the project's disjoint/subset/partition constraints and the catalog lints, decided for every possible
// customer by the Z3 encoding (src/prove, docs/prove.md); `--relation A B` for the relation of two segments.
#include <fmt/format.h>

#include "analysis/constraints.h"
#include "analysis/static_proofs.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/workspace.h"
#include "common/calendar.h"
#include "common/limits.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "prove/prover.h"
#include "report/json_output.h"
#include "report/prove_output.h"

namespace segmint::cli {

namespace {

struct ProveOptions {
    CommonOptions common;
    std::vector<std::string> relation;  // --relation A B
    unsigned timeout_ms = 10000;
    bool every_date = false;  // --for-every-date
};

// "as of 2026-11-23" or, proving for every date, "for every as-of date".
std::string when(const ProveOptions& options, const std::string& as_of) {
    return options.every_date ? "for every as-of date" : "as of " + as_of;
}

// The catalog index of a segment named on the command line; nullopt after the "no segment named" error.
std::optional<uint32_t> segment_named(const std::string& name, const semantic::Catalog& catalog) {
    auto it = catalog.segment_index.find(name);
    if (it != catalog.segment_index.end()) return static_cast<uint32_t>(it->second);
    print_error(fmt::format("no segment named `{}`{}", escape_controls(name), suggestion(name, catalog)));
    return std::nullopt;
}

std::string relation_sentence(prove::Relation relation, const std::string& a, const std::string& b) {
    switch (relation) {
        case prove::Relation::Equal:
            return fmt::format("{} and {} are equal: the same members for every customer", a, b);
        case prove::Relation::AInsideB: return fmt::format("{} is inside {}: every member of {} is in {}", a, b, a, b);
        case prove::Relation::BInsideA: return fmt::format("{} is inside {}: every member of {} is in {}", b, a, b, a);
        case prove::Relation::Disjoint: return fmt::format("{} and {} are disjoint: no customer is in both", a, b);
        case prove::Relation::Overlapping:
            return fmt::format("{} and {} overlap: some customers are in both, some in only one", a, b);
        case prove::Relation::Unknown: break;
    }
    return fmt::format("the relation of {} and {} is unknown", a, b);
}

int run_relation(const ProveOptions& options, Workspace& workspace, prove::Prover& prover) {
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    // A segment's relation to itself has one region, which the three-region answer and its fixture cannot say.
    if (options.relation[0] == options.relation[1]) {
        print_error(fmt::format("--relation needs two different segments, found `{}` twice",
                                escape_controls(options.relation[0])));
        return kExitUsage;
    }
    auto a = segment_named(options.relation[0], catalog);
    auto b = a ? segment_named(options.relation[1], catalog) : std::nullopt;
    if (!a || !b) return kExitUsage;
    const std::string& name_a = options.relation[0];
    const std::string& name_b = options.relation[1];
    const prove::RelationResult result = prover.relation(*a, *b);
    const std::string as_of = engine::as_of_text(workspace.as_of);
    struct Region {
        const char* key;
        std::string label;
        const prove::RegionResult& result;
        std::vector<std::string> in, not_in;
    };
    const std::vector<Region> regions = {{"a_only", name_a + " only", result.a_only, {name_a}, {name_b}},
                                         {"b_only", name_b + " only", result.b_only, {name_b}, {name_a}},
                                         {"both", "both", result.both, {name_a, name_b}, {}}};
    auto counterexample = [](const Region& region) {
        return analysis::Counterexample{region.result.witness, region.in, region.not_in};
    };
    if (options.common.format == "json") {
        nlohmann::ordered_json out = report::json_document("prove");
        out["as_of"] = options.every_date ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(as_of);
        out["for_every_date"] = options.every_date;
        out["a"] = name_a;
        out["b"] = name_b;
        out["relation"] = prove::relation_name(result.relation);
        for (const Region& region : regions) {
            nlohmann::ordered_json item;
            item["status"] = prove::emptiness_name(region.result.emptiness);
            if (region.result.emptiness == prove::Emptiness::NonEmpty)
                item["witness"] = report::counterexample_json(counterexample(region), *workspace.schema);
            if (region.result.emptiness == prove::Emptiness::Unknown) item["reason"] = region.result.reason;
            out["regions"][region.key] = std::move(item);
        }
        write_json_document(std::move(out), workspace.sink);
        return finish_output();
    }
    std::string text = relation_sentence(result.relation, name_a, name_b) + " (" + when(options, as_of) + ")\n";
    for (const Region& region : regions) {
        switch (region.result.emptiness) {
            case prove::Emptiness::Empty: text += fmt::format("  {}: no customer (proved)\n", region.label); break;
            case prove::Emptiness::Unknown:
                text += fmt::format("  {}: unknown ({})\n", region.label, region.result.reason);
                break;
            case prove::Emptiness::NonEmpty:
                text += fmt::format("  {}: for example this customer, as a fixture file:\n", region.label);
                text += report::counterexample_fixture(counterexample(region), *workspace.schema, as_of, "    ");
                break;
        }
    }
    write_out(escape_controls_per_line(text));
    return finish_output();
}

// "2 segments undecided: 1 with a construct the proofs do not model, 1 the solver gave no answer for (timeout)".
std::string undecided_text(const analysis::CatalogLints& lints) {
    const size_t total = lints.undecided_segments, solver = lints.undecided_by_solver, model = total - solver;
    std::string reasons;
    for (const auto& reason : lints.solver_reasons) reasons += (reasons.empty() ? "" : ", ") + reason;
    const std::string by_solver = fmt::format("the solver gave no answer ({}; see --timeout-ms)", reasons);
    std::string out = fmt::format("{} segment{} undecided: ", total, total == 1 ? "" : "s");
    if (solver == 0) return out + "a construct the proofs do not model";
    if (model == 0) return out + by_solver;
    return out + fmt::format("{} with a construct the proofs do not model, {} where {}", model, solver, by_solver);
}

int run_prove(ProveOptions& options) {
    if (options.common.format == "json") begin_json_output("prove");
    std::optional<project::Project> project;
    if (int code = apply_project(options.common, &project)) return code;
    scalar::AsOf as_of;
    if (!resolve_as_of(options.common.as_of, project, &as_of)) return kExitUsage;
    Workspace workspace;
    if (int code = prepare_workspace(options.common, workspace, as_of)) return code;
    const semantic::Catalog& catalog = workspace.compiled.catalog;
    if (project) analysis::check_constraint_segments(*project, catalog.segment_index, workspace.sink);
    if (workspace.sink.has_errors()) {
        print_diagnostics(workspace.sink, options.common);
        finish_output();
        return kExitFindings;
    }
    prove::Prover prover(catalog, as_of, {options.timeout_ms, options.every_date});
    if (!options.relation.empty()) return run_relation(options, workspace, prover);

    std::vector<analysis::ConstraintProof> proofs;
    if (project) {
        // size and max_overlap need data (docs/prove.md); `static: false` is the user's choice, so it is listed.
        for (auto& proof : analysis::prove_constraints(*project, catalog.segment_index, prover)) {
            if (proof.status != analysis::ProofStatus::Skipped || !proof.constraint->prove_statically)
                proofs.push_back(std::move(proof));
        }
    }
    const analysis::CatalogLints lints = analysis::lint_catalog(catalog, prover);
    for (const auto& lint : lints.lints) workspace.sink.add(lint.diagnostic);
    size_t count[4] = {0, 0, 0, 0};
    for (const auto& proof : proofs) ++count[static_cast<int>(proof.status)];
    size_t impossible = 0, equal = 0, dead = 0;
    for (const auto& lint : lints.lints) {
        impossible += lint.diagnostic.code == Code::ImpossibleSegment;
        equal += lint.diagnostic.code == Code::EqualSegments;
        dead += lint.diagnostic.code == Code::DeadCondition;
    }
    const size_t refuted = count[static_cast<int>(analysis::ProofStatus::Refuted)];
    const std::string as_of_text = engine::as_of_text(as_of);
    const std::string project_file = project ? project->source->name() : "";

    if (report::is_ci_format(options.common.format)) {
        workspace.sink.sort();
        report::CiReport report;
        report.hidden_warnings = workspace.sink.hidden_warning_count();
        report.diagnostics = workspace.sink.diagnostics();
        if (project) report.checks = report::proof_checks(*project, proofs, *workspace.schema, as_of_text);
        print_ci_report(std::move(report), options.common);
    } else if (options.common.format == "json") {
        nlohmann::ordered_json out = report::json_document("prove");
        if (project) out["project"] = project_file;
        out["as_of"] = options.every_date ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(as_of_text);
        out["for_every_date"] = options.every_date;
        out["constraints"] = report::proofs_json(proofs, project_file, *workspace.schema);
        out["lints"] = report::lints_json(lints.lints);
        out["undecided_segments"] = lints.undecided_segments;
        out["undecided_by_solver"] = lints.undecided_by_solver;
        out["equality_pairs_skipped"] = lints.equality_pairs_skipped;
        write_json_document(std::move(out), workspace.sink);
    } else {
        write_out(report::proofs_text(proofs, project_file, *workspace.schema, as_of_text));
        if (!workspace.sink.diagnostics().empty()) print_diagnostics(workspace.sink, options.common);
        std::string summary = options.every_date ? std::string("for every as-of date and every possible customer: ")
                                                 : fmt::format("as of {}, for every possible customer: ", as_of_text);
        if (project) {
            summary += fmt::format("{} constraint{}: {} proved, {} refuted, {} unknown", proofs.size(),
                                   proofs.size() == 1 ? "" : "s", count[0], count[1], count[2]);
            if (count[3] > 0) summary += fmt::format(", {} skipped (static: false)", count[3]);
            summary += "; ";
        }
        summary += fmt::format("{} segment{}: {} impossible, {} equal pair{}, {} dead condition{}",
                               catalog.segments.size(), catalog.segments.size() == 1 ? "" : "s", impossible, equal,
                               equal == 1 ? "" : "s", dead, dead == 1 ? "" : "s");
        if (lints.equality_pairs_skipped > 0)
            summary += fmt::format(
                " (equal pairs not looked for: {} pairs of segments read the same columns, over the "
                "limit of {})",
                with_thousands(lints.equality_pairs_skipped), with_thousands(limits::kMaxEqualityPairs));
        if (lints.undecided_segments > 0) summary += " (" + undecided_text(lints) + ")";
        write_out(summary + "\n");
    }
    if (int code = finish_output()) return code;
    return refuted > 0 || impossible > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_prove_command(CLI::App& app, CommandRunner& runner) {
    auto options = std::make_shared<ProveOptions>();
    options->common.command = "prove";
    CLI::App* command = app.add_subcommand(
        "prove", "Prove the project's constraints for every possible customer, and find impossible segments");
    add_spec_inputs(*command, options->common, SpecPaths::PositionalAndFlag);
    add_as_of_option(*command, options->common);
    command->add_option("--relation", options->relation, "The relation of two segments, with example customers")
        ->expected(2)
        ->allow_extra_args(false)  // `--relation A B specs/`: the third word is a spec path, not a third segment
        ->type_name("A B");
    command
        ->add_flag(
            "--for-every-date", options->every_date,
            "Prove for every as-of date at once (today and now become unknowns); a counterexample names its date")
        ->excludes(command->get_option("--as-of"));
    command->add_option("--timeout-ms", options->timeout_ms, "Time limit of each solver query, in milliseconds")
        ->check(whole_number_between(1, 3600000))  // 0 would be no time at all
        ->capture_default_str();
    add_max_warnings_option(*command, options->common);
    add_format_option(*command, options->common.format, ci_command_formats());
    add_color_option(*command, options->common);
    command->callback([options, &runner] { runner.exit_code = run_prove(*options); });
}

}  // namespace segmint::cli
