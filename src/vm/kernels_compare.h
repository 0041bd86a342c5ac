#pragma once
// Kernels of opcodes.def's "Comparisons": the six orderings of each kind, `in` tests against a program's sorted value
// sets, dictionary lookups (a condition computed once per distinct value) and NULL tests. Numbers and dates compare
// over every row without branches, a constant operand read as one value; text compares at the selected rows only.
#include <limits>

#include "vm/kernels.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

// The orderings, one per opcode, so each comparison loop has its operator inlined.
inline constexpr auto kEqual = [](const auto& x, const auto& y) { return x == y; };
inline constexpr auto kNotEqual = [](const auto& x, const auto& y) { return x != y; };
inline constexpr auto kLess = [](const auto& x, const auto& y) { return x < y; };
inline constexpr auto kLessEqual = [](const auto& x, const auto& y) { return x <= y; };
inline constexpr auto kGreater = [](const auto& x, const auto& y) { return x > y; };
inline constexpr auto kGreaterEqual = [](const auto& x, const auto& y) { return x >= y; };

// A column against a constant, straight into result bits, 16 bytes of values at a time: the orderings are generic
// lambdas, so applied to GCC vector types they give one mask per lane, which SSE2's movemask turns into bits. (GCC did
// not vectorize a number compared into per-row bytes at all; for narrower types the bytes cost a second pass.)
template <typename T>
struct Lanes {
    typedef T type __attribute__((vector_size(16)));  // a typedef: GCC drops the attribute from `using` on a template
};

template <typename T, typename Cmp>
void compare_lanes(const T* values, uint32_t count, T k, bool constant_first, Cmp cmp, uint64_t* bits) {
    using Vector = typename Lanes<T>::type;
    constexpr uint32_t kLanes = 16 / sizeof(T);
    Vector kk;
    for (uint32_t lane = 0; lane < kLanes; ++lane) kk[lane] = k;
    const auto block = [&](uint32_t w) {
        uint64_t word = 0;
        for (uint32_t i = 0; i < 64; i += kLanes) {
            Vector x;
            std::memcpy(&x, values + 64 * w + i, sizeof x);
            word |= lane_bits(constant_first ? cmp(kk, x) : cmp(x, kk)) << i;
        }
        return word;
    };
    rows_to_bits(count, bits, block,
                 [&](uint32_t i) -> bool { return constant_first ? cmp(k, values[i]) : cmp(values[i], k); });
}

// A narrowed int column (Register::narrow) against a constant k, without widening: each offset compares with
// k - base in the offsets' own type. Where k - base lies outside that type, every offset lies on one side of it and
// every row compares alike.
template <typename N, typename Cmp>
void compare_offsets(const N* offsets, uint32_t count, __int128 shifted, bool constant_first, Cmp cmp, uint64_t* bits) {
    constexpr __int128 lowest = std::numeric_limits<N>::lowest(), highest = std::numeric_limits<N>::max();
    if (shifted < lowest || shifted > highest) {
        const bool every = constant_first ? cmp(shifted, lowest) : cmp(lowest, shifted);
        if (every) {
            fill_first(bits, count);
        } else {
            std::fill(bits, bits + words_for(count), uint64_t{0});
        }
        return;
    }
    compare_lanes(offsets, count, static_cast<N>(shifted), constant_first, cmp, bits);
}

template <typename Cmp>
void compare_narrow(const Register& column, uint32_t count, int64_t k, bool constant_first, Cmp cmp, uint64_t* bits) {
    // The base never overflows with an offset (data::Column::narrow_ints), so value cmp k <=> offset cmp k - base.
    const __int128 shifted = static_cast<__int128>(k) - column.narrow_base;
    switch (column.narrow_width) {
        case 1:
            compare_offsets(static_cast<const int8_t*>(column.narrow), count, shifted, constant_first, cmp, bits);
            break;
        case 2:
            compare_offsets(static_cast<const int16_t*>(column.narrow), count, shifted, constant_first, cmp, bits);
            break;
        default:
            compare_offsets(static_cast<const int32_t*>(column.narrow), count, shifted, constant_first, cmp, bits);
            break;
    }
}

