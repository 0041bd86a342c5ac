#include "prove/prover.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>

#include "engine/schema_checks.h"
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

namespace {

// Adds the seconds from construction to destruction to `total`.
struct Timer {
    double& total;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    explicit Timer(double& t) : total(t) {}
    ~Timer() { total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); }
};

}  // namespace

// Every witness made so far with its VM membership of each segment, one bit set per segment, so that a region a
// witness already lies in is found with a few word operations.
struct WitnessPool {
    std::vector<Witness> witnesses;
    std::vector<std::vector<uint64_t>> in_segment;  // [segment][witness / 64]

    void add(Witness witness, const std::vector<data::Bitmap>& members) {
        const size_t index = witnesses.size();
        witnesses.push_back(std::move(witness));
        in_segment.resize(members.size());
        for (size_t s = 0; s < members.size(); ++s) {
            in_segment[s].resize(index / 64 + 1, 0);
            if (members[s].get(0)) in_segment[s][index / 64] |= uint64_t{1} << (index % 64);
        }
    }
    // A witness with membership `in_a` of `a` and `in_b` of `b`, if any.
    const Witness* find(uint32_t a, bool in_a, uint32_t b, bool in_b) const {
        if (witnesses.empty()) return nullptr;
        const auto& bits_a = in_segment.at(a);
        const auto& bits_b = in_segment.at(b);
        for (size_t w = 0; w < bits_a.size(); ++w) {
            uint64_t word = (in_a ? bits_a[w] : ~bits_a[w]) & (in_b ? bits_b[w] : ~bits_b[w]);
            if (w + 1 == bits_a.size() && witnesses.size() % 64) word &= (uint64_t{1} << (witnesses.size() % 64)) - 1;
            if (word) return &witnesses[w * 64 + static_cast<size_t>(__builtin_ctzll(word))];
        }
        return nullptr;
    }
};

namespace {

// The rule of each schema check (`not (CHECK)`: a member breaks it) as segment catalog.segments.size() + k, for the
// encoder beside the catalog's own.
std::vector<ir::Rule> check_rules(const semantic::Catalog& catalog, const engine::SchemaChecks* checks) {
    std::vector<ir::Rule> out;
    if (!checks) return out;
    for (const auto& rule : checks->compiled.written_rules) {
        const auto segment = static_cast<uint32_t>(catalog.segments.size() + rule.segment);
        out.push_back(ir::Rule{segment, rule.name, rule.root->clone(), {}});
    }
    return out;
}

// Z3's context, made so that memory Z3 cannot get is std::bad_alloc (the command says it ran out of memory):
// Z3_mk_context_rc returns null then, and z3::context would go on to call into the null context and crash. It is
// deleted after everything made in it, which is declared after it, except after Z3 ran out of memory: Z3's objects
// are then not safe to use or delete (under a memory limit a pop, or deleting the context, crashed), so they are left
// for the exiting process to reclaim.
class Z3Context {
public:
    Z3Context() : owned_(), scoped_(owned_.context) { Z3_set_error_handler(owned_.context, &record_error); }
    z3::context& get() { return scoped_(); }
    static bool ran_out_of_memory() { return out_of_memory_; }
    // For std::bad_alloc, which Z3's own containers throw past its error handler.
    static void note_out_of_memory() { out_of_memory_ = true; }

private:
    // Called by Z3 on each error before z3++ throws for it.
    static void record_error(Z3_context, Z3_error_code code) {
        if (code == Z3_MEMOUT_FAIL) out_of_memory_ = true;
    }
    static inline std::atomic<bool> out_of_memory_{false};  // Z3's memory is the process's: one flag for all
    struct Owned {
        Z3_context context;
        Owned() {
            z3::config config;
            context = Z3_mk_context_rc(config);
            if (context == nullptr) throw std::bad_alloc();
        }
        ~Owned() {
            if (!ran_out_of_memory()) Z3_del_context(context);
        }
        Owned(const Owned&) = delete;
        Owned& operator=(const Owned&) = delete;
    };
    Owned owned_;
    z3::scoped_context scoped_;  // a z3::context over owned_ that does not delete it
};

// Runs `make` (which makes Z3 objects), noting a std::bad_alloc before the objects made so far are released.
template <typename Make>
auto noting_out_of_memory(Make&& make) {
    try {
        return make();
    } catch (const std::bad_alloc&) {
        Z3Context::note_out_of_memory();
        throw;
    }
}

// z3::solver's constructor and solver.set() take a reference to what Z3_mk_solver and Z3_mk_params return without
// checking it, which is null when Z3 ran out of memory (a crash): these check first. Z3 clears its error code at each
// call, so each call is checked.
z3::solver make_solver(z3::context& context) {
    return noting_out_of_memory([&] {
        Z3_solver solver = Z3_mk_solver(context);
        context.check_error();
        return z3::solver(context, solver);
    });
}

void set_timeout(z3::context& context, z3::solver& solver, unsigned timeout_ms) {
    Z3_params params = Z3_mk_params(context);
    context.check_error();
    Z3_params_inc_ref(context, params);
    try {
        const Z3_symbol timeout = Z3_mk_string_symbol(context, "timeout");
        context.check_error();
        Z3_params_set_uint(context, params, timeout, timeout_ms);
        context.check_error();
        Z3_solver_set_params(context, solver, params);
        context.check_error();
    } catch (const z3::exception&) {
        if (!Z3Context::ran_out_of_memory()) Z3_params_dec_ref(context, params);
        throw;
    }
    Z3_params_dec_ref(context, params);
}

// In a query, which answers unknown for Z3's other errors: out of memory ends the command (is_solver_out_of_memory).
void throw_if_out_of_memory(const z3::exception& e) {
    if (is_solver_out_of_memory(e)) throw std::bad_alloc();
}

}  // namespace

