#pragma once
// Constraints of a project (disjoint, subset, max_overlap, size, partition) checked on data through the membership
// bitmaps: every figure is a word-wise popcount, so hundreds of segments over millions of customers stay fast.
#include <string>
#include <unordered_map>
#include <vector>

#include "common/diagnostic.h"
#include "data/bitmap.h"
#include "data/table.h"
#include "project/project.h"

namespace segmint::analysis {

inline constexpr size_t kMaxSamples = 5;

// A number shown with a result: a count (integer) or a ratio.
struct Figure {
    std::string name;
    double value = 0;
    bool integer = true;
};

struct ConstraintResult {
    const project::Constraint* constraint = nullptr;
    bool passed = true;
    std::string message;               // one line: what holds, or what is wrong with the figures
    std::vector<Figure> figures;       // in a fixed order per kind (docs/projects.md)
    std::vector<std::string> samples;  // keys of up to kMaxSamples customers that break it
};

// Reports (E206, with "did you mean") every constraint segment that is not in `segment_index`. False if any.
bool check_constraint_segments(const project::Project& project,
                               const std::unordered_map<std::string, size_t>& segment_index, DiagnosticSink& sink);

// Checks every constraint; all its segments must be in `segment_index` (check_constraint_segments first).
// `memberships` is indexed like `segment_index`; sample keys come from the table's key column.
std::vector<ConstraintResult> evaluate_constraints(const std::vector<project::Constraint>& constraints,
                                                   const std::unordered_map<std::string, size_t>& segment_index,
                                                   const std::vector<data::Bitmap>& memberships,
                                                   const data::Table& table);

std::string format_ratio(double value);

}  // namespace segmint::analysis
