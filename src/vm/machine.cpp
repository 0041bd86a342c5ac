#include "vm/machine.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>

#include "common/parallel.h"
#include "vm/bits.h"

namespace segmint::vm {

namespace scalar = ir::scalar;

// How a batch flows through the registers:
// - Booleans are two bit sets, value and validity; `and`, `or`, `not` and narrowing are word operations.
// - Every register has validity bits. Loads of int, number and date columns are views into the column (no copy),
//   validity included when the batch starts on a word boundary.
// - Cheap kernels (loads, comparisons, arithmetic, set tests, dictionary lookups) run over every row of the batch,
//   branch-free, and ignore the selection: rows outside it compute values nobody reads. Text and list kernels, which
//   cost far more per row and follow pointers, run over the selected rows only.
// - A constant is a broadcast register: comparisons read its one value; other kernels fill it out first.

namespace {

// A list value of one row: its item codes in its column's dictionary (per row: coalesce(tags, other_tags) mixes
// the rows of two columns).
struct ListRef {
    const int32_t* codes;
    uint64_t count;
    const data::Dictionary* dictionary;
};

constexpr size_t kMaxElement = std::max(sizeof(std::string_view), sizeof(ListRef));
const std::array<uint64_t, kBatchWords> kAllSet = [] {
    std::array<uint64_t, kBatchWords> words{};
    words.fill(~uint64_t{0});
    return words;
}();
const std::array<uint64_t, kBatchWords> kNoneSet{};

struct Register {
    RegKind kind = RegKind::None;
    // Values of the batch's rows: `owned`, or a view into a column. Bool registers hold value bits here.
    const void* data = nullptr;
    const uint64_t* valid = nullptr;  // validity bits: `owned_valid`, a column's validity, kAllSet or kNoneSet
    void* owned = nullptr;
    uint64_t* owned_valid = nullptr;
    // A constant: `constant` is every row's value; `data` holds it too once filled (only kernels without a
    // constant form need that).
    bool broadcast = false;
    bool filled = false;
    const Constant* constant = nullptr;
    std::string arena;                             // bytes of computed strings (lower/upper)
};

template <typename T>
T constant_value(const Constant& k) {
    if constexpr (std::is_same_v<T, int64_t>) return k.i64;
    else if constexpr (std::is_same_v<T, double>) return k.f64;
    else if constexpr (std::is_same_v<T, int32_t>) return k.i32;
    else if constexpr (std::is_same_v<T, std::string_view>) return std::string_view(k.str);
    else return T{};
}

// The rows text and list kernels run over: all rows [0, count) of the batch, or the listed ones.
struct Selection {
    bool dense = true;
    uint32_t count = 0;
    const uint32_t* rows = nullptr;
};

template <typename F>
inline void each(const Selection& s, F&& f) {
    if (s.dense) {
        for (uint32_t i = 0; i < s.count; ++i) f(i);
    } else {
        const uint32_t* rows = s.rows;
        for (uint32_t k = 0; k < s.count; ++k) f(rows[k]);
    }
}

// Text and list values are only ever read at selected rows; everything else is cheap enough to run densely.
template <typename T>
constexpr bool kSelective = std::is_same_v<T, std::string_view> || std::is_same_v<T, ListRef>;

}  // namespace

struct Machine::State {
    const data::Table& table;
    scalar::AsOf as_of;
    std::vector<Register> registers;
    uint32_t count = 0;   // rows in the current batch
    uint64_t base = 0;    // first row of the current batch
    // Open selections as masks over the batch: masks[0 .. depth], innermost last. The vector only grows, so a
    // narrowing reuses storage and touches only the batch's words. Row lists are built when a text or list kernel
    // first needs one.
    std::vector<std::array<uint64_t, kBatchWords>> masks;
    size_t depth = 0;
    std::vector<std::vector<uint32_t>> mask_rows;
    std::vector<Selection> selections;
    std::vector<bool> selection_built;
    // Shared conditions of the current batch (value and validity bits), stored by their programs before the segments'.
    std::vector<std::array<uint64_t, kBatchWords>> shared_value, shared_valid;
    alignas(64) uint8_t scratch[kBatchSize + 64];   // per-row bytes before packing into bits
    alignas(64) uint64_t word_scratch[kBatchWords];  // bits of one kernel before they are combined

