#pragma once
// Standard output that notices write failures (a full disk, a closed pipe) instead of losing them.
#include <string_view>

namespace segmint::cli {

void write_out(std::string_view text);
// Flushes stdout. Returns 0 when everything was written; otherwise 2, after a message on stderr unless the reader
// simply went away (EPIPE), which stays quiet like other Unix tools.
int finish_output();

}  // namespace segmint::cli
