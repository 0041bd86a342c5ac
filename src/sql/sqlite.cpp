// The SQLite dialect (SQLite 3.35 or later with its math functions, as Debian builds it; docs/sql.md has the storage
// contract and the translation table). Storage: int INTEGER, number REAL, string and enum TEXT, bool INTEGER 0/1,
// date TEXT 'YYYY-MM-DD', list<string> TEXT with the items joined by `|` ('' is the empty list). `matches` calls
// regexp(pattern, text), which the connection must register (sql/sqlite_host.h registers RE2's partial match).
// The differential test (tests/unit/sql_sqlite_test.cpp) runs every formula here against the VM.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>

#include "common/calendar.h"
#include "sql/dialect.h"

namespace segmint::sql {

namespace {

// `f(x)` where `x` is the value of `e` and f reads it more than once: a short `e` is repeated, a longer one is
// computed once in a scalar subquery (SQLite has no LET; a FROM-less subquery may read the outer row). `name` must
// differ from the names of the lets `f` nests inside it.
std::string let(const std::string& e, const char* name, const std::function<std::string(const std::string& x)>& f) {
    if (e.size() <= 48) return f(e);
    return fmt::format("(SELECT {} FROM (SELECT {} AS {}))", f(name), e, name);
}

// A date outside 0001-01-01..9999-12-31 is NULL: date() gives NULL past 9999 and years 0000 or below ('-0712-..')
// before 0001, which sort below '0001' as text.
std::string in_calendar(const std::string& date) {
    return let(date, "segmint_c",
               [](const std::string& d) { return fmt::format("CASE WHEN {} >= '0001-01-01' THEN {} END", d, d); });
}

class Sqlite final : public Dialect {
public:
    const char* name() const override { return "sqlite"; }
    bool names_ignore_case() const override { return true; }

    std::string bool_literal(bool value) const override { return value ? "1" : "0"; }

    // Exactly the double. A double is m * 2^e (m odd); its exact decimal form has -e digits after the point. SQLite
    // 3.40 reads up to 18 significant digits exactly and scales them by one exact power of ten up to 1e22, so a value
    // whose exact decimal form is that short is written in it (0.5, 100.25, 3.0); any other (0.1, 1e300) as
    // m * power(2.0, e), both factors exact.
    std::string number_literal(double value) const override {
        if (value == 0) return std::signbit(value) ? "(-0.0)" : "0.0";
        const bool negative = value < 0;
        const double magnitude = std::fabs(value);
        int exponent = 0;
        auto mantissa = static_cast<int64_t>(std::ldexp(std::frexp(magnitude, &exponent), 53));
        exponent -= 53;
        while (mantissa % 2 == 0) {
            mantissa /= 2;
            ++exponent;
        }
        const int fraction_digits = exponent < 0 ? -exponent : 0;
        if (fraction_digits <= 22 && magnitude < 1e17) {
            std::string text = fmt::format("{:.{}f}", magnitude, fraction_digits);
            size_t significant = 0;
            for (char c : text) significant += (c >= '0' && c <= '9') && (significant > 0 || c != '0');
            if (significant <= 18) {
                if (fraction_digits == 0) text += ".0";
                return negative ? "(-" + text + ")" : text;
            }
        }
        return fmt::format("({}{} * power(2.0, {}))", negative ? "-" : "", mantissa, exponent);
    }

    // A NUL byte cannot be written inside a quoted literal: such text is written as its bytes.
    std::string string_literal(std::string_view value) const override {
        if (value.find('\0') != std::string_view::npos) {
            std::string hex;
            for (unsigned char c : value) hex += fmt::format("{:02X}", c);
            return "CAST(x'" + hex + "' AS TEXT)";
        }
        std::string out = "'";
        for (char c : value) {
            out += c;
            if (c == '\'') out += '\'';
        }
        return out + "'";
    }

    std::string date_literal(int32_t days) const override { return "'" + calendar::format_date(days) + "'"; }

    // Overflowing + - * and unary - silently become REAL: only an INTEGER result is kept. % is SQLite's own: the
    // dividend's sign, x % 0 NULL, INT64_MIN % -1 = 0.
    std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        const std::string e = fmt::format("({} {} {})", a, symbol(op), b);
        return op == ir::Op::Mod ? e : integer_only(e);
    }
    std::string int_negate(const std::string& a) const override { return integer_only("(- " + a + ")"); }

