#pragma once
// The shared half of every dialect: one IR expression to SQL, asking the dialect for each construct.
#include <functional>
#include <string>

#include "ir/ir.h"
#include "scalar/scalar.h"
#include "schema/schema.h"
#include "sql/dialect.h"

namespace segmint::sql {

// The SQL of `node`, a bool, int, number, string, date or list expression of the SQL-safe optimized IR (query.cpp).
// A segment reference reads the column `segment_column(index)` names (an identifier already). Throws Unsupported
// naming a construct the dialect does not translate; std::logic_error for a node only the VM runs (a bug).
std::string translate(const ir::Node& node, const Dialect& dialect, const schema::Schema& schema, scalar::AsOf as_of,
                      const std::function<std::string(uint32_t)>& segment_column);

}  // namespace segmint::sql
