// Database sources against PostgreSQL's own tools (docs/sources.md, docs/performance.md "Database sources"), timed in
// one process against one server holding the demo retailer's customers:
//   load        `--source postgresql://` reading the customer table into columns (Connection::load_customers, as
//               `eval` does), against PostgreSQL's `COPY customers TO 'file'` (the server writing the file itself:
//               the fastest export it has) and against `COPY ... TO STDOUT` drained by a client into a file (what
//               psql's \copy does); the variants timed in turns, medians of --repeat runs. segmint reads the table
//               as binary COPY (sources/postgres_binary.h): the server's binary COPY TO 'file' is shown too
//   push-down   the generated catalog (tests/benchmark/generated_catalog.h; 200 segments by default) as
//               `eval --push-down` runs it (one `segmint sql --mode counts` query in the database, only the counts
//               read back) against evaluating it here (load from the source, then the VM on 2 threads); the query
//               plan's scans of the customer table are counted (one, not one per segment), and every segment's count
//               must be equal on both paths (exit 1 if not)
// tests/benchmark/postgres_benchmark.sh starts a throwaway server, loads N generated customers and runs this.
//   segmint_sources_benchmark --url URL --copy-file PATH [--repeat K] [--catalog N]
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/diagnostic.h"
#include "engine/engine.h"
#include "frontend/compile.h"
#include "generate/synthetic.h"
#include "generated_catalog.h"
#include "sources/source.h"
#include "sql/sql.h"
#include "timing.h"

#ifndef SEGMINT_SOURCE_DIR
#define SEGMINT_SOURCE_DIR "."
#endif

using namespace segmint;

namespace {

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "segmint_sources_benchmark: %s\n", message.c_str());
    std::exit(2);
}

// A plain libpq connection for the baselines, which must not go through Segmint's reader.
class Session {
public:
    explicit Session(const std::string& url) : connection_(PQconnectdb(url.c_str())) {
        if (PQstatus(connection_) != CONNECTION_OK) fail(PQerrorMessage(connection_));
    }
    ~Session() { PQfinish(connection_); }

    // Runs `sql`, which must succeed; its rows' first column.
    std::vector<std::string> run(const std::string& sql) {
        PGresult* result = PQexec(connection_, sql.c_str());
        const auto status = PQresultStatus(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(sql + ": " + PQresultErrorMessage(result));
        std::vector<std::string> rows;
        for (int r = 0; r < PQntuples(result); ++r) rows.emplace_back(PQgetvalue(result, r, 0));
        PQclear(result);
        return rows;
    }

    // `COPY (query) TO STDOUT` written to `path` by this client, as psql's \copy does; the bytes written.
    uint64_t copy_out_to_file(const std::string& copy, const std::string& path) {
        PGresult* result = PQexec(connection_, copy.c_str());
        if (PQresultStatus(result) != PGRES_COPY_OUT) fail(copy + ": " + PQresultErrorMessage(result));
        PQclear(result);
        FILE* out = std::fopen(path.c_str(), "wb");
        if (!out) fail("cannot write " + path);
        uint64_t bytes = 0;
        char* buffer = nullptr;
        int n = 0;
        while ((n = PQgetCopyData(connection_, &buffer, 0)) >= 0) {
            std::fwrite(buffer, 1, static_cast<size_t>(n), out);
            bytes += static_cast<uint64_t>(n);
            PQfreemem(buffer);
        }
        std::fclose(out);
        while ((result = PQgetResult(connection_)) != nullptr) {
            if (PQresultStatus(result) != PGRES_COMMAND_OK) fail(copy + ": " + PQresultErrorMessage(result));
            PQclear(result);
        }
        return bytes;
    }

private:
    PGconn* connection_;
};

std::unique_ptr<sources::Connection> open_source(const std::string& url) {
    std::string error;
    auto source = sources::Connection::open(url, {}, &error);
    if (!source) fail(error);
    return source;
}

data::Table load_customers(sources::Connection& source, const schema::Schema& schema) {
    data::CsvOptions options;
    options.threads = 0;  // one per core, as `eval` loads
    std::string error;
    auto table = source.load_customers(schema, options, &error);
    if (!table) fail(error);
    return std::move(*table);
}

}  // namespace

