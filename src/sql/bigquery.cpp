// The BigQuery dialect (GoogleSQL). docs/sql.md has the storage contract, the translation table and the
// documentation each formula rests on. Storage: int INT64, number FLOAT64 (finite), string and enum STRING (any
// collation), bool BOOL, date DATE, timestamp TIMESTAMP. BigQuery raises errors where the language yields NULL (INT64
// and FLOAT64 overflow, x / 0, a date or timestamp leaving 0001-01-01..9999-12-31, which is also BigQuery's range): the
// SAFE_ functions and the SAFE. prefix return NULL there instead. Every text operand a collation could change is
// wrapped in COLLATE(s, ''), which drops the column's collation, so text compares by code point (UTF-8 byte order).
// The SQL reads no session setting: every date and time conversion names 'UTC'. A list column cannot be read: BigQuery
// stores a NULL array as [], so a NULL list cannot be told from an empty one. BigQuery cannot run here: the goldens
// (tests/golden/sql/bigquery_*) hold the SQL, checked by hand against the documentation.
#include <fmt/format.h>

#include <cmath>

#include "common/calendar.h"
#include "sql/dialect.h"

namespace segmint::sql {

namespace {

// A text operand compared bytewise, whatever collation the column or the dataset gives it. A bare NULL has no type:
// it is a NULL STRING first.
std::string binary(const std::string& text) {
    return "COLLATE(" + (text == "NULL" ? std::string("CAST(NULL AS STRING)") : text) + ", '')";
}

// SAFE_ADD, SAFE_SUBTRACT, SAFE_MULTIPLY, SAFE_DIVIDE: NULL where the operator raises (overflow, x / 0).
const char* safe_function(ir::Op op) {
    switch (op) {
        case ir::Op::Add: return "SAFE_ADD";
        case ir::Op::Sub: return "SAFE_SUBTRACT";
        case ir::Op::Mul: return "SAFE_MULTIPLY";
        case ir::Op::Div: return "SAFE_DIVIDE";
        default: break;
    }
    throw std::logic_error(std::string("sql: no SAFE_ function for ") + ir::op_name(op));
}

// Whether `text` is valid UTF-8 (BigQuery's STRING holds nothing else).
bool valid_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = text[i];
        size_t n = 0;
        uint32_t cp = c;
        if (c >= 0x80) {
            if ((c & 0xE0) == 0xC0)
                n = 1, cp = c & 0x1F;
            else if ((c & 0xF0) == 0xE0)
                n = 2, cp = c & 0x0F;
            else if ((c & 0xF8) == 0xF0)
                n = 3, cp = c & 0x07;
            else
                return false;
        }
        if (i + n >= text.size() && n > 0) return false;
        for (size_t k = 1; k <= n; ++k) {
            const unsigned char d = text[i + k];
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

// `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, the UTC instant of `micros`.
std::string utc(int64_t micros) {
    const int64_t day = calendar::kMicrosPerDay;
    const int64_t days = micros >= 0 ? micros / day : -((-micros + day - 1) / day);
    const int64_t of_day = micros - days * day;
    const int64_t seconds = of_day / 1000000;
    return fmt::format("{} {:02d}:{:02d}:{:02d}.{:06d}+00:00", calendar::format_date(static_cast<int32_t>(days)),
                       seconds / 3600, seconds / 60 % 60, seconds % 60, of_day % 1000000);
}

// The number of days from 0001-01-01 to 9999-12-31, and of months from January of year 1 to December 9999: a larger
// shift leaves the calendar from every date.
constexpr int64_t kLastDay = 3652058;
constexpr int64_t kMonths = 119988;

class BigQuery final : public Dialect {
public:
    const char* name() const override { return "bigquery"; }

    // Quoted identifiers take the escape sequences of string literals: a backtick and a backslash are escaped.
    std::string identifier(std::string_view name) const override {
        std::string out = "`";
        for (char c : name) {
            if (c == '`' || c == '\\') out += '\\';
            out += c;
        }
        return out + "`";
    }

    std::string bool_literal(bool value) const override { return value ? "TRUE" : "FALSE"; }

    // The text cast to FLOAT64 is correctly rounded, so the shortest decimal that reads back as the double is exactly
    // it (a literal `0.1` is a FLOAT64 too, but the cast says so for every form, `-0` included).
    std::string number_literal(double value) const override {
        if (value == 0) return std::signbit(value) ? "CAST('-0' AS FLOAT64)" : "CAST('0' AS FLOAT64)";
        return fmt::format("CAST('{}' AS FLOAT64)", value);
    }

    // A backslash starts an escape sequence in '' literals, and a quoted string cannot hold a newline: both are
    // escaped, as are the other control characters (\xHH). A NUL byte and bytes that are not UTF-8 are refused.
    std::string string_literal(std::string_view value) const override {
        if (value.find('\0') != std::string_view::npos) throw Unsupported("text holding a NUL byte");
        if (!valid_utf8(value)) throw Unsupported("text that is not UTF-8");
        std::string out = "'";
        for (char c : value) {
            const unsigned char u = static_cast<unsigned char>(c);
            if (c == '\'' || c == '\\') {
                out += '\\';
                out += c;
            } else if (c == '\n') {
                out += "\\n";
            } else if (u < 0x20 || u == 0x7F) {
                out += fmt::format("\\x{:02x}", u);
            } else {
                out += c;
            }
        }
        return out + "'";
    }

    std::string date_literal(int32_t days) const override { return "DATE '" + calendar::format_date(days) + "'"; }

    // INT64 + - * and unary - raise on overflow; the SAFE_ functions give NULL. MOD takes the dividend's sign and
    // raises on a zero divisor (NULLIF makes it NULL); x MOD -1 is 0, as x MOD 1 is, so -1 is never divided by (its
    // INT64_MIN case could overflow).
    std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) return fmt::format("MOD({0}, IF({1} = -1, 1, NULLIF({1}, 0)))", a, b);
        return fmt::format("{}({}, {})", safe_function(op), a, b);
    }
    std::string int_negate(const std::string& a) const override { return "SAFE_NEGATE(" + a + ")"; }

