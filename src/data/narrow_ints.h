#pragma once
// Int columns held from base 0 and dictionary codes at a width that grows as rows come: the CSV loader holds them
// narrow while it loads (csv_records.cpp), and the parallel load joins parts held at different widths
// (concatenate.cpp). Column::narrow_ints then picks the frame of reference once, over the whole column.
#include <cstdint>

#include "data/table.h"

namespace segmint::data {

// The fewest bytes (1, 2, 4 or 8) that hold every one of `count` values as they are (from base 0).
uint8_t plain_int_width(const int64_t* values, uint64_t count);

// An Int column held from base 0 (int_base 0) re-held at `width` bytes, wider than its int_width: the values of the
// array it holds them in (all of them, whatever `size` says) are copied into the array of that width, which keeps
// at least the old array's capacity; the old array is freed. Nothing happens when `width` is not wider.
void hold_ints_at(Column& column, uint8_t width);

// `count` values, each fitting the column's int_width (from base 0), appended to the array it holds them in.
void append_ints(Column& column, const int64_t* values, uint64_t count);

// The same for a String or Enum column's dictionary codes (code_width 1, 2 or 4).
void hold_codes_at(Column& column, uint8_t width);
void append_codes(Column& column, const int32_t* codes, uint64_t count);

}  // namespace segmint::data
