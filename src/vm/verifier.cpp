#include "vm/verifier.h"

#include <algorithm>

namespace segmint::vm {

namespace {

bool column_matches(RegKind kind, schema::ColumnType type) {
    switch (kind) {
        case RegKind::Bool: return type == schema::ColumnType::Bool;
        case RegKind::I64: return type == schema::ColumnType::Int || type == schema::ColumnType::Timestamp;
        case RegKind::F64: return type == schema::ColumnType::Number;
        case RegKind::I32: return type == schema::ColumnType::Date;
        case RegKind::Str: return type == schema::ColumnType::String || type == schema::ColumnType::Enum;
        case RegKind::List: return type == schema::ColumnType::StringList;
        default: return false;
    }
}

}  // namespace

std::string verify(const Program& program, const schema::Schema& schema, size_t segment_count, size_t shared_count) {
    if (program.spans.size() != program.code.size()) return "program: one span per instruction is required";
    std::vector<bool> written(program.registers.size(), false);
    size_t depth = 0;
    // A shared condition's program reads only the shared conditions before its own: vm::evaluate runs them in order.
    size_t readable_shared = shared_count;
    if (!program.code.empty() && program.code.back().op == Opcode::StoreShared) {
        readable_shared = std::min<size_t>(shared_count, program.code.back().imm);
    }
    for (size_t pc = 0; pc < program.code.size(); ++pc) {
        const Instruction& in = program.code[pc];
        if (static_cast<size_t>(in.op) >= all_opcodes().size())
            return "instruction " + std::to_string(pc) + ": bad opcode";
        const OpcodeInfo& info = opcode_info(in.op);
        auto fail = [&](const std::string& why) {
            return "instruction " + std::to_string(pc) + " (" + info.name + "): " + why;
        };
        auto check_read = [&](uint16_t r, RegKind want, const char* which) -> std::string {
            if (want == RegKind::None) return "";
            if (r >= program.registers.size()) return fail(std::string(which) + " register out of range");
            if (want != RegKind::Any && program.registers[r] != want) {
                return fail(std::string(which) + " register r" + std::to_string(r) + " is " +
                            reg_kind_name(program.registers[r]) + ", not " + reg_kind_name(want));
            }
            if (!written[r])
                return fail(std::string(which) + " register r" + std::to_string(r) + " is read before it is written");
            return "";
        };
        if (auto e = check_read(in.a, info.a, "a"); !e.empty()) return e;
        if (auto e = check_read(in.b, info.b, "b"); !e.empty()) return e;
        if (info.dst != RegKind::None) {
            if (in.dst >= program.registers.size()) return fail("destination register out of range");
            if (program.registers[in.dst] != info.dst) return fail("destination register has the wrong kind");
        }
        switch (info.imm) {
            case ImmKind::None: break;
            case ImmKind::Column:
                if (in.imm >= schema.columns.size()) return fail("column out of range");
                if (in.op != Opcode::LoadPresent && !column_matches(info.dst, schema.columns[in.imm].type)) {
                    return fail("column `" + schema.columns[in.imm].name + "` is not " + reg_kind_name(info.dst));
                }
                break;
            case ImmKind::Segment:
                if (in.imm >= segment_count) return fail("segment out of range");
                if (in.imm == program.segment) return fail("a segment cannot read its own membership");
                break;
            case ImmKind::Const: {
                if (in.imm >= program.constants.size()) return fail("constant out of range");
                RegKind want = info.dst;
                if (in.op == Opcode::ShiftDays || in.op == Opcode::ShiftMonthsD || in.op == Opcode::ShiftMicros ||
                    in.op == Opcode::ShiftMonthsT) {
                    want = RegKind::I64;
                    if (program.constants[in.imm].is_null) return fail("shift amount is NULL");
                }
                if (program.constants[in.imm].kind != want) return fail("constant has the wrong kind");
                break;
            }
            case ImmKind::Shared:
                if (in.imm >= shared_count) return fail("shared condition out of range");
                if (in.op == Opcode::LoadShared && in.imm >= readable_shared) {
                    return fail("a shared condition reads only the shared conditions before its own");
                }
                break;
            case ImmKind::Regex:
                if (in.imm >= program.regexes.size() || !program.regexes[in.imm]) return fail("regex out of range");
                break;
            case ImmKind::Lookup:
                if (in.imm >= program.lookups.size()) return fail("lookup out of range");
                if (program.lookups[in.imm].column >= schema.columns.size() ||
                    !column_matches(RegKind::Str, schema.columns[program.lookups[in.imm].column].type)) {
                    return fail("lookup column is not a string column");
                }
                break;
            case ImmKind::Set:
                if (in.imm >= program.sets.size() || !program.sets[in.imm]) return fail("set out of range");
                if (program.sets[in.imm]->kind != info.a) return fail("set has the wrong kind");
                break;
        }
        if (in.op == Opcode::NarrowNotFalse || in.op == Opcode::NarrowNotTrue) ++depth;
        if ((in.op == Opcode::RenarrowNotFalse || in.op == Opcode::RenarrowNotTrue) && depth == 0) {
            return fail("narrows again with no selection pushed");
        }
        if (in.op == Opcode::PopSelection) {
            if (depth == 0) return fail("pops a selection that was never pushed");
            --depth;
        }
        const bool store = in.op == Opcode::StoreResult || in.op == Opcode::StoreShared;
        if (store && pc + 1 != program.code.size()) return fail("must be the last instruction");
        if (info.dst != RegKind::None) written[in.dst] = true;
    }
    if (depth != 0) return "program: a selection is never popped";
    if (program.code.empty() ||
        (program.code.back().op != Opcode::StoreResult && program.code.back().op != Opcode::StoreShared)) {
        return "program: does not end with StoreResult or StoreShared";
    }
    return "";
}

}  // namespace segmint::vm
