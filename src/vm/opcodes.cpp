#include "vm/opcodes.h"

namespace segmint::vm {

const std::vector<OpcodeInfo>& all_opcodes() {
    static const std::vector<OpcodeInfo> table = {
#define OPCODE(name, dst, a, b, imm, semantics) \
    {Opcode::name, #name, RegKind::dst, RegKind::a, RegKind::b, ImmKind::imm, semantics},
#include "vm/opcodes.def"
#undef OPCODE
    };
    return table;
}

const OpcodeInfo& opcode_info(Opcode opcode) { return all_opcodes()[static_cast<size_t>(opcode)]; }

const char* reg_kind_name(RegKind kind) {
    switch (kind) {
        case RegKind::None: return "-";
        case RegKind::Bool: return "bool";
        case RegKind::I64: return "i64";
        case RegKind::F64: return "f64";
        case RegKind::I32: return "i32";
        case RegKind::Str: return "str";
        case RegKind::List: return "list";
        case RegKind::Any: return "any";
    }
    return "?";
}

namespace {
const char* imm_kind_name(ImmKind kind) {
    switch (kind) {
        case ImmKind::None: return "-";
        case ImmKind::Column: return "column";
        case ImmKind::Segment: return "segment";
        case ImmKind::Const: return "constant";
        case ImmKind::Regex: return "regex";
        case ImmKind::Set: return "set";
        case ImmKind::Lookup: return "lookup";
    }
    return "?";
}
}  // namespace

std::string opcode_reference_markdown() {
    std::string out =
        "# Bytecode\n\n"
        "Each segment's rule compiles to a program for a register machine that runs over batches of rows. A register "
        "holds one value per row of a batch (with a validity flag for NULL); every instruction runs over the rows of "
        "the current *selection*. `and` and `or` narrow the selection as they go, so later operands only see the rows "
        "whose result is still open. `segmint explain SEG` prints a segment's program.\n\n"
        "This page is generated from `src/vm/opcodes.def`, the single table of opcodes; a test checks that it matches "
        "(regenerate with `cmake --build build --target update-goldens`).\n\n"
        "Register kinds: `bool`, `i64` (int; timestamp in microseconds since 1970 UTC), `f64` (number), `i32` (date in "
        "days since 1970), `str` (text), `list` (list<string>), `any`.\n\n"
        "| opcode | dst | a | b | immediate | semantics |\n|---|---|---|---|---|---|\n";
    for (const auto& info : all_opcodes()) {
        out += std::string("| `") + info.name + "` | " + reg_kind_name(info.dst) + " | " + reg_kind_name(info.a) +
               " | " + reg_kind_name(info.b) + " | " + imm_kind_name(info.imm) + " | " + info.semantics + " |\n";
    }
    return out;
}

}  // namespace segmint::vm
