// The interpreter's byte → bit packing (src/vm/bits.h) against a bit-by-bit reference: every count up to a few words,
// both the SSE2 path (whole 64-row words) and the scalar tails, and a bit other than 0 (lookups pack bits 0 and 1);
// its word formulas for and/or/not and its affix tests against their plain definitions.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "scalar/scalar.h"
#include "vm/bits.h"
#include "vm/kernels_text.h"

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

// `starts with` / `ends with` a constant as the interpreter tests it (vm/kernels_text.h AffixTest: word loads) against
// std::string's own comparison: every affix length from 0 to 20 (the word paths end at 16) over every text length
// from 0 to 24, texts equal to the affix at the start, at the end, both, or differing in one byte at each position.
// Each text lies in a heap block of exactly its size, so a load past either end shows under AddressSanitizer.
BOOST_AUTO_TEST_CASE(affix_words_match_string_comparison) {
    std::mt19937_64 random(20261205);
    const auto letter = [&] { return static_cast<char>("ab\xc3\x80"[random() % 4]); };
    size_t compared = 0;
    for (size_t k = 0; k <= 20; ++k) {
        std::string affix;
        for (size_t i = 0; i < k; ++i) affix += letter();
        const AffixTest test(affix);
        for (size_t n = 0; n <= 24; ++n) {
            std::vector<std::string> texts;
            std::string text;
            for (size_t i = 0; i < n; ++i) text += letter();
            texts.push_back(text);
            if (k <= n) {
                texts.push_back(affix + text.substr(k));             // starts with the affix
                texts.push_back(text.substr(0, n - k) + affix);      // ends with it
                for (size_t at = 0; at < k; ++at) {                  // one byte off, at each position
                    std::string off = affix + text.substr(k);
                    off[at] = static_cast<char>(off[at] ^ 0x20);
                    texts.push_back(off);
                    off = text.substr(0, n - k) + affix;
                    off[n - k + at] = static_cast<char>(off[n - k + at] ^ 0x01);
                    texts.push_back(off);
                }
            }
            for (const std::string& t : texts) {
                std::unique_ptr<char[]> block(new char[std::max<size_t>(t.size(), 1)]);
                std::memcpy(block.get(), t.data(), t.size());
                const std::string_view view(block.get(), t.size());
                const bool starts = t.size() >= k && t.compare(0, k, affix) == 0;
                const bool ends = t.size() >= k && t.compare(t.size() - k, k, affix) == 0;
                if (test.starts(view) != starts || test.ends(view) != ends) {
                    BOOST_ERROR("affix of " << k << " bytes, text of " << t.size() << " bytes: starts "
                                            << test.starts(view) << " (expected " << starts << "), ends "
                                            << test.ends(view) << " (expected " << ends << ")");
                    return;
                }
                ++compared;
            }
        }
    }
    BOOST_CHECK_GT(compared, 5000u);
}

BOOST_AUTO_TEST_SUITE_END()
