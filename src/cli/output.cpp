#include "cli/output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace segmint::cli {

namespace {
int first_error = 0;
}

void write_out(std::string_view text) {
    if (first_error != 0 || text.empty()) return;
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) first_error = errno ? errno : EIO;
}

int finish_output() {
    if (first_error == 0 && std::fflush(stdout) != 0) first_error = errno ? errno : EIO;
    if (first_error == 0) return 0;
    if (first_error != EPIPE) std::fprintf(stderr, "segmint: error: cannot write output: %s\n", std::strerror(first_error));
    return 2;
}

}  // namespace segmint::cli
