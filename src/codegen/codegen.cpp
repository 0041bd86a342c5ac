#include "codegen/codegen.h"

#include <re2/re2.h>

#include <algorithm>
#include <stdexcept>

namespace segmint::codegen {

using ir::Kind;
using ir::Node;
using ir::Op;
using vm::Opcode;
using vm::RegKind;

namespace {

LookupCondition lookup_condition(const ir::Node& condition, scalar::AsOf as_of);

RegKind kind_of(ir::Type type) {
    switch (type) {
        case ir::Type::Bool: return RegKind::Bool;
        case ir::Type::Int:
        case ir::Type::Timestamp: return RegKind::I64;
        case ir::Type::Number: return RegKind::F64;
        case ir::Type::Date: return RegKind::I32;
        case ir::Type::String: return RegKind::Str;
        case ir::Type::StringList: return RegKind::List;
    }
    return RegKind::None;
}

class Generator {
public:
    // `lookup_conditions` is null while generating a lookup's own condition (whose Placeholder is column 0).
    Generator(const schema::Schema& schema, scalar::AsOf as_of, vm::Program& program,
              std::vector<LookupCondition>* lookup_conditions)
        : schema_(schema), as_of_(as_of), program_(program), lookup_conditions_(lookup_conditions) {}

    uint16_t gen(const Node& node) {
        span_ = node.span;
        switch (node.kind) {
            case Kind::Constant: return constant(node.type, node.constant);
            case Kind::Column: return load_column(node);
            // engine::compile numbers the aggregates as columns past the schema's own (CompiledCatalog::aggregates).
            case Kind::Aggregate: return load_column(node);
            case Kind::Segment: {
                uint16_t dst = allocate(RegKind::Bool);
                emit(Opcode::LoadSegment, dst, 0, 0, node.segment);
                return dst;
            }
            case Kind::Today: return constant(ir::Type::Date, ir::DateValue{as_of_.today});
            case Kind::Now: return constant(ir::Type::Timestamp, ir::TimestampValue{as_of_.now});
            case Kind::Cast: {
                Opcode op = node.op == Op::IntToNumber       ? Opcode::I64ToF64
                            : node.op == Op::DateToTimestamp ? Opcode::DateToTs
                                                             : Opcode::TsToDate;
                return unary(op, node);
            }
            case Kind::Negate: return unary(node.type == ir::Type::Int ? Opcode::NegI64 : Opcode::NegF64, node);
            case Kind::Arithmetic: return arithmetic(node);
            case Kind::DateShift: return shift(node);
            case Kind::Compare: return compare(node);
            case Kind::InSet: return in_set(node);
            case Kind::IsNull:
            case Kind::IsNotNull: return null_test(node);
            case Kind::Text: return text(node);
            case Kind::ListContains: return binary(Opcode::ListContains, node);
            case Kind::Call: return call(node);
            case Kind::Not: return unary(Opcode::Not, node);
            case Kind::And: return logic(node, Opcode::And, Opcode::NarrowNotFalse, Opcode::RenarrowNotFalse);
            case Kind::Or: return logic(node, Opcode::Or, Opcode::NarrowNotTrue, Opcode::RenarrowNotTrue);
            case Kind::DictLookup: {
                if (!lookup_conditions_) throw std::logic_error("codegen: a lookup inside a lookup's condition");
                program_.lookups.push_back({node.args[0]->column});
                lookup_conditions_->push_back(lookup_condition(*node.args[1], as_of_));
                uint16_t dst = allocate(RegKind::Bool);
                emit(Opcode::LookupCode, dst, 0, 0, static_cast<uint32_t>(program_.lookups.size() - 1));
                return dst;
            }
            case Kind::Shared: {
                uint16_t dst = allocate(RegKind::Bool);
                emit(Opcode::LoadShared, dst, 0, 0, node.shared);
                return dst;
            }
            case Kind::Placeholder: {
                if (lookup_conditions_) throw std::logic_error("codegen: a placeholder outside a lookup");
                uint16_t dst = allocate(RegKind::Str);
                emit(Opcode::LoadStr, dst, 0, 0, 0);  // the value column of lookup_schema()
                return dst;
            }
        }
        throw std::logic_error("codegen: unknown IR kind");
    }

