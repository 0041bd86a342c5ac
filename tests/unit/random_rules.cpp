#include "random_rules.h"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "common/calendar.h"
#include "data/events.h"

namespace segmint::testing {

namespace {

enum class T { Bool, Int, Number, String, Date, Timestamp };

class RuleGenerator {
public:
    RuleGenerator(Random& random, size_t segment, int max_depth)
        : r_(random), segment_(segment), max_depth_(max_depth) {}

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
            case 0:
                return {pick({"age", "orders_90d", "returns_90d", "loyalty_points"}), {"-1", "0", "1", "2", "3", "7"}};
            case 1: return {pick({"total_spend", "churn_score"}), {"-2.5", "0", "0.5", "1", "3", "3.0", "-100"}};
            case 2:
                return {pick({"signup_date", "last_order_date"}),
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
            case 0:
            case 1: {
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
            case 4:
                return pick({"not not ", "not (not ", "not not not "}) + "(" + term() + ")" +
                       (r_.chance(50) ? "" : " and " + term());
            case 5: {
                const std::string x = term(), y = gen(T::Bool, d);
                return r_.chance(50) ? "(" + x + " or (" + x + " and " + y + "))"
                                     : "(" + x + " and (" + x + " or " + y + "))";
            }
            default:
                return "(" + term() + pick({" and true", " or false", " and null", " or null", " and false"}) + ")";
        }
    }

