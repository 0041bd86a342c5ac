#pragma once
// Opcodes, instructions and programs. Everything about an opcode comes from opcodes.def.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/source.h"

namespace segmint::vm {

enum class Opcode : uint8_t {
#define OPCODE(name, dst, a, b, imm, semantics) name,
#include "vm/opcodes.def"
#undef OPCODE
};

// What a register holds for each row of a batch.
enum class RegKind : uint8_t { None, Bool, I64, F64, I32, Str, List, Any };
enum class ImmKind : uint8_t { None, Column, Segment, Const, Regex, Set, Lookup, Shared };

struct OpcodeInfo {
    Opcode opcode;
    const char* name;
    RegKind dst;
    RegKind a;
    RegKind b;
    ImmKind imm;
    const char* semantics;
};

const OpcodeInfo& opcode_info(Opcode opcode);
const std::vector<OpcodeInfo>& all_opcodes();
const char* reg_kind_name(RegKind kind);

struct Instruction {
    Opcode op;
    uint16_t dst = 0;
    uint16_t a = 0;
    uint16_t b = 0;
    uint32_t imm = 0;
};

// docs/bytecode.md, generated from the table (a test checks the file matches).
std::string opcode_reference_markdown();

}  // namespace segmint::vm