    void finish(uint16_t result, Span span) {
        span_ = span;
        emit(Opcode::StoreResult, 0, result, 0, 0);
    }
    void finish_shared(uint16_t result, uint32_t slot, Span span) {
        span_ = span;
        emit(Opcode::StoreShared, 0, result, 0, slot);
    }

private:
    void emit(Opcode op, uint16_t dst, uint16_t a, uint16_t b, uint32_t imm) {
        program_.code.push_back(vm::Instruction{op, dst, a, b, imm});
        program_.spans.push_back(span_);
    }

    // Registers are reused by kind once their value is consumed. A text register may hold views into another's
    // bytes (coalesce(lower(x), y) points into lower's own buffer), so a text register is reused only when no live
    // register views it: `views` records what a coalesce result points into, and `viewers` how many results point
    // into a register.
    struct TextLife {
        std::vector<uint16_t> views;
        uint32_t viewers = 0;
        bool consumed = false;
    };

    uint16_t allocate(RegKind kind) {
        auto& free = free_[static_cast<size_t>(kind)];
        if (!free.empty()) {
            uint16_t r = free.back();
            free.pop_back();
            return r;
        }
        if (program_.registers.size() >= 65535) throw std::length_error("codegen: too many registers");
        program_.registers.push_back(kind);
        text_life_.emplace_back();
        return static_cast<uint16_t>(program_.registers.size() - 1);
    }
    void release(uint16_t r) {
        RegKind kind = program_.registers[r];
        if (kind != RegKind::Str) {
            free_[static_cast<size_t>(kind)].push_back(r);
            return;
        }
        TextLife& life = text_life_[r];
        life.consumed = true;
        if (life.viewers > 0) return;  // freed by the last result viewing it
        std::vector<uint16_t> views = std::move(life.views);
        life = TextLife{};
        free_[static_cast<size_t>(kind)].push_back(r);
        for (uint16_t viewed : views) {
            TextLife& other = text_life_[viewed];
            if (--other.viewers == 0 && other.consumed) release(viewed);
        }
    }
    // `result` holds views into the bytes of `operand`.
    void views_into(uint16_t result, uint16_t operand) {
        if (program_.registers[operand] != RegKind::Str) return;
        text_life_[result].views.push_back(operand);
        ++text_life_[operand].viewers;
    }

    uint32_t add_constant(vm::Constant constant) {
        program_.constants.push_back(std::move(constant));
        return static_cast<uint32_t>(program_.constants.size() - 1);
    }

    uint16_t constant(ir::Type type, const ir::Value& value) {
        vm::Constant k;
        k.kind = kind_of(type);
        k.is_null = ir::is_null(value);
        Opcode op = Opcode::ConstBool;
        switch (type) {
            case ir::Type::Bool:
                op = Opcode::ConstBool;
                if (!k.is_null) k.boolean = std::get<bool>(value);
                break;
            case ir::Type::Int:
                op = Opcode::ConstI64;
                if (!k.is_null) k.i64 = std::get<int64_t>(value);
                break;
            case ir::Type::Timestamp:
                op = Opcode::ConstI64;
                if (!k.is_null) k.i64 = std::get<ir::TimestampValue>(value).micros;
                break;
            case ir::Type::Number:
                op = Opcode::ConstF64;
                if (!k.is_null) k.f64 = std::get<double>(value);
                break;
            case ir::Type::Date:
                op = Opcode::ConstI32;
                if (!k.is_null) k.i32 = std::get<ir::DateValue>(value).days;
                break;
            case ir::Type::String:
                op = Opcode::ConstStr;
                if (!k.is_null) k.str = std::get<std::string>(value);
                break;
            case ir::Type::StringList:
                // `coalesce(tags, null)`: the only list constant is NULL.
                if (!k.is_null) throw std::logic_error("codegen: list constants other than NULL do not exist");
                op = Opcode::ConstList;
                break;
        }
        uint16_t dst = allocate(k.kind);
        emit(op, dst, 0, 0, add_constant(std::move(k)));
        return dst;
    }

    uint16_t load_column(const Node& node) {
        Opcode op = Opcode::LoadBool;
        switch (node.type) {
            case ir::Type::Bool: op = Opcode::LoadBool; break;
            case ir::Type::Int:
            case ir::Type::Timestamp: op = Opcode::LoadI64; break;
            case ir::Type::Number: op = Opcode::LoadF64; break;
            case ir::Type::Date: op = Opcode::LoadI32; break;
            case ir::Type::String: op = Opcode::LoadStr; break;
            case ir::Type::StringList: op = Opcode::LoadList; break;
        }
        uint16_t dst = allocate(kind_of(node.type));
        emit(op, dst, 0, 0, node.column);
        return dst;
    }

