#pragma once
// The snapshot's checksum: a 64-bit hash of every byte before the footer, so a flipped bit or a torn write is found
// before any column is trusted. The bytes are hashed in chunks of kChunkBytes (each on its own, so a reader checks
// them in parallel) and the chunks' hashes are hashed in turn. A chunk is read 32 bytes at a time in four 64-bit
// lanes of multiply and rotate (the round of xxHash64): several GB/s per core.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace segmint::snapshot {

constexpr uint64_t kChunkBytes = uint64_t{16} << 20;

// The hash of bytes fed in pieces of any size; the same as of the bytes fed at once.
class ChunkHasher {
public:
    ChunkHasher();
    void add(const unsigned char* bytes, size_t size);
    uint64_t size() const { return size_; }
    uint64_t finish() const;

private:
    uint64_t lanes_[4];
    uint64_t size_ = 0;
    unsigned char carry_[32];  // bytes of an unfinished 32-byte stripe
    size_t carried_ = 0;
};

uint64_t chunk_hash(const unsigned char* bytes, size_t size);
// The checksum from the chunks' hashes, in file order.
uint64_t combine_chunk_hashes(const std::vector<uint64_t>& chunks);

// The checksum of bytes handed over piece by piece in file order (the writer's sink).
class StreamingChecksum {
public:
    void add(const void* bytes, size_t size);
    uint64_t finish();

private:
    ChunkHasher chunk_;
    std::vector<uint64_t> chunks_;
};

// The checksum of `size` bytes in memory, its chunks hashed on up to `threads` threads (0 = one per core).
uint64_t checksum(const unsigned char* bytes, uint64_t size, unsigned threads);

// The reader's one pass over a snapshot: bytes [begin, end) just hashed, by `worker` (below the threads asked for).
// The pieces of the file are handed over in order within each chunk, kVisitBytes at a time, so that what checks them
// reads them from the core's cache rather than from memory a second time (a pass over 1.2 GB of memory took as long
// as hashing it, docs/performance.md).
using Visitor = std::function<void(const unsigned char* begin, const unsigned char* end, unsigned worker)>;
constexpr uint64_t kVisitBytes = uint64_t{256} << 10;
// checksum() with visit() called for every piece; without `hash`, only the visits (returns 0).
uint64_t checksum_visiting(const unsigned char* bytes, uint64_t size, unsigned threads, bool hash,
                           const Visitor& visit);

}  // namespace segmint::snapshot
