// The DuckDB dialect (DuckDB 1.3 or later: lambdas are written `lambda x: ...`; checked on 1.5). docs/sql.md has the
// storage contract and the translation table. Storage: int BIGINT, number DOUBLE (finite), string and enum VARCHAR
// (any collation), bool BOOLEAN, date DATE, list<string> VARCHAR[] (no NULL items). The SQL reads no session setting:
// no timestamp is translated yet, and every text operation names COLLATE "binary" on each text operand, so neither a
// column's collation nor `default_collation` can change it. DuckDB raises errors on BIGINT overflow (int + - * and
// unary -, abs, INT64_MIN % -1): int arithmetic runs in HUGEINT, where an int64 result cannot overflow, and is cast
// back to BIGINT only where it fits. Double arithmetic does not raise (since 1.1): a result that is not finite
// becomes NULL. A date leaving DuckDB's range raises, so dates are shifted only after an exact test on the day (or
// month) number. The differential test (tests/sql/duckdb_differential.sh) runs every formula here against the VM in
// a real DuckDB.
#include <fmt/format.h>

#include <cmath>
#include <functional>

#include "common/calendar.h"
#include "sql/dialect.h"

namespace segmint::sql {

namespace {

// `f(x)` where `x` is the value of `e` and f reads it more than once: a short `e` is repeated, a longer one is
// computed once and bound to a lambda's parameter. The parameter hides a column of its name only inside f, which
// reads nothing but it. `name` must differ from the names of the lets `f` nests inside it.
std::string let(const std::string& e, const char* name, const std::function<std::string(const std::string& x)>& f) {
    if (e.size() <= 48) return f(e);
    return fmt::format("(list_transform([{}], lambda {}: {})[1])", e, name, f(name));
}

// A text operand compared bytewise, whatever collation the column or the session gives it. DuckDB refuses to
// combine two different collations, so each text operand of an operation names it. A bare NULL has no type to
// collate: it is a NULL text first.
std::string binary(const std::string& text) {
    return (text == "NULL" ? "CAST(NULL AS VARCHAR)" : text) + " COLLATE \"binary\"";
}

// The number of days from 0001-01-01 to 9999-12-31, and of months from January of year 1 to December 9999.
constexpr int64_t kLastDay = 3652058;
constexpr int64_t kMonths = 119988;

class DuckDb final : public Dialect {
public:
    const char* name() const override { return "duckdb"; }

    std::string bool_literal(bool value) const override { return value ? "TRUE" : "FALSE"; }

    // `0.1` alone is a DECIMAL; the text cast to DOUBLE is correctly rounded, so the shortest decimal that reads back
    // as the double is exactly it.
    std::string number_literal(double value) const override {
        if (value == 0) return std::signbit(value) ? "CAST('-0' AS DOUBLE)" : "CAST('0' AS DOUBLE)";
        return fmt::format("CAST('{}' AS DOUBLE)", value);
    }

    // A backslash is an ordinary character in '' literals. The SQL text is read up to a NUL byte, so a NUL is
    // written chr(0) and concatenated.
    std::string string_literal(std::string_view value) const override {
        std::string out = "'";
        bool pieces = false;
        for (char c : value) {
            if (c == '\0') {
                out += "' || chr(0) || '";
                pieces = true;
                continue;
            }
            out += c;
            if (c == '\'') out += c;
        }
        out += "'";
        return pieces ? "(" + out + ")" : out;
    }

    std::string date_literal(int32_t days) const override { return "DATE '" + calendar::format_date(days) + "'"; }

    // BIGINT + - * and % (INT64_MIN % -1) raise on overflow. In HUGEINT an int64 sum, difference, product or
    // remainder is exact; it is kept where it fits in BIGINT. % takes the dividend's sign.
    std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) return fmt::format("CAST(CAST({} AS HUGEINT) % NULLIF({}, 0) AS BIGINT)", a, b);
        return in_int_range(fmt::format("(CAST({} AS HUGEINT) {} {})", a, symbol(op), b));
    }
    std::string int_negate(const std::string& a) const override {
        return in_int_range(fmt::format("(- CAST({} AS HUGEINT))", a));
    }

