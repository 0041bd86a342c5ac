#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace segmint {

namespace {

std::string system_error(int error_number) { return std::strerror(error_number); }

// The process umask, read without changing it (umask() would race with other threads creating files).
mode_t current_umask() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    }
    return 022;
}

// Temporary files being written, so that Ctrl-C (SIGINT), SIGTERM, SIGHUP or SIGQUIT removes them before the process
// dies: the handler may only call async-signal-safe functions, so the paths live in fixed slots, never in allocated
// memory. A slot is claimed (Writing), filled, then published (Ready); only Ready paths are removed.
enum SlotState : int { kFree = 0, kWriting = 1, kReady = 2 };
struct TemporarySlot {
    std::atomic<int> state{kFree};
    bool folder = false;  // a folder is removed with everything in it
    char path[4096];
};
TemporarySlot temporary_slots[16];
const int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// A child process that writes into a registered folder (git checking out a revision): stopped and waited for before
// the folder is removed, or it would go on writing into it.
std::atomic<pid_t> writing_child{0};

}  // namespace

void remove_temporaries_now() {
    if (const pid_t child = writing_child.load(); child > 0) {
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
    }
    for (auto& slot : temporary_slots) {
        if (slot.state.load() != kReady) continue;
        if (!slot.folder) {
            ::unlink(slot.path);
            continue;
        }
        // _Fork, execve and waitpid are async-signal-safe; fork() is not (glibc's takes the allocator's locks, and
        // hangs when the signal came in the middle of a malloc), nor would walking a folder tree here be.
        const pid_t child = ::_Fork();
        if (child == 0) {
            char rm[] = "rm", force[] = "-rf", end[] = "--";
            char* argv[] = {rm, force, end, slot.path, nullptr};
            char* envp[] = {nullptr};
            ::execve("/bin/rm", argv, envp);
            ::_exit(127);
        }
        if (child > 0) ::waitpid(child, nullptr, 0);
    }
}

namespace {

extern "C" void remove_temporaries_and_die(int signal_number) {
    remove_temporaries_now();
    // The handler was installed with SA_RESETHAND: the default action (terminate) follows once it returns.
    ::raise(signal_number);
}

void install_cleanup_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int signal_number : kCleanupSignals) {
            struct sigaction current;
            if (::sigaction(signal_number, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
            struct sigaction action {};
            action.sa_handler = remove_temporaries_and_die;
            action.sa_flags = SA_RESETHAND;
            sigemptyset(&action.sa_mask);
            ::sigaction(signal_number, &action, nullptr);
        }
    });
}

// Registers `path` for removal on a fatal signal; returns the slot, or -1 when none is free (the file is then only
// removed on errors, as before) or the path is too long.
int register_temporary(const std::string& path, bool folder = false) {
    if (path.size() >= sizeof(TemporarySlot::path)) return -1;
    install_cleanup_handlers();
    for (int i = 0; i < static_cast<int>(std::size(temporary_slots)); ++i) {
        int expected = kFree;
        if (!temporary_slots[i].state.compare_exchange_strong(expected, kWriting)) continue;
        std::memcpy(temporary_slots[i].path, path.c_str(), path.size() + 1);
        temporary_slots[i].folder = folder;
        temporary_slots[i].state.store(kReady);
        return i;
    }
    return -1;
}

void unregister_temporary(int slot) {
    if (slot >= 0) temporary_slots[slot].state.store(kFree);
}

