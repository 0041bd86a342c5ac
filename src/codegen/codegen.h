#pragma once
// Code generation: a rule's IR becomes a register-machine program. `and`/`or` chains narrow the selection after each
// operand, so later operands run only on the rows whose result is still open.
#include "ir/ir.h"
#include "ir/scalar.h"
#include "schema/schema.h"
#include "vm/program.h"

namespace segmint::codegen {

// `today` and `now` become constants of the program, so a program belongs to one as-of date.
vm::Program generate(const ir::Rule& rule, const schema::Schema& schema, ir::scalar::AsOf as_of);
// The program of shared condition `slot` (see optimize::share_conditions): computes `condition` and stores it for the
// batch, for the segment programs that read it.
vm::Program generate_shared(const ir::Node& condition, uint32_t slot, const schema::Schema& schema,
                            ir::scalar::AsOf as_of);

}  // namespace segmint::codegen