struct Prover::State {
    const semantic::Catalog& catalog;
    Options options;
    engine::CompiledCatalog compiled;
    std::shared_ptr<const engine::SchemaChecks> checks;  // the schema's `checks:`, facts of every query
    std::vector<ir::Rule> fact_rules;
    Z3Context z3_context;
    z3::context& context = z3_context.get();
    Encoder encoder;
    engine::SingleRowEvaluator evaluator;
    std::unique_ptr<engine::SingleRowEvaluator> check_evaluator;  // a witness must keep every check
    std::vector<std::optional<z3::expr>> check_facts;             // by check; none when it is not encoded
    std::vector<bool> check_always;      // by check: broken by a customer with every column NULL, so always asserted
    std::vector<bool> check_asserted;    // by check: asserted in the current query
    bool facts_admit_a_customer = true;  // false when the schema's facts together admit no customer at all
    z3::solver solver = make_solver(context);
    size_t facts_asserted = 0;
    Stats stats;
    WitnessPool pool;

    State(const semantic::Catalog& c, scalar::AsOf as_of, Options o)
        : catalog(c),
          options(o),
          compiled(engine::compile(c, as_of)),
          checks(engine::compile_schema_checks(*c.schema)),
          fact_rules(check_rules(c, checks.get())),
          encoder(noting_out_of_memory(
              [&] { return Encoder(context, *c.schema, compiled.written_rules, as_of, o.every_date, fact_rules); })),
          evaluator(compiled, *c.schema, engine::Evaluator::Vm) {
        if (checks && !checks->catalog.segments.empty()) {
            check_evaluator = std::make_unique<engine::SingleRowEvaluator>(checks->compiled, *c.schema);
        }
    }

