#pragma once
// Word-wise popcount over membership bitmaps: intersections and samples without materializing new bitmaps.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/popcount.h"  // popcount_words, and_popcount_words: every count here goes through them
#include "data/bitmap.h"

namespace segmint::analysis {

// |a ∩ b| (bitmaps of one size; a different size is a bug: std::invalid_argument).
uint64_t intersection_count(const data::Bitmap& a, const data::Bitmap& b);

// Up to `limit` rows set in the word stream `word(w)` for w in [0, word_count), in row order.
template <typename WordAt>
std::vector<uint64_t> first_rows(uint64_t word_count, WordAt word, size_t limit) {
    std::vector<uint64_t> rows;
    for (uint64_t w = 0; w < word_count && rows.size() < limit; ++w) {
        uint64_t bits = word(w);
        while (bits != 0 && rows.size() < limit) {
            rows.push_back(w * data::kBitsPerWord + static_cast<uint64_t>(__builtin_ctzll(bits)));
            bits &= bits - 1;
        }
    }
    return rows;
}

}  // namespace segmint::analysis
