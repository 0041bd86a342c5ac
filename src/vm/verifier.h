#pragma once
// Checks a program before it runs: every register, constant, column, set, regex and segment an instruction names
// exists and has the kind its opcode requires (from opcodes.def); registers are written before they are read;
// selection pushes and pops balance; the program ends by storing its result.
#include <string>

#include "schema/schema.h"
#include "vm/program.h"

namespace segmint::vm {

// Empty when the program is valid; otherwise "instruction N (Opcode): what is wrong".
// `segment_count` bounds segment references; a program may not read its own segment. `shared_count` bounds shared
// conditions; a shared condition's program ends with StoreShared instead of StoreResult and reads only the shared
// conditions before its own.
std::string verify(const Program& program, const schema::Schema& schema, size_t segment_count, size_t shared_count = 0);

}  // namespace segmint::vm
