// load_schema: the schema file format (docs/schema.md), read through the YAML reader so every problem is reported
// with its key path.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/calendar.h"
#include "common/limits.h"
#include "common/suggest.h"
#include "schema/schema.h"
#include "yaml/open_mapping.h"

namespace segmint::schema {

namespace {

using yaml::Field;
using yaml::Node;
using yaml::Walker;

const yaml::MappingFormat kFormat = {"schema file",
                                     "a schema declares `table`, `key` and `columns`",
                                     {"table", "key", "columns", "checks", "events", "description"},
                                     "a mapping with `table`, `key` and `columns`"};
const std::vector<std::string> kColumnKeys = {"type", "values", "not_null", "min", "max", "description"};
const std::vector<std::string> kCheckKeys = {"name", "check", "description"};
const std::vector<std::string> kEventTableKeys = {"key", "time", "columns", "description"};

constexpr ColumnType kAllTypes[] = {ColumnType::Int,  ColumnType::Number,    ColumnType::String,
                                    ColumnType::Bool, ColumnType::Date,      ColumnType::Timestamp,
                                    ColumnType::Enum, ColumnType::StringList};

// Type names from SQL and other tools, for a better "did you mean" than edit distance gives.
constexpr std::pair<const char*, const char*> kTypeAliases[] = {
    {"integer", "int"},
    {"int32", "int"},
    {"int64", "int"},
    {"long", "int"},
    {"bigint", "int"},
    {"smallint", "int"},
    {"float", "number"},
    {"double", "number"},
    {"decimal", "number"},
    {"numeric", "number"},
    {"real", "number"},
    {"str", "string"},
    {"text", "string"},
    {"varchar", "string"},
    {"char", "string"},
    {"boolean", "bool"},
    {"datetime", "timestamp"},
    {"time", "timestamp"},
    {"timestamptz", "timestamp"},
    {"list", "list<string>"},
    {"array", "list<string>"},
    {"string[]", "list<string>"},
    {"category", "enum"},
    {"categorical", "enum"},
};

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> type_names() {
    std::vector<std::string> names;
    for (ColumnType type : kAllTypes) names.emplace_back(column_type_name(type));
    return names;
}

std::optional<ColumnType> parse_type(Walker& walker, const Node& node, const std::string& path) {
    auto text = walker.string(node, path, "a type name");
    if (!text) return std::nullopt;
    for (ColumnType type : kAllTypes) {
        if (*text == column_type_name(type)) return type;
    }
    const std::string folded = lower(*text);
    std::string hint;
    for (const auto& [alias, name] : kTypeAliases) {
        if (folded == alias) hint = std::string("did you mean `") + name + "`?";
    }
    if (hint.empty()) hint = did_you_mean(*text, type_names());
    if (hint.empty() && (folded.rfind("list", 0) == 0 || folded.rfind("array", 0) == 0)) {
        hint = "the only list type is `list<string>`";
    }
    if (hint.empty()) {
        hint = "the types are `int`, `number`, `string`, `bool`, `date`, `timestamp`, `enum` and `list<string>`";
    }
    walker.error(Code::YamlInvalidValue, node.span, path + ": unknown type " + yaml::quote(*text), std::move(hint));
    return std::nullopt;
}

// Column and table names end up in messages and generated SQL: keep them printable and bounded.
bool check_name(Walker& walker, std::string_view name, Span span, const std::string& path, const char* what) {
    std::string problem;
    if (name.empty()) {
        problem = std::string("a ") + what + " name must not be empty";
    } else if (name.size() > limits::kMaxIdentifierBytes) {
        problem = std::string("a ") + what + " name is " + std::to_string(name.size()) + " bytes; the limit is " +
                  std::to_string(limits::kMaxIdentifierBytes);
    } else if (name.find('`') != std::string_view::npos) {
        problem = std::string("a ") + what + " name must not contain a backquote";
    } else if (std::any_of(name.begin(), name.end(), [](char c) { return c == '\n' || c == '\r'; })) {
        problem = std::string("a ") + what + " name must not contain a line break";
    } else if (std::any_of(name.begin(), name.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
        problem = std::string("a ") + what + " name must not contain control characters";
    }
    if (problem.empty()) return true;
    walker.error(Code::YamlInvalidValue, span, path + ": " + problem);
    return false;
}

// `values` of an enum column: a non-empty list of distinct, non-empty strings.
std::optional<std::vector<std::string>> read_enum_values(Walker& walker, const Field& field) {
    auto items = walker.string_list(*field.value, field.path, "a list of enum values");
    if (!items) return std::nullopt;
    if (items->empty()) {
        walker.error(Code::YamlInvalidValue, field.value->span, field.path + ": an enum needs at least one value");
        return std::nullopt;
    }
    bool ok = true;
    std::vector<std::string> values;
    values.reserve(items->size());
    std::unordered_map<std::string_view, size_t> seen;
    for (size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        if (item.text.empty()) {
            walker.error(Code::YamlInvalidValue, item.node->span, item.path + ": an enum value must not be empty");
            ok = false;
            continue;
        }
        auto [it, inserted] = seen.emplace(item.text, i);
        if (!inserted) {
            const auto& first = (*items)[it->second];
            walker.error(
                Code::YamlInvalidValue, item.node->span,
                item.path + ": enum value " + yaml::quote(item.text) + " is listed twice; the first is " + first.path,
                "remove one of them", {walker.note("first listed here", first.node->span)});
            ok = false;
            continue;
        }
        values.push_back(item.text);
    }
    if (!ok) return std::nullopt;
    return values;
}

// One bound of a column (`min` or `max`), in the column's own value syntax (as its CSV fields are written).
struct Bound {
    std::optional<int64_t> whole;
    std::optional<double> number;
    std::string text;
};

std::optional<Bound> read_bound(Walker& walker, const Field& field, ColumnType type) {
    auto text = walker.string(*field.value, field.path, "a bound");
    if (!text) return std::nullopt;
    Bound bound{std::nullopt, std::nullopt, *text};
    const char* first = text->data();
    const char* last = first + text->size();
    const char* expected = "";
    switch (type) {
        case ColumnType::Int: {
            int64_t value = 0;
            auto result = std::from_chars(first + (first != last && *first == '+'), last, value);
            if (result.ec == std::errc() && result.ptr == last) bound.whole = value;
            expected = "an int (64-bit)";
            break;
        }
        case ColumnType::Number: {
            // strtod accepts nan and inf, which are no bounds: the text must start like a number.
            char* end = nullptr;
            const double value = std::strtod(text->c_str(), &end);
            const bool shaped =
                !text->empty() && (std::isdigit(static_cast<unsigned char>(text->back())) || text->back() == '.');
            if (shaped && end == text->c_str() + text->size() && std::isfinite(value)) bound.number = value;
            expected = "a finite number";
            break;
        }
        case ColumnType::Date:
            if (auto days = calendar::parse_date(*text)) bound.whole = *days;
            expected = "a date that exists (YYYY-MM-DD)";
            break;
        case ColumnType::Timestamp:
            bound.whole = calendar::parse_timestamp(*text);
            expected = "a timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z)";
            break;
        default: {
            walker.error(Code::YamlInvalidValue, field.key_span,
                         field.path + ": only int, number, date and timestamp columns have bounds; this one is " +
                             yaml::quote(column_type_name(type)),
                         "remove `" + std::string(field.key) + "`");
            return std::nullopt;
        }
    }
    if (bound.whole || bound.number) return bound;
    walker.error(Code::YamlInvalidValue, field.value->span,
                 field.path + ": expected " + expected + ", found " + yaml::quote(*text));
    return std::nullopt;
}

// `min` and `max` of a column of `type`; reports a bound of the wrong type and min > max.
void read_bounds(Walker& walker, const yaml::MappingView& map, ColumnType type, Column& column) {
    const Field* min_field = map.find("min");
    const Field* max_field = map.find("max");
    std::optional<Bound> min, max;
    if (min_field) min = read_bound(walker, *min_field, type);
    if (max_field) max = read_bound(walker, *max_field, type);
    if (min && max && (min->whole ? *min->whole > *max->whole : *min->number > *max->number)) {
        walker.error(
            Code::YamlInvalidValue, min_field->value->span,
            min_field->path + ": min " + min->text + " is greater than max " + max->text + ", so no value fits",
            "swap them", {walker.note("max given here", max_field->value->span)});
        return;
    }
    if (min) {
        column.min_whole = min->whole;
        column.min_number = min->number;
    }
    if (max) {
        column.max_whole = max->whole;
        column.max_number = max->number;
    }
}

// One entry of `columns`: a type name, or a mapping with `type`, `values` and `description`.
std::optional<Column> read_column(Walker& walker, const Field& field) {
    const Node& value = *field.value;
    Column column;
    if (value.is_scalar()) {
        auto type = parse_type(walker, value, field.path);
        if (!type) return std::nullopt;
        if (*type == ColumnType::Enum) {
            walker.error(Code::YamlInvalidValue, value.span, field.path + ": an `enum` column needs its values",
                         "write `" + std::string(field.key) + ": {type: enum, values: [a, b, c]}`");
            return std::nullopt;
        }
        column.type = *type;
        return column;
    }
    if (!value.is_mapping()) {
        walker.wrong_kind(value, field.path, "a type name or a mapping with `type`");
        return std::nullopt;
    }
    auto map = walker.mapping(value, field.path, kColumnKeys);
    if (!map) return std::nullopt;
    const size_t errors_before = walker.error_count();
    if (const Field* description = map->find("description")) walker.string(*description->value, description->path);
    std::optional<ColumnType> type;
    if (const Field* type_field = walker.required(*map, "type")) {
        type = parse_type(walker, *type_field->value, type_field->path);
    }
    const Field* values = map->find("values");
    if (type == ColumnType::Enum) {
        if (!values) {
            walker.error(Code::YamlMissingKey, value.span,
                         field.path + ": missing required key `values`; an `enum` column lists its values",
                         "add `values: [a, b, c]`");
        } else if (auto list = read_enum_values(walker, *values)) {
            column.enum_values = std::move(*list);
        }
    } else if (type && values) {
        walker.error(
            Code::YamlInvalidValue, values->key_span,
            values->path + ": only `enum` columns have values; this one is " + yaml::quote(column_type_name(*type)),
            "set `type: enum` or remove `values`");
    }
    if (const Field* not_null = map->find("not_null")) {
        if (auto flag = walker.boolean(*not_null->value, not_null->path)) column.not_null = *flag;
    }
    if (type) read_bounds(walker, *map, *type, column);
    if (!type || walker.error_count() != errors_before) return std::nullopt;
    column.type = *type;
    return column;
}

// False when `columns` itself is unusable, so nothing can be said about the key.
bool read_columns(Walker& walker, const Field& field, Schema& schema, std::vector<std::string>& declared) {
    auto columns = walker.mapping(*field.value, field.path, "a mapping of column names to types");
    if (!columns) return false;
    if (columns->node().entries.empty()) {
        walker.error(Code::YamlInvalidValue, columns->node().span, field.path + ": declare at least one column",
                     "for example `customer_id: int`");
        return false;
    }
    for (const Field& entry : columns->fields()) {
        if (walker.stopped()) return false;
        declared.emplace_back(entry.key);
        const bool name_ok = check_name(walker, entry.key, entry.key_span, entry.path, "column");
        auto column = read_column(walker, entry);
        if (!name_ok || !column) continue;
        column->name = std::string(entry.key);
        column->span = entry.key_span;
        column->index = schema.columns.size();
        schema.columns.push_back(std::move(*column));
    }
    return true;
}

void check_key(Walker& walker, const Field& field, const std::string& key, const Schema& schema,
               const std::vector<std::string>& declared) {
    const Span span = field.value->span;
    if (const Column* column = schema.find(key)) {
        if (column->type != ColumnType::Int && column->type != ColumnType::String) {
            walker.error(Code::YamlInvalidValue, span,
                         field.path + ": the key column " + yaml::quote(key) + " is " +
                             yaml::quote(column_type_name(column->type)) + "; a key must be `int` or `string`");
        }
        return;
    }
    // A declared column that had its own errors needs no second message.
    if (std::find(declared.begin(), declared.end(), key) != declared.end()) return;
    std::string hint = did_you_mean(key, declared);
    walker.error(Code::YamlInvalidValue, span, field.path + ": " + yaml::quote(key) + " is not one of the columns",
                 hint.empty() ? "the key must name a column declared under `columns`" : hint);
}

// A check's condition scalar: its text, and where the file holds it verbatim (so errors can point into it).
std::optional<Check> read_condition(Walker& walker, const Node& node, const std::string& path) {
    auto text = walker.non_empty_string(node, path, "a condition, such as `orders_90d <= lifetime_orders`");
    if (!text) return std::nullopt;
    Check check;
    check.condition = *text;
    check.span = node.span;
    const std::string& file = walker.source()->text();
    const std::string_view written(file.data() + node.span.begin, node.span.end - node.span.begin);
    const bool quoted = !node.plain && written.size() >= 2 && (written.front() == '"' || written.front() == '\'');
    const std::string_view inside = quoted ? written.substr(1, written.size() - 2) : written;
    if ((node.plain || quoted) && inside == *text) {
        check.verbatim = true;
        check.offset = node.span.begin + (quoted ? 1 : 0);
    }
    return check;
}

// `checks`: a list of conditions, each a string or a mapping `{name, check, description}`.
void read_checks(Walker& walker, const Field& field, Schema& schema) {
    const auto* items = walker.sequence(*field.value, field.path, "a list of conditions");
    if (!items) return;
    if (items->size() > limits::kMaxSchemaChecks) {
        const Node& past = *(*items)[limits::kMaxSchemaChecks];
        walker.error(Code::YamlInvalidValue, past.span,
                     yaml::index_path(field.path, limits::kMaxSchemaChecks) + ": a schema has at most " +
                         std::to_string(limits::kMaxSchemaChecks) + " checks; this list has " +
                         std::to_string(items->size()),
                     "keep the facts the proofs need; check the rest with segments and constraints");
        return;
    }
    std::map<std::string, std::pair<std::string, Span>> named;  // name → the path and span that name it first
    for (size_t i = 0; i < items->size(); ++i) {
        if (walker.stopped()) return;
        const Node& item = *(*items)[i];
        const std::string path = yaml::index_path(field.path, i);
        if (!item.is_mapping()) {
            if (auto check = read_condition(walker, item, path)) schema.checks.push_back(std::move(*check));
            continue;
        }
        auto map = walker.mapping(item, path, kCheckKeys);
        if (!map) continue;
        if (const Field* description = map->find("description")) walker.string(*description->value, description->path);
        std::optional<std::string> name;
        if (const Field* name_field = map->find("name")) {
            name = walker.non_empty_string(*name_field->value, name_field->path, "a check name");
            if (name && !check_name(walker, *name, name_field->value->span, name_field->path, "check")) name.reset();
            // Messages name a broken check by its name: two checks with one name would be told apart by nothing.
            if (name && !named.emplace(*name, std::pair(name_field->path, name_field->value->span)).second) {
                const auto& [first_path, first_span] = named.at(*name);
                walker.error(Code::YamlInvalidValue, name_field->value->span,
                             name_field->path + ": check name " + yaml::quote(*name) + " is used twice; the first is " +
                                 first_path,
                             "give each check its own name", {walker.note("first named here", first_span)});
                continue;
            }
        }
        const Field* condition = walker.required(*map, "check");
        if (!condition) continue;
        auto check = read_condition(walker, *condition->value, condition->path);
        if (!check) continue;
        if (name) check->name = *name;
        schema.checks.push_back(std::move(*check));
    }
}

// `events.NAME.key` / `.time`: a column of the event table, by name (with did-you-mean), or nullptr after an error.
const Column* event_column(Walker& walker, const Field& field, const EventTable& table,
                           const std::vector<std::string>& declared) {
    auto name = walker.non_empty_string(*field.value, field.path, "a column name");
    if (!name) return nullptr;
    if (const Column* column = table.find(*name)) return column;
    if (std::find(declared.begin(), declared.end(), *name) != declared.end()) return nullptr;  // already reported
    std::string hint = did_you_mean(*name, declared);
    walker.error(
        Code::YamlInvalidValue, field.value->span,
        field.path + ": " + yaml::quote(*name) + " is not one of the columns of event table " + yaml::quote(table.name),
        hint.empty() ? "name a column declared under its `columns`" : hint);
    return nullptr;
}

// One entry of `events:`: `{key, time, columns, description}`. The key names the customer, so it has the customer
// key's type; the time (optional: without it the table has no windows) is a date or a timestamp.
std::optional<EventTable> read_event_table(Walker& walker, const Field& entry, const Schema& customers) {
    auto map = walker.mapping(*entry.value, entry.path, kEventTableKeys, "a mapping with `key`, `time` and `columns`");
    if (!map) return std::nullopt;
    const size_t errors_before = walker.error_count();
    EventTable table;
    table.name = std::string(entry.key);
    table.span = entry.key_span;
    if (const Field* description = map->find("description")) walker.string(*description->value, description->path);
    Schema columns;  // read_columns fills a schema's columns
    std::vector<std::string> declared;
    const Field* columns_field = walker.required(*map, "columns");
    const bool columns_ok = columns_field && read_columns(walker, *columns_field, columns, declared);
    table.columns = std::move(columns.columns);
    const Field* key_field = walker.required(*map, "key");
    if (key_field && columns_ok) {
        if (const Column* key = event_column(walker, *key_field, table, declared)) {
            table.key = key->name;
            table.key_span = key_field->value->span;
            const Column* customer_key = customers.find(customers.key);
            if (customer_key && key->type != customer_key->type) {
                walker.error(Code::YamlInvalidValue, key_field->value->span,
                             key_field->path + ": the key " + yaml::quote(key->name) + " is " +
                                 yaml::quote(column_type_name(key->type)) + ", but the customer key " +
                                 yaml::quote(customer_key->name) + " is " +
                                 yaml::quote(column_type_name(customer_key->type)),
                             "an event's key names its customer, so both have one type");
            }
        }
    }
    if (const Field* time_field = map->find("time"); time_field && columns_ok) {
        if (const Column* time = event_column(walker, *time_field, table, declared)) {
            if (time->type != ColumnType::Date && time->type != ColumnType::Timestamp) {
                walker.error(Code::YamlInvalidValue, time_field->value->span,
                             time_field->path + ": the time column " + yaml::quote(time->name) + " is " +
                                 yaml::quote(column_type_name(time->type)) + "; it must be a date or a timestamp");
            } else {
                table.time = time->name;
                table.time_span = time_field->value->span;
            }
        }
    }
    if (walker.error_count() != errors_before) return std::nullopt;
    return table;
}

// `events`: a mapping of event table names to their definitions (docs/schema.md "Event tables").
void read_events(Walker& walker, const Field& field, Schema& schema) {
    auto tables = walker.mapping(*field.value, field.path, "a mapping of event table names to their columns");
    if (!tables) return;
    if (tables->fields().size() > limits::kMaxEventTables) {
        const Field& past = tables->fields()[limits::kMaxEventTables];
        walker.error(Code::YamlInvalidValue, past.key_span,
                     past.path + ": a schema has at most " + std::to_string(limits::kMaxEventTables) +
                         " event tables; this one has " + std::to_string(tables->fields().size()));
        return;
    }
    for (const Field& entry : tables->fields()) {
        if (walker.stopped()) return;
        if (!check_name(walker, entry.key, entry.key_span, entry.path, "event table")) continue;
        // Fixture customers list their events under the table's name, and a project's `data:` mapping names the
        // customers' file `customers`: neither may be ambiguous.
        if (schema.find(entry.key) || entry.key == "customers") {
            walker.error(Code::YamlInvalidValue, entry.key_span,
                         entry.path + ": an event table cannot be named " + yaml::quote(entry.key) +
                             (entry.key == "customers" ? ", the key of the customers' file in a project's `data:`"
                                                       : ", like a customer column"),
                         "give it a name of its own, such as " + yaml::quote(std::string(entry.key) + "_events"));
            continue;
        }
        if (auto table = read_event_table(walker, entry, schema)) schema.events.push_back(std::move(*table));
    }
}

}  // namespace

std::optional<Schema> load_schema(std::shared_ptr<const Source> source, DiagnosticSink& sink) {
    auto file = yaml::open_mapping(source, sink, kFormat);
    if (!file) return std::nullopt;
    Walker& walker = file->walker;
    const yaml::MappingView* root = &file->root;

    Schema schema;
    schema.source = source;
    if (const Field* table = walker.required(*root, "table")) {
        auto name = walker.string(*table->value, table->path, "a table name");
        if (name && check_name(walker, *name, table->value->span, table->path, "table")) schema.table = *name;
    }
    if (const Field* description = root->find("description")) walker.string(*description->value, description->path);
    std::optional<std::string> key;
    const Field* key_field = walker.required(*root, "key");
    if (key_field) key = walker.non_empty_string(*key_field->value, key_field->path, "a column name");
    std::vector<std::string> declared;
    bool columns_ok = false;
    if (const Field* columns = walker.required(*root, "columns")) {
        columns_ok = read_columns(walker, *columns, schema, declared);
    }
    if (key && columns_ok && !walker.stopped()) check_key(walker, *key_field, *key, schema, declared);
    if (const Field* checks = root->find("checks")) read_checks(walker, *checks, schema);
    // After the key: an event table's key must have the customer key's type.
    if (const Field* events = root->find("events")) {
        if (key) schema.key = *key;
        read_events(walker, *events, schema);
    }

    if (walker.error_count() > 0) return std::nullopt;
    schema.key = *key;
    return schema;
}

}  // namespace segmint::schema