    // Each check the encoder models is a fact: its condition is not FALSE (TRUE or NULL). One it cannot encode is
    // left out, which can only cost a proof. A query asserts the checks that share columns with it, directly or
    // through other checks (select_checks); the others cannot change its answer, except those that a customer with
    // every column NULL breaks (`c is not null`), asserted in every query.
    void assert_checks() {
        if (!checks) return;
        const size_t count = checks->catalog.segments.size();
        check_facts.assign(count, std::nullopt);
        check_asserted.assign(count, false);
        check_always.assign(count, false);
        for (size_t k = 0; k < count; ++k) {
            try {
                check_facts[k] = !encoder.member(static_cast<uint32_t>(catalog.segments.size() + k));
            } catch (const Unsupported&) {
            }
        }
        if (!check_evaluator) return;
        for (size_t k : broken_checks(*check_evaluator, *catalog.schema, Witness{})) {
            if (!check_facts[k]) continue;
            solver.add(*check_facts[k]);
            check_always[k] = true;
        }
        // Leaving out the checks that share no column with a query is sound only when all the facts together admit
        // a customer (`a > 0` and `a < 0` with a not-NULL `a` admit none). When they do not, every check is
        // asserted in every query, so every region is empty, as it is.
        solver.push();
        for (const auto& fact : check_facts) {
            if (fact) solver.add(*fact);
        }
        for (const auto& fact : encoder.facts()) solver.add(fact);
        set_timeout(context, solver, options.timeout_ms);
        z3::check_result admitted = z3::unknown;
        try {
            admitted = solver.check();
        } catch (const z3::exception& e) {  // undecided: the queries select their checks as usual
            throw_if_out_of_memory(e);
        }
        solver.pop();
        if (admitted != z3::unsat) return;
        facts_admit_a_customer = false;
        for (size_t k = 0; k < count; ++k) check_always[k] = check_facts[k].has_value();
    }

    // The facts of the checks a query reading `read` asserts (check_asserted says which).
    std::vector<z3::expr> select_checks(std::set<uint32_t> read) {
        std::vector<z3::expr> out;
        check_asserted = check_always;
        // The checks asserted always link others through their columns too (`d is not null` and `d > 5 or e > 0`).
        for (size_t k = 0; k < check_always.size(); ++k) {
            if (check_always[k]) read.insert(checks->columns[k].begin(), checks->columns[k].end());
        }
        if (!facts_admit_a_customer) {
            for (size_t k = 0; k < check_always.size(); ++k) {
                if (check_always[k]) out.push_back(*check_facts[k]);
            }
            return out;
        }
        for (bool grew = true; grew;) {
            grew = false;
            for (size_t k = 0; k < check_asserted.size(); ++k) {
                const auto& used = checks->columns[k];
                if (check_asserted[k] || !check_facts[k] ||
                    std::none_of(used.begin(), used.end(), [&](uint32_t c) { return read.count(c) > 0; })) {
                    continue;
                }
                check_asserted[k] = grew = true;
                read.insert(used.begin(), used.end());
                out.push_back(*check_facts[k]);
            }
        }
        return out;
    }

    // Does the witness keep the schema's facts, the checks included (evaluated on the VM)?
    bool keeps_schema_facts(const Witness& witness) {
        if (!keeps_facts(*catalog.schema, witness)) return false;
        return !check_evaluator || broken_checks(*check_evaluator, *catalog.schema, witness).empty();
    }

    // Cut to the columns its rules read, a witness can break a check that reads others (`c is not null or b > 0`
    // with c left out): the columns of each asserted check it breaks join it, with the model's values, which keep
    // every asserted check.
    void add_check_columns(const z3::model& model, std::set<uint32_t>& columns, Witness& witness) {
        while (check_evaluator) {
            const size_t before = columns.size();
            for (size_t k : broken_checks(*check_evaluator, *catalog.schema, witness)) {
                if (check_asserted[k]) columns.insert(checks->columns[k].begin(), checks->columns[k].end());
            }
            if (columns.size() == before) return;
            witness = decode(model, encoder, *catalog.schema, columns, compiled.as_of);
        }
    }

