#pragma once
// What a Machine runs: its registers and selections (machine_state.h) and the loop over a program's instructions,
// compiled once per instruction set (instruction_set.h): interpreter.cpp as it is, interpreter_x86_64_v3.cpp the same
// source for x86-64-v3. Internal to the vm stage.
#include <memory>
#include <vector>

#include "data/bitmap.h"
#include "data/table.h"
#include "scalar/scalar.h"
#include "vm/instruction_set.h"
#include "vm/program.h"

namespace segmint::vm {

class Interpreter {
public:
    virtual ~Interpreter() = default;
    // The instruction set this copy was compiled for.
    virtual InstructionSet instruction_set() const = 0;
    // As Machine's methods of the same names.
    virtual void set_aggregates(const std::vector<data::Column>* aggregates, uint64_t first_row) = 0;
    virtual void set_memberships_origin(uint64_t first_row) = 0;
    virtual void start_batch() = 0;
    virtual void run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
                     const LookupTables* lookups, uint64_t* tally) = 0;
};

std::unique_ptr<Interpreter> make_baseline_interpreter(const data::Table& table, scalar::AsOf as_of,
                                                       const std::vector<data::Column>* aggregates);
std::unique_ptr<Interpreter> make_x86_64_v3_interpreter(const data::Table& table, scalar::AsOf as_of,
                                                        const std::vector<data::Column>* aggregates);

}  // namespace segmint::vm