    State(const data::Table& t, scalar::AsOf a) : table(t), as_of(a) {}
    ~State() {
        for (auto& r : registers) {
            ::operator delete(r.owned, std::align_val_t(64));
            ::operator delete(r.owned_valid, std::align_val_t(64));
        }
    }

    void prepare(const Program& program) {
        if (registers.size() < program.registers.size()) registers.resize(program.registers.size());
        for (size_t i = 0; i < program.registers.size(); ++i) {
            Register& r = registers[i];
            if (!r.owned) {
                // Zeroed, so rows no kernel wrote hold harmless values for the dense kernels that read them.
                r.owned = ::operator new(kMaxElement * kBatchSize, std::align_val_t(64));
                std::memset(r.owned, 0, kMaxElement * kBatchSize);
                r.owned_valid = static_cast<uint64_t*>(::operator new(8 * kBatchWords, std::align_val_t(64)));
                std::memset(r.owned_valid, 0, 8 * kBatchWords);
            }
            r.kind = program.registers[i];
            r.data = r.owned;
            r.valid = r.owned_valid;
            r.broadcast = false;
        }
    }

    void begin_batch(uint64_t batch_base, uint32_t batch_count) {
        base = batch_base;
        count = batch_count;
        if (masks.empty()) masks.resize(1);
        depth = 0;
        fill_first(masks[0].data(), count);
        if (selections.empty()) selections.resize(1);
        selection_built.assign(1, true);
        selections[0] = Selection{true, count, nullptr};
    }

    uint32_t words() const { return words_for(count); }

    const Selection& selection() {
        if (!selection_built[depth]) {
            if (mask_rows.size() <= depth) mask_rows.resize(depth + 1);
            auto& rows = mask_rows[depth];
            rows.resize(kBatchSize);
            uint32_t kept = 0;
            const auto& mask = masks[depth];
            for (uint32_t w = 0; w < words(); ++w) {
                for (uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
                    rows[kept++] = w * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
                }
            }
            if (selections.size() <= depth) selections.resize(depth + 1);
            selections[depth] = kept == count ? Selection{true, count, nullptr} : Selection{false, kept, rows.data()};
            selection_built[depth] = true;
        }
        return selections[depth];
    }

    // Keeps the open rows where `a` is not decided: not FALSE (inside `and`) or not TRUE (inside `or`).
    void push_narrowed(const Register& a, bool drop_true) {
        if (masks.size() <= depth + 1) masks.resize(depth + 2);
        ++depth;
        selection_built.push_back(false);
        narrow_top(a, drop_true);
    }
    // The same in place of the innermost selection: an n-ary and/or narrows once per operand from the selection
    // around it, so its depth stays one level whatever its length.
    void renarrow(const Register& a, bool drop_true) {
        narrow_top(a, drop_true);
        selection_built[depth] = false;
    }
    void narrow_top(const Register& a, bool drop_true) {
        const auto& outer = masks[depth - 1];
        auto& mask = masks[depth];
        const uint64_t* value = static_cast<const uint64_t*>(a.data);
        for (uint32_t w = 0; w < words(); ++w) {
            const uint64_t decided = a.valid[w] & (drop_true ? value[w] : ~value[w]);
            mask[w] = outer[w] & ~decided;
        }
    }

    void pop_selection() {
        --depth;
        selection_built.pop_back();
    }

    // Values of `r` as an array (fills a constant's rows on first use in a batch).
    template <typename T>
    const T* values(Register& r) {
        if (r.broadcast && !r.filled) {
            T value = constant_value<T>(*r.constant);
            T* out = static_cast<T*>(r.owned);
            for (uint32_t i = 0; i < count; ++i) out[i] = value;
            r.data = out;
            r.filled = true;
        }
        return static_cast<const T*>(r.data);
    }

