#pragma once
// UTF-8 validation and counting. Input is validated before the ANTLR lexer sees it, so the runtime never throws on it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace segmint::utf8 {

// Byte offset of the first invalid sequence (bad lead byte, truncated, overlong, surrogate, > U+10FFFF), if any.
std::optional<size_t> first_invalid(std::string_view text);

// The code point of the valid sequence starting at byte `offset`, if there is one.
std::optional<uint32_t> code_point_at(std::string_view text, size_t offset);

// Number of code points, counting each byte that does not start a valid sequence as one.
size_t count_code_points(std::string_view text);

}  // namespace segmint::utf8
