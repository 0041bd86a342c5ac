#include "random_rules.h"

#include <cstdio>

#include "common/calendar.h"

namespace segmint::testing {

namespace {

enum class T { Bool, Int, Number, String, Date, Timestamp };

class RuleGenerator {
public:
    RuleGenerator(Random& random, size_t segment, int max_depth) : r_(random), segment_(segment), max_depth_(max_depth) {}

    std::string gen(T type, int depth) {
        bool leaf = depth >= max_depth_ || r_.chance(25);
        switch (type) {
            case T::Bool: return leaf ? bool_leaf() : bool_node(depth + 1);
            case T::Int: return leaf ? int_leaf() : int_node(depth + 1);
            case T::Number: return leaf ? number_leaf() : number_node(depth + 1);
            case T::String: return leaf ? string_leaf() : string_node(depth + 1);
            case T::Date: return leaf ? date_leaf() : date_node(depth + 1);
            case T::Timestamp: return leaf ? timestamp_leaf() : timestamp_node(depth + 1);
        }
        return "true";
    }

private:
    std::string pick(const std::vector<std::string>& items) { return r_.pick(items); }
    T comparable_type() { return r_.pick(std::vector<T>{T::Int, T::Number, T::String, T::Date, T::Timestamp}); }
    std::string duration(bool sub_day_allowed) {
        std::vector<std::string> units = {"days", "weeks", "months", "years", "day", "month"};
        if (sub_day_allowed) units.insert(units.end(), {"hours", "minutes", "seconds"});
        std::vector<std::string> amounts = {"0", "1", "2", "7", "30", "31", "365", "1000000"};
        return pick(amounts) + " " + pick(units);
    }
    std::string null_or(const std::string& text) { return r_.chance(4) ? "null" : text; }

    std::string bool_leaf() {
        switch (r_.below(5)) {
            case 0: return pick({"email_opt_in", "sms_opt_in", "push_opt_in"});
            case 1: return pick({"true", "false", "null"});
            case 2:
                if (segment_ > 0) return "s" + std::to_string(r_.below(segment_));
                return "email_opt_in";
            case 3: return pick({"tags contains \"vip\"", "tags contains \"\"", "tags is null", "age is not null"});
            default: return pick({"tier = \"gold\"", "gender != \"other\"", "tier in (\"bronze\", \"platinum\")"});
        }
    }

    // A column and constants it really takes, for shapes the optimizer rewrites.
    struct Bound {
        std::string column;
        std::vector<std::string> constants;
    };
    Bound bound() {
        switch (r_.below(4)) {
            case 0: return {pick({"age", "orders_90d", "returns_90d", "loyalty_points"}), {"-1", "0", "1", "2", "3", "7"}};
            case 1: return {pick({"total_spend", "churn_score"}), {"-2.5", "0", "0.5", "1", "3", "3.0", "-100"}};
            case 2: return {pick({"signup_date", "last_order_date"}),
                            {"2026-11-23", "2026-11-22", "2026-11-20", "2026-10-24", "2024-02-29"}};
            default: return {"last_login_at", {"2026-11-23", "2026-11-22T00:00:00Z", "2026-11-20"}};
        }
    }

    // Shapes each optimizer pass rewrites, on values the table holds, so a wrong rewrite changes members: touching
    // and overlapping bounds on one column (`x >= k and x > k`, `x <= k or x < k`), equal and reversed `between`
    // bounds, one-item lists, double negation, absorbed terms, dominating constants.
    std::string rewrite_bait(int d) {
        const Bound b = bound();
        auto term = [&] {
            return b.column + " " + pick({"<", "<=", ">", ">=", "=", "!=", "<>"}) + " " + r_.pick(b.constants);
        };
        switch (r_.below(7)) {
            case 0: case 1: {
                std::string op = r_.chance(60) ? " and " : " or ";
                std::string out = "(" + term() + op + term();
                if (r_.chance(40)) out += op + term();
                if (r_.chance(25)) out += op + gen(T::Bool, d);
                return out + ")";
            }
            case 2: {
                const std::string low = r_.pick(b.constants), high = r_.chance(40) ? low : r_.pick(b.constants);
                return b.column + (r_.chance(30) ? " not" : "") + " between " + low + " and " + high;
            }
            case 3: return b.column + (r_.chance(30) ? " not in (" : " in (") + r_.pick(b.constants) + ")";
            case 4: return pick({"not not ", "not (not ", "not not not "}) + "(" + term() + ")" +
                           (r_.chance(50) ? "" : " and " + term());
            case 5: {
                const std::string x = term(), y = gen(T::Bool, d);
                return r_.chance(50) ? "(" + x + " or (" + x + " and " + y + "))" : "(" + x + " and (" + x + " or " + y + "))";
            }
            default: return "(" + term() + pick({" and true", " or false", " and null", " or null", " and false"}) + ")";
        }
    }

