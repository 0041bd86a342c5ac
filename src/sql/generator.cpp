// IR to SQL, shared by every dialect (sql/dialect.h says what each spells). The IR has every implicit conversion
// explicit and the surface forms (between, within last, not in, contains any/all) already reduced, so each node kind
// has one translation. Timestamps and event aggregates are not translated yet (docs/sql.md): they are refused.
#include "sql/generator.h"

#include <stdexcept>

namespace segmint::sql {

namespace {

class Translator {
public:
    Translator(const Dialect& dialect, const schema::Schema& schema, scalar::AsOf as_of,
               const std::function<std::string(uint32_t)>& segment_column)
        : d_(dialect), schema_(schema), as_of_(as_of), segment_column_(segment_column) {}

    std::string expr(const ir::Node& node) {
        if (node.type == ir::Type::Timestamp) throw Unsupported("timestamps");
        auto arg = [&](size_t i) { return expr(*node.args.at(i)); };
        switch (node.kind) {
            case ir::Kind::Constant: return constant(node.constant);
            case ir::Kind::Column: return d_.identifier(schema_.columns.at(node.column).name);
            case ir::Kind::Segment: return segment_column_(node.segment);
            case ir::Kind::Today: return d_.date_literal(as_of_.today);
            case ir::Kind::Now: throw Unsupported("timestamps");
            case ir::Kind::Cast:
                if (node.op == ir::Op::IntToNumber) return d_.int_to_number(arg(0));
                throw Unsupported("timestamps");
            case ir::Kind::Negate: return node.type == ir::Type::Int ? d_.int_negate(arg(0)) : d_.number_negate(arg(0));
            case ir::Kind::Arithmetic:
                if (node.type == ir::Type::Int) return d_.int_arithmetic(node.op, arg(0), arg(1));
                return d_.number_arithmetic(node.op, arg(0), arg(1));
            case ir::Kind::DateShift: return d_.date_shift(node.op, arg(0), node.amount);
            case ir::Kind::Compare:
                if (node.args[0]->type == ir::Type::Timestamp) throw Unsupported("timestamps");
                return d_.compare(node.op, node.args[0]->type, arg(0), arg(1));
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
            case ir::Kind::Aggregate: throw Unsupported("event aggregates");
            case ir::Kind::DictLookup:
            case ir::Kind::Placeholder:
            case ir::Kind::Shared: break;
        }
        throw std::logic_error("sql: a node only the VM runs reached the SQL generator");
    }

private:
    std::string constant(const ir::Value& value) {
        if (ir::is_null(value)) return d_.null_literal();
        if (auto* b = std::get_if<bool>(&value)) return d_.bool_literal(*b);
        if (auto* i = std::get_if<int64_t>(&value)) return d_.int_literal(*i);
        if (auto* n = std::get_if<double>(&value)) return d_.number_literal(*n);
        if (auto* s = std::get_if<std::string>(&value)) return d_.string_literal(*s);
        if (auto* date = std::get_if<ir::DateValue>(&value)) return d_.date_literal(date->days);
        if (std::holds_alternative<ir::TimestampValue>(value)) throw Unsupported("timestamps");
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
        for (size_t i = 0; i < count; ++i) {
            if (node.args[i]->type == ir::Type::Timestamp) throw Unsupported("timestamps");
            args.push_back(expr(*node.args[i]));
            types.push_back(node.args[i]->type);
        }
        return d_.call(node.function, types, args, as_of_);
    }

    const Dialect& d_;
    const schema::Schema& schema_;
    scalar::AsOf as_of_;
    const std::function<std::string(uint32_t)>& segment_column_;
};

}  // namespace

std::string translate(const ir::Node& node, const Dialect& dialect, const schema::Schema& schema, scalar::AsOf as_of,
                      const std::function<std::string(uint32_t)>& segment_column) {
    return Translator(dialect, schema, as_of, segment_column).expr(node);
}

}  // namespace segmint::sql
