// A customer's explanation: the written IR walked part by part, each part's value from the reference evaluator.
#include "engine/explain_customer.h"

#include <map>
#include <set>
#include <stdexcept>

#include "common/span_text.h"
#include "reference/reference_evaluator.h"

namespace segmint::engine {

namespace {

using ir::Kind;
using ir::Node;

bool same_span(const Node& a, const Node& b) { return a.span == b.span; }

// Whether the node's value depends on the customer (a column, a membership or an aggregate below it).
bool reads_customer(const Node& node) {
    if (node.kind == Kind::Column || node.kind == Kind::Segment || node.kind == Kind::Aggregate) return true;
    for (const auto& arg : node.args) {
        if (reads_customer(*arg)) return true;
    }
    return false;
}

// Whether some part below the node has a span of its own (`today - 30 days` has `today`; the `30 days` anchor that
// `within last 30 days` lowers to has none: its nodes all carry the duration's span).
bool has_written_parts(const Node& node) {
    for (const auto& arg : node.args) {
        if (!same_span(*arg, node) || has_written_parts(*arg)) return true;
    }
    return false;
}

// An `and`/`or`/`not` the user wrote, whose operands are parts of their own (not one lowered from `between`,
// `within last`, `in (...)` or `contains any`, whose operands share its span).
bool written_logic(const Node& node) {
    if (node.kind != Kind::And && node.kind != Kind::Or && node.kind != Kind::Not) return false;
    for (const auto& arg : node.args) {
        if (same_span(*arg, node)) return false;
    }
    return true;
}

class Explainer {
public:
    Explainer(const semantic::Catalog& catalog, const CompiledCatalog& compiled, const data::Table& table, uint64_t row)
        : catalog_(catalog), compiled_(compiled), table_(table), row_(row), reference_(table, compiled.as_of) {
        for (size_t r = 0; r < compiled.written_rules.size(); ++r) rule_of_[compiled.written_rules[r].segment] = r;
    }

    Explanation explain(uint32_t segment) {
        compute_memberships(segment);
        Explanation out;
        out.segment = segment;
        out.row = row_;
        expanded_.insert(segment);
        out.rule = part(rule(segment), source_of(segment));
        out.columns = std::move(columns_);
        out.aggregates = std::move(aggregates_);
        return out;
    }

private:
    const Node& rule(uint32_t segment) const {
        auto it = rule_of_.find(segment);
        if (it == rule_of_.end()) throw std::logic_error("explain: segment without a rule");
        return *compiled_.written_rules[it->second].root;
    }

    const Source* source_of(uint32_t segment) const {
        return catalog_.files[catalog_.segments[segment].file].source.get();
    }

    // The memberships the rule's references read, for this customer only: the segment and those it refers to,
    // directly or not, each evaluated by the reference evaluator in evaluation order.
    void compute_memberships(uint32_t segment) {
        memberships_.assign(catalog_.segments.size(), data::Bitmap());
        std::set<uint32_t> needed;
        std::vector<uint32_t> pending = {segment};
        while (!pending.empty()) {
            const uint32_t s = pending.back();
            pending.pop_back();
            if (!needed.insert(s).second) continue;
            std::vector<const Node*> nodes = {&rule(s)};
            while (!nodes.empty()) {
                const Node* node = nodes.back();
                nodes.pop_back();
                if (node->kind == Kind::Segment) pending.push_back(node->segment);
                for (const auto& arg : node->args) nodes.push_back(arg.get());
            }
        }
        for (uint32_t s : needed) memberships_[s].resize(table_.rows());
        for (const ir::Rule& r : compiled_.written_rules) {
            if (needed.count(r.segment) == 0) continue;
            if (reference_.value(*r.root, row_, memberships_) == ir::Value(true)) memberships_[r.segment].set(row_);
        }
    }