    // The catalog compiled at the witness's own instant (proving for every date), else at the prover's.
    struct Replay {
        engine::CompiledCatalog compiled;
        engine::SingleRowEvaluator evaluator;
        Replay(const semantic::Catalog& c, scalar::AsOf as_of)
            : compiled(engine::compile(c, as_of)), evaluator(compiled, *c.schema, engine::Evaluator::Vm) {}
    };
    std::map<std::pair<int32_t, int64_t>, std::unique_ptr<Replay>> replays;
    engine::SingleRowEvaluator& evaluator_for(const Witness& witness) {
        if (!witness.as_of) return evaluator;
        auto& replay = replays[{witness.as_of->today, witness.as_of->now}];
        if (!replay) replay = std::make_unique<Replay>(catalog, *witness.as_of);
        return replay->evaluator;
    }

    // Is there a customer with each (segment, member) pair as given, and, when `condition` is set, whose membership
    // of `condition_segment` changes when each of those nodes is replaced by its constant? (No witness for the latter.)
    RegionResult query(const std::vector<std::pair<uint32_t, bool>>& memberships,
                       const std::vector<std::pair<const ir::Node*, bool>>* condition = nullptr,
                       uint32_t condition_segment = 0, bool witness = true) {
        RegionResult result;
        // One solver for every query: the facts stay asserted, each query's own constraints are pushed and popped,
        // so the solver keeps what it learnt about the facts (a new solver per query was most of the cost). A query
        // that threw left its scopes pushed: the next one pops them first. Never on the way out of a throw: after Z3
        // ran out of memory a pop crashed (Z3Context).
        if (Z3Context::ran_out_of_memory()) throw std::bad_alloc();  // never a Z3 call after that
        try {
            const unsigned left = Z3_solver_get_num_scopes(context, solver);
            context.check_error();
            if (left > 0) solver.pop(left);
            set_timeout(context, solver, options.timeout_ms);
            std::set<uint32_t> columns;
            std::vector<z3::expr> asserted;
            // A rule that abstracts (an untranslated regex, lower/upper against a column) is exact only for `empty`.
            const std::string* abstraction = nullptr;
            for (const auto& [segment, member] : memberships) {
                z3::expr in = encoder.member(segment);
                if (!abstraction) abstraction = encoder.abstraction(segment);
                asserted.push_back(member ? in : !in);
                const auto& used = encoder.columns_of(segment);
                columns.insert(used.begin(), used.end());
            }
            if (condition) {
                if (!abstraction) abstraction = encoder.abstraction(condition_segment);
                asserted.push_back(encoder.member(condition_segment) !=
                                   encoder.member_with(condition_segment, *condition));
            }
            std::set<uint32_t> read = columns;
            if (condition) read = encoder.columns_of(condition_segment);
            const std::vector<z3::expr> check_facts_here = select_checks(read);
            // Facts of columns first seen by this query join the permanent ones (outside the query's scope).
            for (; facts_asserted < encoder.facts().size(); ++facts_asserted)
                solver.add(encoder.facts()[facts_asserted]);
            solver.push();
            for (const auto& e : asserted) solver.add(e);
            for (const auto& e : check_facts_here) solver.add(e);
            z3::check_result decided;
            {
                Timer timer(stats.decide_seconds);
                ++stats.queries;
                decided = solver.check();
            }
            switch (decided) {
                case z3::unsat: result.emptiness = Emptiness::Empty; break;
                case z3::unknown: result.reason = "solver: " + solver.reason_unknown(); break;
                case z3::sat: {
                    if (abstraction && condition) {  // no witness to replay
                        result.reason = "abstracted: " + *abstraction;
                        break;
                    }
                    if (condition || (!witness && !abstraction)) {
                        result.emptiness = Emptiness::NonEmpty;
                        break;
                    }
                    ++stats.witnesses;
                    std::optional<z3::model> model;
                    {
                        // Prefer ordinary values when the region has a customer with them (a short extra check or
                        // two: the most ordinary as-of first).
                        Timer timer(stats.ordinary_seconds);
                        model = solver.get_model();
                        z3::expr_vector ordinary(context);
                        for (uint32_t column : columns) ordinary.push_back(encoder.ordinary(column));
                        // A first customer that is ordinary already is kept: no second query, whose 1 s budget
                        // could run out on a busy machine and make the witness depend on the load.
                        const z3::expr first_as_of = encoder.ordinary_as_of().front();
                        if (!model->eval(z3::mk_and(ordinary) && first_as_of, true).is_true()) {
                            solver.push();
                            solver.add(ordinary);
                            set_timeout(context, solver, std::min(options.timeout_ms, 1000u));
                            for (const z3::expr& when : encoder.ordinary_as_of()) {
                                solver.push();
                                solver.add(when);
                                const bool found = solver.check() == z3::sat;
                                if (found) model = solver.get_model();
                                solver.pop();
                                if (found) break;
                            }
                            solver.pop();
                        }
                    }
                    {
                        Timer timer(stats.model_seconds);
                        result.witness = decode(*model, encoder, *catalog.schema, columns, compiled.as_of);
                        add_check_columns(*model, columns, result.witness);
                    }
                    if (!keeps_schema_facts(result.witness)) {
                        result.reason = "the only customer found breaks a schema fact the encoding does not model";
                        result.witness = {};
                        break;
                    }
                    try {
                        replay(result.witness, memberships);
                        Witness tidy =
                            tidy_numbers(evaluator_for(result.witness), *catalog.schema, result.witness, memberships);
                        if (tidy.text() != result.witness.text()) replay(result.witness = std::move(tidy), memberships);
                    } catch (const std::logic_error&) {
                        if (!abstraction) throw;  // an exact encoding that disagrees with the VM is a bug
                        result.reason = "abstracted: " + *abstraction + "; the solver's customer does not replay";
                        result.witness = {};
                        break;
                    }
                    result.emptiness = Emptiness::NonEmpty;
                    break;
                }
            }
            if (Z3Context::ran_out_of_memory()) throw std::bad_alloc();  // an error no call checked
            solver.pop();
        } catch (const Unsupported& e) {
            result.reason = std::string("not encoded: ") + e.what();
        } catch (const z3::exception& e) {
            // Resource limits and cancellations surface as exceptions: no answer, so unknown.
            throw_if_out_of_memory(e);
            result.reason = std::string("solver: ") + e.msg();
        } catch (const std::bad_alloc&) {
            Z3Context::note_out_of_memory();
            throw;
        }
        return result;
    }

