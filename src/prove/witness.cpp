#include "prove/witness.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace segmint::prove {

namespace {

// A string equal to no constant of the rules, distinct per code: "s<code>" with primes until it is free.
std::string fresh_string(const z3::expr& code, const Encoder& encoder) {
    std::string text = "s" + code.to_string();
    const auto& taken = encoder.strings();
    auto used = [&](const std::string& s) {
        for (const auto& t : taken) {
            if (t == s) return true;
        }
        return false;
    };
    while (used(text)) text += "'";
    return text;
}

// The model's double, bit for bit, from the numeral's sign, biased exponent and significand fields (never NaN, which
// the column facts exclude). (fp.to_ieee_bv crashes in Z3 4.8.12's C API.)
double number_of(const z3::model& model, const z3::expr& value) {
    const z3::expr numeral = model.eval(value, true);
    z3::context& ctx = numeral.ctx();
    int sign = 0;
    uint64_t significand = 0;
    const z3::expr exponent(ctx, Z3_fpa_get_numeral_exponent_bv(ctx, numeral, true));
    if (!Z3_fpa_get_numeral_sign(ctx, numeral, &sign) ||
        !Z3_fpa_get_numeral_significand_uint64(ctx, numeral, &significand)) {
        ctx.check_error();  // Z3's own error (out of memory) as z3++ throws it
        throw std::logic_error("prove: the model's number is not a double numeral: " + numeral.to_string());
    }
    const uint64_t bits = (uint64_t{sign != 0} << 63) | (exponent.get_numeral_uint64() << 52) | significand;
    double out = 0;
    std::memcpy(&out, &bits, sizeof out);
    if (!model.eval(numeral == ctx.fpa_val(out), true).is_true())  // the same bits, -0.0 apart from 0.0
        throw std::logic_error("prove: the model's number " + numeral.to_string() + " decodes wrongly");
    return out;
}

}  // namespace

std::string Witness::text() const {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name + "=" + ir::value_text(c.value);
    if (out.empty()) out = "(every column NULL)";
    return as_of ? "as of " + engine::as_of_text(*as_of) + ": " + out : out;
}

Witness decode(const z3::model& model, const Encoder& encoder, const schema::Schema& schema,
               const std::set<uint32_t>& columns, scalar::AsOf as_of) {
    Witness witness;
    if (encoder.every_date()) {
        as_of.now = model.eval(encoder.now(), true).get_numeral_int64();
        as_of.today = static_cast<int32_t>(model.eval(encoder.today(), true).get_numeral_int64());
        witness.as_of = as_of;
    }
    for (uint32_t index : columns) {
        const schema::Column& column = schema.columns.at(index);
        const ColumnVars& vars = encoder.column(index);
        WitnessValue out{index, column.name, ir::Null{}};
        if (!model.eval(vars.null, true).is_true()) {
            switch (column.type) {
                case schema::ColumnType::Int: out.value = model.eval(*vars.value, true).get_numeral_int64(); break;
                case schema::ColumnType::Date:
                    out.value = ir::DateValue{static_cast<int32_t>(model.eval(*vars.value, true).get_numeral_int64())};
                    break;
                case schema::ColumnType::Bool: out.value = model.eval(*vars.value, true).is_true(); break;
                case schema::ColumnType::String:
                case schema::ColumnType::Enum: {
                    if (vars.value->is_seq()) {  // read as text (encode_text.cpp)
                        out.value = text_of(model.eval(*vars.value, true));
                        break;
                    }
                    z3::expr code = model.eval(*vars.value, true);
                    int64_t n = 0;
                    const auto& strings = encoder.strings();
                    if (code.is_numeral_i64(n) && n >= 0 && static_cast<uint64_t>(n) < strings.size()) {
                        out.value = strings[static_cast<size_t>(n)];
                    } else {
                        out.value = fresh_string(code, encoder);
                    }
                    break;
                }
                case schema::ColumnType::Number: out.value = number_of(model, *vars.value); break;
                case schema::ColumnType::Timestamp:
                    out.value = ir::TimestampValue{model.eval(*vars.value, true).get_numeral_int64()};
                    break;
                // Exactly the constants the model says it contains.
                case schema::ColumnType::StringList: out.value = encoder.list_contents(index, model); break;
            }
        }
        witness.columns.push_back(std::move(out));
    }
    return witness;
}

