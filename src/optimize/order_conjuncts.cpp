// order_conjuncts: the operands of `and` run cheapest and most selective first, those of `or` cheapest and most
// likely first, so the selection narrows early and expensive operands see few rows. `and`/`or` are commutative in
// three-valued logic, so the order never changes a result. Estimates use column statistics when a table is loaded.
#include <algorithm>

#include "optimize/passes.h"

namespace segmint::optimize {

namespace {

double cost(const ir::Node& node) {
    double own = 0.2;
    switch (node.kind) {
        case ir::Kind::Constant: own = 0; break;
        case ir::Kind::Column: own = node.type == ir::Type::String ? 2 : 1; break;
        case ir::Kind::Segment: own = 0.5; break;
        case ir::Kind::DictLookup: return 1;  // its condition runs once per distinct value, not per row
        case ir::Kind::Text: own = node.op == ir::Op::Matches ? 40 : 4; break;
        case ir::Kind::Call: own = 3; break;
        case ir::Kind::ListContains: own = 4; break;
        case ir::Kind::InSet: own = 1.5; break;
        case ir::Kind::IsNull:
        case ir::Kind::IsNotNull:
            // Of a column: its validity bits only (codegen's LoadPresent), whatever the column's type.
            if (node.args[0]->kind == ir::Kind::Column || node.args[0]->kind == ir::Kind::Aggregate) return 0.5;
            break;
        default: break;
    }
    for (const auto& arg : node.args) own += cost(*arg);
    return own;
}

// The chance a customer makes `node` TRUE: from statistics where a comparison with a constant allows, else a guess.
double selectivity(const ir::Node& node, const TableStats* stats) {
    auto column_of = [](const ir::Node& n) -> const ir::Node* {
        if (n.kind == ir::Kind::Column) return &n;
        if (n.kind == ir::Kind::Cast && n.args[0]->kind == ir::Kind::Column) return n.args[0].get();
        return nullptr;
    };
    switch (node.kind) {
        case ir::Kind::IsNull:
        case ir::Kind::IsNotNull: {
            const ir::Node* column = column_of(*node.args[0]);
            if (!stats || !column || stats->rows == 0) return 0.5;
            double nulls = static_cast<double>(stats->columns[column->column].null_count) / stats->rows;
            return node.kind == ir::Kind::IsNull ? nulls : 1 - nulls;
        }
        case ir::Kind::Compare: {
            const ir::Node* column = column_of(*node.args[0]);
            const ir::Node* constant = node.args[1].get();
            if (!stats || !column || !is_constant(*constant) || stats->rows == 0) {
                return node.op == ir::Op::Eq ? 0.1 : node.op == ir::Op::Ne ? 0.9 : 0.4;
            }
            const ColumnStats& s = stats->columns[column->column];
            double present = 1 - static_cast<double>(s.null_count) / stats->rows;
            if (node.op == ir::Op::Eq) return present / std::max<double>(1, s.distinct ? s.distinct : 10);
            if (node.op == ir::Op::Ne) return present * 0.9;
            double v = 0;
            if (auto* i = std::get_if<int64_t>(&constant->constant))
                v = static_cast<double>(*i);
            else if (auto* d = std::get_if<double>(&constant->constant))
                v = *d;
            else if (auto* date = std::get_if<ir::DateValue>(&constant->constant))
                v = date->days;
            else if (auto* t = std::get_if<ir::TimestampValue>(&constant->constant))
                v = static_cast<double>(t->micros);
            else
                return present * 0.4;
            if (!s.has_range || s.max <= s.min) return present * 0.4;
            double below = std::clamp((v - s.min) / (s.max - s.min), 0.0, 1.0);  // uniform between min and max
            bool less = node.op == ir::Op::Lt || node.op == ir::Op::Le;
            return present * (less ? below : 1 - below);
        }
        case ir::Kind::InSet: return std::min(0.9, 0.1 * static_cast<double>(node.set.size()));
        case ir::Kind::Not: return 1 - selectivity(*node.args[0], stats);
        case ir::Kind::And: {
            double p = 1;
            for (const auto& arg : node.args) p *= selectivity(*arg, stats);
            return p;
        }
        case ir::Kind::Or: {
            double q = 1;
            for (const auto& arg : node.args) q *= 1 - selectivity(*arg, stats);
            return 1 - q;
        }
        default: return 0.5;
    }
}

}  // namespace

void order_conjuncts(ir::Rule& rule, PassContext& context) {
    rewrite_bottom_up(rule.root, [&](ir::NodePtr& node) {
        if (node->kind != ir::Kind::And && node->kind != ir::Kind::Or) return;
        const bool is_and = node->kind == ir::Kind::And;
        struct Ranked {
            double rank;
            size_t position;
        };
        std::vector<Ranked> ranks;
        for (size_t i = 0; i < node->args.size(); ++i) {
            double p = std::clamp(selectivity(*node->args[i], context.stats), 0.001, 0.999);
            // Expected work is minimised by ascending cost / (chance the operand settles the result).
            double settles = is_and ? 1 - p : p;
            ranks.push_back({cost(*node->args[i]) / settles, i});
        }
        std::stable_sort(ranks.begin(), ranks.end(), [](const Ranked& a, const Ranked& b) { return a.rank < b.rank; });
        std::vector<ir::NodePtr> ordered;
        for (const auto& r : ranks) ordered.push_back(std::move(node->args[r.position]));
        node->args = std::move(ordered);
    });
}

}  // namespace segmint::optimize
