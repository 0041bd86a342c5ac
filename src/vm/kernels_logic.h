#pragma once
// Kernels of opcodes.def's "Three-valued logic and selections": not/and/or as word formulas (vm/bits.h, checked
// against scalar's tables), narrowing and restoring the selection, and the two places a program's result goes (its
// segment's membership bitmap or its count, or a shared condition's slot for this batch).
#include "common/popcount.h"
#include "vm/kernels.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

inline void exec_Not(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    const uint64_t* an = a.valid;
    uint64_t* dv = st.output_bits(d);
    uint64_t* dn = d.owned_valid;
    for (uint32_t w = 0; w < st.words(); ++w) {
        const TruthWord result = not_word(av[w], an[w]);
        dv[w] = result.value;
        dn[w] = result.valid;
    }
}

// and/or: a lambda, not a function pointer, so each loop has its formula inlined.
inline void exec_And(ExecContext& cx, const Instruction& in) {
    bool_words(cx, in, [](uint64_t av, uint64_t an, uint64_t bv, uint64_t bn) { return and_word(av, an, bv, bn); });
}
inline void exec_Or(ExecContext& cx, const Instruction& in) {
    bool_words(cx, in, [](uint64_t av, uint64_t an, uint64_t bv, uint64_t bn) { return or_word(av, an, bv, bn); });
}

inline void exec_NarrowNotFalse(ExecContext& cx, const Instruction& in) { cx.st.push_narrowed(cx.reg(in.a), false); }
inline void exec_NarrowNotTrue(ExecContext& cx, const Instruction& in) { cx.st.push_narrowed(cx.reg(in.a), true); }
inline void exec_RenarrowNotFalse(ExecContext& cx, const Instruction& in) { cx.st.renarrow(cx.reg(in.a), false); }
inline void exec_RenarrowNotTrue(ExecContext& cx, const Instruction& in) { cx.st.renarrow(cx.reg(in.a), true); }
inline void exec_PopSelection(ExecContext& cx, const Instruction&) { cx.st.pop_selection(); }

inline void exec_StoreResult(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    const Register& a = cx.reg(in.a);
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    const uint64_t* an = a.valid;
    const uint64_t* open = st.masks[0].data();  // rows [0, count)
    if (cx.tally) {
        *cx.tally += and_popcount_words(av, an, open, st.words());
        return;
    }
    data::Bitmap& bits = cx.memberships[cx.program.segment];
    const uint64_t at = st.membership_bit();
    if (at % 64 == 0) {
        // Whole words: this thread owns the words of its rows (ranges start on word boundaries).
        uint64_t* words = bits.mutable_words() + at / 64;
        for (uint32_t w = 0; w < st.words(); ++w) words[w] |= av[w] & an[w] & open[w];
        return;
    }
    for (uint32_t i = 0, count = st.count; i < count; ++i) {
        if (test_bit(av, i) && test_bit(an, i)) bits.set(at + i);
    }
}

inline void exec_StoreShared(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    const Register& a = cx.reg(in.a);
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    std::copy(av, av + st.words(), st.shared_value.at(in.imm).begin());  // sized by State::prepare
    std::copy(a.valid, a.valid + st.words(), st.shared_valid.at(in.imm).begin());
}

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
