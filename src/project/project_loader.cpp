// load_project: the segmint.yaml format (docs/projects.md), read through the YAML reader so every problem carries its
// key path, and every path checked to stay inside the project root.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

#include "common/calendar.h"
#include "project/project.h"
#include "yaml/open_mapping.h"

namespace segmint::project {

namespace {

using yaml::Field;
using yaml::Node;
using yaml::Walker;

const yaml::MappingFormat kFormat = {
    "project file",
    "a project names at least `schema` and `segments`",
    {"schema", "segments", "data", "source", "constraints", "tests", "as_of", "description"},
    "a mapping with `schema` and `segments`"};
const std::vector<std::string> kKinds = {"disjoint", "subset", "max_overlap", "size", "partition"};
const std::vector<std::string> kSubsetKeys = {"segment", "of"};
const std::vector<std::string> kOverlapKeys = {"segments", "jaccard", "containment"};
const std::vector<std::string> kSizeKeys = {"segment", "min", "max"};
constexpr uint64_t kMaxExactCount = uint64_t{1} << 53;

std::string join_display(const std::string& display_root, const std::string& relative) {
    if (display_root.empty() || display_root == ".") return relative;
    if (display_root.back() == '/') return display_root + relative;
    return display_root + "/" + relative;
}

class Loader {
public:
    Loader(Walker& walker, const std::string& root, const std::string& display_root)
        : walker_(walker), root_(root), display_root_(display_root) {}

    // One relative file path (`schema`, `data`).
    std::optional<std::string> file(const Field& field, const char* what) {
        auto text = walker_.non_empty_string(*field.value, field.path, what);
        if (!text) return std::nullopt;
        std::string problem = lexical_path_problem(*text);
        if (problem.empty()) problem = resolved_path_problem(root_, *text);
        if (!problem.empty()) {
            walker_.error(Code::YamlInvalidValue, field.value->span,
                          field.path + ": " + yaml::quote(*text) + " " + problem,
                          "paths in segmint.yaml are relative to its folder and stay inside it");
            return std::nullopt;
        }
        return join_display(display_root_, *text);
    }

    // A glob or a list of globs (`segments`, `tests`): the matching files, sorted, each once. A glob that matches
    // nothing is an error: a typo must not silently drop specs or tests.
    std::optional<std::vector<std::string>> globs(const Field& field, std::vector<std::string>* pattern_texts) {
        std::vector<yaml::Walker::Item> patterns;
        if (field.value->is_scalar()) {
            patterns.push_back({field.value->text, field.value, field.path});
        } else {
            auto list = walker_.string_list(*field.value, field.path, "a glob or a list of globs");
            if (!list) return std::nullopt;
            patterns = std::move(*list);
        }
        if (patterns.empty()) {
            walker_.error(Code::YamlInvalidValue, field.value->span, field.path + ": give at least one glob",
                          "for example `[\"segments/**/*.seg\"]`");
            return std::nullopt;
        }
        std::set<std::string> files;
        bool ok = true;
        for (const auto& pattern : patterns) {
            pattern_texts->push_back(pattern.text);
            std::string problem = lexical_path_problem(pattern.text);
            if (!problem.empty()) {
                walker_.error(Code::YamlInvalidValue, pattern.node->span,
                              pattern.path + ": " + yaml::quote(pattern.text) + " " + problem,
                              "paths in segmint.yaml are relative to its folder and stay inside it");
                ok = false;
                continue;
            }
            std::vector<PathProblem> problems;
            auto found = expand_glob(root_, pattern.text, &problems);
            for (const auto& bad : problems) {
                walker_.error(Code::YamlInvalidValue, pattern.node->span,
                              pattern.path + ": " + yaml::quote(pattern.text) + " matches " + yaml::quote(bad.path) +
                                  ", which " + bad.problem);
                ok = false;
            }
            if (found.empty() && problems.empty()) {
                walker_.error(Code::YamlInvalidValue, pattern.node->span,
                              pattern.path + ": " + yaml::quote(pattern.text) + " matches no file",
                              "globs are relative to the folder of segmint.yaml; `*` and `?` stay within one folder, "
                              "`**` spans folders");
                ok = false;
            }
            files.insert(found.begin(), found.end());
        }
        if (!ok) return std::nullopt;
        std::vector<std::string> out;
        for (const auto& relative : files) out.push_back(join_display(display_root_, relative));
        return out;
    }

