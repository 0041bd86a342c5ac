#pragma once
// The interpreter's registers, selections and per-batch state (vm/machine.h), shared by the kernels (vm/kernels*.h)
// and the dispatch loop (machine.cpp). Internal to the vm stage.
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>

#include "data/value_range.h"
#include "vm/bits.h"
#include "vm/machine.h"

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h

// How a batch flows through the registers:
// - Booleans are two bit sets, value and validity; `and`, `or`, `not` and narrowing are word operations.
// - Every register has validity bits. Loads of int, number, date, bool and list columns are views into the column
//   (no copy), validity included when the batch starts on a word boundary.
// - Cheap kernels (loads, comparisons, arithmetic, set tests, dictionary lookups) run over every row of the batch,
//   branch-free, and ignore the selection: rows outside it compute values nobody reads. Text and list kernels, which
//   cost far more per row and follow pointers, run over the selected rows only; but a list column tested by several
//   `contains` in a batch is read once over every row into bits (State::list_bits).
// - A constant is a broadcast register: comparisons read its one value; other kernels fill it out first.
// - A narrowed int column is read narrow by comparisons with a constant; other kernels widen it first. A list column
//   is read in place by `contains` with a constant; other list kernels get every row's ListRef built first.

// A list value of one row: its item codes in its column's dictionary (per row: coalesce(tags, other_tags) mixes
// the rows of two columns).
struct ListRef {
    const int32_t* codes;
    uint64_t count;
    const data::Dictionary* dictionary;
};

constexpr size_t kMaxElement = std::max(sizeof(std::string_view), sizeof(ListRef));
// Constants computed at compile time: a dynamic initializer here would be code of the x86-64-v3 copy run at every
// program start, on any CPU (instruction_set.h).
constexpr std::array<uint64_t, kBatchWords> kAllSet = [] {
    std::array<uint64_t, kBatchWords> words{};
    for (size_t i = 0; i < kBatchWords; ++i) words[i] = ~uint64_t{0};
    return words;
}();
constexpr std::array<uint64_t, kBatchWords> kNoneSet{};

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
    // A narrowed int column (data::Column::narrow_ints): while `data` is null the batch's values are `narrow`,
    // `narrow_width` bytes each, offsets from `narrow_base` (exec_LoadI64 sets all four; only it and exec_LoadList
    // make `data` null). Comparisons with a constant read them as they are; State::values widens them into `owned` for
    // any other kernel. NULL rows widen to the base: kernels mask them by validity.
    const void* narrow = nullptr;
    uint8_t narrow_width = 0;
    int64_t narrow_base = 0;
    // A list column (exec_LoadList) while `data` is null: its rows from `list_at` on. `contains` with a constant reads
    // the column's offsets and item codes as they are; State::values builds the ListRefs for any other kernel.
    const data::Column* list_column = nullptr;
    uint64_t list_at = 0;
    std::string arena;  // bytes of computed strings (lower/upper)
};

template <typename T>
T constant_value(const Constant& k) {
    if constexpr (std::is_same_v<T, int64_t>)
        return k.i64;
    else if constexpr (std::is_same_v<T, double>)
        return k.f64;
    else if constexpr (std::is_same_v<T, int32_t>)
        return k.i32;
    else if constexpr (std::is_same_v<T, std::string_view>)
        return std::string_view(k.str);
    else
        return T{};
}

// The rows text and list kernels run over: all rows [0, count) of the batch, or the listed ones.
struct Selection {
    bool dense = true;
    uint32_t count = 0;
    const uint32_t* rows = nullptr;
};

template <typename F>
inline void each(const Selection& s, F&& f) {
    const uint32_t count = s.count;  // a copy: see kernels.h on byte stores and loop bounds
    if (s.dense) {
        for (uint32_t i = 0; i < count; ++i) f(i);
    } else {
        const uint32_t* rows = s.rows;
        for (uint32_t k = 0; k < count; ++k) f(rows[k]);
    }
}

// Text and list values are only ever read at selected rows; everything else is cheap enough to run densely.
template <typename T>
constexpr bool kSelective = std::is_same_v<T, std::string_view> || std::is_same_v<T, ListRef>;

