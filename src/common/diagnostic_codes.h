#pragma once
#include <string_view>

namespace segmint {

enum class Code {
#define DIAGNOSTIC(name, id, summary) name,
#include "common/diagnostic_codes.def"
#undef DIAGNOSTIC
};

struct CodeInfo {
    Code code;
    const char* id;
    const char* summary;
};

const CodeInfo& code_info(Code code);
const CodeInfo* all_codes(size_t* count);

}  // namespace segmint
