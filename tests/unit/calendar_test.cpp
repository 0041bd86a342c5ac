// The calendar against tables written from the Gregorian rules (a year is leap when divisible by 4, except centuries
// not divisible by 400; months clamp to their last day), not from our code: century years, month ends across leap
// years, the supported range's first and last day, days before 1970. The expected values were worked out with
// Python's datetime (proleptic Gregorian) and by hand. Each table runs through src/common/calendar and through the
// language: the VM with the optimizer, the VM on the rule as written, and the reference evaluator (suite
// gregorian_calendar).
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "engine/engine.h"
#include "report/diagnostic_render.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

struct KnownDay {
    const char* date;
    int32_t days_since_1970;
    uint32_t iso_weekday;  // 1 = Monday
};

const KnownDay kKnownDays[] = {
    {"0001-01-01", -719162, 1}, {"0001-03-01", -719103, 4}, {"0004-02-29", -718008, 7}, {"0100-02-28", -682945, 7},
    {"0100-03-01", -682944, 1}, {"0400-02-29", -573372, 2}, {"1582-10-15", -141427, 5}, {"1600-02-29", -135081, 2},
    {"1700-03-01", -98556, 1},  {"1899-12-31", -25568, 7},  {"1900-02-28", -25509, 3},  {"1900-03-01", -25508, 4},
    {"1969-12-31", -1, 3},      {"1970-01-01", 0, 4},       {"2000-02-29", 11016, 2},   {"2000-03-01", 11017, 3},
    {"2024-02-29", 19782, 4},   {"2100-02-28", 47540, 7},   {"2100-03-01", 47541, 1},   {"2400-02-29", 157113, 2},
    {"9999-12-31", 2932896, 5},
};

// February 29th exists in leap years only.
const std::pair<const char*, bool> kLeapDays[] = {
    {"0004-02-29", true},  {"0100-02-29", false}, {"0400-02-29", true},  {"1600-02-29", true},  {"1700-02-29", false},
    {"1800-02-29", false}, {"1900-02-29", false}, {"2000-02-29", true},  {"2004-02-29", true},  {"2023-02-29", false},
    {"2024-02-29", true},  {"2100-02-29", false}, {"2200-02-29", false}, {"2300-02-29", false}, {"2400-02-29", true},
    {"9996-02-29", true},  {"9999-02-29", false},
};

struct MonthShift {
    const char* from;
    int months;
    const char* to;  // nullptr: outside 0001-01-01..9999-12-31
};

const MonthShift kMonthShifts[] = {
    {"2000-01-31", 1, "2000-02-29"},     {"1900-01-31", 1, "1900-02-28"},   {"2100-01-31", 1, "2100-02-28"},
    {"2400-01-31", 1, "2400-02-29"},     {"2024-03-31", -1, "2024-02-29"},  {"2023-03-31", -1, "2023-02-28"},
    {"2000-02-29", 12, "2001-02-28"},    {"2000-02-29", 48, "2004-02-29"},  {"2000-02-29", 1200, "2100-02-28"},
    {"2000-02-29", -1200, "1900-02-28"}, {"0001-01-31", 1, "0001-02-28"},   {"9999-12-31", -1, "9999-11-30"},
    {"9999-01-31", 11, "9999-12-31"},    {"0001-12-31", -11, "0001-01-31"}, {"1900-02-28", 1200, "2000-02-28"},
    {"2000-03-31", -13, "1999-02-28"},   {"0004-02-29", -36, "0001-02-28"}, {"9999-12-31", 1, nullptr},
    {"0001-01-01", -1, nullptr},         {"0001-01-31", -1, nullptr},       {"9999-12-01", 1, nullptr},
};

int32_t date_of(const char* text) {
    auto days = calendar::parse_date(text);
    BOOST_REQUIRE_MESSAGE(days, text);
    return *days;
}