struct State {
    const data::Table& table;
    scalar::AsOf as_of;
    // Columns past the table's own: the values of the catalog's event aggregates (engine/aggregates.h), which the
    // programs read as columns table.column_count() + i.
    const std::vector<data::Column>* aggregates = nullptr;
    uint64_t aggregates_from = 0;   // the table's row that is row 0 of the aggregates' columns
    uint64_t memberships_from = 0;  // the table's row that is bit 0 of the memberships run writes and reads
    std::vector<Register> registers;
    uint32_t count = 0;  // rows in the current batch
    uint64_t base = 0;   // first row of the current batch
    // Open selections as masks over the batch: masks[0 .. depth], innermost last. The vector only grows, so a
    // narrowing reuses storage and touches only the batch's words. Row lists are built when a text or list kernel
    // first needs one.
    std::vector<std::array<uint64_t, kBatchWords>> masks;
    // masks[0] holds rows [0, first_mask_rows): kept from batch to batch, refilled when a batch's size differs.
    uint32_t first_mask_rows = UINT32_MAX;
    size_t depth = 0;
    std::vector<std::vector<uint32_t>> mask_rows;
    std::vector<Selection> selections;
    std::vector<bool> selection_built;
    // Shared conditions of the current batch (value and validity bits), stored by their programs before the segments'.
    std::vector<std::array<uint64_t, kBatchWords>> shared_value, shared_valid;
    // Per list column read by `contains` with a constant: each row's items in the current batch as a set of bits (bit
    // c: the row holds code c; dictionaries of at most 64 values), built once a batch when the batch before read the
    // column at least twice (a catalog tests a few tags, each in many segments) and at least half the batch's rows are
    // open, then read by every `contains` of the batch after.
    struct ListBits {
        const data::Column* column = nullptr;
        uint64_t batch = 0;          // batch_serial when built
        uint64_t at = ~uint64_t{0};  // the column's row that is the batch's first
        uint32_t count = 0;
        uint32_t uses = 0, last_uses = 0;  // `contains` over the column in this batch and in the one before
        bool built = false;
        std::vector<uint64_t> rows;
    };
    std::vector<ListBits> list_bits;
    uint64_t batch_serial = 0;  // Machine::start_batch: the rows' values may differ from the last batch's
    alignas(64) uint8_t scratch[kBatchSize + 64];    // per-row bytes before packing into bits
    alignas(64) uint64_t word_scratch[kBatchWords];  // bits of one kernel before they are combined

    State(const data::Table& t, scalar::AsOf a, const std::vector<data::Column>* g)
        : table(t), as_of(a), aggregates(g) {}

    // Column `index` of the programs: the table's, then the aggregates'.
    const data::Column& column(size_t index) const {
        const size_t own = table.column_count();
        return index < own ? table.column(index) : aggregates->at(index - own);
    }
    // The row of column `index` that holds the current batch's first row.
    uint64_t first_row(size_t index) const { return index < table.column_count() ? base : base - aggregates_from; }
    // The bit of a membership bitmap that holds the current batch's first row.
    uint64_t membership_bit() const { return base - memberships_from; }
    ~State() {
        for (auto& r : registers) {
            ::operator delete(r.owned, std::align_val_t(64));
            ::operator delete(r.owned_valid, std::align_val_t(64));
        }
    }
    // The registers own their buffers: a copy would free them twice.
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    void prepare(const Program& program) {
        if (registers.size() < program.registers.size()) registers.resize(program.registers.size());
        for (size_t i = 0; i < program.registers.size(); ++i) {
            Register& r = registers[i];
            if (!r.owned) {
                // Zeroed, so rows no kernel wrote hold harmless values for the dense kernels that read them.
                r.owned = ::operator new(kMaxElement* kBatchSize, std::align_val_t(64));
                std::memset(r.owned, 0, kMaxElement * kBatchSize);
                r.owned_valid = static_cast<uint64_t*>(::operator new(8 * kBatchWords, std::align_val_t(64)));
                std::memset(r.owned_valid, 0, 8 * kBatchWords);
            }
            r.kind = program.registers[i];
            r.data = r.owned;
            r.valid = r.owned_valid;
            r.broadcast = false;
        }
        // The slot a shared program stores exists before it runs: growing the slots in StoreShared would move those
        // its registers may point into (a LoadShared of an earlier slot, or a validity `not` passed through).
        if (!program.code.empty() && program.code.back().op == Opcode::StoreShared &&
            shared_value.size() <= program.code.back().imm) {
            shared_value.resize(program.code.back().imm + 1);
            shared_valid.resize(program.code.back().imm + 1);
        }
    }

