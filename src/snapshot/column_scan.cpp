#include "snapshot/column_scan.h"

#include <algorithm>
#include <cstring>

#include "data/value_range.h"

namespace segmint::snapshot {
namespace {

using schema::ColumnType;

// Word w of a validity bitmap of `rows` bits as the file holds it: only its bytes are read (the last word may end
// past the buffer), and bits past `rows` come out clear.
uint64_t validity_word(const Bytes& validity, uint64_t w, uint64_t rows) {
    uint64_t word = 0;
    std::memcpy(&word, validity.data + 8 * w, static_cast<size_t>(std::min<uint64_t>(8, validity.size - 8 * w)));
    if (rows - 64 * w < 64) word &= (uint64_t{1} << (rows - 64 * w)) - 1;
    return word;
}

// data::present_range over a column's values, compiled twice where GCC can (as the interpreter is,
// vm/instruction_set.h): for the build's baseline and for x86-64-v3, whose 64-bit compares and 8- to 32-bit min and max
// the baseline lacks (SSE2); the program loader picks the copy the CPU runs (target_clones), and `flatten` puts
// present_range inside each copy. Over 16M values on this project's machine: int8 7.7 -> 2.4 ms, int64 10.5 -> 6.0 ms.
// Not under ThreadSanitizer (as common/popcount.cpp): the resolver runs during relocation, before the TSan runtime.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && !defined(__SANITIZE_THREAD__)
#define SEGMINT_SCAN_CLONES __attribute__((target_clones("default", "arch=x86-64-v3"), flatten))
#else
#define SEGMINT_SCAN_CLONES
#endif
#define SEGMINT_RANGE_OF(T)                                                                                   \
    SEGMINT_SCAN_CLONES bool range_of(const uint64_t* words, const T* values, uint64_t rows, T* low, T* high, \
                                      bool* nan, bool* null_value) {                                          \
        return data::present_range(words, values, rows, low, high, nan, null_value);                          \
    }
SEGMINT_RANGE_OF(int8_t)
SEGMINT_RANGE_OF(int16_t)
SEGMINT_RANGE_OF(int32_t)
SEGMINT_RANGE_OF(int64_t)
SEGMINT_RANGE_OF(double)
#undef SEGMINT_RANGE_OF

template <typename T>
void take_range(bool any, T low, T high, Findings& findings) {
    if (!any) return;
    findings.any = true;
    if constexpr (std::is_floating_point_v<T>) {
        findings.least_number = std::min<double>(findings.least_number, low);
        findings.greatest_number = std::max<double>(findings.greatest_number, high);
    } else {
        findings.least = std::min<int64_t>(findings.least, low);
        findings.greatest = std::max<int64_t>(findings.greatest, high);
    }
}

// The least and greatest present value of rows [first, end), whether one is NaN and whether a NULL row's slot holds
// anything: data::present_range over the file's values and validity words in place, but for the last word, which may
// end past its buffer and is copied.
template <typename T>
void scan_values(const ColumnBuffers& found, uint64_t rows, uint64_t first, uint64_t end, Findings& findings) {
    const auto* values = reinterpret_cast<const T*>(found.values.data);
    const auto* words = reinterpret_cast<const uint64_t*>(found.validity.data);  // on the file's 8-byte grid
    const uint64_t whole = std::max(first, std::min(end, rows / 64 * 64));       // rows of whole words
    const auto take = [&](const uint64_t* validity, uint64_t from, uint64_t to) {
        T low{}, high{};
        bool nan = false, null_value = false;
        const bool any = range_of(validity, values + from, to - from, &low, &high, &nan, &null_value);
        take_range(any, low, high, findings);
        findings.nan |= nan;
        findings.null_value |= null_value;
    };
    if (first < whole) take(words + first / 64, first, whole);
    if (whole < end) {
        const uint64_t last = validity_word(found.validity, whole / 64, rows);
        take(&last, whole, end);
    }
}

// The greatest of codes [first, end) as unsigned (a negative one is greater than any size): a selection the compiler
// vectorizes, where `bad |= code >= size` stayed a scalar loop (SSE2 has no unsigned 32-bit max).
SEGMINT_SCAN_CLONES uint32_t greatest_code(const Bytes& codes_bytes, uint64_t first, uint64_t end) {
    const auto* codes = reinterpret_cast<const int32_t*>(codes_bytes.data);
    uint32_t greatest = 0;
    for (uint64_t i = first; i < end; ++i) {
        greatest = static_cast<uint32_t>(codes[i]) > greatest ? static_cast<uint32_t>(codes[i]) : greatest;
    }
    return greatest;
}

}  // namespace

// Compiled twice as range_of is (SSE2 has no 64-bit compare).
SEGMINT_SCAN_CLONES bool offsets_decrease(const uint64_t* offsets, uint64_t first, uint64_t end) {
    bool bad = false;
    for (uint64_t i = first; i < end; ++i) bad |= offsets[i] > offsets[i + 1];
    return bad;
}

void Findings::merge(const Findings& other) {
    any |= other.any;
    nan |= other.nan;
    null_value |= other.null_value;
    least = std::min(least, other.least);
    greatest = std::max(greatest, other.greatest);
    least_number = std::min(least_number, other.least_number);
    greatest_number = std::max(greatest_number, other.greatest_number);
    offsets_decrease |= other.offsets_decrease;
    null_with_items |= other.null_with_items;
    greatest_item_code = std::max(greatest_item_code, other.greatest_item_code);
    dictionary_offsets_decrease |= other.dictionary_offsets_decrease;
}

uint64_t Piece::units_before(const unsigned char* at) const {
    if (at <= begin) return 0;
    const auto past = static_cast<uint64_t>(at - begin);
    if (past >= bytes) return units;
    return std::min(units, past / group_bytes * 64);
}

void add_pieces(const ColumnBuffers& found, ColumnType type, size_t index, uint64_t rows, std::vector<Piece>& pieces) {
    const auto add = [&](Piece::Kind kind, const Bytes& buffer, uint64_t units, uint64_t unit_bytes) {
        Piece piece;
        piece.kind = kind;
        piece.column = index;
        piece.type = type;
        piece.found = &found;
        piece.begin = buffer.data;
        piece.bytes = buffer.size;
        piece.units = units;
        piece.group_bytes = 64 * unit_bytes;
        if (units > 0) pieces.push_back(piece);
    };
    if (found.dictionary_size > 0) {
        add(Piece::DictionaryOffsets, found.dictionary_offsets, found.dictionary_size, sizeof(uint64_t));
    }
    switch (type) {
        case ColumnType::Int:
        case ColumnType::String:
        case ColumnType::Enum: add(Piece::Values, found.values, rows, static_cast<uint64_t>(found.value_bytes)); break;
        case ColumnType::Timestamp:
        case ColumnType::Number: add(Piece::Values, found.values, rows, 8); break;
        case ColumnType::Date: add(Piece::Values, found.values, rows, sizeof(int32_t)); break;
        case ColumnType::Bool: break;
        case ColumnType::StringList:
            add(Piece::ListOffsets, found.list_offsets, rows, sizeof(uint64_t));
            add(Piece::ListCodes, found.list_codes, found.items, sizeof(int32_t));
            break;
    }
}

void scan(const Piece& piece, uint64_t first, uint64_t end, Findings& findings) {
    const ColumnBuffers& found = *piece.found;
    switch (piece.kind) {
        case Piece::Values:
            switch (piece.type) {
                case ColumnType::Number: scan_values<double>(found, piece.units, first, end, findings); break;
                case ColumnType::Date: scan_values<int32_t>(found, piece.units, first, end, findings); break;
                case ColumnType::Timestamp: scan_values<int64_t>(found, piece.units, first, end, findings); break;
                default:  // Int, String and Enum: 1, 2, 4 or 8 bytes
                    switch (found.value_bytes) {
                        case 1: scan_values<int8_t>(found, piece.units, first, end, findings); break;
                        case 2: scan_values<int16_t>(found, piece.units, first, end, findings); break;
                        case 4: scan_values<int32_t>(found, piece.units, first, end, findings); break;
                        default: scan_values<int64_t>(found, piece.units, first, end, findings); break;
                    }
            }
            break;
        case Piece::ListOffsets: {
            const auto* offsets = reinterpret_cast<const uint64_t*>(found.list_offsets.data);
            findings.offsets_decrease |= offsets_decrease(offsets, first, end);
            findings.null_with_items |= any_null_row(
                first, end, [&](uint64_t w) { return validity_word(found.validity, w, piece.units); },
                [&](uint64_t row) { return offsets[row] != offsets[row + 1]; });
            break;
        }
        case Piece::ListCodes: {
            findings.greatest_item_code =
                std::max(findings.greatest_item_code, greatest_code(found.list_codes, first, end));
            break;
        }
        case Piece::DictionaryOffsets:
            findings.dictionary_offsets_decrease |=
                offsets_decrease(reinterpret_cast<const uint64_t*>(found.dictionary_offsets.data), first, end);
            break;
    }
}

}  // namespace segmint::snapshot
