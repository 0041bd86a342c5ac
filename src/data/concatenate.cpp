#include "data/concatenate.h"

// glibc's malloc_trim, unless a sanitizer replaces the allocator (glibc's arenas are then never set up, and
// malloc_trim crashes under ThreadSanitizer).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define SEGMINT_SANITIZED_ALLOCATOR 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SEGMINT_SANITIZED_ALLOCATOR 1
#endif
#if defined(__GLIBC__) && !defined(SEGMINT_SANITIZED_ALLOCATOR)
#define SEGMINT_TRIM_MALLOC 1
#include <malloc.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "common/parallel.h"
#include "data/narrow_ints.h"
#include "data/prefault.h"

namespace segmint::data {

using schema::ColumnType;

namespace {

template <typename T>
void append_and_free(std::vector<T>& to, std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
    std::vector<T>().swap(from);
}

// The code in `into` of each value of `from`, interning them in `from`'s first-seen order: `into` holds the values of
// the earlier parts in their first-seen order, so it stays in first-seen order over all of them. Values are hashed
// and their index slots prefetched a batch ahead (see Dictionary::prefetch): a big index misses the cache.
std::vector<int32_t> intern_all(Dictionary& into, const Dictionary& from) {
    constexpr size_t kBatch = 16;
    std::vector<int32_t> codes(from.size());
    uint64_t hashes[kBatch];
    for (size_t start = 0; start < from.size(); start += kBatch) {
        const size_t count = std::min(kBatch, from.size() - start);
        for (size_t i = 0; i < count; ++i) {
            hashes[i] = Dictionary::hash(from.values[start + i]);
            into.prefetch(hashes[i]);
        }
        for (size_t i = 0; i < count; ++i) codes[start + i] = into.intern(from.values[start + i], hashes[i]);
    }
    return codes;
}

// A String part's codes renumbered into `out`'s dictionary (`codes`: the code in `out` of each of the part's values),
// appended at out's code width, which holds every code of the joined dictionary (agree_on_code_width). NULL slots
// keep code 0 (the part's dictionary may even be empty).
void append_renumbered_codes(Column& out, const Column& part, const std::vector<int32_t>& codes) {
    const auto append = [&](auto& to) {
        using N = typename std::remove_reference_t<decltype(to)>::value_type;
        std::vector<N>& values = vector_of(to);
        for (uint64_t row = 0; row < part.size; ++row) {
            values.push_back(part.validity.get(row) ? static_cast<N>(codes[static_cast<size_t>(part.code_at(row))])
                                                    : N{0});
        }
    };
    switch (out.code_width) {
        case 1: append(out.i8); break;
        case 2: append(out.i16); break;
        default: append(out.i32); break;
    }
}

// Appends the rows of `part` to `out` and frees `part`. Same type, and for Int the same width and base
// (agree_on_int_width has seen to that), for Enum the same code width (agree_on_code_width): narrowed parts join
// narrow.
void append_column(Column& out, Column& part) {
    const uint8_t narrow_width = out.type == ColumnType::Int && out.int_width != 8     ? out.int_width
                                 : out.type == ColumnType::Enum && out.code_width != 4 ? out.code_width
                                                                                       : 0;
    if (narrow_width != 0) {
        if (narrow_width == 1) append_and_free(vector_of(out.i8), vector_of(part.i8));
        if (narrow_width == 2) append_and_free(vector_of(out.i16), vector_of(part.i16));
        if (narrow_width == 4) append_and_free(vector_of(out.i32), vector_of(part.i32));
        out.validity.append(part.validity);
        out.size += part.size;
        part = Column{};
        return;
    }
    std::vector<int32_t> codes;
    if (out.type == ColumnType::String || out.type == ColumnType::StringList)
        codes = intern_all(out.dictionary, part.dictionary);
    switch (out.type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: append_and_free(vector_of(out.i64), vector_of(part.i64)); break;
        case ColumnType::Number: append_and_free(vector_of(out.f64), vector_of(part.f64)); break;
        case ColumnType::Bool: out.bools.append(part.bools); break;
        case ColumnType::Date:
        case ColumnType::Enum:
            append_and_free(vector_of(out.i32), vector_of(part.i32));
            break;  // enum codes are schema indexes
        case ColumnType::String: append_renumbered_codes(out, part, codes); break;
        case ColumnType::StringList: {
            const uint64_t first_item = out.list_codes.size();
            for (size_t i = 1; i < part.list_offsets.size(); ++i)
                out.list_offsets.push_back(first_item + part.list_offsets[i]);
            for (const int32_t code : part.list_codes) out.list_codes.push_back(codes[static_cast<size_t>(code)]);
            break;
        }
    }
    out.validity.append(part.validity);
    out.size += part.size;
    part = Column{};
}

// Faults in the pages the appends to `out` will write, one system call per array, huge pages for big arrays
// (data/prefault.h). Array k of `out` grows by at most the bytes of array k in the other parts (less for
// dictionaries: values shared between parts are stored once).
void prefault_growth(const Column& out, const std::vector<Table>& parts, size_t c) {
    std::vector<size_t> growth;
    for (size_t k = 1; k < parts.size(); ++k) {
        size_t array = 0;
        parts[k].column(c).for_each_filled_array([&](const void*, size_t used, size_t) {
            if (growth.size() <= array) growth.resize(array + 1, 0);
            growth[array++] += used;
        });
    }
    size_t array = 0;
    out.for_each_filled_array([&](const void* data, size_t used, size_t capacity) {
        const size_t more = array < growth.size() ? growth[array] : 0;
        ++array;
        if (capacity <= used) return;
        advise_huge_pages(data, capacity);
        prefault_for_writing(static_cast<const char*>(data) + used, std::min(more, capacity - used));
    });
}

// Int parts of different widths join at one, so the join reserves, prefaults and appends at the width it ends with;
// the loader narrows the whole after. Parts held from base 0 (as the CSV loader holds them) are re-held at the
// widest part's width; parts narrowed in different frames (each part's base from its own least value) are widened.
void agree_on_int_width(std::vector<Table>& parts, size_t c) {
    const Column& first = parts.front().column(c);
    if (first.type != ColumnType::Int) return;
    const bool agree = std::all_of(parts.begin(), parts.end(), [&](const Table& part) {
        return part.column(c).int_width == first.int_width && part.column(c).int_base == first.int_base;
    });
    if (agree) return;
    const bool from_zero =
        std::all_of(parts.begin(), parts.end(), [&](const Table& part) { return part.column(c).int_base == 0; });
    uint8_t widest = 0;
    for (const Table& part : parts) widest = std::max(widest, part.column(c).int_width);
    for (Table& part : parts) {
        if (from_zero) {
            hold_ints_at(part.mutable_column(c), widest);
        } else {
            part.mutable_column(c).widen_ints();
        }
    }
}

// Dictionary codes narrowed in the parts (data::Column::narrow_codes, or held narrow while loading): an Enum's codes
// are the schema's in every part, so parts of one width join as they are (others are widened). A String column's
// parts re-intern their values into the first part's dictionary, which ends with at most all the parts' values:
// every part is re-held at the width that many need (not at 4 bytes), and the column narrows again once joined if
// its dictionary came out smaller. Whether it does.
bool agree_on_code_width(std::vector<Table>& parts, size_t c) {
    const Column& first = parts.front().column(c);
    if (first.type != ColumnType::String && first.type != ColumnType::Enum) return false;
    const bool agree = std::all_of(parts.begin(), parts.end(),
                                   [&](const Table& part) { return part.column(c).code_width == first.code_width; });
    if (first.type == ColumnType::Enum && agree) return false;
    const bool narrowed =
        std::any_of(parts.begin(), parts.end(), [&](const Table& part) { return part.column(c).code_width != 4; });
    uint8_t width = 4;  // Enum parts that disagree are widened
    if (first.type == ColumnType::String && narrowed) {
        size_t values = 0;
        uint8_t widest = 1;
        for (const Table& part : parts) {
            values += part.column(c).dictionary.size();
            widest = std::max(widest, part.column(c).code_width);
        }
        width = std::max(narrow_code_width(values), widest);
    }
    for (Table& part : parts) hold_codes_at(part.mutable_column(c), width);
    return narrowed;
}

// Appends column `c` of parts[1..] to that of parts[0].
void join_column(std::vector<Table>& parts, size_t c) {
    agree_on_int_width(parts, c);
    const bool narrow_codes_after = agree_on_code_width(parts, c);
    Column& out = parts.front().mutable_column(c);
    // Grow each array (and dictionary) once, to its final size.
    uint64_t rows = 0;
    uint64_t items = 0;
    uint64_t values = 0;
    uint64_t value_bytes = 0;
    for (size_t k = 1; k < parts.size(); ++k) {
        const Column& part = parts[k].column(c);
        rows += part.size;
        items += part.list_codes.size();
        values += part.dictionary.size();
        value_bytes += part.dictionary.values.string_bytes();
    }
    out.reserve(rows, items);
    if (out.type == ColumnType::String || out.type == ColumnType::StringList) {
        // At most this many: values seen in several parts are interned once.
        out.dictionary.reserve(static_cast<size_t>(out.dictionary.size() + values),
                               static_cast<size_t>(out.dictionary.values.string_bytes() + value_bytes));
    }
    prefault_growth(out, parts, c);
    for (size_t k = 1; k < parts.size(); ++k) append_column(out, parts[k].mutable_column(c));
    if (narrow_codes_after) out.narrow_codes();
#if defined(SEGMINT_TRIM_MALLOC)
    // The parts' arrays were allocated on the threads that parsed them: glibc keeps memory freed there in those
    // threads' arenas, resident, so without a trim the join would hold about two tables at its end.
    ::malloc_trim(0);
#endif
}

}  // namespace

Table concatenate_tables(std::vector<Table>&& parts, unsigned threads) {
    // Parts without rows add nothing, and their columns keep the width they started at (8-byte ints, 4-byte codes:
    // a range of blank lines narrows nothing), which would make every part join that wide.
    std::vector<Table> with_rows;
    with_rows.reserve(parts.size());
    for (Table& part : parts) {
        if (part.rows() > 0) with_rows.push_back(std::move(part));
    }
    if (!with_rows.empty()) parts.swap(with_rows);
    const size_t columns = parts.front().column_count();
    // Columns are independent: each thread joins the next column not yet taken (parallel_for). Re-interning
    // dictionary values is the slowest part (a column of mostly distinct strings takes longer than all the others
    // together), so the columns with the most values go first and the other threads join the rest meanwhile.
    std::vector<size_t> order(columns);
    std::vector<uint64_t> values(columns, 0);
    for (size_t c = 0; c < columns; ++c) {
        order[c] = c;
        for (const Table& part : parts) values[c] += part.column(c).dictionary.size();
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] > values[b]; });
    parallel_for(columns, threads, [&](uint64_t i, unsigned) { join_column(parts, order[i]); });
    Table result = std::move(parts.front());
    result.finish_rows();
    return result;
}

}  // namespace segmint::data
