#pragma once
// Decoding of literal token text into values. Each returns nullopt and sets `error` on bad input.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace segmint::syntax {

struct LiteralError {
    std::string message;
    size_t offset = 0;  // byte offset of the problem within the token text
    size_t length = 0;
};

// Digits with optional `_` separators. `negated` allows 9223372036854775808 (for -9223372036854775808).
std::optional<int64_t> decode_integer(std::string_view text, bool negated, LiteralError* error);
std::optional<double> decode_decimal(std::string_view text, LiteralError* error);
// A quoted string (with its quotes). Escapes: \" \' \\ \n \t \r \0 \uXXXX \u{X…}.
std::optional<std::string> decode_string(std::string_view text, LiteralError* error);

}  // namespace segmint::syntax
