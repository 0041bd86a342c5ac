#include "data/bitmap.h"

#include <limits>
#include <stdexcept>
#include <string>

#include "common/popcount.h"
#include "data/prefault.h"

// The sanitizer build: ASan does not watch mmap'ed memory, so the block marks what lies outside its slices as
// poisoned itself; a write past a bitmap's words into the padding or the next slice is then reported.
#if defined(__SANITIZE_ADDRESS__)
#define SEGMINT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEGMINT_ASAN 1
#endif
#endif
#ifdef SEGMINT_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace segmint::data {

Bitmap::Bitmap(uint64_t size, bool value) { resize(size, value); }

// One block lives as long as any bitmap carved from it: a single bitmap moved out of the vector keeps the whole
// mapping (every caller keeps the vector whole or drops it).
class WordBlock {
public:
    // `bytes` in whole 2 MiB pages at a 2 MiB boundary, so that every page can be a huge one. Throws std::bad_alloc
    // when the mapping fails (uninitialized_many then takes the heap).
    explicit WordBlock(size_t bytes)
        : memory_(std::make_unique<HugePageMapping>(bytes)),
          begin_(memory_->data()),
          next_(begin_),
          end_(begin_ + bytes) {
#ifdef SEGMINT_ASAN
        ASAN_POISON_MEMORY_REGION(memory_->mapping(), memory_->mapping_size());
#endif
    }
    // Words that lie elsewhere (Bitmap::view), kept alive by `owner`, handed out once as they are.
    WordBlock(const void* words, size_t bytes, std::shared_ptr<const void> owner)
        : owner_(std::move(owner)),
          begin_(static_cast<char*>(const_cast<void*>(words))),
          next_(begin_),
          end_(begin_ + bytes) {}
    ~WordBlock() {
#ifdef SEGMINT_ASAN
        if (memory_) ASAN_UNPOISON_MEMORY_REGION(memory_->mapping(), memory_->mapping_size());
#endif
    }
    WordBlock(const WordBlock&) = delete;
    WordBlock& operator=(const WordBlock&) = delete;

    // Called by one thread only: uninitialized_many or Bitmap::view, before it seals the block.
    void* take(size_t bytes) {
        if (!memory_) {  // a view: all of it, once
            if (sealed_ || bytes != static_cast<size_t>(end_ - next_)) return nullptr;
            sealed_ = true;
            return next_;
        }
        const size_t rounded = (bytes + 63) / 64 * 64;  // each slice on its own cache lines
        if (sealed_ || rounded > static_cast<size_t>(end_ - next_)) return nullptr;
        void* slice = next_;
        next_ += rounded;
#ifdef SEGMINT_ASAN
        ASAN_UNPOISON_MEMORY_REGION(slice, bytes);
#endif
        return slice;
    }
    // No slices after this: a bitmap growing later gets heap memory rather than the rest of the block.
    void seal() { sealed_ = true; }
    bool holds(const void* p) const { return p >= begin_ && p < end_; }
    bool viewed() const { return !memory_; }

private:
    std::unique_ptr<HugePageMapping> memory_;  // null for a view
    std::shared_ptr<const void> owner_;        // a view's
    char* begin_;
    char* next_;
    char* end_;
    bool sealed_ = false;
};

void* take_from_block(WordBlock& block, size_t bytes) { return block.take(bytes); }
bool block_holds(const WordBlock& block, const void* p) { return block.holds(p); }
bool block_is_view(const WordBlock& block) { return block.viewed(); }

bool Bitmap::is_view() const {
    const auto& block = words_.get_allocator().block;
    return block && block_is_view(*block) && !words_.empty() && block_holds(*block, words_.data());
}

std::vector<Bitmap> Bitmap::uninitialized_many(size_t count, uint64_t size) {
    const uint64_t slice_bytes = (words_for_bits(size) * sizeof(uint64_t) + 63) / 64 * 64;
    std::vector<Bitmap> bitmaps(count);
    uint64_t block_bytes = 0;
    std::shared_ptr<WordBlock> block;
    // A product that overflows, or a mapping the system refuses: each bitmap on the heap (where a real shortage shows).
    if (count > 0 && !__builtin_mul_overflow(slice_bytes, count, &block_bytes) && block_bytes >= kHugePagesFromBytes &&
        block_bytes <= std::numeric_limits<size_t>::max() / 2) {
        try {
            block = std::make_shared<WordBlock>(static_cast<size_t>(block_bytes));
        } catch (const std::bad_alloc&) {
            block.reset();
        }
    }
    if (!block) {
        for (Bitmap& bitmap : bitmaps) bitmap = uninitialized(size);
        return bitmaps;
    }
    for (Bitmap& bitmap : bitmaps) {
        bitmap.words_ = std::vector<uint64_t, WordAllocator<uint64_t>>(WordAllocator<uint64_t>(block));
        bitmap.words_.resize(words_for_bits(size));  // a slice of the block, unwritten
        bitmap.size_ = size;
    }
    block->seal();
    return bitmaps;
}