template <typename T, typename Cmp>
void compare(ExecContext& cx, const Instruction& in, Cmp cmp) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    Register& b = cx.reg(in.b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    uint8_t* out = st.scratch;
    if constexpr (!kSelective<T>) {
        if (a.broadcast != b.broadcast) {
            // A column (or computed values) against a constant, into `d`'s bits: `d` is a Bool register, so never
            // the operand read here (the verifier checks register kinds).
            Register& column = a.broadcast ? b : a;
            const T k = constant_value<T>(*(a.broadcast ? a : b).constant);
            bool narrowed = false;
            if constexpr (std::is_same_v<T, int64_t>) narrowed = !column.data;
            const T* values = narrowed ? nullptr : st.values<T>(column);
            uint64_t* dv = st.output_bits(d);
            if constexpr (std::is_same_v<T, int64_t>) {
                if (narrowed) compare_narrow(column, st.count, k, a.broadcast, cmp, dv);
            }
            if (!narrowed) compare_lanes(values, st.count, k, a.broadcast, cmp, dv);
            for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] = an[w] & bn[w];
            return;
        }
    }
    if constexpr (kSelective<T>) {
        const T* av = st.values<T>(a);
        const T* bv = st.values<T>(b);
        std::memset(out, 0, st.count);
        each(st.selection(), [&](uint32_t i) { out[i] = static_cast<uint8_t>(cmp(av[i], bv[i])); });
    } else {
        // Two columns, or two constants (values() fills a constant's rows).
        const T* av = st.values<T>(a);
        const T* bv = st.values<T>(b);
        for (uint32_t i = 0, count = st.count; i < count; ++i) out[i] = static_cast<uint8_t>(cmp(av[i], bv[i]));
    }
    finish_compare(st, d, an, bn);
}

inline void exec_EqI64(ExecContext& cx, const Instruction& in) { compare<int64_t>(cx, in, kEqual); }
inline void exec_NeI64(ExecContext& cx, const Instruction& in) { compare<int64_t>(cx, in, kNotEqual); }
inline void exec_LtI64(ExecContext& cx, const Instruction& in) { compare<int64_t>(cx, in, kLess); }
inline void exec_LeI64(ExecContext& cx, const Instruction& in) { compare<int64_t>(cx, in, kLessEqual); }
inline void exec_GtI64(ExecContext& cx, const Instruction& in) { compare<int64_t>(cx, in, kGreater); }
inline void exec_GeI64(ExecContext& cx, const Instruction& in) { compare<int64_t>(cx, in, kGreaterEqual); }
inline void exec_EqF64(ExecContext& cx, const Instruction& in) { compare<double>(cx, in, kEqual); }
inline void exec_NeF64(ExecContext& cx, const Instruction& in) { compare<double>(cx, in, kNotEqual); }
inline void exec_LtF64(ExecContext& cx, const Instruction& in) { compare<double>(cx, in, kLess); }
inline void exec_LeF64(ExecContext& cx, const Instruction& in) { compare<double>(cx, in, kLessEqual); }
inline void exec_GtF64(ExecContext& cx, const Instruction& in) { compare<double>(cx, in, kGreater); }
inline void exec_GeF64(ExecContext& cx, const Instruction& in) { compare<double>(cx, in, kGreaterEqual); }
inline void exec_EqI32(ExecContext& cx, const Instruction& in) { compare<int32_t>(cx, in, kEqual); }
inline void exec_NeI32(ExecContext& cx, const Instruction& in) { compare<int32_t>(cx, in, kNotEqual); }
inline void exec_LtI32(ExecContext& cx, const Instruction& in) { compare<int32_t>(cx, in, kLess); }
inline void exec_LeI32(ExecContext& cx, const Instruction& in) { compare<int32_t>(cx, in, kLessEqual); }
inline void exec_GtI32(ExecContext& cx, const Instruction& in) { compare<int32_t>(cx, in, kGreater); }
inline void exec_GeI32(ExecContext& cx, const Instruction& in) { compare<int32_t>(cx, in, kGreaterEqual); }
inline void exec_EqStr(ExecContext& cx, const Instruction& in) { compare<std::string_view>(cx, in, kEqual); }
inline void exec_NeStr(ExecContext& cx, const Instruction& in) { compare<std::string_view>(cx, in, kNotEqual); }
inline void exec_LtStr(ExecContext& cx, const Instruction& in) { compare<std::string_view>(cx, in, kLess); }
inline void exec_LeStr(ExecContext& cx, const Instruction& in) { compare<std::string_view>(cx, in, kLessEqual); }
inline void exec_GtStr(ExecContext& cx, const Instruction& in) { compare<std::string_view>(cx, in, kGreater); }
inline void exec_GeStr(ExecContext& cx, const Instruction& in) { compare<std::string_view>(cx, in, kGreaterEqual); }

// Booleans compare as bits: a = b is "not (a xor b)".
inline void compare_bools(ExecContext& cx, const Instruction& in, bool equal) {
    bool_words(cx, in, [equal](uint64_t av, uint64_t an, uint64_t bv, uint64_t bn) {
        const uint64_t differ = av ^ bv;
        return TruthWord{equal ? ~differ : differ, an & bn};
    });
}
inline void exec_EqBool(ExecContext& cx, const Instruction& in) { compare_bools(cx, in, true); }
inline void exec_NeBool(ExecContext& cx, const Instruction& in) { compare_bools(cx, in, false); }

