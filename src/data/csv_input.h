#pragma once
// Where the CSV loader reads from: a file (read sequentially, and by offset for the parallel load), text in memory,
// or a range of either. Internal to the data stage (data/csv_loader.h is the interface).
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace segmint::data::csv {

class Input {
public:
    virtual ~Input() = default;
    // Bytes read into `out` (0 at the end), or -1 with *error set.
    virtual int64_t read(char* out, size_t capacity, std::string* error) = 0;
    // The same from byte `offset`, without moving the position read() reads from; safe to call from several threads
    // at once (the parallel load reads its ranges this way).
    virtual int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const = 0;
    virtual uint64_t total_bytes() const = 0;
    // The whole input when it is in memory (no copy needed to scan it), else null.
    virtual const char* data() const { return nullptr; }
};

class FileInput final : public Input {
public:
    ~FileInput() override;
    bool open(const std::string& path, std::string* error);
    int64_t read(char* out, size_t capacity, std::string* error) override;
    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const override;

    uint64_t total_bytes() const override { return size_; }

private:
    int fd_ = -1;
    uint64_t size_ = 0;
};

class MemoryInput final : public Input {
public:
    explicit MemoryInput(std::string_view text) : text_(text) {}

    int64_t read(char* out, size_t capacity, std::string*) override {
        size_t n = std::min(capacity, text_.size() - offset_);
        std::memcpy(out, text_.data() + offset_, n);
        offset_ += n;
        return static_cast<int64_t>(n);
    }

    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string*) const override {
        if (offset >= text_.size()) return 0;
        size_t n = std::min<size_t>(capacity, text_.size() - static_cast<size_t>(offset));
        std::memcpy(out, text_.data() + offset, n);
        return static_cast<int64_t>(n);
    }

    uint64_t total_bytes() const override { return text_.size(); }
    const char* data() const override { return text_.data(); }

private:
    std::string_view text_;
    size_t offset_ = 0;
};

// Bytes [begin, end) of another input: each thread of a parallel load reads its own range through one of these.
class RangeInput final : public Input {
public:
    RangeInput(const Input& whole, uint64_t begin, uint64_t end) : whole_(whole), begin_(begin), end_(end) {}

    int64_t read(char* out, size_t capacity, std::string* error) override {
        const int64_t n = read_at(offset_, out, capacity, error);
        if (n > 0) offset_ += static_cast<uint64_t>(n);
        return n;
    }

    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const override {
        if (offset >= total_bytes()) return 0;
        const auto wanted = static_cast<size_t>(std::min<uint64_t>(capacity, total_bytes() - offset));
        return whole_.read_at(begin_ + offset, out, wanted, error);
    }

    uint64_t total_bytes() const override { return end_ - begin_; }
    const char* data() const override { return whole_.data() != nullptr ? whole_.data() + begin_ : nullptr; }

private:
    const Input& whole_;
    uint64_t begin_;
    uint64_t end_;
    uint64_t offset_ = 0;
};

// Text that another thread writes while the loader reads it (load_csv_produced): read() waits for more until
// finish(). The pieces are kept as written (appending them to one string would copy the text again at each growth),
// so read_at() (the lines of an error, read again) serves them once finished.
class ProducedInput final : public Input {
public:
    void write(std::string piece) {
        if (piece.empty()) return;
        std::lock_guard<std::mutex> lock(mutex_);
        starts_.push_back(size_);
        size_ += piece.size();
        pieces_.push_back(std::move(piece));
        more_.notify_one();
    }
    void finish() {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_ = true;
        more_.notify_one();
    }

    int64_t read(char* out, size_t capacity, std::string*) override {
        std::unique_lock<std::mutex> lock(mutex_);
        more_.wait(lock, [&] { return offset_ < size_ || finished_; });
        const size_t n = copy(offset_, out, capacity);
        offset_ += n;
        return static_cast<int64_t>(n);
    }

    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string*) const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return static_cast<int64_t>(copy(offset, out, capacity));
    }

    // 0 (unknown) until finished.
    uint64_t total_bytes() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return finished_ ? size_ : 0;
    }

    // The whole text, once finished.
    std::string text() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string whole;
        whole.reserve(size_);
        for (const auto& piece : pieces_) whole += piece;
        return whole;
    }

private:
    // Bytes from `offset` on, up to `capacity`, across pieces; the caller holds the lock.
    size_t copy(uint64_t offset, char* out, size_t capacity) const {
        if (offset >= size_) return 0;
        size_t piece =
            static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
        size_t done = 0;
        for (; piece < pieces_.size() && done < capacity; ++piece) {
            const size_t from = static_cast<size_t>(offset + done - starts_[piece]);
            const size_t n = std::min(capacity - done, pieces_[piece].size() - from);
            std::memcpy(out + done, pieces_[piece].data() + from, n);
            done += n;
        }
        return done;
    }

    mutable std::mutex mutex_;
    std::condition_variable more_;
    std::vector<std::string> pieces_;
    std::vector<uint64_t> starts_;  // each piece's offset in the text
    uint64_t size_ = 0;
    uint64_t offset_ = 0;
    bool finished_ = false;
};

}  // namespace segmint::data::csv
