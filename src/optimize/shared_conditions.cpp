// shared_conditions: a condition that several rules of a catalog contain (`orders_90d >= 5`, `tier in ("gold",
// "platinum")`) is computed once per batch by its own program; the rules read its result. Runs over the whole catalog
// after the per-rule passes, and only for the VM: the reference evaluator keeps the rules as they were.
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>

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

// The keys of the nodes that choosing walks again and again (the rules' and the chosen copies', which do not change
// until Slots replaces them), each dumped once. Not used once nodes are replaced: a freed node's address could
// come back for a new one.
class Keys {
public:
    const std::string& of(const ir::Node& node) {
        auto [it, added] = keys_.try_emplace(&node);
        if (added) it->second = key_of(node);
        return it->second;
    }

private:
    std::unordered_map<const ir::Node*, std::string> keys_;
};

// Where a condition occurs: in all (inside larger conditions too), and where the rules would still read it once the
// larger shared conditions are replaced ("exposed"). A text test inside a shared `T and X` is computed there; sharing
// T itself pays only for the places left.
struct Uses {
    int all = 0;
    int exposed = 0;
};

int uses_needed(const ir::Node& node) { return tests_text_per_row(node) ? kMinTextUses : 2; }

void count_conditions(const ir::Node& node, Keys& keys, std::map<std::string, Uses>& uses) {
    if (is_condition(node)) ++uses[keys.of(node)].all;
    // A lookup's condition is evaluated per dictionary value when the program is bound, not per row by the program:
    // nothing inside it can read a shared slot.
    if (node.kind == ir::Kind::DictLookup) return;
    for (const auto& arg : node.args) count_conditions(*arg, keys, uses);
}

void count_exposed(const ir::Node& node, Keys& keys, std::map<std::string, Uses>& uses) {
    if (is_condition(node)) {
        Uses& use = uses[keys.of(node)];
        ++use.exposed;
        if (use.all >= uses_needed(node)) return;  // shared whole: its parts are computed inside it
    }
    if (node.kind == ir::Kind::DictLookup) return;
    for (const auto& arg : node.args) count_exposed(*arg, keys, uses);
}

bool shared_by_uses(const ir::Node& node, const Uses& use) {
    return (tests_text_per_row(node) ? use.exposed : use.all) >= uses_needed(node);
}

// The conditions to share, by key, each with a copy taken before any replacement.
using Chosen = std::map<std::string, ir::NodePtr>;

// The largest conditions under `node` that its rule shares by their uses (top-down: their parts are inside them).
void choose_by_uses(const ir::Node& node, Keys& keys, const std::map<std::string, Uses>& uses, Chosen& chosen) {
    if (is_condition(node)) {
        const std::string& key = keys.of(node);
        auto use = uses.find(key);
        if (use != uses.end() && shared_by_uses(node, use->second)) {
            chosen.emplace(key, node.clone());
            return;
        }
    }
    if (node.kind == ir::Kind::DictLookup) return;  // see count_conditions
    for (const auto& arg : node.args) choose_by_uses(*arg, keys, uses, chosen);
}

void count_parts(const ir::Node& node, Keys& keys, const Chosen& chosen, std::map<std::string, int>& places);

// Where each condition would be computed once the chosen conditions are read from their slots: its places in the
// rules and in the chosen conditions' parts (each chosen condition is computed once per batch, whatever reads it).
void count_places(const ir::Node& node, Keys& keys, const Chosen& chosen, std::map<std::string, int>& places) {
    if (is_condition(node)) {
        const std::string& key = keys.of(node);
        ++places[key];
        if (chosen.count(key)) return;
    }
    count_parts(node, keys, chosen, places);
}

void count_parts(const ir::Node& node, Keys& keys, const Chosen& chosen, std::map<std::string, int>& places) {
    if (node.kind == ir::Kind::DictLookup) return;  // see count_conditions
    for (const auto& arg : node.args) count_places(*arg, keys, chosen, places);
}