    std::string bool_node(int d) {
        if (r_.chance(20)) return rewrite_bait(d);
        switch (r_.below(15)) {
            case 0:
            case 1: {
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
            case 4:
                return gen(r_.pick(std::vector<T>{T::Int, T::String, T::Date, T::Bool}), d) +
                       (r_.chance(50) ? " is null" : " is not null");
            case 5: {
                std::string op = pick({"contains", "starts with", "ends with", "not contains", "not starts with"});
                return gen(T::String, d) + " " + op + " " + gen(T::String, d);
            }
            case 6:
                return gen(T::String, d) + " matches " +
                       pick({"\"^a\"", "\"[0-9]+\"", "\"e$\"", "\"(a+)+$\"", "\"\"", "\"^$\"", "\"(?i)GER\""});
            case 7: return "tags " + pick({"contains", "not contains"}) + " " + gen(T::String, d);
            case 8:
                return "tags contains " + pick({"any", "all"}) + " (" + pick({"\"vip\"", "\"new\""}) + ", " +
                       gen(T::String, max_depth_) + ")";
            case 9: return pick({"signup_date", "last_order_date"}) + " within last " + duration(false);
            case 10: return "last_login_at within last " + duration(true);
            case 11: {
                T t = r_.chance(50) ? T::Date : T::Timestamp;
                return gen(t, d) + (r_.chance(50) ? " before " : " after ") + gen(t, d);
            }
            case 12: return "not " + gen(T::Bool, d);
            case 13:
            case 14: {
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
        if (r_.chance(55))
            return pick({"age", "orders_90d", "lifetime_orders", "returns_90d", "loyalty_points", "customer_id"});
        return null_or(pick({"0", "1", "-1", "2", "3", "7", "100", "9223372036854775807", "-9223372036854775808",
                             "4611686018427387904", "-3"}));
    }
    std::string int_node(int d) {
        switch (r_.below(8)) {
            case 0:
            case 1: return "(" + gen(T::Int, d) + " " + pick({"+", "-", "*", "%"}) + " " + gen(T::Int, d) + ")";
            case 2: return "-" + gen(T::Int, d);
            case 3: return "abs(" + gen(T::Int, d) + ")";
            case 4: return "length(" + (r_.chance(50) ? gen(T::String, d) : std::string("tags")) + ")";
            case 5:
                return pick({"year", "month", "day_of_week", "days_since"}) + "(" +
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
            case 0:
            case 1:
                return "(" + gen(T::Number, d) + " " + pick({"+", "-", "*", "/", "%"}) + " " +
                       gen(r_.chance(50) ? T::Number : T::Int, d) + ")";
            case 2: return "(" + gen(T::Int, d) + " / " + gen(T::Int, d) + ")";
            case 3:
                return "round(" + gen(T::Number, d) +
                       (r_.chance(50) ? ", " + pick({"0", "1", "-2", "20", "-20"}) : "") + ")";
            case 4: return "abs(" + gen(T::Number, d) + ")";
            default: return "coalesce(" + gen(T::Number, d) + ", " + gen(T::Int, d) + ")";
        }
    }
    std::string string_leaf() {
        if (r_.chance(55))
            return pick({"email", "first_name", "country", "city", "preferred_category", "tier", "gender"});
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

std::string random_composed_catalog(Random& random, size_t count, int max_depth) {
    // Four random conditions, four made of them, and rules that each join one or two of the eight with a condition of
    // their own: the rules repeat conditions, and the repeated conditions repeat each other's parts.
    std::vector<std::string> parts;
    for (int i = 0; i < 4; ++i) parts.push_back("(" + RuleGenerator(random, 0, max_depth).gen(T::Bool, 0) + ")");
    for (int i = 0; i < 4; ++i) {
        const std::string& a = parts[random.below(4)];
        const std::string& b = parts[random.below(4)];
        switch (random.below(3)) {
            case 0: parts.push_back("(" + a + " and " + b + ")"); break;
            case 1: parts.push_back("(" + a + " or not " + b + ")"); break;
            default: parts.push_back("(not " + a + ")"); break;
        }
    }
    std::string text;
    for (size_t s = 0; s < count; ++s) {
        std::string rule = random.pick(parts);
        if (random.chance(50)) rule += (random.chance(50) ? " and " : " or ") + random.pick(parts);
        if (random.chance(50)) {
            rule += (random.chance(50) ? " and " : " or ") + RuleGenerator(random, s, max_depth).gen(T::Bool, 0);
        }
        text += "segment s" + std::to_string(s) + ": " + rule + "\n";
    }
    return text;
}

data::Table random_table(Random& random, const schema::Schema& schema, uint64_t rows) {
    data::Table table(schema);
    const std::vector<std::string> words = {"",     "Germany", "germany", "United States", "Ukraine",  "gold",
                                            "a",    "e",       "ger",     "vip",           "\xC3\xBC", "x@example.com",
                                            "Anna", "GERMANY"};
    const std::vector<std::string> tags = {"vip", "new", "", "outdoor", "gold"};
    const std::vector<int64_t> ints = {0,
                                       1,
                                       -1,
                                       2,
                                       3,
                                       5,
                                       7,
                                       18,
                                       42,
                                       100,
                                       999,
                                       5000,
                                       INT64_MAX,
                                       INT64_MIN,
                                       INT64_MAX - 1,
                                       INT64_MIN + 1,
                                       4611686018427387904};
    const std::vector<double> numbers = {0.0, -0.0, 0.5, -2.5, 1.0, 199.99, 1e300, -1e300, 1e-300, 1000.0, 3.0};
    const int32_t today = *calendar::parse_date("2026-11-23");
    const std::vector<int32_t> dates = {today,
                                        today - 1,
                                        today - 30,
                                        today - 31,
                                        *calendar::parse_date("2024-02-29"),
                                        *calendar::parse_date("2026-01-31"),
                                        *calendar::parse_date("0001-01-01"),
                                        *calendar::parse_date("9999-12-31"),
                                        today - 400,
                                        today + 3};
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
                                      : random.chance(70)     ? static_cast<int64_t>(random.below(12)) - 2
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
                    int64_t day =
                        random.chance(60) ? today - static_cast<int32_t>(random.below(60)) : random.pick(dates);
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

RandomEvents random_events(Random& random, const schema::Schema& schema, uint64_t customers, int64_t now) {
    auto time = [&] {
        const int64_t base = now - int64_t{200} * calendar::kMicrosPerDay;
        if (random.chance(30)) return base + static_cast<int64_t>(random.below(4)) * calendar::kMicrosPerDay;
        return base + static_cast<int64_t>(random.below(400 * 24)) * 3600 * 1000000;
    };
    auto key = [&] {  // a third of the customers have no events; one event in twenty has no customer
        if (random.chance(5)) return std::to_string(customers + 1 + random.below(5));
        return std::to_string(1 + random.below(customers * 2 / 3 + 1));
    };
    auto maybe = [&](int null_percent, const std::string& text) -> std::optional<std::string> {
        if (random.chance(null_percent)) return std::nullopt;
        return text;
    };
    const std::vector<std::string> ints = {
        "0", "1", "-3", "7", "250", "9223372036854775807", "-9223372036854775808", "4294967296", "-4294967297"};
    const std::vector<std::string> urls = {"/pricing", "/Pricing", "/\xc3\xa9t\xc3\xa9", "/a", "/b/", "/z", ""};
    const std::vector<std::string> channels = {"web", "store", "app"};
    RandomEvents out;
    out.tables.resize(schema.events.size());
    for (uint64_t i = random.below(1500); i > 0; --i) {
        out.tables.at(0).push_back({key(), maybe(10, random.pick(ints)), calendar::format_timestamp(time()),
                                    maybe(20, std::to_string(random.below(900)) + ".25"),
                                    maybe(20, random.pick(channels))});
    }
    for (uint64_t i = random.below(800); i > 0; --i)
        out.tables.at(1).push_back({key(), calendar::format_timestamp(time()), maybe(10, random.pick(urls))});
    return out;
}

std::string RandomEvents::csv(size_t table) const {
    std::string out = table == 0 ? "customer_id,order_id,ordered_at,amount,channel\n" : "customer_id,viewed_at,url\n";
    for (const Row& row : tables.at(table)) {
        for (size_t c = 0; c < row.size(); ++c) {
            if (c) out += ',';
            if (row[c]) out += "\"" + *row[c] + "\"";  // quoted: "" is the empty string, not NULL
        }
        out += '\n';
    }
    return out;
}

void attach_events(data::Table& customers, const RandomEvents& events) {
    auto set = std::make_shared<data::EventSet>();
    for (size_t e = 0; e < events.tables.size(); ++e) {
        data::CsvError error;
        auto loaded =
            data::load_events_csv_text(events.csv(e), "events.csv", customers, customers.schema().events[e], &error);
        if (!loaded) throw std::runtime_error("random events: " + error.to_string());
        set->tables.push_back(std::move(*loaded));
    }
    customers.set_events(set);
}

std::string random_aggregate_catalog(Random& random, int rounds) {
    const std::vector<std::string> windows = {"",
                                              " within last 90 days",
                                              " within last 12 hours",
                                              " between 2026-06-01 and 2026-09-30T12:00:00Z",
                                              " before 2026-07-04T00:00:00Z",
                                              " after 2026-10-01"};
    const std::vector<std::string> order_filters = {"", " where channel = \"web\"", " where order_id > 0",
                                                    " where amount is null or channel in (\"app\", \"store\")",
                                                    " where ordered_at within last 30 days"};
    const std::vector<std::string> view_filters = {"", " where url contains \"pricing\"", " where url > \"/b\"",
                                                   " where lower(url) starts with \"/p\""};
    auto orders = [&](const std::string& column) {
        return "orders" + column + random.pick(windows) + random.pick(order_filters);
    };
    auto views = [&](const std::string& column) {
        return "page_views" + column + random.pick(windows) + random.pick(view_filters);
    };
    auto small = [&](uint64_t below) { return std::to_string(random.below(below)); };
    std::string text;
    size_t n = 0;
    auto add = [&](const std::string& rule) { text += "segment a" + std::to_string(n++) + ": " + rule + "\n"; };
    for (int i = 0; i < rounds; ++i) {
        add("count(" + orders("") + ") >= " + small(4));
        add("count(" + orders(".order_id") + ") = " + small(3));
        add("exists(" + views("") + ")");
        add("not exists(" + orders(".amount") + ")");
        add("count_distinct(" + orders(".channel") + ") >= 2");
        add("count_distinct(" + views(".url") + ") = " + small(3));
        add("count_distinct(" + orders(".order_id") + ") > 1");
        add("sum(" + orders(".order_id") + ") is null");
        add("sum(" + orders(".order_id") + ") > " + random.pick(std::vector<std::string>{"0", "7", "-1", "300"}));
        add("avg(" + orders(".order_id") + ") > 1.5 or avg(" + orders(".order_id") + ") is null");
        add("sum(" + orders(".amount") + ") > 100");
        add("min(" + orders(".amount") + ") < 300.25");
        add("max(" + orders(".order_id") + ") >= 7");
        add("max(" + orders(".channel") + ") = \"web\"");
        add("min(" + views(".url") + ") < \"/b\"");
        add("max(" + views(".viewed_at") + ") > now - 30 days");
        add("first(" + orders(".channel") + ") = \"store\"");
        add("first(" + orders(".amount") + ") > 450 or first(" + orders(".order_id") + ") < 1");
        add("last(" + orders(".ordered_at") + ") < today - 60 days");
        add("last(" + views(".url") + ") >= \"/a\"");
        add("last(" + orders(".order_id") + ") is null");
        add("days_since(last(" + orders(".ordered_at") + ")) between 10 and 100");
    }
    return text;
}

}  // namespace segmint::testing
