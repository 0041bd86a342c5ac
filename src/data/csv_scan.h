#pragma once
// Splitting CSV text into fields (RFC 4180): the scanner the loader calls for every field, inline so the per-field
// call costs nothing. Keeps no state between calls: a field cut by the end of the buffer is scanned again.
// Internal to the data stage.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstddef>
#include <cstdint>

namespace segmint::data::csv {

enum class Scan { Field, NeedMore, Unterminated, TextAfterQuote, QuoteInUnquoted };
enum class Terminator { Comma, LineBreak, End };

struct Field {
    size_t begin = 0;  // content in the buffer: between the quotes for a quoted field, `""` not yet undone
    size_t end = 0;
    size_t next = 0;  // first byte after the terminator
    bool quoted = false;
    bool escaped = false;  // content contains `""`
    Terminator terminator = Terminator::End;
    uint64_t line_breaks = 0;  // inside a quoted field
};

// Finds the first byte in [i, end) that ends an unquoted field (`,`, LF, CR, or a quote, which is not allowed in
// one), or that needs a look inside a quoted field (LF, CR, quote). Sixteen bytes at a time where SSE2 is available
// (every x86-64), eight at a time elsewhere; returns `end` when there is none.
#if defined(__SSE2__)
template <bool kQuoted>
inline size_t find_stop(const char* data, size_t i, size_t end) {
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"');
    for (; i + 16 <= end; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, lf), _mm_cmpeq_epi8(block, cr)),
                                    _mm_cmpeq_epi8(block, quote));
        if (!kQuoted) hits = _mm_or_si128(hits, _mm_cmpeq_epi8(block, comma));
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
        if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    for (; i < end; ++i) {
        const char c = data[i];
        if (c == '\n' || c == '\r' || c == '"' || (!kQuoted && c == ',')) return i;
    }
    return end;
}
#else
template <bool kQuoted>
inline size_t find_stop(const char* data, size_t i, size_t end) {
    for (; i < end; ++i) {
        const char c = data[i];
        if (c == '\n' || c == '\r' || c == '"' || (!kQuoted && c == ',')) return i;
    }
    return end;
}
#endif

// Scans one field starting at `pos`. Returns NeedMore when the field (or the byte after a CR or a quote) runs past
// `end` and more input may follow; the caller then refills and scans the same field again from its start, so the
// scanner keeps no state between calls.
inline Scan scan_field(const char* data, size_t pos, size_t end, bool eof, Field* field) {
    field->line_breaks = 0;
    field->escaped = false;
    if (pos < end && data[pos] == '"') {
        field->quoted = true;
        field->begin = pos + 1;
        size_t i = pos + 1;
        for (;;) {
            i = find_stop<true>(data, i, end);
            if (i == end) return eof ? Scan::Unterminated : Scan::NeedMore;
            const char c = data[i];
            if (c == '\n') {
                ++field->line_breaks;
                ++i;
                continue;
            }
            if (c == '\r') {
                if (i + 1 == end && !eof) return Scan::NeedMore;
                i += (i + 1 < end && data[i + 1] == '\n') ? 2 : 1;
                ++field->line_breaks;
                continue;
            }
            // A quote: either the first of `""` or the closing one.
            if (i + 1 == end) {
                if (!eof) return Scan::NeedMore;
                field->end = i;
                field->next = end;
                field->terminator = Terminator::End;
                return Scan::Field;
            }
            if (data[i + 1] == '"') {
                field->escaped = true;
                i += 2;
                continue;
            }
            field->end = i;
            const size_t after = i + 1;
            const char next = data[after];
            if (next == ',') {
                field->terminator = Terminator::Comma;
                field->next = after + 1;
            } else if (next == '\n') {
                field->terminator = Terminator::LineBreak;
                field->next = after + 1;
            } else if (next == '\r') {
                if (after + 1 == end && !eof) return Scan::NeedMore;
                field->terminator = Terminator::LineBreak;
                field->next = (after + 1 < end && data[after + 1] == '\n') ? after + 2 : after + 1;
            } else {
                return Scan::TextAfterQuote;
            }
            return Scan::Field;
        }
    }
    field->quoted = false;
    field->begin = pos;
    size_t i = pos;
    i = find_stop<false>(data, i, end);
    field->end = i;
    if (i == end) {
        if (!eof) return Scan::NeedMore;
        field->terminator = Terminator::End;
        field->next = end;
        return Scan::Field;
    }
    const char c = data[i];
    if (c == ',') {
        field->terminator = Terminator::Comma;
        field->next = i + 1;
    } else if (c == '\n') {
        field->terminator = Terminator::LineBreak;
        field->next = i + 1;
    } else if (c == '\r') {
        if (i + 1 == end && !eof) return Scan::NeedMore;
        field->terminator = Terminator::LineBreak;
        field->next = (i + 1 < end && data[i + 1] == '\n') ? i + 2 : i + 1;
    } else {
        field->end = i;  // the offending quote, for the error position
        return Scan::QuoteInUnquoted;
    }
    return Scan::Field;
}

}  // namespace segmint::data::csv
