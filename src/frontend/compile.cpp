
#include "frontend/compile.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <fmt/format.h>
#include <thread>

#include "frontend/inputs.h"
#include "common/limits.h"
#include "engine/engine.h"
#include "syntax/parse.h"

namespace segmint::frontend {

std::optional<schema::Schema> load_schema_file(const std::string& path, DiagnosticSink& sink,
                                               std::vector<std::string>* input_errors) {
    InputError error;
    auto source = read_source(path, limits::kMaxYamlFileBytes, &error);
    if (!source) {
        input_errors->push_back("cannot read schema `" + error.path + "`: " + error.message);
        return std::nullopt;
    }
    return schema::load_schema(source, sink);
}

namespace {

// One spec file read and parsed on a worker: its own sink, so workers share nothing but the (read-only) path list.
struct ParsedFile {
    std::optional<ast::File> file;  // empty when the file could not be read
    InputError error;
    DiagnosticSink sink;
};

void read_and_parse(const std::string& path, ParsedFile& out) {
    auto source = read_source(path, limits::kMaxSpecFileBytes, &out.error);
    if (source) out.file = syntax::parse(source, out.sink);
}

// Parses files[i] into out[i] on up to `threads` threads, each taking the next unparsed file.
void parse_all(const std::vector<std::string>& files, std::vector<ParsedFile>& out, unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<size_t>(threads, files.size()));
    if (threads <= 1) {
        for (size_t i = 0; i < files.size(); ++i) read_and_parse(files[i], out[i]);
        return;
    }
    std::atomic<size_t> next{0};
    std::vector<std::exception_ptr> failures(threads);
    auto work = [&](unsigned worker) {
        try {
            for (size_t i = next++; i < files.size(); i = next++) read_and_parse(files[i], out[i]);
        } catch (...) {
            // parse() turns user errors into diagnostics; what gets here is a bug or bad_alloc, rethrown below.
            failures[worker] = std::current_exception();
            next = files.size();
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& thread : pool) thread.join();
    for (auto& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }
}

}  // namespace

Compiled compile_specs(const std::vector<std::string>& paths, const schema::Schema& schema, DiagnosticSink& sink,
                       unsigned threads) {
    Compiled out;
    std::vector<InputError> errors;
    std::vector<std::string> files = expand_spec_paths(paths, &errors);
    std::vector<ParsedFile> results(files.size());
    parse_all(files, results, threads);

    // Merged in file order, through add() so the per-file cap applies exactly as if `sink` had been used directly:
    // the output is the same for any number of threads.
    std::vector<ast::File> parsed;
    for (auto& result : results) {
        if (!result.file) {
            errors.push_back(result.error);
            continue;
        }
        sink.append(result.sink);
        parsed.push_back(std::move(*result.file));
    }
    for (const auto& error : errors) out.input_errors.push_back("cannot read `" + error.path + "`: " + error.message);
    out.file_count = parsed.size();
    out.catalog = semantic::check(std::move(parsed), schema, sink);
    return out;
}

void report_findings(const semantic::Catalog& catalog, ir::scalar::AsOf as_of, DiagnosticSink& sink) {
    std::vector<optimize::Finding> findings;
    engine::CompileOptions options;
    options.findings = &findings;
    engine::compile(catalog, as_of, options);
    for (const auto& finding : findings) {
        const auto& file = catalog.files[catalog.segments[finding.segment].file];
        if (code_info(finding.code).id[0] == 'E') {
            sink.error(finding.code, file.source, finding.span, finding.message, finding.hint);
        } else {
            sink.warning(finding.code, file.source, finding.span, finding.message, finding.hint);
        }
    }
}

}  // namespace segmint::frontend
