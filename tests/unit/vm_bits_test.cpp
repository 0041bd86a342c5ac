// The interpreter's byte → bit packing (src/vm/bits.h) against a bit-by-bit reference: every count up to a few words,
// both the SSE2 path (whole 64-row words) and the scalar tails, and a bit other than 0 (lookups pack bits 0 and 1).
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "scalar/scalar.h"
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

namespace {
// A truth value as the tables index it (0 FALSE, 1 TRUE, 2 NULL) from bit `bit` of a value and a validity word.
uint8_t truth_at(uint64_t value, uint64_t valid, unsigned bit) {
    if (!((valid >> bit) & 1)) return 2;
    return static_cast<uint8_t>((value >> bit) & 1);
}
}  // namespace

// The interpreter's and/or/not word formulas are the reference evaluator's three-valued tables (scalar::kAndLogic,
// kOrLogic, kNotLogic): every pair of inputs, each input FALSE, TRUE or NULL with either value bit under NULL (a NULL's
// value bit may be anything), in every bit position at once.
BOOST_AUTO_TEST_CASE(logic_words_are_the_three_valued_tables) {
    // The four bit patterns of one input: FALSE, TRUE, NULL with value 0, NULL with value 1.
    const uint64_t value_bits[4] = {0, 1, 0, 1}, valid_bits[4] = {1, 1, 0, 0};
    // Lay every (a, b) pair out along one word: pair k uses bit k, so one call covers all 16 pairs.
    uint64_t av = 0, an = 0, bv = 0, bn = 0;
    for (unsigned k = 0; k < 16; ++k) {
        av |= value_bits[k / 4] << k;
        an |= valid_bits[k / 4] << k;
        bv |= value_bits[k % 4] << k;
        bn |= valid_bits[k % 4] << k;
    }
    const TruthWord both = and_word(av, an, bv, bn), either = or_word(av, an, bv, bn), negated = not_word(av, an);
    for (unsigned k = 0; k < 16; ++k) {
        const uint8_t a = truth_at(av, an, k), b = truth_at(bv, bn, k);
        BOOST_TEST_CONTEXT("a=" << int(a) << " b=" << int(b) << " (pattern " << k << ")") {
            BOOST_CHECK_EQUAL(int(truth_at(both.value, both.valid, k)), int(segmint::scalar::kAndLogic[a][b]));
            BOOST_CHECK_EQUAL(int(truth_at(either.value, either.valid, k)), int(segmint::scalar::kOrLogic[a][b]));
            BOOST_CHECK_EQUAL(int(truth_at(negated.value, negated.valid, k)), int(segmint::scalar::kNotLogic[a]));
        }
    }
    // Past the 16 pattern bits both inputs are NULL with value bits 0: no TRUE appears there.
    BOOST_CHECK_EQUAL(both.value >> 16, 0u);
    BOOST_CHECK_EQUAL(either.value >> 16, 0u);
}
