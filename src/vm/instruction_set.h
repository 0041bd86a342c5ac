#pragma once
// The interpreter is compiled once for the build's baseline and, on x86-64 with GCC, once more for x86-64-v3 (AVX2,
// BMI2, FMA: Intel since 2013, AMD since 2015), whose wider vectors run its kernels' loops ~15% faster over a
// 200-segment catalog (docs/performance.md). Each Machine runs the best copy the CPU has, chosen at run time, so one
// binary still runs on any x86-64. SEGMINT_ISA=baseline in the environment (or set_instruction_set) picks the
// baseline copy on any CPU.
//
// The VM's internal headers (bits.h, machine_state.h, kernels*.h) put everything in the inline namespace
// SEGMINT_VM_ISA, so the two copies of every kernel and helper have names of their own: the linker can never give
// baseline code the x86-64-v3 copy of an inline function (which would stop the program on an older CPU).
#include <string>

#ifndef SEGMINT_VM_ISA
#define SEGMINT_VM_ISA baseline
#endif

// GCC 12 and later: __builtin_cpu_supports("x86-64-v3") is new in GCC 12.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define SEGMINT_HAS_X86_64_V3 1
#else
#define SEGMINT_HAS_X86_64_V3 0
#endif

namespace segmint::vm {

enum class InstructionSet { Baseline, X86_64_V3 };

// Whether this CPU (and build) can run `set`'s copy of the interpreter.
bool supports(InstructionSet set);
// The copy new Machines run: the best supported one, unless SEGMINT_ISA or set_instruction_set said otherwise.
InstructionSet instruction_set();
// Makes new Machines run `set`; false (and no change) when this CPU or build cannot run it.
bool set_instruction_set(InstructionSet set);
// "baseline" or "x86-64-v3"
std::string instruction_set_name(InstructionSet set);

}  // namespace segmint::vm
