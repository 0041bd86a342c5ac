#include "vm/machine.h"

#include <algorithm>

#include "common/parallel.h"
#include "vm/instruction_set.h"
#include "vm/interpreter.h"

namespace segmint::vm {

Machine::Machine(const data::Table& table, scalar::AsOf as_of, const std::vector<data::Column>* aggregates) {
#if SEGMINT_HAS_X86_64_V3
    if (vm::instruction_set() == InstructionSet::X86_64_V3) {
        interpreter_ = make_x86_64_v3_interpreter(table, as_of, aggregates);
        return;
    }
#endif
    interpreter_ = make_baseline_interpreter(table, as_of, aggregates);
}
Machine::~Machine() = default;

InstructionSet Machine::instruction_set() const { return interpreter_->instruction_set(); }

void Machine::set_aggregates(const std::vector<data::Column>* aggregates, uint64_t first_row) {
    interpreter_->set_aggregates(aggregates, first_row);
}

void Machine::set_memberships_origin(uint64_t first_row) { interpreter_->set_memberships_origin(first_row); }

void Machine::start_batch() { interpreter_->start_batch(); }

void Machine::run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
                  const LookupTables* lookups, uint64_t* tally) {
    interpreter_->run(program, base, count, memberships, lookups, tally);
}

namespace {

// The programs and what they read, as evaluate and count_members take them.
struct Programs {
    const std::vector<Program>& programs;
    const std::vector<LookupTables>* lookups;
    const std::vector<Program>* shared;
    const std::vector<LookupTables>* shared_lookups;
    const AggregateSource* aggregates;
};

// Runs every program over the table. Without `counts`, returns every segment's bitmap. With `counts`, returns no
// bitmaps and sets (*counts)[s] to segment s's number of members: each worker keeps one batch's bits of the segments
// `is_read` marks (those a program reads; programs run in dependency order batch by batch, so a batch's bits are all a
// reader needs) and counts the rest as they are found. Counting allocates no memory per row: a fresh process pays for
// every page of it (docs/performance.md).
std::vector<data::Bitmap> run_programs(const Programs& in, const data::Table& table, size_t segment_count,
                                       scalar::AsOf as_of, unsigned threads, std::vector<uint64_t>* counts = nullptr,
                                       const std::vector<char>* is_read = nullptr) {
    const uint64_t rows = table.rows();
    const bool counting = counts != nullptr;
    std::vector<size_t> read;
    for (size_t s = 0; counting && s < segment_count; ++s) {
        if ((*is_read)[s]) read.push_back(s);
    }
    // Not zeroed here: the thread that evaluates a chunk zeroes that chunk's words, so the page faults of first touch
    // (hundreds of bitmaps; huge pages when they are big, data::WordBlock) are spread over the threads instead of
    // taken serially up front.
    std::vector<data::Bitmap> memberships =
        counting ? std::vector<data::Bitmap>(segment_count) : data::Bitmap::uninitialized_many(segment_count, rows);

    // Threads take chunks of kChunkRows as they finish the last one (parallel_for).
    const uint64_t chunk = kChunkRows;
    const uint64_t chunks = (rows + chunk - 1) / chunk;
    threads = threads_or_cores(threads);
    // One per worker, made by the worker that uses it (parallel_for starts no more workers than chunks).
    std::vector<std::unique_ptr<Machine>> machines(threads);
    std::vector<std::vector<data::Column>> chunk_aggregates(threads);  // each worker's, reused chunk after chunk
    std::vector<std::vector<data::Bitmap>> batch_bits(threads);        // counting: each worker's current batch
    std::vector<std::vector<uint64_t>> tallies(threads, std::vector<uint64_t>(counting ? segment_count : 0));
    parallel_for(chunks, threads, [&](uint64_t c, unsigned worker) {
        if (!machines[worker]) machines[worker] = std::make_unique<Machine>(table, as_of);
        Machine& machine = *machines[worker];
        const uint64_t from = c * chunk, to = std::min(rows, from + chunk);
        if (in.aggregates) {
            in.aggregates->fill(from, to, chunk_aggregates[worker]);
            machine.set_aggregates(&chunk_aggregates[worker], from);
        }
        std::vector<data::Bitmap>& out = counting ? batch_bits[worker] : memberships;
        if (counting && out.empty()) {
            out.resize(segment_count);
            for (size_t s : read) out[s] = data::Bitmap(kBatchSize);
        }
        if (!counting) {
            const uint64_t first_word = data::word_index(from), end_word = data::words_for_bits(to);
            for (auto& bits : memberships) {
                std::fill(bits.mutable_words() + first_word, bits.mutable_words() + end_word, 0);
            }
        }
        for (uint64_t base = from; base < to; base += kBatchSize) {
            const auto count = static_cast<uint32_t>(std::min<uint64_t>(kBatchSize, to - base));
            machine.start_batch();
            if (counting) {
                machine.set_memberships_origin(base);
                for (size_t s : read) out[s].reset_all();
            }
            // In order: a shared condition may read the slots of those before it (vm::verify).
            for (size_t p = 0; in.shared && p < in.shared->size(); ++p) {
                machine.run((*in.shared)[p], base, count, out, in.shared_lookups ? &(*in.shared_lookups)[p] : nullptr);
            }
            for (size_t p = 0; p < in.programs.size(); ++p) {
                const size_t segment = in.programs[p].segment;
                const bool tallied = counting && !(*is_read)[segment];
                machine.run(in.programs[p], base, count, out, in.lookups ? &(*in.lookups)[p] : nullptr,
                            tallied ? &tallies[worker][segment] : nullptr);
            }
            if (counting) {
                for (size_t s : read) tallies[worker][s] += out[s].count();
            }
        }
    });
    if (counting) {
        counts->assign(segment_count, 0);
        for (const auto& tally : tallies) {
            for (size_t s = 0; s < segment_count; ++s) (*counts)[s] += tally[s];
        }
    }
    return memberships;
}

}  // namespace

std::vector<data::Bitmap> evaluate(const std::vector<Program>& programs, const data::Table& table, size_t segment_count,
                                   scalar::AsOf as_of, unsigned threads, const std::vector<LookupTables>* lookups,
                                   const std::vector<Program>* shared, const std::vector<LookupTables>* shared_lookups,
                                   const AggregateSource* aggregates) {
    return run_programs({programs, lookups, shared, shared_lookups, aggregates}, table, segment_count, as_of, threads);
}

std::vector<uint64_t> count_members(const std::vector<Program>& programs, const data::Table& table,
                                    size_t segment_count, scalar::AsOf as_of, unsigned threads,
                                    const std::vector<LookupTables>* lookups, const std::vector<Program>* shared,
                                    const std::vector<LookupTables>* shared_lookups,
                                    const AggregateSource* aggregates) {
    // The segments some program reads (LoadSegment). Shared conditions read no segment today
    // (optimize/shared_conditions.cpp) but are scanned too.
    std::vector<char> is_read(segment_count, 0);
    const auto mark_read = [&](const Program& program) {
        for (const Instruction& instruction : program.code) {
            if (instruction.op == Opcode::LoadSegment) is_read.at(instruction.imm) = 1;
        }
    };
    for (const Program& program : programs) mark_read(program);
    for (size_t p = 0; shared && p < shared->size(); ++p) mark_read((*shared)[p]);
    std::vector<uint64_t> counts;
    run_programs({programs, lookups, shared, shared_lookups, aggregates}, table, segment_count, as_of, threads, &counts,
                 &is_read);
    return counts;
}

}  // namespace segmint::vm
