#include "snapshot/checksum.h"

#include <algorithm>
#include <cstring>

#include "common/parallel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SEGMINT_STRIPES_X86 1
#else
#define SEGMINT_STRIPES_X86 0
#endif

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

// ChunkHash::Stripes: 64-byte stripes, 16 to a block.
constexpr size_t kStripeBytes = 64;
constexpr unsigned kBlockStripes = 16;
constexpr size_t kBlockBytes = kStripeBytes * kBlockStripes;
constexpr uint64_t kScramblePrime = 0x9E3779B1;  // 32 bits: a multiply SSE2 does as two 32-bit ones
// The key words, made by splitmix64 from a fixed seed: stripe s of a block keys lane i with word s + i (0 to 22);
// words 24 to 31 scramble the lanes, 32 to 39 start them, 40 to 47 key them when they are merged.
struct Secret {
    uint64_t words[48];
};
constexpr Secret make_secret() {
    Secret secret{};
    uint64_t state = 0x5345474D494E5434;  // "SEGMINT4"
    for (uint64_t& word : secret.words) {
        state += 0x9E3779B97F4A7C15;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        word = z ^ (z >> 31);
    }
    return secret;
}
alignas(64) constexpr Secret kSecret = make_secret();
constexpr const uint64_t* kScrambleKeys = kSecret.words + 24;
constexpr const uint64_t* kStartKeys = kSecret.words + 32;
constexpr const uint64_t* kMergeKeys = kSecret.words + 40;

// One stripe into the lanes: lane i gets the product of the halves of (word i XOR key i), and word i^1 itself.
void add_stripe(uint64_t* lanes, const unsigned char* stripe, const uint64_t* keys) {
    for (int i = 0; i < 8; ++i) {
        const uint64_t word = load64(stripe + 8 * i), keyed = word ^ keys[i];
        lanes[i ^ 1] += word;
        lanes[i] += (keyed & 0xFFFFFFFF) * (keyed >> 32);
    }
}
void scramble(uint64_t* lanes) {
    for (int i = 0; i < 8; ++i) {
        const uint64_t lane = lanes[i] ^ (lanes[i] >> 47) ^ kScrambleKeys[i];
        lanes[i] = lane * kScramblePrime;
    }
}

// Whole blocks, three ways to the same lanes.
void add_blocks_scalar(uint64_t* lanes, const unsigned char* bytes, size_t blocks) {
    for (size_t b = 0; b < blocks; ++b, bytes += kBlockBytes) {
        for (unsigned s = 0; s < kBlockStripes; ++s) add_stripe(lanes, bytes + s * kStripeBytes, kSecret.words + s);
        scramble(lanes);
    }
}

#if SEGMINT_STRIPES_X86
// Two lanes to a register: the word of lane i^1 is the register's other half (pshufd swaps the halves).
void add_blocks_sse2(uint64_t* lane_words, const unsigned char* bytes, size_t blocks) {
    __m128i lanes[4];
    for (int i = 0; i < 4; ++i) lanes[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lane_words + 2 * i));
    const __m128i prime = _mm_set1_epi64x(kScramblePrime);
    for (size_t b = 0; b < blocks; ++b, bytes += kBlockBytes) {
        for (unsigned s = 0; s < kBlockStripes; ++s) {
            for (int i = 0; i < 4; ++i) {
                const __m128i word =
                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + s * kStripeBytes + 16 * i));
                const __m128i key = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSecret.words + s + 2 * i));
                const __m128i keyed = _mm_xor_si128(word, key);
                const __m128i product = _mm_mul_epu32(keyed, _mm_srli_epi64(keyed, 32));
                const __m128i swapped = _mm_shuffle_epi32(word, _MM_SHUFFLE(1, 0, 3, 2));
                lanes[i] = _mm_add_epi64(lanes[i], _mm_add_epi64(product, swapped));
            }
        }
        for (int i = 0; i < 4; ++i) {
            __m128i lane = _mm_xor_si128(lanes[i], _mm_srli_epi64(lanes[i], 47));
            lane = _mm_xor_si128(lane, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kScrambleKeys + 2 * i)));
            const __m128i low = _mm_mul_epu32(lane, prime), high = _mm_mul_epu32(_mm_srli_epi64(lane, 32), prime);
            lanes[i] = _mm_add_epi64(low, _mm_slli_epi64(high, 32));
        }
    }
    for (int i = 0; i < 4; ++i) _mm_storeu_si128(reinterpret_cast<__m128i*>(lane_words + 2 * i), lanes[i]);
}
#endif

}  // namespace

