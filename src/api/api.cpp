// The public API (include/segmint/segmint.h) over the stages.
#include <algorithm>

#include "cli/compile.h"
#include "data/csv_loader.h"
#include "engine/engine.h"
#include "report/diagnostic_render.h"
#include "segmint/segmint.h"
#include "syntax/parse.h"

namespace segmint {

struct Schema::Impl {
    schema::Schema schema;
};
struct Catalog::Impl {
    std::shared_ptr<const Schema::Impl> schema;  // keeps the schema alive: the catalog refers to it
    semantic::Catalog catalog;
    engine::CompiledCatalog compiled;
};
struct Table::Impl {
    data::Table table;
};
struct Result::Impl {
    std::shared_ptr<const Catalog::Impl> catalog;
    uint64_t rows = 0;
    std::vector<data::Bitmap> memberships;
    const data::Bitmap* find(const std::string& segment) const {
        auto it = catalog->catalog.segment_index.find(segment);
        return it == catalog->catalog.segment_index.end() ? nullptr : &memberships[it->second];
    }
};

namespace {

void report_problems(const DiagnosticSink& sink, std::vector<Problem>* problems) {
    if (!problems) return;
    for (const auto& d : sink.diagnostics()) {
        Problem p;
        if (d.source) {
            LineColumn at = d.source->location(d.span.begin);
            p.file = d.source->name();
            p.line = at.line;
            p.column = at.column;
        }
        p.is_error = d.severity == Severity::Error;
        p.code = code_info(d.code).id;
        p.message = d.message;
        p.text = report::render_text(d);
        problems->push_back(std::move(p));
    }
}

void report_input_error(const std::string& message, std::vector<Problem>* problems) {
    if (!problems) return;
    Problem p;
    p.message = message;
    p.text = "error: " + message + "\n";
    problems->push_back(std::move(p));
}

std::shared_ptr<const Catalog> finish_catalog(std::shared_ptr<const Schema> schema, semantic::Catalog catalog,
                                              DiagnosticSink& sink, const std::string& as_of_text,
                                              std::vector<Problem>* problems) {
    sink.sort();
    report_problems(sink, problems);
    ir::scalar::AsOf as_of = engine::as_of_today();
    if (!as_of_text.empty() && !engine::parse_as_of(as_of_text, &as_of)) {
        report_input_error("as-of `" + as_of_text + "` is not a date (YYYY-MM-DD)", problems);
        return nullptr;
    }
    if (sink.has_errors()) return nullptr;
    auto impl = std::make_shared<Catalog::Impl>();
    impl->schema = schema->impl;
    impl->catalog = std::move(catalog);
    impl->compiled = engine::compile(impl->catalog, as_of);
    auto out = std::make_shared<Catalog>();
    out->impl = impl;
    return out;
}

}  // namespace

std::shared_ptr<const Schema> Schema::load(const std::string& path, std::vector<Problem>* problems) {
    DiagnosticSink sink;
    std::vector<std::string> input_errors;
    auto loaded = cli::load_schema_file(path, sink, &input_errors);
    for (const auto& e : input_errors) report_input_error(e, problems);
    report_problems(sink, problems);
    if (!loaded) return nullptr;
    auto out = std::make_shared<Schema>();
    out->impl = std::make_shared<const Impl>(Impl{std::move(*loaded)});
    return out;
}

std::shared_ptr<const Schema> Schema::parse(const std::string& yaml, const std::string& name,
                                            std::vector<Problem>* problems) {
    DiagnosticSink sink;
    auto loaded = schema::load_schema(std::make_shared<const Source>(name, yaml), sink);
    report_problems(sink, problems);
    if (!loaded) return nullptr;
    auto out = std::make_shared<Schema>();
    out->impl = std::make_shared<const Impl>(Impl{std::move(*loaded)});
    return out;
}

std::vector<std::string> Schema::column_names() const { return impl->schema.column_names(); }

std::shared_ptr<const Catalog> Catalog::compile(std::shared_ptr<const Schema> schema,
                                                const std::vector<std::string>& paths, const std::string& as_of,
                                                std::vector<Problem>* problems) {
    DiagnosticSink sink;
    cli::Compiled compiled = cli::compile_specs(paths, schema->impl->schema, sink);
    for (const auto& e : compiled.input_errors) report_input_error(e, problems);
    if (!compiled.input_errors.empty()) return nullptr;
    return finish_catalog(schema, std::move(compiled.catalog), sink, as_of, problems);
}

std::shared_ptr<const Catalog> Catalog::compile_text(std::shared_ptr<const Schema> schema, const std::string& text,
                                                     const std::string& name, const std::string& as_of,
                                                     std::vector<Problem>* problems) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>(name, text), sink));
    semantic::Catalog catalog = semantic::check(std::move(files), schema->impl->schema, sink);
    return finish_catalog(schema, std::move(catalog), sink, as_of, problems);
}

std::vector<std::string> Catalog::segments() const { return impl->compiled.segment_names; }

std::string Catalog::title(const std::string& segment) const {
    auto it = impl->catalog.segment_index.find(segment);
    if (it == impl->catalog.segment_index.end()) return {};
    const auto& title = impl->catalog.definition(it->second).title;
    return title ? *title : std::string();
}

std::shared_ptr<const Table> Table::load_csv(std::shared_ptr<const Schema> schema, const std::string& path,
                                             std::string* error) {
    data::CsvError csv_error;
    auto table = data::load_csv(path, schema->impl->schema, &csv_error);
    if (!table) {
        if (error) *error = csv_error.to_string();
        return nullptr;
    }
    auto out = std::make_shared<Table>();
    out->impl = std::make_shared<const Impl>(Impl{std::move(*table)});
    return out;
}

uint64_t Table::rows() const { return impl->table.rows(); }

Result evaluate(const Catalog& catalog, const Table& table, const EvaluateOptions& options) {
    auto impl = std::make_shared<Result::Impl>();
    impl->catalog = catalog.impl;
    impl->rows = table.rows();
    impl->memberships = engine::evaluate(catalog.impl->compiled, table.impl->table,
                                         options.reference ? engine::Evaluator::Reference : engine::Evaluator::Vm,
                                         options.threads);
    Result result;
    result.impl = impl;
    return result;
}

uint64_t Result::rows() const { return impl->rows; }

uint64_t Result::count(const std::string& segment) const {
    const data::Bitmap* bits = impl->find(segment);
    return bits ? bits->count() : 0;
}

bool Result::contains(const std::string& segment, uint64_t row) const {
    const data::Bitmap* bits = impl->find(segment);
    return bits && row < bits->size() && bits->get(row);
}

std::vector<uint64_t> Result::member_rows(const std::string& segment) const {
    std::vector<uint64_t> rows;
    const data::Bitmap* bits = impl->find(segment);
    if (!bits) return rows;
    for (uint64_t w = 0; w < bits->word_count(); ++w) {
        for (uint64_t word = bits->words()[w]; word != 0; word &= word - 1) {
            rows.push_back(w * 64 + static_cast<uint64_t>(__builtin_ctzll(word)));
        }
    }
    return rows;
}

}  // namespace segmint
