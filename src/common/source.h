#pragma once
// A source text (spec file, YAML file) with its name; line/column are computed only when a message is shown.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace segmint {

// Half-open byte range [begin, end) into a Source's text.
struct Span {
    uint32_t begin = 0;
    uint32_t end = 0;
    bool operator==(const Span& other) const { return begin == other.begin && end == other.end; }
};

inline Span join(Span a, Span b) { return {a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end}; }

struct LineColumn {
    uint32_t line = 1;    // 1-based
    uint32_t column = 1;  // 1-based, in Unicode code points
};

class Source {
public:
    Source(std::string name, std::string text);

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }
    // True when a UTF-8 byte-order mark was removed from the start of the text.
    bool had_bom() const { return had_bom_; }

    LineColumn location(uint32_t offset) const;
    // The text of the 1-based line, without its line terminator.
    std::string_view line_text(uint32_t line) const;
    uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

private:
    std::string name_;
    std::string text_;
    bool had_bom_ = false;
    std::vector<uint32_t> line_starts_;
};

}  // namespace segmint
