#include "snapshot/checksum.h"

#include <algorithm>
#include <cstring>

#include "common/parallel.h"

namespace segmint::snapshot {
namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;

uint64_t rotate_left(uint64_t x, int bits) { return (x << bits) | (x >> (64 - bits)); }
uint64_t load64(const unsigned char* p) {
    uint64_t value;
    std::memcpy(&value, p, 8);
    return value;
}
uint64_t round(uint64_t lane, uint64_t word) { return rotate_left(lane + word * kPrime2, 31) * kPrime1; }
uint64_t avalanche(uint64_t h) {
    h ^= h >> 33;
    h *= kPrime2;
    h ^= h >> 29;
    h *= kPrime3;
    return h ^ (h >> 32);
}

}  // namespace

ChunkHasher::ChunkHasher() : lanes_{kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1} {}

void ChunkHasher::add(const unsigned char* bytes, size_t size) {
    if (size == 0) return;  // bytes may be null then, which memcpy must not get
    size_ += size;
    if (carried_ > 0) {
        const size_t take = std::min(size, 32 - carried_);
        std::memcpy(carry_ + carried_, bytes, take);
        carried_ += take;
        bytes += take;
        size -= take;
        if (carried_ < 32) return;
        for (int i = 0; i < 4; ++i) lanes_[i] = round(lanes_[i], load64(carry_ + 8 * i));
        carried_ = 0;
    }
    uint64_t a = lanes_[0], b = lanes_[1], c = lanes_[2], d = lanes_[3];
    for (; size >= 32; bytes += 32, size -= 32) {
        a = round(a, load64(bytes));
        b = round(b, load64(bytes + 8));
        c = round(c, load64(bytes + 16));
        d = round(d, load64(bytes + 24));
    }
    lanes_[0] = a, lanes_[1] = b, lanes_[2] = c, lanes_[3] = d;
    std::memcpy(carry_, bytes, size);
    carried_ = size;
}

uint64_t ChunkHasher::finish() const {
    uint64_t h =
        rotate_left(lanes_[0], 1) + rotate_left(lanes_[1], 7) + rotate_left(lanes_[2], 12) + rotate_left(lanes_[3], 18);
    for (uint64_t lane : lanes_) h = (h ^ round(0, lane)) * kPrime1 + kPrime3;
    h += size_;
    size_t i = 0;
    for (; i + 8 <= carried_; i += 8) h = rotate_left(h ^ round(0, load64(carry_ + i)), 27) * kPrime1 + kPrime3;
    for (; i < carried_; ++i) h = rotate_left(h ^ (carry_[i] * kPrime3), 11) * kPrime1;
    return avalanche(h);
}

uint64_t chunk_hash(const unsigned char* bytes, size_t size) {
    ChunkHasher hasher;
    hasher.add(bytes, size);
    return hasher.finish();
}

uint64_t combine_chunk_hashes(const std::vector<uint64_t>& chunks) {
    return chunk_hash(reinterpret_cast<const unsigned char*>(chunks.data()), chunks.size() * sizeof(uint64_t));
}

void StreamingChecksum::add(const void* data, size_t size) {
    auto bytes = static_cast<const unsigned char*>(data);
    while (size > 0) {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(size, kChunkBytes - chunk_.size()));
        chunk_.add(bytes, take);
        bytes += take;
        size -= take;
        if (chunk_.size() == kChunkBytes) {
            chunks_.push_back(chunk_.finish());
            chunk_ = ChunkHasher();
        }
    }
}

uint64_t StreamingChecksum::finish() {
    if (chunk_.size() > 0 || chunks_.empty()) chunks_.push_back(chunk_.finish());
    return combine_chunk_hashes(chunks_);
}

uint64_t checksum_visiting(const unsigned char* bytes, uint64_t size, unsigned threads, bool hash,
                           const Visitor& visit) {
    const uint64_t count = std::max<uint64_t>(1, (size + kChunkBytes - 1) / kChunkBytes);
    std::vector<uint64_t> chunks(count);
    parallel_for(count, threads, [&](uint64_t index, unsigned worker) {
        const uint64_t begin = index * kChunkBytes, end = std::min(size, begin + kChunkBytes);
        ChunkHasher hasher;
        for (uint64_t piece = begin; piece < end; piece += kVisitBytes) {
            const uint64_t piece_end = std::min(end, piece + kVisitBytes);
            if (hash) hasher.add(bytes + piece, static_cast<size_t>(piece_end - piece));
            if (visit) visit(bytes + piece, bytes + piece_end, worker);
        }
        chunks[index] = hasher.finish();
    });
    return hash ? combine_chunk_hashes(chunks) : 0;
}

uint64_t checksum(const unsigned char* bytes, uint64_t size, unsigned threads) {
    return checksum_visiting(bytes, size, threads, true, nullptr);
}

}  // namespace segmint::snapshot