#if SEGMINT_STRIPES_X86
// Four lanes to a register; compiled for AVX2 alone, and called only where the CPU has it (best_stripe_code), which
// tests/architecture/check_instruction_sets.py holds the program to: nothing but ChunkHasher::add_stripes calls it.
namespace avx2 {
__attribute__((target("avx2"))) void add_blocks(uint64_t* lane_words, const unsigned char* bytes, size_t blocks) {
    __m256i lanes[2];
    for (int i = 0; i < 2; ++i) lanes[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lane_words + 4 * i));
    const __m256i prime = _mm256_set1_epi64x(kScramblePrime);
    for (size_t b = 0; b < blocks; ++b, bytes += kBlockBytes) {
        for (unsigned s = 0; s < kBlockStripes; ++s) {
            for (int i = 0; i < 2; ++i) {
                const __m256i word =
                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + s * kStripeBytes + 32 * i));
                const __m256i key = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kSecret.words + s + 4 * i));
                const __m256i keyed = _mm256_xor_si256(word, key);
                const __m256i product = _mm256_mul_epu32(keyed, _mm256_srli_epi64(keyed, 32));
                const __m256i swapped = _mm256_shuffle_epi32(word, _MM_SHUFFLE(1, 0, 3, 2));
                lanes[i] = _mm256_add_epi64(lanes[i], _mm256_add_epi64(product, swapped));
            }
        }
        for (int i = 0; i < 2; ++i) {
            __m256i lane = _mm256_xor_si256(lanes[i], _mm256_srli_epi64(lanes[i], 47));
            lane = _mm256_xor_si256(lane, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kScrambleKeys + 4 * i)));
            const __m256i low = _mm256_mul_epu32(lane, prime),
                          high = _mm256_mul_epu32(_mm256_srli_epi64(lane, 32), prime);
            lanes[i] = _mm256_add_epi64(low, _mm256_slli_epi64(high, 32));
        }
    }
    for (int i = 0; i < 2; ++i) _mm256_storeu_si256(reinterpret_cast<__m256i*>(lane_words + 4 * i), lanes[i]);
}
}  // namespace avx2
#endif

ChunkHash chunk_hash_of_version(int format_version) {
    return format_version >= 4 ? ChunkHash::Stripes : ChunkHash::Rounds;
}

StripeCode best_stripe_code() {
#if SEGMINT_STRIPES_X86
    static const StripeCode best = __builtin_cpu_supports("avx2") ? StripeCode::Avx2 : StripeCode::Sse2;
    return best;
#else
    return StripeCode::Scalar;
#endif
}

std::vector<StripeCode> stripe_codes_here() {
    std::vector<StripeCode> codes = {StripeCode::Scalar};
#if SEGMINT_STRIPES_X86
    codes.push_back(StripeCode::Sse2);
    if (best_stripe_code() == StripeCode::Avx2) codes.push_back(StripeCode::Avx2);
#endif
    return codes;
}

ChunkHasher::ChunkHasher(ChunkHash kind, StripeCode code) : kind_(kind), code_(code) {
    if (kind == ChunkHash::Rounds) {
        const uint64_t start[4] = {kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1};
        std::copy(start, start + 4, lanes_);
    } else {
        std::copy(kStartKeys, kStartKeys + 8, lanes_);
    }
}

void ChunkHasher::add(const unsigned char* bytes, size_t size) {
    if (size == 0) return;  // bytes may be null then, which memcpy must not get
    size_ += size;
    if (kind_ == ChunkHash::Rounds) {
        add_rounds(bytes, size);
    } else {
        add_stripes(bytes, size);
    }
}

