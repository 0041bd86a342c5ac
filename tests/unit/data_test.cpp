// Bitmaps, dictionaries, columns and tables (src/data), and the atomic output writer (src/common/atomic_file).
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/atomic_file.h"
#include "data/bitmap.h"
#include "data/csv_loader.h"
#include "data/prefault.h"
#include "data/table.h"
#include "test_support.h"

namespace {

using segmint::data::Bitmap;
using segmint::schema::ColumnType;
using segmint::testing::TempDir;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

size_t entries_in(const std::string& directory) {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) ++count;
    return count;
}

// The bits beyond size() in the last word must be zero (the invariant documented in bitmap.h).
bool tail_is_clear(const Bitmap& bitmap) {
    if (bitmap.word_count() == 0) return true;
    return (bitmap.words()[bitmap.word_count() - 1] & ~segmint::data::last_word_mask(bitmap.size())) == 0;
}

segmint::schema::Schema small_schema() {
    segmint::schema::Schema schema;
    auto add = [&](const std::string& name, ColumnType type, std::vector<std::string> values = {}) {
        segmint::testing::add_column(schema, name, type, std::move(values));
    };
    add("id", ColumnType::Int);
    add("tier", ColumnType::Enum, {"bronze", "silver", "gold"});
    add("tags", ColumnType::StringList);
    add("name", ColumnType::String);
    return schema;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data)

// data::Array (data/array.h): a view keeps its memory alive through its handle, copies share it, a moved-from array
// is empty, and a change copies the view first, also when what is added lies in the view itself (under ASan a read
// of the released memory fails the test).
BOOST_AUTO_TEST_CASE(arrays_view_memory_they_keep_alive) {
    using segmint::data::Array;
    auto owner = std::make_shared<std::vector<int64_t>>(std::vector<int64_t>{1, 2, 3});
    const std::weak_ptr<std::vector<int64_t>> watch = owner;
    Array<int64_t> a = Array<int64_t>::view(owner->data(), owner->size(), owner);
    owner.reset();
    BOOST_TEST(a.is_view());
    BOOST_TEST(a.capacity() == 0u);  // owns nothing
    Array<int64_t> b = a;
    a = std::vector<int64_t>{};
    BOOST_TEST(!watch.expired());  // b still views it
    BOOST_TEST((b == std::vector<int64_t>{1, 2, 3}));
    Array<int64_t> c = std::move(b);
    BOOST_TEST((b.empty() && !b.is_view()));  // NOLINT(bugprone-use-after-move): moved-from is empty
    BOOST_TEST(c.is_view());
    c.push_back(c[0]);  // c is the only holder: the value is read before the view is copied
    BOOST_TEST(!c.is_view());
    BOOST_TEST((c == std::vector<int64_t>{1, 2, 3, 1}));
    c = std::vector<int64_t>{7};
    BOOST_TEST(watch.expired());  // the last array that viewed it was assigned anew

    auto again = std::make_shared<std::vector<int64_t>>(std::vector<int64_t>{4, 5, 6});
    Array<int64_t> d = Array<int64_t>::view(again->data(), again->size(), again);
    again.reset();
    d.assign(d.begin() + 1, d.end());  // a range of its own view, read before the view goes
    BOOST_TEST((d == std::vector<int64_t>{5, 6}));
    BOOST_TEST(!d.is_view());
}

// ---- Bitmap ----

BOOST_AUTO_TEST_CASE(bitmap_index_arithmetic_is_64_bit) {
    // BAD_INPUTS 35: row indexes past 2^31 and 2^32 must not wrap (tested on the arithmetic, not on 512 MiB bitmaps).
    using namespace segmint::data;
    BOOST_TEST(word_index(0) == 0u);
    BOOST_TEST(word_index(63) == 0u);
    BOOST_TEST(word_index(64) == 1u);
    BOOST_TEST(word_index(uint64_t{1} << 31) == uint64_t{1} << 25);
    BOOST_TEST(word_index(uint64_t{1} << 32) == uint64_t{1} << 26);
    BOOST_TEST(word_index((uint64_t{1} << 32) + 65) == (uint64_t{1} << 26) + 1);
    BOOST_TEST(bit_mask((uint64_t{1} << 32) + 5) == uint64_t{1} << 5);
    BOOST_TEST(bit_mask(63) == uint64_t{1} << 63);
    BOOST_TEST(words_for_bits(0) == 0u);
    BOOST_TEST(words_for_bits(1) == 1u);
    BOOST_TEST(words_for_bits(64) == 1u);
    BOOST_TEST(words_for_bits(65) == 2u);
    BOOST_TEST(words_for_bits((uint64_t{1} << 31) + 1) == (uint64_t{1} << 25) + 1);
    BOOST_TEST(words_for_bits((uint64_t{1} << 32) + 1) == (uint64_t{1} << 26) + 1);
    BOOST_TEST(words_for_bits(UINT64_MAX) == (UINT64_MAX / 64) + 1);  // no overflow in (bits + 63) / 64
    BOOST_TEST(last_word_mask(64) == ~uint64_t{0});
    BOOST_TEST(last_word_mask(1) == 1u);
    BOOST_TEST(last_word_mask((uint64_t{1} << 32) + 3) == 7u);
}

BOOST_AUTO_TEST_CASE(bitmap_set_get_reset_count) {
    Bitmap bits(130);
    BOOST_TEST(bits.size() == 130u);
    BOOST_TEST(bits.word_count() == 3u);
    BOOST_TEST(bits.count() == 0u);
    BOOST_TEST(bits.none());
    bits.set(0);
    bits.set(63);
    bits.set(64);
    bits.set(129);
    BOOST_TEST(bits.get(0));
    BOOST_TEST(!bits.get(1));
    BOOST_TEST(bits.get(63));
    BOOST_TEST(bits.get(64));
    BOOST_TEST(bits.get(129));
    BOOST_TEST(bits.count() == 4u);
    bits.reset(63);
    bits.set(5, true);
    bits.set(0, false);
    BOOST_TEST(bits.count() == 3u);
    BOOST_TEST(!bits.get(63));
    BOOST_TEST(bits.get(5));
    BOOST_TEST(bits.words()[0] == uint64_t{1} << 5);
    BOOST_TEST(tail_is_clear(bits));
}

