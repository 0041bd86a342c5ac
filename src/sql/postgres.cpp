// The PostgreSQL dialect (PostgreSQL 12 or later; checked on 15). docs/sql.md has the storage contract and the
// translation table. Storage: int BIGINT, number DOUBLE PRECISION (finite), string and enum TEXT in a UTF8 database
// (PostgreSQL text cannot hold a NUL byte), bool BOOLEAN, date DATE, timestamp TIMESTAMPTZ, list<string> text[] (no
// NULL items). The SQL reads no session setting: timestamps meet dates and months only through AT TIME ZONE 'UTC',
// string literals are E'' where they hold a backslash (so
// standard_conforming_strings does not matter), and every text operation names COLLATE "C" where a collation could
// change it. PostgreSQL raises errors where the language yields NULL (int64 overflow, a double overflowing or a
// nonzero double product or quotient rounding to zero, a date past its range), so each such operation is guarded
// with exact tests made of steps that cannot raise. The differential test (tests/sql/postgres_differential.sh) runs
// every formula here against the VM in a throwaway server.
#include <fmt/format.h>

#include <cmath>
#include <functional>

#include "common/calendar.h"
#include "sql/dialect.h"

namespace segmint::sql {

namespace {

// `f(x)` where `x` is the value of `e` and f reads it more than once: a short `e` is repeated, a longer one is
// computed once in a scalar subquery that may read the outer row. `name` must differ from the names of the lets `f`
// nests inside it.
std::string let(const std::string& e, const char* name, const std::function<std::string(const std::string& x)>& f) {
    if (e.size() <= 48) return f(e);
    return fmt::format("(SELECT {} FROM (SELECT {} AS {}) AS {}_q)", f(name), e, name, name);
}

// A double written so that float8in reads back exactly it: the shortest decimal that round-trips.
std::string float8(double value) {
    if (value == 0) return std::signbit(value) ? "'-0'::float8" : "'0'::float8";
    return fmt::format("'{}'::float8", value);
}
// `YYYY-MM-DD HH:MM:SS.ffffff+00`, the UTC instant of `micros`.
std::string utc(int64_t micros) {
    const int64_t day = calendar::kMicrosPerDay;
    const int64_t days = micros >= 0 ? micros / day : -((-micros + day - 1) / day);
    const int64_t of_day = micros - days * day;
    const int64_t seconds = of_day / 1000000;
    return fmt::format("{} {:02d}:{:02d}:{:02d}.{:06d}+00", calendar::format_date(static_cast<int32_t>(days)),
                       seconds / 3600, seconds / 60 % 60, seconds % 60, of_day % 1000000);
}

std::string two_pow(int exponent) { return float8(std::ldexp(1.0, exponent)); }

// RE2 (partial match) to PostgreSQL's ARE, for the patterns whose meaning is provably the same; anything else throws
// Unsupported naming the construct. The text is matched COLLATE "C", so \w, \y and [[:classes:]] are ASCII as in RE2.
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
        if (c >= 0x80) {
            if (fold_) refuse("(?i) with non-ASCII text");  // RE2 folds Unicode, ARE under "C" ASCII only
            out_ += p_[i_++];
            return;
        }
        switch (c) {
            case '.':
                out_ += "[^\\n]";
                ++i_;
                return;  // RE2's . excludes \n, ARE's does not
            case '^':
            case '$':
            case '|':
            case ')': out_ += p_[i_++]; return;
            case '*':
            case '+':
            case '?':
                out_ += p_[i_++];
                if (i_ < p_.size() && p_[i_] == '?') out_ += p_[i_++];  // lazy: changes which match, not whether
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
            case '{': repeat(); return;
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

    // {n}, {n,} and {n,m}; ARE allows counts up to 255.
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
        if (n > 255 || m > 255) refuse("a repetition count above 255");
        out_ += std::string(p_.substr(i_, j + 1 - i_));
        i_ = j + 1;
        if (i_ < p_.size() && p_[i_] == '?') out_ += p_[i_++];
    }

