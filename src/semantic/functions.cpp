#include "semantic/functions.h"

namespace segmint::semantic {

const std::vector<FunctionInfo>& all_functions() {
    static const std::vector<FunctionInfo> functions = {
#define FUNCTION(name, text, min_args, max_args, signature, summary) \
    {Function::name, text, min_args, max_args, signature, summary},
#include "semantic/functions.def"
#undef FUNCTION
    };
    return functions;
}

const FunctionInfo* find_function(std::string_view name) {
    for (const auto& function : all_functions()) {
        if (name == function.name) return &function;
    }
    return nullptr;
}

std::vector<std::string> function_names() {
    std::vector<std::string> names;
    for (const auto& function : all_functions()) names.emplace_back(function.name);
    return names;
}

bool common_type(const Type& a, const Type& b, Type* out) {
    if (a.is_error() || b.is_error()) return *out = Type::of(TypeKind::Error), true;
    if (a.is_null()) return *out = b, true;
    if (b.is_null()) return *out = a, true;
    if (a == b) return *out = a, true;
    if (a.is_numeric() && b.is_numeric()) return *out = Type::of(TypeKind::Number), true;
    if (a.is_temporal() && b.is_temporal()) return *out = Type::of(TypeKind::Timestamp), true;
    if (a.is_text() && b.is_text()) return *out = Type::of(TypeKind::String), true;
    return false;
}

namespace {
CallTyping fail(size_t argument, std::string message) {
    return {Type::of(TypeKind::Error), std::move(message), argument};
}
CallTyping ok(Type type) { return {type, {}, 0}; }
CallTyping ok(TypeKind kind) { return ok(Type::of(kind)); }

std::string found(const Type& type) { return "found " + type_name(type); }
}  // namespace

CallTyping type_call(Function function, const std::vector<Type>& args) {
    // An argument whose type is already an error produces no further messages.
    for (const auto& arg : args) {
        if (arg.is_error()) return ok(TypeKind::Error);
    }
    const Type& first = args[0];
    switch (function) {
        case Function::Lower:
        case Function::Upper:
            if (first.is_text() || first.is_null()) return ok(TypeKind::String);
            return fail(0, "expects a string, " + found(first));
        case Function::Length:
            if (first.is_text() || first.is(TypeKind::StringList) || first.is_null()) return ok(TypeKind::Int);
            return fail(0, "expects a string or a list, " + found(first));
        case Function::Abs:
            if (first.is_numeric()) return ok(first);
            if (first.is_null()) return ok(TypeKind::Int);
            return fail(0, "expects a number, " + found(first));
        case Function::Round:
            if (!first.is_numeric() && !first.is_null()) return fail(0, "expects a number, " + found(first));
            if (args.size() == 2 && !args[1].is(TypeKind::Int)) {
                return fail(1, "expects an int number of digits, " + found(args[1]));
            }
            return ok(TypeKind::Number);
        case Function::Coalesce: {
            Type result = Type::of(TypeKind::Null);
            for (size_t i = 0; i < args.size(); ++i) {
                Type next;
                if (!common_type(result, args[i], &next)) {
                    return fail(i, "arguments must have one type: " + type_name(result) + " and " + type_name(args[i]) +
                                       " do not mix");
                }
                result = next;
            }
            if (result.is(TypeKind::Duration)) return fail(0, "does not take durations");
            return ok(result);
        }
        case Function::Year:
        case Function::Month:
        case Function::DayOfWeek:
        case Function::DaysSince:
            if (first.is_temporal() || first.is_null()) return ok(TypeKind::Int);
            return fail(0, "expects a date or timestamp, " + found(first));
    }
    return ok(TypeKind::Error);
}

}  // namespace segmint::semantic
