// The Snowflake dialect. docs/sql.md has the storage contract and the translation table, each formula with the
// Snowflake documentation it rests on. Storage: int NUMBER(38,0) holding int64 values (INT/BIGINT are its synonyms),
// number FLOAT (finite), string and enum VARCHAR (any collation), bool BOOLEAN, date DATE, timestamp TIMESTAMP_NTZ
// holding the UTC wall clock (TIMESTAMP_TZ and TIMESTAMP_LTZ read the same way), list<string> ARRAY of strings (no
// NULL items). The SQL reads no session setting: timestamps are computed on as integer microseconds from
// DATE_PART(epoch_microsecond, ...), never through a conversion that follows TIMEZONE; every text comparison names
// COLLATE(..., 'utf8'), so a column's collation or DEFAULT_DDL_COLLATION cannot change it. NUMBER(38,0) holds every
// int64 sum, difference and product exactly, so int results are range-checked back into int64. Snowflake cannot run
// here: the goldens snowflake_* pin the SQL, which was read against the documentation, not run.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>

#include "common/calendar.h"
#include "sql/dialect.h"

namespace segmint::sql {

namespace {

// `f(x)` where `x` is the value of `e`: Snowflake has no scalar let, so `e` is repeated (it is deterministic).
std::string let(const std::string& e, const std::function<std::string(const std::string& x)>& f) { return f(e); }

// A double as the shortest decimal that reads back as it, cast from text to FLOAT.
std::string float_literal(double value) {
    if (value == 0) return std::signbit(value) ? "CAST('-0' AS FLOAT)" : "CAST('0' AS FLOAT)";
    return fmt::format("CAST('{}' AS FLOAT)", value);
}
std::string two_pow(int exponent) { return float_literal(std::ldexp(1.0, exponent)); }

// Text compared by its UTF-8 bytes (code point order), whatever collation the column has.
std::string utf8(const std::string& text) { return "COLLATE(" + text + ", 'utf8')"; }

// RE2's partial match for the patterns that are a literal text, optionally anchored with ^ and $ (RE2's $ without
// multi-line mode is the end of the text): contains, starts with, ends with or equality, no regex engine needed.
// Anything else is refused: Snowflake's REGEXP_* functions follow POSIX ERE, whose meaning differs from RE2's.
struct LiteralPattern {
    bool start = false, end = false;
    std::string text;
};
LiteralPattern literal_pattern(std::string_view p) {
    LiteralPattern out;
    size_t i = 0;
    if (!p.empty() && p[0] == '^') out.start = true, i = 1;
    while (i < p.size()) {
        const unsigned char c = p[i];
        if (c == '$' && i + 1 == p.size()) {
            out.end = true;
            break;
        }
        if (c == '\\') {
            if (i + 1 < p.size() && static_cast<unsigned char>(p[i + 1]) < 0x80 && std::ispunct(p[i + 1])) {
                out.text += p[i + 1];
                i += 2;
                continue;
            }
            throw Unsupported("regex construct other than literal text, ^ and $ (escapes other than punctuation)");
        }
        if (c >= 0x80 || std::isalnum(c) || std::strchr(" _@-,:/#%&=!'\";<>~`", c)) {
            out.text += static_cast<char>(c);
            ++i;
            continue;
        }
        throw Unsupported(
            fmt::format("regex construct `{}` (only literal text, ^ and $ are translated)", static_cast<char>(c)));
    }
    return out;
}

constexpr int64_t kLastDay = 3652058;  // days from 0001-01-01 to 9999-12-31
constexpr int64_t kMonths = 119988;    // months from January of year 1 to December 9999

class Snowflake final : public Dialect {
public:
    const char* name() const override { return "snowflake"; }

    std::string bool_literal(bool value) const override { return value ? "TRUE" : "FALSE"; }
    std::string number_literal(double value) const override { return float_literal(value); }

