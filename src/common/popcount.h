#pragma once
// Word-wise popcounts, the kernel every count of set bits goes through (a bitmap's count, the overlap and constraint
// figures). Built once for the baseline ISA and once with POPCNT (common/popcount.cpp), so the default build stays
// portable while popcounts use the instruction where the CPU has it.
#include <cstdint>

namespace segmint {

// Popcount of words[0, count).
uint64_t popcount_words(const uint64_t* words, uint64_t count);
// Popcount of (a[i] & b[i]) over [0, count).
uint64_t and_popcount_words(const uint64_t* a, const uint64_t* b, uint64_t count);
// Popcount of (a[i] & b[i] & c[i]) over [0, count).
uint64_t and_popcount_words(const uint64_t* a, const uint64_t* b, const uint64_t* c, uint64_t count);

}  // namespace segmint