Bitmap Bitmap::view(const uint64_t* words, uint64_t size, std::shared_ptr<const void> owner) {
    Bitmap bitmap;
    const uint64_t count = words_for_bits(size);
    if (count == 0) return Bitmap(size);
    auto block = std::make_shared<WordBlock>(words, static_cast<size_t>(count * sizeof(uint64_t)), std::move(owner));
    bitmap.words_ = std::vector<uint64_t, WordAllocator<uint64_t>>(WordAllocator<uint64_t>(block));
    bitmap.words_.resize(count);  // the viewed words themselves: WordAllocator writes nothing
    bitmap.size_ = size;
    return bitmap;
}

Bitmap Bitmap::uninitialized(uint64_t size) {
    Bitmap bitmap;
    bitmap.words_.resize(words_for_bits(size));  // no value: WordAllocator leaves the words unwritten
    bitmap.size_ = size;
    return bitmap;
}

void Bitmap::resize(uint64_t size, bool value) {
    const uint64_t old_size = size_;
    if (size > old_size && value && old_size % kBitsPerWord != 0) {
        // Fill the rest of the old last word before new words are appended.
        words_.back() |= ~last_word_mask(old_size);
    }
    words_.resize(words_for_bits(size), value ? ~uint64_t{0} : 0);
    size_ = size;
    clear_unused_bits();
}

void Bitmap::append(const Bitmap& tail) {
    const uint64_t offset = size_;
    resize(offset + tail.size());  // the new bits are zero: OR-ing the tail's words in sets them
    const uint64_t first = word_index(offset);
    const uint64_t shift = offset % kBitsPerWord;
    for (uint64_t i = 0; i < tail.word_count(); ++i) {
        const uint64_t word = tail.words_[i];
        words_[first + i] |= word << shift;
        if (shift != 0 && first + i + 1 < words_.size()) words_[first + i + 1] |= word >> (kBitsPerWord - shift);
    }
    clear_unused_bits();
}

void Bitmap::reserve(uint64_t bits) { words_.reserve(words_for_bits(bits)); }

void Bitmap::shrink_to_fit() { words_.shrink_to_fit(); }

void Bitmap::set_all() {
    for (auto& word : words_) word = ~uint64_t{0};
    clear_unused_bits();
}

void Bitmap::reset_all() {
    for (auto& word : words_) word = 0;
}

uint64_t Bitmap::count() const { return popcount_words(words_.data(), words_.size()); }

bool Bitmap::none() const {
    for (uint64_t word : words_) {
        if (word != 0) return false;
    }
    return true;
}

void Bitmap::clear_unused_bits() {
    if (!words_.empty()) words_.back() &= last_word_mask(size_);
}

void Bitmap::check_same_size(const Bitmap& other, const char* operation) const {
    if (other.size_ != size_) {
        throw std::invalid_argument(std::string("Bitmap::") + operation + ": sizes differ (" + std::to_string(size_) +
                                    " and " + std::to_string(other.size_) + ")");
    }
}

Bitmap& Bitmap::and_with(const Bitmap& other) {
    check_same_size(other, "and_with");
    for (size_t i = 0; i < words_.size(); ++i) words_[i] &= other.words_[i];
    return *this;
}

Bitmap& Bitmap::or_with(const Bitmap& other) {
    check_same_size(other, "or_with");
    for (size_t i = 0; i < words_.size(); ++i) words_[i] |= other.words_[i];
    return *this;
}

Bitmap& Bitmap::and_not_with(const Bitmap& other) {
    check_same_size(other, "and_not_with");
    for (size_t i = 0; i < words_.size(); ++i) words_[i] &= ~other.words_[i];
    return *this;
}

Bitmap& Bitmap::flip() {
    for (auto& word : words_) word = ~word;
    clear_unused_bits();
    return *this;
}

}  // namespace segmint::data
