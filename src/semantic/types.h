#pragma once
// The types of the language. Every expression gets one, stored in a side table keyed by node id.
#include <string>

#include "schema/schema.h"

namespace segmint::semantic {

enum class TypeKind { Error, Null, Bool, Int, Number, String, Date, Timestamp, Duration, Enum, StringList };

struct Type {
    TypeKind kind = TypeKind::Error;
    // For Enum: the column whose values it ranges over (so literals can be checked against them).
    const schema::Column* enum_column = nullptr;

    static Type of(TypeKind kind) { return Type{kind, nullptr}; }
    static Type of_column(const schema::Column& column);

    bool is(TypeKind k) const { return kind == k; }
    bool is_error() const { return kind == TypeKind::Error; }
    bool is_null() const { return kind == TypeKind::Null; }
    bool is_numeric() const { return kind == TypeKind::Int || kind == TypeKind::Number; }
    bool is_temporal() const { return kind == TypeKind::Date || kind == TypeKind::Timestamp; }
    bool is_text() const { return kind == TypeKind::String || kind == TypeKind::Enum; }
    // Error and Null are accepted wherever a value is expected (errors were already reported; null is any type).
    bool is_wildcard() const { return kind == TypeKind::Error || kind == TypeKind::Null; }

    bool operator==(const Type& other) const { return kind == other.kind && enum_column == other.enum_column; }
    bool operator!=(const Type& other) const { return !(*this == other); }
};

// "int", "enum tier", "list<string>", "null".
std::string type_name(const Type& type);

// "the values of `tier` are "gold", "silver"": an enum column's values, for hints.
std::string enum_values_hint(const schema::Column& column);

// `2026/01/31` reads as a division; dates are written ISO, `2026-01-31`: the hint for a value written like that (its
// source text), else "".
std::string slashed_date_hint(const std::string& written);

}  // namespace segmint::semantic
