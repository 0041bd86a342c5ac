#include "vm/machine.h"

#include <algorithm>

#include "common/parallel.h"
#include "vm/kernels_arithmetic.h"
#include "vm/kernels_compare.h"
#include "vm/kernels_functions.h"
#include "vm/kernels_loads.h"
#include "vm/kernels_logic.h"
#include "vm/kernels_text.h"

namespace segmint::vm {

Machine::Machine(const data::Table& table, scalar::AsOf as_of, const std::vector<data::Column>* aggregates)
    : state_(std::make_unique<State>(table, as_of, aggregates)) {}
Machine::~Machine() = default;

void Machine::set_aggregates(const std::vector<data::Column>* aggregates, uint64_t first_row) {
    state_->aggregates = aggregates;
    state_->aggregates_from = first_row;
}

void Machine::run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
                  const LookupTables* lookups) {
    State& st = *state_;
    st.prepare(program);
    st.begin_batch(base, count);
    ExecContext cx{st, program, memberships, lookups};

    // One case per line of opcodes.def, each calling the opcode's kernel (kernels_*.h, inline): a new opcode without
    // a kernel does not compile, and the switch stays one jump per instruction per batch.
    for (const Instruction& in : program.code) {
        switch (in.op) {
#define OPCODE(name, dst, a, b, imm, semantics) \
    case Opcode::name:                          \
        exec_##name(cx, in);                    \
        break;
#include "vm/opcodes.def"
#undef OPCODE
        }
    }
}

std::vector<data::Bitmap> evaluate(const std::vector<Program>& programs, const data::Table& table, size_t segment_count,
                                   scalar::AsOf as_of, unsigned threads, const std::vector<LookupTables>* lookups,
                                   const std::vector<Program>* shared, const std::vector<LookupTables>* shared_lookups,
                                   const AggregateSource* aggregates) {
    const uint64_t rows = table.rows();
    // Not zeroed here: the thread that evaluates a chunk zeroes that chunk's words, so the page faults of first touch
    // (hundreds of bitmaps; huge pages when they are big, data::WordBlock) are spread over the threads instead of
    // taken serially up front.
    std::vector<data::Bitmap> memberships = data::Bitmap::uninitialized_many(segment_count, rows);

    // Threads take chunks of kChunkRows as they finish the last one (parallel_for).
    const uint64_t chunk = kChunkRows;
    const uint64_t chunks = (rows + chunk - 1) / chunk;
    threads = threads_or_cores(threads);
    // One per worker, made by the worker that uses it (parallel_for starts no more workers than chunks).
    std::vector<std::unique_ptr<Machine>> machines(threads);
    std::vector<std::vector<data::Column>> chunk_aggregates(threads);  // each worker's, reused chunk after chunk
    parallel_for(chunks, threads, [&](uint64_t c, unsigned worker) {
        if (!machines[worker]) machines[worker] = std::make_unique<Machine>(table, as_of);
        Machine& machine = *machines[worker];
        const uint64_t from = c * chunk, to = std::min(rows, from + chunk);
        if (aggregates) {
            aggregates->fill(from, to, chunk_aggregates[worker]);
            machine.set_aggregates(&chunk_aggregates[worker], from);
        }
        const uint64_t first_word = data::word_index(from), end_word = data::words_for_bits(to);
        for (auto& bits : memberships) std::fill(bits.mutable_words() + first_word, bits.mutable_words() + end_word, 0);
        for (uint64_t base = from; base < to; base += kBatchSize) {
            const auto count = static_cast<uint32_t>(std::min<uint64_t>(kBatchSize, to - base));
            for (size_t p = 0; shared && p < shared->size(); ++p) {
                machine.run((*shared)[p], base, count, memberships, shared_lookups ? &(*shared_lookups)[p] : nullptr);
            }
            for (size_t p = 0; p < programs.size(); ++p) {
                machine.run(programs[p], base, count, memberships, lookups ? &(*lookups)[p] : nullptr);
            }
        }
    });
    return memberships;
}

}  // namespace segmint::vm
