#include "vm/machine.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace segmint::vm {

namespace scalar = ir::scalar;

namespace {

// A list value of one row: its item codes in the column's dictionary.
struct ListRef {
    const int32_t* codes;
    uint64_t count;
};

// One value per row of a batch, plus a validity byte (1 = present). A register only ever holds one kind, so its
// storage is only ever accessed as that type.
struct Register {
    RegKind kind = RegKind::None;
    void* data = nullptr;
    uint8_t* valid = nullptr;
    std::string arena;                             // bytes of computed strings (lower/upper)
    const data::Dictionary* dictionary = nullptr;  // List registers: the column's dictionary

    template <typename T>
    T* as() {
        return static_cast<T*>(data);
    }
};

size_t element_size(RegKind kind) {
    switch (kind) {
        case RegKind::Bool: return sizeof(uint8_t);
        case RegKind::I64: return sizeof(int64_t);
        case RegKind::F64: return sizeof(double);
        case RegKind::I32: return sizeof(int32_t);
        case RegKind::Str: return sizeof(std::string_view);
        case RegKind::List: return sizeof(ListRef);
        default: return 0;
    }
}

// The rows an instruction runs over: all rows [0, count) of the batch, or the listed ones.
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

}  // namespace

struct Machine::State {
    const data::Table& table;
    scalar::AsOf as_of;
    std::vector<Register> registers;
    std::vector<std::vector<uint32_t>> selection_rows;  // storage per selection depth
    std::vector<Selection> selections;

    State(const data::Table& t, scalar::AsOf a) : table(t), as_of(a) {}
    ~State() {
        for (auto& r : registers) {
            ::operator delete(r.data, std::align_val_t(64));
            ::operator delete(r.valid, std::align_val_t(64));
        }
    }

    void prepare(const Program& program) {
        if (registers.size() < program.registers.size()) registers.resize(program.registers.size());
        for (size_t i = 0; i < program.registers.size(); ++i) {
            Register& r = registers[i];
            RegKind kind = program.registers[i];
            if (!r.valid) r.valid = static_cast<uint8_t*>(::operator new(kBatchSize, std::align_val_t(64)));
            if (r.kind != kind) {
                size_t bytes = std::max<size_t>(element_size(kind), sizeof(ListRef)) * kBatchSize;
                if (!r.data) r.data = ::operator new(bytes, std::align_val_t(64));
                r.kind = kind;
            }
            r.dictionary = nullptr;
        }
    }

    Selection& current() { return selections.back(); }

    void push_narrowed(const Register& a, uint8_t keep_value) {
        // Keeps the rows whose truth is not `keep_value`'s opposite: NarrowNotFalse keeps TRUE and NULL.
        const Selection from = current();
        size_t depth = selections.size();
        if (selection_rows.size() <= depth) selection_rows.resize(depth + 1);
        auto& rows = selection_rows[depth];
        rows.resize(kBatchSize);
        const uint8_t* v = static_cast<const uint8_t*>(a.data);
        const uint8_t* n = a.valid;
        uint32_t kept = 0;
        // Drop a row when it is valid and its value is decided (FALSE for `and`, TRUE for `or`).
        const uint8_t decided = keep_value ? 0 : 1;
        each(from, [&](uint32_t i) {
            rows[kept] = i;
            kept += !(n[i] && v[i] == decided);
        });
        selections.push_back(Selection{false, kept, rows.data()});
    }
};

Machine::Machine(const data::Table& table, scalar::AsOf as_of) : state_(std::make_unique<State>(table, as_of)) {}
Machine::~Machine() = default;

