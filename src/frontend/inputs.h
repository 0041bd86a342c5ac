#pragma once
// Reading the user's files: only regular files, within size limits, with errors that say which file and why.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/source.h"

namespace segmint::frontend {

struct InputError {
    std::string path;
    std::string message;
};

// The name `-` stands for standard input (`check -`, `eval --data -`, as `fmt -`), shown as `<stdin>` in messages.
inline constexpr const char* kStdinPath = "-";
inline constexpr const char* kStdinName = "<stdin>";

// Reads a regular file of at most `max_bytes`. FIFOs, devices and directories are refused without being opened for
// reading, so /dev/zero or a FIFO cannot hang or exhaust memory. `-` reads standard input (which the user chose to
// pipe), up to the same limit.
std::shared_ptr<const Source> read_source(const std::string& path, size_t max_bytes, InputError* error);

// All of standard input, at most `max_bytes` (else false and `*error` says so). Standard input can be read once in a
// run: a second use (`check - --data -`) is an error rather than an empty file.
bool read_standard_input(std::string* text, std::string* error, size_t max_bytes = SIZE_MAX);

// Expands the arguments of check/eval: a file is taken as is; a directory contributes every *.seg file below it,
// sorted by path; `-` is standard input. Missing paths, and directories with no *.seg file, are errors.
std::vector<std::string> expand_spec_paths(const std::vector<std::string>& arguments, std::vector<InputError>* errors);

}  // namespace segmint::frontend
