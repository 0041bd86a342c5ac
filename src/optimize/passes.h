#pragma once
// The passes, each defined in its own file.
#include "optimize/optimizer.h"

namespace segmint::optimize {

void resolve_time(ir::Rule& rule, PassContext& context);
// resolve_time on one expression: its `today` and `now` become the run's constants.
void resolve_time_in(ir::NodePtr& node, const PassContext& context);
void constant_folding(ir::Rule& rule, PassContext& context);
void merge_ranges(ir::Rule& rule, PassContext& context);
void simplify_logic(ir::Rule& rule, PassContext& context);
void dictionary_predicates(ir::Rule& rule, PassContext& context);
void order_conjuncts(ir::Rule& rule, PassContext& context);

}  // namespace segmint::optimize
