#pragma once
// Kernels of opcodes.def's "Loads and constants": columns, segment memberships and shared conditions into registers,
// constants as broadcast registers. Int, number, date, bool and list columns are views (no copy); text is resolved
// through its dictionary at the selected rows only.
#include "vm/kernels.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

template <typename T>
void load_column(ExecContext& cx, const Instruction& in, const data::Array<T> data::Column::*values) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Column& column = st.column(in.imm);
    const uint64_t at = st.first_row(in.imm);
    const uint64_t* valid = st.column_validity(column, at, d);
    d.broadcast = false;
    d.data = (column.*values).data() + at;
    d.valid = valid;
}

inline void exec_LoadBool(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Column& column = st.column(in.imm);
    const uint64_t at = st.first_row(in.imm);
    d.valid = st.column_validity(column, at, d);
    d.broadcast = false;
    // The column's bits where they lie (a batch starts on a word), as LoadSegment reads a membership.
    if (at % 64 == 0) {
        d.data = column.bools.words() + at / 64;
        return;
    }
    extract_bits(column.bools.words(), column.bools.word_count(), at, st.count, static_cast<uint64_t*>(d.owned));
    d.data = d.owned;
}

// A narrowed int column stays narrow (a null `data`, Register::narrow) until a kernel needs 8-byte values.
inline void exec_LoadI64(ExecContext& cx, const Instruction& in) {
    const data::Column& column = cx.st.column(in.imm);
    if (column.int_width == 8) return load_column(cx, in, &data::Column::i64);
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const uint64_t at = st.first_row(in.imm);
    d.valid = st.column_validity(column, at, d);
    d.broadcast = false;
    d.data = nullptr;
    d.narrow_width = column.int_width;
    d.narrow_base = column.int_base;
    switch (column.int_width) {
        case 1: d.narrow = column.i8.data() + at; break;
        case 2: d.narrow = column.i16.data() + at; break;
        default: d.narrow = column.i32.data() + at; break;
    }
}
inline void exec_LoadF64(ExecContext& cx, const Instruction& in) { load_column(cx, in, &data::Column::f64); }
inline void exec_LoadI32(ExecContext& cx, const Instruction& in) { load_column(cx, in, &data::Column::i32); }

inline void exec_LoadStr(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Column& column = st.column(in.imm);
    const uint64_t at = st.first_row(in.imm);
    const uint64_t* valid = st.column_validity(column, at, d);
    std::string_view* dv = st.output<std::string_view>(d);
    d.valid = valid;
    // Dictionary::value with the arena's pointers read once per batch, not once per row.
    const data::StringArena::Strings strings = column.dictionary.values.strings();
    const auto resolve = [&](const auto* codes) {
        // Inlined by force: GCC calls a lambda that `each` uses in two loops once per row otherwise.
        each(
            st.selection(), [&](uint32_t i) __attribute__((always_inline)) {
                const auto code = static_cast<uint32_t>(data::read_once(codes + i));  // a snapshot's, in place
                dv[i] = test_bit(valid, i) && code < strings.count ? strings[code] : std::string_view();
            });
    };
    switch (column.code_width) {  // codes as the column holds them (data::Column::narrow_codes)
        case 1: resolve(column.i8.data() + at); break;
        case 2: resolve(column.i16.data() + at); break;
        default: resolve(column.i32.data() + at); break;
    }
}

// `x is [not] null` of a column: its validity bits are the result (a view when the batch starts on a word boundary),
// its values are never read (a text column's would be resolved through its dictionary first).
inline void exec_LoadPresent(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Column& column = st.column(in.imm);
    d.broadcast = false;
    d.data = st.column_validity(column, st.first_row(in.imm), d);
    d.valid = kAllSet.data();
}

// A list column stays a view (a null `data`, Register::list_column) until a kernel needs ListRefs.
inline void exec_LoadList(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Column& column = st.column(in.imm);
    const uint64_t at = st.first_row(in.imm);
    d.valid = st.column_validity(column, at, d);
    d.broadcast = false;
    d.data = nullptr;
    d.list_column = &column;
    d.list_at = at;
}

inline void exec_LoadSegment(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Bitmap& membership = cx.memberships[in.imm];
    d.broadcast = false;
    d.valid = kAllSet.data();
    const uint64_t at = st.membership_bit();
    if (at % 64 == 0) {
        d.data = membership.words() + at / 64;
        return;
    }
    extract_bits(membership.words(), data::words_for_bits(membership.size()), at, st.count,
                 static_cast<uint64_t*>(d.owned));
    d.data = d.owned;
}

inline void exec_LoadShared(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    // Shared programs run first in every batch, in order (vm::evaluate), and a shared program reads only slots before
    // its own (vm::verify): the slot holds this batch's bits.
    d.broadcast = false;
    d.data = st.shared_value.at(in.imm).data();
    d.valid = st.shared_valid.at(in.imm).data();
}

inline void exec_ConstBool(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const Constant& k = cx.program.constants[in.imm];
    uint64_t* dv = st.output_bits(d);
    for (uint32_t w = 0; w < st.words(); ++w) dv[w] = k.boolean ? ~uint64_t{0} : 0;
    d.valid = k.is_null ? kNoneSet.data() : kAllSet.data();
}

// Every other kind is a broadcast register: comparisons read its one value, other kernels fill it on first use.
inline void set_constant(ExecContext& cx, const Instruction& in) {
    Register& d = cx.reg(in.dst);
    const Constant& k = cx.program.constants[in.imm];
    d.broadcast = true;
    d.filled = false;
    d.constant = &k;
    d.data = d.owned;
    d.valid = k.is_null ? kNoneSet.data() : kAllSet.data();
}

inline void exec_ConstI64(ExecContext& cx, const Instruction& in) { set_constant(cx, in); }
inline void exec_ConstF64(ExecContext& cx, const Instruction& in) { set_constant(cx, in); }
inline void exec_ConstI32(ExecContext& cx, const Instruction& in) { set_constant(cx, in); }
inline void exec_ConstStr(ExecContext& cx, const Instruction& in) { set_constant(cx, in); }
inline void exec_ConstList(ExecContext& cx, const Instruction& in) { set_constant(cx, in); }

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