    // REAL arithmetic; x / 0 is NULL already; % is the math functions' mod() (C's fmod), REAL's `%` truncates.
    // Infinities are NULL (NaN already is).
    std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        std::string e;
        if (op == ir::Op::Mod)
            e = fmt::format("mod({}, {})", a, b);
        else if (op == ir::Op::Div)
            e = fmt::format("(CAST({} AS REAL) / {})", a, b);
        else
            e = fmt::format("({} {} {})", a, symbol(op), b);
        return let(e, "segmint_n",
                   [](const std::string& x) { return fmt::format("CASE WHEN abs({}) < 9e999 THEN {} END", x, x); });
    }
    std::string number_negate(const std::string& a) const override { return "(- " + a + ")"; }
    std::string int_to_number(const std::string& a) const override { return "CAST(" + a + " AS REAL)"; }

    // A column declared COLLATE NOCASE would win over BINARY's memcmp unless the comparison names BINARY.
    std::string compare(ir::Op op, ir::Type type, const std::string& a, const std::string& b) const override {
        if (type == ir::Type::String) return fmt::format("({} COLLATE BINARY {} {})", a, symbol(op), b);
        return fmt::format("({} {} {})", a, symbol(op), b);
    }
    std::string in_set(ir::Type type, const std::string& a, const std::vector<std::string>& items,
                       bool has_null) const override {
        std::string list;
        for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
        if (has_null) list += list.empty() ? "NULL" : ", NULL";
        return fmt::format("({}{} IN ({}))", a, type == ir::Type::String ? " COLLATE BINARY" : "", list);
    }

