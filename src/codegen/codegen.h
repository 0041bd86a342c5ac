#pragma once
// Code generation: a rule's IR becomes a register-machine program. `and`/`or` chains narrow the selection after each
// operand, so later operands run only on the rows whose result is still open.
#include <vector>

#include "ir/ir.h"
#include "scalar/scalar.h"
#include "schema/schema.h"
#include "vm/program.h"

namespace segmint::codegen {

// A dictionary lookup's condition as bytecode of its own, for a table of one string column (lookup_schema()) whose
// rows are the column's distinct values and then NULL: `is_true` keeps the rows where the condition is TRUE as
// members (segment 0), `is_false` those where it is FALSE (segment 1). engine/bind_lookups.cpp runs both on the VM, so
// the lookup's tables come from the VM's own kernels, never from the reference evaluator it is tested against.
struct LookupCondition {
    vm::Program is_true;
    vm::Program is_false;
};
const schema::Schema& lookup_schema();

// `today` and `now` become constants of the program, so a program belongs to one as-of date. The conditions of the
// program's lookups go to `lookup_conditions`, parallel to its `lookups`.
vm::Program generate(const ir::Rule& rule, const schema::Schema& schema, scalar::AsOf as_of,
                     std::vector<LookupCondition>& lookup_conditions);
// The program of shared condition `slot` (see optimize::share_conditions): computes `condition` and stores it for the
// batch, for the segment programs that read it.
vm::Program generate_shared(const ir::Node& condition, uint32_t slot, const schema::Schema& schema, scalar::AsOf as_of,
                            std::vector<LookupCondition>& lookup_conditions);

}  // namespace segmint::codegen