void ChunkHasher::add_stripes(const unsigned char* bytes, size_t size) {
    const auto one_stripe = [this](const unsigned char* stripe) {
        add_stripe(lanes_, stripe, kSecret.words + stripe_);
        if (++stripe_ == kBlockStripes) {
            scramble(lanes_);
            stripe_ = 0;
        }
    };
    if (carried_ > 0) {
        const size_t take = std::min(size, kStripeBytes - carried_);
        std::memcpy(carry_ + carried_, bytes, take);
        carried_ += take;
        bytes += take;
        size -= take;
        if (carried_ < kStripeBytes) return;
        one_stripe(carry_);
        carried_ = 0;
    }
    for (; stripe_ != 0 && size >= kStripeBytes; bytes += kStripeBytes, size -= kStripeBytes) one_stripe(bytes);
    if (const size_t blocks = size / kBlockBytes; stripe_ == 0 && blocks > 0) {
        switch (code_) {
#if SEGMINT_STRIPES_X86
            case StripeCode::Avx2: avx2::add_blocks(lanes_, bytes, blocks); break;
            case StripeCode::Sse2: add_blocks_sse2(lanes_, bytes, blocks); break;
#endif
            default: add_blocks_scalar(lanes_, bytes, blocks); break;
        }
        bytes += blocks * kBlockBytes;
        size -= blocks * kBlockBytes;
    }
    for (; size >= kStripeBytes; bytes += kStripeBytes, size -= kStripeBytes) one_stripe(bytes);
    std::memcpy(carry_, bytes, size);
    carried_ = size;
}

uint64_t ChunkHasher::finish_stripes() const {
    uint64_t lanes[8];
    std::copy(lanes_, lanes_ + 8, lanes);
    if (carried_ > 0) {  // the last stripe zero-padded: the size, merged below, tells it from one that had the zeros
        unsigned char last[kStripeBytes] = {};
        std::memcpy(last, carry_, carried_);
        add_stripe(lanes, last, kSecret.words + stripe_);
    }
    uint64_t h = size_ * kPrime1;
    for (int i = 0; i < 8; ++i) h = rotate_left(h ^ round(0, lanes[i] ^ kMergeKeys[i]), 27) * kPrime1 + kPrime3;
    return avalanche(h);
}

void ChunkHasher::add_rounds(const unsigned char* bytes, size_t size) {
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

uint64_t ChunkHasher::finish() const { return kind_ == ChunkHash::Rounds ? finish_rounds() : finish_stripes(); }

uint64_t ChunkHasher::finish_rounds() const {
    uint64_t h =
        rotate_left(lanes_[0], 1) + rotate_left(lanes_[1], 7) + rotate_left(lanes_[2], 12) + rotate_left(lanes_[3], 18);
    for (int i = 0; i < 4; ++i) h = (h ^ round(0, lanes_[i])) * kPrime1 + kPrime3;  // Rounds has four lanes
    h += size_;
    size_t i = 0;
    for (; i + 8 <= carried_; i += 8) h = rotate_left(h ^ round(0, load64(carry_ + i)), 27) * kPrime1 + kPrime3;
    for (; i < carried_; ++i) h = rotate_left(h ^ (carry_[i] * kPrime3), 11) * kPrime1;
    return avalanche(h);
}

uint64_t chunk_hash(const unsigned char* bytes, size_t size, ChunkHash kind) {
    ChunkHasher hasher(kind);
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
            chunk_ = ChunkHasher(chunk_.kind());
        }
    }
}

uint64_t StreamingChecksum::finish() {
    if (chunk_.size() > 0 || chunks_.empty()) chunks_.push_back(chunk_.finish());
    return combine_chunk_hashes(chunks_);
}

uint64_t checksum_visiting(const unsigned char* bytes, uint64_t size, unsigned threads, bool hash, ChunkHash kind,
                           const Visitor& visit) {
    const uint64_t count = std::max<uint64_t>(1, (size + kChunkBytes - 1) / kChunkBytes);
    std::vector<uint64_t> chunks(count);
    parallel_for(count, threads, [&](uint64_t index, unsigned worker) {
        const uint64_t begin = index * kChunkBytes, end = std::min(size, begin + kChunkBytes);
        ChunkHasher hasher(kind);
        for (uint64_t piece = begin; piece < end; piece += kVisitBytes) {
            const uint64_t piece_end = std::min(end, piece + kVisitBytes);
            if (hash) hasher.add(bytes + piece, static_cast<size_t>(piece_end - piece));
            if (visit) visit(bytes + piece, bytes + piece_end, worker);
        }
        chunks[index] = hasher.finish();
    });
    return hash ? combine_chunk_hashes(chunks) : 0;
}

uint64_t checksum(const unsigned char* bytes, uint64_t size, unsigned threads, ChunkHash kind) {
    return checksum_visiting(bytes, size, threads, true, kind, nullptr);
}

}  // namespace segmint::snapshot