    void replay(const Witness& witness, const std::vector<std::pair<uint32_t, bool>>& memberships);
    RegionResult reuse(uint32_t a, bool in_a, uint32_t b, bool in_b);
};

// Replays `witness` on the VM (a mismatch throws std::logic_error), then keeps it with its membership of every
// segment for relation().
void Prover::State::replay(const Witness& witness, const std::vector<std::pair<uint32_t, bool>>& memberships) {
    Timer timer(stats.replay_seconds);
    engine::SingleRowEvaluator& at = evaluator_for(witness);
    confirm(at, *catalog.schema, witness, memberships, compiled.segment_names);
    pool.add(witness, at.evaluate());
}

// A witness of an earlier query in region (a: in_a, b: in_b), cut to the columns A and B read (the others cannot
// change their membership) and replayed: a non-empty answer without the solver. Unknown when there is none.
RegionResult Prover::State::reuse(uint32_t a, bool in_a, uint32_t b, bool in_b) {
    RegionResult result;
    const Witness* found = pool.find(a, in_a, b, in_b);
    if (!found) return result;
    std::set<uint32_t> columns;
    try {
        columns = encoder.columns_of(a);
        const auto& of_b = encoder.columns_of(b);
        columns.insert(of_b.begin(), of_b.end());
    } catch (const Unsupported&) {
        return result;  // the solver's query says why
    }
    result.witness.as_of = found->as_of;  // proving for every date: the instant it is a witness at
    for (uint32_t column : columns) {
        WitnessValue value{column, catalog.schema->columns.at(column).name, ir::Null{}};
        for (const auto& c : found->columns) {
            if (c.column == column) value.value = c.value;
        }
        result.witness.columns.push_back(std::move(value));
    }
    if (!keeps_schema_facts(result.witness)) return RegionResult{};  // cut, it breaks a check: ask the solver
    replay(result.witness, {{a, in_a}, {b, in_b}});
    result.emptiness = Emptiness::NonEmpty;
    ++stats.reused;
    return result;
}

