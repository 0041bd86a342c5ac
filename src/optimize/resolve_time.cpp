// resolve_time: `today` and `now` become constants once per run, so everything relative to them can fold.
#include "optimize/passes.h"

namespace segmint::optimize {

void resolve_time(ir::Rule& rule, PassContext& context) {
    const auto resolve = [&](ir::NodePtr& node) {
        if (node->kind == ir::Kind::Today) {
            node = make_constant(ir::Type::Date, ir::DateValue{context.as_of.today}, node->span);
        } else if (node->kind == ir::Kind::Now) {
            node = make_constant(ir::Type::Timestamp, ir::TimestampValue{context.as_of.now}, node->span);
        }
    };
    rewrite_bottom_up(rule.root, resolve);
    for (auto& node : rule.unevaluated) rewrite_bottom_up(node, resolve);
}

}  // namespace segmint::optimize
