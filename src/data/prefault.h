#pragma once
// Faulting in the pages of arrays that loading fills front to back, many pages per system call, and asking for huge
// pages on the big ones. On virtual machines whose page tables the hypervisor maintains (this project's CI machines
// run under PVM), every page fault is a round trip through the hypervisor: touching fresh 4 KiB pages one at a time
// cost about 3 s per GiB there, against about 1.5 s per GiB when the kernel is asked to fault them in ahead, in 1 MiB
// steps. Reading a freshly loaded table there was slow too, for its first few passes: 3-7x a warm pass over 4 KiB
// pages, 1.1-1.5x over 2 MiB pages (docs/performance.md).
#include <cstddef>
#include <vector>

namespace segmint::data {

// Makes the pages inside [data, data + bytes) present and writable (MADV_POPULATE_WRITE, Linux 5.14) without
// changing their contents. Only whole pages inside the range are touched. Does nothing where the kernel cannot:
// the pages then fault on first write as usual.
void prefault_for_writing(const void* data, size_t bytes);
// False once the kernel has rejected the advice (tests use it to tell "not faulted in" from "not supported here").
bool prefault_supported();

// Asks for transparent huge pages (2 MiB) on the whole 2 MiB stretches inside [data, data + bytes), an array not yet
// written there (MADV_HUGEPAGE; applies to pages faulted in afterwards). Only arrays of at least kHugePagesFromBytes:
// smaller ones gain little and would round their last page up to 2 MiB. Does nothing where the kernel cannot.
inline constexpr size_t kHugePagesFromBytes = size_t{8} << 20;
// The size of a transparent huge page on x86-64.
inline constexpr size_t kHugePageBytes = size_t{2} << 20;
void advise_huge_pages(const void* data, size_t bytes);

// Anonymous memory in a mapping of its own: whole huge pages at a huge page boundary, advised huge and not yet
// written. Not from the heap: glibc hands out heap memory it holds free before it maps new memory, and after a CSV
// load (big arrays below its mmap threshold, which rises to 32 MiB as such arrays are freed) it holds plenty, already
// faulted in as 4 KiB pages, where the advice changes nothing. The snapshot writer's blocks came so in the benchmark's
// full run and wrote at 0.6-0.77x the speed of huge ones (docs/performance.md, "The writer's blocks in a mapping of
// their own").
class HugePageMapping {
public:
    // At least `bytes` (rounded up to whole huge pages); throws std::bad_alloc when the system refuses the mapping.
    explicit HugePageMapping(size_t bytes);
    ~HugePageMapping();
    HugePageMapping(const HugePageMapping&) = delete;
    HugePageMapping& operator=(const HugePageMapping&) = delete;

    char* data() const { return begin_; }
    size_t size() const { return bytes_; }
    // The whole mapping, with the slack that aligns data() (for the sanitizer build's poisoning: data::WordBlock).
    char* mapping() const { return mapped_; }
    size_t mapping_size() const { return mapped_bytes_; }

private:
    char* mapped_ = nullptr;
    size_t mapped_bytes_ = 0;
    char* begin_ = nullptr;
    size_t bytes_ = 0;
};

// `count` values from `begin` in a vector of exactly that capacity, written in one pass into memory faulted in ahead
// and huge where it is big: a copy that shrink_to_fit() or resize() would fault in one 4 KiB page at a time (0.2 s for
// a 60 MB array on this project's machines, against 0.02-0.05 s so).
template <typename T>
std::vector<T> copy_prefaulted(const T* begin, size_t count) {
    std::vector<T> copy;
    if (count > 0) {
        copy.reserve(count);
        advise_huge_pages(copy.data(), count * sizeof(T));
        prefault_for_writing(copy.data(), count * sizeof(T));
        copy.insert(copy.end(), begin, begin + count);
    }
    return copy;
}

// Keeps the pages just past the end of one growing array faulted in: advance() after each stretch of appends
// faults in the next window once less than half of the last one is left. An array that moved (it grew past its
// capacity) starts over, with huge pages when it is big enough (advise_huge_pages).
class PrefaultAhead {
public:
    static constexpr size_t kWindowBytes = size_t{1} << 20;

    void advance(const void* data, size_t used_bytes, size_t capacity_bytes);

private:
    const void* data_ = nullptr;
    size_t ready_ = 0;  // bytes from data_ on that are faulted in (or were written)
};

}  // namespace segmint::data
