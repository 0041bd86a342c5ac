#include "data/prefault.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <new>

namespace segmint::data {

namespace {

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older headers lack it
#endif

// Cleared when the kernel rejects the advice (before 5.14: EINVAL), so later calls cost nothing.
std::atomic<bool> g_supported{true};

}  // namespace

void prefault_for_writing(const void* data, size_t bytes) {
    if (bytes == 0 || !g_supported.load(std::memory_order_relaxed)) return;
    static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<uintptr_t>(data);
    const uintptr_t first = (begin + page - 1) & ~(page - 1);
    const uintptr_t last = (begin + bytes) & ~(page - 1);
    if (last <= first) return;
    // EINVAL: the advice is unknown (old kernel). Other failures (ENOMEM when memory is short, EFAULT) leave the
    // pages to fault as usual, where the write itself will then report the shortage.
    if (::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE) != 0 && errno == EINVAL) {
        g_supported.store(false, std::memory_order_relaxed);
    }
}

void advise_huge_pages(const void* data, size_t bytes) {
#if defined(MADV_HUGEPAGE)
    if (bytes < kHugePagesFromBytes) return;
    constexpr uintptr_t kHuge = kHugePageBytes;
    const auto begin = reinterpret_cast<uintptr_t>(data);
    const uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t last = (begin + bytes) & ~(kHuge - 1);
    // Failure (no transparent huge pages in this kernel, or disabled) leaves 4 KiB pages: only slower.
    if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

HugePageMapping::HugePageMapping(size_t bytes) {
    if (bytes > SIZE_MAX / 2) throw std::bad_alloc();
    bytes_ = (std::max<size_t>(bytes, 1) + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    mapped_bytes_ = bytes_ + kHugePageBytes;  // room to start at a huge page boundary
    void* mapped = ::mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    mapped_ = static_cast<char*>(mapped);
    begin_ = mapped_ + (kHugePageBytes - reinterpret_cast<uintptr_t>(mapped_) % kHugePageBytes) % kHugePageBytes;
#if defined(MADV_HUGEPAGE)
    ::madvise(begin_, bytes_, MADV_HUGEPAGE);  // refused (no huge pages here): 4 KiB pages, only slower
#endif
}

HugePageMapping::~HugePageMapping() { ::munmap(mapped_, mapped_bytes_); }

bool prefault_supported() { return g_supported.load(std::memory_order_relaxed); }

void PrefaultAhead::advance(const void* data, size_t used_bytes, size_t capacity_bytes) {
    if (data != data_) {
        data_ = data;
        ready_ = 0;
        advise_huge_pages(data, capacity_bytes);
    }
    if (ready_ >= capacity_bytes || ready_ > used_bytes + kWindowBytes / 2) return;
    const size_t from = std::max(ready_, used_bytes);
    const size_t to = std::min(capacity_bytes, used_bytes + kWindowBytes);
    if (to > from) prefault_for_writing(static_cast<const char*>(data) + from, to - from);
    ready_ = to;
}

}  // namespace segmint::data
