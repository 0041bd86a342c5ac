// The public API (include/segmint/segmint.h) over the stages.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "common/calendar.h"
#include "common/suggest.h"
#include "data/csv_loader.h"
#include "data/events.h"
#include "engine/engine.h"
#include "engine/schema_checks.h"
#include "engine/single_row.h"
#include "frontend/compile.h"
#include "report/diagnostic_render.h"
#include "segmint/segmint.h"
#include "syntax/parse.h"

namespace segmint {

struct Schema::Impl {
    schema::Schema schema;
    std::unordered_map<std::string, size_t> index;  // column name -> schema index

    explicit Impl(schema::Schema s) : schema(std::move(s)) {
        for (size_t i = 0; i < schema.columns.size(); ++i) index.emplace(schema.columns[i].name, i);
    }
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
    scalar::AsOf as_of = engine::as_of_now();
    if (!as_of_text.empty() && !engine::parse_as_of(as_of_text, &as_of)) {
        sink.sort();
        report_problems(sink, problems);
        report_input_error("as-of `" + as_of_text + "` is not a date (YYYY-MM-DD)", problems);
        return nullptr;
    }
    // What compiling finds (E112 date arithmetic leaving the calendar, W004), as `segmint check` reports it.
    if (!sink.has_errors()) frontend::report_findings(catalog, as_of, sink);
    sink.sort();
    report_problems(sink, problems);
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
    auto loaded = frontend::load_schema_file(path, sink, &input_errors);
    for (const auto& e : input_errors) report_input_error(e, problems);
    report_problems(sink, problems);
    if (!loaded) return nullptr;
    auto out = std::make_shared<Schema>();
    out->impl = std::make_shared<const Impl>(std::move(*loaded));
    return out;
}

std::shared_ptr<const Schema> Schema::parse(const std::string& yaml, const std::string& name,
                                            std::vector<Problem>* problems) {
    DiagnosticSink sink;
    auto loaded = schema::load_schema(std::make_shared<const Source>(name, yaml), sink);
    if (loaded && !engine::compile_schema_checks(*loaded, sink)) loaded.reset();
    report_problems(sink, problems);
    if (!loaded) return nullptr;
    auto out = std::make_shared<Schema>();
    out->impl = std::make_shared<const Impl>(std::move(*loaded));
    return out;
}

std::vector<std::string> Schema::column_names() const { return impl->schema.column_names(); }

std::shared_ptr<const Catalog> Catalog::compile(std::shared_ptr<const Schema> schema,
                                                const std::vector<std::string>& paths, const std::string& as_of,
                                                std::vector<Problem>* problems) {
    DiagnosticSink sink;
    frontend::Compiled compiled = frontend::compile_specs(paths, schema->impl->schema, sink);
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

namespace {

// The customers' CSV file, its rows checked against the schema's facts.
std::optional<data::Table> load_customers(const schema::Schema& schema, const std::string& path, std::string* error) {
    data::CsvError csv_error;
    data::CsvOptions options;
    options.check_rows = engine::schema_row_check(schema);
    auto table = data::load_csv(path, schema, &csv_error, options);
    if (!table && error) *error = csv_error.to_string();
    return table;
}

}  // namespace

std::shared_ptr<const Table> Table::load_csv(std::shared_ptr<const Schema> schema, const std::string& path,
                                             std::string* error) {
    auto table = load_customers(schema->impl->schema, path, error);
    if (!table) return nullptr;
    auto out = std::make_shared<Table>();
    out->impl = std::make_shared<const Impl>(Impl{std::move(*table)});
    return out;
}

std::shared_ptr<const Table> Table::load_csv(std::shared_ptr<const Schema> schema, const std::string& path,
                                             const std::map<std::string, std::string>& events, std::string* error) {
    const schema::Schema& customer_schema = schema->impl->schema;
    for (const auto& [name, file] : events) {
        if (customer_schema.find_events(name)) continue;
        const std::string hint = did_you_mean(name, customer_schema.event_names());
        if (error) *error = "the schema has no event table `" + name + "`" + (hint.empty() ? "" : "; " + hint);
        return nullptr;
    }
    auto customers = load_customers(customer_schema, path, error);
    if (!customers) return nullptr;
    data::Table& table = *customers;
    auto loaded = std::make_shared<data::EventSet>();
    for (const schema::EventTable& definition : customer_schema.events) {
        auto file = events.find(definition.name);
        if (file == events.end()) {
            loaded->tables.push_back(data::no_events(table, definition));
            continue;
        }
        data::CsvError csv_error;
        auto grouped = data::load_events_csv(file->second, table, definition, &csv_error);
        if (!grouped) {
            if (error) *error = csv_error.to_string();
            return nullptr;
        }
        loaded->tables.push_back(std::move(*grouped));
    }
    table.set_events(std::move(loaded));
    auto out = std::make_shared<Table>();
    out->impl = std::make_shared<const Impl>(Impl{std::move(table)});
    return out;
}

uint64_t Table::rows() const { return impl->table.rows(); }

uint64_t Table::orphan_events(const std::string& events) const {
    const data::EventSet* loaded = impl->table.events();
    const schema::EventTable* definition = impl->table.schema().find_events(events);
    if (!loaded || !definition) return 0;
    return loaded->tables.at(static_cast<size_t>(definition - impl->table.schema().events.data())).orphans;
}

Result evaluate(const Catalog& catalog, const Table& table, const EvaluateOptions& options) {
    const data::EventSet* events = table.impl->table.events();
    for (const auto& aggregate : catalog.impl->compiled.aggregates) {
        if (events && aggregate->events < events->tables.size() && events->tables[aggregate->events].loaded) continue;
        throw std::invalid_argument("the catalog's rules read event table `" +
                                    table.impl->table.schema().events.at(aggregate->events).name +
                                    "`, which the table was loaded without; pass its file to Table::load_csv");
    }
    auto impl = std::make_shared<Result::Impl>();
    impl->catalog = catalog.impl;
    impl->rows = table.rows();
    impl->memberships =
        engine::evaluate(catalog.impl->compiled, table.impl->table,
                         options.reference ? engine::Evaluator::Reference : engine::Evaluator::Vm, options.threads);
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

// ---- One customer at a time -------------------------------------------------------------------------------------

namespace {

// A column's value in a Customer; NULL unless `present`.
struct Slot {
    bool present = false;
    int64_t i64 = 0;  // Int, Timestamp
    double f64 = 0;   // Number
    int32_t i32 = 0;  // Date; Enum index
    bool boolean = false;
    std::string str;                // String
    std::vector<std::string> list;  // StringList: items [0, list_size)
    size_t list_size = 0;
};

}  // namespace

struct Customer::Impl {
    std::shared_ptr<const Schema::Impl> schema;
    std::vector<Slot> slots;  // by schema index
    std::string error;

    // The slot of `column` when it exists and has one of `types`; otherwise records why not and returns null.
    Slot* slot(const std::string& column, std::initializer_list<schema::ColumnType> types, const char* given) {
        auto it = schema->index.find(column);
        if (it == schema->index.end()) {
            std::string hint = did_you_mean(column, schema->schema.column_names());
            fail("unknown column `" + column + "`" + (hint.empty() ? "" : "; " + hint));
            return nullptr;
        }
        const schema::Column& definition = schema->schema.columns[it->second];
        for (auto type : types) {
            if (definition.type == type) return &slots[it->second];
        }
        fail("column `" + column + "` is " + schema::column_type_name(definition.type) + "; cannot set it to " + given);
        return nullptr;
    }
    bool fail(std::string message) {
        if (error.empty()) error = std::move(message);
        return false;
    }
    const schema::Column& definition(const Slot* slot) const {
        return schema->schema.columns[static_cast<size_t>(slot - slots.data())];
    }
};

Customer::Customer(std::shared_ptr<const Schema> schema) : impl(std::make_unique<Impl>()) {
    impl->schema = schema->impl;
    impl->slots.resize(impl->schema->schema.columns.size());
}
Customer::Customer(const Customer& other) : impl(std::make_unique<Impl>(*other.impl)) {}
Customer& Customer::operator=(const Customer& other) {
    if (this != &other) *impl = *other.impl;
    return *this;
}
Customer::Customer(Customer&&) noexcept = default;
Customer& Customer::operator=(Customer&&) noexcept = default;
Customer::~Customer() = default;

bool Customer::set(const std::string& column, long long value) {
    using T = schema::ColumnType;
    Slot* slot = impl->slot(column, {T::Int, T::Number}, "an integer");
    if (!slot) return false;
    if (impl->definition(slot).type == T::Number)
        slot->f64 = static_cast<double>(value);
    else
        slot->i64 = value;
    slot->present = true;
    return true;
}

bool Customer::set(const std::string& column, double value) {
    Slot* slot = impl->slot(column, {schema::ColumnType::Number}, "a number");
    if (!slot) return false;
    slot->f64 = value;
    slot->present = true;
    return true;
}

bool Customer::set(const std::string& column, bool value) {
    Slot* slot = impl->slot(column, {schema::ColumnType::Bool}, "a bool");
    if (!slot) return false;
    slot->boolean = value;
    slot->present = true;
    return true;
}

bool Customer::set(const std::string& column, const std::string& value) {
    using T = schema::ColumnType;
    Slot* slot = impl->slot(column, {T::String, T::Enum, T::Date, T::Timestamp}, "a string");
    if (!slot) return false;
    const schema::Column& definition = impl->definition(slot);
    switch (definition.type) {
        case T::String: slot->str = value; break;
        case T::Enum: {
            auto index = definition.enum_index(value);
            if (!index) {
                std::string values;
                for (const auto& v : definition.enum_values) values += (values.empty() ? "" : ", ") + v;
                return impl->fail("`" + value + "` is not a value of enum column `" + column + "` (" + values + ")");
            }
            slot->i32 = static_cast<int32_t>(*index);
            break;
        }
        case T::Date: {
            auto days = calendar::parse_date(value);
            if (!days) return impl->fail("`" + value + "` is not a date (YYYY-MM-DD) for column `" + column + "`");
            slot->i32 = *days;
            break;
        }
        default: {
            auto micros = calendar::parse_timestamp(value);
            if (!micros) {
                return impl->fail("`" + value + "` is not an ISO 8601 timestamp for column `" + column + "`");
            }
            slot->i64 = *micros;
            break;
        }
    }
    slot->present = true;
    return true;
}

bool Customer::set(const std::string& column, const Date& value) {
    using T = schema::ColumnType;
    Slot* slot = impl->slot(column, {T::Date, T::Timestamp}, "a date");
    if (!slot) return false;
    calendar::CivilDate civil{value.year, value.month, value.day};
    if (value.year < 1 || value.year > 9999 || !calendar::is_valid(civil)) {
        return impl->fail("date " + std::to_string(value.year) + "-" + std::to_string(value.month) + "-" +
                          std::to_string(value.day) + " does not exist (column `" + column + "`)");
    }
    int32_t days = calendar::days_from_civil(civil);
    if (impl->definition(slot).type == T::Date)
        slot->i32 = days;
    else
        slot->i64 = scalar::date_to_timestamp(days);
    slot->present = true;
    return true;
}

bool Customer::set(const std::string& column, const std::vector<std::string>& items) {
    Slot* slot = impl->slot(column, {schema::ColumnType::StringList}, "a list");
    if (!slot) return false;
    if (slot->list.size() < items.size()) slot->list.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) slot->list[i] = items[i];
    slot->list_size = items.size();
    slot->present = true;
    return true;
}

bool Customer::set_null(const std::string& column) {
    using T = schema::ColumnType;
    Slot* slot = impl->slot(
        column, {T::Int, T::Number, T::String, T::Bool, T::Date, T::Timestamp, T::Enum, T::StringList}, "NULL");
    if (!slot) return false;
    slot->present = false;
    return true;
}

void Customer::clear() {
    for (auto& slot : impl->slots) slot.present = false;
    impl->error.clear();
}

const std::string& Customer::error() const { return impl->error; }

struct CustomerEvaluator::Impl {
    std::shared_ptr<const Catalog::Impl> catalog;
    std::unique_ptr<engine::SingleRowEvaluator> row;

    bool same_schema(const Schema::Impl& other) const {
        const auto& mine = catalog->schema->schema.columns;
        const auto& theirs = other.schema.columns;
        if (mine.size() != theirs.size()) return false;
        for (size_t i = 0; i < mine.size(); ++i) {
            if (mine[i].name != theirs[i].name || mine[i].type != theirs[i].type ||
                mine[i].enum_values != theirs[i].enum_values) {
                return false;
            }
        }
        return true;
    }
};

CustomerEvaluator::CustomerEvaluator(std::shared_ptr<const Catalog> catalog, const CustomerEvaluatorOptions& options)
    : impl(std::make_unique<Impl>()) {
    impl->catalog = catalog->impl;
    if (!impl->catalog->compiled.aggregates.empty()) {
        // A lone customer has no events: its aggregates would all read 0, FALSE or NULL.
        throw std::invalid_argument(
            "the catalog's rules read event aggregates, which need event tables; evaluate it "
            "over a Table instead");
    }
    impl->row = std::make_unique<engine::SingleRowEvaluator>(
        impl->catalog->compiled, impl->catalog->schema->schema,
        options.reference ? engine::Evaluator::Reference : engine::Evaluator::Vm);
}
CustomerEvaluator::CustomerEvaluator(CustomerEvaluator&&) noexcept = default;
CustomerEvaluator& CustomerEvaluator::operator=(CustomerEvaluator&&) noexcept = default;
CustomerEvaluator::~CustomerEvaluator() = default;

bool CustomerEvaluator::evaluate(const Customer& customer, CustomerMembership* out, std::string* error) {
    const Customer::Impl& c = *customer.impl;
    if (!c.error.empty()) {
        if (error) *error = c.error;
        return false;
    }
    if (c.schema != impl->catalog->schema && !impl->same_schema(*c.schema)) {
        if (error) *error = "the customer was built for a schema with other columns than the catalog's";
        return false;
    }
    using T = schema::ColumnType;
    engine::SingleRowEvaluator& row = *impl->row;
    const auto& columns = impl->catalog->schema->schema.columns;
    for (size_t i = 0; i < columns.size(); ++i) {
        const Slot& slot = c.slots[i];
        if (!slot.present) {
            row.set_null(i);
            continue;
        }
        switch (columns[i].type) {
            case T::Int: row.set_int(i, slot.i64); break;
            case T::Number: row.set_number(i, slot.f64); break;
            case T::Bool: row.set_bool(i, slot.boolean); break;
            case T::Date: row.set_date(i, slot.i32); break;
            case T::Timestamp: row.set_timestamp(i, slot.i64); break;
            case T::String: row.set_string(i, slot.str); break;
            case T::Enum: row.set_enum(i, slot.i32); break;
            case T::StringList: row.set_list(i, slot.list.data(), slot.list_size); break;
        }
    }
    const std::vector<data::Bitmap>& bits = row.evaluate();
    out->member.resize(bits.size());
    out->segments.clear();
    for (size_t s = 0; s < bits.size(); ++s) {
        bool in = bits[s].get(0);
        out->member[s] = in;
        if (in) out->segments.push_back(static_cast<uint32_t>(s));
    }
    return true;
}

std::vector<std::string> CustomerEvaluator::segments_of(const Customer& customer, std::string* error) {
    CustomerMembership membership;
    std::vector<std::string> names;
    if (!evaluate(customer, &membership, error)) return names;
    for (uint32_t s : membership.segments) names.push_back(impl->catalog->compiled.segment_names[s]);
    return names;
}

const std::vector<std::string>& CustomerEvaluator::segment_names() const {
    return impl->catalog->compiled.segment_names;
}

}  // namespace segmint
