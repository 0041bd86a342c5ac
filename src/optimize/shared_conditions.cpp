// shared_conditions: a condition that several rules of a catalog contain (`orders_90d >= 5`, `tier in ("gold",
// "platinum")`) is computed once per batch by its own program; the rules read its result. Runs over the whole catalog
// after the per-rule passes, and only for the VM: the reference evaluator keeps the rules as they were.
#include <map>
#include <stdexcept>
#include <string>

#include "optimize/optimizer.h"

namespace segmint::optimize {

namespace {

// Conditions worth sharing: run densely by the VM's cheap kernels (comparisons of numbers and dates, set tests,
// dictionary lookups, null tests, a list column's `contains` of a constant, logic over these), read no other segment
// (shared programs run before every segment), and are more than a column or a constant. A list `contains` costs a
// few ns per row densely (four item codes compared without a loop, vm/kernels_text.h): in the benchmark's
// 200-segment catalog, sharing its four list conditions took 0.49 s to 0.45 s. Function kernels and regular
// expressions run only over the rows a rule's selection leaves open: computing them for every row could cost more
// than sharing saves. A column's `contains`, `starts with` or `ends with` of a constant is shared where
// kMinTextUses or more rules (or places in one) contain it: each rule reads it for the rows its selection left open,
// and one dense pass costs what a few such reads do (kMinTextUses).
bool shareable(const ir::Node& node) {
    switch (node.kind) {
        case ir::Kind::Constant:
        case ir::Kind::Column:
        case ir::Kind::Cast:
        case ir::Kind::Negate:
        case ir::Kind::Arithmetic:
        case ir::Kind::DateShift: break;
        case ir::Kind::Compare:
        case ir::Kind::InSet:
            if (node.args[0]->type == ir::Type::String) return false;
            break;
        case ir::Kind::IsNull:
        case ir::Kind::IsNotNull:
        case ir::Kind::Not:
        case ir::Kind::And:
        case ir::Kind::Or: break;
        case ir::Kind::DictLookup: return true;  // its condition runs once per dictionary value, not per row
        case ir::Kind::Text:
            return node.op != ir::Op::Matches && node.args[0]->kind == ir::Kind::Column &&
                   node.args[1]->kind == ir::Kind::Constant;
        case ir::Kind::ListContains:  // the kernel that reads the column where it lies (list_column_contains)
            return node.args[0]->kind == ir::Kind::Column && node.args[1]->kind == ir::Kind::Constant;
        default: return false;
    }
    for (const auto& arg : node.args) {
        if (!shareable(*arg)) return false;
    }
    return true;
}

// The benchmark's catalog has one text test in seven places, `email ends with "@example.invalid"` (10M distinct
// values: no dictionary lookup); shared, `segmint eval` of the catalog over the 10M-customer snapshot evaluated in
// 0.302 s instead of 0.333 s (medians of ten runs in turns). k rules that each read it for a share f of the rows gain
// roughly where k * f > 1: three uses ask for a third each, two would ask for half.
constexpr int kMinTextUses = 3;

// A text test run row by row: one outside any dictionary lookup (whose condition runs once per dictionary value and
// is shared at two uses like any other).
bool tests_text_per_row(const ir::Node& node) {
    if (node.kind == ir::Kind::Text) return true;
    if (node.kind == ir::Kind::DictLookup) return false;
    for (const auto& arg : node.args) {
        if (tests_text_per_row(*arg)) return true;
    }
    return false;
}

bool is_condition(const ir::Node& node) {
    return node.type == ir::Type::Bool && node.kind != ir::Kind::Constant && node.kind != ir::Kind::Column &&
           shareable(node);
}

// The structure of a condition without its source spans: equal keys, equal meaning.
std::string key_of(const ir::Node& node) { return ir::dump(node); }

// Where a condition occurs: in all (inside larger conditions too), and where the rules would still read it once the
// larger shared conditions are replaced ("exposed"). A text test inside a shared `T and X` is computed there; sharing
// T itself pays only for the places left.
struct Uses {
    int all = 0;
    int exposed = 0;
};

int uses_needed(const ir::Node& node) { return tests_text_per_row(node) ? kMinTextUses : 2; }

void count_conditions(const ir::Node& node, std::map<std::string, Uses>& uses) {
    if (is_condition(node)) ++uses[key_of(node)].all;
    // A lookup's condition is evaluated per dictionary value when the program is bound, not per row by the program:
    // nothing inside it can read a shared slot.
    if (node.kind == ir::Kind::DictLookup) return;
    for (const auto& arg : node.args) count_conditions(*arg, uses);
}

void count_exposed(const ir::Node& node, std::map<std::string, Uses>& uses) {
    if (is_condition(node)) {
        Uses& use = uses[key_of(node)];
        ++use.exposed;
        if (use.all >= uses_needed(node)) return;  // shared whole: its parts are computed inside it
    }
    if (node.kind == ir::Kind::DictLookup) return;
    for (const auto& arg : node.args) count_exposed(*arg, uses);
}

bool shared_by_uses(const ir::Node& node, const Uses& use) {
    return (tests_text_per_row(node) ? use.exposed : use.all) >= uses_needed(node);
}

// Replaces the largest shared conditions under `node` (top-down, so a shared condition's parts are not shared again).
void replace_shared(ir::NodePtr& node, const std::map<std::string, Uses>& uses, std::map<std::string, uint32_t>& slots,
                    std::vector<ir::NodePtr>& shared) {
    if (is_condition(*node)) {
        std::string key = key_of(*node);
        auto use = uses.find(key);
        if (use != uses.end() && shared_by_uses(*node, use->second)) {
            auto [slot, added] = slots.emplace(key, static_cast<uint32_t>(shared.size()));
            if (added) shared.push_back(node->clone());
            auto reference = std::make_unique<ir::Node>();
            reference->kind = ir::Kind::Shared;
            reference->type = ir::Type::Bool;
            reference->shared = slot->second;
            reference->span = node->span;
            node = std::move(reference);
            return;
        }
    }
    if (node->kind == ir::Kind::DictLookup) return;  // see count_conditions
    for (auto& arg : node->args) replace_shared(arg, uses, slots, shared);
}

}  // namespace

std::vector<ir::NodePtr> share_conditions(std::vector<ir::Rule>& rules, const Options& options) {
    std::vector<ir::NodePtr> shared;
    if (!options.enabled || options.disabled.count(kSharedConditions)) return shared;
    std::map<std::string, Uses> uses;
    for (const auto& rule : rules) count_conditions(*rule.root, uses);
    for (const auto& rule : rules) count_exposed(*rule.root, uses);
    std::map<std::string, uint32_t> slots;
    for (auto& rule : rules) {
        replace_shared(rule.root, uses, slots, shared);
        std::string problem = ir::verify(*rule.root);
        if (!problem.empty()) {
            throw std::logic_error(std::string(kSharedConditions) + " broke the IR of " + rule.name + ": " + problem);
        }
    }
    return shared;
}

}  // namespace segmint::optimize