    // `x is [not] null` of a column reads its validity bits only (LoadPresent), never its values.
    uint16_t null_test(const Node& node) {
        const bool is_null = node.kind == Kind::IsNull;
        const Node& operand = *node.args[0];
        if (operand.kind != Kind::Column && operand.kind != Kind::Aggregate) {
            return unary(is_null ? Opcode::IsNull : Opcode::IsNotNull, node);
        }
        uint16_t present = allocate(RegKind::Bool);
        emit(Opcode::LoadPresent, present, 0, 0, operand.column);
        if (!is_null) return present;
        uint16_t dst = allocate(RegKind::Bool);
        emit(Opcode::Not, dst, present, 0, 0);
        release(present);
        return dst;
    }

    uint16_t unary(Opcode op, const Node& node) {
        uint16_t a = gen(*node.args[0]);
        span_ = node.span;
        uint16_t dst = allocate(vm::opcode_info(op).dst);
        emit(op, dst, a, 0, 0);
        release(a);
        return dst;
    }

    uint16_t binary(Opcode op, const Node& node) {
        uint16_t a = gen(*node.args[0]);
        uint16_t b = gen(*node.args[1]);
        span_ = node.span;
        uint16_t dst = allocate(vm::opcode_info(op).dst);
        emit(op, dst, a, b, 0);
        release(a);
        release(b);
        return dst;
    }

    uint16_t arithmetic(const Node& node) {
        const bool is_int = node.type == ir::Type::Int;
        switch (node.op) {
            case Op::Add: return binary(is_int ? Opcode::AddI64 : Opcode::AddF64, node);
            case Op::Sub: return binary(is_int ? Opcode::SubI64 : Opcode::SubF64, node);
            case Op::Mul: return binary(is_int ? Opcode::MulI64 : Opcode::MulF64, node);
            case Op::Div: return binary(Opcode::DivF64, node);
            default: return binary(is_int ? Opcode::ModI64 : Opcode::ModF64, node);
        }
    }

    uint16_t shift(const Node& node) {
        Opcode op;
        if (node.type == ir::Type::Date)
            op = node.op == Op::Days ? Opcode::ShiftDays : Opcode::ShiftMonthsD;
        else
            op = node.op == Op::Micros ? Opcode::ShiftMicros : Opcode::ShiftMonthsT;
        uint16_t a = gen(*node.args[0]);
        span_ = node.span;
        vm::Constant amount;
        amount.kind = RegKind::I64;
        amount.i64 = node.amount;
        uint16_t dst = allocate(vm::opcode_info(op).dst);
        emit(op, dst, a, 0, add_constant(std::move(amount)));
        release(a);
        return dst;
    }

    static Opcode compare_opcode(Op op, RegKind kind) {
        static const Opcode i64[] = {Opcode::EqI64, Opcode::NeI64, Opcode::LtI64,
                                     Opcode::LeI64, Opcode::GtI64, Opcode::GeI64};
        static const Opcode f64[] = {Opcode::EqF64, Opcode::NeF64, Opcode::LtF64,
                                     Opcode::LeF64, Opcode::GtF64, Opcode::GeF64};
        static const Opcode i32[] = {Opcode::EqI32, Opcode::NeI32, Opcode::LtI32,
                                     Opcode::LeI32, Opcode::GtI32, Opcode::GeI32};
        static const Opcode str[] = {Opcode::EqStr, Opcode::NeStr, Opcode::LtStr,
                                     Opcode::LeStr, Opcode::GtStr, Opcode::GeStr};
        size_t index = static_cast<size_t>(op) - static_cast<size_t>(Op::Eq);
        switch (kind) {
            case RegKind::I64: return i64[index];
            case RegKind::F64: return f64[index];
            case RegKind::I32: return i32[index];
            case RegKind::Str: return str[index];
            case RegKind::Bool:
                if (op == Op::Eq) return Opcode::EqBool;
                if (op == Op::Ne) return Opcode::NeBool;
                break;
            default: break;
        }
        throw std::logic_error("codegen: no comparison for this type");
    }

    uint16_t compare(const Node& node) { return binary(compare_opcode(node.op, kind_of(node.args[0]->type)), node); }

