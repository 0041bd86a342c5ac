#pragma once
// Lowering: a checked catalog's rules become IR, one Rule per valid segment, in evaluation order.
#include <vector>

#include "ir/ir.h"
#include "semantic/catalog.h"

namespace segmint::ir {

std::vector<Rule> lower(const semantic::Catalog& catalog);

// The IR type of a schema column.
Type column_type(const schema::Column& column);

}  // namespace segmint::ir