// Evaluates `rules` over `table` with the three engines; returns, per engine, the count of each segment.
std::vector<std::vector<uint64_t>> counts(const data::Table& table, const schema::Schema& schema,
                                          const std::string& rules) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("calendar.seg", rules), sink));
    semantic::Catalog catalog = semantic::check(std::move(files), schema, sink);
    BOOST_REQUIRE_MESSAGE(!sink.has_errors(), report::render_text(sink.diagnostics()));
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    engine::CompileOptions as_written;
    as_written.optimizer.enabled = false;
    const auto optimized = engine::compile(catalog, as_of);
    const auto written = engine::compile(catalog, as_of, as_written);
    std::vector<std::vector<uint64_t>> out;
    for (const auto& result : {engine::evaluate(optimized, table, engine::Evaluator::Vm),
                               engine::evaluate(written, table, engine::Evaluator::Vm),
                               engine::evaluate(optimized, table, engine::Evaluator::Reference)}) {
        std::vector<uint64_t> per_segment;
        for (const auto& bits : result) per_segment.push_back(bits.count());
        out.push_back(per_segment);
    }
    return out;
}

std::string text_of(const std::vector<uint64_t>& counts) {
    std::string out;
    for (uint64_t c : counts) out += std::to_string(c) + " ";
    return out;
}

schema::Schema date_schema() {
    schema::Schema schema;
    add_column(schema, "id", schema::ColumnType::Int);
    add_column(schema, "d", schema::ColumnType::Date);
    add_column(schema, "e", schema::ColumnType::Date);
    add_column(schema, "t", schema::ColumnType::Timestamp);
    schema.key = "id";
    return schema;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gregorian_calendar)

BOOST_AUTO_TEST_CASE(known_days_and_weekdays) {
    for (const KnownDay& known : kKnownDays) {
        BOOST_TEST_CONTEXT(known.date) {
            const int32_t days = date_of(known.date);
            BOOST_TEST(days == known.days_since_1970);
            BOOST_TEST(calendar::iso_weekday(days) == known.iso_weekday);
            BOOST_TEST(calendar::format_date(days) == known.date);
            const calendar::CivilDate civil = calendar::civil_from_days(days);
            BOOST_TEST(calendar::days_from_civil(civil) == days);
            // Midnight and the last microsecond of the day belong to it; the microsecond before midnight does not.
            const int64_t midnight = int64_t{days} * calendar::kMicrosPerDay;
            BOOST_TEST(calendar::date_of_timestamp(midnight) == days);
            BOOST_TEST(calendar::date_of_timestamp(midnight + calendar::kMicrosPerDay - 1) == days);
            if (days > -719162) BOOST_TEST(calendar::date_of_timestamp(midnight - 1) == days - 1);
        }
    }
    // The range's edges: nothing before the first day or after the last.
    BOOST_TEST(!calendar::parse_date("0000-12-31"));
    BOOST_TEST(!calendar::parse_date("10000-01-01"));
    BOOST_TEST(!calendar::parse_date("9999-12-32"));
}

BOOST_AUTO_TEST_CASE(february_29th_exists_in_leap_years_only) {
    for (const auto& [text, exists] : kLeapDays) {
        BOOST_TEST(calendar::parse_date(text).has_value() == exists, text);
        const int year = std::stoi(std::string(text, 4));
        BOOST_TEST(calendar::is_leap_year(year) == exists, text);
        BOOST_TEST(calendar::days_in_month(year, 2) == (exists ? 29u : 28u), text);
    }
}

BOOST_AUTO_TEST_CASE(months_clamp_to_the_end_of_the_month) {
    for (const MonthShift& shift : kMonthShifts) {
        BOOST_TEST_CONTEXT(shift.from << " + " << shift.months << " months") {
            int32_t out = 0;
            const bool ok = scalar::shift_months(date_of(shift.from), shift.months, &out);
            BOOST_TEST(ok == (shift.to != nullptr));
            if (ok && shift.to) BOOST_TEST(calendar::format_date(out) == shift.to);
        }
    }
}

