#pragma once
// The columns of one Arrow file of a snapshot as a table (snapshot/reader.h): the customers, or one event table.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/prefault.h"
#include "data/table.h"
#include "schema/schema.h"
#include "snapshot/arrow_file.h"
#include "snapshot/column_scan.h"

namespace segmint::snapshot {

// The table of `file`, whose columns must be `schema`'s as the writer writes them, read in three steps: the
// constructor finds every column's buffers (and throws Problem where the file's structure is not segmint's), visit()
// checks the columns' rows that lie in bytes of the file as a pass over them goes by (column_scan.h; from `threads`
// workers at once, each piece of the file once), and finish() judges what the checks found and returns the table (or
// throws the first column's Problem). With `keep_alive` (the owner of the file's bytes) the columns view the file
// where they lie; without, they are copied out of it. With `narrow_ints` (the customers) Int columns and dictionary
// codes but the key's are held in the fewest bytes, as the loaders hold them; without (event tables), at 8 and 4.
class TableReading {
public:
    TableReading(const ArrowFile& file, const schema::Schema& schema, bool narrow_ints, unsigned threads,
                 std::shared_ptr<const void> keep_alive);
    TableReading(const TableReading&) = delete;  // the pieces point into `located_`
    TableReading& operator=(const TableReading&) = delete;

    void visit(const unsigned char* begin, const unsigned char* end, unsigned worker);
    data::Table finish();

private:
    const schema::Schema& schema_;
    bool narrow_ints_;
    unsigned threads_;
    std::shared_ptr<const void> keep_alive_;
    uint64_t rows_ = 0;
    std::vector<ColumnBuffers> located_;
    std::vector<Piece> pieces_;
    std::vector<std::vector<Findings>> findings_;  // [worker][column]
};

// The three steps on their own, for a table whose bytes were already hashed (an event table inside the snapshot).
data::Table read_table(const ArrowFile& file, const schema::Schema& schema, bool narrow_ints, unsigned threads,
                       const std::shared_ptr<const void>& keep_alive);

// One pass into fresh memory (resize() would zero it first), its pages faulted in ahead and huge where the array is
// big (data::copy_prefaulted).
template <typename T>
void copy_into(std::vector<T>& out, Bytes bytes, uint64_t count) {
    out = data::copy_prefaulted(reinterpret_cast<const T*>(bytes.data), static_cast<size_t>(count));
}

// `count` values at `bytes` as `out`: a view of them when there is `keep_alive` and they are aligned for T (a
// snapshot's buffers lie on an 8-byte grid from the file's start, which a mapping puts on a page), else a copy.
template <typename T>
void view_or_copy(data::Array<T>& out, Bytes bytes, uint64_t count, const std::shared_ptr<const void>& keep_alive) {
    if (keep_alive && reinterpret_cast<uintptr_t>(bytes.data) % alignof(T) == 0) {
        out = data::Array<T>::view(reinterpret_cast<const T*>(bytes.data), count, keep_alive);
    } else {
        copy_into(out.owned(), bytes, count);
    }
}

// Offsets of `count` items into `limit` bytes (or items): from 0, ending at `limit`, and never decreasing, which
// `decrease` says (offsets_decrease, or what the pass over the file found).
void check_offsets(const uint64_t* offsets, uint64_t count, uint64_t limit, bool decrease, const std::string& what);

}  // namespace segmint::snapshot
