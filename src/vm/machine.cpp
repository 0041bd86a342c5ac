#include "vm/machine.h"

#include <thread>

#include "common/parallel.h"
#include "vm/kernels.h"
#include "vm/machine_state.h"

namespace segmint::vm {

Machine::Machine(const data::Table& table, scalar::AsOf as_of) : state_(std::make_unique<State>(table, as_of)) {}
Machine::~Machine() = default;

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
                    const TruthWord result = not_word(av[w], an[w]);
                    dv[w] = result.value;
                    dn[w] = result.valid;
                }
                break;
            }
            case Opcode::And:
            case Opcode::Or: {
                const bool is_and = in.op == Opcode::And;
                const uint64_t* av = static_cast<const uint64_t*>(a.data);
                const uint64_t* bv = static_cast<const uint64_t*>(b.data);
                const uint64_t* an = a.valid;
                const uint64_t* bn = b.valid;
                uint64_t* dv = st.output_bits(d);
                uint64_t* dn = d.owned_valid;
                for (uint32_t w = 0; w < st.words(); ++w) {
                    const TruthWord result = is_and ? and_word(av[w], an[w], bv[w], bn[w])
                                                    : or_word(av[w], an[w], bv[w], bn[w]);
                    dv[w] = result.value;
                    dn[w] = result.valid;
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