    std::string bool_node(int d) {
        if (r_.chance(20)) return rewrite_bait(d);
        switch (r_.below(15)) {
            case 0: case 1: {
                T t = comparable_type();
                std::string op = pick({"=", "!=", "<>", "<", "<=", ">", ">="});
                return gen(t, d) + " " + op + " " + gen(t, d);
            }
            case 2: {
                T t = comparable_type();
                return gen(t, d) + (r_.chance(30) ? " not" : "") + " between " + gen(t, d) + " and " + gen(t, d);
            }
            case 3: {
                T t = comparable_type();
                std::string items;
                size_t n = 1 + r_.below(4);
                for (size_t i = 0; i < n; ++i) items += (i ? ", " : "") + (r_.chance(10) ? "null" : gen(t, max_depth_));
                return gen(t, d) + (r_.chance(30) ? " not in (" : " in (") + items + ")";
            }
            case 4: return gen(r_.pick(std::vector<T>{T::Int, T::String, T::Date, T::Bool}), d) +
                           (r_.chance(50) ? " is null" : " is not null");
            case 5: {
                std::string op = pick({"contains", "starts with", "ends with", "not contains", "not starts with"});
                return gen(T::String, d) + " " + op + " " + gen(T::String, d);
            }
            case 6: return gen(T::String, d) + " matches " +
                           pick({"\"^a\"", "\"[0-9]+\"", "\"e$\"", "\"(a+)+$\"", "\"\"", "\"^$\"", "\"(?i)GER\""});
            case 7: return "tags " + pick({"contains", "not contains"}) + " " + gen(T::String, d);
            case 8: return "tags contains " + pick({"any", "all"}) + " (" + pick({"\"vip\"", "\"new\""}) + ", " +
                           gen(T::String, max_depth_) + ")";
            case 9: return pick({"signup_date", "last_order_date"}) + " within last " + duration(false);
            case 10: return "last_login_at within last " + duration(true);
            case 11: {
                T t = r_.chance(50) ? T::Date : T::Timestamp;
                return gen(t, d) + (r_.chance(50) ? " before " : " after ") + gen(t, d);
            }
            case 12: return "not " + gen(T::Bool, d);
            case 13: case 14: {
                std::string op = r_.chance(50) ? " and " : " or ";
                size_t n = 2 + r_.below(3);
                std::string out = "(";
                for (size_t i = 0; i < n; ++i) out += (i ? op : "") + gen(T::Bool, d);
                return out + ")";
            }
        }
        return "true";
    }

    std::string int_leaf() {
        if (r_.chance(55)) return pick({"age", "orders_90d", "lifetime_orders", "returns_90d", "loyalty_points", "customer_id"});
        return null_or(pick({"0", "1", "-1", "2", "3", "7", "100", "9223372036854775807", "-9223372036854775808",
                             "4611686018427387904", "-3"}));
    }
    std::string int_node(int d) {
        switch (r_.below(8)) {
            case 0: case 1: return "(" + gen(T::Int, d) + " " + pick({"+", "-", "*", "%"}) + " " + gen(T::Int, d) + ")";
            case 2: return "-" + gen(T::Int, d);
            case 3: return "abs(" + gen(T::Int, d) + ")";
            case 4: return "length(" + (r_.chance(50) ? gen(T::String, d) : std::string("tags")) + ")";
            case 5: return pick({"year", "month", "day_of_week", "days_since"}) + "(" +
                           gen(r_.chance(50) ? T::Date : T::Timestamp, d) + ")";
            case 6: return "coalesce(" + gen(T::Int, d) + ", " + gen(T::Int, d) + ")";
            default: return "(" + gen(T::Int, d) + ")";
        }
    }
    std::string number_leaf() {
        if (r_.chance(55)) return pick({"total_spend", "avg_order_value", "churn_score"});
        return null_or(pick({"0.0", "0.5", "-2.5", "1e300", "1e-300", "100.25", "3"}));
    }
    std::string number_node(int d) {
        switch (r_.below(6)) {
            case 0: case 1: return "(" + gen(T::Number, d) + " " + pick({"+", "-", "*", "/", "%"}) + " " +
                                   gen(r_.chance(50) ? T::Number : T::Int, d) + ")";
            case 2: return "(" + gen(T::Int, d) + " / " + gen(T::Int, d) + ")";
            case 3: return "round(" + gen(T::Number, d) + (r_.chance(50) ? ", " + pick({"0", "1", "-2", "20", "-20"}) : "") + ")";
            case 4: return "abs(" + gen(T::Number, d) + ")";
            default: return "coalesce(" + gen(T::Number, d) + ", " + gen(T::Int, d) + ")";
        }
    }
    std::string string_leaf() {
        if (r_.chance(55)) return pick({"email", "first_name", "country", "city", "preferred_category", "tier", "gender"});
        return null_or(pick({"\"\"", "\"Germany\"", "\"ger\"", "\"a\"", "\"United States\"", "\"gold\"", "\"\\u00fc\"",
                             "\"vip\"", "\"e\""}));
    }
    std::string string_node(int d) {
        switch (r_.below(3)) {
            case 0: return pick({"lower", "upper"}) + "(" + gen(T::String, d) + ")";
            case 1: return "coalesce(" + gen(T::String, d) + ", " + gen(T::String, d) + ")";
            default: return "(" + gen(T::String, d) + ")";
        }
    }
    std::string date_leaf() {
        if (r_.chance(50)) return pick({"signup_date", "last_order_date"});
        return null_or(pick({"today", "2024-02-29", "2026-01-31", "0001-01-01", "9999-12-31", "2026-11-23"}));
    }
    std::string date_node(int d) {
        if (r_.chance(60)) return "(" + gen(T::Date, d) + (r_.chance(50) ? " + " : " - ") + duration(false) + ")";
        return "coalesce(" + gen(T::Date, d) + ", " + gen(T::Date, d) + ")";
    }
    std::string timestamp_leaf() {
        if (r_.chance(50)) return "last_login_at";
        return null_or(pick({"now", "2026-11-23T10:00:00Z", "2026-03-29T01:30:00+02:00", "0001-01-01T00:00:00Z"}));
    }
    std::string timestamp_node(int d) {
        if (r_.chance(60)) return "(" + gen(T::Timestamp, d) + (r_.chance(50) ? " + " : " - ") + duration(true) + ")";
        return "coalesce(" + gen(T::Timestamp, d) + ", " + gen(r_.chance(50) ? T::Date : T::Timestamp, d) + ")";
    }

