// The Spark SQL dialect (Spark 3.4 or later: try_add/try_subtract/try_multiply, array_size, unix_micros and
// date_from_unix_date). docs/sql.md has the storage contract and the translation table. Storage: int BIGINT, number
// DOUBLE (finite), string and enum STRING (UTF8_BINARY, the only collation before 4.0), bool BOOLEAN, date DATE,
// timestamp TIMESTAMP (TIMESTAMP_LTZ), list<string> ARRAY<STRING> (no NULL items). The SQL means the same whatever
// spark.sql.ansi.enabled says: no operation that raises in ANSI mode (int overflow, x / 0, x % 0, abs of the smallest
// BIGINT, a cast out of range) is ever reached with such operands, and int arithmetic uses the try_ functions, NULL on
// overflow in both modes. String literals hold no backslash (spark.sql.parser.escapedStringLiterals would change its
// meaning): a backslash, a quote or a NUL byte is chr() concatenated. Timestamps are computed on as BIGINT
// microseconds (unix_micros of the column: its UTC instant), so spark.sql.session.timeZone is never read. Spark cannot
// run here: the goldens (tests/golden/sql/spark_*) hold the SQL, read against Spark's documentation.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <functional>

#include "common/calendar.h"
#include "sql/dialect.h"

namespace segmint::sql {

namespace {

// `f(x)` where `x` is the value of `e` and f reads it more than once: a short `e` is repeated, a longer one is
// computed once and bound to a lambda's parameter (a lambda variable hides a column of its name only inside f, which
// reads nothing but it). `name` must differ from the names of the lets `f` nests inside it.
std::string let(const std::string& e, const char* name, const std::function<std::string(const std::string& x)>& f) {
    if (e.size() <= 48) return f(e);
    return fmt::format("element_at(transform(array({}), {} -> {}), 1)", e, name, f(name));
}

// A double as Spark reads it exactly: the shortest decimal that round-trips, cast from text (Double.parseDouble,
// correctly rounded). `0.1` alone would be a DECIMAL.
std::string float8(double value) {
    if (value == 0) return std::signbit(value) ? "CAST('-0' AS DOUBLE)" : "CAST('0' AS DOUBLE)";
    return fmt::format("CAST('{}' AS DOUBLE)", value);
}

// The days from 1970-01-01 to 0001-01-01 and to 9999-12-31; the months from January of year 1 to December 9999.
constexpr int64_t kFirstDay = -719162;
constexpr int64_t kLastDay = 2932896;
constexpr int64_t kMonths = 119988;

// RE2 (partial match) to java.util.regex (RLIKE is Matcher.find), for the patterns whose meaning is provably the
// same; anything else throws Unsupported naming the construct. Java's default flags: `.` excludes five line
// terminators (RE2's only \n), `$` also matches before a final line terminator (RE2's only at the end), \s includes
// \x0B, \v is a class, \b follows Unicode letters on some JDKs, and CASE_INSENSITIVE is not given (a (?i) is spelled
// out on ASCII letters).
class RegexTranslator {
public:
    explicit RegexTranslator(std::string_view pattern) : p_(pattern) {}

    std::string translate() {
        if (p_.substr(0, 4) == "(?i)") {
            fold_ = true;
            i_ = 4;
        }
        while (i_ < p_.size()) atom();
        return out_;
    }

private:
    [[noreturn]] static void refuse(const std::string& construct) { throw Unsupported("regex construct " + construct); }

