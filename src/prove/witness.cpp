#include "prove/witness.h"

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

}  // namespace

std::string Witness::text() const {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name + "=" + ir::value_text(c.value);
    return out.empty() ? "(every column NULL)" : out;
}

Witness decode(const z3::model& model, const Encoder& encoder, const schema::Schema& schema,
               const std::set<uint32_t>& columns, scalar::AsOf as_of) {
    Witness witness;
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
                // Only the NULL flag of these is modelled: any value will do, one within the schema's bounds.
                case schema::ColumnType::Number:
                    out.value = column.within_bounds(0.0) ? 0.0 : column.min_number.value_or(*column.max_number);
                    break;
                case schema::ColumnType::Timestamp:
                    out.value = ir::TimestampValue{
                        column.within_bounds(as_of.now) ? as_of.now : column.min_whole.value_or(*column.max_whole)};
                    break;
                case schema::ColumnType::StringList: out.value = ir::StringList{}; break;
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
            if (column.not_null) return false;
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

}  // namespace segmint::prove
