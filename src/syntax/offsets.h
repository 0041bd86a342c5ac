#pragma once
// ANTLR reports positions in code points; spans are bytes. This maps one to the other.
#include <cstdint>
#include <string_view>
#include <vector>

namespace segmint::syntax {

class ByteOffsets {
public:
    explicit ByteOffsets(std::string_view text) {
        bool ascii = true;
        for (unsigned char c : text) {
            if (c >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) return;
        for (uint32_t i = 0; i < text.size(); ++i) {
            if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) table_.push_back(i);
        }
        table_.push_back(static_cast<uint32_t>(text.size()));
    }
    // Byte offset of the code point with the given index (the text's size for one past the end).
    uint32_t operator()(size_t code_point_index) const {
        if (table_.empty()) return static_cast<uint32_t>(code_point_index);
        return code_point_index < table_.size() ? table_[code_point_index] : table_.back();
    }

private:
    std::vector<uint32_t> table_;  // empty for pure ASCII text, where the two coincide
};

}  // namespace segmint::syntax
