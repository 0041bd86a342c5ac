#pragma once
// The built-in function table and the typing rule of each function.
#include <string>
#include <string_view>
#include <vector>

#include "semantic/types.h"

namespace segmint::semantic {

enum class Function {
#define FUNCTION(name, text, min_args, max_args, signature, summary) name,
#include "semantic/functions.def"
#undef FUNCTION
};

struct FunctionInfo {
    Function id;
    const char* name;
    size_t min_args;
    size_t max_args;
    const char* signature;
    const char* summary;
};

const std::vector<FunctionInfo>& all_functions();
const FunctionInfo* find_function(std::string_view name);
std::vector<std::string> function_names();

struct CallTyping {
    Type result;
    std::string error;  // empty when the arguments are acceptable
    size_t bad_argument = 0;
};

// The result type of a call with arguments of these types (argument count already checked).
CallTyping type_call(Function function, const std::vector<Type>& arguments);

// The type both values can be compared or coalesced as, if any (int/number → number, date/timestamp → timestamp,
// enum/string → string, null → the other).
bool common_type(const Type& a, const Type& b, Type* out);

}  // namespace segmint::semantic
