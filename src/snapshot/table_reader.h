#pragma once
// The columns of one Arrow file of a snapshot as a table (snapshot/reader.h): the customers, or one event table.
#include <cstdint>
#include <string>
#include <vector>

#include "data/prefault.h"
#include "data/table.h"
#include "schema/schema.h"
#include "snapshot/arrow_file.h"

namespace segmint::snapshot {

// The table of `file`, whose columns must be `schema`'s as the writer writes them; the columns are copied out of the
// file and checked on `threads` threads. Throws Problem.
data::Table read_table(const ArrowFile& file, const schema::Schema& schema, unsigned threads);

// One pass into fresh memory (resize() would zero it first), its pages faulted in ahead and huge where the array is
// big (data/prefault.h: a fault per 4 KiB page is most of the cost of copying otherwise).
template <typename T>
void copy_into(std::vector<T>& out, Bytes bytes, uint64_t count) {
    const T* begin = reinterpret_cast<const T*>(bytes.data);
    std::vector<T> copy;
    if (count > 0) {
        copy.reserve(count);
        data::advise_huge_pages(copy.data(), count * sizeof(T));
        data::prefault_for_writing(copy.data(), count * sizeof(T));
        copy.insert(copy.end(), begin, begin + count);
    }
    out.swap(copy);
}

// Offsets of `count` items into `limit` bytes (or items): from 0, never decreasing, ending at `limit`.
void check_offsets(const uint64_t* offsets, uint64_t count, uint64_t limit, const std::string& what);

}  // namespace segmint::snapshot