    Random& r_;
    size_t segment_;
    int max_depth_;
};

}  // namespace

std::string random_catalog(Random& random, size_t count, int max_depth) {
    std::string text;
    for (size_t s = 0; s < count; ++s) {
        RuleGenerator generator(random, s, max_depth);
        text += "segment s" + std::to_string(s) + ": " + generator.gen(T::Bool, 0) + "\n";
    }
    return text;
}

data::Table random_table(Random& random, const schema::Schema& schema, uint64_t rows) {
    data::Table table(schema);
    const std::vector<std::string> words = {"", "Germany", "germany", "United States", "Ukraine", "gold", "a", "e",
                                            "ger", "vip", "\xC3\xBC", "x@example.com", "Anna", "GERMANY"};
    const std::vector<std::string> tags = {"vip", "new", "", "outdoor", "gold"};
    const std::vector<int64_t> ints = {0, 1, -1, 2, 3, 5, 7, 18, 42, 100, 999, 5000, INT64_MAX, INT64_MIN,
                                       INT64_MAX - 1, INT64_MIN + 1, 4611686018427387904};
    const std::vector<double> numbers = {0.0, -0.0, 0.5, -2.5, 1.0, 199.99, 1e300, -1e300, 1e-300, 1000.0, 3.0};
    const int32_t today = *calendar::parse_date("2026-11-23");
    const std::vector<int32_t> dates = {today, today - 1, today - 30, today - 31, *calendar::parse_date("2024-02-29"),
                                        *calendar::parse_date("2026-01-31"), *calendar::parse_date("0001-01-01"),
                                        *calendar::parse_date("9999-12-31"), today - 400, today + 3};
    for (uint64_t row = 0; row < rows; ++row) {
        for (size_t c = 0; c < schema.columns.size(); ++c) {
            const schema::Column& spec = schema.columns[c];
            data::Column& column = table.mutable_column(c);
            if (spec.name != schema.key && random.chance(20)) {
                column.append_null();
                continue;
            }
            switch (spec.type) {
                case schema::ColumnType::Int:
                    column.append_int(spec.name == schema.key ? static_cast<int64_t>(row + 1)
                                      : random.chance(70) ? static_cast<int64_t>(random.below(12)) - 2
                                                          : random.pick(ints));
                    break;
                case schema::ColumnType::Number:
                    column.append_number(random.chance(60) ? static_cast<double>(random.below(4000)) / 4.0 - 100
                                                           : random.pick(numbers));
                    break;
                case schema::ColumnType::Bool: column.append_bool(random.chance(50)); break;
                case schema::ColumnType::Date:
                    column.append_date(random.chance(60) ? today - static_cast<int32_t>(random.below(800))
                                                         : random.pick(dates));
                    break;
                case schema::ColumnType::Timestamp: {
                    int64_t day = random.chance(60) ? today - static_cast<int32_t>(random.below(60)) : random.pick(dates);
                    column.append_timestamp(day * calendar::kMicrosPerDay +
                                            static_cast<int64_t>(random.below(86400)) * calendar::kMicrosPerSecond);
                    break;
                }
                case schema::ColumnType::String: column.append_string(random.pick(words)); break;
                case schema::ColumnType::Enum:
                    column.append_enum(static_cast<int32_t>(random.below(spec.enum_values.size())));
                    break;
                case schema::ColumnType::StringList: {
                    std::vector<std::string_view> items;
                    size_t n = random.below(4);
                    for (size_t i = 0; i < n; ++i) items.push_back(random.pick(tags));
                    column.append_list(items);
                    break;
                }
            }
        }
    }
    table.finish_rows();
    return table;
}

}  // namespace segmint::testing
