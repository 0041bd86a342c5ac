#pragma once
// The one batch size of the interpreter: a power of two. CI also builds with a tiny size (-DSEGMINT_BATCH_SIZE=4)
// so every loop meets partial batches and batch edges.
#include <cstdint>

#ifndef SEGMINT_BATCH_SIZE
#define SEGMINT_BATCH_SIZE 1024
#endif

namespace segmint::vm {

inline constexpr uint32_t kBatchSize = SEGMINT_BATCH_SIZE;
static_assert(kBatchSize >= 1 && (kBatchSize & (kBatchSize - 1)) == 0, "SEGMINT_BATCH_SIZE must be a power of two");

}  // namespace segmint::vm
