#include "schema/schema.h"

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

std::optional<size_t> Column::enum_index(std::string_view value) const {
    for (size_t i = 0; i < enum_values.size(); ++i) {
        if (enum_values[i] == value) return i;
    }
    return std::nullopt;
}

const Column* Schema::find(std::string_view name) const {
    for (const auto& column : columns) {
        if (column.name == name) return &column;
    }
    return nullptr;
}

std::vector<std::string> Schema::column_names() const {
    std::vector<std::string> names;
    names.reserve(columns.size());
    for (const auto& column : columns) names.push_back(column.name);
    return names;
}

}  // namespace segmint::schema