template <typename T>
void in_sorted(ExecContext& cx, const Instruction& in, const std::vector<T> ValueSet::*items_of) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    const ValueSet& set = *cx.program.sets[in.imm];
    const std::vector<T>& items = set.*items_of;
    const T* av = st.values<T>(a);
    const uint64_t* an = a.valid;
    uint8_t* found = st.scratch;
    for (uint32_t i = 0, count = st.count; i < count; ++i) {
        found[i] = static_cast<uint8_t>(std::binary_search(items.begin(), items.end(), av[i]));
    }
    uint64_t* dv = st.output_bits(d);
    pack_bytes(found, st.count, dv);
    uint64_t* dn = d.owned_valid;
    // No match against a list holding NULL is NULL.
    for (uint32_t w = 0; w < st.words(); ++w) dn[w] = an[w] & (set.has_null ? dv[w] : ~uint64_t{0});
}

inline void exec_InSetI64(ExecContext& cx, const Instruction& in) { in_sorted(cx, in, &ValueSet::i64); }
inline void exec_InSetF64(ExecContext& cx, const Instruction& in) { in_sorted(cx, in, &ValueSet::f64); }
inline void exec_InSetI32(ExecContext& cx, const Instruction& in) { in_sorted(cx, in, &ValueSet::i32); }

inline void exec_InSetStr(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    const ValueSet& set = *cx.program.sets[in.imm];
    const std::string_view* av = st.values<std::string_view>(a);
    const uint64_t* an = a.valid;
    // Present where a is, except a non-match against a list holding NULL.
    selective_bool(st, d, an, kAllSet.data(), [&](uint32_t i) { return set.str_index.count(av[i]) != 0; });
    if (set.has_null) {
        for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] &= static_cast<const uint64_t*>(d.data)[w];
    }
}

inline void exec_InSetBool(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    Register& a = cx.reg(in.a);
    // Bits → one byte per row, then the generic sorted-set test.
    const ValueSet& set = *cx.program.sets[in.imm];
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    const uint64_t* an = a.valid;
    uint8_t* found = st.scratch;
    for (uint32_t i = 0, count = st.count; i < count; ++i) {
        const uint8_t x = static_cast<uint8_t>(test_bit(av, i));
        found[i] = static_cast<uint8_t>(std::binary_search(set.boolean.begin(), set.boolean.end(), x));
    }
    uint64_t* dv = st.output_bits(d);
    pack_bytes(found, st.count, dv);
    for (uint32_t w = 0; w < st.words(); ++w) {
        d.owned_valid[w] = an[w] & (set.has_null ? dv[w] : ~uint64_t{0});
    }
}

// A lookup whose table is a few codes: every value's truth known, at most four of them TRUE (or at most four FALSE:
// `negate`), in a small dictionary (the table is read every batch). Such a lookup (`tier in ("gold", "platinum")`,
// `gender != "other"`) compares each row's code with those four, a vector of rows at a time (16 one-byte codes, 8
// two-byte, 4 four-byte), instead of reading the table once per row.
struct FewCodes {
    int32_t codes[4];  // unused places repeat the first (or hold -1: no code)
    bool negate = false;
};
inline bool few_codes(const std::vector<uint8_t>& truth, FewCodes& out) {
    constexpr size_t kMaxTable = 128;
    if (truth.size() > kMaxTable + 1) return false;
    int32_t trues[4], falses[4];
    uint32_t true_count = 0, false_count = 0;
    for (size_t code = 0; code + 1 < truth.size(); ++code) {
        if (truth[code] == kLookupTrue) {
            if (true_count < 4) trues[true_count] = static_cast<int32_t>(code);
            ++true_count;
        } else if (truth[code] == kLookupFalse) {
            if (false_count < 4) falses[false_count] = static_cast<int32_t>(code);
            ++false_count;
        } else {
            return false;  // a NULL value: the table's second bit is needed
        }
    }
    out.negate = true_count > 4;
    const int32_t* chosen = out.negate ? falses : trues;
    const uint32_t count = out.negate ? false_count : true_count;
    if (count > 4) return false;
    for (uint32_t k = 0; k < 4; ++k) out.codes[k] = count == 0 ? -1 : chosen[k < count ? k : 0];
    return true;
}

