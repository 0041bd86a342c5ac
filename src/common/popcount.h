#pragma once
// SEGMINT_POPCNT_CLONES on a function that counts bits: it is built once for the baseline ISA and once with POPCNT,
// and the loader picks the one the CPU supports, so the default build stays portable while popcounts use the
// instruction (several times faster than the bit-trick fallback libgcc's __popcountdi2 runs).
// Not under ThreadSanitizer: the clones' ifunc resolver runs during relocation, before the TSan runtime is up, and
// its instrumented entry crashes the program at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define SEGMINT_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define SEGMINT_POPCNT_CLONES
#endif