// The same tables through the language, per row: each engine must count every row of each check.
BOOST_AUTO_TEST_CASE(the_tables_through_every_engine) {
    const schema::Schema schema = date_schema();
    // Known days: weekday, year, month, and the day before midnight of a timestamp.
    {
        data::Table table(schema);
        std::string weekday = "segment weekday: ", parts = "segment parts: ", before = "segment before_midnight: ";
        for (size_t i = 0; i < std::size(kKnownDays); ++i) {
            const KnownDay& known = kKnownDays[i];
            const int32_t days = date_of(known.date);
            table.mutable_column(0).append_int(static_cast<int64_t>(i));
            table.mutable_column(1).append_date(days);
            table.mutable_column(2).append_null();
            table.mutable_column(3).append_timestamp(int64_t{days} * calendar::kMicrosPerDay + calendar::kMicrosPerDay - 1);
            const std::string row = "(id = " + std::to_string(i) + " and ";
            const std::string year = std::string(known.date, 4), month = std::string(known.date + 5, 2);
            weekday += (i ? " or " : "") + row + "day_of_week(d) = " + std::to_string(known.iso_weekday) + ")";
            parts += (i ? " or " : "") + row + "year(d) = " + std::to_string(std::stoi(year)) + " and month(d) = " +
                     std::to_string(std::stoi(month)) + " and d = " + known.date + ")";
            before += (i ? " or " : "") + row + "t > " + known.date + "T23:59:59.999998Z and year(t) = " +
                      std::to_string(std::stoi(year)) + " and day_of_week(t) = " + std::to_string(known.iso_weekday) + ")";
        }
        table.finish_rows();
        const auto result = counts(table, schema, weekday + "\n" + parts + "\n" + before + "\n");
        for (const auto& engine_counts : result) {
            BOOST_TEST(engine_counts == std::vector<uint64_t>(3, std::size(kKnownDays)), text_of(engine_counts));
        }
    }
    // Month shifts: `d + K months = e` for each K in the table, `is null` where the result leaves the calendar.
    {
        data::Table table(schema);
        std::string rules;
        for (size_t i = 0; i < std::size(kMonthShifts); ++i) {
            const MonthShift& shift = kMonthShifts[i];
            table.mutable_column(0).append_int(static_cast<int64_t>(i));
            table.mutable_column(1).append_date(date_of(shift.from));
            if (shift.to) table.mutable_column(2).append_date(date_of(shift.to));
            else table.mutable_column(2).append_null();
            table.mutable_column(3).append_timestamp(int64_t{date_of(shift.from)} * calendar::kMicrosPerDay + 1);
            const std::string moved = shift.months >= 0 ? " + " + std::to_string(shift.months) + " months"
                                                        : " - " + std::to_string(-shift.months) + " months";
            // The timestamp a microsecond after midnight lands on the same day, a microsecond after its midnight.
            const std::string check = shift.to ? "d" + moved + " = e and t" + moved + " > e and (t" + moved +
                                                     " < e + 1 day or e = 9999-12-31)"
                                               : "(d" + moved + ") is null and (t" + moved + ") is null";
            rules += "segment shift" + std::to_string(i) + ": id = " + std::to_string(i) + " and " + check + "\n";
        }
        table.finish_rows();
        const auto result = counts(table, schema, rules);
        for (const auto& engine_counts : result) {
            BOOST_TEST(engine_counts == std::vector<uint64_t>(std::size(kMonthShifts), 1), text_of(engine_counts));
        }
    }
}

// Constants are folded (by the reference evaluator) before the VM sees them: the same tables as constant rules.
BOOST_AUTO_TEST_CASE(the_tables_as_constants) {
    std::string rules;
    size_t count = 0;
    for (const MonthShift& shift : kMonthShifts) {
        if (!shift.to) continue;  // constants that leave the calendar are an error (E112), tested with the goldens
        const std::string moved = shift.months >= 0 ? " + " + std::to_string(shift.months) + " months"
                                                    : " - " + std::to_string(-shift.months) + " months";
        rules += "segment c" + std::to_string(count++) + ": " + shift.from + moved + " = " + shift.to + "\n";
    }
    for (const auto& [text, exists] : kLeapDays) {
        if (!exists) continue;
        rules += "segment c" + std::to_string(count++) + ": " + text + " - 1 day + 1 day = " + text + "\n";
    }
    const schema::Schema schema = date_schema();
    data::Table table(schema);
    table.mutable_column(0).append_int(1);
    table.mutable_column(1).append_null();
    table.mutable_column(2).append_null();
    table.mutable_column(3).append_null();
    table.finish_rows();
    for (const auto& engine_counts : counts(table, schema, rules)) {
        BOOST_TEST(engine_counts == std::vector<uint64_t>(count, 1), text_of(engine_counts));
    }
}

BOOST_AUTO_TEST_SUITE_END()
