// Column::narrow_ints and widen_ints (data/table.h): Int columns held in 1, 2 or 4 bytes a value, so passes over
// them read an eighth, a quarter or half of the memory (docs/performance.md, "Narrow columns"); narrow_codes and
// widen_codes: dictionary codes in 1 or 2 bytes.
#include "data/narrow_ints.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "data/table.h"
#include "data/value_range.h"

namespace segmint::data {
namespace {

// The offset of `value` from `base`, wrapping (Column::widened adds it back the same way).
int64_t offset_of(int64_t value, uint64_t base) { return static_cast<int64_t>(static_cast<uint64_t>(value) - base); }

// Calls f(row) for each NULL row of `column`, visiting only the validity words that have one.
template <typename F>
void each_null_row(const Column& column, F f) {
    const uint64_t* words = column.validity.words();
    const uint64_t count = words_for_bits(column.size);
    for (uint64_t w = 0; w < count; ++w) {
        const uint64_t in_range = w + 1 < count ? ~uint64_t{0} : last_word_mask(column.size);
        for (uint64_t missing = ~words[w] & in_range; missing != 0; missing &= missing - 1) {
            f(w * 64 + static_cast<uint64_t>(__builtin_ctzll(missing)));
        }
    }
}

// Rows into `out` as offsets from `base` (NULL slots 0), from the column's values as it holds them (`from`: its
// 8-byte values, or its offsets from int_base): every present value's offset fits N, as checked. All rows in one loop
// the compiler vectorizes (a NULL slot's offset may not fit N: it is truncated, then set to 0).
template <typename N, typename From>
void fill_narrow(const Column& column, const From* from, uint64_t base, Array<N>& out) {
    std::vector<N> values(column.size);
    for (uint64_t row = 0; row < column.size; ++row) {
        values[row] = static_cast<N>(offset_of(column.widened(from[row]), base));
    }
    each_null_row(column, [&](uint64_t row) { values[row] = N{0}; });
    out = std::move(values);
}

// Whether every present value fits N offset from some base; sets *base (0 when the values fit as they are).
template <typename N>
bool fits(int64_t low, int64_t high, uint64_t* base) {
    constexpr int64_t lowest = std::numeric_limits<N>::lowest(), highest = std::numeric_limits<N>::max();
    if (low >= lowest && high <= highest) {
        *base = 0;
        return true;
    }
    // The span, computed without overflow.
    const uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
    if (span > static_cast<uint64_t>(highest - lowest)) return false;
    // A base that maps low to N's lowest, unless it is past int64's top (low near it): then one that maps high to
    // N's highest. Either way the base is an int64 and base + offset never overflows (the VM relies on it).
    const int64_t based = low > std::numeric_limits<int64_t>::max() + lowest ? high - highest : low - lowest;
    *base = static_cast<uint64_t>(based);
    return true;
}

// Calls f with the array that holds values of `width` bytes (Int values and dictionary codes share i8, i16, i32).
template <typename F>
void with_array_of_width(Column& column, uint8_t width, F f) {
    switch (width) {
        case 1: f(column.i8); break;
        case 2: f(column.i16); break;
        case 4: f(column.i32); break;
        default: f(column.i64); break;
    }
}

// The values of the array of `from` bytes moved into the array of `to` bytes (wider), which keeps at least the old
// one's capacity (the loader reserved it for the whole file), and the old array freed.
void rehold(Column& column, uint8_t from, uint8_t to) {
    with_array_of_width(column, from, [&](auto& narrow) {
        with_array_of_width(column, to, [&](auto& wide) {
            using N = typename std::remove_reference_t<decltype(narrow)>::value_type;
            using W = typename std::remove_reference_t<decltype(wide)>::value_type;
            if constexpr (sizeof(W) > sizeof(N)) {
                std::vector<W> values;
                values.reserve(std::max(narrow.capacity(), narrow.size()));
                values.assign(narrow.begin(), narrow.end());
                wide = std::move(values);
                narrow = std::vector<N>();
            }
        });
    });
}

template <typename V>
void append_converted(Column& column, uint8_t width, const V* values, uint64_t count) {
    with_array_of_width(column, width, [&](auto& array) {
        using N = typename std::remove_reference_t<decltype(array)>::value_type;
        std::vector<N>& out = array.owned();
        const size_t old = out.size();
        out.resize(old + count);
        for (uint64_t i = 0; i < count; ++i) out[old + i] = static_cast<N>(values[i]);
    });
}

}  // namespace

uint8_t plain_int_width(const int64_t* values, uint64_t count) {
    int64_t low = 0, high = 0;
    for (uint64_t i = 0; i < count; ++i) {
        low = std::min(low, values[i]);
        high = std::max(high, values[i]);
    }
    const auto fits = [&](auto n) {
        using N = decltype(n);
        return low >= std::numeric_limits<N>::lowest() && high <= std::numeric_limits<N>::max();
    };
    return fits(int8_t{}) ? 1 : fits(int16_t{}) ? 2 : fits(int32_t{}) ? 4 : 8;
}

// Re-holds the column's values (ints or codes) at `width` bytes when that is wider than `*held`, its int_width or
// code_width.
void hold_wider(Column& column, uint8_t* held, uint8_t width) {
    if (width <= *held) return;
    rehold(column, *held, width);
    *held = width;
}

void hold_ints_at(Column& column, uint8_t width) { hold_wider(column, &column.int_width, width); }

void append_ints(Column& column, const int64_t* values, uint64_t count) {
    append_converted(column, column.int_width, values, count);
}

void hold_codes_at(Column& column, uint8_t width) { hold_wider(column, &column.code_width, width); }

void append_codes(Column& column, const int32_t* codes, uint64_t count) {
    append_converted(column, column.code_width, codes, count);
}

void Column::ints_into(int64_t* out) const {
    switch (int_width) {
        case 1: widen_offsets(i8.data(), size, int_base, out); break;
        case 2: widen_offsets(i16.data(), size, int_base, out); break;
        case 4: widen_offsets(i32.data(), size, int_base, out); break;
        default: std::copy(i64.begin(), i64.begin() + size, out); break;
    }
    // NULL slots: offset 0 reads as the base; make them 0 as at full width.
    each_null_row(*this, [out](uint64_t row) { out[row] = 0; });
}

bool Column::int_range(int64_t* low, int64_t* high) const {
    // Narrowed values are base + offset without overflow (narrow_ints), so the offsets' range gives the values'.
    const auto offsets = [&](const auto* values) {
        using N = std::remove_const_t<std::remove_pointer_t<decltype(values)>>;
        N least = 0, greatest = 0;
        if (!present_range(validity, values, size, &least, &greatest)) return false;
        *low = widened(least);
        *high = widened(greatest);
        return true;
    };
    switch (int_width) {
        case 1: return offsets(i8.data());
        case 2: return offsets(i16.data());
        case 4: return offsets(i32.data());
        default: return present_range(validity, i64.data(), size, low, high);
    }
}

void Column::narrow_ints() {
    if (type != schema::ColumnType::Int) return;
    const uint64_t held = int_width == 1   ? i8.size()
                          : int_width == 2 ? i16.size()
                          : int_width == 4 ? i32.size()
                                           : i64.size();
    if (held != size || int_width == 1) return;  // one byte is as narrow as it gets: no pass over the values
    int64_t low = 0, high = 0;
    if (!int_range(&low, &high)) low = high = 0;  // no value present
    uint64_t base = 0;
    uint8_t width = 0;
    if (fits<int8_t>(low, high, &base)) {
        width = 1;
    } else if (fits<int16_t>(low, high, &base)) {
        width = 2;
    } else if (fits<int32_t>(low, high, &base)) {
        width = 4;
    }
    if (width == 0 || width >= int_width) return;  // as narrow as it gets (a snapshot's column stays in place)
    const auto narrow_from = [&](const auto* from) {
        switch (width) {
            case 1: fill_narrow(*this, from, base, i8); break;
            case 2: fill_narrow(*this, from, base, i16); break;
            default: fill_narrow(*this, from, base, i32); break;
        }
    };
    switch (int_width) {  // from the array it holds, which is then freed
        case 2:
            narrow_from(i16.data());
            i16 = std::vector<int16_t>();
            break;
        case 4:
            narrow_from(i32.data());
            i32 = std::vector<int32_t>();
            break;
        default:
            narrow_from(i64.data());
            i64 = std::vector<int64_t>();
            break;
    }
    int_width = width;
    int_base = static_cast<int64_t>(base);
}

void Column::widen_ints() {
    if (int_width == 8) return;
    std::vector<int64_t> wide(size);
    ints_into(wide.data());
    i64 = std::move(wide);
    i8 = std::vector<int8_t>();
    i16 = std::vector<int16_t>();
    i32 = std::vector<int32_t>();
    int_width = 8;
    int_base = 0;
}

uint8_t narrow_code_width(size_t dictionary_values) {
    return dictionary_values <= 128 ? 1 : dictionary_values <= 32768 ? 2 : 4;
}

void Column::narrow_codes() {
    if (type != schema::ColumnType::String && type != schema::ColumnType::Enum) return;
    const uint8_t width = narrow_code_width(dictionary.size());
    if (width >= code_width) return;
    const auto narrow_into = [&](auto& out) {
        using N = typename std::remove_reference_t<decltype(out)>::value_type;
        std::vector<N> codes(size);
        for (uint64_t row = 0; row < size; ++row) codes[row] = static_cast<N>(code_at(row));  // < values: fits
        out = std::move(codes);
    };
    if (width == 1) narrow_into(i8);
    if (width == 2) narrow_into(i16);
    if (code_width == 2) i16 = std::vector<int16_t>();
    if (code_width == 4) i32 = std::vector<int32_t>();
    code_width = width;
}

void Column::widen_codes() { hold_codes_at(*this, 4); }

void Table::narrow_code_columns() {
    for (size_t i = 0; i < column_count(); ++i) {
        Column& column = mutable_column(i);
        if (column.name != schema().key) column.narrow_codes();
    }
}

void Table::narrow_int_columns() {
    for (size_t i = 0; i < column_count(); ++i) {
        Column& column = mutable_column(i);
        if (column.name != schema().key) column.narrow_ints();
    }
}

}  // namespace segmint::data
