#pragma once
// Binding a catalog's dictionary lookups to a table: each lookup's condition (codegen::LookupCondition) runs on the VM
// over the distinct values of its column, giving the table the LookupCode instruction reads per row.
#include <vector>

#include "codegen/codegen.h"
#include "data/table.h"
#include "scalar/scalar.h"
#include "vm/program.h"

namespace segmint::engine {

// One LookupTables per program: for lookup i of program p, the truth of conditions[p][i] for each dictionary code of
// the lookup's column, then for NULL. The VM's kernels compute it, not the reference evaluator, so a differential test
// of the VM against the reference compares two independent paths for dictionary predicates too.
std::vector<vm::LookupTables> bind_lookups(const std::vector<vm::Program>& programs,
                                           const std::vector<std::vector<codegen::LookupCondition>>& conditions,
                                           const data::Table& table, scalar::AsOf as_of);

}  // namespace segmint::engine
