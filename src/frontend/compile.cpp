#include "frontend/compile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "common/limits.h"
#include "common/parallel.h"
#include "engine/engine.h"
#include "engine/schema_checks.h"
#include "frontend/inputs.h"
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
    auto schema = schema::load_schema(source, sink);
    if (schema && !engine::compile_schema_checks(*schema, sink)) return std::nullopt;
    return schema;
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

// Parses files[i] into out[i] on up to `threads` threads (0: one per core), each taking the next unparsed file.
// parse() turns user errors into diagnostics; an exception is a bug or bad_alloc, rethrown by parallel_for.
void parse_all(const std::vector<std::string>& files, std::vector<ParsedFile>& out, unsigned threads) {
    parallel_for(files.size(), threads_or_cores(threads),
                 [&](uint64_t i, unsigned) { read_and_parse(files[i], out[i]); });
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

void report_findings(const semantic::Catalog& catalog, scalar::AsOf as_of, DiagnosticSink& sink) {
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