    uint16_t in_set(const Node& node) {
        auto set = std::make_shared<vm::ValueSet>();
        set->kind = kind_of(node.args[0]->type);
        set->has_null = node.set_has_null;
        Opcode op = Opcode::InSetI64;
        for (const auto& item : node.set) {
            switch (node.args[0]->type) {
                case ir::Type::Int:
                    set->i64.push_back(std::get<int64_t>(item));
                    op = Opcode::InSetI64;
                    break;
                case ir::Type::Timestamp:
                    set->i64.push_back(std::get<ir::TimestampValue>(item).micros);
                    op = Opcode::InSetI64;
                    break;
                case ir::Type::Number:
                    set->f64.push_back(std::get<double>(item));
                    op = Opcode::InSetF64;
                    break;
                case ir::Type::Date:
                    set->i32.push_back(std::get<ir::DateValue>(item).days);
                    op = Opcode::InSetI32;
                    break;
                case ir::Type::String:
                    set->str.push_back(std::get<std::string>(item));
                    op = Opcode::InSetStr;
                    break;
                case ir::Type::Bool:
                    set->boolean.push_back(std::get<bool>(item));
                    op = Opcode::InSetBool;
                    break;
                case ir::Type::StringList: throw std::logic_error("codegen: list in a set");
            }
        }
        // An all-NULL list has no items to tell the type; the operand's type decides.
        switch (set->kind) {
            case RegKind::I64: op = Opcode::InSetI64; break;
            case RegKind::F64: op = Opcode::InSetF64; break;
            case RegKind::I32: op = Opcode::InSetI32; break;
            case RegKind::Str: op = Opcode::InSetStr; break;
            case RegKind::Bool: op = Opcode::InSetBool; break;
            default: throw std::logic_error("codegen: no set for this type");
        }
        std::sort(set->i64.begin(), set->i64.end());
        std::sort(set->f64.begin(), set->f64.end());
        std::sort(set->i32.begin(), set->i32.end());
        std::sort(set->boolean.begin(), set->boolean.end());
        set->build_index();
        // The subject may hold sets of its own (`(x in (1, 2)) in (true)`): this set's index is taken first.
        const auto index = static_cast<uint32_t>(program_.sets.size());
        program_.sets.push_back(set);
        uint16_t a = gen(*node.args[0]);
        span_ = node.span;
        uint16_t dst = allocate(RegKind::Bool);
        emit(op, dst, a, 0, index);
        release(a);
        return dst;
    }

    uint16_t text(const Node& node) {
        switch (node.op) {
            case Op::Contains: return binary(Opcode::Contains, node);
            case Op::StartsWith: return binary(Opcode::StartsWith, node);
            case Op::EndsWith: return binary(Opcode::EndsWith, node);
            default: break;
        }
        const Node& pattern = *node.args[1];
        if (pattern.kind != Kind::Constant || ir::is_null(pattern.constant)) {
            throw std::logic_error("codegen: `matches` needs a constant pattern");
        }
        const std::string& text = std::get<std::string>(pattern.constant);
        RE2::Options options;
        options.set_log_errors(false);
        auto regex = std::make_shared<RE2>(text, options);
        if (!regex->ok()) throw std::logic_error("codegen: invalid regex passed the checker: " + regex->error());
        const auto index = static_cast<uint32_t>(program_.regexes.size());  // before the subject adds any of its own
        program_.regexes.push_back(std::move(regex));
        program_.regex_patterns.push_back(text);
        uint16_t a = gen(*node.args[0]);
        span_ = node.span;
        uint16_t dst = allocate(RegKind::Bool);
        emit(Opcode::Matches, dst, a, 0, index);
        release(a);
        return dst;
    }

