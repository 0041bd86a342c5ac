// Which copy of the interpreter new Machines run (instruction_set.h).
#include "vm/instruction_set.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace segmint::vm {

namespace {

// The copy of the interpreter new Machines run; chosen at first use (the CPU, then SEGMINT_ISA).
std::atomic<int> chosen_set{-1};

InstructionSet initial_instruction_set() {
    const char* asked = std::getenv("SEGMINT_ISA");
    if (asked && std::strcmp(asked, "baseline") == 0) return InstructionSet::Baseline;
    return supports(InstructionSet::X86_64_V3) ? InstructionSet::X86_64_V3 : InstructionSet::Baseline;
}

}  // namespace

bool supports(InstructionSet set) {
    if (set == InstructionSet::Baseline) return true;
#if SEGMINT_HAS_X86_64_V3
    // Checks the CPU's flags and that the operating system saves the AVX registers (XGETBV).
    return __builtin_cpu_supports("x86-64-v3");
#else
    return false;
#endif
}

InstructionSet instruction_set() {
    int set = chosen_set.load();
    if (set < 0) {
        int unset = -1;
        chosen_set.compare_exchange_strong(unset, static_cast<int>(initial_instruction_set()));
        set = chosen_set.load();
    }
    return static_cast<InstructionSet>(set);
}

bool set_instruction_set(InstructionSet set) {
    if (!supports(set)) return false;
    chosen_set.store(static_cast<int>(set));
    return true;
}

std::string instruction_set_name(InstructionSet set) {
    return set == InstructionSet::X86_64_V3 ? "x86-64-v3" : "baseline";
}

}  // namespace segmint::vm
