// The comparison behind `segmint diff` and `segmint report --diff` (version_diff.h): each version's project read,
// checked, proved and evaluated on the same data, then compared by analysis/revision_diff.h.
#include "cli/version_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "analysis/constraints.h"
#include "analysis/static_proofs.h"
#include "cli/output.h"
#include "cli/project_options.h"
#include "cli/revision_checkout.h"
#include "cli/workspace.h"
#include "engine/engine.h"
#include "prove/prover.h"

namespace segmint::cli {

namespace fs = std::filesystem;

namespace {

// One side of the comparison, from its project folder to its memberships.
struct Version {
    std::string role;   // "base" or "head", for messages
    std::string label;  // what the user named: a revision, "working tree", a folder
    std::string folder;
    std::string shown_folder;  // how paths below `folder` are shown ("" keeps them as they are)
    TempFolder temp;
    CommonOptions options;
    std::optional<project::Project> project;
    Workspace workspace;
    std::optional<data::Table> table;
    std::vector<data::Bitmap> members;
    analysis::ConstraintResults constraints;
};

bool data_given(const CommonOptions& options) { return !options.data_path.empty() || !options.source.empty(); }

// A path inside a version extracted to a temporary folder, shown as the same path of the working tree.
std::string shown_path(const Version& version, const std::string& file) {
    if (version.temp.path().empty()) return file;
    const std::string from = version.folder + "/";
    const std::string to = version.shown_folder == "." ? "" : version.shown_folder + "/";
    return file.rfind(from, 0) == 0 ? to + file.substr(from.size()) : file;
}

void show_paths(analysis::RevisionDiff& diff, const Version& version) {
    for (auto& segment : diff.segments) segment.file = shown_path(version, segment.file);
    for (auto& constraint : diff.constraints) constraint.file = shown_path(version, constraint.file);
}

// The sink's diagnostics with their files named by shown_path (each file renamed once, so per-file caps still hold).
DiagnosticSink shown_diagnostics(const DiagnosticSink& sink, const Version& version) {
    std::map<const Source*, std::shared_ptr<const Source>> renamed;
    auto rename = [&](std::shared_ptr<const Source>& source) {
        if (!source) return;
        auto& named = renamed[source.get()];
        if (!named) named = std::make_shared<const Source>(shown_path(version, source->name()), source->text());
        source = named;
    };
    DiagnosticSink out;
    for (Diagnostic diagnostic : sink.diagnostics()) {
        rename(diagnostic.source);
        for (auto& note : diagnostic.notes) rename(note.source);
        out.add(std::move(diagnostic));
    }
    return out;
}

// Reads the version's project (its own segmint.yaml, schema and specs); the data are the flags' only, the same for
// both versions.
int open_project(Version& version, const CommonOptions& given) {
    version.options = given;
    version.options.project_path = version.folder;
    if (int code = apply_project(version.options, &version.project, ProjectNeed::Always)) {
        print_error(fmt::format("the {} version ({}) has no usable project", version.role, version.label));
        return code;
    }
    version.options.project_events.clear();  // event files come from --events, as the customers from --data
    if (!data_given(given)) {
        version.options.data_path.clear();
        version.options.source.clear();
    }
    return kExitOk;
}

int check_specs(Version& version, scalar::AsOf as_of) {
    if (int code = prepare_workspace(version.options, version.workspace, as_of)) {
        print_error(fmt::format("in the {} version ({})", version.role, version.label));
        return code;
    }
    DiagnosticSink& sink = version.workspace.sink;
    const semantic::Catalog& catalog = version.workspace.compiled.catalog;
    if (version.project) analysis::check_constraint_segments(*version.project, catalog.segment_index, sink);
    if (!sink.has_errors()) return kExitOk;
    // For people on stderr, also with --format json (whose document holds the diagnostics).
    std::fprintf(stderr, "the specs of the %s version (%s) have errors:\n", version.role.c_str(),
                 version.label.c_str());
    DiagnosticSink shown = shown_diagnostics(sink, version);
    print_diagnostics(shown, version.options);
    return kExitFindings;
}

// Leaves out the --events flags of event tables that only the other version's schema has (a change that adds or
// removes one), so each version reads the event files it knows.
void keep_own_events(Version& version, const schema::Schema& other) {
    const schema::Schema& own = *version.workspace.schema;
    auto only_other = [&](const std::string& flag) {
        const size_t equals = flag.find('=');
        if (equals == std::string::npos || equals == 0) return false;  // malformed: load_events reports it
        const std::string name = flag.substr(0, equals);
        return own.find_events(name) == nullptr && other.find_events(name) != nullptr;
    };
    auto& events = version.options.events;
    events.erase(std::remove_if(events.begin(), events.end(), only_other), events.end());
}

// Proves the version's constraints and, with data, evaluates its segments and constraints on it.
int evaluate(Version& version, scalar::AsOf as_of, unsigned timeout_ms) {
    const semantic::Catalog& catalog = version.workspace.compiled.catalog;
    version.constraints.project = version.project ? &*version.project : nullptr;
    if (version.project && !version.project->constraints.empty()) {
        prove::Prover prover(catalog, as_of, {timeout_ms, false});
        version.constraints.proofs = analysis::prove_constraints(*version.project, catalog.segment_index, prover);
    }
    if (!data_given(version.options)) return kExitOk;
    version.table = load_data(version.options, *version.workspace.schema, version.options.threads);
    if (!version.table) {
        print_error(
            fmt::format("the data cannot be read with the schema of the {} version ({})", version.role, version.label));
        return kExitUsage;
    }
    const engine::CompiledCatalog compiled = engine::compile(catalog, as_of);
    if (!event_data_given(compiled, *version.table, version.options)) return kExitUsage;
    version.members = engine::evaluate(compiled, *version.table, engine::Evaluator::Vm, version.options.threads);
    if (version.project) {
        version.constraints.results = analysis::evaluate_constraints(
            version.project->constraints, catalog.segment_index, version.members, *version.table);
    }
    return kExitOk;
}

}  // namespace

// The project folder the revisions are taken from: --project (the file or its folder), else the nearest
// segmint.yaml's folder. "" after an error.
std::string project_folder(const CommonOptions& options) {
    std::error_code ec;
    if (!options.project_path.empty()) {
        if (fs::is_directory(options.project_path, ec)) return options.project_path;
        if (!fs::exists(options.project_path, ec)) {
            print_error("cannot read project `" + options.project_path + "`: no such file or folder");
            return "";
        }
        const std::string parent = fs::path(options.project_path).parent_path().string();
        return parent.empty() ? "." : parent;
    }
    if (auto found = project::find_project_file(".")) {
        // Relative to the current folder, as the other commands show the project they found.
        const fs::path parent = fs::absolute(*found, ec).parent_path();
        const fs::path relative = fs::relative(parent, fs::current_path(ec), ec);
        return ec || relative.empty() ? parent.string() : relative.string();
    }
    print_error(fmt::format("no {} in this folder or above it; pass --project PATH", project::kProjectFileName));
    return "";
}

int compare_versions(const VersionDiffRequest& request, const CommonOptions& given, VersionDiff* out) {
    const bool folders = !request.from.empty();
    if (given.data_path == "-") {
        print_error("diff reads the data once for each version: give it as a file, not standard input");
        return kExitUsage;
    }
    Version before, after;
    before.role = "base";
    after.role = "head";
    if (folders) {
        before.folder = before.label = request.from;
        after.folder = after.label = request.to;
    } else {
        const std::string folder = project_folder(given);
        if (folder.empty()) return kExitUsage;
        const auto repository = find_repository(folder);
        if (!repository) return kExitUsage;
        auto checkout = [&](Version& version, const std::string& revision) {
            version.label = revision;
            version.shown_folder = folder;
            auto extracted = checkout_revision(*repository, revision, version.temp);
            if (extracted) version.folder = *extracted;
            return extracted.has_value();
        };
        if (!checkout(before, request.revisions[0])) return kExitUsage;
        if (request.revisions.size() > 1) {
            if (!checkout(after, request.revisions[1])) return kExitUsage;
        } else {
            after.folder = folder;
            after.label = "working tree";
        }
    }
    for (Version* version : {&before, &after}) {
        if (int code = open_project(*version, given)) return code;
    }
    scalar::AsOf as_of;
    if (!resolve_as_of(given.as_of, after.project, &as_of)) return kExitUsage;
    for (Version* version : {&before, &after}) {
        if (int code = check_specs(*version, as_of)) return code;
    }
    keep_own_events(before, *after.workspace.schema);
    keep_own_events(after, *before.workspace.schema);
    for (Version* version : {&before, &after}) {
        if (int code = evaluate(*version, as_of, request.timeout_ms)) return code;
    }

    analysis::RevisionDiff& diff = out->diff;
    const semantic::Catalog& old_catalog = before.workspace.compiled.catalog;
    const semantic::Catalog& new_catalog = after.workspace.compiled.catalog;
    diff.segments = analysis::compare_segments(old_catalog, new_catalog);
    analysis::add_relations(diff.segments, old_catalog, new_catalog, as_of, request.timeout_ms);
    if (before.table && after.table) {
        if (before.table->rows() != after.table->rows()) {
            print_error("the data gave a different number of customers under the two versions' schemas");
            return kExitUsage;
        }
        diff.rows = after.table->rows();
        analysis::add_membership_shifts(diff.segments, old_catalog, before.members, new_catalog, after.members,
                                        *after.table);
    }
    diff.constraints = analysis::compare_constraints(before.constraints, after.constraints);
    for (const Version* version : {&before, &after}) show_paths(diff, *version);

    out->labels = report::DiffLabels{before.label, after.label, engine::as_of_text(as_of)};
    return kExitOk;
}

}  // namespace segmint::cli
