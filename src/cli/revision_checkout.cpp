#include "cli/revision_checkout.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "cli/output.h"
#include "common/atomic_file.h"

namespace segmint::cli {

namespace fs = std::filesystem;

TempFolder::~TempFolder() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);  // best effort: a folder left behind in /tmp is no reason to fail the run
    forget_folder_on_signal(signal_handle_);
}

bool TempFolder::create() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "segmint-diff-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        print_error("cannot create a temporary folder in " + base.string() + ": " + std::strerror(errno));
        return false;
    }
    path_ = pattern;
    signal_handle_ = remove_folder_on_signal(path_);
    return true;
}

namespace {

struct ProcessResult {
    bool ran = false;  // false: the program could not be started
    int status = -1;   // the exit status when it ran to its end; -1 when killed by a signal
    std::string out, err;
};

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(fd);
    return text;
}

// Runs `argv` (looked up on PATH) with no shell between, its stdin closed, and collects what it prints.
ProcessResult run(const std::vector<std::string>& argv) {
    ProcessResult result;
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return result;
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        return result;
    }
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::execvp(args[0], args.data());
        const std::string message = std::string("cannot run ") + argv[0] + ": " + std::strerror(errno) + "\n";
        (void)!::write(STDERR_FILENO, message.data(), message.size());
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    if (pid > 0) stop_child_on_signal(pid);  // git may be writing a revision into a temporary folder
    if (pid < 0) {
        ::close(out[0]);
        ::close(err[0]);
        return result;
    }
    // Git's messages are short, so reading stdout to its end first cannot leave it blocked on a full stderr pipe.
    result.out = read_all(out[0]);
    result.err = read_all(err[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    stop_child_on_signal(0);
    result.ran = true;
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

// What the program said about its failure, on one line for print_error.
std::string failure(const ProcessResult& result, const std::string& program) {
    if (!result.ran) return "cannot run " + program + ": " + std::strerror(errno);
    std::string message = trimmed(result.err.empty() ? result.out : result.err);
    if (message.empty()) message = program + " exited with status " + std::to_string(result.status);
    for (char& c : message) {
        if (c == '\n') c = ' ';
    }
    return message;
}

}  // namespace

std::optional<Repository> find_repository(const std::string& project_folder) {
    const ProcessResult root = run({"git", "-C", project_folder, "rev-parse", "--show-toplevel"});
    if (!root.ran || root.status != 0) {
        print_error("cannot compare git revisions of `" + project_folder + "`: " + failure(root, "git"));
        return std::nullopt;
    }
    const ProcessResult prefix = run({"git", "-C", project_folder, "rev-parse", "--show-prefix"});
    if (!prefix.ran || prefix.status != 0) {
        print_error("cannot compare git revisions of `" + project_folder + "`: " + failure(prefix, "git"));
        return std::nullopt;
    }
    return Repository{trimmed(root.out), trimmed(prefix.out)};
}

std::optional<std::string> checkout_revision(const Repository& repository, const std::string& revision,
                                             TempFolder& into) {
    // A revision that starts with `-` would reach git as an option.
    if (revision.empty() || revision[0] == '-') {
        print_error("`" + revision + "` is not a git revision");
        return std::nullopt;
    }
    const ProcessResult commit = run({"git", "-C", repository.root, "rev-parse", "--verify", revision + "^{commit}"});
    if (!commit.ran || commit.status != 0) {
        const std::string said = commit.ran ? trimmed(commit.err) : failure(commit, "git");
        print_error("`" + revision + "` is not a commit of the git repository " + repository.root +
                    (said.empty() ? "" : ": " + said));
        return std::nullopt;
    }
    if (!into.create()) return std::nullopt;
    // The revision's files as committed, through an index of our own (the user's index is not touched): `git archive`
    // would leave out the files .gitattributes marks export-ignore, and they would show as added.
    const std::string index = "GIT_INDEX_FILE=" + into.path() + "/index";
    const std::string tree = into.path() + "/tree";
    ProcessResult step = run({"env", index, "git", "-C", repository.root, "read-tree", trimmed(commit.out)});
    if (step.ran && step.status == 0) {
        step = run({"env", index, "git", "-C", repository.root, "checkout-index", "--all", "--prefix=" + tree + "/"});
    }
    if (!step.ran || step.status != 0) {
        print_error("cannot read revision `" + revision + "`: " + failure(step, "git"));
        return std::nullopt;
    }
    std::string prefix = trimmed(repository.prefix);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return prefix.empty() ? tree : tree + "/" + prefix;
}

}  // namespace segmint::cli