// Bits of rows [0, count): set where the row's code is one of `few`'s (flipped where `negate`). Codes of the table
// are below 129, so each fits T (-1, no code, too).
template <typename T>
void match_few_codes(const T* codes, uint32_t count, const FewCodes& few, uint64_t* bits) {
    using Vector = typename Lanes<T>::type;
    constexpr uint32_t kLanes = 16 / sizeof(T);
    Vector wanted[4];
    for (int k = 0; k < 4; ++k) {
        for (uint32_t lane = 0; lane < kLanes; ++lane) wanted[k][lane] = static_cast<T>(few.codes[k]);
    }
    const uint64_t flip = few.negate ? ~uint64_t{0} : 0;
    const auto block = [&](uint32_t w) {
        uint64_t word = 0;
        for (uint32_t i = 0; i < 64; i += kLanes) {
            Vector x;
            std::memcpy(&x, codes + 64 * w + i, sizeof x);
            const auto hit = (x == wanted[0]) | (x == wanted[1]) | (x == wanted[2]) | (x == wanted[3]);
            word |= lane_bits(hit) << i;
        }
        return word ^ flip;
    };
    rows_to_bits(count, bits, block, [&](uint32_t i) {
        bool hit = false;
        for (int32_t code : few.codes) hit |= codes[i] == code;
        return hit != few.negate;
    });
}

// A lookup's value bits (dv) and known bits (dn) of the batch's codes, as the column holds them (1, 2 or 4 bytes).
template <typename T>
void look_up_codes(State& st, const std::vector<uint8_t>& truth, const T* codes, uint64_t* dv, uint64_t* dn) {
    FewCodes few;
    if (few_codes(truth, few)) {
        match_few_codes(codes, st.count, few, dv);
        fill_first(dn, st.count);  // every value known
        return;
    }
    // One byte per row carries both the value and its validity. A code past the table (a snapshot's codes are read in
    // place: data::StringArena) reads its last entry, NULL's.
    uint8_t* gathered = st.scratch;
    const uint8_t* table = truth.data();
    const auto last = static_cast<uint32_t>(truth.size() - 1);
    for (uint32_t i = 0, count = st.count; i < count; ++i) {
        gathered[i] = table[std::min<uint32_t>(static_cast<std::make_unsigned_t<T>>(data::read_once(codes + i)), last)];
    }
    static_assert(kLookupTrueBit == 1 && kLookupKnownBit == 2, "the packing below reads bits 0 and 1");
    pack_byte_bits<0>(gathered, st.count, dv);
    pack_byte_bits<1>(gathered, st.count, dn);
}

// A condition computed once per dictionary value: the row's code picks its truth (kLookupFalse, kLookupTrue or 0 for
// NULL); NULL rows take the table's last entry.
inline void exec_LookupCode(ExecContext& cx, const Instruction& in) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const data::Column& column = st.column(cx.program.lookups[in.imm].column);
    const uint64_t at = st.first_row(cx.program.lookups[in.imm].column);
    const std::vector<uint8_t>& truth = (*cx.lookups)[in.imm];
    const uint64_t* present = st.column_validity(column, at, d);
    // A copy: off a word boundary `present` is `d`'s own validity, which the packing below overwrites.
    uint64_t* present_copy = st.word_scratch;
    std::copy(present, present + st.words(), present_copy);
    const uint8_t null_truth = truth.back();
    const uint64_t null_true = null_truth & kLookupTrueBit ? ~uint64_t{0} : 0;
    const uint64_t null_known = null_truth & kLookupKnownBit ? ~uint64_t{0} : 0;
    uint64_t* dv = st.output_bits(d);
    uint64_t* dn = d.owned_valid;
    // NULL rows hold code 0: a real entry, replaced below.
    switch (column.code_width) {
        case 1: look_up_codes(st, truth, column.i8.data() + at, dv, dn); break;
        case 2: look_up_codes(st, truth, column.i16.data() + at, dv, dn); break;
        default: look_up_codes(st, truth, column.i32.data() + at, dv, dn); break;
    }
    for (uint32_t w = 0; w < st.words(); ++w) {
        const uint64_t p = present_copy[w];
        dv[w] = (dv[w] & p) | (null_true & ~p);
        dn[w] = (dn[w] & p) | (null_known & ~p);
    }
}

// is [not] null: the operand's validity bits, never NULL themselves.
inline void null_test(ExecContext& cx, const Instruction& in, uint64_t flip) {
    State& st = cx.st;
    Register& d = cx.reg(in.dst);
    const uint64_t* an = cx.reg(in.a).valid;
    uint64_t* dv = st.output_bits(d);
    for (uint32_t w = 0; w < st.words(); ++w) dv[w] = an[w] ^ flip;
    d.valid = kAllSet.data();
}
inline void exec_IsNull(ExecContext& cx, const Instruction& in) { null_test(cx, in, ~uint64_t{0}); }
inline void exec_IsNotNull(ExecContext& cx, const Instruction& in) { null_test(cx, in, 0); }

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
