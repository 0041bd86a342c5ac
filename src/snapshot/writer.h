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
// `format_version` is kFormatVersion but in tests, which write other versions to see them refused.
bool write_snapshot(const data::Table& table, const ByteSink& sink, uint64_t* bytes_written = nullptr,
                    int format_version = kFormatVersion);

// Writes it to `path` atomically (common/atomic_file.h: complete or not there, also on Ctrl-C); refuses to replace any
// of `inputs`. False with a one-line reason in *error.
bool write_snapshot_file(const data::Table& table, const std::string& path, std::string* error,
                         const std::vector<std::string>& inputs = {}, uint64_t* bytes_written = nullptr);

// The snapshot as bytes in memory (tests and the fuzz target).
std::string snapshot_bytes(const data::Table& table, int format_version = kFormatVersion);

}  // namespace segmint::snapshot