    // Makes `d` the destination of a kernel: its own storage, no longer a view or a constant. Read the operands
    // first: `d` may be one of them.
    template <typename T>
    T* output(Register& d) {
        d.broadcast = false;
        d.data = d.owned;
        d.valid = d.owned_valid;
        return static_cast<T*>(d.owned);
    }
    uint64_t* output_bits(Register& d) { return output<uint64_t>(d); }

    // Validity of `column` for the batch: in place on a word boundary, else copied into `d`'s bits.
    const uint64_t* column_validity(const data::Column& column, Register& d) {
        if (base % 64 == 0) return column.validity.words() + base / 64;
        extract_bits(column.validity.words(), data::words_for_bits(column.validity.size()), base, count,
                     d.owned_valid);
        return d.owned_valid;
    }
};

Machine::Machine(const data::Table& table, scalar::AsOf as_of) : state_(std::make_unique<State>(table, as_of)) {}
Machine::~Machine() = default;

namespace {

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
void finish_compare(State& st, Register& d, const uint64_t* an, const uint64_t* bn) {
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
void compare_bools(State& st, Register& d, Register& a, Register& b, bool equal) {
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

void load_strings(State& st, Register& d, const data::Column& column) {
    const uint64_t* valid = st.column_validity(column, d);
    std::string_view* dv = st.output<std::string_view>(d);
    d.valid = valid;
    const int32_t* codes = column.i32.data() + st.base;
    const data::Dictionary& dictionary = column.dictionary;
    each(st.selection(), [&](uint32_t i) {
        dv[i] = test_bit(valid, i) ? std::string_view(dictionary.value(codes[i])) : std::string_view();
    });
}

void load_lists(State& st, Register& d, const data::Column& column) {
    const uint64_t* valid = st.column_validity(column, d);
    ListRef* dv = st.output<ListRef>(d);
    d.valid = valid;
    const data::Dictionary* dictionary = &column.dictionary;
    const uint64_t* offsets = column.list_offsets.data() + st.base;
    const int32_t* items = column.list_codes.data();
    each(st.selection(),
         [&](uint32_t i) { dv[i] = ListRef{items + offsets[i], offsets[i + 1] - offsets[i], dictionary}; });
}

void load_bools(State& st, Register& d, const data::Column& column) {
    const uint64_t* valid = st.column_validity(column, d);
    uint64_t* dv = st.output_bits(d);
    d.valid = valid;
    pack_bytes(column.u8.data() + st.base, st.count, dv);
}

void load_segment(State& st, Register& d, const data::Bitmap& membership) {
    d.broadcast = false;
    d.valid = kAllSet.data();
    if (st.base % 64 == 0) {
        d.data = membership.words() + st.base / 64;
        return;
    }
    extract_bits(membership.words(), data::words_for_bits(membership.size()), st.base, st.count,
                 static_cast<uint64_t*>(d.owned));
    d.data = d.owned;
}

// A condition computed once per dictionary value: the row's code picks its truth (0 FALSE, 1 TRUE, 2 NULL); NULL
// rows take the table's last entry.
void lookup_code(State& st, Register& d, const data::Column& column, const std::vector<uint8_t>& truth) {
    const uint64_t* present = st.column_validity(column, d);
    // A copy: off a word boundary `present` is `d`'s own validity, which the packing below overwrites.
    uint64_t* present_copy = st.word_scratch;
    std::copy(present, present + st.words(), present_copy);
    const int32_t* codes = column.i32.data() + st.base;
    uint8_t* gathered = st.scratch;
    const uint8_t* table = truth.data();
    // NULL rows hold code 0: a real entry, replaced below. One byte per row carries both the value and its validity.
    for (uint32_t i = 0; i < st.count; ++i) gathered[i] = table[codes[i]];
    const uint8_t null_truth = truth.back();
    const uint64_t null_true = null_truth & kLookupTrueBit ? ~uint64_t{0} : 0;
    const uint64_t null_known = null_truth & kLookupKnownBit ? ~uint64_t{0} : 0;
    uint64_t* dv = st.output_bits(d);
    uint64_t* dn = d.owned_valid;
    static_assert(kLookupTrueBit == 1 && kLookupKnownBit == 2, "the packing below reads bits 0 and 1");
    pack_byte_bits<0>(gathered, st.count, dv);
    pack_byte_bits<1>(gathered, st.count, dn);
    for (uint32_t w = 0; w < st.words(); ++w) {
        const uint64_t p = present_copy[w];
        dv[w] = (dv[w] & p) | (null_true & ~p);
        dn[w] = (dn[w] & p) | (null_known & ~p);
    }
}

void fill_constant_bits(State& st, Register& d, const Constant& k) {
    uint64_t* dv = st.output_bits(d);
    for (uint32_t w = 0; w < st.words(); ++w) dv[w] = k.boolean ? ~uint64_t{0} : 0;
    d.valid = k.is_null ? kNoneSet.data() : kAllSet.data();
}

void set_constant(Register& d, const Constant& k) {
    d.broadcast = true;
    d.filled = false;
    d.constant = &k;
    d.data = d.owned;
    d.valid = k.is_null ? kNoneSet.data() : kAllSet.data();
}

void store_result(State& st, data::Bitmap& bits, const Register& a) {
    const uint64_t* av = static_cast<const uint64_t*>(a.data);
    const uint64_t* an = a.valid;
    const uint64_t* open = st.masks[0].data();  // rows [0, count)
    if (st.base % 64 == 0) {
        // Whole words: this thread owns the words of its rows (ranges start on word boundaries).
        uint64_t* words = bits.mutable_words() + st.base / 64;
        for (uint32_t w = 0; w < st.words(); ++w) words[w] |= av[w] & an[w] & open[w];
        return;
    }
    for (uint32_t i = 0; i < st.count; ++i) {
        if (test_bit(av, i) && test_bit(an, i)) bits.set(st.base + i);
    }
}

}  // namespace

void Machine::run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
                  const LookupTables* lookups) {
    State& st = *state_;
    st.prepare(program);
    st.begin_batch(base, count);
    const data::Table& table = st.table;

    for (const Instruction& in : program.code) {
        Register& d = st.registers[in.dst];
        Register& a = st.registers[in.a];
        Register& b = st.registers[in.b];
        switch (in.op) {
            case Opcode::LoadBool: load_bools(st, d, table.column(in.imm)); break;
            case Opcode::LoadI64: {
                const data::Column& c = table.column(in.imm);
                load_column(st, d, c, c.i64);
                break;
            }
            case Opcode::LoadF64: {
                const data::Column& c = table.column(in.imm);
                load_column(st, d, c, c.f64);
                break;
            }
            case Opcode::LoadI32: {
                const data::Column& c = table.column(in.imm);
                load_column(st, d, c, c.i32);
                break;
            }
            case Opcode::LoadStr: load_strings(st, d, table.column(in.imm)); break;
            case Opcode::LoadList: load_lists(st, d, table.column(in.imm)); break;
            case Opcode::LoadSegment: load_segment(st, d, memberships[in.imm]); break;
            case Opcode::LoadShared:
                // Shared programs run first in every batch (vm::evaluate), so the slot holds this batch's bits.
                d.broadcast = false;
                d.data = st.shared_value.at(in.imm).data();
                d.valid = st.shared_valid.at(in.imm).data();
                break;
            case Opcode::ConstBool: fill_constant_bits(st, d, program.constants[in.imm]); break;
            case Opcode::ConstI64:
            case Opcode::ConstF64:
            case Opcode::ConstI32:
            case Opcode::ConstStr:
            case Opcode::ConstList: set_constant(d, program.constants[in.imm]); break;
            case Opcode::I64ToF64:
                unary_checked<int64_t, double>(st, d, a, [](int64_t x, double* o) { return scalar::to_number(x, o); });
                break;
            case Opcode::DateToTs:
                unary_total<int32_t, int64_t>(st, d, a, [](int32_t x) { return scalar::date_to_timestamp(x); });
                break;
            case Opcode::TsToDate:
                unary_total<int64_t, int32_t>(st, d, a, [](int64_t x) { return scalar::timestamp_to_date(x); });
                break;
            case Opcode::NegI64:
                unary_checked<int64_t, int64_t>(st, d, a, [](int64_t x, int64_t* o) { return scalar::negate(x, o); });
                break;
            case Opcode::NegF64:
                unary_checked<double, double>(st, d, a, [](double x, double* o) { return scalar::negate(x, o); });
                break;
            case Opcode::AddI64:
                binary_checked<int64_t, int64_t, int64_t>(st, d, a, b, [](int64_t x, int64_t y, int64_t* o) { return scalar::add(x, y, o); });
                break;
            case Opcode::SubI64:
                binary_checked<int64_t, int64_t, int64_t>(st, d, a, b, [](int64_t x, int64_t y, int64_t* o) { return scalar::sub(x, y, o); });
                break;
            case Opcode::MulI64:
                binary_checked<int64_t, int64_t, int64_t>(st, d, a, b, [](int64_t x, int64_t y, int64_t* o) { return scalar::mul(x, y, o); });
                break;
            case Opcode::ModI64:
                binary_checked<int64_t, int64_t, int64_t>(st, d, a, b, [](int64_t x, int64_t y, int64_t* o) { return scalar::mod(x, y, o); });
                break;
            case Opcode::AddF64:
                binary_checked<double, double, double>(st, d, a, b, [](double x, double y, double* o) { return scalar::add(x, y, o); });
                break;
            case Opcode::SubF64:
                binary_checked<double, double, double>(st, d, a, b, [](double x, double y, double* o) { return scalar::sub(x, y, o); });
                break;
            case Opcode::MulF64:
                binary_checked<double, double, double>(st, d, a, b, [](double x, double y, double* o) { return scalar::mul(x, y, o); });
                break;
            case Opcode::DivF64:
                binary_checked<double, double, double>(st, d, a, b, [](double x, double y, double* o) { return scalar::div(x, y, o); });
                break;
            case Opcode::ModF64:
                binary_checked<double, double, double>(st, d, a, b, [](double x, double y, double* o) { return scalar::mod(x, y, o); });
                break;
            case Opcode::ShiftDays: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int32_t, int32_t>(st, d, a, [amount](int32_t x, int32_t* o) { return scalar::shift_days(x, amount, o); });
                break;
            }
            case Opcode::ShiftMonthsD: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int32_t, int32_t>(st, d, a, [amount](int32_t x, int32_t* o) { return scalar::shift_months(x, amount, o); });
                break;
            }
            case Opcode::ShiftMicros: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int64_t, int64_t>(st, d, a, [amount](int64_t x, int64_t* o) { return scalar::shift_micros(x, amount, o); });
                break;
            }
            case Opcode::ShiftMonthsT: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int64_t, int64_t>(st, d, a, [amount](int64_t x, int64_t* o) { return scalar::shift_months(x, amount, o); });
                break;
            }
            case Opcode::EqI64: case Opcode::NeI64: case Opcode::LtI64: case Opcode::LeI64: case Opcode::GtI64:
            case Opcode::GeI64:
                compare_family<int64_t>(st, in.op, d, a, b);
                break;
            case Opcode::EqF64: case Opcode::NeF64: case Opcode::LtF64: case Opcode::LeF64: case Opcode::GtF64:
            case Opcode::GeF64:
                compare_family<double>(st, in.op, d, a, b);
                break;
            case Opcode::EqI32: case Opcode::NeI32: case Opcode::LtI32: case Opcode::LeI32: case Opcode::GtI32:
            case Opcode::GeI32:
                compare_family<int32_t>(st, in.op, d, a, b);
                break;
            case Opcode::EqStr: case Opcode::NeStr: case Opcode::LtStr: case Opcode::LeStr: case Opcode::GtStr:
            case Opcode::GeStr:
                compare_family<std::string_view>(st, in.op, d, a, b);
                break;
            case Opcode::EqBool: compare_bools(st, d, a, b, true); break;
            case Opcode::NeBool: compare_bools(st, d, a, b, false); break;
            case Opcode::InSetI64: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<int64_t>(st, d, a, set.i64, set.has_null);
                break;
            }
            case Opcode::InSetF64: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<double>(st, d, a, set.f64, set.has_null);
                break;
            }
            case Opcode::InSetI32: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<int32_t>(st, d, a, set.i32, set.has_null);
                break;
            }
            case Opcode::InSetBool: {
                // Bits → one byte per row, then the generic sorted-set test.
                const ValueSet& set = *program.sets[in.imm];
                const uint64_t* av = static_cast<const uint64_t*>(a.data);
                const uint64_t* an = a.valid;
                uint8_t* found = st.scratch;
                for (uint32_t i = 0; i < st.count; ++i) {
                    const uint8_t x = static_cast<uint8_t>(test_bit(av, i));
                    found[i] = static_cast<uint8_t>(std::binary_search(set.boolean.begin(), set.boolean.end(), x));
                }
                uint64_t* dv = st.output_bits(d);
                pack_bytes(found, st.count, dv);
                for (uint32_t w = 0; w < st.words(); ++w) {
                    d.owned_valid[w] = an[w] & (set.has_null ? dv[w] : ~uint64_t{0});
                }
                break;
            }
            case Opcode::InSetStr: {
                const ValueSet& set = *program.sets[in.imm];
                const std::string_view* av = st.values<std::string_view>(a);
                const uint64_t* an = a.valid;
                // Present where a is, except a non-match against a list holding NULL.
                selective_bool(st, d, an, kAllSet.data(), [&](uint32_t i) { return set.str_index.count(av[i]) != 0; });
                if (set.has_null) {
                    for (uint32_t w = 0; w < st.words(); ++w) d.owned_valid[w] &= static_cast<const uint64_t*>(d.data)[w];
                }
                break;
            }
            case Opcode::LookupCode: {
                const Lookup& lookup = program.lookups[in.imm];
                lookup_code(st, d, table.column(lookup.column), (*lookups)[in.imm]);
                break;
            }
            case Opcode::IsNull:
            case Opcode::IsNotNull: {
                const uint64_t* an = a.valid;
                const uint64_t flip = in.op == Opcode::IsNull ? ~uint64_t{0} : 0;
                uint64_t* dv = st.output_bits(d);
                for (uint32_t w = 0; w < st.words(); ++w) dv[w] = an[w] ^ flip;
                d.valid = kAllSet.data();
                break;
            }
            case Opcode::Contains:
                text_test(st, d, a, b, [](std::string_view x, std::string_view y) { return scalar::contains(x, y); });
                break;
            case Opcode::StartsWith:
                text_test(st, d, a, b, [](std::string_view x, std::string_view y) { return scalar::starts_with(x, y); });
                break;
            case Opcode::EndsWith:
                text_test(st, d, a, b, [](std::string_view x, std::string_view y) { return scalar::ends_with(x, y); });
                break;
            case Opcode::Matches: {
                const RE2& regex = *program.regexes[in.imm];
                const std::string_view* av = st.values<std::string_view>(a);
                const uint64_t* an = a.valid;
                selective_bool(st, d, an, an, [&](uint32_t i) {
                    return test_bit(an, i) && RE2::PartialMatch(re2::StringPiece(av[i].data(), av[i].size()), regex);
                });
                break;
            }
            case Opcode::ListContains: {
                const ListRef* av = st.values<ListRef>(a);
                const std::string_view* bv = st.values<std::string_view>(b);
                const uint64_t* an = a.valid;
                const uint64_t* bn = b.valid;
                // The searched string is nearly always the same constant, in one column's dictionary: remember its
                // code between rows.
                std::string_view cached_text;
                const data::Dictionary* cached_dictionary = nullptr;
                int32_t cached_code = -1;
                bool cached = false;
                selective_bool(st, d, an, bn, [&](uint32_t i) {
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
                break;
            }
            case Opcode::Lower:
                map_text(st, d, a, [](std::string_view x, std::string& out) { scalar::lower(x, out); });
                break;
            case Opcode::Upper:
                map_text(st, d, a, [](std::string_view x, std::string& out) { scalar::upper(x, out); });
                break;
            case Opcode::LengthStr:
                unary_total<std::string_view, int64_t>(st, d, a, [](std::string_view x) { return scalar::length(x); });
                break;
            case Opcode::LengthList:
                unary_total<ListRef, int64_t>(st, d, a, [](ListRef x) { return static_cast<int64_t>(x.count); });
                break;
            case Opcode::AbsI64:
                unary_checked<int64_t, int64_t>(st, d, a, [](int64_t x, int64_t* o) { return scalar::abs(x, o); });
                break;
            case Opcode::AbsF64:
                unary_checked<double, double>(st, d, a, [](double x, double* o) { return scalar::abs(x, o); });
                break;
            case Opcode::Round:
                unary_checked<double, double>(st, d, a, [](double x, double* o) { return scalar::round(x, 0, o); });
                break;
            case Opcode::RoundDigits:
                binary_checked<double, int64_t, double>(st, d, a, b, [](double x, int64_t digits, double* o) { return scalar::round(x, digits, o); });
                break;
            case Opcode::CoalesceBool: {
                const uint64_t* av = static_cast<const uint64_t*>(a.data);
                const uint64_t* bv = static_cast<const uint64_t*>(b.data);
                const uint64_t* an = a.valid;
                const uint64_t* bn = b.valid;
                uint64_t* dv = st.output_bits(d);
                uint64_t* dn = d.owned_valid;
                for (uint32_t w = 0; w < st.words(); ++w) {
                    const uint64_t value = (an[w] & av[w]) | (~an[w] & bv[w]);
                    const uint64_t valid = an[w] | bn[w];
                    dv[w] = value;
                    dn[w] = valid;
                }
                break;
            }
            case Opcode::CoalesceI64: coalesce<int64_t>(st, d, a, b); break;
            case Opcode::CoalesceF64: coalesce<double>(st, d, a, b); break;
            case Opcode::CoalesceI32: coalesce<int32_t>(st, d, a, b); break;
            case Opcode::CoalesceStr: coalesce<std::string_view>(st, d, a, b); break;
            case Opcode::CoalesceList: coalesce<ListRef>(st, d, a, b); break;
            case Opcode::Year:
                unary_total<int32_t, int64_t>(st, d, a, [](int32_t x) { return scalar::year(x); });
                break;
            case Opcode::Month:
                unary_total<int32_t, int64_t>(st, d, a, [](int32_t x) { return scalar::month(x); });
                break;
            case Opcode::DayOfWeek:
                unary_total<int32_t, int64_t>(st, d, a, [](int32_t x) { return scalar::day_of_week(x); });
                break;
            case Opcode::DaysSince: {
                const scalar::AsOf as_of = st.as_of;
                unary_total<int32_t, int64_t>(st, d, a, [as_of](int32_t x) { return scalar::days_since(x, as_of); });
                break;
            }
            case Opcode::Not: {
                const uint64_t* av = static_cast<const uint64_t*>(a.data);
                const uint64_t* an = a.valid;
                uint64_t* dv = st.output_bits(d);
                uint64_t* dn = d.owned_valid;
                for (uint32_t w = 0; w < st.words(); ++w) {
                    const uint64_t value = ~av[w];
                    const uint64_t valid = an[w];
                    dv[w] = value;
                    dn[w] = valid;
                }
                break;
            }
            case Opcode::And:
            case Opcode::Or: {
                // and: FALSE if either is a present FALSE, else NULL if either is NULL, else TRUE. or: the mirror.
                const bool is_and = in.op == Opcode::And;
                const uint64_t* av = static_cast<const uint64_t*>(a.data);
                const uint64_t* bv = static_cast<const uint64_t*>(b.data);
                const uint64_t* an = a.valid;
                const uint64_t* bn = b.valid;
                uint64_t* dv = st.output_bits(d);
                uint64_t* dn = d.owned_valid;
                for (uint32_t w = 0; w < st.words(); ++w) {
                    const uint64_t a_true = an[w] & av[w], a_false = an[w] & ~av[w];
                    const uint64_t b_true = bn[w] & bv[w], b_false = bn[w] & ~bv[w];
                    const uint64_t value = is_and ? a_true & b_true : a_true | b_true;
                    const uint64_t valid = (an[w] & bn[w]) | (is_and ? a_false | b_false : a_true | b_true);
                    dv[w] = value;
                    dn[w] = valid;
                }
                break;
            }
            case Opcode::NarrowNotFalse: st.push_narrowed(a, false); break;
            case Opcode::NarrowNotTrue: st.push_narrowed(a, true); break;
            case Opcode::RenarrowNotFalse: st.renarrow(a, false); break;
            case Opcode::RenarrowNotTrue: st.renarrow(a, true); break;
            case Opcode::PopSelection: st.pop_selection(); break;
            case Opcode::StoreResult: store_result(st, memberships[program.segment], a); break;
            case Opcode::StoreShared: {
                if (st.shared_value.size() <= in.imm) {
                    st.shared_value.resize(in.imm + 1);
                    st.shared_valid.resize(in.imm + 1);
                }
                const uint64_t* av = static_cast<const uint64_t*>(a.data);
                std::copy(av, av + st.words(), st.shared_value[in.imm].begin());
                std::copy(a.valid, a.valid + st.words(), st.shared_valid[in.imm].begin());
                break;
            }
        }
    }
}

