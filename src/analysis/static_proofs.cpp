#include "analysis/static_proofs.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/limits.h"
#include "common/text_format.h"

namespace segmint::analysis {

namespace {

using prove::Emptiness;
using prove::RegionResult;

std::string names_text(const std::vector<project::SegmentRef>& segments) {
    std::string out;
    for (const auto& segment : segments) out += (out.empty() ? "" : ", ") + segment.name;
    return out;
}

// The outcome of a constraint from its regions, each of which must be empty for the constraint to hold: the first
// non-empty region refutes it (its witness is the counterexample), else any unknown region leaves it unknown.
struct Regions {
    ProofStatus status = ProofStatus::Proved;
    std::string unknown_reason;
    std::optional<prove::Witness> witness;

    // Adds a region; returns false once the constraint is refuted (no need to look further).
    bool add(RegionResult region) {
        if (region.emptiness == Emptiness::NonEmpty) {
            status = ProofStatus::Refuted;
            witness = std::move(region.witness);
            return false;
        }
        if (region.emptiness == Emptiness::Unknown) {
            status = ProofStatus::Unknown;
            if (unknown_reason.empty()) unknown_reason = region.reason;
        }
        return true;
    }
};

Counterexample counterexample(prove::Witness witness, const project::Constraint& constraint,
                              const std::unordered_map<std::string, size_t>& segment_index, prove::Prover& prover) {
    Counterexample out;
    const std::vector<bool> members = prover.memberships(witness);
    for (const auto& segment : constraint.segments) {
        auto& list = members.at(segment_index.at(segment.name)) ? out.in : out.not_in;
        if (std::find(list.begin(), list.end(), segment.name) == list.end()) list.push_back(segment.name);
    }
    out.customer = std::move(witness);
    return out;
}

ConstraintProof prove_constraint(const project::Constraint& constraint,
                                 const std::unordered_map<std::string, size_t>& segment_index, prove::Prover& prover) {
    ConstraintProof proof;
    proof.constraint = &constraint;
    const std::string names = names_text(constraint.segments);
    if (!provable(constraint.kind)) {
        proof.status = ProofStatus::Skipped;
        proof.message =
            fmt::format("{} needs data: its figures count customers", constraint_kind_name(constraint.kind));
        return proof;
    }
    if (!constraint.prove_statically) {
        proof.status = ProofStatus::Skipped;
        proof.message = "left to the data (`static: false`)";
        return proof;
    }
    std::vector<uint32_t> ids;
    for (const auto& segment : constraint.segments)
        ids.push_back(static_cast<uint32_t>(segment_index.at(segment.name)));

    Regions regions;
    std::string refuted;  // what the counterexample shows
    if (constraint.kind == project::ConstraintKind::Subset) {
        if (!regions.add(prover.region(ids[0], true, ids[1], false)))
            refuted = fmt::format("a customer can be in {} but not in {}", constraint.segments[0].name,
                                  constraint.segments[1].name);
    } else {
        // disjoint and partition: no customer in two of them.
        for (size_t i = 0; i < ids.size() && refuted.empty(); ++i) {
            for (size_t j = i + 1; j < ids.size() && refuted.empty(); ++j) {
                if (ids[i] == ids[j]) continue;
                if (!regions.add(prover.region(ids[i], true, ids[j], true)))
                    refuted = fmt::format("a customer can be in both {} and {}", constraint.segments[i].name,
                                          constraint.segments[j].name);
            }
        }
        // partition: and no customer in none of them.
        if (refuted.empty() && constraint.kind == project::ConstraintKind::Partition) {
            std::vector<std::pair<uint32_t, bool>> none;
            for (uint32_t id : ids) none.emplace_back(id, false);
            if (!regions.add(prover.region(none))) refuted = "a customer can be in none of them";
        }
    }
    proof.status = regions.status;
    switch (regions.status) {
        case ProofStatus::Refuted:
            proof.message = refuted;
            proof.counterexample = counterexample(std::move(*regions.witness), constraint, segment_index, prover);
            break;
        case ProofStatus::Unknown: proof.message = "undecided: " + regions.unknown_reason; break;
        default:
            switch (constraint.kind) {
                case project::ConstraintKind::Subset:
                    proof.message = fmt::format("every member of {} is in {}, for every customer",
                                                constraint.segments[0].name, constraint.segments[1].name);
                    break;
                case project::ConstraintKind::Partition:
                    proof.message = fmt::format("every customer is in exactly one of {}", names);
                    break;
                default: proof.message = fmt::format("no customer can be in two of {}", names); break;
            }
    }
    return proof;
}

// The source text of a span, on one line and shortened, for a message.
std::string excerpt(const Source& source, Span span) {
    std::string text = source.text().substr(span.begin, span.end - span.begin);
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return "`" + escape_controls(text) + "`";
}

// Whether `rule` is nothing but a reference (`segment b: a`): it says itself which segment it equals, and that one's
// equal pairs are reported for it.
bool alias(const ir::Rule& rule) { return rule.root->kind == ir::Kind::Segment; }

struct Linter {
    const semantic::Catalog& catalog;
    prove::Prover& prover;
    CatalogLints out;