BOOST_AUTO_TEST_CASE(bitmap_last_word_invariant) {
    for (uint64_t size : {1u, 63u, 64u, 65u, 127u, 128u, 200u}) {
        Bitmap bits(size, true);
        BOOST_TEST(bits.count() == size);
        BOOST_TEST(bits.all());
        BOOST_TEST(tail_is_clear(bits));

        bits.flip();
        BOOST_TEST(bits.count() == 0u);
        BOOST_TEST(tail_is_clear(bits));
        bits.flip();
        BOOST_TEST(tail_is_clear(bits));

        bits.reset_all();
        bits.set_all();
        BOOST_TEST(bits.count() == size);
        BOOST_TEST(tail_is_clear(bits));

        // Growing with ones fills the old tail; shrinking clears the dropped bits.
        Bitmap grown(size, false);
        grown.resize(size + 70, true);
        BOOST_TEST(grown.count() == 70u);
        BOOST_TEST(!grown.get(size - 1));
        BOOST_TEST(grown.get(size));
        BOOST_TEST(tail_is_clear(grown));
        grown.resize(size + 1);
        BOOST_TEST(grown.count() == 1u);
        BOOST_TEST(tail_is_clear(grown));

        // Vector code that writes whole words restores the invariant with clear_unused_bits().
        Bitmap raw(size);
        for (uint64_t i = 0; i < raw.word_count(); ++i) raw.mutable_words()[i] = ~uint64_t{0};
        raw.clear_unused_bits();
        BOOST_TEST(raw.count() == size);
        BOOST_TEST(tail_is_clear(raw));
    }
}

BOOST_AUTO_TEST_CASE(bitmap_push_back_and_resize) {
    Bitmap bits;
    BOOST_TEST(bits.empty());
    for (int i = 0; i < 200; ++i) bits.push_back(i % 3 == 0);
    BOOST_TEST(bits.size() == 200u);
    BOOST_TEST(bits.count() == 67u);
    BOOST_TEST(bits.get(0));
    BOOST_TEST(!bits.get(1));
    BOOST_TEST(bits.get(198));
    BOOST_TEST(tail_is_clear(bits));
    bits.resize(10);
    BOOST_TEST(bits.count() == 4u);
    BOOST_TEST(bits.word_count() == 1u);
    BOOST_TEST(tail_is_clear(bits));
    bits.resize(0);
    BOOST_TEST(bits.word_count() == 0u);
    BOOST_TEST(bits.count() == 0u);
}

