#pragma once
// Pairwise overlap of segments: |A ∩ B| for every pair, from which Jaccard and containment follow.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/bitmap.h"

namespace segmint::analysis {

struct OverlapMatrix {
    size_t n = 0;
    std::vector<uint64_t> counts;  // n × n, symmetric; the diagonal holds each segment's size

    uint64_t at(size_t i, size_t j) const { return counts[i * n + j]; }
    uint64_t size(size_t i) const { return at(i, i); }
    double jaccard(size_t i, size_t j) const;      // |A∩B| / |A∪B|; 0 when both are empty
    double containment(size_t i, size_t j) const;  // |A∩B| / |A| (A = i); 0 when A is empty
};

// All pairwise intersection counts of `sets` (bitmaps of one size). Blocked: a block of segments is swept over a
// chunk of words that fits in cache, so each word is loaded from memory once per block rather than once per pair.
OverlapMatrix overlap_matrix(const std::vector<const data::Bitmap*>& sets);

}  // namespace segmint::analysis
