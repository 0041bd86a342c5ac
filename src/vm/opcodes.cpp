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
        case ImmKind::Shared: return "shared";
    }
    return "?";
}
}  // namespace

std::string opcode_reference_markdown() {
    std::string out =
        "# Bytecode\n\n"
        "Each segment's rule compiles to a program for a register machine that runs over batches of rows. A register "
        "holds one value per row of a batch and a validity bit per row (clear for NULL); booleans are bits too, so "
        "`and`, `or`, `not` and selections are a few word operations per batch. `and` and `or` narrow the *selection* "
        "as they go: text and list instructions, the costly ones, run only over the rows whose result is still open; "
        "the others run over the whole batch without branches, and rows outside the selection are ignored. Conditions "
        "that several segments of a catalog share are computed once per batch by their own program (ending in "
        "`StoreShared`) and read with `LoadShared`, also by a shared condition that contains another (the programs run "
        "in order, and one reads only those before it). `segmint explain SEG` prints a segment's program.\n\n"
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
