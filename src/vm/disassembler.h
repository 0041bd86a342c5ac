#pragma once
// The bytecode listing that `segmint explain` prints and bytecode golden tests compare.
#include <string>
#include <vector>

#include "common/source.h"
#include "schema/schema.h"
#include "vm/program.h"

namespace segmint::vm {

// One instruction a line: index, opcode, operands (registers r0.., constants with their values, columns and
// segments by name), and the source text the instruction came from when `source` is given.
std::string disassemble(const Program& program, const schema::Schema& schema,
                        const std::vector<std::string>& segment_names, const Source* source = nullptr);

}  // namespace segmint::vm
