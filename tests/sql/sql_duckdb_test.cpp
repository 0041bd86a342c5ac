// `segmint sql --dialect duckdb` against a real DuckDB: random rules over random NULL-heavy tables (the generator of
// the VM's differential test: extremes, overflow, month ends, non-ASCII text, regexes, lists) stored as docs/sql.md's
// storage contract says, the members, counts and views SQL run, and every member, every count and every view's size
// compared with the VM. Rules with a construct the dialect does not translate are counted by construct, not compared;
// most must translate. DuckDB runs in Node (@duckdb/node-api): every round's statements go to one run of
// tests/sql/duckdb_runner.cjs, which tests/sql/duckdb_differential.sh points this program at through
// SEGMINT_DUCKDB_RUNNER (the script) and SEGMINT_DUCKDB_MODULES (the node_modules folder); without them the test
// fails. Each database has `default_collation` NOCASE and string columns declared COLLATE NOCASE, so a text operation
// without COLLATE "binary" shows. Reproduce a failure with SEGMINT_SEED=<seed> SEGMINT_ROUNDS=1.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/calendar.h"
#include "engine/engine.h"
#include "random_rules.h"
#include "sql/sql.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
    const char* value = std::getenv(name);
    return value ? std::strtoull(value, nullptr, 10) : fallback;
}

// A string literal independent of the dialect's: quotes doubled, a NUL byte as chr(0).
std::string literal(std::string_view text) {
    std::string out = "('";
    for (char c : text) {
        if (c == '\0') {
            out += "' || chr(0) || '";
            continue;
        }
        out += c;
        if (c == '\'') out += c;
    }
    return out + "')";
}

// What DuckDB runs for one catalog (tests/sql/duckdb_runner.cjs): the statements that create the table as
// docs/sql.md stores it (text COLLATE NOCASE, in a session whose default collation is NOCASE), its rows, appended
// with their exact values, then the queries.
struct Job {
    std::vector<std::string> setup;
    nlohmann::json table;
    std::vector<std::string> statements;
};

void load(const data::Table& table, Job& job) {
    const schema::Schema& schema = table.schema();
    std::string columns;
    nlohmann::json types = nlohmann::json::array();
    for (const auto& column : schema.columns) {
        const char* type = "VARCHAR COLLATE NOCASE";
        const char* kind = "string";
        switch (column.type) {
            case schema::ColumnType::Int: type = "BIGINT", kind = "int"; break;
            case schema::ColumnType::Number: type = "DOUBLE", kind = "number"; break;
            case schema::ColumnType::Bool: type = "BOOLEAN", kind = "bool"; break;
            case schema::ColumnType::Date: type = "DATE", kind = "date"; break;
            case schema::ColumnType::Timestamp: type = "TIMESTAMPTZ", kind = "timestamp"; break;
            case schema::ColumnType::StringList: type = "VARCHAR[]", kind = "list"; break;
            default: break;
        }
        columns += (columns.empty() ? "\"" : ", \"") + column.name + "\" " + type;
        types.push_back(kind);
    }
    // A zone of +13:45 with daylight saving: SQL that reads TimeZone gets other dates than the language's UTC.
    job.setup = {"SET default_collation = 'nocase'", "SET TimeZone = 'Pacific/Chatham'",
                 "CREATE TABLE \"" + schema.table + "\" (" + columns + ")"};
    nlohmann::json rows = nlohmann::json::array();
    for (uint64_t row = 0; row < table.rows(); ++row) {
        nlohmann::json cells = nlohmann::json::array();
        for (size_t c = 0; c < schema.columns.size(); ++c) {
            const data::Column& column = table.column(c);
            if (column.is_null(row)) {
                cells.push_back(nullptr);
                continue;
            }
            switch (column.type) {
                case schema::ColumnType::Int: cells.push_back(std::to_string(column.int_at(row))); break;
                case schema::ColumnType::Number: cells.push_back(fmt::format("{}", column.f64[row])); break;
                case schema::ColumnType::Bool: cells.push_back(column.bools.get(row) != 0); break;
                case schema::ColumnType::Date: cells.push_back(calendar::format_date(column.i32[row])); break;
                case schema::ColumnType::Timestamp: cells.push_back(std::to_string(column.i64[row])); break;
                case schema::ColumnType::String:
                case schema::ColumnType::Enum: cells.push_back(std::string(column.string_at(row))); break;
                case schema::ColumnType::StringList: {
                    nlohmann::json items = nlohmann::json::array();
                    for (uint64_t k = column.list_begin(row); k < column.list_end(row); ++k)
                        items.push_back(std::string(column.dictionary.value(column.list_codes[k])));
                    cells.push_back(std::move(items));
                    break;
                }
            }
        }
        rows.push_back(std::move(cells));
    }
    job.table = {{"name", schema.table}, {"types", std::move(types)}, {"rows", std::move(rows)}};
}

