#pragma once
// The passes, each defined in its own file.
#include "optimize/optimizer.h"

namespace segmint::optimize {

void resolve_time(ir::Rule& rule, PassContext& context);
void constant_folding(ir::Rule& rule, PassContext& context);
void merge_ranges(ir::Rule& rule, PassContext& context);
void simplify_logic(ir::Rule& rule, PassContext& context);
void dictionary_predicates(ir::Rule& rule, PassContext& context);
void order_conjuncts(ir::Rule& rule, PassContext& context);

}  // namespace segmint::optimize
