#include "analysis/bitmap_ops.h"

#include <stdexcept>

#include "common/popcount.h"

namespace segmint::analysis {

SEGMINT_POPCNT_CLONES uint64_t popcount_words(const uint64_t* words, uint64_t count) {
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; ++i) total += static_cast<uint64_t>(__builtin_popcountll(words[i]));
    return total;
}

SEGMINT_POPCNT_CLONES uint64_t and_popcount_words(const uint64_t* a, const uint64_t* b, uint64_t count) {
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; ++i) total += static_cast<uint64_t>(__builtin_popcountll(a[i] & b[i]));
    return total;
}

uint64_t intersection_count(const data::Bitmap& a, const data::Bitmap& b) {
    if (a.size() != b.size()) throw std::invalid_argument("intersection_count: bitmaps of different sizes");
    return and_popcount_words(a.words(), b.words(), a.word_count());
}

}  // namespace segmint::analysis
