#pragma once
// A unified diff of two texts, line by line (Debian's libdtl computes the shortest edit script), in hunks with three
// lines of context as `diff -u` prints them. `fmt --check` shows it in text, puts it in JSON, and turns each hunk
// into an annotation for CI.
#include <cstddef>
#include <string>
#include <vector>

namespace segmint::report {

struct DiffHunk {
    size_t old_start = 0;  // 1-based first line of the hunk in `before` (0 when `before` is empty)
    size_t old_count = 0;
    size_t new_start = 0;
    size_t new_count = 0;
    std::string text;  // "@@ -a,b +c,d @@\n" then the lines, each prefixed by ' ', '-' or '+'
};

// The hunks turning `before` into `after`; none when they have the same lines. Line endings (CRLF or LF) and a
// missing final newline are not differences of lines (the caller says so if it matters).
std::vector<DiffHunk> unified_diff(const std::string& before, const std::string& after);

// `--- path` / `+++ path (formatted)` and the hunks.
std::string render_unified_diff(const std::string& path, const std::vector<DiffHunk>& hunks);

}  // namespace segmint::report
