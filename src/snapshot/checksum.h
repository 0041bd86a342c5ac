#pragma once
// The snapshot's checksum: a 64-bit hash of every byte before the footer, so a flipped bit or a torn write is found
// before any column is trusted. The bytes are hashed in chunks of kChunkBytes (each on its own, so a reader checks
// them in parallel) and the chunks' hashes are hashed in turn. How a chunk is hashed depends on the format version
// (ChunkHash); the chunks' hashes, and the footer's metadata (format.h), are hashed as in version 1 in every version.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace segmint::snapshot {

constexpr uint64_t kChunkBytes = uint64_t{16} << 20;

// How a chunk's bytes are hashed.
// - Rounds (format versions 1 to 3): 32 bytes at a time in four 64-bit lanes of multiply and rotate (the round of
//   xxHash64), about 14 GB/s a core; its 64-bit multiplies do not vectorize.
// - Stripes (version 4): XXH3's structure. Each 64-byte stripe of a 1,024-byte block adds, in eight 64-bit lanes,
//   the product of the two 32-bit halves of (word XOR key) to its lane and the word itself to the neighbouring lane;
//   the keys slide by one word from stripe to stripe, so equal stripes at different places count differently; each
//   full block ends by scrambling the lanes (shift, XOR, multiply), so blocks count in order. 32-bit multiplies are
//   what SSE2 and AVX2 do two and four at a time: about 19 GB/s a core with SSE2, 57 with AVX2, from the cache.
enum class ChunkHash { Rounds, Stripes };
ChunkHash chunk_hash_of_version(int format_version);

// The code that hashes stripes (the same hash from each): Scalar on any CPU, Sse2 on any x86-64, Avx2 where the CPU
// has it; best_stripe_code() picks the fastest this CPU runs. Tests compare them (stripe_codes_here()).
enum class StripeCode { Scalar, Sse2, Avx2 };
StripeCode best_stripe_code();
std::vector<StripeCode> stripe_codes_here();

// The hash of bytes fed in pieces of any size; the same as of the bytes fed at once.
class ChunkHasher {
public:
    explicit ChunkHasher(ChunkHash kind = ChunkHash::Rounds, StripeCode code = best_stripe_code());
    void add(const unsigned char* bytes, size_t size);
    uint64_t size() const { return size_; }
    ChunkHash kind() const { return kind_; }
    uint64_t finish() const;

private:
    void add_rounds(const unsigned char* bytes, size_t size);
    void add_stripes(const unsigned char* bytes, size_t size);
    uint64_t finish_rounds() const;
    uint64_t finish_stripes() const;

    ChunkHash kind_;
    StripeCode code_;
    uint64_t lanes_[8];
    uint64_t size_ = 0;
    unsigned char carry_[64];  // bytes of an unfinished stripe (32 bytes for Rounds, 64 for Stripes)
    size_t carried_ = 0;
    unsigned stripe_ = 0;  // Stripes: the next stripe's place in its block
};

uint64_t chunk_hash(const unsigned char* bytes, size_t size, ChunkHash kind = ChunkHash::Rounds);
// The checksum from the chunks' hashes, in file order.
uint64_t combine_chunk_hashes(const std::vector<uint64_t>& chunks);

// The checksum of bytes handed over piece by piece in file order (the writer's sink).
class StreamingChecksum {
public:
    explicit StreamingChecksum(ChunkHash kind) : chunk_(kind) {}
    void add(const void* bytes, size_t size);
    uint64_t finish();

private:
    ChunkHasher chunk_;
    std::vector<uint64_t> chunks_;
};

// The checksum of `size` bytes in memory, its chunks hashed on up to `threads` threads (0 = one per core).
uint64_t checksum(const unsigned char* bytes, uint64_t size, unsigned threads, ChunkHash kind);

// The reader's one pass over a snapshot: bytes [begin, end) just hashed, by `worker` (below the threads asked for).
// The pieces of the file are handed over in order within each chunk, kVisitBytes at a time, so that what checks them
// reads them from the core's cache rather than from memory a second time (a pass over 1.2 GB of memory took as long
// as hashing it, docs/performance.md).
using Visitor = std::function<void(const unsigned char* begin, const unsigned char* end, unsigned worker)>;
constexpr uint64_t kVisitBytes = uint64_t{256} << 10;
// checksum() with visit() called for every piece; without `hash`, only the visits (returns 0).
uint64_t checksum_visiting(const unsigned char* bytes, uint64_t size, unsigned threads, bool hash, ChunkHash kind,
                           const Visitor& visit);

}  // namespace segmint::snapshot
