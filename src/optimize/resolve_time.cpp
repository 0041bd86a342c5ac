// resolve_time: `today` and `now` become constants once per run, so everything relative to them can fold.
#include "optimize/passes.h"

namespace segmint::optimize {

void resolve_time_in(ir::NodePtr& node, const PassContext& context) {
    rewrite_bottom_up(node, [&](ir::NodePtr& n) {
        if (n->kind == ir::Kind::Today) {
            n = make_constant(ir::Type::Date, ir::DateValue{context.as_of.today}, n->span);
        } else if (n->kind == ir::Kind::Now) {
            n = make_constant(ir::Type::Timestamp, ir::TimestampValue{context.as_of.now}, n->span);
        }
    });
}

void resolve_time(ir::Rule& rule, PassContext& context) {
    resolve_time_in(rule.root, context);
    for (auto& node : rule.unevaluated) resolve_time_in(node, context);
}

}  // namespace segmint::optimize
