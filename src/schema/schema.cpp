#include "schema/schema.h"

#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "common/calendar.h"

namespace segmint::schema {

const char* column_type_name(ColumnType type) {
    switch (type) {
        case ColumnType::Int: return "int";
        case ColumnType::Number: return "number";
        case ColumnType::String: return "string";
        case ColumnType::Bool: return "bool";
        case ColumnType::Date: return "date";
        case ColumnType::Timestamp: return "timestamp";
        case ColumnType::Enum: return "enum";
        case ColumnType::StringList: return "list<string>";
    }
    return "string";
}

namespace {

std::string bound_text(const Column& column, const std::optional<int64_t>& whole, const std::optional<double>& number) {
    if (number) {
        // The shortest text that reads back as the same double.
        std::string text;
        for (int precision = 1; precision <= 17; ++precision) {
            std::ostringstream out;
            out << std::setprecision(precision) << *number;
            text = out.str();
            if (std::strtod(text.c_str(), nullptr) == *number) break;
        }
        return text;
    }
    if (column.type == ColumnType::Date) return calendar::format_date(static_cast<int32_t>(*whole));
    if (column.type == ColumnType::Timestamp) return calendar::format_timestamp(*whole);
    return std::to_string(*whole);
}

}  // namespace

std::string bounds_text(const Column& column) {
    std::string out;
    if (column.min_whole || column.min_number) out = "min: " + bound_text(column, column.min_whole, column.min_number);
    if (column.max_whole || column.max_number) {
        out +=
            (out.empty() ? "" : ", ") + std::string("max: ") + bound_text(column, column.max_whole, column.max_number);
    }
    return "`" + out + "`";
}

std::optional<size_t> Column::enum_index(std::string_view value) const {
    for (size_t i = 0; i < enum_values.size(); ++i) {
        if (enum_values[i] == value) return i;
    }
    return std::nullopt;
}

namespace {

// The item of `items` named `name` (by its `name` member), or null; and all their names, in order.
template <typename T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
    for (const auto& item : items) {
        if (item.name == name) return &item;
    }
    return nullptr;
}

template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
    std::vector<std::string> names;
    names.reserve(items.size());
    for (const auto& item : items) names.push_back(item.name);
    return names;
}

}  // namespace

const Column* Schema::find(std::string_view name) const { return find_named(columns, name); }
std::vector<std::string> Schema::column_names() const { return names_of(columns); }
const EventTable* Schema::find_events(std::string_view name) const { return find_named(events, name); }
std::vector<std::string> Schema::event_names() const { return names_of(events); }
const Column* EventTable::find(std::string_view name) const { return find_named(columns, name); }
std::vector<std::string> EventTable::column_names() const { return names_of(columns); }

Schema event_table_schema(const Schema& customers, const EventTable& events) {
    Schema table;
    table.source = customers.source;
    table.table = events.name;
    table.key = events.key;
    table.columns = events.columns;
    return table;
}

}  // namespace segmint::schema