    void add(uint32_t segment, Severity severity, Code code, Span span, std::string message, std::string hint) {
        Diagnostic diagnostic;
        diagnostic.severity = severity;
        diagnostic.code = code;
        diagnostic.source = source(segment);
        diagnostic.span = span;
        diagnostic.message = std::move(message);
        diagnostic.hint = std::move(hint);
        out.lints.push_back({catalog.segments[segment].name, std::move(diagnostic)});
    }

    const ast::Definition& definition(size_t segment) const { return catalog.definition(segment); }
    const std::shared_ptr<const Source>& source(size_t segment) const {
        return catalog.files[catalog.segments[segment].file].source;
    }

    // P003 for each operand of an and/or whose replacement by the operator's neutral constant (TRUE in an and,
    // FALSE in an or) changes no customer's membership. A dead operand is reported once, not its own parts. Operands
    // are judged in order with those already reported replaced too: of `a > 5 and a > 5` only one is dead, since
    // removing both would change the rule. `dead` holds the segment's reported operands (cleared per segment).
    void dead_conditions(uint32_t segment, const ir::Node& node, std::vector<std::pair<const ir::Node*, bool>>& dead) {
        if (node.kind == ir::Kind::And || node.kind == ir::Kind::Or) {
            const bool is_and = node.kind == ir::Kind::And;
            for (const auto& operand : node.args) {
                // Operands the lowering made up (a `between`'s two bounds) share their parent's span: the user
                // wrote no such part, so it is not named.
                if (operand->span == node.span || operand->span.end <= operand->span.begin) {
                    dead_conditions(segment, *operand, dead);
                    continue;
                }
                dead.emplace_back(operand.get(), is_and);
                RegionResult changes = prover.replacement_changes(segment, dead);
                if (changes.emptiness != Emptiness::Empty) {
                    dead.pop_back();
                    dead_conditions(segment, *operand, dead);
                    continue;
                }
                const std::string& name = catalog.segments[segment].name;
                const std::string part = excerpt(*source(segment), operand->span);
                add(segment, Severity::Warning, Code::DeadCondition, operand->span,
                    is_and ? fmt::format("{} never changes who is in `{}`: the rest of the rule implies it", part, name)
                           : fmt::format("{} never adds a customer to `{}`: whenever it is true, the rest "
                                         "of the rule already is",
                                         part, name),
                    "remove it, or fix the condition it was meant to be");
            }
            return;
        }
        if (node.kind == ir::Kind::Not) dead_conditions(segment, *node.args[0], dead);
    }
};

}  // namespace

const char* proof_status_name(ProofStatus status) {
    switch (status) {
        case ProofStatus::Proved: return "proved";
        case ProofStatus::Refuted: return "refuted";
        case ProofStatus::Unknown: return "unknown";
        case ProofStatus::Skipped: return "skipped";
    }
    return "unknown";
}

bool provable(project::ConstraintKind kind) {
    return kind == project::ConstraintKind::Disjoint || kind == project::ConstraintKind::Subset ||
           kind == project::ConstraintKind::Partition;
}

std::vector<ConstraintProof> prove_constraints(const project::Project& project,
                                               const std::unordered_map<std::string, size_t>& segment_index,
                                               prove::Prover& prover) {
    std::vector<ConstraintProof> proofs;
    for (const auto& constraint : project.constraints)
        proofs.push_back(prove_constraint(constraint, segment_index, prover));
    return proofs;
}

CatalogLints lint_catalog(const semantic::Catalog& catalog, prove::Prover& prover) {
    Linter linter{catalog, prover, {}};
    std::vector<const ir::Rule*> rules(catalog.segments.size(), nullptr);
    for (const auto& rule : prover.compiled().written_rules) rules.at(rule.segment) = &rule;

    // P001, and which segments can have members at all (the others take no part in P002/P003).
    std::vector<uint32_t> possible;
    for (uint32_t s = 0; s < catalog.segments.size(); ++s) {
        if (rules[s] == nullptr) continue;
        RegionResult any = prover.region({{s, true}}, false);
        if (any.emptiness == Emptiness::Unknown) {
            ++linter.out.undecided_segments;
            // The solver's doubt is told apart from a construct the encoding does not model: its cure differs.
            const std::string solver = "solver: ";
            if (any.reason.rfind(solver, 0) == 0) {
                ++linter.out.undecided_by_solver;
                auto& reasons = linter.out.solver_reasons;
                const std::string reason = any.reason.substr(solver.size());
                if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) reasons.push_back(reason);
            }
            continue;
        }
        if (any.emptiness == Emptiness::NonEmpty) {
            possible.push_back(s);
            continue;
        }
        const auto& definition = catalog.definition(s);
        linter.add(
            s, Severity::Error, Code::ImpossibleSegment, definition.name_span,
            fmt::format("no customer can be in `{}`: its rule is never TRUE, whatever the data", definition.name),
            prover.facts_admit_a_customer()
                ? "no values of its columns (NULL included) make the whole rule TRUE: look for conditions that exclude "
                  "each other"
                : "the schema's facts (`not_null`, `min`, `max`, `checks`) together admit no customer at all: look "
                  "for facts that exclude each other in the schema");
    }
    // P002: pairs with the same members, each reported at the later segment. Only segments that read the same
    // columns are compared: rules that read different columns can be equal only where a column one of them reads
    // never matters, which P003 reports in the usual case. This keeps the pairs to those within a group, not n².
    std::map<std::set<uint32_t>, std::vector<uint32_t>> by_columns;
    for (uint32_t s : possible) by_columns[prover.columns_read(s)].push_back(s);
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (const auto& [columns, group] : by_columns) {
        for (size_t i = 0; i < group.size(); ++i) {
            for (size_t j = i + 1; j < group.size(); ++j) pairs.emplace_back(group[i], group[j]);
        }
    }
    std::sort(pairs.begin(), pairs.end());  // in catalog order, as before
    if (pairs.size() > limits::kMaxEqualityPairs) {
        linter.out.equality_pairs_skipped = pairs.size();
        pairs.clear();
    }
    const unsigned timeout = prover.timeout_ms();
    prover.set_timeout_ms(std::min(timeout, limits::kLintQueryMs));
    for (const auto& [a, b] : pairs) {
        if (alias(*rules[a]) || alias(*rules[b])) continue;  // written to be the same: no news
        if (prover.region({{a, true}, {b, false}}, false).emptiness != Emptiness::Empty) continue;
        if (prover.region({{a, false}, {b, true}}, false).emptiness != Emptiness::Empty) continue;
        const auto& first = catalog.definition(a);
        const auto& second = catalog.definition(b);
        linter.add(b, Severity::Warning, Code::EqualSegments, second.name_span,
                   fmt::format("`{}` has the same members as `{}` for every customer", second.name, first.name),
                   "if one is meant to be the other, write `segment " + second.name + ": " + first.name + "`");
        linter.out.lints.back().diagnostic.notes.push_back(
            {"`" + first.name + "` is defined here", linter.source(a), first.name_span});
    }
    for (uint32_t s : possible) {
        std::vector<std::pair<const ir::Node*, bool>> dead;
        linter.dead_conditions(s, *rules[s]->root, dead);
    }
    prover.set_timeout_ms(timeout);
    return std::move(linter.out);
}

}  // namespace segmint::analysis
