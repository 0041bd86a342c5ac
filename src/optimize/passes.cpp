// The one list of optimizer passes, in the order they run.
#include "optimize/passes.h"

namespace segmint::optimize {

const std::vector<Pass>& passes() {
    static const std::vector<Pass> list = {
        {"resolve_time", "today and now become constants", resolve_time},
        {"constant_folding", "expressions of constants become their value (computed by the reference evaluator)",
         constant_folding},
        {"merge_ranges", "bounds on one column merge; contradictions become FALSE and are reported", merge_ranges},
        {"simplify_logic", "and/or flatten, neutral and dominating constants go, double negation goes", simplify_logic},
        {"dictionary_predicates", "conditions on one string column run once per distinct value, then by code",
         dictionary_predicates},
        {"order_conjuncts", "and/or operands run cheapest and most decisive first", order_conjuncts},
    };
    return list;
}

}  // namespace segmint::optimize
