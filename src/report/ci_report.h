#pragma once
// What `check`, `validate` and `test` found, in one neutral form for CI: diagnostics (spec, project and fixture
// errors) and check results (a constraint or a fixture expectation that passed or failed). The SARIF, JUnit and
// GitHub-annotation renderers all read this model, so the three commands share them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace segmint::analysis {
struct ConstraintResult;
struct ConstraintProof;
struct FixtureReport;
}  // namespace segmint::analysis
namespace segmint::schema {
struct Schema;
}
namespace segmint::project {
struct Project;
struct Fixture;
}  // namespace segmint::project

namespace segmint::report {

// A place in a file, as every CI format wants it. Lines and columns are 1-based; columns count Unicode code points
// (as Source::location does); end_column is exclusive (the column after the last character), as in SARIF.
struct Location {
    std::string file;   // as shown to the user: relative to the current folder, or absolute
    uint32_t line = 0;  // 0: the whole file (no region)
    uint32_t column = 0;
    uint32_t end_line = 0;
    uint32_t end_column = 0;
};

// The location of `span` in `source`; a span ending at the start of a line ends at the end of the line before.
Location location_of(const Source& source, Span span);

// A number shown with a check result: a count (integer) or a ratio.
struct Figure {
    std::string name;
    double value = 0;
    bool integer = true;
};

// One check that passed or failed: a project constraint (validate) or a fixture expectation (test).
struct CheckResult {
    std::string rule_id;       // "constraint/subset", "fixture/expectation"
    std::string rule_summary;  // what the rule checks, one line (SARIF shortDescription)
    std::string suite;         // the JUnit test suite: the project file, the fixture file
    std::string name;          // the test case name, unique within its suite
    bool passed = true;
    bool skipped = false;  // undecided (a proof that came out unknown): neither a pass nor a failure
    Location location;
    std::string message;  // one line: what holds, or what is wrong
    std::string details;  // more lines for a failure: samples, the rule and its deciding conditions
    std::vector<Figure> figures;
};

struct CiReport {
    std::string command;                     // "check", "validate", "test"
    std::vector<Diagnostic> diagnostics;     // sorted
    std::vector<std::string> checked_files;  // check: every spec file, so clean files show as passing test cases
    std::vector<CheckResult> checks;
    size_t hidden_warnings = 0;  // warnings past the per-file cap: counted in summaries, not listed
    double seconds = 0;          // wall time of the command, for JUnit's `time`
};

struct CiOptions {
    std::string tool_version;    // SARIF tool.driver.version
    std::string base_directory;  // absolute; SARIF URIs are relative to it (uriBaseId %SRCROOT%)
};

inline constexpr const char* kInformationUri = "https://github.com/segmint/segmint";

// The formats below, by their --format names.
bool is_ci_format(std::string_view format);  // sarif, junit, github
std::string render_ci(const CiReport& report, std::string_view format, const CiOptions& options);

// SARIF 2.1.0: one run; one rule per diagnostic code or check kind used; a result per diagnostic and failed check
// (passing checks produce none); columns in Unicode code points (`columnKind: unicodeCodePoints`).
std::string render_sarif(const CiReport& report, const CiOptions& options);
// JUnit XML: `check` has one test case per spec file; validate/test have one per check, one suite per file.
// Diagnostics become failing test cases of a suite named after the command, one per file.
std::string render_junit(const CiReport& report);
// GitHub workflow commands: `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=E101::message` per error
// and failed check (`::warning`, `::notice` for the other severities), then a one-line summary.
std::string render_github(const CiReport& report);
// One workflow command: `::COMMAND file=..,line=..,title=TITLE::message` (`at` null or without a file: no place).
std::string github_annotation(const char* command, const Location* at, const std::string& title,
                              const std::string& message);

// Escaping, exposed for tests.
std::string xml_escape(std::string_view text, bool attribute);
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);

// Check results from the analysis stage.
std::vector<CheckResult> constraint_checks(const project::Project& project,
                                           const std::vector<analysis::ConstraintResult>& results,
                                           const std::string& key_column);
// A check per decided constraint of `segmint prove` (report/prove_output.h).
std::vector<CheckResult> proof_checks(const project::Project& project,
                                      const std::vector<analysis::ConstraintProof>& proofs,
                                      const schema::Schema& schema, const std::string& as_of);
std::vector<CheckResult> fixture_checks(const std::string& file, const project::Fixture& fixture,
                                        const analysis::FixtureReport& report);

}  // namespace segmint::report
