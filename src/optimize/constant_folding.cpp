// constant_folding: an expression of constants is replaced by its value, computed by the reference evaluator itself,
// so folding and evaluation cannot disagree (NULL, overflow and division by zero included). A date or timestamp moved
// out of the calendar by constants alone (`today - 2026 years`) is NULL like any other, but no user means it, and the
// rule would silently match nobody: it is reported (E112), with the run's as-of.
#include <set>
#include <utility>

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
        case ir::Kind::Aggregate:
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
    // Lowering may write one expression more than once (`x between a and b` compares x twice): it is reported once.
    std::set<std::pair<uint32_t, uint32_t>> reported;
    const auto fold = [&](ir::NodePtr& node) {
        if (!foldable(*node)) return;
        ir::Value value = evaluator.value(*node, 0, no_memberships);
        if (node->kind == ir::Kind::DateShift && ir::is_null(value) && !ir::is_null(node->args[0]->constant) &&
            context.findings && reported.emplace(node->span.begin, node->span.end).second) {
            context.findings->push_back(
                {rule.segment, node->span,
                 "this date arithmetic leaves the calendar (0001-01-01 to 9999-12-31): it starts from " +
                     ir::value_text(node->args[0]->constant) + ", so the result would be NULL for every customer",
                 Code::DateOutOfRange, "check the amount and the unit; `today` and `now` come from --as-of"});
        }
        node = make_constant(node->type, std::move(value), node->span);
    };
    rewrite_bottom_up(rule.root, fold);
    // What a NULL literal keeps from running is folded only for its findings.
    for (auto& node : rule.unevaluated) rewrite_bottom_up(node, fold);
}

}  // namespace segmint::optimize
