#include "semantic/types.h"

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

}  // namespace segmint::semantic
