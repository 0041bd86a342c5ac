#include "vm/kernels.h"

namespace segmint::vm {

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

}  // namespace segmint::vm