namespace {

// Validity bits → one byte per row. A dense batch on a byte boundary expands eight rows at a time through a table.
void load_validity(const data::Column& column, uint64_t base, const Selection& s, uint8_t* valid) {
    const uint64_t* words = column.validity.words();
    if (s.dense && base % 8 == 0) {
        static const auto expand = [] {
            std::array<uint64_t, 256> table{};
            for (unsigned b = 0; b < 256; ++b) {
                for (unsigned k = 0; k < 8; ++k) table[b] |= uint64_t{(b >> k) & 1u} << (8 * k);
            }
            return table;
        }();
        const uint8_t* bytes = reinterpret_cast<const uint8_t*>(words) + base / 8;
        uint32_t i = 0;
        for (; i + 8 <= s.count; i += 8) std::memcpy(valid + i, &expand[bytes[i / 8]], 8);
        for (; i < s.count; ++i) valid[i] = static_cast<uint8_t>((words[(base + i) >> 6] >> ((base + i) & 63)) & 1);
        return;
    }
    each(s, [&](uint32_t i) {
        uint64_t row = base + i;
        valid[i] = static_cast<uint8_t>((words[row >> 6] >> (row & 63)) & 1);
    });
}

template <typename T>
void load_values(const std::vector<T>& values, uint64_t base, const Selection& s, T* out) {
    if (s.dense) {
        std::memcpy(out, values.data() + base, sizeof(T) * s.count);
        return;
    }
    each(s, [&](uint32_t i) { out[i] = values[base + i]; });
}

template <typename T>
void fill(const Selection& s, T* out, uint8_t* valid, T value, bool present) {
    each(s, [&](uint32_t i) {
        out[i] = value;
        valid[i] = present;
    });
}

// dst := op(a, b) where op returns false for NULL.
template <typename T, typename R, typename Op>
void binary_checked(Register& d, Register& a, Register& b, const Selection& s, Op op) {
    R* dv = d.as<R>();
    const T* av = a.as<T>();
    const T* bv = b.as<T>();
    uint8_t* dn = d.valid;
    const uint8_t* an = a.valid;
    const uint8_t* bn = b.valid;
    each(s, [&](uint32_t i) {
        R out{};
        bool ok = op(av[i], bv[i], &out);
        dv[i] = ok ? out : R{};
        dn[i] = an[i] & bn[i] & static_cast<uint8_t>(ok);
    });
}

template <typename T, typename R, typename Op>
void unary_checked(Register& d, Register& a, const Selection& s, Op op) {
    R* dv = d.as<R>();
    const T* av = a.as<T>();
    uint8_t* dn = d.valid;
    const uint8_t* an = a.valid;
    each(s, [&](uint32_t i) {
        R out{};
        bool ok = op(av[i], &out);
        dv[i] = ok ? out : R{};
        dn[i] = an[i] & static_cast<uint8_t>(ok);
    });
}

template <typename T, typename R, typename F>
void unary_total(Register& d, Register& a, const Selection& s, F f) {
    R* dv = d.as<R>();
    const T* av = a.as<T>();
    uint8_t* dn = d.valid;
    const uint8_t* an = a.valid;
    each(s, [&](uint32_t i) {
        dv[i] = an[i] ? f(av[i]) : R{};
        dn[i] = an[i];
    });
}

template <typename T, typename Cmp>
void compare(Register& d, Register& a, Register& b, const Selection& s, Cmp cmp) {
    uint8_t* dv = d.as<uint8_t>();
    const T* av = a.as<T>();
    const T* bv = b.as<T>();
    uint8_t* dn = d.valid;
    const uint8_t* an = a.valid;
    const uint8_t* bn = b.valid;
    each(s, [&](uint32_t i) {
        dv[i] = static_cast<uint8_t>(cmp(av[i], bv[i]));
        dn[i] = an[i] & bn[i];
    });
}

template <typename T>
void compare_family(Opcode op, Register& d, Register& a, Register& b, const Selection& s) {
    switch (op) {
        case Opcode::EqI64: case Opcode::EqF64: case Opcode::EqI32: case Opcode::EqStr: case Opcode::EqBool:
            return compare<T>(d, a, b, s, [](const T& x, const T& y) { return x == y; });
        case Opcode::NeI64: case Opcode::NeF64: case Opcode::NeI32: case Opcode::NeStr: case Opcode::NeBool:
            return compare<T>(d, a, b, s, [](const T& x, const T& y) { return x != y; });
        case Opcode::LtI64: case Opcode::LtF64: case Opcode::LtI32: case Opcode::LtStr:
            return compare<T>(d, a, b, s, [](const T& x, const T& y) { return x < y; });
        case Opcode::LeI64: case Opcode::LeF64: case Opcode::LeI32: case Opcode::LeStr:
            return compare<T>(d, a, b, s, [](const T& x, const T& y) { return x <= y; });
        case Opcode::GtI64: case Opcode::GtF64: case Opcode::GtI32: case Opcode::GtStr:
            return compare<T>(d, a, b, s, [](const T& x, const T& y) { return x > y; });
        default:
            return compare<T>(d, a, b, s, [](const T& x, const T& y) { return x >= y; });
    }
}

template <typename T>
void in_sorted(Register& d, Register& a, const std::vector<T>& items, bool has_null, const Selection& s) {
    uint8_t* dv = d.as<uint8_t>();
    const T* av = a.as<T>();
    uint8_t* dn = d.valid;
    const uint8_t* an = a.valid;
    each(s, [&](uint32_t i) {
        bool found = std::binary_search(items.begin(), items.end(), av[i]);
        dv[i] = found;
        dn[i] = an[i] & static_cast<uint8_t>(found || !has_null);
    });
}

template <typename T>
void coalesce(Register& d, Register& a, Register& b, const Selection& s) {
    T* dv = d.as<T>();
    const T* av = a.as<T>();
    const T* bv = b.as<T>();
    uint8_t* dn = d.valid;
    const uint8_t* an = a.valid;
    const uint8_t* bn = b.valid;
    each(s, [&](uint32_t i) {
        dv[i] = an[i] ? av[i] : bv[i];
        dn[i] = an[i] | bn[i];
    });
}

template <typename Test>
void text_test(Register& d, Register& a, Register& b, const Selection& s, Test test) {
    uint8_t* dv = d.as<uint8_t>();
    const std::string_view* av = a.as<std::string_view>();
    const std::string_view* bv = b.as<std::string_view>();
    uint8_t* dn = d.valid;
    each(s, [&](uint32_t i) {
        dn[i] = a.valid[i] & b.valid[i];
        dv[i] = dn[i] && test(av[i], bv[i]);
    });
}

// lower/upper: sizes first, so the arena is allocated once and the views into it stay valid.
template <typename Map>
void map_text(Register& d, Register& a, const Selection& s, Map map) {
    const std::string_view* av = a.as<std::string_view>();
    std::string_view* dv = d.as<std::string_view>();
    size_t total = 0;
    each(s, [&](uint32_t i) { total += a.valid[i] ? av[i].size() : 0; });
    d.arena.resize(total);
    size_t at = 0;
    std::string buffer;
    each(s, [&](uint32_t i) {
        d.valid[i] = a.valid[i];
        if (!a.valid[i]) {
            dv[i] = std::string_view();
            return;
        }
        map(av[i], buffer);
        std::memcpy(d.arena.data() + at, buffer.data(), buffer.size());
        dv[i] = std::string_view(d.arena.data() + at, buffer.size());
        at += buffer.size();
    });
}

}  // namespace