    // In '' literals a backslash starts an escape sequence: it is doubled, as a quote is. A NUL byte is refused.
    std::string string_literal(std::string_view value) const override {
        if (value.find('\0') != std::string_view::npos) throw Unsupported("text holding a NUL byte");
        std::string out = "'";
        for (char c : value) {
            if (c == '\'' || c == '\\') out += c;
            out += c;
        }
        return out + "'";
    }

    std::string date_literal(int32_t days) const override { return "DATE '" + calendar::format_date(days) + "'"; }

    // NUMBER(38,0) holds every int64 sum, difference and product exactly (|a * b| < 2^126 < 10^38): kept where it
    // fits in int64. % (MOD) takes the dividend's sign; x % 0 is NULL through NULLIF.
    std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) return fmt::format("({} % NULLIF({}, 0))", a, b);
        return in_int_range(fmt::format("({} {} {})", a, symbol(op), b));
    }
    std::string int_negate(const std::string& a) const override { return in_int_range("(- " + a + ")"); }

    // FLOAT is IEEE double; whether an overflow gives ±inf or an error (and an underflow to zero an error) is not
    // documented, so each operation is decided first by exact tests on scaled operands, the PostgreSQL dialect's, and
    // runs only where its result is finite and not a nonzero value rounded to zero; x / 0 is NULL.
    // FLOAT % is refused: its sign and exactness are not documented.
    std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) throw Unsupported("number remainder (%)");
        switch (op) {
            case ir::Op::Add:
            case ir::Op::Sub: return sum(symbol(op), a, b);
            case ir::Op::Mul: return product(a, b);
            default: return quotient(a, b);
        }
    }
    std::string number_negate(const std::string& a) const override { return "(- " + a + ")"; }
    std::string int_to_number(const std::string& a) const override { return exact_float(a); }

    std::string compare(ir::Op op, ir::Type type, const std::string& a, const std::string& b) const override {
        if (type == ir::Type::String) return fmt::format("({} {} {})", utf8(a), symbol(op), utf8(b));
        return fmt::format("({} {} {})", a, symbol(op), b);
    }
    std::string in_set(ir::Type type, const std::string& a, const std::vector<std::string>& items,
                       bool has_null) const override {
        std::string list;
        for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
        if (has_null) list += list.empty() ? "NULL" : ", NULL";
        return fmt::format("({} IN ({}))", type == ir::Type::String ? utf8(a) : a, list);
    }

    // CONTAINS, STARTSWITH and ENDSWITH, bytewise through the collation 'utf8'.
    std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                          const std::string* pattern_constant) const override {
        switch (op) {
            case ir::Op::Contains: return fmt::format("CONTAINS({}, {})", utf8(text), utf8(pattern));
            case ir::Op::StartsWith: return fmt::format("STARTSWITH({}, {})", utf8(text), utf8(pattern));
            case ir::Op::EndsWith: return fmt::format("ENDSWITH({}, {})", utf8(text), utf8(pattern));
            case ir::Op::Matches: {
                if (!pattern_constant) throw Unsupported("a regex that is not a literal");
                if (pattern_constant->rfind("(?", 0) == 0) throw Unsupported("regex flags ((?i) and others)");
                const LiteralPattern p = literal_pattern(*pattern_constant);
                const std::string lit = string_literal(p.text);
                if (p.start && p.end) return fmt::format("({} = {})", utf8(text), utf8(lit));
                if (p.start) return fmt::format("STARTSWITH({}, {})", utf8(text), utf8(lit));
                if (p.end) return fmt::format("ENDSWITH({}, {})", utf8(text), utf8(lit));
                return fmt::format("CONTAINS({}, {})", utf8(text), utf8(lit));
            }
            default: break;
        }
        throw std::logic_error("sql: unknown text test");
    }

    // ARRAY_CONTAINS compares VARIANTs exactly (no collation); NULL for a NULL array. A NULL item gives NULL first.
    std::string list_contains(const std::string& list, const std::string& item) const override {
        if (item.rfind('\'', 0) == 0) return fmt::format("ARRAY_CONTAINS(TO_VARIANT({}), {})", item, list);
        return let(item, [&](const std::string& x) {
            return fmt::format("CASE WHEN {0} IS NULL THEN NULL ELSE ARRAY_CONTAINS(TO_VARIANT({0}), {1}) END", x,
                               list);
        });
    }

    std::string call(ir::Function function, const std::vector<ir::Type>& types, const std::vector<std::string>& args,
                     const scalar::AsOf& as_of) const override {
        const std::string& a = args.at(0);
        switch (function) {
            // LOWER and UPPER map Unicode: ASCII letters only.
            case ir::Function::Lower:
                return "TRANSLATE(" + a + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
            case ir::Function::Upper:
                return "TRANSLATE(" + a + ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')";
            case ir::Function::Length:  // characters (code points); ARRAY_SIZE of an empty array is 0
                if (types.at(0) == ir::Type::StringList) return "ARRAY_SIZE(" + a + ")";
                return "LENGTH(" + a + ")";
            case ir::Function::Abs:
                if (types.at(0) == ir::Type::Int) return in_int_range("ABS(" + a + ")");
                return "ABS(" + a + ")";
            case ir::Function::Round:  // half away from zero from TRUNC: the fraction x - TRUNC(x) is exact
                return let(a, [](const std::string& x) {
                    return fmt::format(
                        "(TRUNC({0}) + CASE WHEN ABS({0} - TRUNC({0})) >= 0.5 THEN SIGN({0}) ELSE 0 END)", x);
                });
            case ir::Function::Coalesce: {
                if (args.size() == 1) return a;
                std::string list;
                for (const auto& arg : args) list += (list.empty() ? "" : ", ") + arg;
                return "COALESCE(" + list + ")";
            }
            case ir::Function::Year: return "YEAR(" + a + ")";
            case ir::Function::Month: return "MONTH(" + a + ")";
            case ir::Function::DayOfWeek: return "DAYOFWEEKISO(" + a + ")";
            case ir::Function::DaysSince: return fmt::format("DATEDIFF(day, {}, {})", a, date_literal(as_of.today));
        }
        throw std::logic_error("sql: unknown function");
    }

    // The day (or month) number is tested first, so no date leaves 0001-01-01..9999-12-31. DATEADD by months clamps
    // to the month's end (ADD_MONTHS would also move a month's last day to the last day).
    std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const override {
        const bool days = op == ir::Op::Days;
        if (amount > (days ? kLastDay : kMonths) || amount < -(days ? kLastDay : kMonths)) return "CAST(NULL AS DATE)";
        return let(date, [&](const std::string& d) {
            if (days) {
                return fmt::format(
                    "CASE WHEN DATEDIFF(day, DATE '0001-01-01', {0}) + ({1}) BETWEEN 0 AND {2} THEN DATEADD(day, {1}, "
                    "{0}) END",
                    d, amount, kLastDay);
            }
            return fmt::format(
                "CASE WHEN YEAR({0}) * 12 + MONTH({0}) - 1 + ({1}) BETWEEN 12 AND 119999 THEN DATEADD(month, {1}, {0}) "
                "END",
                d, amount);
        });
    }

    // Timestamps are computed on as integer microseconds since 1970-01-01T00:00:00: DATE_PART(epoch_microsecond) of a
    // TIMESTAMP_NTZ is its wall clock's, read as UTC, with no time zone anywhere (of a TIMESTAMP_TZ or _LTZ, its UTC
    // instant). Integers compare and shift exactly.
    std::string timestamp_column(const std::string& column) const override {
        return "DATE_PART(epoch_microsecond, " + column + ")";
    }
    std::string timestamp_literal(int64_t micros) const override { return int_literal(micros); }
    std::string date_to_timestamp(const std::string& date) const override {
        return fmt::format("(DATEDIFF(day, DATE '1970-01-01', {}) * {})", date, calendar::kMicrosPerDay);
    }
    std::string timestamp_to_date(const std::string& timestamp) const override {
        return let(timestamp,
                   [](const std::string& t) { return "DATEADD(day, " + day_of(t) + ", DATE '1970-01-01')"; });
    }
    std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const override {
        if (op == ir::Op::Micros) {
            int64_t low = 0, high = 0;
            if (!shift_keeps_calendar(amount, &low, &high)) return "CAST(NULL AS NUMBER(38, 0))";
            return let(timestamp, [&](const std::string& t) {
                return fmt::format("CASE WHEN {0} BETWEEN {1} AND {2} THEN {0} + ({3}) END", t, int_literal(low),
                                   int_literal(high), amount);
            });
        }
        // The UTC date moves by months as a date does (clamped, NULL outside the calendar); the time of day stays.
        return let(timestamp, [&](const std::string& t) {
            const std::string moved = date_shift(ir::Op::Months, timestamp_to_date(t), amount);
            return fmt::format("(DATEDIFF(day, DATE '1970-01-01', {}) * {} + {})", moved, calendar::kMicrosPerDay,
                               time_of_day(t));
        });
    }

    bool translates_event_aggregates() const override { return true; }
    std::string ordered(ir::Type type, const std::string& value) const override {
        return type == ir::Type::String ? utf8(value) : value;
    }
    std::string smallest(ir::Type type, const std::string& values) const override {  // FALSE is the smaller
        return type == ir::Type::Bool ? "BOOLAND_AGG(" + values + ")" : Dialect::smallest(type, values);
    }
    // SUM of NUMBER(38,0) is exact. The average divides the exact total as a double rounded once: the total is split
    // into its high and low 32 bits with exact integer steps (high * 2^32 is an exact double while |total| < 2^85).
    std::vector<std::string> int_sum_parts(const std::string& value) const override { return {"SUM(" + value + ")"}; }
    std::string int_sum_total(const std::vector<std::string>& parts) const override {
        return in_int_range(parts.at(0));
    }
    std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const override {
        return fmt::format("({} / CAST({} AS FLOAT))", exact_float(parts.at(0)), count);
    }

    // QUOTED_IDENTIFIERS_IGNORE_CASE can make quoted names that differ only in case name one thing.
    bool names_ignore_case() const override { return true; }
    size_t max_identifier_bytes() const override { return 255; }  // identifiers hold up to 255 characters
    std::string true_only(const std::string& p) const override { return "COALESCE(" + p + ", FALSE)"; }
    std::string count_sum(const std::string& column) const override { return "COUNT_IF(" + column + ")"; }

