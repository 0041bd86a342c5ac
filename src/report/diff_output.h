#pragma once
// `segmint diff`'s result (analysis/revision_diff.h) as text, JSON, Markdown (a pull-request comment: one table that
// fits on a screen) and GitHub workflow commands. Data in, text out; the command sends it to stdout.
#include <cstddef>
#include <string>

#include "analysis/revision_diff.h"
#include "report/json_output.h"

namespace segmint::report {

// What the two versions are, as the user named them, and the date the rules were read at.
struct DiffLabels {
    std::string before;  // "main", "HEAD~1", a folder
    std::string after;   // "working tree", a revision, a folder
    std::string as_of;
};

// Rows of each Markdown table (segments, constraints) before the rest is summarized in one line.
inline constexpr size_t kMarkdownRows = 20;

// A heading, one block per segment that is not unchanged (its old and new rule, relation, customers moved, sample
// keys), unchanged segments whose members moved (a referenced segment changed), the constraints, a summary line.
std::string diff_text(const analysis::RevisionDiff& diff, const DiffLabels& labels);
// {"version", "command": "diff", "before", "after", "as_of", "rows", "summary": {...}, "segments": [...],
// "constraints": [...]}.
nlohmann::ordered_json diff_json(const analysis::RevisionDiff& diff, const DiffLabels& labels);
// A heading, the summary, a table of the segments that changed (up to kMarkdownRows, then "... and N more"), the
// constraint changes, and the changed rules in a collapsed block.
std::string diff_markdown(const analysis::RevisionDiff& diff, const DiffLabels& labels);
// A `::notice` per added, removed or changed segment at its definition, a `::warning` per constraint that now fails
// (a `::notice` for other constraint changes), then a one-line summary.
std::string diff_github(const analysis::RevisionDiff& diff, const DiffLabels& labels);

}  // namespace segmint::report
