#pragma once
// Kernels of opcodes.def's "Text and lists": substring tests, regular expressions and list membership. They cost far
// more per row than the other kernels and chase pointers, so they run over the selected rows only
// (selective_bool), never over rows an enclosing `and`/`or` has already decided. The exception: `contains` over a
// list column of at most 64 values that a batch tests again and again reads bits built over every row once per batch
// (list_column_contains).
#include "vm/kernels.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

template <typename Test>
void text_test(ExecContext& cx, const Instruction& in, Test test) {
    State& st = cx.st;
    Register& a = cx.reg(in.a);
    Register& b = cx.reg(in.b);
    const std::string_view* av = st.values<std::string_view>(a);
    const std::string_view* bv = st.values<std::string_view>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    selective_bool(st, cx.reg(in.dst), an, bn,
                   [&](uint32_t i) { return test_bit(an, i) && test_bit(bn, i) && test(av[i], bv[i]); });
}

inline void exec_Contains(ExecContext& cx, const Instruction& in) {
    text_test(cx, in, [](std::string_view x, std::string_view y) { return scalar::contains(x, y); });
}
// `starts with` / `ends with` a constant of at most 16 bytes: the row's first or last bytes loaded as two 8-byte words
// (overlapping when the constant is shorter than 16; a shift when shorter than 8) and compared with the constant's,
// instead of a memcmp call per row (`email ends with "@example.invalid"` over 10M customers on 1 thread: 9.4 to 3.8
// ns/row). Loads stay inside the row's string: strings shorter than 8 bytes, and longer constants, compare as scalar::
// does. The shifts read a word's first bytes as its low ones.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "AffixTest reads words as little-endian");
class AffixTest {
public:
    explicit AffixTest(std::string_view affix) : affix_(affix), words_(affix.size() <= 16) {
        const size_t k = affix.size();
        if (k >= 8 && k <= 16) {
            head_ = load(affix.data());
            tail_ = load(affix.data() + k - 8);
        } else if (k < 8) {
            // The k bytes as the low bytes of a little-endian word (zero above).
            for (size_t i = 0; i < k; ++i) head_ |= uint64_t{static_cast<unsigned char>(affix[i])} << (8 * i);
        }
    }
    bool starts(std::string_view x) const {
        const size_t k = affix_.size();
        if (!words_ || x.size() < 8) return scalar::starts_with(x, affix_);
        if (k >= 8) return x.size() >= k && load(x.data()) == head_ && load(x.data() + k - 8) == tail_;
        return k == 0 || (load(x.data()) << (8 * (8 - k))) == head_ << (8 * (8 - k));
    }
    bool ends(std::string_view x) const {
        const size_t k = affix_.size();
        if (!words_ || x.size() < 8) return scalar::ends_with(x, affix_);
        const char* end = x.data() + x.size();
        if (k >= 8) return x.size() >= k && load(end - 8) == tail_ && load(end - k) == head_;
        return k == 0 || load(end - 8) >> (8 * (8 - k)) == head_;
    }

private:
    static uint64_t load(const char* p) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        return w;
    }
    std::string_view affix_;
    bool words_;
    uint64_t head_ = 0, tail_ = 0;
};

// A constant affix tested with AffixTest; an affix that varies by row (a column) compared as scalar:: does.
template <bool kStarts>
void affix_test(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& a = cx.reg(in.a);
    const Register& b = cx.reg(in.b);
    if (b.broadcast) {  // the constant is not spread over the batch (State::values would)
        const AffixTest affix(constant_value<std::string_view>(*b.constant));
        const std::string_view* av = st.values<std::string_view>(a);
        const uint64_t* an = a.valid;
        const uint64_t* bn = b.valid;
        return selective_bool(st, cx.reg(in.dst), an, bn, [&](uint32_t i) {
            return test_bit(an, i) && test_bit(bn, i) && (kStarts ? affix.starts(av[i]) : affix.ends(av[i]));
        });
    }
    text_test(cx, in, [](std::string_view x, std::string_view y) {
        return kStarts ? scalar::starts_with(x, y) : scalar::ends_with(x, y);
    });
}
inline void exec_StartsWith(ExecContext& cx, const Instruction& in) { affix_test<true>(cx, in); }
inline void exec_EndsWith(ExecContext& cx, const Instruction& in) { affix_test<false>(cx, in); }

