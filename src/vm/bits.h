#pragma once
// Bit helpers of the interpreter. Booleans and validity travel through a batch as bits, 64 rows per word, so
// `and`, `or`, `not` and selections are a few word operations per batch, and validity is read in place from columns.
#include <cstdint>
#include <cstring>

#include "vm/batch.h"
#include "vm/instruction_set.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

inline constexpr uint32_t kBatchWords = (kBatchSize + 63) / 64;

// Words holding `count` rows.
inline uint32_t words_for(uint32_t count) { return (count + 63) / 64; }

inline bool test_bit(const uint64_t* words, uint32_t i) { return (words[i >> 6] >> (i & 63)) & 1; }

inline void put_bit(uint64_t* words, uint32_t i, bool value) { words[i >> 6] |= uint64_t{value} << (i & 63); }

// Three-valued logic on 64 rows at once. A truth value travels as two bits: `valid` (0 = NULL) and `value` (TRUE where
// valid). These are scalar::kAndLogic, kOrLogic and kNotLogic (src/scalar/scalar.h, the reference evaluator's tables)
// in bit form; tests/unit/vm_bits_test.cpp checks every input against the tables. Value bits of NULL inputs may be
// anything: each formula masks them with validity.
struct TruthWord {
    uint64_t value;
    uint64_t valid;
};
// and: FALSE where either side is a known FALSE, else NULL where either is NULL, else TRUE.
inline TruthWord and_word(uint64_t a_value, uint64_t a_valid, uint64_t b_value, uint64_t b_valid) {
    const uint64_t a_true = a_valid & a_value, a_false = a_valid & ~a_value;
    const uint64_t b_true = b_valid & b_value, b_false = b_valid & ~b_value;
    return {a_true & b_true, (a_valid & b_valid) | a_false | b_false};
}
// or: TRUE where either side is a known TRUE, else NULL where either is NULL, else FALSE.
inline TruthWord or_word(uint64_t a_value, uint64_t a_valid, uint64_t b_value, uint64_t b_valid) {
    const uint64_t a_true = a_valid & a_value, b_true = b_valid & b_value;
    return {a_true | b_true, (a_valid & b_valid) | a_true | b_true};
}
// not: NULL stays NULL (with whatever value bits).
inline TruthWord not_word(uint64_t a_value, uint64_t a_valid) { return {~a_value, a_valid}; }

// Bit `Bit` of each byte → bits (row i = bit i of word i / 64); pack_bytes is the common case of bytes that are 0 or
// 1. Eight rows per multiply: the constant moves byte k's low bit to bit 56 + k, and no two partial products meet, so
// nothing carries.
template <unsigned Bit>
inline void pack_byte_bits(const uint8_t* bytes, uint32_t count, uint64_t* words) {
    static_assert(Bit < 8, "a byte has eight bits");
    uint32_t g = 0;
#if defined(__SSE2__)
    // Whole words 16 rows at a time: move the bit to each byte's top bit, then one movemask (x86-64 baseline).
    for (; (g + 8) * 8 <= count; g += 8) {
        uint64_t word = 0;
        for (uint32_t k = 0; k < 4; ++k) {
            const __m128i sixteen = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 8 * g + 16 * k));
            const uint64_t mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_slli_epi16(sixteen, 7 - Bit)));
            word |= mask << (16 * k);
        }
        words[g / 8] = word;
    }
#endif
    constexpr uint64_t kLowBits = 0x0101010101010101ULL;
    const uint32_t full = count / 8;
    for (; g < full; ++g) {
        uint64_t eight;
        std::memcpy(&eight, bytes + 8 * g, 8);
        const uint64_t packed = (((eight >> Bit) & kLowBits) * 0x0102040810204080ULL) >> 56;
        if (g % 8 == 0) words[g / 8] = 0;
        words[g / 8] |= packed << (8 * (g % 8));
    }
    for (uint32_t i = full * 8; i < count; ++i) {
        if (i % 64 == 0) words[i / 64] = 0;
        const uint64_t bit = (bytes[i] >> Bit) & 1;
        words[i / 64] = (words[i / 64] & ~(uint64_t{1} << (i % 64))) | (bit << (i % 64));
    }
}

inline void pack_bytes(const uint8_t* bytes, uint32_t count, uint64_t* words) {
    pack_byte_bits<0>(bytes, count, words);
}

// Comparison masks of a 16-byte GCC vector (each lane all ones or all zeros) as bits, lane i at bit i.
template <typename Masks>
inline uint64_t lane_bits(Masks masks) {
    constexpr int kLanes = sizeof(Masks) / sizeof(masks[0]);
#if defined(__SSE2__)
    const __m128i m = reinterpret_cast<__m128i>(masks);
    if constexpr (kLanes == 16) return static_cast<uint32_t>(_mm_movemask_epi8(m));
    if constexpr (kLanes == 8) return static_cast<uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(m, m))) & 0xFF;
    if constexpr (kLanes == 4) return static_cast<uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(m)));
    if constexpr (kLanes == 2) return static_cast<uint32_t>(_mm_movemask_pd(_mm_castsi128_pd(m)));
#endif
    uint64_t bits = 0;
    for (int lane = 0; lane < kLanes; ++lane) bits |= (static_cast<uint64_t>(masks[lane]) & 1) << lane;
    return bits;
}

// Bits of rows [0, count): `block(w)` gives whole word w (rows 64w to 64w + 63, which it may read as vectors),
// `row(i)` each row of a partial last word, whose bits past `count` stay 0.
template <typename Block, typename Row>
inline void rows_to_bits(uint32_t count, uint64_t* bits, Block block, Row row) {
    const uint32_t whole = count / 64;
    for (uint32_t w = 0; w < whole; ++w) bits[w] = block(w);
    if (count % 64 != 0) {
        uint64_t word = 0;
        for (uint32_t i = 64 * whole; i < count; ++i) word |= uint64_t{row(i)} << (i % 64);
        bits[whole] = word;
    }
}

// Bits [base, base + count) of a bitmap of `total_words` words, starting at bit 0 of `out`.
inline void extract_bits(const uint64_t* words, uint64_t total_words, uint64_t base, uint32_t count, uint64_t* out) {
    const uint32_t shift = static_cast<uint32_t>(base & 63);
    const uint64_t first = base >> 6;
    for (uint32_t w = 0; w < words_for(count); ++w) {
        const uint64_t index = first + w;
        uint64_t word = words[index] >> shift;
        if (shift != 0 && index + 1 < total_words) word |= words[index + 1] << (64 - shift);
        out[w] = word;
    }
}

// Rows [0, count) as set bits.
inline void fill_first(uint64_t* words, uint32_t count) {
    for (uint32_t w = 0; w < words_for(count); ++w) {
        const uint32_t rows = count - w * 64;
        words[w] = rows >= 64 ? ~uint64_t{0} : (uint64_t{1} << rows) - 1;
    }
}

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
