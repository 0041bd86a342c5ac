#include "common/popcount.h"

namespace segmint {

// The loader picks the clone the CPU supports: the instruction is several times faster than the bit-trick fallback
// libgcc's __popcountdi2 runs. Not under ThreadSanitizer: the clones' ifunc resolver runs during relocation, before
// the TSan runtime is up, and its instrumented entry crashes the program at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define SEGMINT_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define SEGMINT_POPCNT_CLONES
#endif

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

SEGMINT_POPCNT_CLONES uint64_t and_popcount_words(const uint64_t* a, const uint64_t* b, const uint64_t* c,
                                                  uint64_t count) {
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; ++i) total += static_cast<uint64_t>(__builtin_popcountll(a[i] & b[i] & c[i]));
    return total;
}

}  // namespace segmint