    // \d \w \s (ASCII in RE2), their negations, \b \B, escaped punctuation and \t \n \r \f \v.
    void escape(bool in_bracket) {
        if (i_ + 1 >= p_.size()) refuse("a trailing backslash");
        const unsigned char c = p_[i_ + 1];
        i_ += 2;
        const char* cls = nullptr;
        bool negated = false;
        switch (c) {
            case 'd': cls = "0-9"; break;
            case 'w': cls = "0-9A-Za-z_"; break;
            case 's': cls = "\\t\\n\\f\\r "; break;  // RE2's \s has no \v
            case 'D': cls = "0-9", negated = true; break;
            case 'W': cls = "0-9A-Za-z_", negated = true; break;
            case 'S': cls = "\\t\\n\\f\\r ", negated = true; break;
            case 't':
            case 'n':
            case 'r':
            case 'f':
            case 'v': out_ += '\\', out_ += static_cast<char>(c); return;
            case 'b':
            case 'B':
                if (in_bracket) refuse("\\b in a class");
                out_ += c == 'b' ? "\\y" : "\\Y";  // ARE's \b is a backspace
                return;
            default:
                if (c < 0x80 && std::ispunct(c)) {
                    out_ += '\\', out_ += static_cast<char>(c);
                    return;
                }
                refuse(fmt::format("\\{}", static_cast<char>(c)));
        }
        if (!cls) refuse(fmt::format("\\{}", static_cast<char>(c)));
        if (in_bracket) {
            if (negated) refuse(fmt::format("\\{} in a class", static_cast<char>(c)));
            out_ += cls;
        } else {
            out_ += fmt::format("[{}{}]", negated ? "^" : "", cls);
        }
    }

    // [..] and [^..] of ASCII letters, digits, ranges between two of them, and escapes.
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
    std::string out_;
};

class Postgres final : public Dialect {
public:
    const char* name() const override { return "postgres"; }

    std::string bool_literal(bool value) const override { return value ? "TRUE" : "FALSE"; }
    std::string number_literal(double value) const override { return float8(value); }

    // A NUL byte cannot be held by PostgreSQL text. A backslash makes the literal an E'' one, which reads the same
    // whatever standard_conforming_strings says.
    std::string string_literal(std::string_view value) const override {
        if (value.find('\0') != std::string_view::npos) throw Unsupported("text holding a NUL byte");
        const bool escaped = value.find('\\') != std::string_view::npos;
        std::string out = escaped ? "E'" : "'";
        for (char c : value) {
            out += c;
            if (c == '\'' || (escaped && c == '\\')) out += c;
        }
        return out + "'";
    }

    std::string date_literal(int32_t days) const override { return "DATE '" + calendar::format_date(days) + "'"; }