    // FLOAT64 + - * / raise on overflow (and / on a zero divisor): the SAFE_ functions give NULL, the language's value
    // for a result that is not finite and for x / 0. Underflow rounds as IEEE does, as the VM's. MOD takes no FLOAT64.
    std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) throw Unsupported("number remainder (%)");
        return fmt::format("{}({}, {})", safe_function(op), a, b);
    }
    std::string number_negate(const std::string& a) const override { return "(- " + a + ")"; }
    std::string int_to_number(const std::string& a) const override { return "CAST(" + a + " AS FLOAT64)"; }

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

    // STRPOS, STARTS_WITH and ENDS_WITH compare code points (a collation would change them, hence COLLATE(s, '')).
    // An empty pattern is in every text. REGEXP_CONTAINS is RE2's partial match.
    std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                          const std::string* pattern_constant) const override {
        switch (op) {
            case ir::Op::Contains:
                if (pattern_constant && pattern_constant->empty())
                    return fmt::format("CASE WHEN {} IS NOT NULL THEN TRUE END", text);
                if (pattern_constant) return fmt::format("(STRPOS({}, {}) > 0)", binary(text), binary(pattern));
                // STRPOS of an empty subvalue is not documented: the empty pattern is decided first.
                return fmt::format(
                    "CASE WHEN {0} IS NULL OR {1} IS NULL THEN NULL WHEN {1} = '' THEN TRUE ELSE STRPOS({2}, {3}) > 0 "
                    "END",
                    text, pattern, binary(text), binary(pattern));
            case ir::Op::StartsWith: return fmt::format("STARTS_WITH({}, {})", binary(text), binary(pattern));
            case ir::Op::EndsWith: return fmt::format("ENDS_WITH({}, {})", binary(text), binary(pattern));
            case ir::Op::Matches:
                if (!pattern_constant) throw Unsupported("a regex that is not a literal");
                return fmt::format("REGEXP_CONTAINS({}, {})", binary(text), string_literal(*pattern_constant));
            default: break;
        }
        throw std::logic_error("sql: unknown text test");
    }

    // A NULL array cannot be stored (it reads back as []), so a list column's NULL would be lost: refused.
    std::string list_column(const std::string&) const override {
        throw Unsupported("list columns (BigQuery cannot store a NULL array apart from an empty one)");
    }
    std::string list_contains(const std::string& list, const std::string& item) const override {
        return fmt::format("CASE WHEN {0} IS NULL THEN NULL ELSE {1} IN UNNEST({2}) END", item, binary(item), list);
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
            case ir::Function::Length:  // characters (code points) of a STRING
                if (types.at(0) == ir::Type::StringList) return "ARRAY_LENGTH(" + a + ")";
                return "LENGTH(" + a + ")";
            case ir::Function::Abs:  // ABS of the smallest INT64 raises
                if (types.at(0) == ir::Type::Int) return "SAFE.ABS(" + a + ")";
                return "ABS(" + a + ")";
            case ir::Function::Round: return "ROUND(" + a + ")";  // halfway cases away from zero
            case ir::Function::Coalesce: {
                if (args.size() == 1) return a;
                std::string list;
                for (const auto& arg : args) list += (list.empty() ? "" : ", ") + arg;
                return "COALESCE(" + list + ")";
            }
            case ir::Function::Year: return "EXTRACT(YEAR FROM " + a + ")";
            case ir::Function::Month: return "EXTRACT(MONTH FROM " + a + ")";
            case ir::Function::DayOfWeek:  // DAYOFWEEK is Sunday 1 … Saturday 7; ISO is Monday 1 … Sunday 7
                return "(MOD(EXTRACT(DAYOFWEEK FROM " + a + ") + 5, 7) + 1)";
            case ir::Function::DaysSince: return fmt::format("DATE_DIFF({}, {}, DAY)", date_literal(as_of.today), a);
        }
        throw std::logic_error("sql: unknown function");
    }

    // DATE_ADD raises outside 0001-01-01..9999-12-31 (the language's calendar): SAFE. makes it NULL. MONTH clamps to
    // the month's end.
    std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const override {
        const bool days = op == ir::Op::Days;
        if (amount > (days ? kLastDay : kMonths) || amount < -(days ? kLastDay : kMonths)) return "CAST(NULL AS DATE)";
        return fmt::format("SAFE.DATE_ADD({}, INTERVAL {} {})", date, amount, days ? "DAY" : "MONTH");
    }

    // TIMESTAMP is an absolute instant with microseconds, within 0001-01-01..9999-12-31 UTC, as the language's.
    std::string timestamp_literal(int64_t micros) const override { return "TIMESTAMP '" + utc(micros) + "'"; }
    std::string date_to_timestamp(const std::string& date) const override { return "TIMESTAMP(" + date + ", 'UTC')"; }
    std::string timestamp_to_date(const std::string& timestamp) const override {
        return "DATE(" + timestamp + ", 'UTC')";
    }
    // TIMESTAMP_ADD raises past the range (SAFE. makes it NULL) and takes no MONTH: months move the UTC civil time
    // (DATETIME, which clamps to the month's end) and come back to a TIMESTAMP in UTC.
    std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const override {
        if (op == ir::Op::Micros) {
            int64_t low = 0, high = 0;
            if (!shift_keeps_calendar(amount, &low, &high)) return "CAST(NULL AS TIMESTAMP)";
            return fmt::format("SAFE.TIMESTAMP_ADD({}, INTERVAL {} MICROSECOND)", timestamp, amount);
        }
        if (amount > kMonths || amount < -kMonths) return "CAST(NULL AS TIMESTAMP)";
        return fmt::format("TIMESTAMP(SAFE.DATETIME_ADD(DATETIME({}, 'UTC'), INTERVAL {} MONTH), 'UTC')", timestamp,
                           amount);
    }

    bool translates_event_aggregates() const override { return true; }
    std::string ordered(ir::Type type, const std::string& value) const override {
        return type == ir::Type::String ? binary(value) : value;
    }
    // SUM of INT64 raises on overflow, whatever the total: the high and the low 32 bits are summed apart (neither sum
    // overflows below 2^31 events), then carried. `>>` fills with zeros (no sign extension), so the high part is the
    // exact quotient (v - low) / 2^32 (DIV), the low part v & (2^32 - 1), never negative.
    std::vector<std::string> int_sum_parts(const std::string& value) const override {
        return {fmt::format("SUM(DIV(({0}) - (({0}) & 4294967295), 4294967296))", value),
                fmt::format("SUM(({}) & 4294967295)", value)};
    }
    std::string int_sum_total(const std::vector<std::string>& parts) const override {
        const auto [high, low] = carried(parts);
        return fmt::format("SAFE_ADD(SAFE_MULTIPLY({}, 4294967296), {})", high, low);
    }
    // The high part times 2^32 is an exact double; adding the low part rounds the exact total once.
    std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const override {
        const auto [high, low] = carried(parts);
        return fmt::format("((CAST({} AS FLOAT64) * 4294967296 + CAST({} AS FLOAT64)) / {})", high, low, count);
    }

    // Column names ignore case.
    bool names_ignore_case() const override { return true; }
    std::string true_only(const std::string& p) const override { return "COALESCE(" + p + ", FALSE)"; }
    std::string count_sum(const std::string& column) const override { return "COUNTIF(" + column + ")"; }

private:
    // The high and low sums of int_sum_parts with the low part's carry moved up: the low part in 0..2^32-1 (the low
    // sum is never negative, so `>>` is a division by 2^32).
    static std::pair<std::string, std::string> carried(const std::vector<std::string>& parts) {
        return {fmt::format("({} + ({} >> 32))", parts.at(0), parts.at(1)),
                fmt::format("({} & 4294967295)", parts.at(1))};
    }
};

}  // namespace

const Dialect& bigquery_dialect() {
    static const BigQuery dialect;
    return dialect;
}

}  // namespace segmint::sql
