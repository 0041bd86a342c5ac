#pragma once
// A compiled segment: instructions, one source span per instruction (as clox keeps a line per byte), the register
// kinds, and the constant pool (scalars, compiled regexes, value sets).
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "vm/opcodes.h"

namespace re2 {
class RE2;
}

namespace segmint::vm {

struct Constant {
    RegKind kind = RegKind::I64;
    bool is_null = false;
    bool boolean = false;
    int64_t i64 = 0;
    double f64 = 0;
    int32_t i32 = 0;
    std::string str;
};

// The items of an `in (...)` list, ready for lookups.
struct ValueSet {
    RegKind kind = RegKind::I64;
    bool has_null = false;
    std::vector<int64_t> i64;  // sorted
    std::vector<double> f64;   // sorted
    std::vector<int32_t> i32;  // sorted
    std::vector<uint8_t> boolean;
    std::vector<std::string> str;
    std::unordered_set<std::string_view> str_index;  // views into `str`

    void build_index();
};

// A condition on one string column, evaluated once per distinct value when the program is bound to a table. The
// condition itself is not part of the program: the machine reads only its bound table (LookupTables below), which
// engine/bind_lookups.cpp computes from the condition's own bytecode (codegen::LookupCondition).
struct Lookup {
    uint32_t column = 0;
};

// Per lookup of a program: the truth of its condition for each dictionary code, then for NULL (last entry), as
// two bits so the interpreter packs the value and its validity straight from one gathered byte per row (or, for a
// table of a few TRUE or FALSE codes, compares each row's code with those: exec_LookupCode).
inline constexpr uint8_t kLookupTrueBit = 1;   // the condition is TRUE
inline constexpr uint8_t kLookupKnownBit = 2;  // the condition is not NULL
inline constexpr uint8_t kLookupFalse = kLookupKnownBit;
inline constexpr uint8_t kLookupTrue = kLookupKnownBit | kLookupTrueBit;
inline constexpr uint8_t kLookupNull = 0;
using LookupTables = std::vector<std::vector<uint8_t>>;

struct Program {
    uint32_t segment = 0;
    std::string name;
    std::vector<Instruction> code;
    std::vector<Span> spans;  // parallel to code
    std::vector<RegKind> registers;
    std::vector<Constant> constants;
    std::vector<std::shared_ptr<const re2::RE2>> regexes;
    std::vector<std::string> regex_patterns;  // parallel to regexes, for listings
    std::vector<std::shared_ptr<ValueSet>> sets;
    std::vector<Lookup> lookups;
};

}  // namespace segmint::vm
