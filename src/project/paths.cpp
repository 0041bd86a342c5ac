// Paths in a project: glob matching over the project tree and the checks that keep every path inside the root.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "common/limits.h"
#include "project/project.h"

namespace segmint::project {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> split_path(std::string_view text) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= text.size()) {
        size_t slash = text.find('/', start);
        if (slash == std::string_view::npos) slash = text.size();
        if (slash > start) parts.push_back(text.substr(start, slash - start));  // `a//b` = `a/b`
        start = slash + 1;
    }
    return parts;
}

bool has_wildcard(std::string_view part) { return part.find_first_of("*?") != std::string_view::npos; }

// `*` and `?` within one path segment; iterative with one backtrack point, so linear-ish and never deep.
bool segment_match(std::string_view pattern, std::string_view text) {
    size_t p = 0, t = 0;
    size_t star = std::string_view::npos, star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

// Matches path segments against pattern segments; `**` takes zero or more segments. Patterns are short, and
// consecutive `**` are collapsed, so the backtracking is bounded by segments × `**` count.
bool parts_match(const std::vector<std::string_view>& pattern, size_t p, const std::vector<std::string_view>& path,
                 size_t t) {
    while (p < pattern.size()) {
        if (pattern[p] == "**") {
            while (p + 1 < pattern.size() && pattern[p + 1] == "**") ++p;
            if (p + 1 == pattern.size()) return true;
            for (size_t skip = t; skip <= path.size(); ++skip) {
                if (parts_match(pattern, p + 1, path, skip)) return true;
            }
            return false;
        }
        if (t == path.size() || !segment_match(pattern[p], path[t])) return false;
        ++p;
        ++t;
    }
    return t == path.size();
}

bool inside(const std::string& root, const std::string& path) {
    return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                            (root.back() == '/' || path[root.size()] == '/'));
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& path) {
    return parts_match(split_path(pattern), 0, split_path(path), 0);
}

std::string lexical_path_problem(const std::string& relative) {
    if (relative.empty()) return "is empty";
    if (relative.find('\0') != std::string::npos) return "contains a NUL byte";
    if (relative.front() == '/' || relative.front() == '~') {
        return "is an absolute path; paths in a project are relative to its folder";
    }
    long depth = 0;
    for (std::string_view part : split_path(relative)) {
        if (part == ".") continue;
        depth += part == ".." ? -1 : 1;
        if (depth < 0) return "leads outside the project root (`..`)";
    }
    return {};
}

std::string resolved_path_problem(const std::string& root, const std::string& relative) {
    std::error_code ec;
    fs::path full = fs::path(root) / relative;
    fs::path canonical = fs::canonical(full, ec);
    if (ec) {
        // A dangling symlink is reported as missing, which is what it is.
        return "does not exist";
    }
    if (!inside(root, canonical.string())) return "leads outside the project root through a symlink";
    struct stat info {};
    if (::stat(canonical.c_str(), &info) != 0) return "cannot be read";
    if (S_ISDIR(info.st_mode)) return "is a directory";
    if (!S_ISREG(info.st_mode)) return "is not a regular file (FIFOs and devices are not read)";
    return {};
}

std::vector<std::string> expand_glob(const std::string& root, const std::string& pattern,
                                     std::vector<PathProblem>* problems) {
    // Walk only below the pattern's literal prefix (`specs/` in `specs/**/*.seg`).
    const auto parts = split_path(pattern);
    fs::path start = root;
    size_t literal = 0;
    while (literal + 1 < parts.size() && !has_wildcard(parts[literal]) && parts[literal] != ".") {
        start /= std::string(parts[literal]);
        ++literal;
    }
    std::vector<std::string> found;
    std::error_code ec;
    if (!has_wildcard(pattern)) {
        // A plain path: no walk, so a hidden file can still be named.
        fs::file_status status = fs::symlink_status(fs::path(root) / pattern, ec);
        if (!ec && fs::exists(status)) {
            std::string problem = resolved_path_problem(root, pattern);
            if (problem.empty())
                found.push_back(pattern);
            else
                problems->push_back({pattern, problem});
        }
        return found;
    }
    if (!fs::is_directory(fs::symlink_status(start, ec))) return found;
    size_t visited = 0;
    for (auto it = fs::recursive_directory_iterator(start, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        // Hidden files and folders (.git, editor swap files) are not part of a catalog.
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (++visited > limits::kMaxSegments * 10) break;  // bounded walk of a huge tree
        fs::file_status status = it->symlink_status(ec);
        if (ec || fs::is_directory(status)) continue;
        std::string relative = it->path().lexically_relative(root).generic_string();
        if (!glob_match(pattern, relative)) continue;
        std::string problem = resolved_path_problem(root, relative);
        if (problem.empty())
            found.push_back(relative);
        else
            problems->push_back({relative, problem});
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::optional<std::string> find_project_file(const std::string& start_dir) {
    std::error_code ec;
    fs::path dir = fs::absolute(start_dir, ec);
    if (ec) return std::nullopt;
    dir = dir.lexically_normal();
    while (true) {
        fs::path candidate = dir / kProjectFileName;
        if (fs::exists(fs::symlink_status(candidate, ec))) return candidate.string();
        if (!dir.has_relative_path()) return std::nullopt;
        fs::path parent = dir.parent_path();
        if (parent == dir) return std::nullopt;
        dir = parent;
    }
}

bool project_would_read(const Project& project, const std::string& path) {
    std::error_code ec;
    // The folder exists (the file may not): resolve it, then look at the path below the root.
    const fs::path absolute = fs::absolute(path, ec);
    if (ec) return false;
    const fs::path folder = fs::weakly_canonical(absolute.parent_path(), ec);
    if (ec) return false;
    const fs::path relative = (folder / absolute.filename()).lexically_relative(project.root);
    if (relative.empty() || *relative.begin() == "..") return false;
    return std::any_of(project.globs.begin(), project.globs.end(),
                       [&](const std::string& glob) { return glob_match(glob, relative.generic_string()); });
}

}  // namespace segmint::project
