#pragma once
// Reading the user's files: only regular files, within size limits, with errors that say which file and why.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/source.h"

namespace segmint::cli {

struct InputError {
    std::string path;
    std::string message;
};

// Reads a regular file of at most `max_bytes`. FIFOs, devices and directories are refused without being opened for
// reading, so /dev/zero or a FIFO cannot hang or exhaust memory.
std::shared_ptr<const Source> read_source(const std::string& path, size_t max_bytes, InputError* error);

// Expands the arguments of check/eval: a file is taken as is; a directory contributes every *.seg file below it,
// sorted by path. Missing paths are errors.
std::vector<std::string> expand_spec_paths(const std::vector<std::string>& arguments, std::vector<InputError>* errors);

}  // namespace segmint::cli
