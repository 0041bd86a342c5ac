#include "common/utf8.h"

#include <cstdint>

namespace segmint::utf8 {

namespace {
// Length of the valid sequence starting at text[i], or 0 if it is not valid UTF-8; sets *decoded to its code point.
size_t sequence_length(std::string_view text, size_t i, uint32_t* decoded = nullptr) {
    auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
    uint8_t lead = byte(i);
    if (decoded) *decoded = lead;
    if (lead < 0x80) return 1;
    size_t length;
    uint32_t code_point;
    if ((lead & 0xE0) == 0xC0) {
        length = 2;
        code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        code_point = lead & 0x07;
    } else
        return 0;
    if (i + length > text.size()) return 0;
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length]) return 0;                 // overlong encoding
    if (code_point > 0x10FFFF) return 0;                         // beyond Unicode
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;  // UTF-16 surrogate
    if (decoded) *decoded = code_point;
    return length;
}
}  // namespace

std::optional<size_t> first_invalid(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t length = sequence_length(text, i);
        if (length == 0) return i;
        i += length;
    }
    return std::nullopt;
}

std::optional<uint32_t> code_point_at(std::string_view text, size_t offset) {
    uint32_t code_point = 0;
    if (offset >= text.size() || sequence_length(text, offset, &code_point) == 0) return std::nullopt;
    return code_point;
}

size_t count_code_points(std::string_view text) {
    size_t count = 0;
    for (size_t i = 0; i < text.size(); ++count) {
        size_t length = sequence_length(text, i);
        i += length == 0 ? 1 : length;
    }
    return count;
}

}  // namespace segmint::utf8