    // bigint + - * raise on overflow: the exact numeric result, kept when it fits. % is bigint's own: the dividend's
    // sign, and INT64_MIN % -1 = 0.
    std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) return fmt::format("({} % NULLIF({}, 0))", a, b);
        return in_int_range(fmt::format("({}::numeric {} {})", a, symbol(op), b));
    }
    std::string int_negate(const std::string& a) const override { return in_int_range("(- " + a + "::numeric)"); }

    // float8 + - * / raise on overflow, and * and / on a nonzero result rounding to zero; the language's result
    // there is NULL (not finite) and zero. Each is decided first by exact tests on scaled operands (scaling by a power
    // of two is exact while the result stays normal). float8 has no %: a number remainder is refused.
    std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const override {
        if (op == ir::Op::Mod) throw Unsupported("number remainder (%)");
        // The planner folds an operation on constants even in a CASE branch that never runs (1e300 * 2^1023 would
        // raise while planning): a literal operand is read from a scalar subquery, which it does not fold.
        auto opaque = [](const std::string& e) { return e.rfind('\'', 0) == 0 ? "(SELECT " + e + ")" : e; };
        return let(opaque(a), "segmint_a", [&](const std::string& x) {
            return let(opaque(b), "segmint_b", [&](const std::string& y) {
                switch (op) {
                    case ir::Op::Add:
                    case ir::Op::Sub: return sum(symbol(op), x, y);
                    case ir::Op::Mul: return product(x, y);
                    default: return quotient(x, y);
                }
            });
        });
    }
    std::string number_negate(const std::string& a) const override { return "(- " + a + ")"; }
    std::string int_to_number(const std::string& a) const override { return "(" + a + ")::float8"; }

    // The database's collation decides text order ('a' < 'B' under most locales): "C" is bytewise.
    std::string compare(ir::Op op, ir::Type type, const std::string& a, const std::string& b) const override {
        if (type == ir::Type::String) return fmt::format("({} COLLATE \"C\" {} {})", a, symbol(op), b);
        return fmt::format("({} {} {})", a, symbol(op), b);
    }
    std::string in_set(ir::Type type, const std::string& a, const std::vector<std::string>& items,
                       bool has_null) const override {
        std::string list;
        for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
        if (has_null) list += list.empty() ? "NULL" : ", NULL";
        return fmt::format("({}{} IN ({}))", a, type == ir::Type::String ? " COLLATE \"C\"" : "", list);
    }

    // strpos, starts_with and right() are TRUE for an empty pattern; LIKE would need % and _ escaped.
    std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                          const std::string* pattern_constant) const override {
        switch (op) {
            case ir::Op::Contains: return fmt::format("(strpos({} COLLATE \"C\", {}) > 0)", text, pattern);
            case ir::Op::StartsWith: return fmt::format("starts_with({} COLLATE \"C\", {})", text, pattern);
            case ir::Op::EndsWith:
                return let(pattern, "segmint_p", [&](const std::string& p) {
                    return fmt::format("(right({}, length({})) COLLATE \"C\" = {})", text, p, p);
                });
            case ir::Op::Matches: {
                if (!pattern_constant) throw Unsupported("a regex that is not a literal");
                const std::string are = RegexTranslator(*pattern_constant).translate();
                return fmt::format("({} COLLATE \"C\" ~ {})", text, string_literal(are));
            }
            default: break;
        }
        throw std::logic_error("sql: unknown text test");
    }

    // `= ANY` is three-valued where the array is NULL or not empty, but NULL = ANY('{}') is FALSE: a NULL item gives
    // NULL first.
    std::string list_contains(const std::string& list, const std::string& item) const override {
        if (item.rfind('\'', 0) == 0 || item.rfind("E'", 0) == 0) return fmt::format("({} = ANY({}))", item, list);
        return let(item, "segmint_x", [&](const std::string& x) {
            return fmt::format("CASE WHEN {0} IS NULL THEN NULL ELSE {0} = ANY({1}) END", x, list);
        });
    }

    std::string call(ir::Function function, const std::vector<ir::Type>& types, const std::vector<std::string>& args,
                     const scalar::AsOf& as_of) const override {
        const std::string& a = args.at(0);
        switch (function) {
            // lower() and upper() follow the locale (É → é): ASCII letters only.
            case ir::Function::Lower:
                return "translate(" + a + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
            case ir::Function::Upper:
                return "translate(" + a + ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')";
            case ir::Function::Length:  // code points in a UTF8 database; cardinality('{}') is 0, array_length NULL
                if (types.at(0) == ir::Type::StringList) return "cardinality(" + a + ")::int8";
                return "length(" + a + ")::int8";
            case ir::Function::Abs:
                if (types.at(0) == ir::Type::Int) {  // abs() raises on the smallest bigint
                    return let(a, "segmint_a", [](const std::string& x) {
                        return fmt::format("CASE WHEN {0} <> (-9223372036854775807::int8 - 1) THEN abs({0}) END", x);
                    });
                }
                return "abs(" + a + ")";
            case ir::Function::Round:  // round(float8) is half-even; the fraction x - trunc(x) is exact
                return let(a, "segmint_r", [](const std::string& x) {
                    return fmt::format(
                        "(trunc({0}) + CASE WHEN abs({0} - trunc({0})) >= 0.5 THEN sign({0}) ELSE 0 END)", x);
                });
            case ir::Function::Coalesce: {
                if (args.size() == 1) return a;
                std::string list;
                for (const auto& arg : args) list += (list.empty() ? "" : ", ") + arg;
                return "COALESCE(" + list + ")";
            }
            case ir::Function::Year: return "EXTRACT(YEAR FROM " + a + ")::int8";
            case ir::Function::Month: return "EXTRACT(MONTH FROM " + a + ")::int8";
            case ir::Function::DayOfWeek: return "EXTRACT(ISODOW FROM " + a + ")::int8";
            case ir::Function::DaysSince: return fmt::format("({} - {})::int8", date_literal(as_of.today), a);
        }
        throw std::logic_error("sql: unknown function");
    }

    // date + int and date + interval raise past PostgreSQL's own range, which is wider than the language's
    // 0001-01-01..9999-12-31: the day (or month) number is checked first. Months clamp to the month's end
    // (timestamp + interval does); the sum is a timestamp without time zone, hence the cast.
    std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const override {
        return let(date, "segmint_d", [&](const std::string& d) {
            if (op == ir::Op::Days) {
                return fmt::format(
                    "CASE WHEN ({0} - DATE '0001-01-01') + ({1}) BETWEEN 0 AND 3652058 THEN {0} + ({1}) END", d,
                    amount);
            }
            return fmt::format(
                "CASE WHEN EXTRACT(YEAR FROM {0}) * 12 + EXTRACT(MONTH FROM {0}) - 1 + ({1}) BETWEEN 12 AND 119999 "
                "THEN ({0} + make_interval(months => {1}))::date END",
                d, amount);
        });
    }

    // Timestamps are TIMESTAMPTZ. Every conversion names UTC, and a shift by microseconds is an interval of hours and
    // seconds only (a day or a month of an interval would follow the session's time zone): no session setting is read.
    std::string timestamp_literal(int64_t micros) const override { return "TIMESTAMPTZ '" + utc(micros) + "'"; }
    std::string date_to_timestamp(const std::string& date) const override {
        return "(" + date + "::timestamp AT TIME ZONE 'UTC')";
    }
    std::string timestamp_to_date(const std::string& timestamp) const override {
        return "(" + timestamp + " AT TIME ZONE 'UTC')::date";
    }
    // make_interval's seconds are a double: below an hour with six decimals, rint(secs * 1e6) is exact.
    std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const override {
        if (op == ir::Op::Micros) {
            int64_t low = 0, high = 0;
            if (!shift_keeps_calendar(amount, &low, &high)) return "NULL::timestamptz";
            const int64_t hour = int64_t{3600} * 1000000;
            const int64_t hours = amount / hour, rest = amount % hour;
            return let(timestamp, "segmint_u", [&](const std::string& t) {
                return fmt::format(
                    "CASE WHEN {0} BETWEEN {1} AND {2} THEN {0} + make_interval(hours => {3}, secs => {4}{5}.{6:06d}) "
                    "END",
                    t, timestamp_literal(low), timestamp_literal(high), hours, rest < 0 ? "-" : "",
                    std::abs(rest) / 1000000, std::abs(rest) % 1000000);
            });
        }
        // In UTC as a timestamp without zone, whose month arithmetic clamps; the month number checked first.
        return let(timestamp, "segmint_u", [&](const std::string& t) {
            return fmt::format(
                "CASE WHEN EXTRACT(YEAR FROM ({0} AT TIME ZONE 'UTC')) * 12 + EXTRACT(MONTH FROM ({0} AT TIME ZONE "
                "'UTC')) - 1 + ({1}) BETWEEN 12 AND 119999 THEN (({0} AT TIME ZONE 'UTC') + make_interval(months => "
                "{1})) AT TIME ZONE 'UTC' END",
                t, amount);
        });
    }

    bool translates_event_aggregates() const override { return true; }
    std::string ordered(ir::Type type, const std::string& value) const override {
        return type == ir::Type::String ? "(" + value + " COLLATE \"C\")" : value;
    }
    std::string smallest(ir::Type type, const std::string& values) const override {  // there is no min(boolean)
        return type == ir::Type::Bool ? "bool_and(" + values + ")" : Dialect::smallest(type, values);
    }
    // sum(bigint) is numeric: exact, whatever the order.
    std::vector<std::string> int_sum_parts(const std::string& value) const override { return {"SUM(" + value + ")"}; }
    std::string int_sum_total(const std::vector<std::string>& parts) const override {
        return in_int_range(parts.at(0));
    }
    std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const override {
        return fmt::format("({}::float8 / {}::float8)", parts.at(0), count);
    }

    std::string derived_table_alias() const override { return " AS segmint_members"; }
    size_t max_identifier_bytes() const override { return 63; }  // NAMEDATALEN - 1: longer names are cut
    std::string true_only(const std::string& p) const override { return "COALESCE(" + p + ", FALSE)"; }
    std::string count_sum(const std::string& column) const override { return "count(*) FILTER (WHERE " + column + ")"; }

