#pragma once
// Static questions about a catalog's segments, answered for every possible customer (NULLs included) at one as-of
// date by encoding the rules into Z3 (docs/prove.md): is a region of two segments empty, what is their relation, can
// a segment have any member. An answer is `empty` (proved), `non-empty` with a witness customer that the VM has
// confirmed, or `unknown` (a timeout, or a construct the encoding does not model); never a guess.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "ir/ir.h"
#include "scalar/scalar.h"
#include "semantic/catalog.h"

namespace segmint::prove {

// One column of a witness customer; enum values are their text. Columns the rules do not read are NULL and absent.
struct WitnessValue {
    uint32_t column = 0;  // schema index
    std::string name;
    ir::Value value;  // ir::Null for NULL
};

struct Witness {
    std::vector<WitnessValue> columns;  // by schema index
    std::optional<scalar::AsOf> as_of;  // proving for every as-of date: the instant the customer is a witness at
    std::string text() const;           // "age=31, tier=\"gold\", email_opt_in=NULL"
};

enum class Emptiness { Empty, NonEmpty, Unknown };
const char* emptiness_name(Emptiness emptiness);

struct RegionResult {
    Emptiness emptiness = Emptiness::Unknown;
    Witness witness;     // when NonEmpty
    std::string reason;  // when Unknown: the construct not modelled, or the solver's reason (e.g. "timeout")
};

enum class Relation { Equal, AInsideB, BInsideA, Disjoint, Overlapping, Unknown };
const char* relation_name(Relation relation);

struct RelationResult {
    RegionResult a_only;  // A and not B
    RegionResult b_only;  // B and not A
    RegionResult both;    // A and B
    Relation relation = Relation::Unknown;
};

// The relation that the three regions imply, the first that holds of: equal (no A only, no B only), A inside B,
// B inside A, disjoint (no both), overlapping; Unknown when an unknown region would decide.
Relation classify(Emptiness a_only, Emptiness b_only, Emptiness both);

struct Options {
    unsigned timeout_ms = 10000;  // per solver query
    // Every question for every as-of instant at once (`today` and `now` become variables): `empty` then holds at
    // every date, and a witness carries the instant it is a witness at.
    bool every_date = false;
};

// Where the prover's time went, summed over its queries (the benchmark prints the split).
struct Stats {
    size_t queries = 0;           // solver checks that decide a region
    double decide_seconds = 0;    // those checks
    size_t witnesses = 0;         // witnesses made from a model
    double ordinary_seconds = 0;  // the second check, for ordinary values
    double model_seconds = 0;     // reading the model into a customer
    double replay_seconds = 0;    // replaying witnesses on the VM (and their memberships for reuse)
    size_t reused = 0;            // regions of relation() shown non-empty by an earlier witness, without the solver
};

class Prover {
public:
    // Compiles the catalog itself (no table statistics, so its VM programs run on one customer). `catalog` must
    // outlive the prover.
    Prover(const semantic::Catalog& catalog, scalar::AsOf as_of, Options options = {});
    ~Prover();
    Prover(const Prover&) = delete;
    Prover& operator=(const Prover&) = delete;

    // Segments by catalog index (semantic::Catalog::segment_index). A region that a witness of an earlier query
    // of this prover already lies in (by its VM membership) takes that witness, cut to the columns of A and B and
    // replayed again, without a solver query.
    RelationResult relation(uint32_t a, uint32_t b);
    // Can any customer be a member of `segment`? Empty means the segment is impossible.
    RegionResult satisfiable(uint32_t segment);
    // Is there a customer whose membership of `a` is `in_a` and of `b` is `in_b`?
    RegionResult region(uint32_t a, bool in_a, uint32_t b, bool in_b);
    // Is there a customer with every (segment, member) pair as given (a partition's "in none of them")? Without
    // `witness`, a non-empty answer comes without a customer (cheaper: no model, no replay).
    RegionResult region(const std::vector<std::pair<uint32_t, bool>>& memberships, bool witness = true);
    // Would replacing each of `conditions` (nodes of the rule of `segment`, from compiled().written_rules) by its
    // constant, all at once, change the segment's membership of any customer? Empty: of none, so together they never
    // decide. No witness is made for a non-empty answer.
    RegionResult replacement_changes(uint32_t segment, const std::vector<std::pair<const ir::Node*, bool>>& conditions);
    // The columns the rule of `segment` reads, its references' included (throws Unsupported for a rule the encoding
    // does not model).
    const std::set<uint32_t>& columns_read(uint32_t segment);
    // The witness's membership of every catalog segment, computed by the VM.
    std::vector<bool> memberships(const Witness& witness);

    const engine::CompiledCatalog& compiled() const;
    // The time limit of each query from now on (Options::timeout_ms at first).
    unsigned timeout_ms() const;
    void set_timeout_ms(unsigned timeout_ms);
    const Stats& stats() const;
    // False when the schema's facts (not_null, min, max, checks) together admit no customer: every region is empty.
    bool facts_admit_a_customer() const;

private:
    struct State;
    struct StateDeleter {  // leaves the state to the exiting process after Z3 ran out of memory
        void operator()(State* state) const;
    };
    std::unique_ptr<State, StateDeleter> state_;
};

// Whether `e` is Z3 saying it could not get memory: a command says it ran out of memory then, as for std::bad_alloc
// (cli::run), not that it met an internal error.
bool is_solver_out_of_memory(const std::exception& e);

}  // namespace segmint::prove
