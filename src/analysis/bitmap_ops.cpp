#include "analysis/bitmap_ops.h"

#include <stdexcept>

namespace segmint::analysis {

uint64_t intersection_count(const data::Bitmap& a, const data::Bitmap& b) {
    if (a.size() != b.size()) throw std::invalid_argument("intersection_count: bitmaps of different sizes");
    return and_popcount_words(a.words(), b.words(), a.word_count());
}

}  // namespace segmint::analysis
