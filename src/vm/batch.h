#pragma once
// The one batch size of the interpreter: a power of two. CI also builds with a tiny size (-DSEGMINT_BATCH_SIZE=4)
// so every loop meets partial batches and batch edges. 4096 rows: each instruction's dispatch and setup is shared by
// more rows, and a batch's int64 column view (32 KiB) still sits in L2 beside the registers it feeds
// (docs/performance.md has the 1024/4096/8192 measurements).
#include <cstdint>

#ifndef SEGMINT_BATCH_SIZE
#define SEGMINT_BATCH_SIZE 4096
#endif

namespace segmint::vm {

inline constexpr uint32_t kBatchSize = SEGMINT_BATCH_SIZE;
static_assert(kBatchSize >= 1 && (kBatchSize & (kBatchSize - 1)) == 0, "SEGMINT_BATCH_SIZE must be a power of two");

// Rows per unit of parallel evaluation (vm::evaluate): a multiple of the batch and of 64, so no two threads write the
// same word of a result bitmap; small enough that 2 threads share a 1M-row table evenly.
inline constexpr uint64_t kChunkRows = kBatchSize >= 64 * 1024 ? kBatchSize : 64 * 1024;

}  // namespace segmint::vm