void sync_directory(const std::string& directory) {
    // Makes the rename itself durable; best effort (some file systems refuse fsync on directories).
    int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

int remove_folder_on_signal(const std::string& path) { return register_temporary(path, true); }

void forget_folder_on_signal(int handle) { unregister_temporary(handle); }

void stop_child_on_signal(pid_t child) { writing_child.store(child); }

bool same_file(const std::string& a, const std::string& b) {
    struct stat first, second;
    if (::stat(a.c_str(), &first) != 0 || ::stat(b.c_str(), &second) != 0) return false;
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

std::string output_target(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ignored;
    fs::path target = fs::absolute(path, ignored);
    for (int hops = 0; hops < 40 && fs::is_symlink(target, ignored); ++hops) {  // 40: the kernel's own limit
        const fs::path link = fs::read_symlink(target, ignored);
        if (link.empty()) break;
        target = link.is_absolute() ? link : target.parent_path() / link;
    }
    return (fs::weakly_canonical(target.parent_path(), ignored) / target.filename()).lexically_normal().string();
}

bool output_writable(const std::string& path, std::string* error) {
    namespace fs = std::filesystem;
    std::error_code ignored;
    const fs::path target = output_target(path);
    const fs::path folder = target.parent_path();
    if (fs::is_directory(target, ignored)) {
        *error = "cannot write `" + path + "`: it is a folder";
    } else if (!fs::is_directory(folder, ignored)) {
        *error = "cannot write `" + path + "`: the folder `" + folder.string() + "` does not exist";
    } else if (::access(folder.c_str(), W_OK) != 0) {
        *error = "cannot write `" + path + "`: the folder `" + folder.string() + "` is not writable";
    } else {
        return true;
    }
    return false;
}

std::optional<std::string> clashing_input(const std::string& output, const std::vector<std::string>& inputs) {
    for (const auto& input : inputs) {
        if (same_file(output, input)) return input;
    }
    return std::nullopt;
}

bool write_file_atomically(const std::string& path, const std::function<bool(std::FILE*)>& write, std::string* error,
                           const std::vector<std::string>& inputs) {
    auto fail = [&](std::string message) {
        *error = std::move(message);
        return false;
    };
    const std::string quoted = "`" + path + "`";
    if (path.empty()) return fail("no output path given");
    if (auto input = clashing_input(path, inputs)) {
        return fail("refusing to write " + quoted + ": it is `" + *input +
                    "`, a file this run reads or its project names; choose another output path");
    }

    // Replace the file a symlink points to, not the link.
    std::string target = path;
    struct stat info;
    if (::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
        if (char* real = ::realpath(path.c_str(), nullptr)) {
            target = real;
            std::free(real);
        }
    }
    bool exists = false;
    mode_t mode = 0;
    if (::stat(target.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) return fail("cannot write " + quoted + ": it is a directory");
        if (!S_ISREG(info.st_mode)) {
            return fail("cannot write " + quoted +
                        ": it is not a regular file (output goes to a temporary file beside the target that is then "
                        "renamed over it, which cannot replace a device such as /dev/full or a FIFO)");
        }
        exists = true;
        mode = info.st_mode & 07777;
    } else if (errno != ENOENT) {
        return fail("cannot write " + quoted + ": " + system_error(errno));
    }

    const size_t slash = target.rfind('/');
    const std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : target.substr(0, slash);
    const std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    if (name.empty()) return fail("cannot write " + quoted + ": it names a directory");

    std::string temporary = directory + "/." + name + ".tmp-XXXXXX";
    int fd = ::mkstemp(temporary.data());
    if (fd < 0) {
        return fail("cannot write " + quoted + ": cannot create a temporary file in `" + directory +
                    "`: " + system_error(errno));
    }
    // From here until the rename, a fatal signal removes the temporary file; every return below unregisters it.
    struct Registration {
        int slot;
        ~Registration() { unregister_temporary(slot); }
    } registration{register_temporary(temporary)};
    ::fchmod(fd, exists ? mode : (0666 & ~current_umask()));
    std::FILE* file = ::fdopen(fd, "wb");
    if (file == nullptr) {
        const int saved = errno;
        ::close(fd);
        ::unlink(temporary.c_str());
        return fail("cannot write " + quoted + ": " + system_error(saved));
    }

    auto abandon = [&](const std::string& reason) {
        std::fclose(file);
        ::unlink(temporary.c_str());
        return fail("cannot write " + quoted + ": " + reason + "; " +
                    (exists ? "the old file is unchanged" : "no file was created"));
    };
    errno = 0;
    bool written = false;
    try {
        written = write(file);
    } catch (...) {
        // Out of memory while building the output, say: the caller reports it, and no temporary file stays behind.
        std::fclose(file);
        ::unlink(temporary.c_str());
        throw;
    }
    int saved = errno;
    if (std::ferror(file)) return abandon(system_error(saved != 0 ? saved : EIO));
    if (!written) return abandon("the output could not be produced");
    if (std::fflush(file) != 0) return abandon(system_error(errno));
    if (::fsync(::fileno(file)) != 0) return abandon(system_error(errno));
    if (std::fclose(file) != 0) {
        saved = errno;
        ::unlink(temporary.c_str());
        return fail("cannot write " + quoted + ": " + system_error(saved));
    }
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
        saved = errno;
        ::unlink(temporary.c_str());
        return fail("cannot write " + quoted + ": cannot rename the temporary file into place: " + system_error(saved));
    }
    sync_directory(directory);
    return true;
}

}  // namespace segmint
