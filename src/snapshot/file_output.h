#pragma once
// How a snapshot's bytes reach its file: copied into aligned blocks, which a thread of their own hands to the file
// while the next block fills, written around the page cache (direct I/O) where the file system allows.
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "data/prefault.h"

namespace segmint::snapshot {

// Takes the snapshot's bytes in file order; returns false when they could not be written (errno then says why).
using ByteSink = std::function<bool(const void* bytes, size_t size)>;

// Hands a sink its bytes in whole blocks at offsets that are multiples of the block (the last block may be shorter),
// each block copied into memory aligned to kAlignment. Direct I/O (DirectFile) needs aligned memory, offsets and sizes;
// a file written through the page cache in blocks of a huge page is kept as huge folios, which a reader's mapping maps
// as huge pages (the first pass over a mapping of a file written in pieces of every size took 0.15-0.45 s more on this
// machine: docs/performance.md). The sink runs on a thread of its own with kBuffers blocks in flight, so the disk
// writes one block while the writer fills the next; where no thread can be started, on the calling thread.
class BlockWriter {
public:
    static constexpr size_t kBlock = size_t{8} << 20;  // 4 huge pages: fewer, larger direct writes
    static constexpr size_t kAlignment = 4096;         // what direct I/O asks of memory, offsets and sizes
    static constexpr size_t kBuffers = 4;
    explicit BlockWriter(ByteSink sink, size_t block = kBlock);
    ~BlockWriter();  // waits for the blocks handed over, without finishing the last one
    BlockWriter(const BlockWriter&) = delete;
    BlockWriter& operator=(const BlockWriter&) = delete;
    // False once the sink refused a block (seen as soon as its thread reports it), with the sink's errno.
    bool write(const void* bytes, size_t size);
    // Hands over what is left and waits for the sink; false (with the sink's errno) when it refused any block. The
    // last call: a write after it would start off a block's edge.
    bool finish();

private:
    unsigned char* take_buffer();  // a free buffer; null once the sink refused a block
    void hand_over(unsigned char* buffer, size_t size);
    // Writes the blocks handed over, in order: on the writer's thread, waiting for more until stopped; on the calling
    // thread (wait_for_more false) until none is left.
    void give_to_sink(bool wait_for_more);
    void stop();
    bool failed();  // sets errno to the sink's when true

    ByteSink sink_;
    size_t block_;
    size_t stride_;                     // from one block's start to the next's: the block rounded up to kAlignment
    data::HugePageMapping memory_;      // kBuffers blocks (data/prefault.h: never heap memory in 4 KiB pages)
    unsigned char* current_ = nullptr;  // the block being filled
    size_t used_ = 0;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<unsigned char*> free_;                           // guarded by mutex_
    std::deque<std::pair<unsigned char*, size_t>> handed_over_;  // guarded by mutex_; in file order
    bool stopping_ = false;                                      // guarded by mutex_
    bool refused_ = false;                                       // guarded by mutex_
    int sink_errno_ = 0;                                         // guarded by mutex_
    std::thread thread_;                                         // started with the first block handed over
    bool on_calling_thread_ = false;                             // no thread could be started: blocks written inline
};

// A file opened for writing (unbuffered: std::setvbuf _IONBF) that takes BlockWriter's blocks, around the page cache
// (O_DIRECT) where the file system allows: written durably (fsync), a snapshot then goes at the disk's speed instead of
// first being copied into fresh page cache, which took longer than the disk on this machine (docs/performance.md).
// Where direct I/O is refused (a file system without it, as tmpfs on older kernels), through the page cache.
class DirectFile {
public:
    explicit DirectFile(std::FILE* file);
    // `bytes` aligned to BlockWriter::kAlignment; every `size` but the last a multiple of it.
    bool write(const void* bytes, size_t size);
    bool direct() const { return direct_; }

private:
    size_t put(const void* bytes, size_t size);  // the bytes written
    void through_page_cache();

    std::FILE* file_;
    bool direct_;
};

}  // namespace segmint::snapshot
