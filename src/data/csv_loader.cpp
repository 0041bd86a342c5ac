// The CSV loader's entry points: load_csv and load_csv_text open their input, load it on the threads asked for
// (serially when one is enough or the parallel load fails), and check the key column. The loader itself is in the
// csv_*.cpp files beside this one.
#include "data/csv_loader.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "data/csv_input.h"
#include "data/csv_parallel.h"
#include "data/csv_record_loader.h"
#include "data/csv_values.h"
#include "data/keys.h"

namespace segmint::data {

std::string CsvError::to_string() const {
    std::string out = path;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
    }
    out += ": error: ";
    out += message;
    return out;
}

namespace {

using csv::describe;
using csv::FileInput;
using csv::Input;
using csv::load_in_ranges;
using csv::Loader;
using csv::MemoryInput;
using csv::ProducedInput;
using csv::RangeInput;
using csv::threads_for;

std::optional<Table> load_unchecked(Input& input, const std::string& path, const schema::Schema& schema,
                                    CsvError* error, const CsvOptions& options);

// The lines where `rows` (sorted, 0-based) start, found by reading the records again; `header` receives the header.
std::vector<uint64_t> lines_of(const Input& input, const std::string& path, const schema::Schema& schema,
                               const CsvOptions& options, std::vector<uint64_t> rows,
                               std::vector<std::string>* header) {
    RangeInput again(input, 0, input.total_bytes());
    CsvOptions quiet = options;
    quiet.progress = nullptr;
    Loader locator(again, path, schema, quiet);
    std::vector<uint64_t> lines = locator.lines_of(std::move(rows));
    *header = locator.header();
    return lines;
}

// A loaded table with a row that CsvOptions::check_rows refuses becomes an error at that row's line.
std::optional<Table> with_checked_rows(std::optional<Table> table, const Input& input, const std::string& path,
                                       const schema::Schema& schema, CsvError* error, const CsvOptions& options) {
    if (!table || !options.check_rows) return table;
    auto problem = options.check_rows(*table);
    if (!problem) return table;
    table.reset();
    std::vector<std::string> header;
    const std::vector<uint64_t> lines = lines_of(input, path, schema, options, {problem->first}, &header);
    *error = CsvError{path, lines.empty() ? 0 : lines.front(), 0, "", std::move(problem->second)};
    return std::nullopt;
}

// A loaded table whose key column has an empty or repeated key becomes an error at the record's line.
std::optional<Table> with_checked_key(std::optional<Table> table, const Input& input, const std::string& path,
                                      const schema::Schema& schema, CsvError* error, const CsvOptions& options) {
    if (!table || !options.check_key) return table;
    const std::optional<KeyProblem> problem = find_key_problem(*table);
    if (!problem) return table;
    const bool duplicate = problem->kind == KeyProblem::Kind::Duplicate;
    std::vector<uint64_t> rows = {problem->row};
    if (duplicate) rows.insert(rows.begin(), problem->first_row);
    table.reset();  // the records are read again to find their lines: the table's memory goes first
    std::vector<std::string> header;
    const std::vector<uint64_t> lines = lines_of(input, path, schema, options, rows, &header);
    const uint64_t key_field =
        static_cast<uint64_t>(std::find(header.begin(), header.end(), schema.key) - header.begin()) + 1;
    *error = CsvError{path, lines.empty() ? 0 : lines.back(), key_field, schema.key, ""};
    if (duplicate) {
        const bool is_int = schema.find(schema.key) && schema.find(schema.key)->type == schema::ColumnType::Int;
        error->message = "column `" + schema.key + "`: key " + (is_int ? problem->key : describe(problem->key)) +
                         " is also the key on line " + std::to_string(lines.empty() ? 0 : lines.front()) +
                         "; every customer has a key of its own";
    } else {
        error->message = "column `" + schema.key + "`: the key is empty; every customer needs one (the schema's `key`)";
    }
    return std::nullopt;
}

// Loads `input` on the threads options ask for; serially when one is enough or when the parallel load fails.
std::optional<Table> load_input(Input& input, const std::string& path, const schema::Schema& schema, CsvError* error,
                                const CsvOptions& options) {
    return with_checked_rows(
        with_checked_key(load_unchecked(input, path, schema, error, options), input, path, schema, error, options),
        input, path, schema, error, options);
}

std::optional<Table> load_unchecked(Input& input, const std::string& path, const schema::Schema& schema,
                                    CsvError* error, const CsvOptions& options) {
    const unsigned threads = threads_for(options, input.total_bytes());
    if (options.threads_used != nullptr) *options.threads_used = 1;
    if (threads <= 1) return Loader(input, path, schema, options).run(error);
    // Progress never goes back, even when a failed parallel load is redone serially.
    CsvOptions monotonic = options;
    uint64_t reported = 0;
    if (options.progress) {
        monotonic.progress = [&](uint64_t done, uint64_t total) {
            if (done < reported) return;
            reported = done;
            options.progress(done, total);
        };
    }
    unsigned workers = 1;
    if (auto table = load_in_ranges(input, path, schema, monotonic, threads, &workers)) {
        if (options.threads_used != nullptr) *options.threads_used = workers;
        return table;
    }
    // The parallel load read through read_at(): read() still starts at the beginning.
    return Loader(input, path, schema, monotonic).run(error);
}

}  // namespace

std::optional<Table> load_csv(const std::string& path, const schema::Schema& schema, CsvError* error,
                              const CsvOptions& options) {
    FileInput input;
    std::string message;
    if (!input.open(path, &message)) {
        *error = CsvError{path, 0, 0, "", message};
        return std::nullopt;
    }
    return load_input(input, path, schema, error, options);
}

std::optional<Table> load_csv_text(std::string_view text, const std::string& name, const schema::Schema& schema,
                                   CsvError* error, const CsvOptions& options) {
    MemoryInput input(text);
    return load_input(input, name, schema, error, options);
}

std::optional<Table> load_csv_produced(const std::function<bool(const CsvPieces& write)>& produce,
                                       const std::string& name, const schema::Schema& schema, CsvError* error,
                                       const CsvOptions& options, std::string* text) {
    ProducedInput input;
    bool produced = false;
    // The producer always runs to its end (a database stream must be drained), also when the records fail first.
    // What it throws (out of memory in a driver) is thrown here after the join: escaping the thread would end the
    // process, and the reader would wait for the end of input forever without finish().
    std::exception_ptr producer_failure;
    std::thread producer([&] {
        try {
            produced = produce([&](std::string piece) { input.write(std::move(piece)); });
        } catch (...) {
            producer_failure = std::current_exception();
        }
        input.finish();
    });
    std::optional<Table> table;
    try {
        CsvOptions serial = options;
        serial.threads = 1;
        table = Loader(input, name, schema, serial).run(error);
    } catch (...) {
        producer.join();
        throw;
    }
    producer.join();
    if (producer_failure) std::rethrow_exception(producer_failure);
    if (!produced) {
        *error = CsvError{name, 0, 0, "", ""};
        *text = input.text();
        return std::nullopt;
    }
    table = with_checked_rows(with_checked_key(std::move(table), input, name, schema, error, options), input, name,
                              schema, error, options);
    if (!table) *text = input.text();
    return table;
}

}  // namespace segmint::data
