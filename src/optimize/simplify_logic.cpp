// simplify_logic: flattens nested and/or, drops neutral constants, absorbs dominating ones, removes double negation,
// and negates constants. Exact under three-valued logic: FALSE and x = FALSE, TRUE or x = TRUE, TRUE and x = x,
// FALSE or x = x, not not x = x, not TRUE = FALSE, not FALSE = TRUE, not NULL = NULL. NULL constants under and/or stay
// (NULL and x is FALSE or NULL depending on x).
#include "optimize/passes.h"

namespace segmint::optimize {

void simplify_logic(ir::Rule& rule, PassContext&) {
    rewrite_bottom_up(rule.root, [](ir::NodePtr& node) {
        if (node->kind == ir::Kind::Not && is_constant(*node->args[0])) {
            // A constant made by the rewrites below (`not (b and false)`): constant folding ran before them.
            const ir::Value& value = node->args[0]->constant;
            node = make_constant(ir::Type::Bool,
                                 ir::is_null(value) ? ir::Value{ir::Null{}} : ir::Value{!std::get<bool>(value)},
                                 node->span);
            return;
        }
        if (node->kind == ir::Kind::Not && node->args[0]->kind == ir::Kind::Not) {
            ir::NodePtr inner = std::move(node->args[0]->args[0]);
            node = std::move(inner);
            return;
        }
        if (node->kind != ir::Kind::And && node->kind != ir::Kind::Or) return;
        const bool is_and = node->kind == ir::Kind::And;
        std::vector<ir::NodePtr> kept;
        for (auto& arg : node->args) {
            if (arg->kind == node->kind) {  // already simplified bottom-up: splice its operands in
                for (auto& inner : arg->args) kept.push_back(std::move(inner));
            } else {
                kept.push_back(std::move(arg));
            }
        }
        std::vector<ir::NodePtr> operands;
        for (auto& arg : kept) {
            if (is_bool_constant(*arg, !is_and)) {  // FALSE in `and`, TRUE in `or` decides the result
                node = make_constant(ir::Type::Bool, !is_and, node->span);
                return;
            }
            if (is_bool_constant(*arg, is_and)) continue;  // neutral
            operands.push_back(std::move(arg));
        }
        if (operands.empty()) {
            node = make_constant(ir::Type::Bool, is_and, node->span);
        } else if (operands.size() == 1) {
            ir::NodePtr only = std::move(operands[0]);
            node = std::move(only);
        } else {
            node->args = std::move(operands);
        }
    });
}

}  // namespace segmint::optimize