    void atom() {
        const unsigned char c = p_[i_];
        const bool after_quantifier = quantified_;
        quantified_ = false;
        if (c >= 0x80) {
            if (fold_) refuse("(?i) with non-ASCII text");  // RE2 folds Unicode; spelled out here on ASCII only
            out_ += p_[i_++];
            return;
        }
        switch (c) {
            case '.':
                out_ += "[^\\n]";  // RE2's . excludes \n only; Java's also \r, \u0085, \u2028, \u2029
                ++i_;
                return;
            case '$':
                out_ += "\\z";  // Java's $ also matches before a final line terminator
                ++i_;
                return;
            case '^':
            case '|':
            case ')': out_ += p_[i_++]; return;
            case '*':
            case '+':
            case '?':
                if (after_quantifier) refuse("a repetition of a repetition");  // Java: possessive a*+
                out_ += p_[i_++];
                if (i_ < p_.size() && p_[i_] == '?') out_ += p_[i_++];  // lazy: changes which match, not whether
                quantified_ = true;
                return;
            case '(':
                if (p_.substr(i_, 3) == "(?:") {
                    out_ += "(?:";
                    i_ += 3;
                } else if (i_ + 1 < p_.size() && p_[i_ + 1] == '?') {
                    refuse("(?...) other than (?: and a leading (?i)");
                } else {
                    out_ += p_[i_++];
                }
                return;
            case '{':
                if (after_quantifier) refuse("a repetition of a repetition");
                repeat();
                quantified_ = true;
                return;
            case '[': bracket(); return;
            case '\\': escape(false); return;
            default: break;
        }
        if (std::isalnum(c) || c == ' ' || c == '_' || c == '@' || c == '-' || c == ',' || c == ':' || c == '/' ||
            c == '#' || c == '%' || c == '&' || c == '=' || c == '!' || c == '\'' || c == '"' || c == ';' || c == '<' ||
            c == '>' || c == '~' || c == '`') {
            letter(c);
            ++i_;
            return;
        }
        refuse(fmt::format("`{}`", static_cast<char>(c)));
    }

    void letter(unsigned char c) {
        if (fold_ && std::isalpha(c)) {
            const char lower = static_cast<char>(std::tolower(c));
            if (lower == 'k' || lower == 's') refuse("(?i) with k or s");  // RE2 also folds K to U+212A, s to U+017F
            out_ += fmt::format("[{}{}]", static_cast<char>(std::toupper(c)), lower);
            return;
        }
        out_ += static_cast<char>(c);
    }