    uint16_t call(const Node& node) {
        switch (node.function) {
            case ir::Function::Lower: return unary(Opcode::Lower, node);
            case ir::Function::Upper: return unary(Opcode::Upper, node);
            case ir::Function::Length:
                return unary(node.args[0]->type == ir::Type::StringList ? Opcode::LengthList : Opcode::LengthStr, node);
            case ir::Function::Abs: return unary(node.type == ir::Type::Int ? Opcode::AbsI64 : Opcode::AbsF64, node);
            case ir::Function::Round:
                return node.args.size() == 2 ? binary(Opcode::RoundDigits, node) : unary(Opcode::Round, node);
            case ir::Function::Year: return unary(Opcode::Year, node);
            case ir::Function::Month: return unary(Opcode::Month, node);
            case ir::Function::DayOfWeek: return unary(Opcode::DayOfWeek, node);
            case ir::Function::DaysSince: return unary(Opcode::DaysSince, node);
            case ir::Function::Coalesce: break;
        }
        Opcode op;
        switch (kind_of(node.type)) {
            case RegKind::Bool: op = Opcode::CoalesceBool; break;
            case RegKind::I64: op = Opcode::CoalesceI64; break;
            case RegKind::F64: op = Opcode::CoalesceF64; break;
            case RegKind::I32: op = Opcode::CoalesceI32; break;
            case RegKind::Str: op = Opcode::CoalesceStr; break;
            case RegKind::List: op = Opcode::CoalesceList; break;
            default: throw std::logic_error("codegen: coalesce of this type");
        }
        // coalesce(a, b, c) == coalesce(coalesce(a, b), c)
        uint16_t result = gen(*node.args[0]);
        for (size_t i = 1; i < node.args.size(); ++i) {
            uint16_t next = gen(*node.args[i]);
            span_ = node.span;
            uint16_t dst = allocate(kind_of(node.type));
            emit(op, dst, result, next, 0);
            views_into(dst, result);
            views_into(dst, next);
            release(result);
            release(next);
            result = dst;
        }
        return result;
    }

    // r := first; for each further operand: narrow to the rows still open, evaluate it there, combine into r. The
    // first narrowing pushes a selection; later ones replace it (r only ever decides more rows), so a chain of any
    // length costs one selection level.
    uint16_t logic(const Node& node, Opcode combine, Opcode narrow, Opcode renarrow) {
        uint16_t result = gen(*node.args[0]);
        for (size_t i = 1; i < node.args.size(); ++i) {
            span_ = node.span;
            emit(i == 1 ? narrow : renarrow, 0, result, 0, 0);
            uint16_t next = gen(*node.args[i]);
            span_ = node.span;
            emit(combine, result, result, next, 0);
            release(next);
        }
        span_ = node.span;
        if (node.args.size() > 1) emit(Opcode::PopSelection, 0, 0, 0, 0);
        return result;
    }

    const schema::Schema& schema_;
    scalar::AsOf as_of_;
    vm::Program& program_;
    std::vector<LookupCondition>* lookup_conditions_;
    Span span_;
    std::vector<uint16_t> free_[8];
    std::vector<TextLife> text_life_;  // per register
};

LookupCondition lookup_condition(const ir::Node& condition, scalar::AsOf as_of) {
    LookupCondition out;
    auto negated = std::make_unique<ir::Node>();
    negated->kind = Kind::Not;
    negated->type = ir::Type::Bool;
    negated->span = condition.span;
    negated->args.push_back(condition.clone());
    const ir::Node* roots[2] = {&condition, negated.get()};
    vm::Program* programs[2] = {&out.is_true, &out.is_false};
    for (uint32_t i = 0; i < 2; ++i) {
        programs[i]->segment = i;
        programs[i]->name = i == 0 ? "lookup-true" : "lookup-false";
        Generator generator(lookup_schema(), as_of, *programs[i], nullptr);
        generator.finish(generator.gen(*roots[i]), condition.span);
    }
    return out;
}

}  // namespace

const schema::Schema& lookup_schema() {
    static const schema::Schema schema = [] {
        schema::Schema s;
        s.table = "lookup";
        s.columns.push_back(schema::Column{"value", schema::ColumnType::String, {}, {}, 0});
        return s;
    }();
    return schema;
}

vm::Program generate(const ir::Rule& rule, const schema::Schema& schema, scalar::AsOf as_of,
                     std::vector<LookupCondition>& lookup_conditions) {
    vm::Program program;
    program.segment = rule.segment;
    program.name = rule.name;
    Generator generator(schema, as_of, program, &lookup_conditions);
    uint16_t result = generator.gen(*rule.root);
    generator.finish(result, rule.root->span);
    return program;
}

vm::Program generate_shared(const ir::Node& condition, uint32_t slot, const schema::Schema& schema, scalar::AsOf as_of,
                            std::vector<LookupCondition>& lookup_conditions) {
    vm::Program program;
    program.name = "$" + std::to_string(slot);
    Generator generator(schema, as_of, program, &lookup_conditions);
    uint16_t result = generator.gen(condition);
    generator.finish_shared(result, slot, condition.span);
    return program;
}

}  // namespace segmint::codegen
