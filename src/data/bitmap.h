#pragma once
// A fixed-size bit set stored in 64-bit words: validity of column values and segment membership.
//
// Invariant: the bits of the last word beyond size() are always zero. count(), operator== and any vector code that
// reads whole words (popcount, AND/OR of membership) rely on it, so every mutating member keeps it, and code that
// writes through mutable_words() must call clear_unused_bits() before the bitmap is read again.
//
// Sizes and bit indexes are uint64_t: a table may hold more than 2^32 rows.
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace segmint::data {

// Memory that the words of many bitmaps are carved from at once (Bitmap::uninitialized_many): one mapping of 2 MiB
// pages instead of one allocation of 4 KiB pages per bitmap. On this project's CI machines every 4 KiB page faulted
// in costs a round trip through the hypervisor (data/prefault.h): the 200 result bitmaps of a catalog over 10M rows
// (250 MB) took 0.38 s to fault in one page at a time on 2 threads, 0.015 s as one block of huge pages.
class WordBlock;
// The next `bytes` of the block (64-byte aligned), or null once it is sealed or full.
void* take_from_block(WordBlock& block, size_t bytes);
bool block_holds(const WordBlock& block, const void* p);
bool block_is_view(const WordBlock& block);

// std::allocator for a bitmap's words, except that (1) a vector grown without a value leaves its new words unwritten
// (default-initialized): Bitmap::uninitialized() relies on it so that sizing hundreds of result bitmaps does not
// touch their memory; and (2) the words may come from a shared WordBlock, which lives as long as any bitmap whose
// words lie in it. A bitmap that grows past its block slice, or a copy, gets ordinary heap memory.
template <typename T>
struct WordAllocator {
    using value_type = T;
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;
    using is_always_equal = std::false_type;
    template <typename U>
    struct rebind {
        using other = WordAllocator<U>;
    };
    WordAllocator() = default;
    explicit WordAllocator(std::shared_ptr<WordBlock> from) : block(std::move(from)) {}
    template <typename U>
    WordAllocator(const WordAllocator<U>& other) noexcept : block(other.block) {}

    T* allocate(size_t n) {
        if (block) {
            if (void* slice = take_from_block(*block, n * sizeof(T))) return static_cast<T*>(slice);
        }
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, size_t n) {
        if (block && block_holds(*block, p)) return;  // given back with the block
        std::allocator<T>().deallocate(p, n);
    }
    // A copy of a bitmap owns heap memory of its own.
    WordAllocator select_on_container_copy_construction() const { return WordAllocator(); }

    template <typename U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible<U>::value) {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <typename U>
    bool operator==(const WordAllocator<U>& other) const {
        return block == other.block;
    }
    template <typename U>
    bool operator!=(const WordAllocator<U>& other) const {
        return block != other.block;
    }

    std::shared_ptr<WordBlock> block;  // null: the heap
};

inline constexpr uint64_t kBitsPerWord = 64;

// Word holding bit `bit`.
constexpr uint64_t word_index(uint64_t bit) { return bit / kBitsPerWord; }
// Mask of bit `bit` inside its word.
constexpr uint64_t bit_mask(uint64_t bit) { return uint64_t{1} << (bit % kBitsPerWord); }
// Words needed for `bits` bits; written so it cannot overflow even for bits near UINT64_MAX.
constexpr uint64_t words_for_bits(uint64_t bits) { return bits / kBitsPerWord + (bits % kBitsPerWord != 0 ? 1 : 0); }
// Mask of the bits in use in the last word of a `bits`-bit bitmap (all ones when `bits` is a multiple of 64).
constexpr uint64_t last_word_mask(uint64_t bits) {
    return bits % kBitsPerWord == 0 ? ~uint64_t{0} : (uint64_t{1} << (bits % kBitsPerWord)) - 1;
}

class Bitmap {
public:
    Bitmap() = default;
    explicit Bitmap(uint64_t size, bool value = false);
    // A bitmap of `size` bits whose words are neither written nor touched: every word must be written before it is
    // read. Parallel evaluation uses it so each thread is the first to touch (and zero) the words of its own rows.
    static Bitmap uninitialized(uint64_t size);
    // `count` such bitmaps, their words in one block of huge pages when they take at least
    // data/prefault.h's kHugePagesFromBytes together (see WordBlock), else each on the heap.
    static std::vector<Bitmap> uninitialized_many(size_t count, uint64_t size);
    // The `size` bits of `words` where they lie (a snapshot's mapped file, which `owner` keeps alive), whose bits past
    // `size` must be clear: nothing is copied. Such a bitmap is never written in place (set(), mutable_words(): the
    // mapping is read-only); growing it or copying it puts its words on the heap first.
    static Bitmap view(const uint64_t* words, uint64_t size, std::shared_ptr<const void> owner);

    uint64_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    // New bits (when growing) take `value`; shrinking drops bits and clears the unused tail.
    void resize(uint64_t size, bool value = false);
    void reserve(uint64_t bits);
    // Gives back spare capacity of the word vector.
    void shrink_to_fit();
    // Appends one bit (the loaders build validity this way).
    void push_back(bool value) {
        if (size_ % kBitsPerWord == 0) words_.push_back(0);
        if (value) words_.back() |= bit_mask(size_);
        ++size_;
    }

    // Appends the bits of `tail` after the last bit, a word at a time (joining the validity of loaded parts).
    void append(const Bitmap& tail);

    bool get(uint64_t bit) const { return (words_[word_index(bit)] & bit_mask(bit)) != 0; }
    void set(uint64_t bit) { words_[word_index(bit)] |= bit_mask(bit); }
    void set(uint64_t bit, bool value) {
        if (value)
            set(bit);
        else
            reset(bit);
    }
    void reset(uint64_t bit) { words_[word_index(bit)] &= ~bit_mask(bit); }
    void set_all();
    void reset_all();

    // Number of set bits.
    uint64_t count() const;
    bool all() const { return count() == size_; }
    bool none() const;

    // Whether the words are a view's (see view()).
    bool is_view() const;
    const uint64_t* words() const { return words_.data(); }
    // Writable words for vector code; call clear_unused_bits() afterwards (see the invariant above).
    uint64_t* mutable_words() { return words_.data(); }
    uint64_t word_count() const { return words_.size(); }
    uint64_t word_capacity() const { return words_.capacity(); }
    void clear_unused_bits();

    // In-place set operations with a bitmap of the same size (a different size is a bug: std::invalid_argument).
    Bitmap& and_with(const Bitmap& other);
    Bitmap& or_with(const Bitmap& other);
    Bitmap& and_not_with(const Bitmap& other);  // this & ~other
    // Complements every bit in use.
    Bitmap& flip();

    bool operator==(const Bitmap& other) const { return size_ == other.size_ && words_ == other.words_; }
    bool operator!=(const Bitmap& other) const { return !(*this == other); }

    uint64_t byte_size() const { return words_.size() * sizeof(uint64_t); }

private:
    void check_same_size(const Bitmap& other, const char* operation) const;

    std::vector<uint64_t, WordAllocator<uint64_t>> words_;
    uint64_t size_ = 0;
};

}  // namespace segmint::data