// A customer's values, as the failure message shows them.
std::string describe_row(const data::Table& table, uint64_t row) {
    std::string out;
    for (size_t c = 0; c < table.schema().columns.size(); ++c) {
        const data::Column& column = table.column(c);
        std::string value = "NULL";
        if (!column.is_null(row)) {
            switch (column.type) {
                case schema::ColumnType::Int: value = std::to_string(column.int_at(row)); break;
                case schema::ColumnType::Number: value = fmt::format("{}", column.f64[row]); break;
                case schema::ColumnType::Bool: value = column.bools.get(row) ? "true" : "false"; break;
                case schema::ColumnType::Date: value = calendar::format_date(column.i32[row]); break;
                case schema::ColumnType::Timestamp: value = calendar::format_timestamp(column.i64[row]); break;
                case schema::ColumnType::String:
                case schema::ColumnType::Enum: value = literal(column.string_at(row)); break;
                case schema::ColumnType::StringList: {
                    value.clear();
                    for (uint64_t k = column.list_begin(row); k < column.list_end(row); ++k)
                        value += (value.empty() ? "" : ", ") + literal(column.dictionary.value(column.list_codes[k]));
                    value = "[" + value + "]";
                    break;
                }
            }
        }
        out += (out.empty() ? "" : ", ") + table.schema().columns[c].name + " " + value;
    }
    return out;
}

using Rows = std::vector<std::vector<std::optional<std::string>>>;
struct Result {
    Rows rows;
    std::string error;  // empty when the statement ran
};

// Runs every job in its own DuckDB database through the Node runner.
std::vector<std::vector<Result>> run_duckdb(const std::vector<const Job*>& jobs, std::string* version) {
    const char* runner = std::getenv("SEGMINT_DUCKDB_RUNNER");
    const char* modules = std::getenv("SEGMINT_DUCKDB_MODULES");
    BOOST_REQUIRE_MESSAGE(runner && modules,
                          "SEGMINT_DUCKDB_RUNNER and SEGMINT_DUCKDB_MODULES are not set: run "
                          "tests/sql/duckdb_differential.sh, which installs DuckDB's Node package");
    const char* tmp = std::getenv("SEGMINT_DUCKDB_WORK");
    const std::filesystem::path work = tmp ? tmp : std::filesystem::temp_directory_path().string();
    const std::filesystem::path in = work / "duckdb_jobs.json", out = work / "duckdb_results.json";
    nlohmann::json document = {{"jobs", nlohmann::json::array()}};
    for (const Job* job : jobs)
        document["jobs"].push_back({{"setup", job->setup}, {"table", job->table}, {"statements", job->statements}});
    std::ofstream(in) << document.dump();
    const std::string command = fmt::format("node '{}' '{}' '{}' '{}'", runner, modules, in.string(), out.string());
    const int status = std::system(command.c_str());
    std::filesystem::remove(in);
    BOOST_REQUIRE_MESSAGE(status == 0, "the DuckDB runner failed: " << command);
    std::ifstream stream(out);
    const nlohmann::json results = nlohmann::json::parse(stream);
    stream.close();
    std::filesystem::remove(out);
    *version = results.at("version").get<std::string>();
    std::vector<std::vector<Result>> all;
    for (const auto& job : results.at("jobs")) {
        std::vector<Result> list;
        for (const auto& r : job.at("results")) {
            Result result;
            if (r.contains("error")) {
                result.error = r["error"].get<std::string>();
            } else {
                for (const auto& row : r.at("rows")) {
                    std::vector<std::optional<std::string>> cells;
                    for (const auto& c : row) {
                        cells.push_back(c.is_null() ? std::nullopt : std::optional<std::string>(c.get<std::string>()));
                    }
                    result.rows.push_back(std::move(cells));
                }
            }
            list.push_back(std::move(result));
        }
        all.push_back(std::move(list));
    }
    return all;
}