    std::optional<Constraint> constraint(const Node& node, const std::string& path) {
        std::vector<std::string> keys = kKinds;
        keys.push_back("static");
        auto map = walker_.mapping(node, path, keys, "a mapping with one constraint kind, like `disjoint: [a, b]`");
        if (!map) return std::nullopt;
        const Field* static_field = map->find("static");
        const size_t kinds = map->fields().size() - (static_field != nullptr ? 1 : 0);
        if (kinds != 1) {
            walker_.error(Code::YamlInvalidValue, node.span,
                          path + ": " + (kinds == 0 ? "no constraint given" : "give one constraint per list entry"),
                          "write each constraint as its own `- kind: ...` item");
            return std::nullopt;
        }
        const Field& field = map->fields().front().key == "static" ? map->fields().back() : map->fields().front();
        auto kind_it = std::find(kKinds.begin(), kKinds.end(), field.key);
        if (kind_it == kKinds.end()) return std::nullopt;  // reported as an unknown key
        Constraint out;
        if (static_field != nullptr) {
            // `static: false`: the prover does not judge this constraint (its rules rely on facts no schema states).
            auto value = walker_.boolean(*static_field->value, static_field->path);
            if (!value) return std::nullopt;
            out.prove_statically = *value;
        }
        out.kind = static_cast<ConstraintKind>(kind_it - kKinds.begin());
        out.span = node.span;
        out.line = walker_.source()->location(node.span.begin).line;
        const size_t errors_before = walker_.error_count();
        switch (out.kind) {
            case ConstraintKind::Disjoint:
            case ConstraintKind::Partition: {
                const size_t minimum = out.kind == ConstraintKind::Disjoint ? 2 : 1;
                if (!segment_list(field, minimum, out.segments)) return std::nullopt;
                break;
            }
            case ConstraintKind::Subset: {
                auto body = walker_.mapping(*field.value, field.path, kSubsetKeys, "a mapping `{segment: a, of: b}`");
                if (!body) return std::nullopt;
                const Field* segment = walker_.required(*body, "segment");
                const Field* of = walker_.required(*body, "of");
                if (segment) segment_name(*segment->value, segment->path, out.segments);
                if (of) segment_name(*of->value, of->path, out.segments);
                break;
            }
            case ConstraintKind::MaxOverlap: {
                auto body = walker_.mapping(*field.value, field.path, kOverlapKeys,
                                            "a mapping `{segments: [a, b], jaccard: 0.2}`");
                if (!body) return std::nullopt;
                if (const Field* segments = walker_.required(*body, "segments")) {
                    if (segment_list(*segments, 2, out.segments) && out.segments.size() != 2) {
                        walker_.error(Code::YamlInvalidValue, segments->value->span,
                                      segments->path + ": max_overlap compares exactly two segments",
                                      "write one max_overlap per pair");
                    }
                }
                if (const Field* jaccard = body->find("jaccard")) out.jaccard = fraction(*jaccard);
                if (const Field* containment = body->find("containment")) out.containment = fraction(*containment);
                if (!body->find("jaccard") && !body->find("containment")) {
                    walker_.error(Code::YamlMissingKey, field.value->span,
                                  field.path + ": give `jaccard`, `containment` or both",
                                  "for example `jaccard: 0.2` (|A∩B| / |A∪B| at most 0.2)");
                }
                break;
            }
            case ConstraintKind::Size: {
                auto body = walker_.mapping(*field.value, field.path, kSizeKeys,
                                            "a mapping `{segment: a, min: 100, max: \"5%\"}`");
                if (!body) return std::nullopt;
                if (const Field* segment = walker_.required(*body, "segment")) {
                    segment_name(*segment->value, segment->path, out.segments);
                }
                if (const Field* min = body->find("min")) out.min = size_bound(*min);
                if (const Field* max = body->find("max")) out.max = size_bound(*max);
                if (!body->find("min") && !body->find("max")) {
                    walker_.error(Code::YamlMissingKey, field.value->span, field.path + ": give `min`, `max` or both",
                                  "a count (`min: 100`) or a share of all customers (`max: \"5%\"`)");
                }
                if (out.min && out.max && out.min->percent == out.max->percent && out.min->value > out.max->value) {
                    walker_.error(Code::YamlInvalidValue, field.value->span,
                                  field.path + ": `min` " + out.min->text + " is above `max` " + out.max->text);
                }
                break;
            }
        }
        if (walker_.error_count() != errors_before) return std::nullopt;
        return out;
    }

private:
    bool segment_name(const Node& node, const std::string& path, std::vector<SegmentRef>& out) {
        auto name = walker_.non_empty_string(node, path, "a segment name");
        if (!name) return false;
        out.push_back({*name, node.span, path});
        return true;
    }

