#pragma once
// A Z3 model → a witness customer, and the replay of that customer through the VM (internal to the stage).
#include <set>
#include <utility>
#include <vector>

#include "engine/single_row.h"
#include "prove/encode.h"
#include "prove/prover.h"

namespace segmint::prove {

// The columns `columns` as the model sets them (NULL where its flag is set).
Witness decode(const z3::model& model, const Encoder& encoder, const schema::Schema& schema,
               const std::set<uint32_t>& columns, scalar::AsOf as_of);

// Does the witness keep the schema's facts (not_null, min, max), as loaded data must? One it does not keep is no
// customer that can exist: a fact the encoding does not model let the solver pick it.
bool keeps_facts(const schema::Schema& schema, const Witness& witness);

// The schema checks the witness breaks (every column it leaves out NULL), by index; `checks` evaluates
// engine::SchemaChecks::compiled, whose members break a check.
std::vector<size_t> broken_checks(engine::SingleRowEvaluator& checks, const schema::Schema& schema,
                                  const Witness& witness);

// Sets the evaluator's row to `witness` (every other column NULL).
void set_row(engine::SingleRowEvaluator& evaluator, const schema::Schema& schema, const Witness& witness);

// Evaluates `witness` with `evaluator` (every other column NULL) and checks each (segment, member) pair; a mismatch
// means the encoding and the interpreter disagree: std::logic_error, naming the witness.
void confirm(engine::SingleRowEvaluator& evaluator, const schema::Schema& schema, const Witness& witness,
             const std::vector<std::pair<uint32_t, bool>>& memberships, const std::vector<std::string>& names);

// `witness` with each number that has a long fraction (500.00000000000006, as solvers pick them) replaced by the
// first nearby shorter one (500, 501, 500.1, ...) that keeps the schema's facts and every (segment, member) pair
// under `evaluator`: a customer of the same region that is easier to read and reuse.
Witness tidy_numbers(engine::SingleRowEvaluator& evaluator, const schema::Schema& schema, Witness witness,
                     const std::vector<std::pair<uint32_t, bool>>& memberships);

}  // namespace segmint::prove