    // {n}, {n,} and {n,m} (RE2 allows counts up to 1000).
    void repeat() {
        size_t j = i_ + 1;
        auto number = [&](int* value) {
            const size_t start = j;
            *value = 0;
            while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j])) && j - start < 4)
                *value = *value * 10 + (p_[j++] - '0');
            return j > start;
        };
        int n = 0, m = 0;
        if (!number(&n)) refuse("`{` not starting a repetition");
        if (j < p_.size() && p_[j] == ',') {
            ++j;
            if (j < p_.size() && p_[j] != '}' && !number(&m)) refuse("`{` not starting a repetition");
        }
        if (j >= p_.size() || p_[j] != '}') refuse("`{` not starting a repetition");
        out_ += std::string(p_.substr(i_, j + 1 - i_));
        i_ = j + 1;
        if (i_ < p_.size() && p_[i_] == '?') out_ += p_[i_++];
    }

    // \d \w (ASCII in both), \s (spelled out: Java's has \x0B), their negations, escaped punctuation and
    // \t \n \r \f \v (Java's \v is a class: \x0B instead).
    void escape(bool in_bracket) {
        if (i_ + 1 >= p_.size()) refuse("a trailing backslash");
        const unsigned char c = p_[i_ + 1];
        i_ += 2;
        const char* cls = nullptr;
        bool negated = false;
        switch (c) {
            case 'd': cls = "0-9"; break;
            case 'w': cls = "0-9A-Za-z_"; break;
            case 's': cls = "\\t\\n\\f\\r "; break;
            case 'D': cls = "0-9", negated = true; break;
            case 'W': cls = "0-9A-Za-z_", negated = true; break;
            case 'S': cls = "\\t\\n\\f\\r ", negated = true; break;
            case 't':
            case 'n':
            case 'r':
            case 'f': out_ += '\\', out_ += static_cast<char>(c); return;
            case 'v': out_ += "\\x0B"; return;
            case 'b':
            case 'B': refuse("\\b and \\B");  // Java's \b counts Unicode letters as word characters before JDK 19
            default:
                if (c < 0x80 && std::ispunct(c)) {
                    out_ += '\\', out_ += static_cast<char>(c);
                    return;
                }
                refuse(fmt::format("\\{}", static_cast<char>(c)));
        }
        // RE2 folds the class's letters too under (?i): \w would also match U+212A and U+017F.
        if (fold_ && (c == 'w' || c == 'W')) refuse("(?i) with \\w or \\W");
        if (in_bracket) {
            if (negated) refuse(fmt::format("\\{} in a class", static_cast<char>(c)));
            out_ += cls;
        } else {
            out_ += fmt::format("[{}{}]", negated ? "^" : "", cls);
        }
    }

    // [..] and [^..] of ASCII letters, digits, ranges between two of them, and escapes. No `[` or `&` inside: Java
    // reads them as a nested class and an intersection.
    void bracket() {
        if (fold_) refuse("(?i) with a character class");
        out_ += '[';
        ++i_;
        if (i_ < p_.size() && p_[i_] == '^') out_ += p_[i_++];
        bool first = true;
        while (true) {
            if (i_ >= p_.size()) refuse("an unclosed class");
            const unsigned char c = p_[i_];
            if (c == ']' && !first) break;
            first = false;
            if (c == '\\') {
                escape(true);
                continue;
            }
            if (c == '-' && i_ > 0 && p_[i_ - 1] != '[' && p_[i_ - 1] != '^' && i_ + 1 < p_.size() &&
                p_[i_ + 1] != ']') {
                const unsigned char lo = p_[i_ - 1], hi = p_[i_ + 1];
                if (!std::isalnum(lo) || !std::isalnum(hi))
                    refuse("a class range other than between ASCII letters or digits");
                out_ += '-';
                ++i_;
                continue;
            }
            if (!(std::isalnum(c) || c == ' ' || c == '_' || c == '@' || c == '.' || c == ',' || c == '-' || c == '+' ||
                  c == '*' || c == '?' || c == '$' || c == '|' || c == '(' || c == ')' || c == '/'))
                refuse(fmt::format("`{}` in a class", static_cast<char>(c)));
            out_ += static_cast<char>(c);
            ++i_;
        }
        out_ += ']';
        ++i_;
    }

    std::string_view p_;
    size_t i_ = 0;
    bool fold_ = false;
    bool quantified_ = false;
    std::string out_;
};

class Spark final : public Dialect {
public:
    const char* name() const override { return "spark"; }

    // `name`, backticks doubled.
    std::string identifier(std::string_view name) const override {
        std::string out = "`";
        for (char c : name) {
            out += c;
            if (c == '`') out += '`';
        }
        return out + "`";
    }

    std::string bool_literal(bool value) const override { return value ? "TRUE" : "FALSE"; }

    // `1` is an INT (INT * INT is 32-bit arithmetic): every int literal is a BIGINT, suffix L.
    std::string int_literal(int64_t value) const override {
        if (value == INT64_MIN) return "(-9223372036854775807L - 1L)";
        return value < 0 ? fmt::format("({}L)", value) : fmt::format("{}L", value);
    }
    std::string number_literal(double value) const override { return float8(value); }

    // Spark unescapes backslash sequences in '' literals unless spark.sql.parser.escapedStringLiterals is set, and
    // has no '' escape (adjacent literals concatenate): a backslash, a quote and a NUL byte are chr() pieces.
    std::string string_literal(std::string_view value) const override {
        std::vector<std::string> pieces;
        std::string run;
        bool open = false;
        for (char c : value) {
            const char* special = c == '\\' ? "chr(92)" : c == '\'' ? "chr(39)" : c == '\0' ? "chr(0)" : nullptr;
            if (!special) {
                run += c;
                open = true;
                continue;
            }
            if (open) pieces.push_back("'" + run + "'");
            run.clear();
            open = false;
            pieces.emplace_back(special);
        }
        if (open || pieces.empty()) pieces.push_back("'" + run + "'");
        if (pieces.size() == 1 && pieces[0][0] == '\'') return pieces[0];
        std::string out = "concat(";
        for (size_t i = 0; i < pieces.size(); ++i) out += (i ? ", " : "") + pieces[i];
        return out + ")";
    }

