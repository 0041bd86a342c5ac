#pragma once
// The interpreter's kernels, by family: loads, arithmetic with overflow checks, comparisons, set tests, coalesce,
// text and list tests, dictionary lookups, results. Each runs over one batch (vm/machine_state.h); machine.cpp
// dispatches to them by opcode. Internal to the vm stage.
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "vm/machine_state.h"
#include "vm/program.h"

namespace segmint::vm {

using State = Machine::State;

template <typename T>
void load_column(State& st, Register& d, const data::Column& column, const std::vector<T>& values) {
    const uint64_t* valid = st.column_validity(column, d);
    d.broadcast = false;
    d.data = values.data() + st.base;
    d.valid = valid;
}

// dst := op(a, b) where op returns false for NULL (overflow, division by zero, out of the calendar).
template <typename TA, typename TB, typename R, typename Op>
void binary_checked(State& st, Register& d, Register& a, Register& b, Op op) {
    const TA* av = st.values<TA>(a);
    const TB* bv = st.values<TB>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    R* dv = st.output<R>(d);
    uint8_t* ok = st.scratch;
    for (uint32_t i = 0; i < st.count; ++i) {
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
void unary_checked(State& st, Register& d, Register& a, Op op) {
    const T* av = st.values<T>(a);
    const uint64_t* an = a.valid;
    R* dv = st.output<R>(d);
    uint8_t* ok = st.scratch;
    for (uint32_t i = 0; i < st.count; ++i) {
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
void unary_total(State& st, Register& d, Register& a, F f) {
    const T* av = st.values<T>(a);
    const uint64_t* an = a.valid;
    R* dv = st.output<R>(d);
    uint64_t* dn = d.owned_valid;
    if constexpr (kSelective<T>) {
        each(st.selection(), [&](uint32_t i) { dv[i] = test_bit(an, i) ? f(av[i]) : R{}; });
    } else {
        for (uint32_t i = 0; i < st.count; ++i) dv[i] = test_bit(an, i) ? f(av[i]) : R{};
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

template <typename T, typename Cmp>
void compare(State& st, Register& d, Register& a, Register& b, Cmp cmp) {
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    uint8_t* out = st.scratch;
    if constexpr (kSelective<T>) {
        const T* av = st.values<T>(a);
        const T* bv = st.values<T>(b);
        std::memset(out, 0, st.count);
        each(st.selection(), [&](uint32_t i) { out[i] = static_cast<uint8_t>(cmp(av[i], bv[i])); });
    } else if (b.broadcast) {
        const T* av = st.values<T>(a);
        const T k = constant_value<T>(*b.constant);
        for (uint32_t i = 0; i < st.count; ++i) out[i] = static_cast<uint8_t>(cmp(av[i], k));
    } else if (a.broadcast) {
        const T k = constant_value<T>(*a.constant);
        const T* bv = st.values<T>(b);
        for (uint32_t i = 0; i < st.count; ++i) out[i] = static_cast<uint8_t>(cmp(k, bv[i]));
    } else {
        const T* av = st.values<T>(a);
        const T* bv = st.values<T>(b);
        for (uint32_t i = 0; i < st.count; ++i) out[i] = static_cast<uint8_t>(cmp(av[i], bv[i]));
    }
    finish_compare(st, d, an, bn);
}

template <typename T>
void compare_family(State& st, Opcode op, Register& d, Register& a, Register& b) {
    switch (op) {
        case Opcode::EqI64: case Opcode::EqF64: case Opcode::EqI32: case Opcode::EqStr:
            return compare<T>(st, d, a, b, [](const T& x, const T& y) { return x == y; });
        case Opcode::NeI64: case Opcode::NeF64: case Opcode::NeI32: case Opcode::NeStr:
            return compare<T>(st, d, a, b, [](const T& x, const T& y) { return x != y; });
        case Opcode::LtI64: case Opcode::LtF64: case Opcode::LtI32: case Opcode::LtStr:
            return compare<T>(st, d, a, b, [](const T& x, const T& y) { return x < y; });
        case Opcode::LeI64: case Opcode::LeF64: case Opcode::LeI32: case Opcode::LeStr:
            return compare<T>(st, d, a, b, [](const T& x, const T& y) { return x <= y; });
        case Opcode::GtI64: case Opcode::GtF64: case Opcode::GtI32: case Opcode::GtStr:
            return compare<T>(st, d, a, b, [](const T& x, const T& y) { return x > y; });
        default:
            return compare<T>(st, d, a, b, [](const T& x, const T& y) { return x >= y; });
    }
}

// Booleans compare as bits: a = b is "not (a xor b)".
inline void compare_bools(State& st, Register& d, Register& a, Register& b, bool equal) {
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    const uint64_t* bv = static_cast<const uint64_t*>(b.data);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    uint64_t* dv = st.output_bits(d);
    uint64_t* dn = d.owned_valid;
    for (uint32_t w = 0; w < st.words(); ++w) {
        const uint64_t differ = av[w] ^ bv[w];
        const uint64_t valid = an[w] & bn[w];
        dv[w] = equal ? ~differ : differ;
        dn[w] = valid;
    }
}

template <typename T>
void in_sorted(State& st, Register& d, Register& a, const std::vector<T>& items, bool has_null) {
    const T* av = st.values<T>(a);
    const uint64_t* an = a.valid;
    uint8_t* found = st.scratch;
    for (uint32_t i = 0; i < st.count; ++i) {
        found[i] = static_cast<uint8_t>(std::binary_search(items.begin(), items.end(), av[i]));
    }
    uint64_t* dv = st.output_bits(d);
    pack_bytes(found, st.count, dv);
    uint64_t* dn = d.owned_valid;
    // No match against a list holding NULL is NULL.
    for (uint32_t w = 0; w < st.words(); ++w) dn[w] = an[w] & (has_null ? dv[w] : ~uint64_t{0});
}

template <typename T>
void coalesce(State& st, Register& d, Register& a, Register& b) {
    const T* av = st.values<T>(a);
    const T* bv = st.values<T>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    T* dv = st.output<T>(d);
    if constexpr (kSelective<T>) {
        each(st.selection(), [&](uint32_t i) { dv[i] = test_bit(an, i) ? av[i] : bv[i]; });
    } else {
        for (uint32_t i = 0; i < st.count; ++i) dv[i] = test_bit(an, i) ? av[i] : bv[i];
    }
    // After the rows: `d` may be `a` or `b`, and its validity bits are the ones read above.
    for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] = an[w] | bn[w];
}

// A Bool result computed per selected row: `test(i)` gives (present, value).
template <typename Test>
void selective_bool(State& st, Register& d, const uint64_t* an, const uint64_t* bn, Test test) {
    uint8_t* value = st.scratch;
    std::memset(value, 0, st.count);
    each(st.selection(), [&](uint32_t i) { value[i] = static_cast<uint8_t>(test(i)); });
    finish_compare(st, d, an, bn);
}

template <typename Test>
void text_test(State& st, Register& d, Register& a, Register& b, Test test) {
    const std::string_view* av = st.values<std::string_view>(a);
    const std::string_view* bv = st.values<std::string_view>(b);
    const uint64_t* an = a.valid;
    const uint64_t* bn = b.valid;
    selective_bool(st, d, an, bn, [&](uint32_t i) {
        return test_bit(an, i) && test_bit(bn, i) && test(av[i], bv[i]);
    });
}

// lower/upper: sizes first, so the arena is allocated once and the views into it stay valid.
template <typename Map>
void map_text(State& st, Register& d, Register& a, Map map) {
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

void load_strings(State& st, Register& d, const data::Column& column);

void load_lists(State& st, Register& d, const data::Column& column);

void load_bools(State& st, Register& d, const data::Column& column);

void load_segment(State& st, Register& d, const data::Bitmap& membership);

// A condition computed once per dictionary value: the row's code picks its truth (0 FALSE, 1 TRUE, 2 NULL); NULL
// rows take the table's last entry.
void lookup_code(State& st, Register& d, const data::Column& column, const std::vector<uint8_t>& truth);

void fill_constant_bits(State& st, Register& d, const Constant& k);

void set_constant(Register& d, const Constant& k);

void store_result(State& st, data::Bitmap& bits, const Register& a);

}  // namespace segmint::vm
