#pragma once
// Writing a loaded table, with its event tables, as a snapshot (snapshot/format.h): `segmint import`.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "data/table.h"
#include "snapshot/format.h"

namespace segmint::snapshot {

// Takes the snapshot's bytes in file order; returns false when they could not be written.
using ByteSink = std::function<bool(const void* bytes, size_t size)>;

// Writes the snapshot of `table` to `sink`; false when the sink refused bytes. *bytes_written gets the file's size.
// `format_version` is kFormatVersion but in tests, which write other versions to see them refused. The columns'
// passes (their ranges, their widths in the file) run on up to `threads` threads (0 = one per core).
bool write_snapshot(const data::Table& table, const ByteSink& sink, uint64_t* bytes_written = nullptr,
                    int format_version = kFormatVersion, unsigned threads = 0);

// Writes it to `path` atomically (common/atomic_file.h: complete or not there, also on Ctrl-C); refuses to replace any
// of `inputs`. False with a one-line reason in *error.
bool write_snapshot_file(const data::Table& table, const std::string& path, std::string* error,
                         const std::vector<std::string>& inputs = {}, uint64_t* bytes_written = nullptr,
                         unsigned threads = 0);

// Hands a sink its bytes in whole blocks at offsets that are multiples of the block (the last block may be shorter):
// Linux keeps a file written so in its page cache as folios of the block's size, which a reader's mapping maps as huge
// pages. A file written in pieces of every size lies mostly in 4 KiB pages, and the first pass over each new mapping
// of it took 0.15-0.45 s more on this machine (docs/performance.md).
class BlockWriter {
public:
    static constexpr size_t kBlock = size_t{2} << 20;  // a huge page
    // At most this many bytes of whole blocks per hand-over (rounded down to whole blocks, at least one): Linux
    // writes at most 2 GiB - 4 KiB per call, and stdio would go on from there, off the blocks' edges.
    static constexpr size_t kMostPerHandOver = size_t{1} << 30;
    explicit BlockWriter(ByteSink sink, size_t block = kBlock, size_t most_per_hand_over = kMostPerHandOver);
    bool write(const void* bytes, size_t size);
    // Hands over what is left; false when the sink refused any bytes. The last call: a write after it would start off
    // a block's edge.
    bool finish();

private:
    ByteSink sink_;
    std::vector<unsigned char> block_;
    size_t most_per_hand_over_;
    size_t used_ = 0;
    bool ok_ = true;
};

// What write_snapshot_file hands its file: the snapshot of `table` (write_snapshot) through a BlockWriter of `block`
// bytes into `file`; false when `file` refused bytes.
bool write_snapshot_in_blocks(const data::Table& table, const ByteSink& file, uint64_t* bytes_written = nullptr,
                              unsigned threads = 0, size_t block = BlockWriter::kBlock);

// The snapshot as bytes in memory (tests and the fuzz target).
std::string snapshot_bytes(const data::Table& table, int format_version = kFormatVersion);

}  // namespace segmint::snapshot
