#pragma once
// The comparison of two versions of a spec project that `segmint diff` prints and `segmint report --diff` shows: the
// two versions brought from git revisions (revision_checkout.h) or folders, each checked and evaluated on the same
// data, and compared (analysis/revision_diff.h). Rendering is the caller's.
#include <optional>
#include <string>
#include <vector>

#include "analysis/revision_diff.h"
#include "cli/command_options.h"
#include "report/diff_output.h"

namespace segmint::cli {

struct VersionDiffRequest {
    std::vector<std::string> revisions;  // BASE [HEAD]: git revisions of the project; HEAD defaults to the working tree
    std::string from, to;                // or two project folders
    unsigned timeout_ms = 10000;         // per solver query
};

struct VersionDiff {
    analysis::RevisionDiff diff;
    report::DiffLabels labels;
};

// The project folder the revisions are taken from: --project (the file or its folder), else the nearest
// segmint.yaml's folder. "" after an error.
std::string project_folder(const CommonOptions& options);

// Compares the two versions the request names. `given` holds the flags: the project (--project), the data (--data,
// --events, --source: the same for both versions; without them no customers are compared), --as-of, --threads, the
// format of messages. Returns 0 with *out filled, or the exit code after printing why (2: a bad revision, unreadable
// input; 1: a version's specs have errors).
int compare_versions(const VersionDiffRequest& request, const CommonOptions& given, VersionDiff* out);

}  // namespace segmint::cli
