#pragma once
// Kernels of opcodes.def's "Text and lists": substring tests, regular expressions and list membership. They cost far
// more per row than the other kernels and chase pointers, so they run over the selected rows only
// (selective_bool), never over rows an enclosing `and`/`or` has already decided.
#include "vm/kernels.h"

namespace segmint::vm {

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
inline void exec_StartsWith(ExecContext& cx, const Instruction& in) {
    text_test(cx, in, [](std::string_view x, std::string_view y) { return scalar::starts_with(x, y); });
}
inline void exec_EndsWith(ExecContext& cx, const Instruction& in) {
    text_test(cx, in, [](std::string_view x, std::string_view y) { return scalar::ends_with(x, y); });
}

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
    const uint64_t* offsets = column.list_offsets.data() + a.list_at;
    const int32_t* items = column.list_codes.data();
    const uint64_t item_count = column.list_codes.size();
    // Lists are short (a few tags): a loop over a row's items mispredicts its exit on nearly every row, so rows of up
    // to four items compare four codes unconditionally, those past the row's end masked off (they lie in the next
    // rows' items, inside the column; the last few items of the column take the loop).
    selective_bool(st, d, a.valid, b.valid, [&](uint32_t i) {
        const uint64_t begin = offsets[i], n = offsets[i + 1] - begin;
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

}  // namespace segmint::vm