inline void exec_Matches(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& a = cx.reg(in.a);
    const RE2& regex = *cx.program.regexes[in.imm];
    const std::string_view* av = st.values<std::string_view>(a);
    const uint64_t* an = a.valid;
    selective_bool(st, cx.reg(in.dst), an, an, [&](uint32_t i) {
        return test_bit(an, i) && RE2::PartialMatch(re2::StringPiece(av[i].data(), av[i].size()), regex);
    });
}

// `list contains constant` over a list column as loaded: the constant's code found once, then each selected row's
// item codes compared with it where they lie in the column.
inline void list_column_contains(State& st, Register& d, const Register& a, const Register& b) {
    const data::Column& column = *a.list_column;
    const std::optional<int32_t> code = column.dictionary.find(constant_value<std::string_view>(*b.constant));
    const int32_t wanted = code ? *code : -1;  // not in the dictionary: no row holds it
    // A dictionary of at most 64 values read again and again: a bit test on the batch's ListBits (State::list_bits),
    // which a dense pass builds once per batch for every `contains` over the column.
    State::ListBits& bits = st.list_bits_of(column, a.list_at);
    ++bits.uses;
    if (column.dictionary.size() <= 64 && (bits.built || (bits.last_uses >= 2 && st.mostly_selected()))) {
        if (!bits.built) st.build_list_bits(bits);
        const uint64_t* rows = bits.rows.data();
        uint8_t* value = st.scratch;
        const uint32_t count = st.count;
        if (wanted < 0) {
            std::memset(value, 0, count);
        } else {
            for (uint32_t i = 0; i < count; ++i) value[i] = static_cast<uint8_t>((rows[i] >> wanted) & 1);
        }
        return finish_compare(st, d, a.valid, b.valid);
    }
    const uint64_t* offsets = column.list_offsets.data() + a.list_at;
    const int32_t* items = column.list_codes.data();
    const uint64_t item_count = column.list_codes.size();
    // Lists are short (a few tags): a loop over a row's items mispredicts its exit on nearly every row, so rows of up
    // to four items compare four codes unconditionally, those past the row's end masked off (they lie in the next
    // rows' items, inside the column; the last few items of the column take the loop).
    selective_bool(st, d, a.valid, b.valid, [&](uint32_t i) {
        const auto [begin, end] = data::clamped_range(offsets, i, item_count);  // as data::Column::list_range
        const uint64_t n = end - begin;
        if (n <= 4 && begin + 4 <= item_count) {
            const int32_t* p = items + begin;
            return 0 != (((n > 0) & (p[0] == wanted)) | ((n > 1) & (p[1] == wanted)) | ((n > 2) & (p[2] == wanted)) |
                         ((n > 3) & (p[3] == wanted)));
        }
        bool found = false;
        for (uint64_t k = begin; k < begin + n; ++k) found |= items[k] == wanted;
        return found;
    });
}

inline void exec_ListContains(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& a = cx.reg(in.a);
    Register& b = cx.reg(in.b);
    if (!a.data && b.broadcast) return list_column_contains(st, cx.reg(in.dst), a, b);
    const ListRef* av = st.values<ListRef>(a);
    const std::string_view* bv = st.values<std::string_view>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    // The searched string is nearly always the same constant, in one column's dictionary: remember its code between
    // rows.
    std::string_view cached_text;
    const data::Dictionary* cached_dictionary = nullptr;
    int32_t cached_code = -1;
    bool cached = false;
    selective_bool(st, cx.reg(in.dst), an, bn, [&](uint32_t i) {
        if (!test_bit(an, i) || !test_bit(bn, i)) return false;
        const data::Dictionary* dictionary = av[i].dictionary;
        if (!cached || bv[i].data() != cached_text.data() || bv[i].size() != cached_text.size() ||
            dictionary != cached_dictionary) {
            auto code = dictionary->find(bv[i]);
            cached_dictionary = dictionary;
            cached_code = code ? *code : -1;
            cached_text = bv[i];
            cached = true;
        }
        bool found = false;
        for (uint64_t k = 0; k < av[i].count; ++k) found |= av[i].codes[k] == cached_code;
        return found;
    });
}

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