int main(int argc, char** argv) {
    std::string url, copy_file;
    int repeat = 3;
    size_t catalog_size = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--url"))
            url = argv[i + 1];
        else if (!std::strcmp(argv[i], "--copy-file"))
            copy_file = argv[i + 1];
        else if (!std::strcmp(argv[i], "--repeat"))
            repeat = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--catalog"))
            catalog_size = std::strtoull(argv[i + 1], nullptr, 10);
        else
            fail(std::string("unknown option ") + argv[i]);
    }
    if (url.empty() || copy_file.empty() || repeat < 1)
        fail("usage: segmint_sources_benchmark --url URL --copy-file PATH [--repeat K] [--catalog N]");

    DiagnosticSink sink;
    std::vector<std::string> input_errors;
    auto schema = frontend::load_schema_file(SEGMINT_SOURCE_DIR "/specs/schema.yaml", sink, &input_errors);
    if (!schema) fail("specs/schema.yaml does not load");
    Session session(url);
    auto source = open_source(url);
    const std::string table_sql = "\"" + source->table_for(schema->table) + "\"";
    const uint64_t rows = std::strtoull(session.run("SELECT count(*) FROM " + table_sql)[0].c_str(), nullptr, 10);
    const std::string server_size = session.run("SELECT pg_size_pretty(pg_table_size('" + table_sql + "'))")[0];
    std::printf("PostgreSQL %s; table %s: %llu rows, %s on disk; %u cores\n",
                session.run("SHOW server_version")[0].c_str(), table_sql.c_str(), static_cast<unsigned long long>(rows),
                server_size.c_str(), std::thread::hardware_concurrency());

    // ---- load
    std::string columns;
    for (const auto& column : schema->columns) columns += (columns.empty() ? "" : ", ") + column.name;
    const std::string select = "SELECT " + columns + " FROM " + table_sql;
    uint64_t loaded_rows = 0, client_bytes = 0;
    const auto load_s = bench::interleaved_medians(
        repeat, {
                    [&] { session.run("COPY (" + select + ") TO '" + copy_file + "' WITH (FORMAT csv, HEADER)"); },
                    [&] {
                        client_bytes = session.copy_out_to_file(
                            "COPY (" + select + ") TO STDOUT WITH (FORMAT csv, HEADER)", copy_file + ".client");
                    },
                    [&] { loaded_rows = load_customers(*source, *schema).rows(); },
                    [&] { session.run("COPY (" + select + ") TO '" + copy_file + "' WITH (FORMAT binary)"); },
                });
    std::remove((copy_file + ".client").c_str());
    if (loaded_rows != rows)
        fail("--source loaded " + std::to_string(loaded_rows) + " rows of " + std::to_string(rows));
    const double mb = static_cast<double>(client_bytes) / 1e6;
    std::printf("\nload %llu customers (%.0f MB as CSV), median of %d, variants timed in turns:\n",
                static_cast<unsigned long long>(rows), mb, repeat);
    std::printf("  %-58s %8.2f s  %7.0f MB/s\n", "COPY TO 'file' (the server writes the file)", load_s[0],
                mb / load_s[0]);
    std::printf("  %-58s %8.2f s  %7.0f MB/s\n", "COPY TO STDOUT into a file by a client (psql \\copy)", load_s[1],
                mb / load_s[1]);
    std::printf("  %-58s %8.2f s  %7.0f MB/s\n", "--source postgresql:// into columns (segmint)", load_s[2],
                mb / load_s[2]);
    std::printf("  %-58s %8.2f s\n", "COPY TO 'file' WITH (FORMAT binary), as segmint reads it", load_s[3]);
    std::printf(
        "  segmint / COPY TO file: %.2fx the time (target <= 1.00x: %s); segmint / client copy: %.2fx;\n"
        "  segmint / binary COPY TO file: %.2fx\n",
        load_s[2] / load_s[0], load_s[2] <= load_s[0] ? "met" : "NOT MET", load_s[2] / load_s[1],
        load_s[2] / load_s[3]);

    if (catalog_size == 0) return 0;
    // ---- push-down
    scalar::AsOf as_of;
    engine::parse_as_of(std::string(generate::kSyntheticAsOf), &as_of);
    const auto catalog =
        bench::compile(bench::catalog_text(bench::generate_catalog(catalog_size)), *schema, as_of, nullptr, true);
    sql::Generator generator(catalog->catalog, as_of, source->dialect());
    std::vector<uint32_t> all;
    for (uint32_t s = 0; s < catalog->catalog.segments.size(); ++s) all.push_back(s);
    sql::QueryOptions query_options;
    query_options.table = source->table_for(schema->table);
    const std::string counts_sql = generator.query(all, query_options);
    size_t scans = 0;
    for (const auto& line : session.run("EXPLAIN " + counts_sql)) {
        scans += line.find("Scan on " + source->table_for(schema->table)) != std::string::npos;
    }
    std::vector<uint64_t> pushed, here;
    const auto eval_s = bench::interleaved_medians(
        repeat, {
                    [&] {
                        uint64_t counted = 0;
                        std::string error;
                        auto counts = source->run_counts(*schema, counts_sql, &counted, &error);
                        if (!counts) fail(error);
                        pushed = *counts;
                    },
                    [&] {
                        const data::Table table = load_customers(*source, *schema);
                        const auto bits = engine::evaluate(catalog->program, table, engine::Evaluator::Vm, 2);
                        here.clear();
                        for (uint32_t s : all) here.push_back(bits[s].count());
                    },
                });
    size_t differ = 0;
    for (size_t s = 0; s < all.size(); ++s) differ += pushed.at(s) != here.at(s);
    std::printf("\npush-down of %zu generated segments over %llu customers, median of %d, timed in turns:\n",
                all.size(), static_cast<unsigned long long>(rows), repeat);
    std::printf("  %-58s %8.2f s  (the plan scans the table %zu time%s)\n",
                "eval --push-down (one counts query in PostgreSQL)", eval_s[0], scans, scans == 1 ? "" : "s");
    std::printf("  %-58s %8.2f s\n", "eval --source (load into columns, then the VM, 2 threads)", eval_s[1]);
    std::printf("  push-down / eval here: %.2fx the time; per-segment counts: %s\n", eval_s[0] / eval_s[1],
                differ ? "DIFFER" : "equal on both paths");
    return differ || scans != 1 ? 1 : 0;
}
