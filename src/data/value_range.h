// Scans over a column's values shared by the loaders (narrowing an Int column) and the optimizer (statistics).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "data/bitmap.h"

namespace segmint::data {

// The least and greatest of the first `rows` values whose validity bit is set, or false when there is none. Tables
// of millions of rows pass through here before each evaluation, so the common case is fast: 64 rows at a time, a
// validity word with every bit set read in a loop the compiler vectorizes, other words bit by bit. For floating-point
// T, `nan_out` (when given) tells whether a present value is NaN, which the least and greatest leave out (std::min and
// std::max keep their first operand, the running extreme, when the other is NaN): the snapshot reader checks a
// column's values and finds its statistics in this one pass.
template <typename T>
bool present_range(const Bitmap& validity, const T* values, uint64_t rows, T* low_out, T* high_out,
                   bool* nan_out = nullptr) {
    T low = std::numeric_limits<T>::max();
    T high = std::numeric_limits<T>::lowest();
    bool any = false;
    bool nan = false;
    const auto is_nan = [](T value) {
        if constexpr (std::is_floating_point_v<T>) {
            return value != value;
        } else {
            return false;
        }
    };
    const uint64_t* words = validity.words();
    for (uint64_t first = 0; first < rows; first += 64) {
        const uint64_t word = words[first / 64];
        const uint64_t count = std::min<uint64_t>(64, rows - first);
        const T* block = values + first;
        if (count == 64 && word == ~uint64_t{0}) {
            // Four running extremes: 64-bit ints, which SSE2 cannot compare in vector registers, would otherwise wait
            // on one chain of dependent compares.
            T block_low[4] = {low, low, low, low};
            T block_high[4] = {high, high, high, high};
            bool block_nan = false;
            for (int i = 0; i < 64; i += 4) {
                for (int j = 0; j < 4; ++j) {
                    block_low[j] = std::min(block_low[j], block[i + j]);
                    block_high[j] = std::max(block_high[j], block[i + j]);
                    block_nan |= is_nan(block[i + j]);
                }
            }
            low = std::min({block_low[0], block_low[1], block_low[2], block_low[3]});
            high = std::max({block_high[0], block_high[1], block_high[2], block_high[3]});
            nan |= block_nan;
            any = true;
            continue;
        }
        for (uint64_t i = 0; i < count; ++i) {
            if ((word >> i) & 1) {
                low = std::min(low, block[i]);
                high = std::max(high, block[i]);
                nan |= is_nan(block[i]);
                any = true;
            }
        }
    }
    *low_out = low;
    *high_out = high;
    if (nan_out) *nan_out = nan;
    return any;
}

// Offsets of a narrowed Int column (Column::narrow_ints) back at 8 bytes: base + offset, wrapping like
// Column::widened. A NULL slot comes out as the base.
template <typename N>
void widen_offsets(const N* offsets, uint64_t count, int64_t base, int64_t* out) {
    const auto wrap_base = static_cast<uint64_t>(base);
    for (uint64_t row = 0; row < count; ++row)
        out[row] = static_cast<int64_t>(wrap_base + static_cast<uint64_t>(offsets[row]));
}

}  // namespace segmint::data