    // The part the node stands for: conversions lowering added around a written part are looked through, so the
    // part shows its own value (`orders_90d` = 7, not 7.0).
    ExplainedNode part(const Node& written, const Source* source) {
        const Node* node = &written;
        while (node->kind == Kind::Cast && same_span(*node->args[0], *node)) node = node->args[0].get();
        ExplainedNode out;
        out.source = source;
        out.span = node->span;
        out.text = one_line_text(*source, node->span);
        out.type = node->type;
        switch (node->kind) {
            case Kind::Aggregate: {
                reference::AggregateSeen seen = reference_.aggregate_seen(*node->aggregate, row_);
                out.value = seen.value;
                out.aggregate = node->aggregate.get();
                out.events = seen.events;
                out.matched = seen.matched;
                note_aggregate(out);
                return out;
            }
            case Kind::Column:
                out.value = reference_.value(*node, row_, memberships_);
                out.column = node->column;
                note_column(node->column, out.value);
                return out;
            case Kind::Segment:
                out.value = reference_.value(*node, row_, memberships_);
                out.segment = node->segment;
                if (!expanded_.insert(node->segment).second) {
                    out.expanded_above = true;
                } else {
                    out.children.push_back(part(rule(node->segment), source_of(node->segment)));
                }
                return out;
            default: break;
        }
        out.value = reference_.value(*node, row_, memberships_);
        std::vector<const Node*> operands;
        collect_parts(*node, *node, operands);
        for (const Node* operand : operands) out.children.push_back(part(*operand, source));
        if (written_logic(*node)) mark_decider(*node, out);
        return out;
    }

    // The parts directly below `node`: its operands with spans of their own, looking through operands lowering made
    // for the same written construct (they share `top`'s span). Each span once (`within last` reads its subject
    // twice); parts that are constants for the run and have no parts of their own (literals, `within last`'s anchor)
    // are left out, except as operands of a written `and`/`or`/`not`.
    void collect_parts(const Node& node, const Node& top, std::vector<const Node*>& out) {
        std::set<std::pair<uint32_t, uint32_t>> spans;  // a set: an `or` of 100,000 terms has as many parts
        collect_parts(node, top, out, spans);
    }

    void collect_parts(const Node& node, const Node& top, std::vector<const Node*>& out,
                       std::set<std::pair<uint32_t, uint32_t>>& spans) {
        const bool logic = written_logic(node);
        for (const auto& arg : node.args) {
            if (same_span(*arg, top)) {
                collect_parts(*arg, top, out, spans);
                continue;
            }
            if (!logic && !reads_customer(*arg) && !has_written_parts(*arg)) continue;
            if (spans.emplace(arg->span.begin, arg->span.end).second) out.push_back(arg.get());
        }
    }

    // Three-valued logic index of a condition's value: 0 FALSE, 1 TRUE, 2 NULL.
    static int truth(const ir::Value& value) {
        if (const bool* b = std::get_if<bool>(&value)) return *b ? 1 : 0;
        return 2;
    }

    static void mark_decider(const Node& node, ExplainedNode& out) {
        if (node.kind == Kind::Not || out.children.size() != node.args.size()) return;
        const int settles = node.kind == Kind::Or ? 1 : 0;
        const int value = truth(out.value);
        if (value != settles && value != 2) return;  // a TRUE `and`, a FALSE `or`: every operand counts alike
        for (ExplainedNode& child : out.children) {
            if (truth(child.value) == value) {
                child.decides = true;
                return;
            }
        }
    }

    void note_column(uint32_t column, const ir::Value& value) {
        if (!columns_seen_.insert(column).second) return;
        columns_.push_back({table_.schema().columns[column].name, value});
    }

    void note_aggregate(const ExplainedNode& node) {
        if (!aggregates_seen_.insert(node.aggregate->key).second) return;
        aggregates_.push_back({node.aggregate->key, node.value, node.aggregate, node.events, node.matched});
    }

    const semantic::Catalog& catalog_;
    const CompiledCatalog& compiled_;
    const data::Table& table_;
    uint64_t row_;
    reference::ReferenceEvaluator reference_;
    std::map<uint32_t, size_t> rule_of_;  // segment → index in written_rules
    std::vector<data::Bitmap> memberships_;
    std::set<uint32_t> expanded_;
    std::set<uint32_t> columns_seen_;
    std::set<std::string> aggregates_seen_;
    std::vector<Explanation::ColumnRead> columns_;
    std::vector<Explanation::AggregateRead> aggregates_;
};

}  // namespace

Explanation explain_customer(const semantic::Catalog& catalog, const CompiledCatalog& compiled,
                             const data::Table& table, const std::vector<data::Bitmap>& vm_memberships,
                             uint32_t segment, uint64_t row) {
    Explainer explainer(catalog, compiled, table, row);
    Explanation out = explainer.explain(segment);
    out.member = vm_memberships.at(segment).get(row);
    if ((out.rule.value == ir::Value(true)) != out.member) {
        throw std::logic_error("explain: the reference evaluator finds the rule of `" + catalog.segments[segment].name +
                               "` " + ir::value_text(out.rule.value) + " for row " + std::to_string(row) +
                               ", but the VM puts the customer " + (out.member ? "in" : "not in") + " the segment");
    }
    return out;
}

}  // namespace segmint::engine
