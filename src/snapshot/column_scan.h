#pragma once
// The checks of a snapshot's columns, run on the file's bytes as the checksum's pass goes by them (snapshot/reader.h):
// each column's big buffers are pieces, and the rows of a piece whose bytes the pass has just hashed are checked while
// they are in the core's cache. What the checks find is gathered per worker and column (Findings) and judged once the
// whole file has passed and its checksum matched (table_reader.cpp), so a corrupt file is still reported as corrupt
// rather than as a column's odd value.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "schema/schema.h"
#include "snapshot/arrow_file.h"

namespace segmint::snapshot {

// A column's least and greatest present value as its field's metadata gives them (format.h: kLeastKey, kGreatestKey).
struct StoredRange {
    bool given = false;
    std::string least, greatest;
};

// Where one column's buffers lie in the record batch's body (found in order, before any is read).
struct ColumnBuffers {
    std::string what;
    StoredRange stored;
    Bytes validity, values, list_offsets, list_codes;
    uint64_t nulls = 0, items = 0;
    // An Int column's width in the file (Arrow Int8 to Int64), or a String or Enum column's codes' (Int8 to Int32).
    int value_bytes = 8;
    // The column's dictionary, when it has one: its values' offsets (one more than its values) and their bytes.
    std::string dictionary_what;
    Bytes dictionary_offsets, dictionary_strings;
    uint64_t dictionary_size = 0;
};

// What the checks found in the rows of one column a worker checked; merged over the workers.
struct Findings {
    bool any = false;         // a present value
    bool nan = false;         // a present NaN (Number)
    bool null_value = false;  // a NULL row whose slot holds anything but zero bits (a code: anything but 0)
    // The least and greatest present value: Int, Date, Timestamp and codes in `least` and `greatest`, Number in
    // `least_number` and `greatest_number`.
    int64_t least = std::numeric_limits<int64_t>::max(), greatest = std::numeric_limits<int64_t>::min();
    double least_number = std::numeric_limits<double>::max(), greatest_number = std::numeric_limits<double>::lowest();
    bool offsets_decrease = false;    // a list's offsets
    bool null_with_items = false;     // a list's NULL row
    uint32_t greatest_item_code = 0;  // a list's, as unsigned (a negative code is greater than any size)
    bool dictionary_offsets_decrease = false;

    void merge(const Findings& other);
};

// The buffer of one column whose rows (or list items, or dictionary values) are checked piece by piece.
struct Piece {
    enum Kind { Values, ListOffsets, ListCodes, DictionaryOffsets };
    Kind kind = Values;
    size_t column = 0;
    schema::ColumnType type = schema::ColumnType::Int;
    const ColumnBuffers* found = nullptr;
    const unsigned char* begin = nullptr;  // the buffer's first byte
    uint64_t bytes = 0;                    // its size
    uint64_t units = 0;                    // rows, items or dictionary values
    uint64_t group_bytes = 0;              // the bytes of 64 units

    // The units whose group of 64 ends before `at` (a group is checked with the piece of the pass its last byte is in).
    uint64_t units_before(const unsigned char* at) const;
};

// The pieces of column `index` (none for a Bool column, whose bits are few and read afterwards).
void add_pieces(const ColumnBuffers& found, schema::ColumnType type, size_t index, uint64_t rows,
                std::vector<Piece>& pieces);

// Whether offsets[i] > offsets[i + 1] for some i in [first, end).
bool offsets_decrease(const uint64_t* offsets, uint64_t first, uint64_t end);

// Checks units [first, end) of the piece (first a multiple of 64) into `findings`.
void scan(const Piece& piece, uint64_t first, uint64_t end, Findings& findings);

// Whether any NULL row among `rows` has row_bad(row) hold: only the clear bits of each word are visited, so a column
// with no NULLs costs a pass over its bitmap and one with a few NULLs little more. `word(w)` gives word w with the
// bits past `rows` clear.
template <typename Word, typename RowBad>
bool any_null_row(uint64_t first, uint64_t end, Word word, RowBad row_bad) {
    bool bad = false;
    for (uint64_t w = first / 64; w < (end + 63) / 64; ++w) {
        uint64_t nulls = ~word(w);
        if (end - 64 * w < 64) nulls &= (uint64_t{1} << (end - 64 * w)) - 1;  // not the rows past the last
        for (; nulls != 0; nulls &= nulls - 1) bad |= row_bad(64 * w + static_cast<uint64_t>(__builtin_ctzll(nulls)));
    }
    return bad;
}

}  // namespace segmint::snapshot
