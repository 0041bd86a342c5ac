#pragma once
// Opening a snapshot (snapshot/format.h) as a loaded table, its event tables attached: every command's --data.
// Everything is checked before it is used: the Arrow framing and every flatbuffer, the format version, the schema
// (the project's must be the one the snapshot was imported with), the checksum of every byte before the footer, and
// every buffer's size, offsets and dictionary codes; a snapshot that fails any check is an error, never a crash or a
// silent misread. (A file another program rewrites in place while its table is used can change values under it;
// docs/snapshots.md.)
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "data/table.h"
#include "schema/schema.h"

namespace segmint::snapshot {

// Whether the regular file `path` opens with an Arrow file's magic bytes: such --data is read as a snapshot. False
// for anything else (a missing file, a FIFO, which cannot be peeked at without losing bytes: the CSV loader reports
// those).
bool is_snapshot_file(const std::string& path);
// The same for bytes in memory (standard input).
bool is_snapshot(std::string_view bytes);

struct ReadOptions {
    unsigned threads = 1;  // checksum and columns on this many threads (0 = one per core)
    // Tests and the fuzz target turn it off to reach the checks behind it with corrupted bytes.
    bool verify_checksum = true;
    // read_snapshot_file: the table's columns view the mapped file, which stays mapped as long as any of them lives
    // (opening copies nothing); false copies them out and unmaps the file at once.
    bool in_place = true;
    // read_snapshot: the owner of `bytes`; when set, the columns view `bytes` and keep it alive instead of copying.
    std::shared_ptr<const void> bytes_owner;
};

// Reads the snapshot in `bytes` (`name` for messages) as a table of `schema`; nullopt with a one-line reason (that
// names `name`) in *error.
std::optional<data::Table> read_snapshot(std::string_view bytes, const std::string& name, const schema::Schema& schema,
                                         std::string* error, const ReadOptions& options = {});
// The same from a file, mapped into memory (see ReadOptions::in_place). A file cut short by another program while
// it is mapped ends the process with a message and exit code 2 (SIGBUS), also after this returns.
std::optional<data::Table> read_snapshot_file(const std::string& path, const schema::Schema& schema, std::string* error,
                                              const ReadOptions& options = {});

// `size` bytes of the open file `fd` mapped read-only and read in (MAP_FAILED with errno on failure), in huge pages
// where the kernel can: pages it reads in from disk (a first open after `segmint import`, which writes around the page
// cache, or parts of the file the kernel evicted since) become 2 MiB folios in the page cache, which every later
// open maps with a page table entry each instead of 512 (docs/performance.md, "Huge folios in the page cache").
// The pages are mapped by `threads` threads (0 = one per core), a piece at a time.
void* map_file_for_reading(int fd, size_t size, unsigned threads = 1);

}  // namespace segmint::snapshot
