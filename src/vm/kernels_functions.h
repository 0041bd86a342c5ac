#pragma once
// Kernels of opcodes.def's "Functions": the built-in functions of the language (lower/upper, length, abs, round,
// coalesce, date parts, days_since), each the function's meaning in scalar/ mapped over the batch.
#include "vm/kernels.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

// lower/upper: sizes first, so the arena is allocated once and the views into it stay valid.
template <typename Map>
void map_text(ExecContext& cx, const Instruction& in, Map map) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    const std::string_view* av = st.values<std::string_view>(a);
    const uint64_t* an = a.valid;
    const Selection& s = st.selection();
    size_t total = 0;
    each(s, [&](uint32_t i) { total += test_bit(an, i) ? av[i].size() : 0; });
    // Text registers are never reused (codegen), so `d` is not `a`.
    std::string_view* dv = st.output<std::string_view>(d);
    d.arena.resize(total);
    size_t at = 0;
    std::string buffer;
    each(s, [&](uint32_t i) {
        if (!test_bit(an, i)) {
            dv[i] = std::string_view();
            return;
        }
        map(av[i], buffer);
        std::memcpy(d.arena.data() + at, buffer.data(), buffer.size());
        dv[i] = std::string_view(d.arena.data() + at, buffer.size());
        at += buffer.size();
    });
    std::copy(an, an + st.words(), d.owned_valid);
}

inline void exec_Lower(ExecContext& cx, const Instruction& in) {
    map_text(cx, in, [](std::string_view x, std::string& out) { scalar::lower(x, out); });
}
inline void exec_Upper(ExecContext& cx, const Instruction& in) {
    map_text(cx, in, [](std::string_view x, std::string& out) { scalar::upper(x, out); });
}
inline void exec_LengthStr(ExecContext& cx, const Instruction& in) {
    unary_total<std::string_view, int64_t>(cx, in, [](std::string_view x) { return scalar::length(x); });
}
inline void exec_LengthList(ExecContext& cx, const Instruction& in) {
    unary_total<ListRef, int64_t>(cx, in, [](ListRef x) { return static_cast<int64_t>(x.count); });
}

inline void exec_AbsI64(ExecContext& cx, const Instruction& in) {
    unary_checked<int64_t, int64_t>(cx, in, [](int64_t x, int64_t* o) { return scalar::abs(x, o); });
}
inline void exec_AbsF64(ExecContext& cx, const Instruction& in) {
    unary_checked<double, double>(cx, in, [](double x, double* o) { return scalar::abs(x, o); });
}
inline void exec_Round(ExecContext& cx, const Instruction& in) {
    unary_checked<double, double>(cx, in, [](double x, double* o) { return scalar::round(x, 0, o); });
}
inline void exec_RoundDigits(ExecContext& cx, const Instruction& in) {
    binary_checked<double, int64_t, double>(
        cx, in, [](double x, int64_t digits, double* o) { return scalar::round(x, digits, o); });
}

template <typename T>
void coalesce(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    Register& b = cx.reg(in.b);
    const T* av = st.values<T>(a);
    const T* bv = st.values<T>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    T* dv = st.output<T>(d);
    if constexpr (kSelective<T>) {
        each(st.selection(), [&](uint32_t i) { dv[i] = test_bit(an, i) ? av[i] : bv[i]; });
    } else {
        for (uint32_t i = 0, count = st.count; i < count; ++i) dv[i] = test_bit(an, i) ? av[i] : bv[i];
    }
    // After the rows: `d` may be `a` or `b`, and its validity bits are the ones read above.
    for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] = an[w] | bn[w];
}

// Booleans coalesce a word at a time: a's bits where a is present, b's elsewhere.
inline void exec_CoalesceBool(ExecContext& cx, const Instruction& in) {
    bool_words(cx, in, [](uint64_t av, uint64_t an, uint64_t bv, uint64_t bn) {
        return TruthWord{(an & av) | (~an & bv), an | bn};
    });
}
inline void exec_CoalesceI64(ExecContext& cx, const Instruction& in) { coalesce<int64_t>(cx, in); }
inline void exec_CoalesceF64(ExecContext& cx, const Instruction& in) { coalesce<double>(cx, in); }
inline void exec_CoalesceI32(ExecContext& cx, const Instruction& in) { coalesce<int32_t>(cx, in); }
inline void exec_CoalesceStr(ExecContext& cx, const Instruction& in) { coalesce<std::string_view>(cx, in); }
inline void exec_CoalesceList(ExecContext& cx, const Instruction& in) { coalesce<ListRef>(cx, in); }

inline void exec_Year(ExecContext& cx, const Instruction& in) {
    unary_total<int32_t, int64_t>(cx, in, [](int32_t x) { return scalar::year(x); });
}
inline void exec_Month(ExecContext& cx, const Instruction& in) {
    unary_total<int32_t, int64_t>(cx, in, [](int32_t x) { return scalar::month(x); });
}
inline void exec_DayOfWeek(ExecContext& cx, const Instruction& in) {
    unary_total<int32_t, int64_t>(cx, in, [](int32_t x) { return scalar::day_of_week(x); });
}
inline void exec_DaysSince(ExecContext& cx, const Instruction& in) {
    const scalar::AsOf as_of = cx.st.as_of;
    unary_total<int32_t, int64_t>(cx, in, [as_of](int32_t x) { return scalar::days_since(x, as_of); });
}

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