    // DOUBLE + - * / give ±inf on overflow and round to zero on underflow, as IEEE does: a result that is not finite
    // is NULL. x / 0 is NULL (DuckDB gives ±inf or NULL, by version). % is fmod (the dividend's sign), finite for
    // finite operands.
    std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) return fmt::format("({} % NULLIF({}, 0))", a, b);
        const std::string r =
            op == ir::Op::Div ? fmt::format("({} / NULLIF({}, 0))", a, b) : fmt::format("({} {} {})", a, symbol(op), b);
        return let(r, "segmint_n",
                   [](const std::string& x) { return fmt::format("CASE WHEN isfinite({0}) THEN {0} END", x); });
    }
    std::string number_negate(const std::string& a) const override { return "(- " + a + ")"; }
    std::string int_to_number(const std::string& a) const override { return "CAST(" + a + " AS DOUBLE)"; }

    std::string compare(ir::Op op, ir::Type type, const std::string& a, const std::string& b) const override {
        if (type == ir::Type::String) return fmt::format("({} {} {})", binary(a), symbol(op), binary(b));
        return fmt::format("({} {} {})", a, symbol(op), b);
    }
    std::string in_set(ir::Type type, const std::string& a, const std::vector<std::string>& items,
                       bool has_null) const override {
        std::string list;
        for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
        if (has_null) list += list.empty() ? "NULL" : ", NULL";
        return fmt::format("({} IN ({}))", type == ir::Type::String ? binary(a) : a, list);
    }

    // contains, starts_with and ends_with follow the operands' collation; all are TRUE for an empty pattern.
    // regexp_matches is RE2's partial match with RE2's default options (. excludes \n, no multi-line), as the VM's.
    std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                          const std::string* pattern_constant) const override {
        switch (op) {
            case ir::Op::Contains: return fmt::format("contains({}, {})", binary(text), binary(pattern));
            case ir::Op::StartsWith: return fmt::format("starts_with({}, {})", binary(text), binary(pattern));
            case ir::Op::EndsWith: return fmt::format("ends_with({}, {})", binary(text), binary(pattern));
            case ir::Op::Matches:
                if (!pattern_constant) throw Unsupported("a regex that is not a literal");
                return fmt::format("regexp_matches({}, {})", binary(text), string_literal(*pattern_constant));
            default: break;
        }
        throw std::logic_error("sql: unknown text test");
    }

    // list_contains is NULL for a NULL list; a NULL item gives NULL first, whatever the list holds.
    std::string list_contains(const std::string& list, const std::string& item) const override {
        if (item.rfind('\'', 0) == 0) return fmt::format("list_contains({}, {})", list, binary(item));
        return let(item, "segmint_x", [&](const std::string& x) {
            return fmt::format("CASE WHEN {0} IS NULL THEN NULL ELSE list_contains({1}, {2}) END", x, list, binary(x));
        });
    }

    std::string call(ir::Function function, const std::vector<ir::Type>& types, const std::vector<std::string>& args,
                     const scalar::AsOf& as_of) const override {
        const std::string& a = args.at(0);
        switch (function) {
            // lower() and upper() map Unicode (É → é, ß → ẞ): ASCII letters only.
            case ir::Function::Lower:
                return "translate(" + a + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
            case ir::Function::Upper:
                return "translate(" + a + ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')";
            case ir::Function::Length:  // code points (length_grapheme counts graphemes, strlen bytes)
                if (types.at(0) == ir::Type::StringList) return "len(" + a + ")";
                return "length(" + a + ")";
            case ir::Function::Abs:
                if (types.at(0) == ir::Type::Int) return in_int_range(fmt::format("abs(CAST({} AS HUGEINT))", a));
                return "abs(" + a + ")";
            case ir::Function::Round: return "round(" + a + ")";  // DOUBLE round() is half away from zero
            case ir::Function::Coalesce: {
                if (args.size() == 1) return a;
                std::string list;
                for (const auto& arg : args) list += (list.empty() ? "" : ", ") + arg;
                return "COALESCE(" + list + ")";
            }
            case ir::Function::Year: return "year(" + a + ")";
            case ir::Function::Month: return "month(" + a + ")";
            case ir::Function::DayOfWeek: return "isodow(" + a + ")";
            case ir::Function::DaysSince: return fmt::format("({} - {})", date_literal(as_of.today), a);
        }
        throw std::logic_error("sql: unknown function");
    }

    // DuckDB's dates reach far past 9999 but raise beyond their own range, so the day (or month) number is tested
    // first; an amount larger than the calendar leaves it for every date. Months clamp to the month's end
    // (date + interval does); the sum is a TIMESTAMP, hence the cast.
    std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const override {
        const bool days = op == ir::Op::Days;
        if (amount > (days ? kLastDay : kMonths) || amount < -(days ? kLastDay : kMonths)) return "CAST(NULL AS DATE)";
        return let(date, "segmint_d", [&](const std::string& d) {
            if (days) {
                return fmt::format("CASE WHEN ({0} - DATE '0001-01-01') + ({1}) BETWEEN 0 AND {2} THEN {0} + ({1}) END",
                                   d, amount, kLastDay);
            }
            return fmt::format(
                "CASE WHEN year({0}) * 12 + month({0}) - 1 + ({1}) BETWEEN 12 AND 119999 "
                "THEN CAST({0} + to_months({1}) AS DATE) END",
                d, amount);
        });
    }

    // Timestamps are computed on as BIGINT microseconds since 1970-01-01T00:00:00Z: epoch_us() of a TIMESTAMPTZ is
    // its UTC instant whatever the session's TimeZone, and integers compare and shift exactly with no time zone
    // anywhere (a TIMESTAMPTZ's date and its month arithmetic would follow TimeZone).
    std::string timestamp_column(const std::string& column) const override { return "epoch_us(" + column + ")"; }
    std::string timestamp_literal(int64_t micros) const override { return int_literal(micros); }
    std::string date_to_timestamp(const std::string& date) const override {
        return fmt::format("(({} - DATE '1970-01-01') * {})", date, calendar::kMicrosPerDay);
    }
    std::string timestamp_to_date(const std::string& timestamp) const override {
        return let(timestamp, "segmint_u",
                   [](const std::string& t) { return "(DATE '1970-01-01' + CAST(" + day_of(t) + " AS INTEGER))"; });
    }
    std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const override {
        if (op == ir::Op::Micros) {
            int64_t low = 0, high = 0;
            if (!shift_keeps_calendar(amount, &low, &high)) return "CAST(NULL AS BIGINT)";
            return let(timestamp, "segmint_u", [&](const std::string& t) {
                return fmt::format("CASE WHEN {0} BETWEEN {1} AND {2} THEN {0} + ({3}) END", t, int_literal(low),
                                   int_literal(high), amount);
            });
        }
        // The UTC date moves by months as a date does (clamped, NULL outside the calendar); the time of day stays.
        return let(timestamp, "segmint_u", [&](const std::string& t) {
            const std::string moved =
                date_shift(ir::Op::Months, "(DATE '1970-01-01' + CAST(" + day_of(t) + " AS INTEGER))", amount);
            return fmt::format("(({} - DATE '1970-01-01') * {} + {})", moved, calendar::kMicrosPerDay, time_of_day(t));
        });
    }

    bool translates_event_aggregates() const override { return true; }
    std::string ordered(ir::Type type, const std::string& value) const override {
        return type == ir::Type::String ? "(" + binary(value) + ")" : value;
    }
    // SUM of BIGINTs is a HUGEINT: exact. The average divides the exact total as a double; the total is carried as
    // its high and low 32 bits so that the double is the exact total rounded once (high * 2^32 is an exact double).
    std::vector<std::string> int_sum_parts(const std::string& value) const override {
        return {fmt::format("SUM(({}) >> 32)", value), fmt::format("SUM(({}) & 4294967295)", value)};
    }
    std::string int_sum_total(const std::vector<std::string>& parts) const override {
        return in_int_range(fmt::format("(CAST({} AS HUGEINT) * 4294967296 + {})", parts.at(0), parts.at(1)));
    }
    std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const override {
        const std::string high = fmt::format("({} + ({} >> 32))", parts.at(0), parts.at(1));
        const std::string low = fmt::format("({} & 4294967295)", parts.at(1));
        return fmt::format("((CAST({} AS DOUBLE) * 4294967296.0 + CAST({} AS DOUBLE)) / {})", high, low, count);
    }

    // Quoted names that differ only in case name one column, table or view.
    bool names_ignore_case() const override { return true; }
    std::string true_only(const std::string& p) const override { return "COALESCE(" + p + ", FALSE)"; }
    std::string count_sum(const std::string& column) const override { return "count(*) FILTER (WHERE " + column + ")"; }

private:
    // The day (since 1970-01-01) and the time of day of microseconds `t`, rounding down (`//` truncates).
    static std::string time_of_day(const std::string& t) {
        return fmt::format("((({0} % {1}) + {1}) % {1})", t, calendar::kMicrosPerDay);
    }
    static std::string day_of(const std::string& t) {
        return fmt::format("(({} - {}) // {})", t, time_of_day(t), calendar::kMicrosPerDay);
    }

    // A HUGEINT as a BIGINT, NULL outside the int64 range. Not TRY_CAST: DuckDB (1.5) rewrites
    // `TRY_CAST(h AS BIGINT) < constant` into `h < constant`, which is TRUE where the cast is NULL.
    static std::string in_int_range(const std::string& h) {
        return let(h, "segmint_i", [](const std::string& x) {
            return fmt::format(
                "CASE WHEN {0} BETWEEN -9223372036854775808 AND 9223372036854775807 THEN CAST({0} AS BIGINT) END", x);
        });
    }
};

}  // namespace

const Dialect& duckdb_dialect() {
    static const DuckDb dialect;
    return dialect;
}

}  // namespace segmint::sql