struct Tally {
    size_t translated = 0, refused = 0, members = 0;
    std::map<std::string, size_t> refused_by_construct;
};

// One catalog over one table: the statements DuckDB runs and what the VM says they return.
// The rows of `events` (orphans included), as generated, inserted into tables of docs/sql.md's contract (text
// COLLATE NOCASE, so a key or value left to a collation shows).
void load_events(const schema::Schema& schema, const RandomEvents& events, Job& job) {
    for (size_t e = 0; e < events.tables.size(); ++e) {
        const schema::EventTable& table = schema.events[e];
        std::string columns;
        for (const auto& column : table.columns) {
            const char* type = "VARCHAR COLLATE NOCASE";
            if (column.type == schema::ColumnType::Int) type = "BIGINT";
            if (column.type == schema::ColumnType::Number) type = "DOUBLE";
            if (column.type == schema::ColumnType::Timestamp) type = "TIMESTAMPTZ";
            if (column.type == schema::ColumnType::Bool) type = "BOOLEAN";
            columns += (columns.empty() ? "\"" : ", \"") + column.name + "\" " + type;
        }
        job.setup.push_back("CREATE TABLE \"" + table.name + "\" (" + columns + ")");
        std::string values;
        for (const auto& row : events.tables[e]) {
            std::string cells;
            for (size_t c = 0; c < row.size(); ++c) {
                std::string cell = "NULL";
                const auto type = table.columns[c].type;
                if (row[c] && (type == schema::ColumnType::Int || type == schema::ColumnType::Number)) cell = *row[c];
                if (row[c] && type == schema::ColumnType::Timestamp)
                    cell = "CAST(" + literal(*row[c]) + " AS TIMESTAMPTZ)";
                if (row[c] && (type == schema::ColumnType::String || type == schema::ColumnType::Enum))
                    cell = literal(*row[c]);
                cells += (c ? ", " : "") + cell;
            }
            values += (values.empty() ? "(" : ", (") + cells + ")";
        }
        if (!values.empty()) job.setup.push_back("INSERT INTO \"" + table.name + "\" VALUES " + values);
    }
}

struct Case {
    std::string what, text;
    Checked checked;
    data::Table table;
    std::vector<uint32_t> chosen;
    std::vector<data::Bitmap> vm;
    std::string members_sql, counts_sql;
    Job job;  // its statements: members, counts, and maybe the views and their sizes
};

// `views`: also create the views and count their keys (a view re-runs its rule: a quarter of the random rounds do).
Case prepare(const std::string& what, const std::string& text, data::Table table, scalar::AsOf as_of, bool views,
             Tally& tally, const RandomEvents* events = nullptr) {
    Case c{what, text, check_text(text), std::move(table), {}, {}, {}, {}, {}};
    const engine::CompiledCatalog compiled = engine::compile(c.checked.catalog, as_of);
    c.vm = engine::evaluate(compiled, c.table, engine::Evaluator::Vm, 1);
    sql::Generator generator(c.checked.catalog, as_of, "duckdb");
    for (const auto& rule : compiled.rules) {
        if (auto refusal = generator.refusal(rule.segment)) {
            ++tally.refused;
            ++tally.refused_by_construct[refusal->construct];
        } else {
            c.chosen.push_back(rule.segment);
        }
    }
    tally.translated += c.chosen.size();
    if (c.chosen.empty()) return c;
    load(c.table, c.job);
    if (events) load_events(c.table.schema(), *events, c.job);
    sql::QueryOptions options;
    options.mode = sql::Mode::Members;
    c.members_sql = generator.query(c.chosen, options);
    options.mode = sql::Mode::Counts;
    c.counts_sql = generator.query(c.chosen, options);
    c.job.statements.push_back(c.members_sql);
    c.job.statements.push_back(c.counts_sql);
    if (!views) return c;
    options.mode = sql::Mode::Views;
    c.job.statements.push_back(generator.query(c.chosen, options));
    std::string view_counts;  // one row: the number of keys in each view
    for (const uint32_t s : c.chosen) {
        view_counts += fmt::format("{}(SELECT count(*) FROM \"segment_{}\")", view_counts.empty() ? "SELECT " : ", ",
                                   c.checked.catalog.segments[s].name);
    }
    c.job.statements.push_back(view_counts);
    return c;
}

