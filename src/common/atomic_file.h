#pragma once
// Output files that are either complete or not there: written to a temporary file beside the target, flushed to disk,
// then renamed over it (BAD_INPUTS 37-40). A failure at any step removes the temporary file and leaves the old target
// untouched. Ctrl-C (SIGINT), SIGTERM, SIGHUP and SIGQUIT remove the temporary file before the process dies (unless
// the program set its own handler for them); only SIGKILL or a crash can leave a hidden `.NAME.tmp-XXXXXX` beside the
// target, never a half file.
#include <sys/types.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace segmint {

// True when both paths exist and name the same file (same device and inode, after following symlinks).
bool same_file(const std::string& a, const std::string& b);

// The file a write to `path` replaces, as an absolute path: symlinks followed (dangling ones too, to the file they
// would create), the folder's path resolved. Two outputs with one target would overwrite each other, even where
// neither exists yet.
std::string output_target(const std::string& path);

// Whether `path` could be written (its folder exists and is writable, and it is not a folder), before anything is
// written: a command with several outputs checks them all first. On failure fills *error with a one-line reason.
bool output_writable(const std::string& path, std::string* error);

// The first of `inputs` that is the same file as `output`, if any: writing there would destroy an input.
std::optional<std::string> clashing_input(const std::string& output, const std::vector<std::string>& inputs);

// Writes `path` through `write`, which gets a temporary file open for writing and returns false on failure.
// Refuses (without creating anything) when `path` is one of `inputs`, a directory, or not a regular file (a device
// such as /dev/full or a FIFO cannot be replaced by a rename). A symlink target is followed: the file it points to is
// replaced and the link kept. A new file gets mode 0666 minus the umask; a replaced file keeps its mode.
// On failure returns false with a one-line reason naming the path in *error. An exception out of `write` passes
// through, the temporary file removed and the old target untouched.
bool write_file_atomically(const std::string& path, const std::function<bool(std::FILE*)>& write, std::string* error,
                           const std::vector<std::string>& inputs = {});

// Removes the temporary files and folders of the writes under way (what Ctrl-C does) at once. Async-signal-safe: for
// handlers of other fatal signals (a snapshot cut short while it is mapped, snapshot/reader.cpp).
void remove_temporaries_now();

// A folder of temporary files (diff's checked-out revisions) that Ctrl-C, SIGTERM, SIGHUP or SIGQUIT remove with
// everything in it before the process dies, as they remove the temporary files above. Returns a handle for
// forget_folder_on_signal, called once the folder is gone; -1 when every slot is taken (the folder is then only
// removed normally).
int remove_folder_on_signal(const std::string& path);
void forget_folder_on_signal(int handle);
// The child process writing into such a folder, which those signals stop (SIGKILL) and wait for before removing it;
// 0 once it has ended.
void stop_child_on_signal(pid_t child);

}  // namespace segmint
