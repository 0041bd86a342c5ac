#include "snapshot/file_output.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>

namespace segmint::snapshot {

BlockWriter::BlockWriter(ByteSink sink, size_t block)
    : sink_(std::move(sink)),
      block_(std::max<size_t>(block, 1)),
      stride_((block_ + kAlignment - 1) / kAlignment * kAlignment),
      // One stretch for all buffers, in huge pages: direct I/O pins the buffers' pages for every write, one 2 MiB page
      // instead of 512 of 4 KiB. Not faulted in ahead: a small snapshot touches one (2 MiB) page of it.
      memory_(stride_ * kBuffers) {
    for (size_t i = 0; i < kBuffers; ++i)
        free_.push_back(reinterpret_cast<unsigned char*>(memory_.data()) + i * stride_);
}

BlockWriter::~BlockWriter() { stop(); }

bool BlockWriter::write(const void* bytes, size_t size) {
    auto from = static_cast<const unsigned char*>(bytes);
    while (size > 0) {  // bytes may be null when size is 0, which memcpy must not get
        if (current_ == nullptr && (current_ = take_buffer()) == nullptr) return false;
        const size_t take = std::min(size, block_ - used_);
        std::memcpy(current_ + used_, from, take);
        used_ += take;
        from += take;
        size -= take;
        if (used_ == block_) {
            hand_over(current_, used_);
            current_ = nullptr;
            used_ = 0;
        }
    }
    return !failed();
}

bool BlockWriter::finish() {
    if (current_ != nullptr) hand_over(current_, used_);  // a block is taken only for bytes: never empty
    current_ = nullptr;
    used_ = 0;
    stop();
    return !failed();
}

unsigned char* BlockWriter::take_buffer() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !free_.empty() || refused_; });
    if (refused_) return nullptr;
    unsigned char* buffer = free_.back();
    free_.pop_back();
    return buffer;
}

void BlockWriter::hand_over(unsigned char* buffer, size_t size) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        handed_over_.emplace_back(buffer, size);
    }
    changed_.notify_all();
    if (thread_.joinable()) return;
    if (!on_calling_thread_) {
        try {
            thread_ = std::thread([this] { give_to_sink(true); });
            return;
        } catch (const std::system_error&) {
            on_calling_thread_ = true;
        } catch (const std::bad_alloc&) {
            on_calling_thread_ = true;
        }
    }
    // No thread to be had (a process at its limit of threads or of memory): each block is written here when it is
    // handed over, as parallel_for does its work with the threads that started.
    give_to_sink(false);
}

void BlockWriter::give_to_sink(bool wait_for_more) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (wait_for_more) changed_.wait(lock, [&] { return !handed_over_.empty() || stopping_; });
        if (handed_over_.empty()) return;
        const auto [block, bytes] = handed_over_.front();
        handed_over_.pop_front();
        const bool skip = refused_;  // nothing after a refused block: the file would have a hole
        lock.unlock();
        bool ok = true;
        int error = 0;
        if (!skip) {
            errno = 0;
            try {
                ok = sink_(block, bytes);
            } catch (const std::bad_alloc&) {
                ok = false;
                errno = ENOMEM;
            } catch (...) {  // a sink that throws refuses the block; nothing escapes the writer's thread
                ok = false;
                errno = EIO;
            }
            error = errno;
        }
        lock.lock();
        if (!ok && !refused_) {
            refused_ = true;
            sink_errno_ = error != 0 ? error : EIO;
        }
        free_.push_back(block);
        changed_.notify_all();
    }
}

void BlockWriter::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;  // the thread hands over what it has, then ends
    }
    changed_.notify_all();
    thread_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
}

bool BlockWriter::failed() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (refused_) errno = sink_errno_;
    return refused_;
}

namespace {

// Sets or clears O_DIRECT on an open file; false when the file system refuses it.
bool set_direct(std::FILE* file, bool direct) {
    const int fd = ::fileno(file);
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, direct ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
}

}  // namespace

DirectFile::DirectFile(std::FILE* file) : file_(file), direct_(set_direct(file, true)) {}

bool DirectFile::write(const void* bytes, size_t size) {
    auto from = static_cast<const unsigned char*>(bytes);
    // Direct I/O takes whole multiples of the alignment: a shorter last block's tail goes through the page cache.
    const size_t whole = direct_ ? size / BlockWriter::kAlignment * BlockWriter::kAlignment : 0;
    if (whole > 0) {
        const size_t written = put(from, whole);
        if (written == 0 && errno == EINVAL) {
            // Refused before anything was written (an alignment this file system does not take): the page cache then.
            std::clearerr(file_);
            through_page_cache();
            return put(from, size) == size;
        }
        if (written != whole) return false;
    }
    if (whole == size) return true;
    through_page_cache();
    return put(from + whole, size - whole) == size - whole;
}

size_t DirectFile::put(const void* bytes, size_t size) {
    errno = 0;
    return std::fwrite(bytes, 1, size, file_);
}

void DirectFile::through_page_cache() {
    if (direct_) set_direct(file_, false);
    direct_ = false;
}

}  // namespace segmint::snapshot
