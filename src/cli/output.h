#pragma once
// Standard output that notices write failures (a full disk, a closed pipe) instead of losing them, and the one path
// for messages to the user on stderr.
#include <optional>
#include <string>
#include <string_view>

#include "common/diagnostic.h"
#include "report/json_output.h"

namespace segmint::cli {

void write_out(std::string_view text);

// A problem for the user on stderr: `segmint: error: MESSAGE`, control characters escaped (common/text_format.h).
void print_error(std::string_view message);
// The same for a message that already names its place (`data.csv:4:1: error: ...`): printed without a second prefix.
void print_located_error(std::string_view message);
// A bug in segmint: `segmint: internal error: MESSAGE`, said even with --quiet (exit 2 never comes without a word).
void print_internal_error(std::string_view message);
// `segmint: error: out of memory`, written without allocating; kept for JSON where memory allows.
void print_out_of_memory();
// A line of progress or a summary on stderr ("wrote 12 members of vip to vip.txt"), escaped the same way; nothing
// with --quiet.
void print_status(std::string_view message);

// --quiet: no status lines, no progress, and warnings left out of text output (errors, results and machine formats
// are unchanged), as eslint's --quiet and most Unix tools' -q.
void set_quiet(bool quiet);
bool quiet();

// --format json (docs/ci.md): stdout holds one JSON document whatever happens. A command calls begin_json_output()
// once it knows the format is json; from then on print_error() and print_located_error() also keep their messages,
// and keep_diagnostics_for_json() the diagnostics of a failure, for the document finish_json_output() writes when
// the command ended without writing its own: {"version", "command", "input_errors": [{"message"}], "diagnostics",
// "errors", "warnings"}. Messages still go to stderr for people.
void begin_json_output(const std::string& command);
// Writes a command's own document (report::json_document) with the run's diagnostics, sorted, at its end.
void write_json_document(nlohmann::ordered_json document, DiagnosticSink& sink);
bool json_output();
void keep_diagnostics_for_json(const DiagnosticSink& sink);
// Called once by the app after the command: writes the failure document if one is due. Returns `exit_code`, or 2 when
// the document cannot be written.
int finish_json_output(int exit_code);
// --max-warnings: the command's workspace notes how many warnings its rules had and the limit given, and the app turns
// a successful run past the limit into exit 1 (after a line on stderr), whatever the command printed.
void note_warnings(size_t warnings, std::optional<size_t> most);
int apply_max_warnings(int exit_code);
// Flushes stdout. Returns 0 when everything was written; otherwise 2, after a message on stderr unless the reader
// simply went away (EPIPE), which stays quiet like other Unix tools.
int finish_output();

}  // namespace segmint::cli
