#pragma once
// Character classes and text helpers shared by the YAML stage's files (reader.cpp, flow_scan.cpp, walker.cpp).
// Internal to the stage.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace segmint::yaml {

inline constexpr size_t kNone = static_cast<size_t>(-1);

inline bool is_space(char c) { return c == ' ' || c == '\t'; }
inline bool is_break(char c) { return c == '\n' || c == '\r'; }
inline bool is_blank(char c) { return is_space(c) || is_break(c); }
// strchr() without its match on the terminating NUL.
inline bool in_set(char c, const char* set) { return c != '\0' && std::strchr(set, c) != nullptr; }

inline uint32_t to_offset(size_t offset) { return static_cast<uint32_t>(offset); }

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
inline std::string_view cut(std::string_view text, size_t max_bytes, bool* cut_off) {
    *cut_off = text.size() > max_bytes;
    if (!*cut_off) return text;
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace segmint::yaml