std::vector<data::Bitmap> evaluate(const std::vector<Program>& programs, const data::Table& table,
                                   size_t segment_count, scalar::AsOf as_of, unsigned threads,
                                   const std::vector<LookupTables>* lookups, const std::vector<Program>* shared,
                                   const std::vector<LookupTables>* shared_lookups) {
    const uint64_t rows = table.rows();
    // Not zeroed here: the thread that evaluates a chunk zeroes that chunk's words, so the page faults of first touch
    // (hundreds of bitmaps) are spread over the threads instead of taken serially up front.
    std::vector<data::Bitmap> memberships;
    memberships.reserve(segment_count);
    for (size_t s = 0; s < segment_count; ++s) memberships.push_back(data::Bitmap::uninitialized(rows));

    // Threads take chunks of kChunkRows as they finish the last one (parallel_for).
    const uint64_t chunk = kChunkRows;
    const uint64_t chunks = (rows + chunk - 1) / chunk;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    // One per worker, made by the worker that uses it (parallel_for starts no more workers than chunks).
    std::vector<std::unique_ptr<Machine>> machines(threads);
    parallel_for(chunks, threads, [&](uint64_t c, unsigned worker) {
        if (!machines[worker]) machines[worker] = std::make_unique<Machine>(table, as_of);
        Machine& machine = *machines[worker];
        const uint64_t from = c * chunk, to = std::min(rows, from + chunk);
        const uint64_t first_word = data::word_index(from), end_word = data::words_for_bits(to);
        for (auto& bits : memberships) std::fill(bits.mutable_words() + first_word, bits.mutable_words() + end_word, 0);
        for (uint64_t base = from; base < to; base += kBatchSize) {
            const auto count = static_cast<uint32_t>(std::min<uint64_t>(kBatchSize, to - base));
            for (size_t p = 0; shared && p < shared->size(); ++p) {
                machine.run((*shared)[p], base, count, memberships, shared_lookups ? &(*shared_lookups)[p] : nullptr);
            }
            for (size_t p = 0; p < programs.size(); ++p) {
                machine.run(programs[p], base, count, memberships, lookups ? &(*lookups)[p] : nullptr);
            }
        }
    });
    return memberships;
}

}  // namespace segmint::vm
