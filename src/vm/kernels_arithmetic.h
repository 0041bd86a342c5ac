#pragma once
// Kernels of opcodes.def's "Conversions" and "Arithmetic": each is a checked or total map over every row of the
// batch (kernels.h) around the operation's meaning in scalar/, so overflow, division by zero and leaving the calendar
// give NULL exactly as in the reference evaluator.
#include "vm/kernels.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

inline void exec_I64ToF64(ExecContext& cx, const Instruction& in) {
    unary_checked<int64_t, double>(cx, in, [](int64_t x, double* o) { return scalar::to_number(x, o); });
}
inline void exec_DateToTs(ExecContext& cx, const Instruction& in) {
    unary_total<int32_t, int64_t>(cx, in, [](int32_t x) { return scalar::date_to_timestamp(x); });
}
inline void exec_TsToDate(ExecContext& cx, const Instruction& in) {
    unary_total<int64_t, int32_t>(cx, in, [](int64_t x) { return scalar::timestamp_to_date(x); });
}

inline void exec_NegI64(ExecContext& cx, const Instruction& in) {
    unary_checked<int64_t, int64_t>(cx, in, [](int64_t x, int64_t* o) { return scalar::negate(x, o); });
}
inline void exec_NegF64(ExecContext& cx, const Instruction& in) {
    unary_checked<double, double>(cx, in, [](double x, double* o) { return scalar::negate(x, o); });
}

// Whether every one of the batch's values lies in [-2^kBits, 2^kBits): one OR over the batch, which vectorizes.
template <int kBits>
bool batch_within(const int64_t* values, uint32_t count) {
    uint64_t outside = 0;
    for (uint32_t i = 0; i < count; ++i)
        outside |= (static_cast<uint64_t>(values[i]) + (uint64_t{1} << kBits)) >> (kBits + 1);
    return outside == 0;
}

// `+`, `-` and `*` of 64-bit ints: NULL where the result overflows. Where both operands of every row of the batch lie
// within ±2^kBits, no row can overflow (sums within ±2^63, products of 32-bit values within 2^62): the rows are
// computed without a check each (`fast`, which vectorizes; the checked loop is a multiply and a branch per row) and
// are all valid where both operands are, as the checked loop would have found them.
template <int kBits, typename Fast, typename Checked>
void binary_int_arithmetic(ExecContext& cx, const Instruction& in, Fast fast, Checked checked) {
    State& st = cx.st;
    const int64_t* av = st.values<int64_t>(cx.reg(in.a));
    const int64_t* bv = st.values<int64_t>(cx.reg(in.b));
    const uint32_t count = st.count;
    if (!batch_within<kBits>(av, count) || !batch_within<kBits>(bv, count)) {
        return binary_checked<int64_t, int64_t, int64_t>(cx, in, checked);
    }
    Register& d = cx.reg(in.dst);
    const uint64_t* an = cx.reg(in.a).valid;
    const uint64_t* bn = cx.reg(in.b).valid;
    int64_t* dv = st.output<int64_t>(d);
    for (uint32_t i = 0; i < count; ++i) dv[i] = fast(av[i], bv[i]);
    // As binary_checked leaves them: bits past the batch's last row clear.
    const uint64_t* open = st.masks[0].data();  // rows [0, count)
    for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] = open[w] & an[w] & bn[w];
}

inline void exec_AddI64(ExecContext& cx, const Instruction& in) {
    binary_int_arithmetic<62>(
        cx, in, [](int64_t x, int64_t y) { return x + y; },
        [](int64_t x, int64_t y, int64_t* o) { return scalar::add(x, y, o); });
}
inline void exec_SubI64(ExecContext& cx, const Instruction& in) {
    binary_int_arithmetic<62>(
        cx, in, [](int64_t x, int64_t y) { return x - y; },
        [](int64_t x, int64_t y, int64_t* o) { return scalar::sub(x, y, o); });
}
inline void exec_MulI64(ExecContext& cx, const Instruction& in) {
    binary_int_arithmetic<31>(
        cx, in,
        [](int64_t x, int64_t y) {  // 32-bit operands: one signed 32x32->64 multiply per lane (vpmuldq)
            return static_cast<int64_t>(static_cast<int32_t>(x)) * static_cast<int32_t>(y);
        },
        [](int64_t x, int64_t y, int64_t* o) { return scalar::mul(x, y, o); });
}
inline void exec_ModI64(ExecContext& cx, const Instruction& in) {
    binary_checked<int64_t, int64_t, int64_t>(cx, in,
                                              [](int64_t x, int64_t y, int64_t* o) { return scalar::mod(x, y, o); });
}

inline void exec_AddF64(ExecContext& cx, const Instruction& in) {
    binary_checked<double, double, double>(cx, in, [](double x, double y, double* o) { return scalar::add(x, y, o); });
}
inline void exec_SubF64(ExecContext& cx, const Instruction& in) {
    binary_checked<double, double, double>(cx, in, [](double x, double y, double* o) { return scalar::sub(x, y, o); });
}
inline void exec_MulF64(ExecContext& cx, const Instruction& in) {
    binary_checked<double, double, double>(cx, in, [](double x, double y, double* o) { return scalar::mul(x, y, o); });
}
inline void exec_DivF64(ExecContext& cx, const Instruction& in) {
    binary_checked<double, double, double>(cx, in, [](double x, double y, double* o) { return scalar::div(x, y, o); });
}
inline void exec_ModF64(ExecContext& cx, const Instruction& in) {
    binary_checked<double, double, double>(cx, in, [](double x, double y, double* o) { return scalar::mod(x, y, o); });
}

// Date and timestamp shifts: the amount is a constant of the program, read once per batch.
inline void exec_ShiftDays(ExecContext& cx, const Instruction& in) {
    const int64_t amount = cx.program.constants[in.imm].i64;
    unary_checked<int32_t, int32_t>(cx, in,
                                    [amount](int32_t x, int32_t* o) { return scalar::shift_days(x, amount, o); });
}
inline void exec_ShiftMonthsD(ExecContext& cx, const Instruction& in) {
    const int64_t amount = cx.program.constants[in.imm].i64;
    unary_checked<int32_t, int32_t>(cx, in,
                                    [amount](int32_t x, int32_t* o) { return scalar::shift_months(x, amount, o); });
}
inline void exec_ShiftMicros(ExecContext& cx, const Instruction& in) {
    const int64_t amount = cx.program.constants[in.imm].i64;
    unary_checked<int64_t, int64_t>(cx, in,
                                    [amount](int64_t x, int64_t* o) { return scalar::shift_micros(x, amount, o); });
}
inline void exec_ShiftMonthsT(ExecContext& cx, const Instruction& in) {
    const int64_t amount = cx.program.constants[in.imm].i64;
    unary_checked<int64_t, int64_t>(cx, in,
                                    [amount](int64_t x, int64_t* o) { return scalar::shift_months(x, amount, o); });
}

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