    void begin_batch(uint64_t batch_base, uint32_t batch_count) {
        base = batch_base;
        count = batch_count;
        if (masks.empty()) masks.resize(1);
        depth = 0;
        // Every program of every batch starts here: refilled only when the batch's size changes (the last batch).
        if (first_mask_rows != count) {
            fill_first(masks[0].data(), count);
            first_mask_rows = count;
        }
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

    // The ListBits entry of `column`, whose row `at` is this batch's first: its counts moved on at a new batch (a new
    // start_batch, or other rows).
    ListBits& list_bits_of(const data::Column& column, uint64_t at) {
        auto found = std::find_if(list_bits.begin(), list_bits.end(),
                                  [&](const ListBits& bits) { return bits.column == &column; });
        ListBits& bits = found != list_bits.end() ? *found : list_bits.emplace_back();
        if (bits.column != &column || bits.batch != batch_serial || bits.at != at || bits.count != count) {
            bits.last_uses = bits.column == &column ? bits.uses : 0;
            bits.column = &column;
            bits.batch = batch_serial;
            bits.at = at;
            bits.count = count;
            bits.uses = 0;
            bits.built = false;
        }
        return bits;
    }
    // Builds the batch's bits of `bits.column` (a dictionary of at most 64 values).
    void build_list_bits(ListBits& bits) {
        const data::Column& column = *bits.column;
        bits.rows.resize(kBatchSize);
        // Everything the loop reads in locals: its 64-bit stores could alias the vectors' sizes and `bits.at`, which
        // the compiler would otherwise load again for every row.
        uint64_t* const out = bits.rows.data();
        const int32_t* const items = column.list_codes.data();
        const uint64_t item_count = column.list_codes.size();
        const uint64_t* const offsets = column.list_offsets.data() + bits.at;
        const uint32_t rows = count;
        // A code past 63 (only in a snapshot rewritten under the table) sets no bit; the shift stays in range anyway.
        const auto bit = [](int32_t code, bool holds) {
            const auto c = static_cast<uint32_t>(code);
            return uint64_t{static_cast<unsigned>(holds) & static_cast<unsigned>(c < 64)} << (c & 63);
        };
        for (uint32_t i = 0; i < rows; ++i) {
            const auto [begin, end] = data::clamped_range(offsets, i, item_count);  // a snapshot's lists: in place
            const uint64_t n = end - begin;
            uint64_t row = 0;
            if (n <= 4 && begin + 4 <= item_count) {  // short lists without a loop, as list_column_contains reads them
                const int32_t* p = items + begin;
                row = bit(p[0], n > 0) | bit(p[1], n > 1) | bit(p[2], n > 2) | bit(p[3], n > 3);
            } else {
                for (uint64_t k = begin; k < end; ++k) row |= bit(items[k], true);
            }
            out[i] = row;
        }
        bits.built = true;
    }
    // Whether at least half of the batch's rows are selected (a dense pass then costs little more than a selective
    // one).
    bool mostly_selected() const {
        if (depth == 0) return true;
        uint32_t selected = 0;
        for (uint32_t w = 0; w < words(); ++w) selected += static_cast<uint32_t>(__builtin_popcountll(masks[depth][w]));
        return 2 * selected >= count;
    }

    // Values of `r` as an array (fills a constant's rows, widens a narrow column's, on first use in a batch).
    template <typename T>
    const T* values(Register& r) {
        if (r.broadcast && !r.filled) {
            T value = constant_value<T>(*r.constant);
            T* out = static_cast<T*>(r.owned);
            for (uint32_t i = 0; i < count; ++i) out[i] = value;
            r.data = out;
            r.filled = true;
        }
        if constexpr (std::is_same_v<T, int64_t>) {
            if (!r.data) widen(r);
        }
        if constexpr (std::is_same_v<T, ListRef>) {
            if (!r.data) list_refs(r);
        }
        return static_cast<const T*>(r.data);
    }
    // Every row's ListRef, not just the selected rows': built at first use, so whatever selection a later kernel
    // reads the register under finds its rows (a dense pass, cheap next to the list kernels that need it).
    void list_refs(Register& r) {
        auto* out = static_cast<ListRef*>(r.owned);
        const data::Column& column = *r.list_column;
        const int32_t* items = column.list_codes.data();
        for (uint32_t i = 0, n = count; i < n; ++i) {
            const auto [begin, end] = column.list_range(r.list_at + i);  // clamped (a snapshot's lists: in place)
            out[i] = ListRef{items + begin, end - begin, &column.dictionary};
        }
        r.data = out;
    }
    void widen(Register& r) {
        auto* out = static_cast<int64_t*>(r.owned);
        // NULL slots come out as the base, which nobody reads.
        switch (r.narrow_width) {
            case 1: data::widen_offsets(static_cast<const int8_t*>(r.narrow), count, r.narrow_base, out); break;
            case 2: data::widen_offsets(static_cast<const int16_t*>(r.narrow), count, r.narrow_base, out); break;
            default: data::widen_offsets(static_cast<const int32_t*>(r.narrow), count, r.narrow_base, out); break;
        }
        r.data = out;
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
    // The validity bits of the current batch in `column`, whose row `at` is the batch's first (first_row).
    const uint64_t* column_validity(const data::Column& column, uint64_t at, Register& d) {
        if (at % 64 == 0) return column.validity.words() + at / 64;
        extract_bits(column.validity.words(), data::words_for_bits(column.validity.size()), at, count, d.owned_valid);
        return d.owned_valid;
    }
};

}  // namespace SEGMINT_VM_ISA
}  // namespace segmint::vm