    // instr() compares bytes (NUL included) and gives 1 for an empty pattern; length() stops at a NUL, so `ends with`
    // compares the text's last bytes as a BLOB.
    std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                          const std::string* pattern_constant) const override {
        switch (op) {
            case ir::Op::Contains: return fmt::format("(instr({}, {}) > 0)", text, pattern);
            case ir::Op::StartsWith: return fmt::format("(instr({}, {}) = 1)", text, pattern);
            case ir::Op::Matches: return fmt::format("regexp({}, {})", pattern, text);
            default: break;
        }
        // substr() of an empty BLOB is NULL: a text shorter than the pattern is decided by the lengths first.
        if (pattern_constant) {
            if (pattern_constant->empty()) return fmt::format("CASE WHEN {} IS NOT NULL THEN 1 END", text);
            return let(text, "segmint_t", [&](const std::string& t) {
                return fmt::format(
                    "CASE WHEN length(CAST({0} AS BLOB)) < {1} THEN 0 ELSE substr(CAST({0} AS BLOB), -{1}) = "
                    "CAST({2} AS BLOB) END",
                    t, pattern_constant->size(), pattern);
            });
        }
        return let(text, "segmint_t", [&](const std::string& t) {
            return let(pattern, "segmint_p", [&](const std::string& p) {
                return fmt::format(
                    "CASE WHEN {0} IS NULL OR {1} IS NULL THEN NULL WHEN length(CAST({1} AS BLOB)) = 0 THEN 1 "
                    "WHEN length(CAST({0} AS BLOB)) < length(CAST({1} AS BLOB)) THEN 0 ELSE "
                    "substr(CAST({0} AS BLOB), length(CAST({0} AS BLOB)) - length(CAST({1} AS BLOB)) + 1) = "
                    "CAST({1} AS BLOB) END",
                    t, p);
            });
        });
    }

    // '' is the empty list; an item holding `|` is in no list.
    std::string list_contains(const std::string& list, const std::string& item) const override {
        return let(list, "segmint_l", [&](const std::string& l) {
            return let(item, "segmint_x", [&](const std::string& x) {
                return fmt::format(
                    "CASE WHEN {0} IS NULL OR {1} IS NULL THEN NULL WHEN {0} = '' OR instr({1}, '|') > 0 THEN 0 "
                    "ELSE instr('|' || {0} || '|', '|' || {1} || '|') > 0 END",
                    l, x);
            });
        });
    }

    std::string call(ir::Function function, const std::vector<ir::Type>& types, const std::vector<std::string>& args,
                     const scalar::AsOf& as_of) const override {
        const std::string& a = args.at(0);
        switch (function) {
            // The built-in lower() and upper() map ASCII letters only (unless the ICU extension is loaded).
            case ir::Function::Lower: return "lower(" + a + ")";
            case ir::Function::Upper: return "upper(" + a + ")";
            case ir::Function::Length:
                if (types.at(0) == ir::Type::StringList) {
                    return let(a, "segmint_l", [](const std::string& l) {
                        return fmt::format(
                            "CASE WHEN {0} = '' THEN 0 ELSE length(CAST({0} AS BLOB)) - "
                            "length(CAST(replace({0}, '|', '') AS BLOB)) + 1 END",
                            l);
                    });
                }
                // length() counts characters up to the first NUL only: text holding one is counted piece by piece.
                return let(a, "segmint_s", [](const std::string& x) {
                    return fmt::format(
                        "CASE WHEN instr({0}, char(0)) = 0 THEN length({0}) ELSE (WITH RECURSIVE segmint_pieces(rest, "
                        "n) AS (SELECT CAST({0} AS BLOB), 0 UNION ALL SELECT substr(rest, instr(rest, x'00') + 1), n + "
                        "length(CAST(substr(rest, 1, instr(rest, x'00') - 1) AS TEXT)) + 1 FROM segmint_pieces WHERE "
                        "instr(rest, x'00') > 0) SELECT n + length(CAST(rest AS TEXT)) FROM segmint_pieces WHERE "
                        "instr(rest, x'00') = 0) END",
                        x);
                });
            case ir::Function::Abs:
                if (types.at(0) == ir::Type::Int) {  // abs() raises an error on the smallest int
                    return let(a, "segmint_a", [](const std::string& x) {
                        return fmt::format("CASE WHEN {0} <> (-9223372036854775807 - 1) THEN abs({0}) END", x);
                    });
                }
                return "abs(" + a + ")";
            case ir::Function::Round:  // round() adds 0.5 and truncates: exact half away from zero instead
                return let(a, "segmint_r", [](const std::string& x) {
                    return fmt::format(
                        "CAST(CASE WHEN abs({0}) >= 4503599627370496.0 THEN {0} ELSE CAST({0} AS INTEGER) + "
                        "CASE WHEN abs({0} - CAST({0} AS INTEGER)) >= 0.5 THEN sign({0}) ELSE 0 END END AS REAL)",
                        x);
                });
            case ir::Function::Coalesce: {
                if (args.size() == 1) return a;
                std::string list;
                for (const auto& arg : args) list += (list.empty() ? "" : ", ") + arg;
                return "COALESCE(" + list + ")";
            }
            case ir::Function::Year: return "CAST(strftime('%Y', " + a + ") AS INTEGER)";
            case ir::Function::Month: return "CAST(strftime('%m', " + a + ") AS INTEGER)";
            case ir::Function::DayOfWeek: return "((CAST(strftime('%w', " + a + ") AS INTEGER) + 6) % 7 + 1)";
            case ir::Function::DaysSince:
                return fmt::format("CAST(julianday({}) - julianday({}) AS INTEGER)", date_literal(as_of.today), a);
        }
        throw std::logic_error("sql: unknown function");
    }

    // date(d, '-1 month') rolls over (2026-03-31 → 03-03): the day moved with its month, or the month's last day if
    // that is earlier. A month past 9999-12 makes date() NULL even where '-1 day' would come back to 9999-12-31, so
    // a missing last day is 9999-12-31 (the first operand is NULL when the month itself is past 9999-12).
    std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const override {
        if (op == ir::Op::Days) return in_calendar(fmt::format("date({}, '{:+d} days')", date, amount));
        return in_calendar(let(date, "segmint_d", [&](const std::string& d) {
            return fmt::format(
                "min(date({0}, 'start of month', '{1:+d} months', '+' || (CAST(strftime('%d', {0}) AS INTEGER) - 1) "
                "|| ' days'), COALESCE(date({0}, 'start of month', '{2:+d} months', '-1 day'), '9999-12-31'))",
                d, amount, amount + 1);
        }));
    }

    // Timestamps are INTEGER microseconds since 1970-01-01T00:00:00Z: exact, and ordered as numbers.
    std::string timestamp_literal(int64_t micros) const override { return int_literal(micros); }
    std::string date_to_timestamp(const std::string& date) const override {
        return fmt::format("(CAST(julianday({}) - 2440587.5 AS INTEGER) * {})", date, calendar::kMicrosPerDay);
    }
    std::string timestamp_to_date(const std::string& timestamp) const override {
        return let(timestamp, "segmint_u", [](const std::string& t) { return "date(2440587.5 + " + day_of(t) + ")"; });
    }
    std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const override {
        if (op == ir::Op::Micros) {
            int64_t low = 0, high = 0;
            if (!shift_keeps_calendar(amount, &low, &high)) return null_literal();
            return let(timestamp, "segmint_u", [&](const std::string& t) {
                return fmt::format("CASE WHEN {0} BETWEEN {1} AND {2} THEN {0} + ({3}) END", t, int_literal(low),
                                   int_literal(high), amount);
            });
        }
        // The UTC date moves by months as a date does (clamped, NULL outside the calendar); the time of day stays.
        return let(timestamp, "segmint_u", [&](const std::string& t) {
            const std::string moved = date_shift(ir::Op::Months, "date(2440587.5 + " + day_of(t) + ")", amount);
            return fmt::format("(CAST(julianday({}) - 2440587.5 AS INTEGER) * {} + {})", moved, calendar::kMicrosPerDay,
                               time_of_day(t));
        });
    }

    bool translates_event_aggregates() const override { return true; }
    std::string ordered(ir::Type type, const std::string& value) const override {
        return type == ir::Type::String ? "(" + value + " COLLATE BINARY)" : value;
    }
    // SUM() of INTEGERs raises an error on overflow, whatever the total: the high and the low 32 bits are summed
    // apart (neither sum overflows below 2^31 events), then carried.
    std::vector<std::string> int_sum_parts(const std::string& value) const override {
        return {fmt::format("SUM(({}) >> 32)", value), fmt::format("SUM(({}) & 4294967295)", value)};
    }
    std::string int_sum_total(const std::vector<std::string>& parts) const override {
        const auto [high, low] = carried(parts);
        return fmt::format("CASE WHEN {0} BETWEEN -2147483648 AND 2147483647 THEN {0} * 4294967296 + {1} END", high,
                           low);
    }
    // The high part times 2^32 is an exact double; adding the low part rounds the exact total once.
    std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const override {
        const auto [high, low] = carried(parts);
        return fmt::format("(({} * 4294967296.0 + {}) / {})", high, low, count);
    }

    // SQLite's parser has a fixed stack (100 entries): a deep rule fails with `parser stack overflow`. The expression
    // is parsed (never run) in an empty database in each place the queries put a rule or an aggregate (query.cpp):
    // an event table's derived table and its window, a CTE layer and a view's WHERE, a counts query's inner column.
    // The parser fails before names are looked up, so only that failure refuses it.
    void check_nesting(const std::string& expression) const override {
        thread_local std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(nullptr, sqlite3_close);
        if (!db) {
            sqlite3* opened = nullptr;
            if (sqlite3_open(":memory:", &opened) != SQLITE_OK) throw std::runtime_error("sqlite: cannot open memory");
            db.reset(opened);
        }
        const std::string statements[] = {
            fmt::format("CREATE VIEW v AS WITH l0 AS (SELECT * FROM t AS c LEFT JOIN (SELECT k AS kk, {0} AS x FROM "
                        "(SELECT *, {0} AS w FROM e) AS r GROUP BY k) AS j ON j.kk = c.k), l1 AS (SELECT *, "
                        "COALESCE({0}, 0) AS s FROM l0) SELECT k FROM l1 WHERE {0}",
                        expression),
            fmt::format("SELECT COALESCE(SUM(m0), 0) AS s FROM (SELECT k, COALESCE({}, 0) AS m0 FROM t)", expression)};
        for (const auto& statement : statements) {
            sqlite3_stmt* prepared = nullptr;
            sqlite3_prepare_v2(db.get(), statement.c_str(), static_cast<int>(statement.size()), &prepared, nullptr);
            sqlite3_finalize(prepared);
            if (std::string(sqlite3_errmsg(db.get())).find("parser stack overflow") != std::string::npos)
                throw Unsupported("a rule nested deeper than SQLite's parser takes (its stack holds 100 levels)");
        }
    }

    std::string true_only(const std::string& p) const override { return "COALESCE(" + p + ", 0)"; }
    std::string count_sum(const std::string& column) const override { return "COALESCE(SUM(" + column + "), 0)"; }

private:
    // The day (since 1970-01-01) and the time of day of microseconds `t`, rounding down.
    static std::string time_of_day(const std::string& t) {
        return fmt::format("((({0} % {1}) + {1}) % {1})", t, calendar::kMicrosPerDay);
    }
    static std::string day_of(const std::string& t) {
        return fmt::format("(({} - {}) / {})", t, time_of_day(t), calendar::kMicrosPerDay);
    }
    // The high and low sums of int_sum_parts with the low part's carry moved up: the low part in 0..2^32-1.
    static std::pair<std::string, std::string> carried(const std::vector<std::string>& parts) {
        return {fmt::format("({} + ({} >> 32))", parts.at(0), parts.at(1)),
                fmt::format("({} & 4294967295)", parts.at(1))};
    }

    static std::string integer_only(const std::string& e) {
        return let(e, "segmint_i", [](const std::string& x) {
            return fmt::format("CASE WHEN typeof({}) = 'integer' THEN {} END", x, x);
        });
    }
};

}  // namespace

const Dialect& sqlite_dialect() {
    static const Sqlite dialect;
    return dialect;
}

}  // namespace segmint::sql
