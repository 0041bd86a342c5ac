#pragma once
// A spec project: `segmint.yaml` names the schema, the spec files, the default data, the constraints that must hold on
// that data and the fixture tests (docs/projects.md). Every path in it is relative to the project root (the folder of
// segmint.yaml) and must stay inside it: absolute paths, `..` escapes and symlinks leading out are errors, and only
// regular files are taken (FIFOs and devices are refused before they are opened).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostic.h"
#include "common/source.h"

namespace segmint::project {

inline constexpr const char* kProjectFileName = "segmint.yaml";

enum class ConstraintKind { Disjoint, Subset, MaxOverlap, Size, Partition };
const char* constraint_kind_name(ConstraintKind kind);

// A segment name as written in a constraint, with its place in the project file.
struct SegmentRef {
    std::string name;
    Span span;
    std::string path;  // key path, e.g. `constraints[0].disjoint[1]`
};

// A `size` bound: an absolute count, or a percentage of all customers ("0.5%").
struct SizeBound {
    double value = 0;
    bool percent = false;
    std::string text;  // as written, for messages
};

struct Constraint {
    ConstraintKind kind = ConstraintKind::Disjoint;
    Span span;                          // the whole list entry
    uint32_t line = 0;                  // 1-based line of the entry
    std::vector<SegmentRef> segments;   // Disjoint, Partition: the list; Subset: {segment, of}; MaxOverlap: the pair;
                                        // Size: the one segment
    std::optional<double> jaccard;      // MaxOverlap
    std::optional<double> containment;  // MaxOverlap: the larger of |A∩B|/|A| and |A∩B|/|B|
    std::optional<SizeBound> min, max;  // Size
    bool prove_statically = true;       // `static: false` opts a constraint out of the proofs (docs/prove.md)
};

struct Project {
    std::shared_ptr<const Source> source;  // the segmint.yaml text
    std::string root;                      // canonical absolute path of the project folder
    std::string display_root;             // the folder as the user would write it ("specs", "."): prefix of shown paths
    std::string schema_path;              // display path (display_root joined with the relative path)
    std::vector<std::string> spec_files;  // display paths, sorted, each once
    std::optional<std::string> data_path;  // `data: FILE`, or `customers:` of the mapping form
    // The mapping form `data: {customers: F, orders: F}`: each event table's file, by the table's name (display paths).
    std::vector<std::pair<std::string, std::string>> event_paths;
    // `source:` instead of `data:` (docs/sources.md): `sqlite:PATH` (a display path) or a PostgreSQL URL, and the
    // database's table for each schema table the mapping form renames.
    std::optional<std::string> data_source;
    std::vector<std::pair<std::string, std::string>> source_tables;
    std::optional<std::string> as_of;  // `as_of:` for validate/overlap/test runs without --as-of
    std::vector<Constraint> constraints;
    std::vector<std::string> test_files;  // display paths, sorted, each once
    std::vector<std::string> globs;       // the `segments` and `tests` globs, relative to `root`
};

// Whether `path` (a file that may not exist yet) lies under the project's root where one of its `segments` or
// `tests` globs would pick it up: a file written there would become part of the project.
bool project_would_read(const Project& project, const std::string& path);

// Loads a project file. `root` is the folder holding it, `display_root` the prefix for paths shown to the user.
// Every problem is reported to `sink` (E2xx for the YAML, E30x for paths); nullopt when there was any.
std::optional<Project> load_project(std::shared_ptr<const Source> source, const std::string& root,
                                    const std::string& display_root, DiagnosticSink& sink);

// The nearest segmint.yaml in `start_dir` or a folder above it, if any.
std::optional<std::string> find_project_file(const std::string& start_dir);

// Glob matching of one relative path (`/`-separated) against a pattern: `*` any run of characters but `/`, `?` one
// character but `/`, `**` as a whole path segment zero or more segments. Exposed for tests.
bool glob_match(const std::string& pattern, const std::string& path);

// Why a relative path given in a project cannot be used ("is an absolute path", "leads outside the project root"),
// or an empty string. Lexical only; symlinks are checked where files are resolved.
std::string lexical_path_problem(const std::string& relative);

// Resolves a relative path against the canonical `root`: follows symlinks and checks the result stays inside `root`
// and is a regular file. Returns the problem ("leads outside the project root through a symlink", "does not exist",
// "is not a regular file") or an empty string.
std::string resolved_path_problem(const std::string& root, const std::string& relative);

struct PathProblem {
    std::string path;     // relative to the root
    std::string problem;  // as from resolved_path_problem
};

// Every regular file below `root` whose path relative to it matches `pattern`, sorted. Directory symlinks are not
// followed and hidden names (`.git`) are skipped; a matching file that resolves outside the root or is not a regular
// file goes to *problems instead.
std::vector<std::string> expand_glob(const std::string& root, const std::string& pattern,
                                     std::vector<PathProblem>* problems);

}  // namespace segmint::project