    bool segment_list(const Field& field, size_t minimum, std::vector<SegmentRef>& out) {
        auto items = walker_.string_list(*field.value, field.path, "a list of segment names");
        if (!items) return false;
        if (items->size() < minimum) {
            walker_.error(
                Code::YamlInvalidValue, field.value->span,
                field.path + ": list at least " + std::to_string(minimum) + " segment" + (minimum == 1 ? "" : "s"));
            return false;
        }
        bool ok = true;
        for (const auto& item : *items) {
            auto first = std::find_if(out.begin(), out.end(), [&](const SegmentRef& r) { return r.name == item.text; });
            if (first != out.end()) {
                walker_.error(Code::YamlInvalidValue, item.node->span,
                              item.path + ": segment " + yaml::quote(item.text) + " is listed twice", "remove one",
                              {walker_.note("first listed here", first->span)});
                ok = false;
                continue;
            }
            if (item.text.empty()) {
                walker_.error(Code::YamlInvalidValue, item.node->span, item.path + ": must not be empty");
                ok = false;
                continue;
            }
            out.push_back({item.text, item.node->span, item.path});
        }
        return ok;
    }

    static std::optional<double> parse_number(const std::string& text) {
        if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
        errno = 0;
        char* end = nullptr;
        double value = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) return std::nullopt;
        return value;
    }

    std::optional<double> fraction(const Field& field) {
        if (!field.value->is_scalar()) {
            walker_.wrong_kind(*field.value, field.path, "a number between 0 and 1");
            return std::nullopt;
        }
        auto value = parse_number(field.value->text);
        if (!value || *value < 0 || *value > 1) {
            walker_.error(Code::YamlInvalidValue, field.value->span,
                          field.path + ": expected a number between 0 and 1, found " + yaml::describe(*field.value));
            return std::nullopt;
        }
        return value;
    }

    std::optional<SizeBound> size_bound(const Field& field) {
        if (!field.value->is_scalar()) {
            walker_.wrong_kind(*field.value, field.path, "a count or a percentage like \"5%\"");
            return std::nullopt;
        }
        const std::string& text = field.value->text;
        SizeBound bound;
        bound.text = text;
        std::optional<double> value;
        if (!text.empty() && text.back() == '%') {
            bound.percent = true;
            value = parse_number(text.substr(0, text.size() - 1));
            if (value && (*value < 0 || *value > 100)) value.reset();
        } else {
            // Digits only, read exactly; counts are then compared and printed as doubles, exact up to 2^53.
            uint64_t count = 0;
            const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), count);
            if (!text.empty() && problem == std::errc() && end == text.data() + text.size() &&
                count <= kMaxExactCount) {
                value = static_cast<double>(count);
            }
        }
        if (!value) {
            walker_.error(Code::YamlInvalidValue, field.value->span,
                          field.path +
                              ": expected a count (a whole number up to 9,007,199,254,740,992) or a "
                              "percentage from 0% to 100%, found " +
                              yaml::describe(*field.value),
                          "quote percentages: `max: \"5%\"`");
            return std::nullopt;
        }
        bound.value = *value;
        return bound;
    }

    Walker& walker_;
    const std::string& root_;
    const std::string& display_root_;
};

// `data`: the customers' CSV file, or a mapping `{customers: F, EVENTS: F, ...}` naming each event table's file too
// (the schema checks the event table names when the data is loaded).
void read_data(Walker& walker, Loader& loader, const Field& data, Project& project) {
    if (!data.value->is_mapping()) {
        project.data_path = loader.file(data, "a path to a CSV file, or a mapping `{customers: F, orders: F}`");
        return;
    }
    auto map = walker.mapping(*data.value, data.path);
    if (!map) return;
    for (const Field& entry : map->fields()) {
        auto path = loader.file(entry, "a path to a CSV file");
        if (!path) continue;
        if (entry.key == "customers") {
            project.data_path = *path;
        } else {
            project.event_paths.emplace_back(std::string(entry.key), *path);
        }
    }
    if (!map->find("customers")) walker.required(*map, "customers");
}

