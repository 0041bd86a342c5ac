#pragma once
// Segmint's C++ API: load a customer schema, compile segment specs, load customer data, evaluate every segment, and
// read sizes and memberships. No internal header leaks through this one; failures are reported as Problems, never
// thrown for bad input.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace segmint {

// A problem in an input: a spec diagnostic, a schema error, or a file that cannot be read.
struct Problem {
    std::string file;
    uint32_t line = 0;    // 1-based; 0 when not about a place in the file
    uint32_t column = 0;  // 1-based, in code points
    bool is_error = true; // false for warnings
    std::string code;     // "E101", "W001", ...; empty for unreadable files
    std::string message;
    std::string text;     // rendered as `segmint check` prints it (source line and caret included)
};

class Schema {
public:
    // From a YAML file, or from YAML text named `name` in messages. Null when the schema has errors.
    static std::shared_ptr<const Schema> load(const std::string& path, std::vector<Problem>* problems);
    static std::shared_ptr<const Schema> parse(const std::string& yaml, const std::string& name,
                                               std::vector<Problem>* problems);
    std::vector<std::string> column_names() const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

class Catalog {
public:
    // Compiles every spec file (directories: every *.seg below them) against `schema`, with `today` = `as_of`
    // (YYYY-MM-DD; empty for today's UTC date). Null when any spec has an error; warnings are reported either way.
    static std::shared_ptr<const Catalog> compile(std::shared_ptr<const Schema> schema,
                                                  const std::vector<std::string>& paths, const std::string& as_of,
                                                  std::vector<Problem>* problems);
    // The same from spec text named `name` in messages.
    static std::shared_ptr<const Catalog> compile_text(std::shared_ptr<const Schema> schema, const std::string& text,
                                                       const std::string& name, const std::string& as_of,
                                                       std::vector<Problem>* problems);
    // Segment names, in the order of definition.
    std::vector<std::string> segments() const;
    std::string title(const std::string& segment) const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

class Table {
public:
    // Loads CSV data (header row, columns typed by the schema). Null with a located message in *error on failure.
    static std::shared_ptr<const Table> load_csv(std::shared_ptr<const Schema> schema, const std::string& path,
                                                 std::string* error);
    uint64_t rows() const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

// Membership of every segment of a catalog over one table.
class Result {
public:
    uint64_t rows() const;
    uint64_t count(const std::string& segment) const;  // 0 for an unknown segment
    bool contains(const std::string& segment, uint64_t row) const;
    // Rows (0-based positions in the table) that are members, ascending.
    std::vector<uint64_t> member_rows(const std::string& segment) const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

struct EvaluateOptions {
    unsigned threads = 1;    // 0 = all cores; the result does not depend on it
    bool reference = false;  // use the slow reference evaluator (for cross-checks)
};

Result evaluate(const Catalog& catalog, const Table& table, const EvaluateOptions& options = {});

}  // namespace segmint
