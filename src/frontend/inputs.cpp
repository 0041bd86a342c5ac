#include "frontend/inputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace segmint::frontend {

namespace fs = std::filesystem;

bool read_standard_input(std::string* text, std::string* error, size_t max_bytes) {
    static bool taken = false;
    if (taken) {
        *error = "standard input (`-`) is read once; give the other input as a file";
        return false;
    }
    taken = true;
    text->clear();
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            *error = std::string("cannot read standard input: ") + std::strerror(errno);
            return false;
        }
        if (got == 0) return true;
        if (text->size() + static_cast<size_t>(got) > max_bytes) {
            *error = "standard input is larger than the limit of " + std::to_string(max_bytes) + " bytes";
            return false;
        }
        text->append(buffer, static_cast<size_t>(got));
    }
}

std::shared_ptr<const Source> read_source(const std::string& path, size_t max_bytes, InputError* error) {
    auto fail = [&](std::string message) {
        *error = {path, std::move(message)};
        return nullptr;
    };
    if (path == kStdinPath) {
        std::string text, problem;
        if (!read_standard_input(&text, &problem, max_bytes)) return fail(problem);
        return std::make_shared<const Source>(kStdinName, std::move(text));
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return fail(std::strerror(errno));
    if (S_ISDIR(info.st_mode)) return fail("is a directory");
    if (!S_ISREG(info.st_mode)) return fail("is not a regular file (FIFOs and devices are not read)");
    if (static_cast<uint64_t>(info.st_size) > max_bytes) {
        return fail("is " + std::to_string(info.st_size) + " bytes; the limit is " + std::to_string(max_bytes));
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ELOOP) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return fail(std::strerror(errno));
    std::string text;
    text.resize(static_cast<size_t>(info.st_size));
    size_t done = 0;
    // Read at most max_bytes + 1 so a file that grew since stat() is still caught by the limit.
    while (true) {
        if (done == text.size()) text.resize(std::min(max_bytes + 1, std::max<size_t>(text.size() * 2, 4096)));
        if (done == text.size()) break;
        ssize_t got = ::read(fd, text.data() + done, text.size() - done);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int saved = errno;
            ::close(fd);
            return fail(std::strerror(saved));
        }
        if (got == 0) break;
        done += static_cast<size_t>(got);
    }
    ::close(fd);
    text.resize(done);
    if (done > max_bytes) return fail("is larger than the limit of " + std::to_string(max_bytes) + " bytes");
    return std::make_shared<const Source>(path, std::move(text));
}

std::vector<std::string> expand_spec_paths(const std::vector<std::string>& arguments, std::vector<InputError>* errors) {
    std::vector<std::string> paths;
    for (const auto& argument : arguments) {
        if (argument == kStdinPath) {
            paths.push_back(argument);
            continue;
        }
        std::error_code ec;
        fs::file_status status = fs::status(argument, ec);
        if (ec || !fs::exists(status)) {
            errors->push_back({argument, "no such file or directory"});
            continue;
        }
        if (!fs::is_directory(status)) {
            paths.push_back(argument);
            continue;
        }
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(argument, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->path().extension() == ".seg" && it->is_regular_file(ec)) found.push_back(it->path().string());
        }
        if (ec) {
            errors->push_back({argument, ec.message()});
        } else if (found.empty()) {  // named on purpose, so finding nothing there is a mistake (as eslint's)
            errors->push_back({argument, "no spec files (*.seg) in this folder"});
        }
        std::sort(found.begin(), found.end());
        paths.insert(paths.end(), found.begin(), found.end());
    }
    return paths;
}

}  // namespace segmint::frontend