// False after reporting the first difference between DuckDB's results and the VM.
bool compare(const Case& c, const std::vector<Result>& results, Tally& tally) {
    if (c.chosen.empty()) return true;
    for (size_t i = 0; i < results.size(); ++i) {
        if (results[i].error.empty()) continue;
        BOOST_ERROR(c.what << ": DuckDB: " << results[i].error << "\nrules:\n"
                           << c.text << "\nSQL:\n"
                           << (i < c.job.statements.size() ? c.job.statements[i] : ""));
        return false;
    }
    BOOST_REQUIRE_EQUAL(results.size(), c.job.statements.size());
    const Rows& rows = results[0].rows;
    BOOST_REQUIRE_EQUAL(rows.size(), c.table.rows());
    for (const auto& row : rows) {
        const auto index = static_cast<uint64_t>(std::stoll(*row[0]) - 1);  // customer_id is the row number from 1
        for (size_t k = 0; k < c.chosen.size(); ++k) {
            const uint32_t s = c.chosen[k];
            const bool in_vm = c.vm[s].get(index);
            if (row[k + 1] != std::optional<std::string>(in_vm ? "true" : "false")) {
                const auto& def = c.checked.catalog.definition(s);
                BOOST_ERROR(c.what << ": segment " << c.checked.catalog.segments[s].name << ", customer "
                                   << describe_row(c.table, index) << ": DuckDB " << row[k + 1].value_or("NULL")
                                   << ", VM " << in_vm << "\nrule: "
                                   << c.text.substr(def.span.begin, def.span.end - def.span.begin) << "\nSQL:\n"
                                   << c.members_sql);
                return false;
            }
            tally.members += in_vm;
        }
    }
    const Rows& counts = results[1].rows;
    BOOST_REQUIRE_EQUAL(counts.size(), 1u);
    for (size_t k = 0; k < c.chosen.size(); ++k) {
        const std::string expected = std::to_string(c.vm[c.chosen[k]].count());
        const std::string view = results.size() > 3 ? results[3].rows.at(0).at(k).value_or("NULL") : expected;
        if (counts[0][k] != std::optional<std::string>(expected) || view != expected) {
            BOOST_ERROR(c.what << ": count of " << c.checked.catalog.segments[c.chosen[k]].name << ": DuckDB "
                               << counts[0][k].value_or("NULL") << ", its view " << view << ", VM " << expected
                               << "\nSQL:\n"
                               << c.counts_sql);
            return false;
        }
    }
    return true;
}

std::string report(const Tally& tally) {
    std::string refused;
    for (const auto& [construct, count] : tally.refused_by_construct)
        refused += (refused.empty() ? "" : ", ") + std::to_string(count) + " " + construct;
    return fmt::format("{} rules translated and compared with the VM ({} memberships), {} refused ({})",
                       tally.translated, tally.members, tally.refused, refused);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_duckdb)

BOOST_AUTO_TEST_CASE(duckdb_matches_vm_on_random_rules) {
    const auto start = std::chrono::steady_clock::now();
    const uint64_t first_seed = env_or("SEGMINT_SEED", 20261203);
    const uint64_t rounds = env_or("SEGMINT_ROUNDS", 1000);
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    Tally tally;
    std::vector<Case> cases;
    std::vector<const Job*> jobs;
    for (uint64_t round = 0; round < rounds; ++round) {
        const uint64_t seed = first_seed + round;
        Random random(seed);
        data::Table table = random_table(random, test_schema(), random.below(300));
        const std::string text = random_catalog(random, 12, 4);
        cases.push_back(prepare("seed " + std::to_string(seed), text, std::move(table), as_of, round % 4 == 0, tally));
    }
    for (const Case& c : cases) jobs.push_back(&c.job);
    std::string version;
    const auto before_duckdb = std::chrono::steady_clock::now();
    const auto results = run_duckdb(jobs, &version);
    const double duckdb_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - before_duckdb).count();
    BOOST_REQUIRE_EQUAL(results.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        if (!compare(cases[i], results[i], tally)) return;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_MESSAGE("duckdb " << version << ": " << report(tally) << ", seeds " << first_seed << ".."
                                 << first_seed + rounds - 1 << ", "
                                 << fmt::format("{:.1f} s ({:.1f} s in DuckDB)", seconds, duckdb_seconds));
    BOOST_CHECK_GT(tally.translated, 3 * tally.refused);
    if (rounds >= 1000) BOOST_CHECK_GE(tally.translated, 7500u);
}

