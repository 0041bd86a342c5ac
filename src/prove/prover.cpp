#include "prove/prover.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "engine/single_row.h"
#include "prove/encode.h"
#include "prove/witness.h"

namespace segmint::prove {

const char* emptiness_name(Emptiness emptiness) {
    switch (emptiness) {
        case Emptiness::Empty: return "empty";
        case Emptiness::NonEmpty: return "non-empty";
        case Emptiness::Unknown: return "unknown";
    }
    return "unknown";
}

const char* relation_name(Relation relation) {
    switch (relation) {
        case Relation::Equal: return "equal";
        case Relation::AInsideB: return "A inside B";
        case Relation::BInsideA: return "B inside A";
        case Relation::Disjoint: return "disjoint";
        case Relation::Overlapping: return "overlapping";
        case Relation::Unknown: return "unknown";
    }
    return "unknown";
}

Relation classify(Emptiness a_only, Emptiness b_only, Emptiness both) {
    using E = Emptiness;
    if (a_only == E::Empty && b_only == E::Empty) return Relation::Equal;
    if (a_only == E::Empty && b_only == E::NonEmpty) return Relation::AInsideB;
    if (b_only == E::Empty && a_only == E::NonEmpty) return Relation::BInsideA;
    if (a_only == E::NonEmpty && b_only == E::NonEmpty) {
        if (both == E::Empty) return Relation::Disjoint;
        if (both == E::NonEmpty) return Relation::Overlapping;
    }
    return Relation::Unknown;
}

struct Prover::State {
    const semantic::Catalog& catalog;
    Options options;
    engine::CompiledCatalog compiled;
    z3::context context;
    Encoder encoder;
    engine::SingleRowEvaluator evaluator;
    z3::solver solver{context};
    size_t facts_asserted = 0;

    State(const semantic::Catalog& c, scalar::AsOf as_of, Options o)
        : catalog(c),
          options(o),
          compiled(engine::compile(c, as_of)),
          encoder(context, *c.schema, compiled.written_rules, as_of),
          evaluator(compiled, *c.schema, engine::Evaluator::Vm) {}

    // Is there a customer with each (segment, member) pair as given, and, when `condition` is set, whose membership
    // of `condition->first` changes when that node is replaced by `condition->second`? (No witness for the latter.)
    RegionResult query(const std::vector<std::pair<uint32_t, bool>>& memberships,
                       std::optional<std::pair<const ir::Node*, bool>> condition = std::nullopt,
                       uint32_t condition_segment = 0, bool witness = true) {
        RegionResult result;
        // One solver for every query: the facts stay asserted, each query's own constraints are pushed and popped,
        // so the solver keeps what it learnt about the facts (a new solver per query was most of the cost).
        struct Scope {
            z3::solver& solver;
            explicit Scope(z3::solver& s) : solver(s) { solver.push(); }
            ~Scope() {
                try {
                    solver.pop();
                } catch (const z3::exception&) {  // never throw from a destructor; the next push starts afresh
                }
            }
        };
        try {
            solver.set("timeout", options.timeout_ms);
            std::set<uint32_t> columns;
            std::vector<z3::expr> asserted;
            for (const auto& [segment, member] : memberships) {
                z3::expr in = encoder.member(segment);
                asserted.push_back(member ? in : !in);
                const auto& used = encoder.columns_of(segment);
                columns.insert(used.begin(), used.end());
            }
            if (condition) {
                asserted.push_back(encoder.member(condition_segment) !=
                                   encoder.member_with(condition_segment, *condition->first, condition->second));
            }
            // Facts of columns first seen by this query join the permanent ones (outside the query's scope).
            for (; facts_asserted < encoder.facts().size(); ++facts_asserted)
                solver.add(encoder.facts()[facts_asserted]);
            Scope scope(solver);
            for (const auto& e : asserted) solver.add(e);
            switch (solver.check()) {
                case z3::unsat: result.emptiness = Emptiness::Empty; break;
                case z3::unknown: result.reason = "solver: " + solver.reason_unknown(); break;
                case z3::sat: {
                    if (condition || !witness) {
                        result.emptiness = Emptiness::NonEmpty;
                        break;
                    }
                    z3::model model = solver.get_model();
                    // Prefer ordinary values when the region has a customer with them (one short extra check).
                    solver.push();
                    for (uint32_t column : columns) solver.add(encoder.ordinary(column));
                    solver.set("timeout", std::min(options.timeout_ms, 1000u));
                    if (solver.check() == z3::sat) model = solver.get_model();
                    solver.pop();
                    result.witness = decode(model, encoder, *catalog.schema, columns, compiled.as_of);
                    if (!keeps_facts(*catalog.schema, result.witness)) {
                        result.reason = "the only customer found breaks a schema fact the encoding does not model";
                        result.witness = {};
                        break;
                    }
                    confirm(evaluator, *catalog.schema, result.witness, memberships, compiled.segment_names);
                    result.emptiness = Emptiness::NonEmpty;
                    break;
                }
            }
        } catch (const Unsupported& e) {
            result.reason = std::string("not encoded: ") + e.what();
        } catch (const z3::exception& e) {
            // Resource limits and cancellations surface as exceptions: no answer, so unknown.
            result.reason = std::string("solver: ") + e.msg();
        }
        return result;
    }
};

Prover::Prover(const semantic::Catalog& catalog, scalar::AsOf as_of, Options options)
    : state_(std::make_unique<State>(catalog, as_of, options)) {}

Prover::~Prover() = default;

const engine::CompiledCatalog& Prover::compiled() const { return state_->compiled; }

RegionResult Prover::region(uint32_t a, bool in_a, uint32_t b, bool in_b) {
    return state_->query({{a, in_a}, {b, in_b}});
}

RegionResult Prover::satisfiable(uint32_t segment) { return state_->query({{segment, true}}); }

RegionResult Prover::region(const std::vector<std::pair<uint32_t, bool>>& memberships, bool witness) {
    return state_->query(memberships, std::nullopt, 0, witness);
}

RegionResult Prover::replacement_changes(uint32_t segment, const ir::Node& condition, bool value) {
    return state_->query({}, std::make_pair(&condition, value), segment);
}

const std::set<uint32_t>& Prover::columns_read(uint32_t segment) { return state_->encoder.columns_of(segment); }

std::vector<bool> Prover::memberships(const Witness& witness) {
    set_row(state_->evaluator, *state_->catalog.schema, witness);
    const auto& bits = state_->evaluator.evaluate();
    std::vector<bool> out;
    for (const auto& segment : bits) out.push_back(segment.get(0));
    return out;
}

RelationResult Prover::relation(uint32_t a, uint32_t b) {
    RelationResult out;
    out.a_only = region(a, true, b, false);
    out.b_only = region(a, false, b, true);
    out.both = region(a, true, b, true);
    out.relation = classify(out.a_only.emptiness, out.b_only.emptiness, out.both.emptiness);
    return out;
}

}  // namespace segmint::prove
