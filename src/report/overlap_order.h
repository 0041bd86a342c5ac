#pragma once
// The order the report's overlap heatmap shows segments in: single-linkage clustering on Jaccard similarity, so
// segments that share customers sit side by side and every cluster is one contiguous block of rows.
#include <cstddef>
#include <vector>

#include "analysis/overlap.h"

namespace segmint::report {

// A permutation of 0..n-1. The maximum spanning tree of the Jaccard graph (Prim, O(n²) over the dense matrix) is merged
// strongest edge first, each merge joining two blocks at the ends that hold the edge's segments: the leaf order of the
// single-linkage dendrogram. Deterministic: ties go to the lower index.
std::vector<size_t> cluster_order(const analysis::OverlapMatrix& matrix);

}  // namespace segmint::report
