#pragma once
// Reading one CSV field as a value of its column's type, and the words of the loader's messages. The per-field
// parsers are inline (the loader calls them for every field); the rest is data/csv_values.cpp. Internal to the data
// stage.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/utf8.h"

namespace segmint::data::csv {

inline bool is_ascii(std::string_view text) {
    size_t i = 0;
    uint64_t bits = 0;
    for (; i + 8 <= text.size(); i += 8) {
        uint64_t word;
        std::memcpy(&word, text.data() + i, 8);
        bits |= word;
    }
    for (; i < text.size(); ++i) bits |= static_cast<unsigned char>(text[i]);
    return (bits & 0x8080808080808080ull) == 0;
}

inline bool valid_utf8(std::string_view text) { return is_ascii(text) || !utf8::first_invalid(text).has_value(); }

inline bool parse_int(std::string_view text, int64_t* out) {
    const char* first = text.data();
    const char* last = first + text.size();
    const char* digits = first != last && (*first == '+' || *first == '-') ? first + 1 : first;
    const auto digit_count = static_cast<size_t>(last - digits);
    // Up to 18 digits cannot overflow: summed here without a call (ids, counts and ages are short).
    if (digit_count >= 1 && digit_count <= 18) {
        uint64_t value = 0;
        for (const char* p = digits; p != last; ++p) {
            const auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
            if (digit > 9) return false;
            value = value * 10 + digit;
        }
        *out = *first == '-' ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
        return true;
    }
    // from_chars takes no `+`; after one, only digits may follow.
    if (digits == last || *digits < '0' || *digits > '9') return false;
    if (*first == '+') first = digits;
    auto result = std::from_chars(first, last, *out);
    return result.ec == std::errc() && result.ptr == last;
}

enum class NumberResult { Ok, Invalid, NotFinite, OutOfRange, TooSmall };

inline NumberResult parse_number(std::string_view text, double* out) {
    const char* first = text.data();
    const char* last = first + text.size();
    // Only a digit or `.` may start the mantissa: rejects nan, inf and infinity, which from_chars would accept.
    const char* mantissa = first != last && (*first == '+' || *first == '-') ? first + 1 : first;
    if (mantissa == last) return NumberResult::Invalid;
    if (*first == '+') first = mantissa;  // from_chars takes no `+`
    if (!((*mantissa >= '0' && *mantissa <= '9') || *mantissa == '.')) {
        const char c = static_cast<char>(*mantissa | 0x20);
        return (c == 'n' || c == 'i') ? NumberResult::NotFinite : NumberResult::Invalid;
    }
    auto result = std::from_chars(first, last, *out, std::chars_format::general);
    if (result.ptr != last) return NumberResult::Invalid;
    if (result.ec == std::errc::result_out_of_range) {
        // Overflow, or a nonzero value below the smallest double: strtod tells them apart. Never silently zero.
        std::string copy(first, last);
        errno = 0;
        double value = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(value)) return NumberResult::OutOfRange;
        if (value == 0.0) return NumberResult::TooSmall;
        *out = value;
        return NumberResult::Ok;
    }
    if (result.ec != std::errc()) return NumberResult::Invalid;
    return std::isfinite(*out) ? NumberResult::Ok : NumberResult::OutOfRange;
}

inline bool equals_lower(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((text[i] | 0x20) != lower[i]) return false;
    }
    return true;
}

inline bool parse_bool(std::string_view text, uint8_t* out) {
    if (text == "1" || equals_lower(text, "true") || equals_lower(text, "t")) {
        *out = 1;
        return true;
    }
    if (text == "0" || equals_lower(text, "false") || equals_lower(text, "f")) {
        *out = 0;
        return true;
    }
    return false;
}

// true/false, 1/0, and PostgreSQL's t/f (any case).
// `[1:2]={...}`: PostgreSQL's form for an array whose first index is not 1.
bool explicit_bounds(std::string_view text);

// PostgreSQL's array literal, as `\copy ... CSV` writes a text[] column: `{a,b}`, `{}`, `{"a b","say \"hi\""}`.
// Unquoted items lose surrounding blanks; a backslash escapes the next character. Returns the items, or an error
// naming what cannot be read: a NULL item (a list<string> holds strings only), a nested array, a malformed literal.
std::variant<std::vector<std::string>, std::string> read_array_literal(std::string_view text);

// True when `text` looks like YYYY-MM-DD, so a failed parse means a day that does not exist.
bool has_date_shape(std::string_view text);

// A value as shown in a message: quoted, control bytes and bytes that are not valid UTF-8 escaped as \xNN, cut
// after 60 bytes.
std::string describe(std::string_view text);

std::string join_values(const std::vector<std::string>& values);

std::string mebibytes(uint64_t bytes);

}  // namespace segmint::data::csv
