#pragma once
// `segmint report`: one self-contained HTML page (no network: its script, styles and data are inline) with the
// segment sizes, a clustered overlap heatmap, the constraint results with their counterexamples, and every rule with
// syntax highlighting and its segment references as links. The page's data is one JSON blob that the page's script
// renders (html_page.cpp); the heatmap is drawn on a canvas, so 1,000 segments stay fast.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/constraints.h"
#include "analysis/overlap.h"
#include "analysis/static_proofs.h"
#include "report/write_text.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::report {

struct HtmlReportInput {
    std::string heading;  // the page's title: the project file, or the spec paths
    const semantic::Catalog* catalog = nullptr;
    const schema::Schema* schema = nullptr;
    uint64_t rows = 0;
    std::string as_of;
    std::string data;                 // what the customers were read from, as the user named it
    analysis::OverlapMatrix overlap;  // every segment of the catalog, in catalog order (sizes on the diagonal)
    std::string project_file;         // empty without a project: then there are no constraints
    std::vector<analysis::ConstraintResult> constraints;  // checked on the data, in the project's order
    std::vector<analysis::ConstraintProof> proofs;        // the same constraints, proved for every customer
    // `--diff BASE`: `segmint diff --format json`'s document (report/diff_output.h: diff_json), drawn by the page's
    // renderDiff() as the "Changes" section at the top; null without --diff.
    nlohmann::ordered_json diff;
};

// `text` for HTML text and attribute values: & < > " ' as character references, control characters and invalid
// UTF-8 as U+FFFD (xml_escape of ci_report.h: what XML needs is enough for HTML too).
std::string html_escape(std::string_view text);

// `document` as JSON that is safe inside a <script> element: `<`, `>` and `&` (so `</script>` and `<!--` cannot
// occur), U+2028 and U+2029 as \u escapes; invalid UTF-8 replaced by U+FFFD rather than thrown on.
std::string json_for_script(const nlohmann::ordered_json& document);

// The page's data: {"heading", "rows", "as_of", "data", "segments": [{"name", "title", "file", "line", "size",
// "rule": [TOKEN, ...]}], "order": [index, ...], "intersections": [|A∩B| for i < j, row by row], "project",
// "constraints": [...], "diff"}. A TOKEN is plain text (a string) or [CLASS, TEXT] or, for a reference to another
// segment, ["ref", TEXT, INDEX].
nlohmann::ordered_json report_model(const HtmlReportInput& input);

// The whole page. False when `write` failed.
bool write_html_report(const HtmlReportInput& input, const WriteText& write);

// The page around the data (html_page.cpp): everything before the JSON blob, and everything after it.
std::string_view html_page_head();
std::string_view html_page_tail();

}  // namespace segmint::report
