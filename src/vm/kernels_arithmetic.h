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

inline void exec_AddI64(ExecContext& cx, const Instruction& in) {
    binary_checked<int64_t, int64_t, int64_t>(cx, in,
                                              [](int64_t x, int64_t y, int64_t* o) { return scalar::add(x, y, o); });
}
inline void exec_SubI64(ExecContext& cx, const Instruction& in) {
    binary_checked<int64_t, int64_t, int64_t>(cx, in,
                                              [](int64_t x, int64_t y, int64_t* o) { return scalar::sub(x, y, o); });
}
inline void exec_MulI64(ExecContext& cx, const Instruction& in) {
    binary_checked<int64_t, int64_t, int64_t>(cx, in,
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