private:
    static std::string in_int_range(const std::string& e) {
        return let(e, "segmint_i", [](const std::string& x) {
            return fmt::format("CASE WHEN {0} BETWEEN -9223372036854775808 AND 9223372036854775807 THEN {0}::int8 END",
                               x);
        });
    }

    // a ± b overflows only when both are at least 2^969 (half an ulp of the largest double); then the halves are
    // exact and (a ± b) / 2 rounds as a ± b does, one binade lower.
    static std::string sum(const char* op, const std::string& a, const std::string& b) {
        return fmt::format(
            "CASE WHEN abs({0}) < {3} OR abs({1}) < {3} THEN {0} {2} {1} "
            "WHEN abs({0} * 0.5::float8 {2} {1} * 0.5::float8) < {4} THEN {0} {2} {1} END",
            a, b, op, two_pow(969), two_pow(1023));
    }

    // a * b overflows only when both exceed 1: (a 2^-512)(b 2^-512) is exact in its inputs and rounds as a * b does
    // (or is below 1 anyway). A nonzero product rounds to zero only when one factor is below 2^-500: then
    // (a 2^537)(b 2^537) is a * b * 2^1074, and a * b rounds to zero where that is at most 0.5 (a gap: an exact
    // a * b * 2^1074 in (0.5, 0.5 + 2^-54] also reads 0.5 here, where IEEE gives the smallest subnormal).
    static std::string product(const std::string& a, const std::string& b) {
        const std::string down = two_pow(-512), up = two_pow(537);
        return fmt::format(
            "CASE WHEN abs({0}) > 1 AND abs({1}) > 1 THEN CASE WHEN abs(({0} * {2}) * ({1} * {2})) < 1 THEN {0} * {1} "
            "END WHEN abs({0}) >= 1 OR abs({1}) >= 1 OR {0} = 0 OR {1} = 0 THEN {0} * {1} "
            "WHEN abs({0}) >= {4} AND abs({1}) >= {4} THEN {0} * {1} "
            "WHEN abs(({0} * {3}) * ({1} * {3})) <= 0.5 THEN {5} ELSE {0} * {1} END",
            a, b, down, up, two_pow(-500), float8(0));
    }

    // a / 0 is NULL. |a / b| overflows only when |b| < 1 and |a| >= 2^-50; it does exactly when
    // |a| / 2 >= |b| 2^1023 (both exact). A nonzero a / b rounds to zero only when |a| < 2^-50 and |b| > 1; it does
    // exactly when |a| 2^1074 <= |b| / 2.
    static std::string quotient(const std::string& a, const std::string& b) {
        return fmt::format(
            "CASE WHEN {1} = 0 THEN NULL WHEN {0} = 0 THEN {0} / {1} "
            "WHEN abs({1}) < 1 AND abs({0}) >= {2} THEN CASE WHEN abs({0}) * 0.5::float8 < abs({1}) * {3} THEN {0} / "
            "{1} END "
            "WHEN abs({1}) > 1 AND abs({0}) < {2} THEN CASE WHEN (abs({0}) * {4}) * {4} <= abs({1}) * 0.5::float8 "
            "THEN {5} ELSE {0} / {1} END "
            "ELSE {0} / {1} END",
            a, b, two_pow(-50), two_pow(1023), two_pow(537), float8(0));
    }
};

}  // namespace

const Dialect& postgres_dialect() {
    static const Postgres dialect;
    return dialect;
}

}  // namespace segmint::sql
