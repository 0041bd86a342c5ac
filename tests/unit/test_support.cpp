#include "test_support.h"

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "frontend/compile.h"
#include "engine/engine.h"
#include "report/diagnostic_render.h"
#include "syntax/parse.h"

namespace segmint::testing {

namespace fs = std::filesystem;

std::string source_dir() { return SEGMINT_SOURCE_DIR; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

void add_column(schema::Schema& schema, const std::string& name, schema::ColumnType type,
                std::vector<std::string> enum_values) {
    schema::Column column;
    column.name = name;
    column.type = type;
    column.enum_values = std::move(enum_values);
    column.index = schema.columns.size();
    schema.columns.push_back(std::move(column));
}

TempDir::TempDir(const std::string& prefix, const std::string& parent) {
    std::string pattern = parent + "/" + prefix + "_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a folder like " + pattern);
    path = std::filesystem::canonical(pattern).string();
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    write_file(file(name), text);
    return file(name);
}

std::vector<std::string> files_with_extension(const std::string& directory, const std::string& extension) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (entry.path().extension() == extension) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string compare_golden(const std::string& golden_path, const std::string& actual) {
    // Never in CI (the CI variable set, as GitHub Actions, GitLab and .ci/run set it): there a golden is only compared.
    const char* update = std::getenv("SEGMINT_UPDATE_GOLDENS");
    const char* ci = std::getenv("CI");
    if (update && std::string(update) == "1" && !(ci && *ci)) {
        write_file(golden_path, actual);
        return {};
    }
    if (!fs::exists(golden_path)) return "missing golden file " + golden_path + " (run `cmake --build build --target update-goldens`)";
    std::string expected = read_file(golden_path);
    if (expected == actual) return {};
    std::istringstream a(actual), e(expected);
    std::string line_a, line_e;
    for (int line = 1;; ++line) {
        bool more_a = static_cast<bool>(std::getline(a, line_a));
        bool more_e = static_cast<bool>(std::getline(e, line_e));
        if (!more_a && !more_e) break;
        if (line_a != line_e || more_a != more_e) {
            return golden_path + ":" + std::to_string(line) + ": expected\n  " + (more_e ? line_e : "<end>") +
                   "\nbut got\n  " + (more_a ? line_a : "<end>") + "\nfull output:\n" + actual;
        }
    }
    return golden_path + ": differs in line endings";
}

const schema::Schema& test_schema() {
    static const schema::Schema schema = [] {
        std::string path = source_dir() + "/tests/golden/schema.yaml";
        DiagnosticSink sink;
        auto loaded = schema::load_schema(std::make_shared<const Source>("schema.yaml", read_file(path)), sink);
        if (!loaded) throw std::runtime_error("tests/golden/schema.yaml does not load:\n" + report::render_text(sink.diagnostics()));
        return *loaded;
    }();
    return schema;
}

size_t Checked::errors() const {
    return static_cast<size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                             [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::string Checked::codes() const {
    std::string out;
    for (const auto& d : diagnostics) {
        if (!out.empty()) out += " ";
        out += code_info(d.code).id;
    }
    return out;
}

std::string Checked::text() const { return report::render_text(diagnostics); }

Checked check_text(const std::string& text, const std::string& name) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>(name, text), sink));
    Checked checked;
    checked.catalog = semantic::check(std::move(files), test_schema(), sink);
    // As `segmint check` does, as of the test suite's usual date.
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    if (!sink.has_errors()) frontend::report_findings(checked.catalog, as_of, sink);
    sink.sort();
    checked.diagnostics = sink.diagnostics();
    return checked;
}

namespace {

// Runs `prefix` segmint `arguments` by /bin/sh.
int run_segmint_after(const std::string& prefix, const std::string& arguments, std::string* out, std::string* err) {
    std::string err_path = (fs::temp_directory_path() / ("segmint_test_err_" + std::to_string(::getpid()))).string();
    std::string command = prefix + std::string(SEGMINT_BINARY) + " " + arguments + " 2>" + err_path;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed");
    std::string captured;
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) captured.append(buffer, got);
    int status = ::pclose(pipe);
    if (out) *out = captured;
    if (err) *err = fs::exists(err_path) ? read_file(err_path) : "";
    fs::remove(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int run_segmint(const std::string& arguments, std::string* out, std::string* err) {
    return run_segmint_after("", arguments, out, err);
}

int run_segmint_within(int limit_mb, const std::string& arguments, std::string* out, std::string* err) {
    // /bin/sh's ulimit sets the limits for the segmint it then becomes; glibc's own fatal errors go to stderr, not to
    // a terminal.
    return run_segmint_after("ulimit -s 8192; ulimit -v " + std::to_string(limit_mb * 1024) +
                                 "; LIBC_FATAL_STDERR_=1 exec ",
                             arguments, out, err);
}

std::vector<int> memory_limits_segmint_starts_under(int from_mb, int step_mb) {
    std::vector<int> limits;
    for (int limit_mb = from_mb; limit_mb > 0; limit_mb -= step_mb) {
        if (run_segmint_within(limit_mb, "--version") != 0) break;
        limits.push_back(limit_mb);
    }
    return limits;
}

bool says_it_ran_out_of_memory(const std::string& err) {
    const bool said = err.find("error: out of memory") != std::string::npos ||
                      err.find("Cannot allocate memory") != std::string::npos ||
                      err.find("segmint: error: the system refused a thread") != std::string::npos;
    return said && err.find("internal") == std::string::npos;
}

bool glibc_ended_it_for_memory(int code, const std::string& err) {
    return code == 128 + SIGABRT &&
           err.find("Fatal glibc error: failed to register TLS destructor: out of memory") != std::string::npos;
}

bool sanitizer_build() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    return true;
#endif
#endif
    return false;
}

std::string generate_demo_data(const std::string& folder, uint64_t rows, uint64_t seed) {
    const std::string customers = folder + "/customers.csv", orders = folder + "/orders.csv",
                      page_views = folder + "/page_views.csv";
    std::string err;
    if (run_segmint("generate --rows " + std::to_string(rows) + " --seed " + std::to_string(seed) + " -o " +
                        customers + " --orders " + orders + " --page-views " + page_views,
                    nullptr, &err) != 0) {
        throw std::runtime_error("segmint generate failed: " + err);
    }
    return customers + " --events orders=" + orders + " --events page_views=" + page_views;
}

}  // namespace segmint::testing
