#include "analysis/overlap.h"

#include <algorithm>
#include <stdexcept>

#include "analysis/bitmap_ops.h"

namespace segmint::analysis {

namespace {

// 32 segments × 512 words × 8 bytes = 128 KiB of bitmap chunks per block pair: within L2 on common CPUs.
constexpr size_t kBlockSegments = 16;
constexpr uint64_t kChunkWords = 512;

}  // namespace

double OverlapMatrix::jaccard(size_t i, size_t j) const {
    const uint64_t both = at(i, j);
    const uint64_t either = size(i) + size(j) - both;
    return either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
}

double OverlapMatrix::containment(size_t i, size_t j) const {
    return size(i) == 0 ? 0.0 : static_cast<double>(at(i, j)) / static_cast<double>(size(i));
}

OverlapMatrix overlap_matrix(const std::vector<const data::Bitmap*>& sets) {
    OverlapMatrix matrix;
    matrix.n = sets.size();
    matrix.counts.assign(matrix.n * matrix.n, 0);
    if (sets.empty()) return matrix;
    const uint64_t words = sets[0]->word_count();
    for (const auto* set : sets) {
        if (set->word_count() != words) throw std::invalid_argument("overlap_matrix: bitmaps of different sizes");
    }
    const size_t n = matrix.n;
    for (size_t i0 = 0; i0 < n; i0 += kBlockSegments) {
        const size_t i1 = std::min(n, i0 + kBlockSegments);
        for (size_t j0 = i0; j0 < n; j0 += kBlockSegments) {
            const size_t j1 = std::min(n, j0 + kBlockSegments);
            for (uint64_t w0 = 0; w0 < words; w0 += kChunkWords) {
                const uint64_t length = std::min(kChunkWords, words - w0);
                for (size_t i = i0; i < i1; ++i) {
                    const uint64_t* a = sets[i]->words() + w0;
                    for (size_t j = std::max(i, j0); j < j1; ++j) {
                        const uint64_t* b = sets[j]->words() + w0;
                        matrix.counts[i * n + j] +=
                            i == j ? popcount_words(a, length) : and_popcount_words(a, b, length);
                    }
                }
            }
        }
    }
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < i; ++j) matrix.counts[i * n + j] = matrix.counts[j * n + i];
    }
    return matrix;
}

}  // namespace segmint::analysis
