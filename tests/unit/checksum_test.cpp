// The snapshot's checksum (src/snapshot/checksum.h): each way of hashing a chunk gives the same hash for bytes fed in
// any pieces, every code for the stripes (scalar, SSE2, AVX2) gives the same hash, the hashes are those earlier builds
// wrote into their files, and a changed, moved, added or removed byte changes the hash.
#include "snapshot/checksum.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace segmint {
namespace {

using snapshot::ChunkHash;
using snapshot::ChunkHasher;
using snapshot::StripeCode;

std::vector<unsigned char> random_bytes(size_t size, uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<unsigned char> bytes(size);
    for (auto& byte : bytes) byte = static_cast<unsigned char>(random());
    return bytes;
}

const char* code_name(StripeCode code) {
    return code == StripeCode::Avx2 ? "AVX2" : code == StripeCode::Sse2 ? "SSE2" : "scalar";
}

uint64_t hash_of(const std::vector<unsigned char>& bytes, ChunkHash kind, StripeCode code = StripeCode::Scalar) {
    ChunkHasher hasher(kind, code);
    hasher.add(bytes.data(), bytes.size());
    return hasher.finish();
}

// Sizes around a stripe (32 and 64 bytes) and a block (1,024), and past several blocks.
const std::vector<size_t> kSizes = {0,    1,    7,    8,    31,   32,   33,   63,   64,   65,   127,   128,
                                    1000, 1023, 1024, 1025, 1087, 1088, 2047, 2048, 2049, 5000, 16391, 70000};

}  // namespace

BOOST_AUTO_TEST_SUITE(checksum)

BOOST_AUTO_TEST_CASE(every_code_and_every_way_of_feeding_gives_one_hash) {
    const std::vector<StripeCode> codes = snapshot::stripe_codes_here();
    std::string names;
    for (StripeCode code : codes) names += std::string(" ") + code_name(code);
    BOOST_TEST_MESSAGE("checksum: stripe codes on this CPU:" << names);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // SSE2 on every x86-64, AVX2 exactly where the CPU has it: each vector code is compared with the scalar one, and
    // the one the reader runs is the best here.
    const bool avx2 = __builtin_cpu_supports("avx2");
    BOOST_CHECK(std::count(codes.begin(), codes.end(), StripeCode::Sse2) == 1);
    BOOST_CHECK_EQUAL(std::count(codes.begin(), codes.end(), StripeCode::Avx2), avx2 ? 1 : 0);
    BOOST_CHECK(snapshot::best_stripe_code() == (avx2 ? StripeCode::Avx2 : StripeCode::Sse2));
#endif
    std::mt19937_64 random(7);
    for (size_t size : kSizes) {
        const std::vector<unsigned char> bytes = random_bytes(size, size + 1);
        for (ChunkHash kind : {ChunkHash::Rounds, ChunkHash::Stripes}) {
            const uint64_t whole = hash_of(bytes, kind);
            for (StripeCode code : codes) {
                BOOST_CHECK_MESSAGE(hash_of(bytes, kind, code) == whole, "size " << size << ", " << code_name(code));
                // In pieces of 1 to 1,100 bytes, so that blocks start anywhere in a piece and pieces end mid-stripe.
                for (int split = 0; split < 4; ++split) {
                    ChunkHasher hasher(kind, code);
                    size_t at = 0;
                    while (at < size) {
                        const size_t piece = std::min<size_t>(size - at, 1 + random() % (split == 0 ? 3 : 1100));
                        hasher.add(bytes.data() + at, piece);
                        at += piece;
                    }
                    BOOST_CHECK_MESSAGE(hasher.finish() == whole,
                                        "size " << size << " in pieces, " << code_name(code)
                                                << (kind == ChunkHash::Rounds ? " rounds" : " stripes"));
                }
            }
        }
    }
}

// What files of every version hold: a hash that changed would make every snapshot written before unreadable.
BOOST_AUTO_TEST_CASE(the_hashes_are_those_files_hold) {
    std::vector<unsigned char> bytes(5000);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 131 + i / 7);
    // Rounds' values are those of the code before version 4 (compiled from git and run, 2026-12-07).
    const std::vector<std::pair<ChunkHash, uint64_t>> pinned = {{ChunkHash::Rounds, 0xfbb7294cbd128bb4ULL},
                                                                {ChunkHash::Stripes, 0x6ad4f95f519c90e3ULL}};
    for (const auto& [kind, expected] : pinned) {
        for (StripeCode code : snapshot::stripe_codes_here()) {
            BOOST_CHECK_EQUAL(hash_of(bytes, kind, code), expected);
        }
    }
    // Over more than one chunk (kChunkBytes): the chunks' hashes hashed in turn, on one thread and on three.
    std::vector<unsigned char> large(snapshot::kChunkBytes * 2 + 12345);
    for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<unsigned char>(i ^ (i >> 11));
    BOOST_CHECK_EQUAL(snapshot::checksum(large.data(), large.size(), 1, ChunkHash::Rounds), 0xe03b001775a2100dULL);
    BOOST_CHECK_EQUAL(snapshot::checksum(large.data(), large.size(), 3, ChunkHash::Stripes), 0x5e584acaf6d8ea65ULL);
    snapshot::StreamingChecksum streamed(ChunkHash::Stripes);
    for (size_t at = 0; at < large.size(); at += 777777) {
        streamed.add(large.data() + at, std::min<size_t>(777777, large.size() - at));
    }
    BOOST_CHECK_EQUAL(streamed.finish(), snapshot::checksum(large.data(), large.size(), 1, ChunkHash::Stripes));
}

// The stripes' hash sees a flipped bit anywhere, two stripes or two blocks swapped, and a byte added or cut, also
// zeros (which a zero-padded last stripe would hide without the size).
BOOST_AUTO_TEST_CASE(changed_moved_added_or_cut_bytes_change_the_hash) {
    const std::vector<unsigned char> bytes = random_bytes(4196, 11);
    const uint64_t original = hash_of(bytes, ChunkHash::Stripes);
    size_t same = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        std::vector<unsigned char> flipped = bytes;
        flipped[i] ^= static_cast<unsigned char>(1u << (i % 8));
        same += hash_of(flipped, ChunkHash::Stripes) == original;
    }
    BOOST_CHECK_EQUAL(same, 0u);
    const auto swapped = [&](size_t a, size_t b, size_t length) {
        std::vector<unsigned char> moved = bytes;
        std::swap_ranges(moved.begin() + a, moved.begin() + a + length, moved.begin() + b);
        return hash_of(moved, ChunkHash::Stripes);
    };
    BOOST_CHECK_NE(swapped(2 * 64, 5 * 64, 64), original);     // two stripes of one block
    BOOST_CHECK_NE(swapped(0, 1024, 1024), original);          // two blocks
    BOOST_CHECK_NE(swapped(1024 + 8, 2048 + 8, 8), original);  // a word of a stripe with the same word of another block
    std::vector<unsigned char> longer = bytes, shorter = bytes;
    longer.push_back(0);
    shorter.pop_back();
    BOOST_CHECK_NE(hash_of(longer, ChunkHash::Stripes), original);
    BOOST_CHECK_NE(hash_of(shorter, ChunkHash::Stripes), original);
    for (size_t size : kSizes) {
        BOOST_CHECK_NE(hash_of(std::vector<unsigned char>(size), ChunkHash::Stripes),
                       hash_of(std::vector<unsigned char>(size + 1), ChunkHash::Stripes));
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace segmint
