// The interpreter's byte → bit packing (src/vm/bits.h) against a bit-by-bit reference: every count up to a few words,
// both the SSE2 path (whole 64-row words) and the scalar tails, and a bit other than 0 (lookups pack bits 0 and 1).
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "vm/bits.h"

using namespace segmint::vm;

namespace {
template <unsigned Bit>
void check_packing(std::mt19937_64& random) {
    for (uint32_t count = 0; count <= 260; ++count) {
        std::vector<uint8_t> bytes(count + 16);
        for (auto& b : bytes) b = static_cast<uint8_t>(random());
        // Words start dirty: packing must overwrite every word it covers, not OR into it.
        std::vector<uint64_t> words(words_for(count) + 1, ~uint64_t{0});
        pack_byte_bits<Bit>(bytes.data(), count, words.data());
        for (uint32_t i = 0; i < count; ++i) {
            if (test_bit(words.data(), i) != (((bytes[i] >> Bit) & 1) != 0)) {
                BOOST_ERROR("bit " << Bit << ", count " << count << ": row " << i << " packed wrong");
                return;
            }
        }
        BOOST_CHECK_EQUAL(words.back(), ~uint64_t{0});  // nothing written past the words of `count` rows
    }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(vm_bits)

BOOST_AUTO_TEST_CASE(packing_matches_bit_by_bit) {
    std::mt19937_64 random(20261127);
    check_packing<0>(random);
    check_packing<1>(random);
    check_packing<7>(random);
}

BOOST_AUTO_TEST_CASE(zero_one_bytes_pack_to_their_values) {
    std::vector<uint8_t> bytes(130);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = (i % 3 == 0) ? 1 : 0;
    std::vector<uint64_t> words(words_for(130));
    pack_bytes(bytes.data(), 130, words.data());
    for (uint32_t i = 0; i < 130; ++i) BOOST_CHECK_EQUAL(test_bit(words.data(), i), i % 3 == 0);
}

BOOST_AUTO_TEST_SUITE_END()