// Event aggregates: every function over every column it takes, under each kind of window and `where`, on random
// orders and page views (tests/unit/random_rules.h), with events of no customer in the database.
BOOST_AUTO_TEST_CASE(duckdb_matches_vm_on_event_aggregates) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    const uint64_t first_seed = env_or("SEGMINT_SEED", 41), rounds = env_or("SEGMINT_ROUNDS", 6);
    Tally tally;
    std::vector<Case> cases;
    std::vector<const Job*> jobs;
    for (uint64_t seed = first_seed; seed < first_seed + rounds; ++seed) {
        Random random(seed);
        data::Table table = random_table(random, test_schema(), 40 + random.below(120));
        const RandomEvents events = random_events(random, table.schema(), table.rows(), as_of.now);
        attach_events(table, events);
        const std::string text = random_aggregate_catalog(random, 3);
        cases.push_back(
            prepare("aggregates, seed " + std::to_string(seed), text, std::move(table), as_of, true, tally, &events));
    }
    for (const Case& c : cases) jobs.push_back(&c.job);
    std::string version;
    const auto results = run_duckdb(jobs, &version);
    BOOST_REQUIRE_EQUAL(results.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        if (!compare(cases[i], results[i], tally)) return;
    }
    BOOST_TEST_MESSAGE("duckdb " << version << " aggregates: " << report(tally));
    BOOST_CHECK_EQUAL(tally.refused_by_construct.size(), 1u);  // only the sums and averages of numbers
    BOOST_CHECK_GE(tally.translated, 19 * 3 * rounds);
}

// Edges the random tables do not hold, on handwritten rules: int64 overflow at both ends, doubles overflowing and
// underflowing, x / 0 and x % 0, month ends and the ends of the calendar, regex partial match, non-ASCII length and
// case mapping, bytes >= 0x80 in text order, NUL bytes, quotes and backslashes.
BOOST_AUTO_TEST_CASE(duckdb_matches_vm_on_edges) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    Random random(7);
    data::Table table = random_table(random, test_schema(), 200);
    // Month ends and the ends of the calendar in the first rows' signup_date, so that `clamp` proves DuckDB's month
    // arithmetic clamps (03-29, 03-30 and 03-31 minus a month are all 02-28).
    const std::vector<std::string> dates = {"2026-03-31", "2026-03-30", "2026-03-29", "2024-03-31",
                                            "2024-01-31", "0001-01-31", "9999-12-31", "2026-05-31"};
    const size_t signup = test_schema().find("signup_date")->index;
    data::Column& column = table.mutable_column(signup);
    for (size_t row = 0; row < dates.size(); ++row) {
        column.i32.mutable_data()[row] = *calendar::parse_date(dates[row]);
        column.validity.set(row);
    }
    // Cities with a NUL byte, non-ASCII letters and bytes of 0x80 and above.
    using namespace std::string_literals;
    const std::vector<std::string> cities = {"nul\0byte"s, "\0"s,         "M\u00fcnchen", "\u00c9vian", "\u00e9",
                                             "\u00ff",     "\U0001F600x", "stra\u00dfe",  "Ber\nlin"};
    data::Column& city = table.mutable_column(test_schema().find("city")->index);
    for (size_t row = 0; row < cities.size(); ++row) {
        city.i32.mutable_data()[row + 10] = city.dictionary.intern(cities[row]);
        city.validity.set(row + 10);
    }
    const std::string text = R"(
