#include "common/source.h"

#include <algorithm>

#include "common/span_text.h"
#include "common/utf8.h"

namespace segmint {

Source::Source(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
    if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        text_.erase(0, 3);
        had_bom_ = true;
    }
    line_starts_.push_back(0);
    for (uint32_t i = 0; i < text_.size(); ++i) {
        // "\r\n", "\n" and a lone "\r" all end a line.
        if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) {
            line_starts_.push_back(i + 1);
        }
    }
}

LineColumn Source::location(uint32_t offset) const {
    offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    uint32_t line_index = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
    uint32_t start = line_starts_[line_index];
    std::string_view prefix(text_.data() + start, offset - start);
    return {line_index + 1, static_cast<uint32_t>(utf8::count_code_points(prefix)) + 1};
}

std::string_view Source::line_text(uint32_t line) const {
    if (line == 0 || line > line_starts_.size()) return {};
    uint32_t start = line_starts_[line - 1];
    uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
    while (end > start && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
    return std::string_view(text_.data() + start, end - start);
}

std::string one_line_text(const Source& source, Span span) {
    if (span.end <= span.begin || span.end > source.text().size()) return "?";
    std::string out;
    bool space = false;
    for (char c : std::string_view(source.text()).substr(span.begin, span.end - span.begin)) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace segmint
