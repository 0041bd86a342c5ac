// Scans over a column's values shared by the loaders (narrowing an Int column) and the optimizer (statistics).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "data/bitmap.h"

namespace segmint::data {

// The least and greatest of the first `rows` values whose validity bit is set, or false when there is none. Tables
// of millions of rows pass through here before each evaluation, so the common case is fast: 64 rows at a time, a
// validity word with every bit set read in a loop the compiler vectorizes, others with their NULL rows filled in. For
// floating-point T, `nan_out` (when given) tells whether a present value is NaN, which the least and greatest leave
// out (a NaN compares false, so the running extreme stays). `null_value_out` (when given) tells whether the slot of a
// row whose bit is clear holds anything but zero bits. The snapshot reader checks a column's values and finds its
// statistics in this one pass.
// `words`: the validity bits of those rows, 64 to a word, least significant first; the last word is read whole.
template <typename T>
bool present_range(const uint64_t* words, const T* values, uint64_t rows, T* low_out, T* high_out,
                   bool* nan_out = nullptr, bool* null_value_out = nullptr) {
    T low = std::numeric_limits<T>::max();
    T high = std::numeric_limits<T>::lowest();
    bool any = false;
    bool nan = false;
    bool null_value = false;
    const auto is_nan = [](T value) {
        if constexpr (std::is_floating_point_v<T>) {
            return value != value;
        } else {
            return false;
        }
    };
    // A whole block of 64 present values: one chain of compares written as selections, which the compiler turns into
    // vector compares for 1-, 2- and 4-byte ints (SSE2 has none for 8-byte ints; doubles stay scalar minsd/maxsd);
    // std::min and std::max in four chains kept every width scalar and slower (docs/performance.md).
    const auto take_block = [&](const T* block) {
        T block_low = low, block_high = high;
        bool block_nan = false;
        for (int i = 0; i < 64; ++i) {
            block_low = block[i] < block_low ? block[i] : block_low;
            block_high = block[i] > block_high ? block[i] : block_high;
            block_nan |= is_nan(block[i]);
        }
        low = block_low;
        high = block_high;
        nan |= block_nan;
        any = true;
    };
    const auto holds_value = [](const T& slot) {
        const T zero{};
        return std::memcmp(&slot, &zero, sizeof(T)) != 0;
    };
    for (uint64_t first = 0; first < rows; first += 64) {
        const uint64_t word = words[first / 64];
        const uint64_t count = std::min<uint64_t>(64, rows - first);
        const T* block = values + first;
        if (count == 64 && word == ~uint64_t{0}) {
            take_block(block);
        } else if (count == 64) {
            // NULLs among 64 rows (a few, mostly): a copy in which each NULL row holds a present row's value, taken
            // as a whole block; only the NULL rows are visited. Branching on every row's bit cost 2-3x more.
            T filled[64];
            std::memcpy(filled, block, sizeof filled);
            const T stand_in = word != 0 ? block[__builtin_ctzll(word)] : T{};
            for (uint64_t nulls = ~word; nulls != 0; nulls &= nulls - 1) {
                const int row = __builtin_ctzll(nulls);
                null_value |= holds_value(block[row]);
                filled[row] = stand_in;
            }
            if (word != 0) take_block(filled);
        } else {
            for (uint64_t i = 0; i < count; ++i) {  // the last rows
                if ((word >> i) & 1) {
                    low = std::min(low, block[i]);
                    high = std::max(high, block[i]);
                    nan |= is_nan(block[i]);
                    any = true;
                } else {
                    null_value |= holds_value(block[i]);
                }
            }
        }
    }
    *low_out = low;
    *high_out = high;
    if (nan_out) *nan_out = nan;
    if (null_value_out) *null_value_out = null_value;
    return any;
}

template <typename T>
bool present_range(const Bitmap& validity, const T* values, uint64_t rows, T* low_out, T* high_out,
                   bool* nan_out = nullptr, bool* null_value_out = nullptr) {
    return present_range(validity.words(), values, rows, low_out, high_out, nan_out, null_value_out);
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
