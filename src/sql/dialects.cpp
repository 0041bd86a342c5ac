// The one list of dialects, and the spellings most of them share. A dialect not implemented yet is listed with no
// translation, so `segmint sql --dialect postgres` can say so instead of calling it unknown.
#include <fmt/format.h>

#include <algorithm>

#include "sql/dialect.h"
#include "sql/sql.h"

namespace segmint::sql {

const Dialect& sqlite_dialect();     // sqlite.cpp
const Dialect& postgres_dialect();   // postgres.cpp
const Dialect& duckdb_dialect();     // duckdb.cpp
const Dialect& bigquery_dialect();   // bigquery.cpp
const Dialect& snowflake_dialect();  // snowflake.cpp
const Dialect& spark_dialect();      // spark.cpp

namespace {

struct Entry {
    const char* name;
    const Dialect* (*get)();  // null: not implemented yet
};

const std::vector<Entry>& entries() {
    // One dialect a line.
    // clang-format off
    static const std::vector<Entry> list = {
        {"postgres", [] { return &postgres_dialect(); }},
        {"duckdb", [] { return &duckdb_dialect(); }},
        {"sqlite", [] { return &sqlite_dialect(); }},
        {"bigquery", [] { return &bigquery_dialect(); }},
        {"snowflake", [] { return &snowflake_dialect(); }},
        {"spark", [] { return &spark_dialect(); }},
    };
    // clang-format on
    return list;
}

const Entry* entry(const std::string& name) {
    for (const auto& e : entries()) {
        if (name == e.name) return &e;
    }
    return nullptr;
}

}  // namespace

const std::vector<std::string>& dialect_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& e : entries()) out.emplace_back(e.name);
        return out;
    }();
    return names;
}

bool is_known_dialect(const std::string& name) { return entry(name) != nullptr; }
bool is_implemented_dialect(const std::string& name) {
    const Entry* e = entry(name);
    return e && e->get;
}
std::vector<std::string> implemented_dialects() {
    std::vector<std::string> out;
    for (const auto& e : entries()) {
        if (e.get) out.emplace_back(e.name);
    }
    return out;
}

const Dialect* find_dialect(const std::string& name) {
    const Entry* e = entry(name);
    return e && e->get ? e->get() : nullptr;
}

std::string Dialect::table_name(std::string_view name) const {
    std::string out;
    for (size_t start = 0;;) {
        const size_t dot = name.find('.', start);
        out += identifier(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return out;
        out += '.';
        start = dot + 1;
    }
}

std::string Dialect::identifier(std::string_view name) const {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string Dialect::int_literal(int64_t value) const {
    if (value == INT64_MIN) return "(-9223372036854775807 - 1)";  // 9223372036854775808 alone is out of range
    return value < 0 ? fmt::format("({})", value) : fmt::format("{}", value);
}

std::string Dialect::view_statement(const std::string& view, const std::string& query) const {
    return "CREATE VIEW " + view + " AS\n" + query + ";\n";
}

std::string Dialect::timestamp_literal(int64_t) const { throw Unsupported("timestamps"); }
std::string Dialect::timestamp_shift(ir::Op, const std::string&, int64_t) const { throw Unsupported("timestamps"); }
std::string Dialect::date_to_timestamp(const std::string&) const { throw Unsupported("timestamps"); }
std::string Dialect::timestamp_to_date(const std::string&) const { throw Unsupported("timestamps"); }

std::string Dialect::ordered(ir::Type, const std::string& value) const { return value; }
std::string Dialect::smallest(ir::Type type, const std::string& values) const {
    return "MIN(" + ordered(type, values) + ")";
}
std::vector<std::string> Dialect::int_sum_parts(const std::string&) const { throw Unsupported("event aggregates"); }
std::string Dialect::int_sum_total(const std::vector<std::string>&) const { throw Unsupported("event aggregates"); }
std::string Dialect::int_sum_average(const std::vector<std::string>&, const std::string&) const {
    throw Unsupported("event aggregates");
}

const char* symbol(ir::Op op) {
    switch (op) {
        case ir::Op::Add: return "+";
        case ir::Op::Sub: return "-";
        case ir::Op::Mul: return "*";
        case ir::Op::Div: return "/";
        case ir::Op::Mod: return "%";
        case ir::Op::Eq: return "=";
        case ir::Op::Ne: return "<>";
        case ir::Op::Lt: return "<";
        case ir::Op::Le: return "<=";
        case ir::Op::Gt: return ">";
        case ir::Op::Ge: return ">=";
        default: break;
    }
    throw std::logic_error(std::string("sql: no operator for ") + ir::op_name(op));
}

bool shift_keeps_calendar(int64_t amount, int64_t* low, int64_t* high) {
    // |amount| is at most a million weeks in microseconds (6e17), so neither difference overflows.
    *low = std::max(scalar::kMinTimestamp, scalar::kMinTimestamp - amount);
    *high = std::min(scalar::kMaxTimestamp, scalar::kMaxTimestamp - amount);
    return *low <= *high;
}

std::string standard_logic(ir::Kind kind, const std::vector<std::string>& args) {
    if (kind == ir::Kind::Not) return "(NOT " + args.at(0) + ")";
    const char* op = kind == ir::Kind::And ? " AND " : " OR ";
    std::string out = "(";
    for (size_t i = 0; i < args.size(); ++i) out += (i ? op : "") + args[i];
    return out + ")";
}

}  // namespace segmint::sql
