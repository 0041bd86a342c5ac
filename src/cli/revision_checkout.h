#pragma once
// A spec project as it was at a git revision, for `segmint diff`: the revision's tree checked out (`git read-tree` and
// `git checkout-index` through an index of its own) into a temporary folder that is removed again when the checkout
// goes out of scope, errors and fatal signals included.
#include <optional>
#include <string>

namespace segmint::cli {

// A folder under the system's temporary folder, removed with everything in it by the destructor.
class TempFolder {
public:
    TempFolder() = default;
    ~TempFolder();
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    // Creates the folder; false after printing why.
    bool create();
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int signal_handle_ = -1;  // Ctrl-C removes the folder too (common/atomic_file.h)
};

// Where the project folder `project_folder` (of the working tree) lies in its git repository.
struct Repository {
    std::string root;    // the repository's top folder
    std::string prefix;  // the project folder inside it, "" or ending in "/" (git rev-parse --show-prefix)
};

// The repository `project_folder` is in; nullopt after printing git's message (not a repository, git missing).
std::optional<Repository> find_repository(const std::string& project_folder);

// Extracts `revision`'s tree into `into` (created here) and returns the project folder inside it: into/prefix.
// nullopt after printing git's message (an unknown revision, a tree that cannot be written).
std::optional<std::string> checkout_revision(const Repository& repository, const std::string& revision,
                                             TempFolder& into);

}  // namespace segmint::cli