// Z3's exceptions carry no error code, and the context's is gone once a later call succeeds: Z3Context's handler
// saw it.
bool is_solver_out_of_memory(const std::exception& e) {
    return dynamic_cast<const z3::exception*>(&e) != nullptr && Z3Context::ran_out_of_memory();
}

// The checks are asserted once the state is owned: running out of memory there leaves it to the deleter.
Prover::Prover(const semantic::Catalog& catalog, scalar::AsOf as_of, Options options)
    : state_(new State(catalog, as_of, options)) {
    noting_out_of_memory([&] { state_->assert_checks(); });
}

Prover::~Prover() = default;

void Prover::StateDeleter::operator()(State* state) const {
    if (!Z3Context::ran_out_of_memory()) delete state;  // else not safe to delete (Z3Context)
}

const engine::CompiledCatalog& Prover::compiled() const { return state_->compiled; }

unsigned Prover::timeout_ms() const { return state_->options.timeout_ms; }

void Prover::set_timeout_ms(unsigned timeout_ms) { state_->options.timeout_ms = timeout_ms; }

const Stats& Prover::stats() const { return state_->stats; }

bool Prover::facts_admit_a_customer() const { return state_->facts_admit_a_customer; }

RegionResult Prover::region(uint32_t a, bool in_a, uint32_t b, bool in_b) {
    return state_->query({{a, in_a}, {b, in_b}});
}

RegionResult Prover::satisfiable(uint32_t segment) { return state_->query({{segment, true}}); }

RegionResult Prover::region(const std::vector<std::pair<uint32_t, bool>>& memberships, bool witness) {
    return state_->query(memberships, nullptr, 0, witness);
}

RegionResult Prover::replacement_changes(uint32_t segment,
                                         const std::vector<std::pair<const ir::Node*, bool>>& conditions) {
    return state_->query({}, &conditions, segment);
}

const std::set<uint32_t>& Prover::columns_read(uint32_t segment) { return state_->encoder.columns_of(segment); }

std::vector<bool> Prover::memberships(const Witness& witness) {
    engine::SingleRowEvaluator& evaluator = state_->evaluator_for(witness);
    set_row(evaluator, *state_->catalog.schema, witness);
    const auto& bits = evaluator.evaluate();
    std::vector<bool> out;
    for (const auto& segment : bits) out.push_back(segment.get(0));
    return out;
}

RelationResult Prover::relation(uint32_t a, uint32_t b) {
    RelationResult out;
    // Earlier witnesses first: each region one of them lies in needs no solver query.
    out.a_only = state_->reuse(a, true, b, false);
    out.b_only = state_->reuse(a, false, b, true);
    out.both = state_->reuse(a, true, b, true);
    if (out.a_only.emptiness == Emptiness::Unknown) out.a_only = region(a, true, b, false);
    if (out.b_only.emptiness == Emptiness::Unknown) out.b_only = region(a, false, b, true);
    if (out.both.emptiness == Emptiness::Unknown) out.both = region(a, true, b, true);
    out.relation = classify(out.a_only.emptiness, out.b_only.emptiness, out.both.emptiness);
    return out;
}

}  // namespace segmint::prove