    std::string date_literal(int32_t days) const override { return "DATE '" + calendar::format_date(days) + "'"; }

    // try_add, try_subtract and try_multiply are NULL on BIGINT overflow whatever spark.sql.ansi.enabled says (+ - *
    // wrap, or raise in ANSI mode). % is Java's: the dividend's sign, and Long.MIN_VALUE % -1 = 0; x % 0 is NULL,
    // or raises in ANSI mode: NULLIF makes the divisor NULL first.
    std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        switch (op) {
            case ir::Op::Add: return fmt::format("try_add({}, {})", a, b);
            case ir::Op::Sub: return fmt::format("try_subtract({}, {})", a, b);
            case ir::Op::Mul: return fmt::format("try_multiply({}, {})", a, b);
            case ir::Op::Mod: return fmt::format("({} % NULLIF({}, 0L))", a, b);
            default: break;
        }
        throw std::logic_error("sql: no int operator");
    }
    std::string int_negate(const std::string& a) const override { return "try_subtract(0L, " + a + ")"; }

    // DOUBLE + - * follow IEEE in both modes (ANSI mode checks integral and decimal overflow only): a result that is
    // not finite is NULL. x / 0 is NULL, or raises in ANSI mode: NULLIF. % is Java's double remainder (fmod: the
    // dividend's sign, exact).
    std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) return fmt::format("({} % NULLIF({}, {}))", a, b, float8(0));
        const std::string r = op == ir::Op::Div ? fmt::format("({} / NULLIF({}, {}))", a, b, float8(0))
                                                : fmt::format("({} {} {})", a, symbol(op), b);
        return let(r, "segmint_n", [](const std::string& x) {
            return fmt::format("CASE WHEN NOT isnan({0}) AND abs({0}) <> CAST('Infinity' AS DOUBLE) THEN {0} END", x);
        });
    }
    std::string number_negate(const std::string& a) const override { return "(- " + a + ")"; }
    std::string int_to_number(const std::string& a) const override { return "CAST(" + a + " AS DOUBLE)"; }

    // STRING compares bytewise (UTF8_BINARY: UTF-8 bytes, so code points).
    std::string compare(ir::Op op, ir::Type, const std::string& a, const std::string& b) const override {
        return fmt::format("({} {} {})", a, symbol(op), b);
    }
    std::string in_set(ir::Type, const std::string& a, const std::vector<std::string>& items,
                       bool has_null) const override {
        std::string list;
        for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
        if (has_null) list += list.empty() ? "NULL" : ", NULL";
        return fmt::format("({} IN ({}))", a, list);
    }

    // contains, startswith and endswith (3.3) are TRUE for an empty pattern and NULL for a NULL operand; LIKE would
    // need % and _ escaped. RLIKE is java.util.regex's find(): the pattern is rewritten where the meaning is the same.
    std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                          const std::string* pattern_constant) const override {
        switch (op) {
            case ir::Op::Contains: return fmt::format("contains({}, {})", text, pattern);
            case ir::Op::StartsWith: return fmt::format("startswith({}, {})", text, pattern);
            case ir::Op::EndsWith: return fmt::format("endswith({}, {})", text, pattern);
            case ir::Op::Matches: {
                if (!pattern_constant) throw Unsupported("a regex that is not a literal");
                const std::string java = RegexTranslator(*pattern_constant).translate();
                return fmt::format("({} RLIKE {})", text, string_literal(java));
            }
            default: break;
        }
        throw std::logic_error("sql: unknown text test");
    }

    // array_contains is NULL when the array or the value is NULL.
    std::string list_contains(const std::string& list, const std::string& item) const override {
        return fmt::format("array_contains({}, {})", list, item);
    }

    std::string call(ir::Function function, const std::vector<ir::Type>& types, const std::vector<std::string>& args,
                     const scalar::AsOf& as_of) const override {
        const std::string& a = args.at(0);
        switch (function) {
            // lower() and upper() map Unicode (É → é): ASCII letters only.
            case ir::Function::Lower:
                return "translate(" + a + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
            case ir::Function::Upper:
                return "translate(" + a + ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')";
            case ir::Function::Length:  // code points; array_size is NULL for NULL (size() may give -1); INT widened
                if (types.at(0) == ir::Type::StringList) return "CAST(array_size(" + a + ") AS BIGINT)";
                return "CAST(length(" + a + ") AS BIGINT)";
            case ir::Function::Abs:
                if (types.at(0) == ir::Type::Int) {  // abs(Long.MIN_VALUE) wraps, or raises in ANSI mode
                    return let(a, "segmint_a", [](const std::string& x) {
                        return fmt::format("CASE WHEN {0} <> (-9223372036854775807L - 1L) THEN abs({0}) END", x);
                    });
                }
                return "abs(" + a + ")";
            // round(DOUBLE) goes through a BigDecimal made from the double's decimal string: half away from zero
            // computed exactly from the binary value instead. Below 2^52 the cast to BIGINT truncates exactly and the
            // fraction x - trunc(x) is exact; from 2^52 on every double is an integer.
            case ir::Function::Round:
                return let(a, "segmint_r", [](const std::string& x) {
                    return fmt::format(
                        "CASE WHEN abs({0}) >= {1} THEN {0} ELSE CAST(CAST({0} AS BIGINT) AS DOUBLE) + CASE WHEN "
                        "abs({0} - CAST(CAST({0} AS BIGINT) AS DOUBLE)) >= {2} THEN signum({0}) ELSE {3} END END",
                        x, float8(std::ldexp(1.0, 52)), float8(0.5), float8(0));
                });
            case ir::Function::Coalesce: {
                if (args.size() == 1) return a;
                std::string list;
                for (const auto& arg : args) list += (list.empty() ? "" : ", ") + arg;
                return "COALESCE(" + list + ")";
            }
            case ir::Function::Year: return "CAST(year(" + a + ") AS BIGINT)";
            case ir::Function::Month: return "CAST(month(" + a + ") AS BIGINT)";
            case ir::Function::DayOfWeek: return "(CAST(weekday(" + a + ") AS BIGINT) + 1L)";  // weekday: Monday 0
            case ir::Function::DaysSince:
                return fmt::format("CAST(datediff({}, {}) AS BIGINT)", date_literal(as_of.today), a);
        }
        throw std::logic_error("sql: unknown function");
    }

    // Days: the day number (unix_date) is tested against the calendar first, then date_add; months: the month number,
    // then add_months, which clamps to the month's end (Spark 3.0 and later: 2019-02-28 + 1 month = 2019-03-28).
    std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const override {
        const bool days = op == ir::Op::Days;
        if (amount > (days ? kLastDay - kFirstDay : kMonths) || amount < -(days ? kLastDay - kFirstDay : kMonths))
            return "CAST(NULL AS DATE)";
        return let(date, "segmint_d", [&](const std::string& d) {
            if (days) {
                return fmt::format("CASE WHEN unix_date({0}) BETWEEN {1} AND {2} THEN date_add({0}, {3}) END", d,
                                   kFirstDay - amount, kLastDay - amount, amount);
            }
            return fmt::format(
                "CASE WHEN year({0}) * 12 + month({0}) - 1 + ({1}) BETWEEN 12 AND 119999 THEN add_months({0}, {1}) "
                "END",
                d, amount);
        });
    }

    // Timestamps are computed on as BIGINT microseconds since 1970-01-01T00:00:00Z: unix_micros of a TIMESTAMP is its
    // instant, whatever spark.sql.session.timeZone says, and dates meet microseconds only through unix_date and
    // date_from_unix_date (day numbers, no zone). A TIMESTAMP's own date, year or add_months would follow the session
    // time zone.
    std::string timestamp_column(const std::string& column) const override { return "unix_micros(" + column + ")"; }
    std::string timestamp_literal(int64_t micros) const override { return int_literal(micros); }
    std::string date_to_timestamp(const std::string& date) const override {
        return fmt::format("(CAST(unix_date({}) AS BIGINT) * {}L)", date, calendar::kMicrosPerDay);
    }
    std::string timestamp_to_date(const std::string& timestamp) const override {
        return let(timestamp, "segmint_u",
                   [](const std::string& t) { return "date_from_unix_date(" + day_of(t) + ")"; });
    }
    std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const override {
        if (op == ir::Op::Micros) {
            int64_t low = 0, high = 0;
            if (!shift_keeps_calendar(amount, &low, &high)) return "CAST(NULL AS BIGINT)";
            return let(timestamp, "segmint_u", [&](const std::string& t) {
                return fmt::format("CASE WHEN {0} BETWEEN {1} AND {2} THEN {0} + {3} END", t, int_literal(low),
                                   int_literal(high), int_literal(amount));
            });
        }
        // The UTC date moves by months as a date does (clamped, NULL outside the calendar); the time of day stays.
        return let(timestamp, "segmint_u", [&](const std::string& t) {
            const std::string moved = date_shift(ir::Op::Months, "date_from_unix_date(" + day_of(t) + ")", amount);
            return fmt::format("(CAST(unix_date({}) AS BIGINT) * {}L + {})", moved, calendar::kMicrosPerDay,
                               time_of_day(t));
        });
    }

    bool translates_event_aggregates() const override { return true; }
    // SUM(BIGINT) wraps on overflow, or raises in ANSI mode: the values are summed as their high and low 32 bits,
    // neither sum overflowing below 2^31 rows per customer; the total is put together exactly and kept where it fits.
    std::vector<std::string> int_sum_parts(const std::string& value) const override {
        return {fmt::format("SUM(shiftright({}, 32))", value), fmt::format("SUM({} & 4294967295L)", value)};
    }
    std::string int_sum_total(const std::vector<std::string>& parts) const override {
        const auto [high, low] = carried(parts);
        return fmt::format("CASE WHEN {0} BETWEEN -2147483648L AND 2147483647L THEN {0} * 4294967296L + {1} END", high,
                           low);
    }
    // The high part times 2^32 is an exact double; adding the low part rounds the exact total once.
    std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const override {
        const auto [high, low] = carried(parts);
        return fmt::format("((CAST({} AS DOUBLE) * {} + CAST({} AS DOUBLE)) / CAST({} AS DOUBLE))", high,
                           float8(4294967296.0), low, count);
    }

    // Unquoted and quoted names alike ignore case (spark.sql.caseSensitive is false by default).
    bool names_ignore_case() const override { return true; }
    std::string derived_table_alias() const override { return " AS segmint_members"; }
    std::string true_only(const std::string& p) const override { return "COALESCE(" + p + ", FALSE)"; }
    std::string count_sum(const std::string& column) const override { return "count_if(" + column + ")"; }

private:
    // The time of day and the day (since 1970-01-01, INT) of microseconds `t`: pmod is never negative, so the
    // difference is a multiple of a day and `div` is exact.
    static std::string time_of_day(const std::string& t) {
        return fmt::format("pmod({}, {}L)", t, calendar::kMicrosPerDay);
    }
    static std::string day_of(const std::string& t) {
        return fmt::format("CAST(({} - {}) div {}L AS INT)", t, time_of_day(t), calendar::kMicrosPerDay);
    }
    // The high and low sums of int_sum_parts with the low part's carry moved up: the low part in 0..2^32-1.
    static std::pair<std::string, std::string> carried(const std::vector<std::string>& parts) {
        return {fmt::format("({} + shiftright({}, 32))", parts.at(0), parts.at(1)),
                fmt::format("({} & 4294967295L)", parts.at(1))};
    }
};

}  // namespace

const Dialect& spark_dialect() {
    static const Spark dialect;
    return dialect;
}

}  // namespace segmint::sql
