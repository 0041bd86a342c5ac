// constant_folding: an expression of constants is replaced by its value, computed by the reference evaluator itself,
// so folding and evaluation cannot disagree (NULL, overflow and division by zero included).
#include "data/table.h"
#include "optimize/passes.h"
#include "reference/reference_evaluator.h"

namespace segmint::optimize {

namespace {
bool foldable(const ir::Node& node) {
    switch (node.kind) {
        case ir::Kind::Constant:
        case ir::Kind::Column:
        case ir::Kind::Segment:
        case ir::Kind::Today:
        case ir::Kind::Now:
        case ir::Kind::Placeholder:
        case ir::Kind::Shared:
        case ir::Kind::DictLookup: return false;
        default: break;
    }
    for (const auto& arg : node.args) {
        if (!is_constant(*arg)) return false;
    }
    return true;
}
}  // namespace

void constant_folding(ir::Rule& rule, PassContext& context) {
    static const schema::Schema empty_schema;
    const data::Table no_rows(context.schema ? *context.schema : empty_schema);
    reference::ReferenceEvaluator evaluator(no_rows, context.as_of);
    const std::vector<data::Bitmap> no_memberships;
    rewrite_bottom_up(rule.root, [&](ir::NodePtr& node) {
        if (!foldable(*node)) return;
        node = make_constant(node->type, evaluator.value(*node, 0, no_memberships), node->span);
    });
}

}  // namespace segmint::optimize