void Machine::run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
                  const LookupTables* lookups) {
    State& st = *state_;
    st.prepare(program);
    st.selections.clear();
    st.selections.push_back(Selection{true, count, nullptr});
    const data::Table& table = st.table;

    for (const Instruction& in : program.code) {
        const Selection& s = st.current();
        Register& d = st.registers[in.dst];
        Register& a = st.registers[in.a];
        Register& b = st.registers[in.b];
        switch (in.op) {
            case Opcode::LoadBool: {
                const data::Column& c = table.column(in.imm);
                load_values(c.u8, base, s, d.as<uint8_t>());
                load_validity(c, base, s, d.valid);
                break;
            }
            case Opcode::LoadI64: {
                const data::Column& c = table.column(in.imm);
                load_values(c.i64, base, s, d.as<int64_t>());
                load_validity(c, base, s, d.valid);
                break;
            }
            case Opcode::LoadF64: {
                const data::Column& c = table.column(in.imm);
                load_values(c.f64, base, s, d.as<double>());
                load_validity(c, base, s, d.valid);
                break;
            }
            case Opcode::LoadI32: {
                const data::Column& c = table.column(in.imm);
                load_values(c.i32, base, s, d.as<int32_t>());
                load_validity(c, base, s, d.valid);
                break;
            }
            case Opcode::LoadStr: {
                const data::Column& c = table.column(in.imm);
                load_validity(c, base, s, d.valid);
                std::string_view* dv = d.as<std::string_view>();
                const int32_t* codes = c.i32.data() + base;
                const data::Dictionary& values = c.dictionary;
                each(s, [&](uint32_t i) { dv[i] = d.valid[i] ? values.value(codes[i]) : std::string_view(); });
                break;
            }
            case Opcode::LoadList: {
                const data::Column& c = table.column(in.imm);
                load_validity(c, base, s, d.valid);
                d.dictionary = &c.dictionary;
                ListRef* dv = d.as<ListRef>();
                const uint64_t* offsets = c.list_offsets.data() + base;
                const int32_t* items = c.list_codes.data();
                each(s, [&](uint32_t i) { dv[i] = ListRef{items + offsets[i], offsets[i + 1] - offsets[i]}; });
                break;
            }
            case Opcode::LoadSegment: {
                const uint64_t* words = memberships[in.imm].words();
                uint8_t* dv = d.as<uint8_t>();
                each(s, [&](uint32_t i) {
                    uint64_t row = base + i;
                    dv[i] = static_cast<uint8_t>((words[row >> 6] >> (row & 63)) & 1);
                    d.valid[i] = 1;
                });
                break;
            }
            case Opcode::ConstBool: {
                const Constant& k = program.constants[in.imm];
                fill<uint8_t>(s, d.as<uint8_t>(), d.valid, k.boolean, !k.is_null);
                break;
            }
            case Opcode::ConstI64: {
                const Constant& k = program.constants[in.imm];
                fill<int64_t>(s, d.as<int64_t>(), d.valid, k.i64, !k.is_null);
                break;
            }
            case Opcode::ConstF64: {
                const Constant& k = program.constants[in.imm];
                fill<double>(s, d.as<double>(), d.valid, k.f64, !k.is_null);
                break;
            }
            case Opcode::ConstI32: {
                const Constant& k = program.constants[in.imm];
                fill<int32_t>(s, d.as<int32_t>(), d.valid, k.i32, !k.is_null);
                break;
            }
            case Opcode::ConstStr: {
                const Constant& k = program.constants[in.imm];
                fill<std::string_view>(s, d.as<std::string_view>(), d.valid, k.str, !k.is_null);
                break;
            }
            case Opcode::I64ToF64:
                unary_checked<int64_t, double>(d, a, s, [](int64_t x, double* o) { return scalar::to_number(x, o); });
                break;
            case Opcode::DateToTs:
                unary_total<int32_t, int64_t>(d, a, s, [](int32_t x) { return scalar::date_to_timestamp(x); });
                break;
            case Opcode::TsToDate:
                unary_total<int64_t, int32_t>(d, a, s, [](int64_t x) { return scalar::timestamp_to_date(x); });
                break;
            case Opcode::NegI64:
                unary_checked<int64_t, int64_t>(d, a, s, [](int64_t x, int64_t* o) { return scalar::negate(x, o); });
                break;
            case Opcode::NegF64:
                unary_checked<double, double>(d, a, s, [](double x, double* o) { return scalar::negate(x, o); });
                break;
            case Opcode::AddI64:
                binary_checked<int64_t, int64_t>(d, a, b, s, [](int64_t x, int64_t y, int64_t* o) { return scalar::add(x, y, o); });
                break;
            case Opcode::SubI64:
                binary_checked<int64_t, int64_t>(d, a, b, s, [](int64_t x, int64_t y, int64_t* o) { return scalar::sub(x, y, o); });
                break;
            case Opcode::MulI64:
                binary_checked<int64_t, int64_t>(d, a, b, s, [](int64_t x, int64_t y, int64_t* o) { return scalar::mul(x, y, o); });
                break;
            case Opcode::ModI64:
                binary_checked<int64_t, int64_t>(d, a, b, s, [](int64_t x, int64_t y, int64_t* o) { return scalar::mod(x, y, o); });
                break;
            case Opcode::AddF64:
                binary_checked<double, double>(d, a, b, s, [](double x, double y, double* o) { return scalar::add(x, y, o); });
                break;
            case Opcode::SubF64:
                binary_checked<double, double>(d, a, b, s, [](double x, double y, double* o) { return scalar::sub(x, y, o); });
                break;
            case Opcode::MulF64:
                binary_checked<double, double>(d, a, b, s, [](double x, double y, double* o) { return scalar::mul(x, y, o); });
                break;
            case Opcode::DivF64:
                binary_checked<double, double>(d, a, b, s, [](double x, double y, double* o) { return scalar::div(x, y, o); });
                break;
            case Opcode::ModF64:
                binary_checked<double, double>(d, a, b, s, [](double x, double y, double* o) { return scalar::mod(x, y, o); });
                break;
            case Opcode::ShiftDays: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int32_t, int32_t>(d, a, s, [amount](int32_t x, int32_t* o) { return scalar::shift_days(x, amount, o); });
                break;
            }
            case Opcode::ShiftMonthsD: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int32_t, int32_t>(d, a, s, [amount](int32_t x, int32_t* o) { return scalar::shift_months(x, amount, o); });
                break;
            }
            case Opcode::ShiftMicros: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int64_t, int64_t>(d, a, s, [amount](int64_t x, int64_t* o) { return scalar::shift_micros(x, amount, o); });
                break;
            }
            case Opcode::ShiftMonthsT: {
                int64_t amount = program.constants[in.imm].i64;
                unary_checked<int64_t, int64_t>(d, a, s, [amount](int64_t x, int64_t* o) { return scalar::shift_months(x, amount, o); });
                break;
            }
            case Opcode::EqI64: case Opcode::NeI64: case Opcode::LtI64: case Opcode::LeI64: case Opcode::GtI64:
            case Opcode::GeI64:
                compare_family<int64_t>(in.op, d, a, b, s);
                break;
            case Opcode::EqF64: case Opcode::NeF64: case Opcode::LtF64: case Opcode::LeF64: case Opcode::GtF64:
            case Opcode::GeF64:
                compare_family<double>(in.op, d, a, b, s);
                break;
            case Opcode::EqI32: case Opcode::NeI32: case Opcode::LtI32: case Opcode::LeI32: case Opcode::GtI32:
            case Opcode::GeI32:
                compare_family<int32_t>(in.op, d, a, b, s);
                break;
            case Opcode::EqStr: case Opcode::NeStr: case Opcode::LtStr: case Opcode::LeStr: case Opcode::GtStr:
            case Opcode::GeStr:
                compare_family<std::string_view>(in.op, d, a, b, s);
                break;
            case Opcode::EqBool: case Opcode::NeBool:
                compare_family<uint8_t>(in.op, d, a, b, s);
                break;
            case Opcode::InSetI64: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<int64_t>(d, a, set.i64, set.has_null, s);
                break;
            }
            case Opcode::InSetF64: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<double>(d, a, set.f64, set.has_null, s);
                break;
            }
            case Opcode::InSetI32: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<int32_t>(d, a, set.i32, set.has_null, s);
                break;
            }
            case Opcode::InSetBool: {
                const ValueSet& set = *program.sets[in.imm];
                in_sorted<uint8_t>(d, a, set.boolean, set.has_null, s);
                break;
            }
            case Opcode::InSetStr: {
                const ValueSet& set = *program.sets[in.imm];
                uint8_t* dv = d.as<uint8_t>();
                const std::string_view* av = a.as<std::string_view>();
                each(s, [&](uint32_t i) {
                    bool found = set.str_index.count(av[i]) != 0;
                    dv[i] = found;
                    d.valid[i] = a.valid[i] & static_cast<uint8_t>(found || !set.has_null);
                });
                break;
            }
            case Opcode::LookupCode: {
                const Lookup& lookup = program.lookups[in.imm];
                const std::vector<uint8_t>& truth = (*lookups)[in.imm];
                const data::Column& c = table.column(lookup.column);
                const uint64_t* words = c.validity.words();
                const int32_t* codes = c.i32.data() + base;
                const int32_t null_entry = static_cast<int32_t>(truth.size() - 1);
                uint8_t* dv = d.as<uint8_t>();
                each(s, [&](uint32_t i) {
                    uint64_t row = base + i;
                    bool present = (words[row >> 6] >> (row & 63)) & 1;
                    uint8_t t = truth[present ? codes[i] : null_entry];
                    dv[i] = t == 1;
                    d.valid[i] = t != 2;
                });
                break;
            }
            case Opcode::IsNull:
            case Opcode::IsNotNull: {
                uint8_t* dv = d.as<uint8_t>();
                const uint8_t flip = in.op == Opcode::IsNull;
                each(s, [&](uint32_t i) {
                    dv[i] = a.valid[i] ^ flip;
                    d.valid[i] = 1;
                });
                break;
            }
            case Opcode::Contains:
                text_test(d, a, b, s, [](std::string_view x, std::string_view y) { return scalar::contains(x, y); });
                break;
            case Opcode::StartsWith:
                text_test(d, a, b, s, [](std::string_view x, std::string_view y) { return scalar::starts_with(x, y); });
                break;
            case Opcode::EndsWith:
                text_test(d, a, b, s, [](std::string_view x, std::string_view y) { return scalar::ends_with(x, y); });
                break;
            case Opcode::Matches: {
                const RE2& regex = *program.regexes[in.imm];
                uint8_t* dv = d.as<uint8_t>();
                const std::string_view* av = a.as<std::string_view>();
                each(s, [&](uint32_t i) {
                    d.valid[i] = a.valid[i];
                    dv[i] = a.valid[i] && RE2::PartialMatch(re2::StringPiece(av[i].data(), av[i].size()), regex);
                });
                break;
            }
            case Opcode::ListContains: {
                uint8_t* dv = d.as<uint8_t>();
                const ListRef* av = a.as<ListRef>();
                const std::string_view* bv = b.as<std::string_view>();
                // The searched string is nearly always the same constant: remember its code between rows.
                std::string_view cached_text;
                int32_t cached_code = -1;
                bool cached = false;
                each(s, [&](uint32_t i) {
                    d.valid[i] = a.valid[i] & b.valid[i];
                    if (!d.valid[i]) {
                        dv[i] = 0;
                        return;
                    }
                    if (!cached || bv[i].data() != cached_text.data() || bv[i].size() != cached_text.size()) {
                        auto code = a.dictionary->find(bv[i]);
                        cached_code = code ? *code : -1;
                        cached_text = bv[i];
                        cached = true;
                    }
                    bool found = false;
                    for (uint64_t k = 0; k < av[i].count; ++k) found |= av[i].codes[k] == cached_code;
                    dv[i] = found;
                });
                break;
            }
            case Opcode::Lower:
                map_text(d, a, s, [](std::string_view x, std::string& out) { scalar::lower(x, out); });
                break;
            case Opcode::Upper:
                map_text(d, a, s, [](std::string_view x, std::string& out) { scalar::upper(x, out); });
                break;
            case Opcode::LengthStr:
                unary_total<std::string_view, int64_t>(d, a, s, [](std::string_view x) { return scalar::length(x); });
                break;
            case Opcode::LengthList:
                unary_total<ListRef, int64_t>(d, a, s, [](ListRef x) { return static_cast<int64_t>(x.count); });
                break;
            case Opcode::AbsI64:
                unary_checked<int64_t, int64_t>(d, a, s, [](int64_t x, int64_t* o) { return scalar::abs(x, o); });
                break;
            case Opcode::AbsF64:
                unary_checked<double, double>(d, a, s, [](double x, double* o) { return scalar::abs(x, o); });
                break;
            case Opcode::Round:
                unary_checked<double, double>(d, a, s, [](double x, double* o) { return scalar::round(x, 0, o); });
                break;
            case Opcode::RoundDigits: {
                double* dv = d.as<double>();
                const double* av = a.as<double>();
                const int64_t* bv = b.as<int64_t>();
                each(s, [&](uint32_t i) {
                    double out = 0;
                    bool ok = scalar::round(av[i], bv[i], &out);
                    dv[i] = ok ? out : 0;
                    d.valid[i] = a.valid[i] & b.valid[i] & static_cast<uint8_t>(ok);
                });
                break;
            }
            case Opcode::CoalesceBool: coalesce<uint8_t>(d, a, b, s); break;
            case Opcode::CoalesceI64: coalesce<int64_t>(d, a, b, s); break;
            case Opcode::CoalesceF64: coalesce<double>(d, a, b, s); break;
            case Opcode::CoalesceI32: coalesce<int32_t>(d, a, b, s); break;
            case Opcode::CoalesceStr: coalesce<std::string_view>(d, a, b, s); break;
            case Opcode::Year:
                unary_total<int32_t, int64_t>(d, a, s, [](int32_t x) { return scalar::year(x); });
                break;
            case Opcode::Month:
                unary_total<int32_t, int64_t>(d, a, s, [](int32_t x) { return scalar::month(x); });
                break;
            case Opcode::DayOfWeek:
                unary_total<int32_t, int64_t>(d, a, s, [](int32_t x) { return scalar::day_of_week(x); });
                break;
            case Opcode::DaysSince: {
                const scalar::AsOf as_of = st.as_of;
                unary_total<int32_t, int64_t>(d, a, s, [as_of](int32_t x) { return scalar::days_since(x, as_of); });
                break;
            }
            case Opcode::Not: {
                uint8_t* dv = d.as<uint8_t>();
                const uint8_t* av = a.as<uint8_t>();
                each(s, [&](uint32_t i) {
                    dv[i] = av[i] ^ 1;
                    d.valid[i] = a.valid[i];
                });
                break;
            }
            case Opcode::And: {
                // FALSE if either is a valid FALSE; else NULL if either is NULL; else TRUE.
                uint8_t* dv = d.as<uint8_t>();
                const uint8_t* av = a.as<uint8_t>();
                const uint8_t* bv = b.as<uint8_t>();
                each(s, [&](uint32_t i) {
                    uint8_t a_false = a.valid[i] & (av[i] ^ 1);
                    uint8_t b_false = b.valid[i] & (bv[i] ^ 1);
                    uint8_t valid = (a.valid[i] & b.valid[i]) | a_false | b_false;
                    dv[i] = a.valid[i] & av[i] & b.valid[i] & bv[i];
                    d.valid[i] = valid;
                });
                break;
            }
            case Opcode::Or: {
                uint8_t* dv = d.as<uint8_t>();
                const uint8_t* av = a.as<uint8_t>();
                const uint8_t* bv = b.as<uint8_t>();
                each(s, [&](uint32_t i) {
                    uint8_t any_true = (a.valid[i] & av[i]) | (b.valid[i] & bv[i]);
                    dv[i] = any_true;
                    d.valid[i] = (a.valid[i] & b.valid[i]) | any_true;
                });
                break;
            }
            case Opcode::NarrowNotFalse: st.push_narrowed(a, 1); break;
            case Opcode::NarrowNotTrue: st.push_narrowed(a, 0); break;
            case Opcode::PopSelection: st.selections.pop_back(); break;
            case Opcode::StoreResult: {
                data::Bitmap& bits = memberships[program.segment];
                const uint8_t* av = a.as<uint8_t>();
                if (s.dense && base % 64 == 0) {
                    // Whole words at once: this thread owns the words of its rows (ranges start on word boundaries).
                    uint64_t* words = bits.mutable_words() + base / 64;
                    for (uint32_t w = 0; w * 64 < s.count; ++w) {
                        uint64_t word = 0;
                        const uint32_t end = std::min<uint32_t>(64, s.count - w * 64);
                        for (uint32_t k = 0; k < end; ++k) {
                            uint32_t i = w * 64 + k;
                            word |= uint64_t{static_cast<uint8_t>(av[i] & a.valid[i])} << k;
                        }
                        words[w] |= word;
                    }
                    break;
                }
                each(s, [&](uint32_t i) {
                    if (av[i] & a.valid[i]) bits.set(base + i);
                });
                break;
            }
        }
    }
}

