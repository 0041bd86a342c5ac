// IR to SQL, shared by every dialect (sql/dialect.h says what each spells). The IR has every implicit conversion
// explicit and the surface forms (between, within last, not in, contains any/all) already reduced, so each node kind
// has one translation. An event aggregate is read from the column query.cpp computes it in.
#include "sql/generator.h"

#include <stdexcept>

namespace segmint::sql {

namespace {

class Translator {
public:
    Translator(const Dialect& dialect, scalar::AsOf as_of, const Names& names)
        : d_(dialect), as_of_(as_of), names_(names) {}

    // A dialect without a way to name a value once repeats operands, so nesting can grow the SQL exponentially: past
    // kMaxExpressionBytes the rule is refused, before the text grows further.
    static constexpr size_t kMaxExpressionBytes = 1 << 20;
    std::string expr(const ir::Node& node) {
        std::string sql = node_sql(node);
        if (sql.size() > kMaxExpressionBytes) throw Unsupported("a rule whose SQL would be over 1 MiB in this dialect");
        return sql;
    }

private:
    std::string node_sql(const ir::Node& node) {
        auto arg = [&](size_t i) { return expr(*node.args.at(i)); };
        switch (node.kind) {
            case ir::Kind::Constant: return constant(node.constant);
            case ir::Kind::Column:
                if (node.type == ir::Type::Timestamp) return d_.timestamp_column(names_.column(node.column));
                if (node.type == ir::Type::StringList) return d_.list_column(names_.column(node.column));
                return names_.column(node.column);
            case ir::Kind::Segment: return names_.segment(node.segment);
            case ir::Kind::Today: return d_.date_literal(as_of_.today);
            case ir::Kind::Now: return d_.timestamp_literal(as_of_.now);
            case ir::Kind::Cast:
                if (node.op == ir::Op::IntToNumber) return d_.int_to_number(arg(0));
                if (node.op == ir::Op::DateToTimestamp) return d_.date_to_timestamp(arg(0));
                return d_.timestamp_to_date(arg(0));
            case ir::Kind::Negate: return node.type == ir::Type::Int ? d_.int_negate(arg(0)) : d_.number_negate(arg(0));
            case ir::Kind::Arithmetic:
                if (node.type == ir::Type::Int) return d_.int_arithmetic(node.op, arg(0), arg(1));
                return d_.number_arithmetic(node.op, arg(0), arg(1));
            case ir::Kind::DateShift:
                if (node.type == ir::Type::Timestamp) return d_.timestamp_shift(node.op, arg(0), node.amount);
                return d_.date_shift(node.op, arg(0), node.amount);
            case ir::Kind::Compare: return d_.compare(node.op, node.args[0]->type, arg(0), arg(1));
            case ir::Kind::InSet: return in_set(node);
            case ir::Kind::IsNull: return "(" + arg(0) + " IS NULL)";
            case ir::Kind::IsNotNull: return "(" + arg(0) + " IS NOT NULL)";
            case ir::Kind::Text: {
                const ir::Node& pattern = *node.args[1];
                const std::string* text =
                    pattern.kind == ir::Kind::Constant ? std::get_if<std::string>(&pattern.constant) : nullptr;
                return d_.text_test(node.op, arg(0), arg(1), text);
            }
            case ir::Kind::ListContains: return d_.list_contains(arg(0), arg(1));
            case ir::Kind::Call: return call(node);
            case ir::Kind::Not:
            case ir::Kind::And:
            case ir::Kind::Or: {
                std::vector<std::string> args;
                for (const auto& a : node.args) args.push_back(expr(*a));
                return standard_logic(node.kind, args);
            }
            case ir::Kind::Aggregate:
                if (!names_.aggregate || !d_.translates_event_aggregates()) throw Unsupported("event aggregates");
                return names_.aggregate(*node.aggregate);
            case ir::Kind::DictLookup:
            case ir::Kind::Placeholder:
            case ir::Kind::Shared: break;
        }
        throw std::logic_error("sql: a node only the VM runs reached the SQL generator");
    }

    std::string constant(const ir::Value& value) {
        if (ir::is_null(value)) return d_.null_literal();
        if (auto* b = std::get_if<bool>(&value)) return d_.bool_literal(*b);
        if (auto* i = std::get_if<int64_t>(&value)) return d_.int_literal(*i);
        if (auto* n = std::get_if<double>(&value)) return d_.number_literal(*n);
        if (auto* s = std::get_if<std::string>(&value)) return d_.string_literal(*s);
        if (auto* date = std::get_if<ir::DateValue>(&value)) return d_.date_literal(date->days);
        if (auto* t = std::get_if<ir::TimestampValue>(&value)) return d_.timestamp_literal(t->micros);
        throw Unsupported("list literals");
    }

    std::string in_set(const ir::Node& node) {
        const std::string subject = expr(*node.args[0]);
        if (node.set.empty()) {  // `x in (null)` is NULL; no items at all is FALSE, or NULL for a NULL x
            if (node.set_has_null) return d_.null_literal();
            return "CASE WHEN " + subject + " IS NULL THEN NULL ELSE " + d_.bool_literal(false) + " END";
        }
        std::vector<std::string> items;
        for (const auto& item : node.set) items.push_back(constant(item));
        return d_.in_set(node.args[0]->type, subject, items, node.set_has_null);
    }

    std::string call(const ir::Node& node) {
        std::vector<std::string> args;
        std::vector<ir::Type> types;
        size_t count = node.args.size();
        if (node.function == ir::Function::Round && count == 2) {
            // round(x, digits) rounds the shortest decimal form of x, which no SQL function sees; round(x, 0) is
            // round(x).
            const ir::Node& digits = *node.args[1];
            const int64_t* value = digits.kind == ir::Kind::Constant ? std::get_if<int64_t>(&digits.constant) : nullptr;
            if (!value || *value != 0) throw Unsupported("round with digits");
            count = 1;
        }
        // year, month, day_of_week and days_since of a timestamp are those of its UTC date.
        const bool of_date = node.function == ir::Function::Year || node.function == ir::Function::Month ||
                             node.function == ir::Function::DayOfWeek || node.function == ir::Function::DaysSince;
        for (size_t i = 0; i < count; ++i) {
            const ir::Node& a = *node.args[i];
            if (of_date && a.type == ir::Type::Timestamp) {
                args.push_back(d_.timestamp_to_date(expr(a)));
                types.push_back(ir::Type::Date);
                continue;
            }
            args.push_back(expr(a));
            types.push_back(a.type);
        }
        return d_.call(node.function, types, args, as_of_);
    }

    const Dialect& d_;
    scalar::AsOf as_of_;
    const Names& names_;
};

}  // namespace

std::string translate(const ir::Node& node, const Dialect& dialect, scalar::AsOf as_of, const Names& names) {
    return Translator(dialect, as_of, names).expr(node);
}

}  // namespace segmint::sql
