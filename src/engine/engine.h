#pragma once
// The pipeline behind eval, explain and the public API: a checked catalog is lowered to IR, compiled to verified
// bytecode and evaluated over a table, by the VM or by the reference evaluator.
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "data/bitmap.h"
#include "data/table.h"
#include "ir/ir.h"
#include "optimize/optimizer.h"
#include "scalar/scalar.h"
#include "semantic/catalog.h"
#include "vm/program.h"

namespace segmint::engine {

// Reference runs the rules as written (before any optimizer pass), so every differential check of the VM against it
// also checks every rewrite; ReferenceOptimized runs the optimized IR the VM's programs came from, to tell an
// optimizer bug (it agrees with the VM) from a VM bug.
enum class Evaluator { Vm, Reference, ReferenceOptimized };

struct CompiledCatalog {
    scalar::AsOf as_of;
    std::vector<ir::Rule> rules;          // valid segments, in evaluation order, optimized: what the VM runs
    std::vector<ir::Rule> written_rules;  // the same rules as lowered, before any pass: what the reference runs
    std::vector<vm::Program> programs;    // parallel to rules; they read shared conditions where rules share them
    std::vector<ir::NodePtr> shared_conditions;  // optimize::share_conditions: conditions several rules contain
    std::vector<vm::Program> shared_programs;    // parallel to shared_conditions; run first in every batch
    // The conditions of each program's dictionary lookups (parallel to programs / shared_programs, then to each
    // program's `lookups`), bound to a table by bind_lookups.
    std::vector<std::vector<codegen::LookupCondition>> lookup_conditions;
    std::vector<std::vector<codegen::LookupCondition>> shared_lookup_conditions;
    std::vector<std::string> segment_names;  // by catalog segment index
    // The distinct event aggregates the programs read (engine/aggregates.h), each once however many rules use it:
    // aggregate i is read as column schema.columns.size() + i of `program_schema`, which is the catalog's schema with
    // one column per aggregate appended.
    std::vector<std::shared_ptr<const ir::AggregateSpec>> aggregates;
    std::vector<ir::Type> aggregate_types;  // parallel to aggregates
    schema::Schema program_schema;
};

struct CompileOptions {
    optimize::Options optimizer;                  // passes on by default
    const optimize::TableStats* stats = nullptr;  // statistics of the table to run on, when it is loaded
    std::vector<optimize::Finding>* findings = nullptr;
};

// Lowers, optimizes and compiles every valid segment; verifies each program (a failure is a bug: std::logic_error).
CompiledCatalog compile(const semantic::Catalog& catalog, scalar::AsOf as_of, const CompileOptions& options = {});

// One bitmap per catalog segment index (segments that did not compile stay empty).
std::vector<data::Bitmap> evaluate(const CompiledCatalog& compiled, const data::Table& table, Evaluator evaluator,
                                   unsigned threads = 1);
// Each catalog segment's number of members, as evaluate's bitmaps would count (vm::count_members: the VM keeps no
// bitmap of the table, only the current batch's bits of the segments other segments read).
std::vector<uint64_t> count_members(const CompiledCatalog& compiled, const data::Table& table, Evaluator evaluator,
                                    unsigned threads = 1);

// `--as-of` text (YYYY-MM-DD, or an ISO timestamp for `now`); today/now are midnight UTC of that date otherwise.
bool parse_as_of(const std::string& text, scalar::AsOf* out);
// The clock of a run without --as-of: `now` is the current instant (whole seconds, so that printing it and passing
// it back as --as-of repeats the run exactly) and `today` its UTC date.
scalar::AsOf as_of_now();
// The as-of as a run prints it: the date alone when `now` is its midnight, else the timestamp (`2026-12-01T10:15:03Z`);
// either reads back through parse_as_of.
std::string as_of_text(scalar::AsOf as_of);

}  // namespace segmint::engine
