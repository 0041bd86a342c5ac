#pragma once
// The shared half of every dialect: one IR expression to SQL, asking the dialect for each construct.
#include <functional>
#include <string>

#include "ir/ir.h"
#include "scalar/scalar.h"
#include "sql/dialect.h"

namespace segmint::sql {

// What a translated expression reads: the SQL of a column (by index in the table the expression is over), of a
// referenced segment's membership (by catalog index), and of an event aggregate's value for the customer (unset where
// no aggregate can occur, as inside an aggregate's own filter).
struct Names {
    std::function<std::string(uint32_t column)> column;
    std::function<std::string(uint32_t segment)> segment;
    std::function<std::string(const ir::AggregateSpec& aggregate)> aggregate;
};

// The SQL of `node`, an expression of the SQL-safe optimized IR (query.cpp). Throws Unsupported naming a construct
// the dialect does not translate; std::logic_error for a node only the VM runs (a bug).
std::string translate(const ir::Node& node, const Dialect& dialect, scalar::AsOf as_of, const Names& names);

}  // namespace segmint::sql
