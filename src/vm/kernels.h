#pragma once
// What every kernel family shares: the context a kernel runs in and the loop shapes (checked and total maps, bool
// results from per-row bytes). Each opcode of opcodes.def has a kernel `exec_<Name>(ExecContext&, const
// Instruction&)` in the family file of its section (kernels_loads.h, kernels_arithmetic.h, kernels_compare.h,
// kernels_text.h, kernels_functions.h, kernels_logic.h); machine.cpp's switch is generated from the table, so an
// opcode without a kernel does not compile. Internal to the vm stage.
//
// Row loops copy the batch's row count into a local (`count = st.count`) instead of testing `i < st.count`: a kernel's
// byte stores (scratch, per-row flags) may alias any object as far as the compiler knows, `st.count` included, so a
// loop bounded by the member reloads it after every store and is not vectorized (a date compared with a constant ran
// one row at a time).
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "vm/machine_state.h"
#include "vm/program.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

// What a kernel sees: the batch (registers, selections, scratch), the program it belongs to (constants, sets,
// regexes, lookups) and what the machine writes or reads besides registers.
struct ExecContext {
    State& st;
    const Program& program;
    std::vector<data::Bitmap>& memberships;
    const LookupTables* lookups;  // the program's bound lookup tables (null when it has no LookupCode)
    uint64_t* tally;              // non-null: StoreResult adds the batch's members here instead of setting bits

    // A register an instruction names. The destination may also be an operand: read the operands before writing it.
    Register& reg(uint16_t index) { return st.registers[index]; }
};

// dst := word(a, b) on two bool registers, 64 rows at a time: `word(a_value, a_valid, b_value, b_valid)` gives the
// result's TruthWord (and/or, bool comparison, bool coalesce).
template <typename Word>
void bool_words(ExecContext& cx, const Instruction& in, Word word) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    Register& b = cx.reg(in.b);
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    const uint64_t* bv = static_cast<const uint64_t*>(b.data);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    uint64_t* dv = st.output_bits(d);
    uint64_t* dn = d.owned_valid;
    for (uint32_t w = 0; w < st.words(); ++w) {
        const TruthWord result = word(av[w], an[w], bv[w], bn[w]);
        dv[w] = result.value;
        dn[w] = result.valid;
    }
}

// dst := op(a, b) where op returns false for NULL (overflow, division by zero, out of the calendar).
template <typename TA, typename TB, typename R, typename Op>
void binary_checked(ExecContext& cx, const Instruction& in, Op op) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    Register& b = cx.reg(in.b);
    const TA* av = st.values<TA>(a);
    const TB* bv = st.values<TB>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    R* dv = st.output<R>(d);
    uint8_t* ok = st.scratch;
    for (uint32_t i = 0, count = st.count; i < count; ++i) {
        R out{};
        const bool good = op(av[i], bv[i], &out);
        dv[i] = good ? out : R{};
        ok[i] = good;
    }
    // Packed in place, then combined word by word (each word read before it is written: `d` may be `a` or `b`).
    pack_bytes(ok, st.count, st.word_scratch);
    for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] = st.word_scratch[w] & an[w] & bn[w];
}

template <typename T, typename R, typename Op>
void unary_checked(ExecContext& cx, const Instruction& in, Op op) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    const T* av = st.values<T>(a);
    const uint64_t* an = a.valid;
    R* dv = st.output<R>(d);
    uint8_t* ok = st.scratch;
    for (uint32_t i = 0, count = st.count; i < count; ++i) {
        R out{};
        const bool good = op(av[i], &out);
        dv[i] = good ? out : R{};
        ok[i] = good;
    }
    pack_bytes(ok, st.count, st.word_scratch);
    for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] = st.word_scratch[w] & an[w];
}

// dst := f(a) for present rows; f is total (never NULL).
template <typename T, typename R, typename F>
void unary_total(ExecContext& cx, const Instruction& in, F f) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    const T* av = st.values<T>(a);
    const uint64_t* an = a.valid;
    R* dv = st.output<R>(d);
    uint64_t* dn = d.owned_valid;
    if constexpr (kSelective<T>) {
        each(st.selection(), [&](uint32_t i) { dv[i] = test_bit(an, i) ? f(av[i]) : R{}; });
    } else {
        for (uint32_t i = 0, count = st.count; i < count; ++i) dv[i] = test_bit(an, i) ? f(av[i]) : R{};
    }
    for (uint32_t w = 0; w < st.words(); ++w) dn[w] = an[w];
}

// Bool result bits from per-row bytes in scratch, valid where both operands are.
inline void finish_compare(State& st, Register& d, const uint64_t* an, const uint64_t* bn) {
    uint64_t* dv = st.output_bits(d);
    pack_bytes(st.scratch, st.count, dv);
    uint64_t* dn = d.owned_valid;
    for (uint32_t w = 0; w < st.words(); ++w) dn[w] = an[w] & bn[w];
}

// A Bool result computed per selected row: `test(i)` gives (present, value).
template <typename Test>
void selective_bool(State& st, Register& d, const uint64_t* an, const uint64_t* bn, Test test) {
    uint8_t* value = st.scratch;
    std::memset(value, 0, st.count);
    each(st.selection(), [&](uint32_t i) { value[i] = static_cast<uint8_t>(test(i)); });
    finish_compare(st, d, an, bn);
}

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
