#include "optimize/optimizer.h"

#include <stdexcept>

namespace segmint::optimize {

std::vector<std::string> pass_names() {
    std::vector<std::string> names;
    for (const auto& pass : passes()) names.emplace_back(pass.name);
    names.emplace_back(kSharedConditions);
    return names;
}

void optimize(ir::Rule& rule, PassContext& context, const Options& options) {
    if (!options.enabled) return;
    for (const auto& pass : passes()) {
        if (options.disabled.count(pass.name)) continue;
        pass.run(rule, context);
        std::string problem = ir::verify(*rule.root);
        if (!problem.empty()) {
            throw std::logic_error(std::string("optimizer pass ") + pass.name + " broke the IR of " + rule.name + ": " +
                                   problem);
        }
    }
}

bool is_constant(const ir::Node& node) { return node.kind == ir::Kind::Constant; }
bool is_null_constant(const ir::Node& node) { return is_constant(node) && ir::is_null(node.constant); }
bool is_bool_constant(const ir::Node& node, bool value) {
    return is_constant(node) && std::holds_alternative<bool>(node.constant) && std::get<bool>(node.constant) == value;
}

ir::NodePtr make_constant(ir::Type type, ir::Value value, Span span) {
    auto node = std::make_unique<ir::Node>();
    node->kind = ir::Kind::Constant;
    node->type = type;
    node->constant = std::move(value);
    node->span = span;
    return node;
}

void rewrite_bottom_up(ir::NodePtr& node, const std::function<void(ir::NodePtr&)>& rewrite) {
    for (auto& arg : node->args) rewrite_bottom_up(arg, rewrite);
    rewrite(node);
}

}  // namespace segmint::optimize
