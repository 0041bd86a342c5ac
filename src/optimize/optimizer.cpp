#include "optimize/optimizer.h"

#include <algorithm>
#include <stdexcept>

namespace segmint::optimize {

std::vector<std::string> pass_names() {
    std::vector<std::string> names;
    for (const auto& pass : passes()) names.emplace_back(pass.name);
    names.emplace_back(kSharedConditions);
    return names;
}

namespace {

void run_passes(ir::Rule& rule, PassContext& context, const Options& options) {
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

void collect_filters(const ir::Node& node, std::vector<const ir::AggregateSpec*>& specs) {
    if (node.kind == ir::Kind::Aggregate && node.aggregate && node.aggregate->filter) {
        if (std::find(specs.begin(), specs.end(), node.aggregate.get()) == specs.end())
            specs.push_back(node.aggregate.get());
    }
    for (const auto& arg : node.args) collect_filters(*arg, specs);
}

// An aggregate's filter (window and `where`) runs over its event table (engine/aggregates.cpp), yet what the passes
// find in it (E112, W004, ...) is the user's to hear as anywhere else: the passes run on a copy of it, over the event
// table's columns, for their findings only.
void lint_aggregate_filters(const ir::Rule& rule, const PassContext& context, const Options& options) {
    if (!context.findings || !context.schema) return;
    std::vector<const ir::AggregateSpec*> specs;
    collect_filters(*rule.root, specs);
    for (const auto& node : rule.unevaluated) collect_filters(*node, specs);
    for (const ir::AggregateSpec* spec : specs) {
        const schema::Schema events =
            schema::event_table_schema(*context.schema, context.schema->events.at(spec->events));
        PassContext filter_context{context.as_of, &events, nullptr, context.findings, "event"};
        ir::Rule filter{rule.segment, rule.name, spec->filter->clone(), {}};
        run_passes(filter, filter_context, options);
    }
}

}  // namespace

void optimize(ir::Rule& rule, PassContext& context, const Options& options) {
    if (!options.enabled) return;
    lint_aggregate_filters(rule, context, options);
    run_passes(rule, context, options);
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