segment empty_item: tags contains "" or length(tags) = 0
segment month_end: signup_date + 1 month = 2024-02-29 or signup_date - 1 month < 2026-02-28
segment clamp: signup_date - 1 month = 2026-02-28 and signup_date > 2026-03-28 or signup_date + 1 month = 2024-02-29 or signup_date - 1 month = 2024-02-29 or signup_date + 1 month = 2026-06-30
segment calendar_ends: (signup_date + 1000000 years) is null and (signup_date - 3000 years) is null
segment day_ends: (signup_date + 1000000 days) is null or (signup_date - 1000000 weeks) is null
segment year_edges: last_order_date + 12 months > 9999-01-01 or last_order_date - 1 day < 0001-01-02
segment overflow: loyalty_points * 2 is null or -age is null or abs(lifetime_orders) is null
segment int_edges: orders_90d + 9223372036854775807 is null or returns_90d - 9223372036854775807 < -9223372036854775800 or age * -9223372036854775808 is null
segment big: total_spend * 1e300 is null or total_spend + 1.7976931348623157e308 is null
segment tiny: total_spend * 1e-300 = 0 or churn_score / 1e300 = 0 or avg_order_value / 1e-300 is null
segment by_zero: total_spend / 0 is null and age / 0 is null and age % 0 is null and total_spend % 0.0 is null
segment rounding: round(total_spend / 3) = round(churn_score) or round(avg_order_value) = 0 or round(total_spend) = 3
segment remainders: orders_90d % -3 = -1 or (age % -1 = 0 and loyalty_points % -1 is not null) or total_spend % -2.5 < 0
segment quotes: email != "it's" and city not in ("O'Brien", "\"q\"", "back\\slash", "nul\0byte")
segment nul: city contains "\0" or city ends with "\0byte" or length(city) = 1 or city matches "^\\x00"
segment regex: email matches "^[a-z]+@" or city matches "(?i)GER" or first_name matches "" or city matches "a.b|\\bger\\b|\\d{2,3}"
segment regex_partial: coalesce(email, "x\ny") matches "x.y" or coalesce(city, "abc") matches "b" or country matches "any$"
segment order: first_name < "a" or first_name >= "Z" or lower(first_name) = upper(first_name) or city > "\u00e9"
segment unicode: length(coalesce(city, "h\u00e9llo\u{1F600}")) = 6 or lower(coalesce(city, "\u00c4\u00c9X")) = "\u00c4\u00c9x" or upper(coalesce(first_name, "stra\u00dfe")) = "STRA\u00dfE"
segment unicode_columns: length(coalesce(first_name, "")) >= 0 and (lower(city) = "m\u00fcnchen" or upper(city) contains "\u00fc")
segment bytes: coalesce(city, "\u00e9") > "z" or coalesce(email, "\u{1F600}") > "\uffff" or coalesce(first_name, "") < "\u00ff"
segment case_sensitive: city = "berlin" or city in ("BERLIN", "germany") or country contains "GER" or city starts with "b" or city ends with "N"
segment refers: (month_end and not overflow) or (regex and quotes)
)";
    Tally tally;
    std::vector<Case> cases;
    cases.push_back(prepare("edges", text, std::move(table), as_of, true, tally));
    std::string version;
    const auto results = run_duckdb({&cases[0].job}, &version);
    BOOST_CHECK(compare(cases[0], results.at(0), tally));
    // The first five planted dates clamp in the VM, hence in DuckDB, which agreed on every member.
    const size_t clamp = cases[0].checked.catalog.segment_index.at("clamp");
    for (size_t row = 0; row < 5; ++row) BOOST_CHECK_MESSAGE(cases[0].vm[clamp].get(row), dates[row] << " clamps");
    BOOST_CHECK(cases[0].vm[clamp].get(7));
    const size_t nul = cases[0].checked.catalog.segment_index.at("nul");
    BOOST_CHECK(cases[0].vm[nul].get(10) && cases[0].vm[nul].get(11));  // the cities holding a NUL byte
    BOOST_TEST_MESSAGE("duckdb " << version << " edges: " << report(tally));
    BOOST_CHECK_EQUAL(tally.refused, 0u);
    BOOST_CHECK_EQUAL(tally.translated, 23u);
}

BOOST_AUTO_TEST_SUITE_END()