// Chooses the largest part of `node` (a chosen condition) that two or more places would compute: `age > 18 and
// orders_90d >= 2` inside two chosen conditions is computed once, not by each. Returns whether it chose one (the
// places are counted again after each choice: the parts of the chosen part now have one place between them). Not a
// part that tests text row by row: inside `country = "DE" and T` the test T runs only over the rows the comparison
// left open, and sharing it would run it over every row.
bool choose_part(const ir::Node& node, Keys& keys, const std::map<std::string, int>& places, Chosen& chosen) {
    if (node.kind == ir::Kind::DictLookup) return false;
    for (const auto& arg : node.args) {
        if (is_condition(*arg)) {
            const std::string& key = keys.of(*arg);
            if (chosen.count(key)) continue;
            if (places.at(key) >= 2 && !tests_text_per_row(*arg)) {
                chosen.emplace(key, arg->clone());
                return true;
            }
        }
        if (choose_part(*arg, keys, places, chosen)) return true;
    }
    return false;
}

// Numbers the chosen conditions as the rules first read them and replaces them by Shared nodes, in the rules and in
// each other: a shared condition reads the shared conditions among its parts, which get lower slots, so each is
// computed before the ones that read it (vm::evaluate runs them in order). The benchmark's catalog shares both
// `not (email ends with "@example.invalid")` and `email is not null and not (...)`: the second now reads the first,
// where both computed the text test for every row.
class Slots {
public:
    explicit Slots(const Chosen& chosen) : chosen_(chosen) {}

    // Replaces the largest chosen conditions under `node`.
    void replace(ir::NodePtr& node) {
        if (is_condition(*node)) {
            auto found = chosen_.find(key_of(*node));
            if (found != chosen_.end()) {
                auto reference = std::make_unique<ir::Node>();
                reference->kind = ir::Kind::Shared;
                reference->type = ir::Type::Bool;
                reference->shared = slot_of(found->first, *found->second);
                reference->span = node->span;
                node = std::move(reference);
                return;
            }
        }
        replace_parts(*node);
    }

    std::vector<ir::NodePtr> take() { return std::move(shared_); }

private:
    void replace_parts(ir::Node& node) {
        if (node.kind == ir::Kind::DictLookup) return;  // see count_conditions
        for (auto& arg : node.args) replace(arg);
    }

    uint32_t slot_of(const std::string& key, const ir::Node& condition) {
        auto known = slots_.find(key);
        if (known != slots_.end()) return known->second;
        ir::NodePtr copy = condition.clone();
        replace_parts(*copy);  // its parts (strictly smaller: never `key` again) take their slots first
        std::string problem = ir::verify(*copy);
        if (!problem.empty())
            throw std::logic_error(std::string(kSharedConditions) + " broke a shared condition: " + problem);
        const auto slot = static_cast<uint32_t>(shared_.size());
        shared_.push_back(std::move(copy));
        slots_.emplace(key, slot);
        return slot;
    }

    const Chosen& chosen_;
    std::map<std::string, uint32_t> slots_;
    std::vector<ir::NodePtr> shared_;
};

}  // namespace

std::vector<ir::NodePtr> share_conditions(std::vector<ir::Rule>& rules, const Options& options) {
    if (!options.enabled || options.disabled.count(kSharedConditions)) return {};
    Keys keys;
    std::map<std::string, Uses> uses;
    for (const auto& rule : rules) count_conditions(*rule.root, keys, uses);
    for (const auto& rule : rules) count_exposed(*rule.root, keys, uses);
    Chosen chosen;
    for (const auto& rule : rules) choose_by_uses(*rule.root, keys, uses, chosen);
    for (bool added = true; added;) {  // until no part of a chosen condition is worth its own slot
        std::map<std::string, int> places;
        for (const auto& rule : rules) count_places(*rule.root, keys, chosen, places);
        for (const auto& [key, condition] : chosen) count_parts(*condition, keys, chosen, places);
        added = false;
        for (auto it = chosen.begin(); it != chosen.end() && !added; ++it) {
            added = choose_part(*it->second, keys, places, chosen);  // inserting into a std::map keeps `it` valid
        }
    }
    Slots slots(chosen);
    for (auto& rule : rules) {
        slots.replace(rule.root);
        std::string problem = ir::verify(*rule.root);
        if (!problem.empty()) {
            throw std::logic_error(std::string(kSharedConditions) + " broke the IR of " + rule.name + ": " + problem);
        }
    }
    return slots.take();
}

}  // namespace segmint::optimize
