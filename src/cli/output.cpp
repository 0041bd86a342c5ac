#include "cli/output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/text_format.h"

namespace segmint::cli {

namespace {
int first_error = 0;
}

void write_out(std::string_view text) {
    if (first_error != 0 || text.empty()) return;
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) first_error = errno ? errno : EIO;
}

void print_error(std::string_view message) {
    std::fputs(("segmint: error: " + escape_controls(message) + "\n").c_str(), stderr);
}

void print_located_error(std::string_view message) { std::fputs((escape_controls(message) + "\n").c_str(), stderr); }

void print_status(std::string_view message) { std::fputs((escape_controls(message) + "\n").c_str(), stderr); }

int finish_output() {
    if (first_error == 0 && std::fflush(stdout) != 0) first_error = errno ? errno : EIO;
    if (first_error == 0) return 0;
    if (first_error != EPIPE) print_error(std::string("cannot write output: ") + std::strerror(first_error));
    return 2;
}

}  // namespace segmint::cli