private:
    // The time of day and the day (since 1970-01-01) of microseconds `t`, rounding down, with integer steps only:
    // t - time_of_day is a multiple of a day, so the quotient is an exact integer.
    static std::string time_of_day(const std::string& t) {
        return fmt::format("MOD(MOD({0}, {1}) + {1}, {1})", t, calendar::kMicrosPerDay);
    }
    static std::string day_of(const std::string& t) {
        return fmt::format("CAST(({} - {}) / {} AS NUMBER(38, 0))", t, time_of_day(t), calendar::kMicrosPerDay);
    }

    static std::string in_int_range(const std::string& e) {
        return let(e, [](const std::string& x) {
            return fmt::format("CASE WHEN {0} BETWEEN -9223372036854775808 AND 9223372036854775807 THEN {0} END", x);
        });
    }

    // As in the PostgreSQL dialect (docs/sql.md): a ± b overflows only when both are at least 2^969; then the halves
    // are exact and (a ± b) / 2 rounds as a ± b does, one binade lower.
    static std::string sum(const char* op, const std::string& a, const std::string& b) {
        return fmt::format(
            "CASE WHEN ABS({0}) < {3} OR ABS({1}) < {3} THEN {0} {2} {1} "
            "WHEN ABS({0} * CAST('0.5' AS FLOAT) {2} {1} * CAST('0.5' AS FLOAT)) < {4} THEN {0} {2} {1} END",
            a, b, op, two_pow(969), two_pow(1023));
    }
    // a * b overflows only when both exceed 1: (a 2^-512)(b 2^-512) is exact in its inputs and rounds as a * b does
    // (or is below 1 anyway). A nonzero product rounds to zero only when one factor is below 2^-500: then
    // (a 2^537)(b 2^537) is a * b * 2^1074, and a * b rounds to zero where that is at most 0.5 (the PostgreSQL
    // dialect's gap: an exact a * b * 2^1074 in (0.5, 0.5 + 2^-54] also reads 0.5 here).
    static std::string product(const std::string& a, const std::string& b) {
        const std::string down = two_pow(-512), up = two_pow(537);
        return fmt::format(
            "CASE WHEN ABS({0}) > 1 AND ABS({1}) > 1 THEN CASE WHEN ABS(({0} * {2}) * ({1} * {2})) < 1 THEN {0} * {1} "
            "END WHEN ABS({0}) >= 1 OR ABS({1}) >= 1 OR {0} = 0 OR {1} = 0 THEN {0} * {1} "
            "WHEN ABS({0}) >= {4} AND ABS({1}) >= {4} THEN {0} * {1} "
            "WHEN ABS(({0} * {3}) * ({1} * {3})) <= CAST('0.5' AS FLOAT) THEN {5} ELSE {0} * {1} END",
            a, b, down, up, two_pow(-500), float_literal(0));
    }

    // a / 0 is NULL. |a / b| overflows only when |b| < 1 and |a| >= 2^-50; it does exactly when
    // |a| / 2 >= |b| 2^1023 (both exact). A nonzero a / b rounds to zero only when |a| < 2^-50 and |b| > 1; it does
    // exactly when |a| 2^1074 <= |b| / 2.
    static std::string quotient(const std::string& a, const std::string& b) {
        return fmt::format(
            "CASE WHEN {1} = 0 THEN NULL WHEN {0} = 0 THEN {0} / {1} "
            "WHEN ABS({1}) < 1 AND ABS({0}) >= {2} THEN CASE WHEN ABS({0}) * CAST('0.5' AS FLOAT) < ABS({1}) * {3} "
            "THEN {0} / {1} END "
            "WHEN ABS({1}) > 1 AND ABS({0}) < {2} THEN CASE WHEN (ABS({0}) * {4}) * {4} <= ABS({1}) * CAST('0.5' AS "
            "FLOAT) THEN {5} ELSE {0} / {1} END "
            "ELSE {0} / {1} END",
            a, b, two_pow(-50), two_pow(1023), two_pow(537), float_literal(0));
    }

    // An integer NUMBER as the nearest double, rounded once: its high and low 32 bits are taken with exact integer
    // steps (the quotient of a multiple of 2^32 is an exact integer); high * 2^32 and low are exact doubles while
    // |n| < 2^85, and their IEEE sum is the one rounding. (A cast of a wide NUMBER to FLOAT is not documented to be
    // correctly rounded.)
    static std::string exact_float(const std::string& n) {
        return let(n, [](const std::string& x) {
            const std::string low = fmt::format("MOD(MOD({0}, 4294967296) + 4294967296, 4294967296)", x);
            return fmt::format(
                "(CAST(({0} - {1}) / 4294967296 AS FLOAT) * CAST('4294967296' AS FLOAT) + CAST({1} AS FLOAT))", x, low);
        });
    }
};

}  // namespace

const Dialect& snowflake_dialect() {
    static const Snowflake dialect;
    return dialect;
}

}  // namespace segmint::sql
