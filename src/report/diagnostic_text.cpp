#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>

#include "common/text_format.h"
#include "common/utf8.h"
#include "report/diagnostic_render.h"

namespace segmint::report {

namespace {

constexpr size_t kMaxShownLineBytes = 160;

// Colours as rustc and clang use them, through the fmt library's terminal styles.
struct Style {
    bool color;
    std::string styled(fmt::text_style style, const std::string& s) const {
        return color ? fmt::format(style, "{}", s) : s;
    }
    std::string bold(const std::string& s) const { return styled(fmt::emphasis::bold, s); }
    std::string severity(Severity severity, const std::string& s) const {
        const fmt::terminal_color hue = severity == Severity::Error     ? fmt::terminal_color::red
                                        : severity == Severity::Warning ? fmt::terminal_color::yellow
                                                                        : fmt::terminal_color::cyan;
        return styled(fmt::emphasis::bold | fmt::fg(hue), s);
    }
    std::string accent(const std::string& s) const {
        return styled(fmt::emphasis::bold | fmt::fg(fmt::terminal_color::blue), s);
    }
};

std::string location_text(const Source& source, Span span) {
    LineColumn at = source.location(span.begin);
    return escape_controls(source.name()) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

// Control characters other than tab would garble a terminal, and bidirectional overrides and isolates (U+202A..U+202E,
// U+2066..U+2069) reorder what a reader sees: each shows as one '?', so the carets still line up. Tabs are kept.
std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    auto byte = [&](size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = byte(i);
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            out += '?';
        } else if (c == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) {  // C1 controls, U+0080..U+009F
            out += '?';
            i += 1;
        } else if (c == 0xE2 && ((byte(i + 1) == 0x80 && byte(i + 2) >= 0xAA && byte(i + 2) <= 0xAE) ||
                                 (byte(i + 1) == 0x81 && byte(i + 2) >= 0xA6 && byte(i + 2) <= 0xA9))) {
            out += '?';
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// The source line of the span with a caret line under it. Long lines are cut to a window around the span.
// Returns the width of the line-number gutter, so notes and hints line up under it.
size_t append_snippet(const Source& source, Span span, const Style& style, std::string& out) {
    LineColumn start = source.location(span.begin);
    std::string_view line = source.line_text(start.line);
    // Byte offset of the span within the line.
    size_t offset_in_line = std::min(static_cast<size_t>(source.text().data() + span.begin - line.data()), line.size());
    size_t span_bytes = std::min<size_t>(span.end - span.begin, line.size() - offset_in_line);

    std::string_view shown = line;
    std::string prefix_marker, suffix_marker;
    size_t shown_offset = offset_in_line;
    if (line.size() > kMaxShownLineBytes) {
        // Keep UTF-8 characters whole: step over at most 3 continuation bytes, so a run of stray ones (invalid
        // UTF-8 in a YAML file) cannot move the window off the span.
        auto continuation = [&](size_t i) { return (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
        size_t from = offset_in_line > 40 ? offset_in_line - 40 : 0;
        for (int step = 0; step < 3 && from > 0 && continuation(from); ++step) --from;
        size_t to = std::min(line.size(), from + kMaxShownLineBytes);
        for (int step = 0; step < 3 && to < line.size() && continuation(to); ++step) ++to;
        shown = line.substr(from, to - from);
        shown_offset = offset_in_line - from;
        span_bytes = std::min(span_bytes, shown.size() - shown_offset);
        if (from > 0) prefix_marker = "...";
        if (to < line.size()) suffix_marker = "...";
    }

    std::string number = std::to_string(start.line);
    std::string gutter(number.size(), ' ');
    out += style.accent(" " + number + " | ") + prefix_marker + printable(shown) + suffix_marker + "\n";
    std::string pad;
    for (size_t i = 0; i < shown_offset;) {
        unsigned char c = static_cast<unsigned char>(shown[i]);
        pad += c == '\t' ? '\t' : ' ';
        size_t next = i + 1;
        while (next < shown_offset && (static_cast<unsigned char>(shown[next]) & 0xC0) == 0x80) ++next;
        i = next;
    }
    size_t width = std::max<size_t>(1, utf8::count_code_points(shown.substr(shown_offset, span_bytes)));
    out += style.accent(" " + gutter + " | ") + std::string(prefix_marker.size(), ' ') + pad +
           style.severity(Severity::Error, std::string(width, '^'));
    if (start.line != source.location(span.end).line) out += "...";  // the span goes on past this line
    out += "\n";
    return gutter.size();
}

}  // namespace

std::string render_text(const Diagnostic& d, const RenderOptions& options) {
    Style style{options.color};
    std::string out;
    std::string head = std::string(severity_name(d.severity)) + "[" + code_info(d.code).id + "]";
    if (d.source) out += style.bold(location_text(*d.source, d.span) + ": ");
    // Messages quote user text (decoded string literals, names): escaped, so a literal holding a line break or an
    // escape sequence can neither start a line of its own nor drive the terminal.
    out += style.severity(d.severity, head) + style.bold(": " + escape_controls(d.message)) + "\n";
    size_t gutter = 1;
    if (d.source && !d.source->text().empty()) gutter = append_snippet(*d.source, d.span, style, out);
    const std::string indent(gutter + 2, ' ');
    for (const auto& note : d.notes) {
        out += indent + "= note: ";
        if (note.source) out += location_text(*note.source, note.span) + ": ";
        out += escape_controls(note.message) + "\n";
    }
    if (!d.hint.empty()) out += indent + "= hint: " + escape_controls(d.hint) + "\n";
    return out;
}

std::string render_text(const std::vector<Diagnostic>& diagnostics, const RenderOptions& options) {
    std::string out;
    for (const auto& d : diagnostics) out += render_text(d, options);
    return out;
}

}  // namespace segmint::report
