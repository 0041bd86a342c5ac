#pragma once
// Writing a loaded table, with its event tables, as a snapshot (snapshot/format.h): `segmint import`.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "data/table.h"
#include "snapshot/file_output.h"
#include "snapshot/format.h"

namespace segmint::snapshot {

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

// What write_snapshot_file hands its file: the snapshot of `table` (write_snapshot) through a BlockWriter of `block`
// bytes into `file`; false when `file` refused bytes.
bool write_snapshot_in_blocks(const data::Table& table, const ByteSink& file, uint64_t* bytes_written = nullptr,
                              unsigned threads = 0, size_t block = BlockWriter::kBlock);

// The snapshot as bytes in memory (tests and the fuzz target).
std::string snapshot_bytes(const data::Table& table, int format_version = kFormatVersion);

}  // namespace segmint::snapshot
