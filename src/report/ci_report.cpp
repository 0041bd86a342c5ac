#include "report/ci_report.h"

#include "common/utf8.h"

namespace segmint::report {

Location location_of(const Source& source, Span span) {
    Location out;
    out.file = source.name();
    LineColumn begin = source.location(span.begin);
    LineColumn end = source.location(span.end < span.begin ? span.begin : span.end);
    out.line = begin.line;
    out.column = begin.column;
    out.end_line = end.line;
    out.end_column = end.column;
    if (end.line > begin.line && end.column == 1) {
        // The span takes the line break with it: end it at the end of the line before.
        out.end_line = end.line - 1;
        out.end_column = static_cast<uint32_t>(utf8::count_code_points(source.line_text(out.end_line))) + 1;
        if (out.end_line == out.line && out.end_column < out.column) out.end_column = out.column;
    }
    return out;
}

bool is_ci_format(std::string_view format) { return format == "sarif" || format == "junit" || format == "github"; }

std::string render_ci(const CiReport& report, std::string_view format, const CiOptions& options) {
    if (format == "sarif") return render_sarif(report, options);
    if (format == "junit") return render_junit(report);
    return render_github(report);
}

}  // namespace segmint::report
