// dictionary_predicates: a condition that reads one string or enum column and nothing else (`tier in (...)`,
// `country starts with "U"`, `lower(city) = "berlin"`, `email matches ...`) is evaluated once per distinct value of
// the column and then looked up by the row's dictionary code. Needs the loaded table's statistics; skipped for
// columns with so many distinct values that per-value evaluation would cost as much as per-row evaluation.
#include <algorithm>

#include "optimize/passes.h"

namespace segmint::optimize {

namespace {

// What a subtree reads: nothing, one string column, or something that rules a lookup out.
struct Reads {
    enum class What { Nothing, OneColumn, Other } what = What::Nothing;
    uint32_t column = 0;
};

Reads combine(Reads a, Reads b) {
    if (a.what == Reads::What::Other || b.what == Reads::What::Other) return {Reads::What::Other, 0};
    if (a.what == Reads::What::Nothing) return b;
    if (b.what == Reads::What::Nothing) return a;
    return a.column == b.column ? a : Reads{Reads::What::Other, 0};
}

Reads reads(const ir::Node& node) {
    switch (node.kind) {
        case ir::Kind::Column:
            return node.type == ir::Type::String ? Reads{Reads::What::OneColumn, node.column}
                                                 : Reads{Reads::What::Other, 0};
        case ir::Kind::Segment:
        case ir::Kind::Today:
        case ir::Kind::Now:
        case ir::Kind::Placeholder:
        case ir::Kind::Aggregate:  // a value per customer from the events, not from this column's value
        case ir::Kind::DictLookup: return {Reads::What::Other, 0};
        default: break;
    }
    Reads out;
    for (const auto& arg : node.args) out = combine(out, reads(*arg));
    return out;
}

// Replaces the column in the condition by the placeholder the lookup binds.
void to_placeholder(ir::NodePtr& node) {
    if (node->kind == ir::Kind::Column) {
        auto placeholder = std::make_unique<ir::Node>();
        placeholder->kind = ir::Kind::Placeholder;
        placeholder->type = ir::Type::String;
        placeholder->span = node->span;
        node = std::move(placeholder);
        return;
    }
    for (auto& arg : node->args) to_placeholder(arg);
}

bool worth_it(const ir::Node& node, const ColumnStats& stats, uint64_t rows) {
    // Null tests read only the validity bitmap: a lookup would be slower.
    if (node.kind == ir::Kind::IsNull || node.kind == ir::Kind::IsNotNull) return false;
    return stats.distinct <= std::max<uint64_t>(4096, rows / 4);
}

void replace(ir::NodePtr& node, const PassContext& context) {
    if (node->type == ir::Type::Bool) {
        Reads r = reads(*node);
        if (r.what == Reads::What::OneColumn &&
            worth_it(*node, context.stats->columns[r.column], context.stats->rows)) {
            auto lookup = std::make_unique<ir::Node>();
            lookup->kind = ir::Kind::DictLookup;
            lookup->type = ir::Type::Bool;
            lookup->span = node->span;
            auto column = std::make_unique<ir::Node>();
            column->kind = ir::Kind::Column;
            column->type = ir::Type::String;
            column->column = r.column;
            column->span = node->span;
            lookup->args.push_back(std::move(column));
            to_placeholder(node);
            lookup->args.push_back(std::move(node));
            node = std::move(lookup);
            return;
        }
    }
    for (auto& arg : node->args) replace(arg, context);
}

}  // namespace

void dictionary_predicates(ir::Rule& rule, PassContext& context) {
    if (!context.stats) return;
    replace(rule.root, context);
}

}  // namespace segmint::optimize