bool keeps_facts(const schema::Schema& schema, const Witness& witness) {
    for (const auto& c : witness.columns) {
        const schema::Column& column = schema.columns.at(c.column);
        if (ir::is_null(c.value)) {
            if (column.not_null || column.name == schema.key) return false;
        } else if (auto* i = std::get_if<int64_t>(&c.value)) {
            if (!column.within_bounds(*i)) return false;
        } else if (auto* d = std::get_if<ir::DateValue>(&c.value)) {
            if (!column.within_bounds(int64_t{d->days})) return false;
        } else if (auto* t = std::get_if<ir::TimestampValue>(&c.value)) {
            if (!column.within_bounds(t->micros)) return false;
        } else if (auto* x = std::get_if<double>(&c.value)) {
            if (!column.within_bounds(*x)) return false;
        }
    }
    return true;
}

std::vector<size_t> broken_checks(engine::SingleRowEvaluator& checks, const schema::Schema& schema,
                                  const Witness& witness) {
    set_row(checks, schema, witness);
    const auto& breaks = checks.evaluate();
    std::vector<size_t> out;
    for (size_t k = 0; k < breaks.size(); ++k) {
        if (breaks[k].get(0)) out.push_back(k);
    }
    return out;
}

void set_row(engine::SingleRowEvaluator& evaluator, const schema::Schema& schema, const Witness& witness) {
    for (size_t c = 0; c < schema.columns.size(); ++c) evaluator.set_null(c);
    for (const auto& c : witness.columns) {
        if (ir::is_null(c.value)) continue;
        const schema::Column& column = schema.columns.at(c.column);
        if (auto* i = std::get_if<int64_t>(&c.value))
            evaluator.set_int(c.column, *i);
        else if (auto* b = std::get_if<bool>(&c.value))
            evaluator.set_bool(c.column, *b);
        else if (auto* d = std::get_if<ir::DateValue>(&c.value))
            evaluator.set_date(c.column, d->days);
        else if (auto* x = std::get_if<double>(&c.value))
            evaluator.set_number(c.column, *x);
        else if (auto* t = std::get_if<ir::TimestampValue>(&c.value))
            evaluator.set_timestamp(c.column, t->micros);
        else if (auto* l = std::get_if<ir::StringList>(&c.value))
            evaluator.set_list(c.column, l->data(), l->size());
        else if (column.type == schema::ColumnType::Enum) {
            auto index = column.enum_index(std::get<std::string>(c.value));
            if (!index) throw std::logic_error("prove: witness has a value outside enum " + column.name);
            evaluator.set_enum(c.column, static_cast<int32_t>(*index));
        } else {
            evaluator.set_string(c.column, std::get<std::string>(c.value));
        }
    }
}

void confirm(engine::SingleRowEvaluator& evaluator, const schema::Schema& schema, const Witness& witness,
             const std::vector<std::pair<uint32_t, bool>>& memberships, const std::vector<std::string>& names) {
    set_row(evaluator, schema, witness);
    const auto& bits = evaluator.evaluate();
    for (const auto& [segment, member] : memberships) {
        if (bits.at(segment).get(0) != member) {
            throw std::logic_error("prove: the VM does not confirm the witness " + witness.text() + ": it is " +
                                   (member ? "not " : "") + "in " + names.at(segment) + " (an encoding bug)");
        }
    }
}

Witness tidy_numbers(engine::SingleRowEvaluator& evaluator, const schema::Schema& schema, Witness witness,
                     const std::vector<std::pair<uint32_t, bool>>& memberships) {
    auto same_region = [&] {
        if (!keeps_facts(schema, witness)) return false;
        set_row(evaluator, schema, witness);
        const auto& bits = evaluator.evaluate();
        for (const auto& [segment, member] : memberships) {
            if (bits.at(segment).get(0) != member) return false;
        }
        return true;
    };
    for (WitnessValue& column : witness.columns) {
        const double* number = std::get_if<double>(&column.value);
        if (!number || !std::isfinite(*number)) continue;
        const double original = *number;
        if (original == 0 && std::signbit(original)) {  // -0 reads like a value below `min: 0`; 0 is the same number
            column.value = 0.0;
            if (!same_region()) column.value = original;
            continue;
        }
        bool tidied = false;
        for (const double scale : {1.0, 10.0, 100.0, 1000.0}) {
            const double scaled = original * scale;
            if (!std::isfinite(scaled) || std::round(scaled) == scaled) break;  // already this short
            for (const double candidate : {std::round(scaled), std::floor(scaled), std::ceil(scaled)}) {
                column.value = candidate / scale;
                if ((tidied = same_region())) break;
            }
            if (tidied) break;
        }
        if (!tidied) column.value = original;
    }
    return witness;
}

}  // namespace segmint::prove
