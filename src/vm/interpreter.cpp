// The interpreter's loop, with every kernel inlined where it is dispatched. Compiled as it is for the build's baseline
// and again by interpreter_x86_64_v3.cpp (instruction_set.h).
#include "vm/interpreter.h"

#include "vm/kernels_arithmetic.h"
#include "vm/kernels_compare.h"
#include "vm/kernels_functions.h"
#include "vm/kernels_loads.h"
#include "vm/kernels_logic.h"
#include "vm/kernels_text.h"

#ifndef SEGMINT_VM_MAKE_INTERPRETER
#define SEGMINT_VM_MAKE_INTERPRETER make_baseline_interpreter
#define SEGMINT_VM_COMPILED_FOR InstructionSet::Baseline
#endif

namespace segmint::vm {
inline namespace SEGMINT_VM_ISA {  // instruction_set.h
namespace {

class MachineInterpreter final : public Interpreter {
public:
    MachineInterpreter(const data::Table& table, scalar::AsOf as_of, const std::vector<data::Column>* aggregates)
        : state_(std::make_unique<State>(table, as_of, aggregates)) {}

    InstructionSet instruction_set() const override { return SEGMINT_VM_COMPILED_FOR; }
    void set_aggregates(const std::vector<data::Column>* aggregates, uint64_t first_row) override {
        state_->aggregates = aggregates;
        state_->aggregates_from = first_row;
    }
    void set_memberships_origin(uint64_t first_row) override { state_->memberships_from = first_row; }
    void start_batch() override { ++state_->batch_serial; }

    void run(const Program& program, uint64_t base, uint32_t count, std::vector<data::Bitmap>& memberships,
             const LookupTables* lookups, uint64_t* tally) override {
        State& st = *state_;
        st.prepare(program);
        st.begin_batch(base, count);
        ExecContext cx{st, program, memberships, lookups, tally};

        // One case per line of opcodes.def, each calling the opcode's kernel (kernels_*.h, inline): a new opcode
        // without a kernel does not compile, and the switch stays one jump per instruction per batch.
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

private:
    std::unique_ptr<State> state_;  // large (a batch's scratch): on the heap
};

}  // namespace
}  // namespace SEGMINT_VM_ISA

std::unique_ptr<Interpreter> SEGMINT_VM_MAKE_INTERPRETER(const data::Table& table, scalar::AsOf as_of,
                                                         const std::vector<data::Column>* aggregates) {
    return std::make_unique<MachineInterpreter>(table, as_of, aggregates);
}

}  // namespace segmint::vm
