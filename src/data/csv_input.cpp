#include "data/csv_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace segmint::data::csv {

FileInput::~FileInput() {
    if (fd_ >= 0) ::close(fd_);
}

bool FileInput::open(const std::string& path, std::string* error) {
    // O_NONBLOCK so that opening a FIFO cannot hang; it is refused below anyway.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd_ < 0) {
        *error = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    struct stat info;
    if (::fstat(fd_, &info) != 0) {
        *error = std::string("cannot read: ") + std::strerror(errno);
        return false;
    }
    if (S_ISDIR(info.st_mode)) {
        *error = "is a directory, not a CSV file";
        return false;
    }
    if (!S_ISREG(info.st_mode)) {
        *error = "is not a regular file (FIFOs and devices are not read)";
        return false;
    }
    size_ = static_cast<uint64_t>(info.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    return true;
}

int64_t FileInput::read(char* out, size_t capacity, std::string* error) {
    for (;;) {
        ssize_t n = ::read(fd_, out, capacity);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        *error = std::string("cannot read: ") + std::strerror(errno);
        return -1;
    }
}

int64_t FileInput::read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const {
    for (;;) {
        ssize_t n = ::pread(fd_, out, capacity, static_cast<off_t>(offset));
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        *error = std::string("cannot read: ") + std::strerror(errno);
        return -1;
    }
}

}  // namespace segmint::data::csv
