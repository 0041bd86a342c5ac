#pragma once
// Standard output that notices write failures (a full disk, a closed pipe) instead of losing them.
#include <string_view>

namespace segmint::cli {

void write_out(std::string_view text);

// A problem for the user on stderr: `segmint: error: MESSAGE`, control characters escaped (common/text_format.h).
void print_error(std::string_view message);
// The same for a message that already names its place (`data.csv:4:1: error: ...`): printed without a second prefix.
void print_located_error(std::string_view message);
// A line of progress or a summary on stderr ("wrote 12 members of vip to vip.txt"), escaped the same way.
void print_status(std::string_view message);
// Flushes stdout. Returns 0 when everything was written; otherwise 2, after a message on stderr unless the reader
// simply went away (EPIPE), which stays quiet like other Unix tools.
int finish_output();

}  // namespace segmint::cli