// append() shifts whole words into place: every head size modulo 64 (and empty heads and tails) must give the bits
// pushed one at a time.
BOOST_AUTO_TEST_CASE(bitmap_append_matches_pushing_bit_by_bit) {
    auto pattern = [](uint64_t seed, uint64_t i) { return ((i * 2654435761u + seed * 40503u) >> 7) % 3 == 0; };
    for (uint64_t head_size : {0u, 1u, 5u, 63u, 64u, 65u, 127u, 128u, 130u}) {
        for (uint64_t tail_size : {0u, 1u, 62u, 64u, 65u, 200u}) {
            Bitmap head, tail, expected;
            for (uint64_t i = 0; i < head_size; ++i) {
                head.push_back(pattern(1, i));
                expected.push_back(pattern(1, i));
            }
            for (uint64_t i = 0; i < tail_size; ++i) {
                tail.push_back(pattern(2, i));
                expected.push_back(pattern(2, i));
            }
            head.append(tail);
            BOOST_TEST_CONTEXT("head " << head_size << " bits, tail " << tail_size) {
                BOOST_TEST(head.size() == expected.size());
                BOOST_TEST((head == expected));
                BOOST_TEST(tail_is_clear(head));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(bitmap_and_or_and_not) {
    Bitmap a(100), b(100);
    for (uint64_t i = 0; i < 100; i += 2) a.set(i);  // evens
    for (uint64_t i = 0; i < 100; i += 3) b.set(i);  // multiples of 3

    Bitmap both = a;
    both.and_with(b);
    BOOST_TEST(both.count() == 17u);  // multiples of 6 in [0, 100)
    Bitmap either = a;
    either.or_with(b);
    BOOST_TEST(either.count() == 50u + 34u - 17u);
    Bitmap only_a = a;
    only_a.and_not_with(b);
    BOOST_TEST(only_a.count() == 50u - 17u);
    BOOST_TEST(!only_a.get(6));
    BOOST_TEST(only_a.get(4));
    for (const Bitmap* bits : {&both, &either, &only_a}) BOOST_TEST(tail_is_clear(*bits));

    Bitmap complement = a;
    complement.flip();
    complement.and_not_with(Bitmap(100, true));
    BOOST_TEST(complement.none());

    BOOST_TEST((a == a));
    BOOST_TEST((a != b));
}

// Result bitmaps made together: big ones share one block of huge pages (data::WordBlock), small ones are each on the
// heap. Either way every bitmap's words are its own (writing one changes no other), a copy owns its words, a moved
// bitmap keeps them, and one that grows past its slice moves to the heap with its bits. In the sanitizer build of this
// suite ASan also sees a read of a slice after its block is gone, and (the block poisons what lies outside its slices)
// a write past a bitmap's words.
BOOST_AUTO_TEST_CASE(bitmaps_made_together_keep_their_words_apart) {
    const uint64_t big = uint64_t{1} << 20;  // 128 KiB each: 100 of them make one block
    for (const auto& [count, size] : {std::pair<size_t, uint64_t>{100, big}, {100, big + 1}, {3, 130}, {0, 10}}) {
        std::vector<Bitmap> bitmaps = Bitmap::uninitialized_many(count, size);
        BOOST_REQUIRE_EQUAL(bitmaps.size(), count);
        for (size_t b = 0; b < count; ++b) {
            BOOST_REQUIRE_EQUAL(bitmaps[b].size(), size);
            BOOST_REQUIRE_EQUAL(bitmaps[b].word_count(), segmint::data::words_for_bits(size));
            // Every word written, bitmap b's with b's own pattern.
            for (uint64_t w = 0; w < bitmaps[b].word_count(); ++w) bitmaps[b].mutable_words()[w] = b * 0x9E3779B9 + w;
            bitmaps[b].clear_unused_bits();
        }
        for (size_t b = 0; b < count; ++b) {
            bool intact = true;
            for (uint64_t w = 0; w + 1 < bitmaps[b].word_count(); ++w) intact &= bitmaps[b].words()[w] == b * 0x9E3779B9 + w;
            BOOST_CHECK_MESSAGE(intact, "bitmap " << b << " of " << count << " was overwritten");
        }
        if (count < 2) continue;
        // The big ones really are in a block: it starts on a 2 MiB boundary, the slices follow one another.
        if (size >= big) {
            BOOST_CHECK_EQUAL(reinterpret_cast<uintptr_t>(bitmaps[0].words()) % (uintptr_t{2} << 20), 0u);
            const auto slice_words = static_cast<ptrdiff_t>((bitmaps[0].word_count() + 7) / 8 * 8);
            BOOST_CHECK_EQUAL(bitmaps[1].words() - bitmaps[0].words(), slice_words);
        }
        // Slices lie apart: no bitmap's words start inside another's.
        for (size_t b = 1; b < count; ++b) {
            const uint64_t* previous = bitmaps[b - 1].words();
            const uint64_t* mine = bitmaps[b].words();
            BOOST_CHECK(mine >= previous + bitmaps[b - 1].word_count() || mine + bitmaps[b].word_count() <= previous);
        }
        Bitmap copy = bitmaps[1];
        BOOST_CHECK(copy == bitmaps[1]);
        BOOST_CHECK(copy.words() != bitmaps[1].words());
        const uint64_t* before = bitmaps[0].words();
        Bitmap moved = std::move(bitmaps[0]);
        BOOST_CHECK_EQUAL(moved.words(), before);
        const uint64_t last = bitmaps[2].words()[0];
        bitmaps[2].resize(size + 64 * 1024, true);  // past its slice
        BOOST_CHECK_EQUAL(bitmaps[2].words()[0], last);
        BOOST_CHECK(bitmaps[2].get(size + 100));
        BOOST_CHECK(tail_is_clear(bitmaps[2]));
        // The block stays while any bitmap in it lives: drop the vector, keep one bitmap, read it.
        Bitmap survivor = std::move(bitmaps[count - 1]);
        bitmaps.clear();
        BOOST_CHECK_EQUAL(survivor.words()[0], (count - 1) * 0x9E3779B9);
        BOOST_CHECK_EQUAL(moved.words()[1], uint64_t{1});
    }
}

BOOST_AUTO_TEST_CASE(bitmap_operations_need_equal_sizes) {
    Bitmap a(10), b(11);
    BOOST_CHECK_THROW(a.and_with(b), std::invalid_argument);
    BOOST_CHECK_THROW(a.or_with(b), std::invalid_argument);
    BOOST_CHECK_THROW(a.and_not_with(b), std::invalid_argument);
}

// ---- Dictionary, Column, Table ----

// equal_bytes compares 4 to 16 bytes as two overlapping words: a difference at any position of any length must show.
BOOST_AUTO_TEST_CASE(equal_bytes_sees_a_difference_anywhere) {
    for (size_t n = 0; n <= 40; ++n) {
        std::string a(n, 'x');
        for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
        const std::string same = a;
        BOOST_TEST_CONTEXT(n << " bytes") {
            BOOST_TEST(segmint::data::equal_bytes(a, same));
            BOOST_TEST(!segmint::data::equal_bytes(a, a + "z"));
            BOOST_TEST(!segmint::data::equal_bytes(a + "z", a));
            for (size_t i = 0; i < n; ++i) {
                std::string other = a;
                other[i] = static_cast<char>(other[i] ^ 0x80);
                BOOST_TEST(!segmint::data::equal_bytes(a, other), "byte " << i);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(dictionary_interns_in_first_seen_order) {
    segmint::data::Dictionary dictionary;
    BOOST_TEST(!dictionary.find("a").has_value());
    BOOST_TEST(dictionary.intern("b") == 0);
    BOOST_TEST(dictionary.intern("a") == 1);
    BOOST_TEST(dictionary.intern("b") == 0);
    BOOST_TEST(dictionary.intern("") == 2);
    BOOST_TEST(dictionary.find("a").value() == 1);
    BOOST_TEST(dictionary.find("").value() == 2);
    BOOST_TEST(!dictionary.find("c").has_value());
    BOOST_TEST(dictionary.size() == 3u);
    BOOST_TEST(dictionary.value(1) == "a");
}

BOOST_AUTO_TEST_CASE(dictionary_survives_growth_and_direct_edits) {
    segmint::data::Dictionary dictionary;
    // Long and short strings: short ones live inside std::string and move when the vector grows.
    for (int i = 0; i < 5000; ++i) {
        std::string value = i % 2 ? "v" + std::to_string(i) : std::string(40, 'x') + std::to_string(i);
        BOOST_REQUIRE(dictionary.intern(value) == i);
    }
    for (int i = 0; i < 5000; ++i) {
        std::string value = i % 2 ? "v" + std::to_string(i) : std::string(40, 'x') + std::to_string(i);
        BOOST_REQUIRE(dictionary.find(value).value() == i);
    }
    dictionary.values.push_back("edited");  // bypassing intern: the index is rebuilt on the next lookup
    BOOST_TEST(dictionary.find("edited").value() == 5000);
    BOOST_TEST(dictionary.intern("edited") == 5000);
}

// After loading, a big dictionary gives its index back (most of its memory) and a small one keeps it; lookups and
// interning afterwards rebuild the index and find every value at its code.
BOOST_AUTO_TEST_CASE(dictionary_gives_back_a_big_index_after_loading) {
    using segmint::data::Dictionary;
    const auto value_of = [](size_t i) { return "customer-" + std::to_string(i) + "@example.com"; };
    Dictionary big, small;
    const size_t count = Dictionary::kIndexKeptUpTo + 1;
    for (size_t i = 0; i < count; ++i) BOOST_REQUIRE(big.intern(value_of(i)) == static_cast<int32_t>(i));
    for (size_t i = 0; i < 100; ++i) small.intern(value_of(i));
    const uint64_t big_before = big.byte_size(), small_before = small.byte_size();
    big.trim_excess();
    small.trim_excess();
    // The index (8-byte slots, more than one a value) and the hashes (8 bytes a value): all gone from the big one.
    BOOST_TEST(big.byte_size() + count * (8 + 8) <= big_before);
    BOOST_TEST(big.byte_size() == big.values.byte_size());
    BOOST_TEST(small.byte_size() > small.values.byte_size());  // its index stays
    BOOST_TEST(small.byte_size() < small_before);              // only the per-value hashes went
    for (size_t i = 0; i < count; i += 97) BOOST_REQUIRE(big.find(value_of(i)).value() == static_cast<int32_t>(i));
    BOOST_TEST(!big.find("nobody@example.com"));
    BOOST_TEST(big.intern(value_of(count - 1)) == static_cast<int32_t>(count - 1));
    BOOST_TEST(big.intern("new@example.com") == static_cast<int32_t>(count));
    BOOST_TEST(big.find("new@example.com").value() == static_cast<int32_t>(count));
}

// The index grows to the next power of two of 8-byte slots only once it would be three quarters full: 49,151 values
// fit 65,536 slots, one more takes 131,072 (at most half full, 32,768 values would already have).
BOOST_AUTO_TEST_CASE(dictionary_index_is_at_most_three_quarters_full) {
    using segmint::data::Dictionary;
    const auto value_of = [](size_t i) { return "v" + std::to_string(i); };
    const auto index_bytes = [](Dictionary dictionary) {
        dictionary.trim_excess();  // the per-value hashes go; an index of at most kIndexKeptUpTo values stays
        return dictionary.byte_size() - dictionary.values.byte_size();
    };
    Dictionary dictionary;
    for (size_t i = 0; i < 32768; ++i) dictionary.intern(value_of(i));
    BOOST_TEST(index_bytes(dictionary) == 65536u * 8);
    for (size_t i = 32768; i < 49151; ++i) dictionary.intern(value_of(i));
    BOOST_TEST(index_bytes(dictionary) == 65536u * 8);
    BOOST_TEST(dictionary.intern(value_of(49151)) == 49151);
    BOOST_TEST(index_bytes(dictionary) == 131072u * 8);
    // Reserving sizes it the same way, and every value is found where interning put it.
    Dictionary reserved;
    reserved.reserve(49151);
    BOOST_TEST(index_bytes(reserved) == 65536u * 8);
    reserved.reserve(49152);
    BOOST_TEST(index_bytes(reserved) == 131072u * 8);
    for (size_t i = 0; i <= 49151; ++i) BOOST_REQUIRE(dictionary.find(value_of(i)).value() == static_cast<int32_t>(i));
    BOOST_TEST(!dictionary.find("v49152"));
    // The smallest index: 16 slots hold 11 values, the 12th takes 32.
    Dictionary small;
    for (size_t i = 0; i < 11; ++i) small.intern(value_of(i));
    BOOST_TEST(index_bytes(small) == 16u * 8);
    small.intern(value_of(11));
    BOOST_TEST(index_bytes(small) == 32u * 8);
}

// After loading, arrays give back spare capacity only where it is more than a sixteenth of their size (and 64 values;
// strings: a quarter): a shrink is a copy. The values stay the same. release_index() leaves the strings alone.
BOOST_AUTO_TEST_CASE(columns_give_back_spare_capacity_only_where_it_pays) {
    for (const uint64_t rows : {100u, 5000u}) {
        segmint::data::Table table(small_schema());
        auto& id = table.mutable_column(0);
        auto& tags = table.mutable_column(2);
        auto& name = table.mutable_column(3);
        // Room for twice the rows, or for a few more than they need (the loaders reserve about 2% more).
        const uint64_t room = rows == 100 ? 2 * rows : rows + rows / 50;
        id.reserve(room);
        tags.reserve(room, 2 * room);
        name.reserve(room);
        // 22-25 bytes a value: 27 reserved is under a quarter to spare.
        name.dictionary.reserve(static_cast<size_t>(rows + rows / 50), static_cast<size_t>(rows * 27));
        for (uint64_t row = 0; row < rows; ++row) {
            id.append_int(static_cast<int64_t>(row * 7));
            table.mutable_column(1).append_enum(static_cast<int>(row % 3));
            tags.append_list({"t" + std::to_string(row % 3), "u"});
            name.append_string("customer-" + std::to_string(row) + "@example.com");
        }
        BOOST_REQUIRE(table.finish_rows() == rows);
        const size_t id_capacity = id.i64.capacity(), items_capacity = tags.list_codes.capacity();
        const size_t string_capacity = name.dictionary.values.byte_size();
        const uint64_t words_capacity = id.validity.word_capacity();
        const std::vector<std::string> names_before(name.dictionary.values.begin(), name.dictionary.values.end());
        id.trim_excess();
        tags.trim_excess();
        if (rows == 100) {
            // More than a sixteenth of the size plus 64 values to spare: given back.
            BOOST_TEST(id.i64.capacity() == rows);
            BOOST_TEST(tags.list_codes.capacity() == 2 * rows);
        } else {
            BOOST_TEST(id.i64.capacity() == id_capacity);  // 2% to spare: kept, no copy
            BOOST_TEST(tags.list_codes.capacity() == items_capacity);
            BOOST_TEST(id.validity.word_capacity() == words_capacity);
        }
        for (uint64_t row = 0; row < rows; ++row) {
            BOOST_REQUIRE(id.i64[row] == static_cast<int64_t>(row * 7));
            BOOST_REQUIRE(tags.list_end(row) - tags.list_begin(row) == 2u);
        }
        // release_index(): the strings untouched even with much room to spare (no copy), the per-value hashes gone,
        // each value where it was.
        name.dictionary.values.reserve(static_cast<size_t>(rows), static_cast<size_t>(rows * 100));
        const uint64_t reserved = name.dictionary.values.byte_size();
        const uint64_t dictionary_bytes = name.dictionary.byte_size();
        BOOST_TEST(reserved > string_capacity + rows * 70);
        name.dictionary.release_index();
        BOOST_TEST(name.dictionary.values.byte_size() == reserved);
        BOOST_TEST(name.dictionary.byte_size() + rows * 8 <= dictionary_bytes);
        BOOST_CHECK(name.dictionary.values == names_before);
        for (uint64_t row = 0; row < rows; row += 37) {
            const std::string value = "customer-" + std::to_string(row) + "@example.com";
            BOOST_REQUIRE(name.dictionary.find(value).value() == static_cast<int32_t>(row));
        }
        // trim_excess() gives that room back; room under a quarter of the strings it keeps.
        name.trim_excess();
        BOOST_TEST(name.dictionary.values.byte_size() <= string_capacity);
        BOOST_CHECK(name.dictionary.values == names_before);
        const uint64_t bytes = name.dictionary.values.string_bytes();
        name.dictionary.values.reserve(static_cast<size_t>(rows), static_cast<size_t>(bytes + bytes / 5));
        const uint64_t kept = name.dictionary.values.byte_size();
        BOOST_TEST(kept > name.dictionary.values.used_bytes());
        name.trim_excess();
        BOOST_TEST(name.dictionary.values.byte_size() == kept);
        BOOST_CHECK(name.dictionary.values == names_before);
    }
}

BOOST_AUTO_TEST_CASE(table_columns_follow_the_schema) {
    segmint::data::Table table(small_schema());
    BOOST_TEST(table.column_count() == 4u);
    BOOST_TEST(table.rows() == 0u);
    BOOST_TEST(table.column(1).name == "tier");
    BOOST_TEST(table.find("tags") == &table.column(2));
    BOOST_TEST(table.find("nope") == nullptr);
    // An enum's dictionary holds exactly the schema's values: code = enum index.
    const auto& tier = table.column(1).dictionary;
    BOOST_TEST(tier.size() == 3u);
    BOOST_TEST(tier.find("gold").value() == 2);
    BOOST_TEST(table.column(2).list_offsets.size() == 1u);
}

BOOST_AUTO_TEST_CASE(table_appenders_and_nulls) {
    segmint::data::Table table(small_schema());
    auto& id = table.mutable_column(0);
    auto& tier = table.mutable_column(1);
    auto& tags = table.mutable_column(2);
    auto& name = table.mutable_column(3);
    id.append_int(7);
    tier.append_enum(2);
    tags.append_list({"a", "b"});
    name.append_string("x");
    id.append_null();
    tier.append_null();
    tags.append_null();
    name.append_null();
    id.append_int(-1);
    tier.append_enum(0);
    tags.append_list({});
    name.append_string("x");
    BOOST_TEST(table.finish_rows() == 3u);

    BOOST_TEST(id.i64[0] == 7);
    BOOST_TEST(id.is_null(1));
    BOOST_TEST(id.i64[1] == 0);  // NULL slots hold zero
    BOOST_TEST(tier.string_at(0) == "gold");
    BOOST_TEST(tier.string_at(2) == "bronze");
    BOOST_TEST(tags.list_end(0) - tags.list_begin(0) == 2u);
    BOOST_TEST(tags.is_null(1));
    BOOST_TEST(tags.list_end(1) == tags.list_begin(1));
    BOOST_TEST(!tags.is_null(2));
    BOOST_TEST(tags.list_end(2) == tags.list_begin(2));
    BOOST_TEST(name.code_at(0) == name.code_at(2));  // one dictionary entry for both
    BOOST_TEST(name.validity.count() == 2u);
    BOOST_TEST(table.byte_size() > 0u);

    BOOST_CHECK_THROW(id.append_string("no"), std::logic_error);
    BOOST_CHECK_THROW(tier.append_enum(3), std::logic_error);
    id.append_int(1);  // now the columns disagree
    BOOST_CHECK_THROW(table.finish_rows(), std::logic_error);
}

// ---- narrow Int columns (data/narrow_ints.cpp) ----

namespace {
// An Int column of `values` (nullopt = NULL), narrowed.
segmint::data::Column narrowed_column(const std::vector<std::optional<int64_t>>& values) {
    segmint::data::Column column;
    column.name = "n";
    column.type = segmint::schema::ColumnType::Int;
    for (const auto& value : values) value ? column.append_int(*value) : column.append_null();
    column.narrow_ints();
    return column;
}
}  // namespace

BOOST_AUTO_TEST_CASE(int_columns_narrow_to_the_fewest_bytes_and_read_back_exactly) {
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    struct Case {
        std::vector<std::optional<int64_t>> values;
        unsigned width;
        bool based;  // offset from a base (frame of reference)
    };
    const std::vector<Case> cases = {
        {{0, -128, 127, std::nullopt}, 1, false},
        {{-129, 0}, 1, true},       // a span of 129 fits a byte from a base
        {{-129, 127}, 2, false},    // 257 values do not
        {{1000, 1255}, 1, true},    // a span of 255 fits a byte offset from 1000
        {{1000, 1256}, 2, false},   // one more does not, and 1256 fits 16 bits as it is
        {{40000, 40256}, 2, true},  // past 16 bits: from a base
        {{-32768, 32767}, 2, false},
        {{kMax - 255, kMax}, 1, true},  // near the top: the base maps the greatest value to 127
        {{kMin, kMin + 255}, 1, true},
        {{kMin, kMin + 65536}, 4, true},
        {{kMin, kMax}, 8, false},  // no narrower type holds the span
        {{0, int64_t{1} << 32}, 8, false},
        {{std::nullopt, std::nullopt}, 1, false},  // no value: NULL slots only
        {{}, 1, false},
    };
    for (const auto& c : cases) {
        segmint::data::Column column = narrowed_column(c.values);
        BOOST_TEST_CONTEXT("values starting " << (c.values.empty() || !c.values[0] ? 0 : *c.values[0])) {
            BOOST_TEST(column.int_width == c.width);
            BOOST_TEST((column.int_base != 0) == c.based);
            BOOST_TEST(column.i64.empty() == (c.width != 8));
            for (size_t row = 0; row < c.values.size(); ++row) {
                BOOST_TEST(column.is_null(row) == !c.values[row]);
                if (c.values[row]) BOOST_TEST(column.int_at(row) == *c.values[row]);
            }
            // Widening gives the loaders' form back: 8-byte values, NULL slots 0.
            column.widen_ints();
            BOOST_TEST(column.int_width == 8u);
            BOOST_TEST(column.i8.empty());
            BOOST_TEST(column.i16.empty());
            BOOST_TEST(column.i32.empty());
            for (size_t row = 0; row < c.values.size(); ++row) BOOST_TEST(column.i64[row] == c.values[row].value_or(0));
        }
    }
}

// A column held in a plain narrow width (as a snapshot's is read in place) narrows further where offsets from a base
// take fewer bytes, and stays in place where they do not.
BOOST_AUTO_TEST_CASE(a_plain_narrow_column_narrows_further_only_where_a_base_saves_bytes) {
    struct Case {
        std::vector<std::optional<int64_t>> values;
        uint8_t held, width;
    };
    const std::vector<Case> cases = {
        {{0, 130, std::nullopt, 64}, 2, 1},            // Int16 in the file, a byte from a base
        {{1000, 1255, std::nullopt}, 2, 1},            //
        {{0, 65535, 7, std::nullopt}, 4, 2},           // Int32 in the file, 16 bits from a base
        {{-5, 100, std::nullopt}, 2, 1},               // fits a byte as it is
        {{-129, 127}, 2, 2},                           // no base makes 257 values a byte: stays
        {{INT32_MIN, INT32_MAX, std::nullopt}, 4, 4},  // stays
        {{std::nullopt, std::nullopt}, 2, 1},          // no value
    };
    for (const auto& c : cases) {
        segmint::data::Column column;
        column.name = "n";
        column.type = segmint::schema::ColumnType::Int;
        for (const auto& value : c.values) value ? column.append_int(*value) : column.append_null();
        // Held as the plain narrow width, NULL slots 0.
        std::vector<int64_t> wide(column.size);
        column.ints_into(wide.data());
        if (c.held == 2) column.i16 = std::vector<int16_t>(wide.begin(), wide.end());
        if (c.held == 4) column.i32 = std::vector<int32_t>(wide.begin(), wide.end());
        column.i64 = std::vector<int64_t>();
        column.int_width = c.held;
        column.narrow_ints();
        BOOST_CHECK_EQUAL(+column.int_width, +c.width);
        BOOST_CHECK_EQUAL(column.i16.empty(), c.width != 2);
        BOOST_CHECK_EQUAL(column.i32.empty(), c.width != 4);
        BOOST_CHECK(column.i64.empty());
        for (uint64_t row = 0; row < column.size; ++row) {
            BOOST_CHECK_EQUAL(column.is_null(row), !c.values[row]);
            if (c.values[row]) BOOST_CHECK_EQUAL(column.int_at(row), *c.values[row]);
        }
        std::vector<int64_t> back(column.size);
        column.ints_into(back.data());
        BOOST_CHECK(back == wide);  // NULL slots still read as 0
    }
}

BOOST_AUTO_TEST_CASE(appending_to_a_narrowed_column_widens_it_first) {
    segmint::data::Column column = narrowed_column({5, std::nullopt, 7});
    BOOST_TEST(column.int_width == 1u);
    BOOST_TEST(column.byte_size() < 3 * sizeof(int64_t) + 64);
    column.append_int(int64_t{1} << 40);  // would not fit a byte
    column.append_null();
    BOOST_TEST(column.int_width == 8u);
    BOOST_TEST(column.size == 5u);
    const std::vector<int64_t> expected = {5, 0, 7, int64_t{1} << 40, 0};
    BOOST_TEST(column.i64 == expected);
}

BOOST_AUTO_TEST_CASE(a_loaded_table_narrows_its_int_columns_but_the_key) {
    const std::string csv = "id,tier,tags,name,n\n100000000000,gold,,a,3\n100000000001,silver,,b,\n";
    segmint::schema::Schema schema = small_schema();
    schema.key = "id";
    segmint::testing::add_column(schema, "n", ColumnType::Int, {});
    segmint::data::CsvError error;
    auto table = segmint::data::load_csv_text(csv, "t.csv", schema, &error);
    BOOST_REQUIRE_MESSAGE(table, error.message);
    BOOST_TEST(table->column(0).int_width == 8u);  // the key
    BOOST_TEST(table->column(4).int_width == 1u);
    BOOST_TEST(table->column(4).int_at(0) == 3);
    BOOST_TEST(table->column(4).is_null(1));
    segmint::data::CsvOptions wide;
    wide.narrow_ints = false;
    BOOST_TEST(segmint::data::load_csv_text(csv, "t.csv", schema, &error, wide)->column(4).int_width == 8u);
    segmint::data::Table copy = *table;
    copy.mutable_column(0).narrow_ints();  // as any other Int column would be: a byte from a base
    BOOST_TEST(copy.column(0).int_width == 1u);
    BOOST_TEST(copy.column(0).int_at(1) == 100000000001);
}

// A String column's codes take 1 byte up to 128 dictionary values (Arrow's Int8 indexes), 2 up to 32,768, else 4;
// every row reads back its string, NULL rows code 0, and appending widens first.
BOOST_AUTO_TEST_CASE(string_codes_narrow_by_dictionary_size_at_the_edges) {
    struct Case {
        int values;
        unsigned width;
    };
    for (const Case c : {Case{1, 1}, Case{128, 1}, Case{129, 2}, Case{32768, 2}, Case{32769, 4}}) {
        BOOST_TEST_CONTEXT(c.values << " values") {
            segmint::data::Column column;
            column.type = ColumnType::String;
            // Every 7th row NULL; the others go through every value (7919 is prime to each size).
            const int rows = c.values + c.values / 6 + 10;
            const auto value_of = [&](int k) { return "v" + std::to_string((k * 7919) % c.values); };
            std::vector<int> k_of_row;  // the k-th value present, or -1 for NULL
            for (int row = 0, k = 0; row < rows; ++row) {
                if (row % 7 == 3) {
                    column.append_null();
                    k_of_row.push_back(-1);
                } else {
                    column.append_string(value_of(k));
                    k_of_row.push_back(k++);
                }
            }
            BOOST_REQUIRE(column.dictionary.size() == static_cast<size_t>(c.values));
            column.narrow_codes();
            BOOST_TEST(column.code_width == c.width);
            BOOST_TEST(column.i32.empty() == (c.width != 4));
            for (int row = 0; row < rows; ++row) {
                const auto at = static_cast<uint64_t>(row);
                if (row % 7 == 3) {
                    BOOST_REQUIRE(column.is_null(at));
                    BOOST_REQUIRE(column.code_at(at) == 0);
                } else {
                    BOOST_REQUIRE(column.string_at(at) == value_of(k_of_row[static_cast<size_t>(row)]));
                }
            }
            column.append_string("new value");
            BOOST_TEST(column.code_width == 4u);
            BOOST_TEST(column.string_at(static_cast<uint64_t>(rows)) == "new value");
            BOOST_TEST(column.string_at(1) == value_of(1));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_loaded_table_narrows_its_codes_but_the_keys) {
    segmint::schema::Schema schema = small_schema();
    segmint::testing::add_column(schema, "code", ColumnType::String, {});
    schema.key = "code";
    const std::string csv = "id,tier,tags,name,code\n1,gold,,a,k1\n2,,,,k2\n";
    segmint::data::CsvError error;
    auto table = segmint::data::load_csv_text(csv, "t.csv", schema, &error);
    BOOST_REQUIRE_MESSAGE(table, error.message);
    BOOST_TEST(table->column(1).code_width == 1u);  // enum
    BOOST_TEST(table->column(1).string_at(0) == "gold");
    BOOST_TEST(table->column(1).is_null(1));
    BOOST_TEST(table->column(3).code_width == 1u);  // string
    BOOST_TEST(table->column(4).code_width == 4u);  // the key
    BOOST_TEST(table->column(4).string_at(1) == "k2");
    segmint::data::CsvOptions wide;
    wide.narrow_codes = false;
    BOOST_TEST(segmint::data::load_csv_text(csv, "t.csv", schema, &error, wide)->column(1).code_width == 4u);
}

// ---- atomic output (src/common/atomic_file) ----

BOOST_AUTO_TEST_CASE(atomic_write_creates_the_file) {
    TempDir dir("segmint_data");
    std::string error;
    auto path = dir.file("out.csv");
    bool ok = segmint::write_file_atomically(
        path, [](std::FILE* file) { return std::fputs("hello\n", file) >= 0; }, &error);
    BOOST_TEST(ok, error);
    BOOST_TEST(slurp(path) == "hello\n");
    BOOST_TEST(entries_in(dir.path) == 1u);  // no temporary left behind
    // A new file gets the mode any other new file would (mkstemp's private 0600 is widened by the umask rule).
    spit(dir.file("plain.csv"), "");
    struct stat written, plain;
    BOOST_REQUIRE(::stat(path.c_str(), &written) == 0);
    BOOST_REQUIRE(::stat(dir.file("plain.csv").c_str(), &plain) == 0);
    BOOST_TEST((written.st_mode & 07777) == (plain.st_mode & 07777));
}

BOOST_AUTO_TEST_CASE(atomic_write_keeps_the_old_file_when_the_writer_fails) {
    TempDir dir("segmint_data");
    auto path = dir.file("out.csv");
    spit(path, "old contents\n");
    std::string error;
    bool ok = segmint::write_file_atomically(
        path,
        [](std::FILE* file) {
            std::fputs("half of the new", file);
            return false;
        },
        &error);
    BOOST_TEST(!ok);
    BOOST_TEST(error.find("the old file is unchanged") != std::string::npos, error);
    BOOST_TEST(slurp(path) == "old contents\n");
    BOOST_TEST(entries_in(dir.path) == 1u);
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temporary_file_when_the_writer_throws) {
    // Out of memory halfway through a snapshot, say: the exception reaches the caller, the old file stays, and the
    // half-written temporary file beside it is gone.
    TempDir dir("segmint_data");
    auto path = dir.file("out.csv");
    spit(path, "old contents\n");
    std::string error;
    BOOST_CHECK_THROW(segmint::write_file_atomically(
                          path,
                          [](std::FILE* file) -> bool {
                              std::fputs("half of the new", file);
                              throw std::bad_alloc();
                          },
                          &error),
                      std::bad_alloc);
    BOOST_TEST(slurp(path) == "old contents\n");
    BOOST_TEST(entries_in(dir.path) == 1u);
}

BOOST_AUTO_TEST_CASE(atomic_write_keeps_the_old_file_on_a_write_error) {
    // A file size limit makes writes fail with EFBIG, as a full disk would with ENOSPC.
    TempDir dir("segmint_data");
    auto path = dir.file("out.csv");
    spit(path, "old contents\n");
    struct rlimit saved;
    BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 4096;
    BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string error;
    bool ok = segmint::write_file_atomically(
        path,
        [](std::FILE* file) {
            std::string block(1000, 'x');
            for (int i = 0; i < 100; ++i) {
                if (std::fwrite(block.data(), 1, block.size(), file) != block.size()) return false;
            }
            return true;
        },
        &error);
    ::setrlimit(RLIMIT_FSIZE, &saved);
    ::signal(SIGXFSZ, old_handler);
    BOOST_TEST(!ok);
    BOOST_TEST(error.find("File too large") != std::string::npos, error);
    BOOST_TEST(slurp(path) == "old contents\n");
    BOOST_TEST(entries_in(dir.path) == 1u);
}

BOOST_AUTO_TEST_CASE(atomic_write_killed_midway_leaves_the_old_file) {
    // BAD_INPUTS 39: a child process is killed while it writes; the target still holds the old contents.
    TempDir dir("segmint_data");
    auto path = dir.file("out.csv");
    spit(path, "old contents\n");
    int ready[2];
    BOOST_REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        std::string error;
        segmint::write_file_atomically(
            path,
            [&](std::FILE* file) {
                std::fputs("half of the new", file);
                std::fflush(file);
                (void)!::write(ready[1], "x", 1);
                for (;;) ::pause();
                return true;
            },
            &error);
        ::_exit(0);
    }
    char byte;
    BOOST_REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(ready[0]);
    ::close(ready[1]);
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST(slurp(path) == "old contents\n");
}

BOOST_AUTO_TEST_CASE(atomic_write_to_dev_full_is_a_clear_error) {
    // BAD_INPUTS 37: a device cannot be replaced by a rename; nothing is created in /dev.
    std::string error;
    bool called = false;
    bool ok = segmint::write_file_atomically(
        "/dev/full",
        [&](std::FILE*) {
            called = true;
            return true;
        },
        &error);
    BOOST_TEST(!ok);
    BOOST_TEST(!called);
    BOOST_TEST(error.find("`/dev/full`: it is not a regular file") != std::string::npos, error);
    struct stat info;
    BOOST_REQUIRE(::stat("/dev/full", &info) == 0);
    BOOST_TEST(S_ISCHR(info.st_mode));
}

BOOST_AUTO_TEST_CASE(atomic_write_refuses_an_input_as_output) {
    // BAD_INPUTS 40, also through a symlink and a hard link.
    TempDir dir("segmint_data");
    auto input = dir.file("customers.csv");
    spit(input, "id\n1\n");
    BOOST_REQUIRE(::symlink(input.c_str(), dir.file("link.csv").c_str()) == 0);
    BOOST_REQUIRE(::link(input.c_str(), dir.file("hard.csv").c_str()) == 0);
    for (const auto& output : {input, dir.file("link.csv"), dir.file("hard.csv"), dir.path + "/./customers.csv"}) {
        std::string error;
        bool called = false;
        bool ok = segmint::write_file_atomically(output,
                                                 [&](std::FILE*) {
                                                     called = true;
                                                     return true;
                                                 },
                                                 &error, {dir.file("other.csv"), input});
        BOOST_TEST(!ok);
        BOOST_TEST(!called);
        BOOST_TEST(error == "refusing to write `" + output + "`: it is `" + input +
                                "`, a file this run reads or its project names; choose another output path");
    }
    BOOST_TEST(slurp(input) == "id\n1\n");
    BOOST_TEST(segmint::same_file(input, dir.file("hard.csv")));
    BOOST_TEST(!segmint::same_file(input, dir.file("missing.csv")));
    BOOST_TEST(!segmint::clashing_input(dir.file("new.csv"), {input}).has_value());
}

BOOST_AUTO_TEST_CASE(atomic_write_replaces_through_a_symlink_and_keeps_the_mode) {
    TempDir dir("segmint_data");
    auto real = dir.file("real.csv");
    spit(real, "old\n");
    BOOST_REQUIRE(::chmod(real.c_str(), 0640) == 0);
    auto link = dir.file("link.csv");
    BOOST_REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    std::string error;
    BOOST_TEST(segmint::write_file_atomically(
                   link, [](std::FILE* file) { return std::fputs("new\n", file) >= 0; }, &error),
               error);
    BOOST_TEST(slurp(real) == "new\n");
    struct stat info;
    BOOST_REQUIRE(::lstat(link.c_str(), &info) == 0);
    BOOST_TEST(S_ISLNK(info.st_mode));
    BOOST_REQUIRE(::stat(real.c_str(), &info) == 0);
    BOOST_TEST((info.st_mode & 07777) == 0640u);
}

BOOST_AUTO_TEST_CASE(atomic_write_refuses_directories) {
    TempDir dir("segmint_data");
    std::string error;
    BOOST_TEST(!segmint::write_file_atomically(
        dir.path, [](std::FILE*) { return true; }, &error));
    BOOST_TEST(error == "cannot write `" + dir.path + "`: it is a directory");
    BOOST_TEST(!segmint::write_file_atomically(
        dir.file("missing/out.csv"), [](std::FILE*) { return true; }, &error));
    BOOST_TEST(error.find("cannot create a temporary file") != std::string::npos, error);
}

// Pages of a fresh anonymous mapping: which are resident (mincore), and a mapping that unmaps itself.
struct FreshPages {
    static constexpr size_t kPage = 4096;
    size_t bytes;
    char* data;
    explicit FreshPages(size_t size) : bytes(size) {
        void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        BOOST_REQUIRE(p != MAP_FAILED);
        data = static_cast<char*>(p);
    }
    ~FreshPages() { ::munmap(data, bytes); }
    bool resident(size_t offset) const {
        unsigned char state = 0;
        BOOST_REQUIRE_EQUAL(::mincore(data + offset / kPage * kPage, kPage, &state), 0);
        return (state & 1) != 0;
    }
};

// Whether the mapping that holds `address` carries the huge-page advice (flag `hg` in /proc/self/smaps).
bool advised_huge(const void* address) {
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<uintptr_t>(address);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        uintptr_t begin = 0, end = 0;
        char dash = 0;
        std::istringstream range(line);
        if (line.find(':') > line.find(' ') && (range >> std::hex >> begin >> dash >> end) && dash == '-') {
            inside = begin <= at && at < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return (line + " ").find(" hg ") != std::string::npos;
        }
    }
    return false;
}

// FreshPages with `bytes` starting `offset` bytes past a 2 MiB boundary.
struct OffsetFromHugeBoundary {
    static constexpr size_t kHuge = size_t{2} << 20;
    FreshPages pages;
    char* base;  // the first 2 MiB boundary inside `pages`
    char* data;
    OffsetFromHugeBoundary(size_t bytes, size_t offset)
        : pages(bytes + offset + kHuge),
          base(reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(pages.data) + kHuge - 1) & ~uintptr_t{kHuge - 1})),
          data(base + offset) {}
    char* boundary(size_t k) const { return base + k * kHuge; }  // the k-th 2 MiB boundary from `base`
};

// 4 KiB pages and a kernel with transparent huge pages: what the huge-page tests need.
bool huge_pages_testable() {
    if (::sysconf(_SC_PAGESIZE) == static_cast<long>(FreshPages::kPage) &&
        std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled")) {
        return true;
    }
    BOOST_TEST_MESSAGE("no transparent huge pages here: nothing to check");
    return false;
}

BOOST_AUTO_TEST_CASE(huge_pages_are_asked_for_on_the_whole_2_mib_stretches_of_a_big_array) {
    if (!huge_pages_testable()) return;
    constexpr size_t kHuge = OffsetFromHugeBoundary::kHuge;
    // 10 MiB starting 4 KiB past a boundary: the whole stretches are the 2nd to the 5th (boundaries 1 to 5).
    OffsetFromHugeBoundary array(10 * (size_t{1} << 20), FreshPages::kPage);
    segmint::data::advise_huge_pages(array.data, 10 * (size_t{1} << 20));
    BOOST_CHECK(!advised_huge(array.data));
    BOOST_CHECK(advised_huge(array.boundary(1)));
    BOOST_CHECK(advised_huge(array.boundary(5) - 1));
    BOOST_CHECK(!advised_huge(array.boundary(5)));
    // Below kHugePagesFromBytes: nothing.
    OffsetFromHugeBoundary small(segmint::data::kHugePagesFromBytes - 1, 0);
    segmint::data::advise_huge_pages(small.data, segmint::data::kHugePagesFromBytes - 1);
    BOOST_CHECK(!advised_huge(small.data));
    BOOST_CHECK(!advised_huge(small.boundary(1)));
    static_assert(segmint::data::kHugePagesFromBytes > 2 * kHuge, "the small array spans whole stretches");
}

BOOST_AUTO_TEST_CASE(prefault_ahead_asks_for_huge_pages_once_an_array_is_big_enough) {
    if (!huge_pages_testable()) return;
    OffsetFromHugeBoundary big(segmint::data::kHugePagesFromBytes, 0);
    OffsetFromHugeBoundary small(segmint::data::kHugePagesFromBytes / 2, 0);
    segmint::data::PrefaultAhead ahead;
    ahead.advance(small.data, 0, segmint::data::kHugePagesFromBytes / 2);
    BOOST_CHECK(!advised_huge(small.data));
    ahead.advance(big.data, 0, segmint::data::kHugePagesFromBytes);  // the array moved: it grew
    BOOST_CHECK(advised_huge(big.data));
    BOOST_CHECK(advised_huge(big.boundary(3)));
}

BOOST_AUTO_TEST_CASE(prefault_touches_only_whole_pages_inside_the_range) {
    if (::sysconf(_SC_PAGESIZE) != static_cast<long>(FreshPages::kPage)) return;
    FreshPages pages(8 * FreshPages::kPage);
    // Pages 1 and 2 lie wholly inside; pages 0 and 3 only partly.
    segmint::data::prefault_for_writing(pages.data + 100, 3 * FreshPages::kPage);
    if (!segmint::data::prefault_supported()) {
        BOOST_TEST_MESSAGE("MADV_POPULATE_WRITE is not supported by this kernel: nothing to check");
        return;
    }
    BOOST_CHECK(!pages.resident(0));
    BOOST_CHECK(pages.resident(1 * FreshPages::kPage));
    BOOST_CHECK(pages.resident(2 * FreshPages::kPage));
    BOOST_CHECK(!pages.resident(3 * FreshPages::kPage));
    BOOST_CHECK(!pages.resident(7 * FreshPages::kPage));
}

BOOST_AUTO_TEST_CASE(prefault_ahead_keeps_a_window_past_the_end_and_leaves_contents_alone) {
    if (::sysconf(_SC_PAGESIZE) != static_cast<long>(FreshPages::kPage)) return;
    constexpr size_t kWindow = segmint::data::PrefaultAhead::kWindowBytes;
    FreshPages pages(4 * kWindow);
    std::memset(pages.data, 'x', 100);
    segmint::data::PrefaultAhead ahead;
    ahead.advance(pages.data, 100, pages.bytes);
    if (!segmint::data::prefault_supported()) {
        BOOST_TEST_MESSAGE("MADV_POPULATE_WRITE is not supported by this kernel: nothing to check");
        return;
    }
    BOOST_CHECK(pages.resident(kWindow - FreshPages::kPage));  // the last whole page of the first window
    BOOST_CHECK(!pages.resident(kWindow + FreshPages::kPage));
    BOOST_CHECK_EQUAL(std::string(pages.data, 100), std::string(100, 'x'));
    BOOST_CHECK_EQUAL(pages.data[100], 0);
    // More than half the window is still ahead: nothing new.
    ahead.advance(pages.data, kWindow / 4, pages.bytes);
    BOOST_CHECK(!pages.resident(kWindow + FreshPages::kPage));
    // Less than half: the next window, up to one window past the end of the data.
    ahead.advance(pages.data, kWindow * 3 / 4, pages.bytes);
    BOOST_CHECK(pages.resident(kWindow + FreshPages::kPage));
    BOOST_CHECK(pages.resident(kWindow * 7 / 4 - FreshPages::kPage));
    BOOST_CHECK(!pages.resident(2 * kWindow));
    // Never past the capacity.
    ahead.advance(pages.data, 3 * kWindow, 3 * kWindow + FreshPages::kPage);
    BOOST_CHECK(pages.resident(3 * kWindow));
    BOOST_CHECK(!pages.resident(3 * kWindow + FreshPages::kPage));
}

BOOST_AUTO_TEST_SUITE_END()
