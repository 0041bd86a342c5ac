#include "syntax/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace segmint::syntax {

std::optional<int64_t> decode_integer(std::string_view text, bool negated, LiteralError* error) {
    constexpr uint64_t kMaxMagnitude = static_cast<uint64_t>(INT64_MAX);
    uint64_t value = 0;
    for (char c : text) {
        if (c == '_') continue;
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (kMaxMagnitude + 1 - digit) / 10) {
            *error = {
                "integer literal does not fit in 64 bits (the range is -9223372036854775808 to "
                "9223372036854775807)",
                0, text.size()};
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    if (value == kMaxMagnitude + 1) {
        if (negated) return INT64_MIN;
        *error = {"integer literal does not fit in 64 bits (the largest is 9223372036854775807)", 0, text.size()};
        return std::nullopt;
    }
    return negated ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
}

std::optional<double> decode_decimal(std::string_view text, LiteralError* error) {
    std::string digits;
    for (char c : text) {
        if (c != '_') digits += c;
    }
    errno = 0;
    double value = std::strtod(digits.c_str(), nullptr);
    if (std::isinf(value)) {
        *error = {"number literal is out of range for a 64-bit floating point number", 0, text.size()};
        return std::nullopt;
    }
    // strtod flags subnormal results too (4.9e-324 is a valid double); only a nonzero literal read as 0 is lost.
    if (errno == ERANGE && value == 0.0) {
        *error = {
            "number literal is too small for a 64-bit floating point number (the smallest is 4.9e-324); write 0 "
            "for zero",
            0, text.size()};
        return std::nullopt;
    }
    return value;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}
}  // namespace

std::optional<std::string> decode_string(std::string_view text, LiteralError* error) {
    std::string out;
    out.reserve(text.size());
    const size_t end = text.size() - 1;  // the closing quote
    for (size_t i = 1; i < end; ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        const size_t escape_start = i;
        char c = text[++i];
        switch (c) {
            case '"': out += '"'; break;
            case '\'': out += '\''; break;
            case '\\': out += '\\'; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case '0': out += '\0'; break;
            case 'u': {
                uint32_t cp = 0;
                size_t digits = 0;
                bool braced = i + 1 < end && text[i + 1] == '{';
                size_t j = braced ? i + 2 : i + 1;
                size_t max_digits = braced ? 6 : 4;
                while (j < end && digits < max_digits && hex_value(text[j]) >= 0) {
                    cp = cp * 16 + static_cast<uint32_t>(hex_value(text[j]));
                    ++j;
                    ++digits;
                }
                bool ok = braced ? (digits > 0 && j < end && text[j] == '}') : digits == 4;
                if (ok && braced) ++j;
                if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    *error = {"invalid unicode escape (write \\uXXXX or \\u{X…} with a valid code point)", escape_start,
                              j - escape_start};
                    return std::nullopt;
                }
                append_utf8(cp, out);
                i = j - 1;
                break;
            }
            default:
                *error = {std::string("unknown escape sequence `\\") + c +
                              "` (valid escapes: \\\" \\' \\\\ \\n \\t \\r \\0 \\uXXXX)",
                          escape_start, 2};
                return std::nullopt;
        }
    }
    return out;
}

}  // namespace segmint::syntax
