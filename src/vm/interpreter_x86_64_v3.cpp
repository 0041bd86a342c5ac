// interpreter.cpp compiled a second time, for x86-64-v3 (instruction_set.h). Everything the VM's headers include from
// outside the VM is included first, under the build's baseline, so the inline functions of the standard library and
// of the other stages keep one baseline copy in the program; only what interpreter.cpp and the VM's internal headers
// define (in the inline namespace x86_64_v3) is compiled for the newer instruction set.
#include "vm/instruction_set.h"

#if SEGMINT_HAS_X86_64_V3

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "common/popcount.h"
#include "common/source.h"
#include "data/bitmap.h"
#include "data/table.h"
#include "data/value_range.h"
#include "scalar/scalar.h"
#include "vm/batch.h"
#include "vm/interpreter.h"
#include "vm/machine.h"
#include "vm/opcodes.h"
#include "vm/program.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#undef SEGMINT_VM_ISA
#define SEGMINT_VM_ISA x86_64_v3
#define SEGMINT_VM_MAKE_INTERPRETER make_x86_64_v3_interpreter
#define SEGMINT_VM_COMPILED_FOR InstructionSet::X86_64_V3

#pragma GCC push_options
#pragma GCC target("arch=x86-64-v3")
#include "vm/interpreter.cpp"
#pragma GCC pop_options

#endif