std::vector<data::Bitmap> evaluate(const std::vector<Program>& programs, const data::Table& table,
                                   size_t segment_count, scalar::AsOf as_of, unsigned threads,
                                   const std::vector<LookupTables>* lookups) {
    const uint64_t rows = table.rows();
    std::vector<data::Bitmap> memberships(segment_count);
    for (auto& bitmap : memberships) bitmap.resize(rows);
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    // Ranges start on a 64-row word boundary and a batch boundary, so no two threads write the same bitmap word.
    const uint64_t unit = std::max<uint64_t>(64, kBatchSize);
    const uint64_t units = (rows + unit - 1) / unit;
    threads = static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(threads, units)));
    auto run_range = [&](uint64_t from, uint64_t to) {
        Machine machine(table, as_of);
        for (uint64_t base = from; base < to; base += kBatchSize) {
            uint32_t count = static_cast<uint32_t>(std::min<uint64_t>(kBatchSize, to - base));
            for (size_t p = 0; p < programs.size(); ++p) {
                machine.run(programs[p], base, count, memberships, lookups ? &(*lookups)[p] : nullptr);
            }
        }
    };
    if (threads == 1) {
        run_range(0, rows);
        return memberships;
    }
    std::vector<std::thread> workers;
    const uint64_t per_thread = (units + threads - 1) / threads * unit;
    for (unsigned t = 0; t < threads; ++t) {
        uint64_t from = std::min(rows, t * per_thread);
        uint64_t to = std::min(rows, from + per_thread);
        if (from < to) workers.emplace_back(run_range, from, to);
    }
    for (auto& worker : workers) worker.join();
    return memberships;
}

}  // namespace segmint::vm
