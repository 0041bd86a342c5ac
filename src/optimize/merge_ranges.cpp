// merge_ranges: comparisons of one column with constants inside an `and` are merged into the tightest range:
// redundant bounds are dropped (`age > 18 and age > 21` keeps `age > 21`), and an empty range is a contradiction
// (`age > 30 and age < 20`), reported as a finding and, where only TRUE matters (the rule itself and its and/or
// operands, never under `not`), replaced by FALSE. Both rewrites are exact: for a NULL column every term is NULL.
#include <map>
#include <optional>

#include "optimize/passes.h"

namespace segmint::optimize {

namespace {

// A comparison `column op constant`, normalised so the column is on the left.
struct Term {
    uint32_t column;
    ir::Op cast;  // the conversion applied to the column, or None
    ir::Op op;
    long double value;
    size_t index;  // position in the `and`
};

std::optional<long double> number_of(const ir::Value& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return static_cast<long double>(*i);
    if (auto* d = std::get_if<double>(&v)) return static_cast<long double>(*d);
    if (auto* d = std::get_if<ir::DateValue>(&v)) return static_cast<long double>(d->days);
    if (auto* t = std::get_if<ir::TimestampValue>(&v)) return static_cast<long double>(t->micros);
    return std::nullopt;
}

ir::Op flipped(ir::Op op) {
    switch (op) {
        case ir::Op::Lt: return ir::Op::Gt;
        case ir::Op::Le: return ir::Op::Ge;
        case ir::Op::Gt: return ir::Op::Lt;
        case ir::Op::Ge: return ir::Op::Le;
        default: return op;
    }
}

std::optional<Term> as_term(const ir::Node& node, size_t index) {
    if (node.kind != ir::Kind::Compare || node.op == ir::Op::Ne) return std::nullopt;
    const ir::Node* subject = node.args[0].get();
    const ir::Node* constant = node.args[1].get();
    ir::Op op = node.op;
    if (is_constant(*subject)) {
        std::swap(subject, constant);
        op = flipped(op);
    }
    if (!is_constant(*constant) || ir::is_null(constant->constant)) return std::nullopt;
    ir::Op cast = ir::Op::None;
    if (subject->kind == ir::Kind::Cast && subject->args[0]->kind == ir::Kind::Column) {
        cast = subject->op;
        subject = subject->args[0].get();
    }
    if (subject->kind != ir::Kind::Column) return std::nullopt;
    auto value = number_of(constant->constant);
    if (!value) return std::nullopt;
    return Term{subject->column, cast, op, *value, index};
}

struct Range {
    std::optional<Term> lower;  // Gt, Ge or Eq
    std::optional<Term> upper;  // Lt, Le or Eq
    std::optional<Term> equal;
};

bool tighter_lower(const Term& a, const Term& b) {  // a excludes at least what b does
    if (a.value != b.value) return a.value > b.value;
    return a.op == ir::Op::Gt && b.op != ir::Op::Gt;
}
bool tighter_upper(const Term& a, const Term& b) {
    if (a.value != b.value) return a.value < b.value;
    return a.op == ir::Op::Lt && b.op != ir::Op::Lt;
}

class RangeMerger {
public:
    RangeMerger(const ir::Rule& rule, PassContext& context) : rule_(rule), context_(context) {}

    void visit(ir::NodePtr& node, bool membership) {
        const bool logic = node->kind == ir::Kind::And || node->kind == ir::Kind::Or;
        for (auto& arg : node->args) visit(arg, membership && logic);
        if (node->kind == ir::Kind::And) {
            flatten(*node);
            merge(node, membership);
        }
    }

private:
    // `(a and b) and c` is `a and b and c` (and is associative in three-valued logic too), so bounds from a `between`
    // or a parenthesised group meet the others (`age between 18 and 65 and age < 30` keeps `age < 30`).
    static void flatten(ir::Node& node) {
        std::vector<ir::NodePtr> flat;
        for (auto& arg : node.args) {
            if (arg->kind == ir::Kind::And) {
                for (auto& inner : arg->args) flat.push_back(std::move(inner));
            } else {
                flat.push_back(std::move(arg));
            }
        }
        node.args = std::move(flat);
    }

    void merge(ir::NodePtr& node, bool membership) {
        std::map<std::pair<uint32_t, ir::Op>, Range> ranges;
        for (size_t i = 0; i < node->args.size(); ++i) {
            auto term = as_term(*node->args[i], i);
            if (!term) continue;
            Range& range = ranges[{term->column, term->cast}];
            if (term->op == ir::Op::Eq) {
                if (range.equal && range.equal->value != term->value)
                    return contradiction(node, term->column, membership);
                range.equal = term;
            }
            if (term->op == ir::Op::Gt || term->op == ir::Op::Ge) {
                if (!range.lower || tighter_lower(*term, *range.lower)) range.lower = term;
            }
            if (term->op == ir::Op::Lt || term->op == ir::Op::Le) {
                if (!range.upper || tighter_upper(*term, *range.upper)) range.upper = term;
            }
        }
        std::vector<bool> keep(node->args.size(), true);
        for (auto& [key, range] : ranges) {
            const Term* lo = range.lower ? &*range.lower : nullptr;
            const Term* hi = range.upper ? &*range.upper : nullptr;
            if (range.equal) {
                const long double v = range.equal->value;
                bool below = lo && (v < lo->value || (v == lo->value && lo->op == ir::Op::Gt));
                bool above = hi && (v > hi->value || (v == hi->value && hi->op == ir::Op::Lt));
                if (below || above) return contradiction(node, key.first, membership);
                lo = hi = &*range.equal;  // the equality implies every other bound
            } else if (lo && hi &&
                       (lo->value > hi->value ||
                        (lo->value == hi->value && (lo->op == ir::Op::Gt || hi->op == ir::Op::Lt)))) {
                return contradiction(node, key.first, membership);
            }
            for (size_t i = 0; i < node->args.size(); ++i) {
                auto term = as_term(*node->args[i], i);
                if (!term || term->column != key.first || term->cast != key.second) continue;
                if ((lo && lo->index == i) || (hi && hi->index == i)) continue;
                keep[i] = false;  // implied by a tighter bound
            }
        }
        std::vector<ir::NodePtr> kept;
        for (size_t i = 0; i < node->args.size(); ++i) {
            if (keep[i]) kept.push_back(std::move(node->args[i]));
        }
        if (kept.size() == 1) {
            ir::NodePtr only = std::move(kept[0]);
            node = std::move(only);
        } else {
            node->args = std::move(kept);
        }
    }

    void contradiction(ir::NodePtr& node, uint32_t column, bool membership) {
        if (context_.findings) {
            std::string name = context_.schema && column < context_.schema->columns.size()
                                   ? context_.schema->columns[column].name
                                   : "#" + std::to_string(column);
            context_.findings->push_back(
                {rule_.segment, node->span,
                 "the conditions on `" + name + "` exclude each other, so this can never be true", Code::NeverMatches,
                 std::string("no ") + context_.rows + " can satisfy both; check the bounds"});
        }
        if (membership) node = make_constant(ir::Type::Bool, false, node->span);
    }

    const ir::Rule& rule_;
    PassContext& context_;
};

}  // namespace

void merge_ranges(ir::Rule& rule, PassContext& context) { RangeMerger(rule, context).visit(rule.root, true); }

}  // namespace segmint::optimize
