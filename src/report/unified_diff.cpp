#include "report/unified_diff.h"

#include <fmt/format.h>

#include <dtl/dtl.hpp>

#include "common/text_format.h"

namespace segmint::report {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        // A CRLF file differs from its LF layout in line endings only: that is said apart (DiffHunk's caller), not
        // shown as every line removed and added again.
        const size_t stop = end > start && text[end - 1] == '\r' ? end - 1 : end;
        lines.push_back(text.substr(start, stop - start));
        start = end + 1;
    }
    return lines;
}

char prefix_of(dtl::edit_t type) {
    if (type == dtl::SES_ADD) return '+';
    if (type == dtl::SES_DELETE) return '-';
    return ' ';
}

}  // namespace

std::vector<DiffHunk> unified_diff(const std::string& before, const std::string& after) {
    const std::vector<std::string> a = lines_of(before);
    const std::vector<std::string> b = lines_of(after);
    dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
    diff.onHuge();  // bounded memory for long files (dtl's own switch)
    diff.compose();
    diff.composeUnifiedHunks();
    std::vector<DiffHunk> hunks;
    for (const auto& hunk : diff.getUniHunks()) {
        DiffHunk out;
        out.old_start = static_cast<size_t>(hunk.a);
        out.old_count = static_cast<size_t>(hunk.b);
        out.new_start = static_cast<size_t>(hunk.c);
        out.new_count = static_cast<size_t>(hunk.d);
        out.text = fmt::format("@@ -{},{} +{},{} @@\n", out.old_start, out.old_count, out.new_start, out.new_count);
        for (const auto* part : {&hunk.common[0], &hunk.change, &hunk.common[1]}) {
            for (const auto& [line, info] : *part) {
                out.text += prefix_of(info.type);
                out.text += line;
                out.text += '\n';
            }
        }
        hunks.push_back(std::move(out));
    }
    return hunks;
}

std::string render_unified_diff(const std::string& path, const std::vector<DiffHunk>& hunks) {
    // The file's own text, escaped line by line: a comment may hold an escape sequence or a bidirectional override.
    const std::string shown = escape_controls(path);
    std::string out = fmt::format("--- {}\n+++ {} (formatted)\n", shown, shown);
    for (const auto& hunk : hunks) out += escape_controls_per_line(hunk.text);
    return out;
}

}  // namespace segmint::report