// `source`: a database to read the tables from instead of `data` (docs/sources.md): `sqlite:PATH` (PATH relative to
// the project root, inside it, as every path here) or a PostgreSQL URL; or a mapping `{url: ..., tables: {customers:
// T, orders: T}}` that also names the database's table for a schema table where they differ.
void read_source(Walker& walker, const std::string& root, const std::string& display_root, const Field& field,
                 Project& project) {
    const Node* url = field.value;
    std::string url_path = field.path;
    std::optional<yaml::MappingView> map;
    if (field.value->is_mapping()) {
        map = walker.mapping(*field.value, field.path, {"url", "tables"});
        if (!map) return;
        const Field* given = walker.required(*map, "url");
        if (!given) return;
        url = given->value;
        url_path = given->path;
    }
    const std::string expected = "`sqlite:PATH` or a PostgreSQL URL `postgresql://HOST/DATABASE`";
    auto text = walker.non_empty_string(*url, url_path, expected);
    if (!text) return;
    if (text->rfind("sqlite:", 0) == 0) {
        const std::string path = text->substr(7);
        std::string problem = path.empty() ? "names no file" : lexical_path_problem(path);
        if (problem.empty()) problem = resolved_path_problem(root, path);
        if (!problem.empty()) {
            walker.error(Code::YamlInvalidValue, url->span, url_path + ": " + yaml::quote(*text) + " " + problem,
                         "paths in segmint.yaml are relative to its folder and stay inside it");
            return;
        }
        project.data_source = "sqlite:" + join_display(display_root, path);
    } else if (text->rfind("postgresql://", 0) == 0 || text->rfind("postgres://", 0) == 0) {
        project.data_source = *text;
    } else {
        walker.error(Code::YamlInvalidValue, url->span, url_path + ": expected " + expected,
                     "a password is best left out of the file: libpq reads PGPASSWORD and ~/.pgpass");
        return;
    }
    if (!map) return;
    if (const Field* tables = map->find("tables")) {
        auto names = walker.mapping(*tables->value, tables->path);
        if (!names) return;
        for (const Field& entry : names->fields()) {
            if (auto table = walker.non_empty_string(*entry.value, entry.path, "the database's table name")) {
                project.source_tables.emplace_back(std::string(entry.key), *table);
            }
        }
    }
}

}  // namespace

const char* constraint_kind_name(ConstraintKind kind) {
    switch (kind) {
        case ConstraintKind::Disjoint: return "disjoint";
        case ConstraintKind::Subset: return "subset";
        case ConstraintKind::MaxOverlap: return "max_overlap";
        case ConstraintKind::Size: return "size";
        case ConstraintKind::Partition: return "partition";
    }
    return "?";
}

std::optional<Project> load_project(std::shared_ptr<const Source> source, const std::string& root,
                                    const std::string& display_root, DiagnosticSink& sink) {
    auto file = yaml::open_mapping(source, sink, kFormat);
    if (!file) return std::nullopt;
    Walker& walker = file->walker;
    const yaml::MappingView* root_map = &file->root;

    Project project;
    project.source = source;
    project.root = root;
    project.display_root = display_root;
    Loader loader(walker, root, display_root);
    if (const Field* description = root_map->find("description")) walker.string(*description->value, description->path);
    if (const Field* schema = walker.required(*root_map, "schema")) {
        if (auto path = loader.file(*schema, "a path to the schema file")) project.schema_path = *path;
    }
    if (const Field* segments = walker.required(*root_map, "segments")) {
        if (auto files = loader.globs(*segments, &project.globs)) project.spec_files = std::move(*files);
    }
    if (const Field* data = root_map->find("data")) read_data(walker, loader, *data, project);
    if (const Field* source = root_map->find("source")) {
        if (const Field* data = root_map->find("data")) {
            walker.error(Code::YamlInvalidValue, source->value->span,
                         source->path + ": give `data` (CSV files) or `source` (a database), not both", "",
                         {walker.note("`data` is given here", data->value->span)});
        } else {
            read_source(walker, root, display_root, *source, project);
        }
    }
    if (const Field* as_of = root_map->find("as_of")) {
        if (auto text = walker.non_empty_string(*as_of->value, as_of->path, "a date (YYYY-MM-DD)")) {
            if (calendar::parse_date(*text) || calendar::parse_timestamp(*text)) {
                project.as_of = *text;
            } else {
                walker.error(Code::YamlInvalidValue, as_of->value->span,
                             as_of->path + ": " + yaml::quote(*text) + " is not a date (YYYY-MM-DD) or timestamp");
            }
        }
    }
    if (const Field* tests = root_map->find("tests")) {
        if (auto files = loader.globs(*tests, &project.globs)) project.test_files = std::move(*files);
    }
    if (const Field* constraints = root_map->find("constraints")) {
        if (const auto* items = walker.sequence(*constraints->value, constraints->path, "a list of constraints")) {
            for (size_t i = 0; i < items->size() && !walker.stopped(); ++i) {
                auto constraint = loader.constraint(*(*items)[i], yaml::index_path(constraints->path, i));
                if (constraint) project.constraints.push_back(std::move(*constraint));
            }
        }
    }
    if (walker.error_count() > 0) return std::nullopt;
    return project;
}

}  // namespace segmint::project
