#include "semantic/types.h"

#include <algorithm>
#include <vector>

namespace segmint::semantic {

Type Type::of_column(const schema::Column& column) {
    switch (column.type) {
        case schema::ColumnType::Int: return of(TypeKind::Int);
        case schema::ColumnType::Number: return of(TypeKind::Number);
        case schema::ColumnType::String: return of(TypeKind::String);
        case schema::ColumnType::Bool: return of(TypeKind::Bool);
        case schema::ColumnType::Date: return of(TypeKind::Date);
        case schema::ColumnType::Timestamp: return of(TypeKind::Timestamp);
        case schema::ColumnType::Enum: return Type{TypeKind::Enum, &column};
        case schema::ColumnType::StringList: return of(TypeKind::StringList);
    }
    return of(TypeKind::Error);
}

std::string type_name(const Type& type) {
    switch (type.kind) {
        case TypeKind::Error: return "<error>";
        case TypeKind::Null: return "null";
        case TypeKind::Bool: return "bool";
        case TypeKind::Int: return "int";
        case TypeKind::Number: return "number";
        case TypeKind::String: return "string";
        case TypeKind::Date: return "date";
        case TypeKind::Timestamp: return "timestamp";
        case TypeKind::Duration: return "duration";
        case TypeKind::Enum: return type.enum_column ? "enum " + type.enum_column->name : "enum";
        case TypeKind::StringList: return "list<string>";
    }
    return "<error>";
}

std::string enum_values_hint(const schema::Column& column) {
    std::string text = "the values of `" + column.name + "` are ";
    for (size_t i = 0; i < column.enum_values.size(); ++i) {
        if (i > 0) text += ", ";
        text += "\"" + column.enum_values[i] + "\"";
    }
    return text;
}

// `2026/01/31` reads as a division; dates are written ISO, `2026-01-31`. "" when `e` is not written like that.
std::string slashed_date_hint(const std::string& written) {
    std::vector<std::string> parts(1);
    for (char c : written) {
        if (c == '/')
            parts.emplace_back();
        else if (c >= '0' && c <= '9')
            parts.back() += c;
        else
            return "";
    }
    if (parts.size() != 3 || std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); })) {
        return "";
    }
    auto two_digits = [](const std::string& p) { return p.size() == 1 ? "0" + p : p; };
    if (parts[0].size() == 4 && parts[1].size() <= 2 && parts[2].size() <= 2) {
        return "dates are written year-month-day with `-`: " + parts[0] + "-" + two_digits(parts[1]) + "-" +
               two_digits(parts[2]);
    }
    return "dates are written year-month-day with `-`: 2026-01-31";
}

}  // namespace segmint::semantic
