#pragma once
// The vectorized interpreter: runs programs over batches of rows. The opcode switch runs once per instruction per
// batch; inside, each kernel is a tight loop over the current selection, never a call or a switch per row.
#include <memory>
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "scalar/scalar.h"
#include "vm/batch.h"
#include "vm/instruction_set.h"
#include "vm/program.h"

namespace segmint::vm {

class Interpreter;  // interpreter.h

// The values of the programs' event aggregates, computed for one chunk of rows at a time (engine/aggregates.h): the
// worker that evaluates a chunk fills them just before, into columns it reuses, so they are read while in cache and
// no column of every row is ever written.
class AggregateSource {
public:
    virtual ~AggregateSource() = default;
    // The values of rows [from, to) into `into`, one column per aggregate, its row 0 being row `from`.
    virtual void fill(uint64_t from, uint64_t to, std::vector<data::Column>& into) const = 0;
};

class Machine {
public:
    // `aggregates`: the values of the programs' event aggregates, read as columns past the table's own (may be null
    // when no program reads one); it must outlive the machine.
    Machine(const data::Table& table, scalar::AsOf as_of, const std::vector<data::Column>* aggregates = nullptr);
    ~Machine();
    // From now on the aggregates are `aggregates`, whose row 0 is the table's row `first_row` (one chunk's values).
    void set_aggregates(const std::vector<data::Column>* aggregates, uint64_t first_row);
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // From now on bit 0 of the bitmaps in `memberships` (run) is the table's row `first_row` (0 until called): a
    // caller that keeps only one batch's bits of a segment passes bitmaps of that batch.
    void set_memberships_origin(uint64_t first_row);

    // Call before the programs of each batch. Kernels keep what they build from a batch's rows (the list bits of
    // `contains`) for the batch's later programs and build it again after this call, also for the same rows rewritten
    // (the one-customer evaluator's).
    void start_batch();

    // Runs `program` over rows [base, base + count), count <= kBatchSize, setting its segment's bits in
    // `memberships` for the rows where the rule is TRUE.
    // `lookups` holds the program's bound lookup tables (needed when it has LookupCode instructions). With a `tally`,
    // the number of those rows is added to it instead, and the segment's bitmap is not touched.
    void run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
             const LookupTables* lookups = nullptr, uint64_t* tally = nullptr);

    // The copy of the interpreter this machine runs (vm::instruction_set() when it was made).
    InstructionSet instruction_set() const;

private:
    // The registers, selections and loop, in the copy for that instruction set (interpreter.h).
    std::unique_ptr<Interpreter> interpreter_;
};

// Evaluates `programs` (in dependency order) over the whole table on `threads` threads (0 = all cores); returns one
// bitmap per segment index below `segment_count`. Results do not depend on the thread count.
// `lookups[p]` are program p's bound lookup tables (may be null when no program has lookups). The `shared` programs
// (shared conditions, each ending in StoreShared) run first in every batch, in order (one may read those before it),
// with `shared_lookups`.
std::vector<data::Bitmap> evaluate(const std::vector<Program>& programs, const data::Table& table, size_t segment_count,
                                   scalar::AsOf as_of, unsigned threads = 1,
                                   const std::vector<LookupTables>* lookups = nullptr,
                                   const std::vector<Program>* shared = nullptr,
                                   const std::vector<LookupTables>* shared_lookups = nullptr,
                                   const AggregateSource* aggregates = nullptr);

// What `evaluate` gives, counted: each segment's number of members, counted batch by batch. No segment gets a bitmap
// of the table: the segments a program reads (LoadSegment, in `programs` or `shared`) keep the bits of the current
// batch only, for the programs after them. `segmint eval` prints counts, and the bitmaps of a 200-segment catalog
// over 10M rows are 250 MB of fresh memory to fault in and clear before a bit of them is set.
std::vector<uint64_t> count_members(const std::vector<Program>& programs, const data::Table& table,
                                    size_t segment_count, scalar::AsOf as_of, unsigned threads = 1,
                                    const std::vector<LookupTables>* lookups = nullptr,
                                    const std::vector<Program>* shared = nullptr,
                                    const std::vector<LookupTables>* shared_lookups = nullptr,
                                    const AggregateSource* aggregates = nullptr);

}  // namespace segmint::vm
