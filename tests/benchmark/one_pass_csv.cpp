#include "one_pass_csv.h"

#include <charconv>
#include <deque>
#include <vector>

#include "common/calendar.h"

namespace segmint::bench {
namespace {

using schema::ColumnType;

// A field: its text without the quotes ("" undone), and whether it was quoted (an unquoted empty field is NULL).
struct Field {
    std::string_view text;
    bool quoted = false;
};

bool digits(std::string_view text, size_t at, size_t count, int* value) {
    if (at + count > text.size()) return false;
    const auto result = std::from_chars(text.data() + at, text.data() + at + count, *value);
    return result.ec == std::errc() && result.ptr == text.data() + at + count;
}

std::optional<int32_t> date(std::string_view text) {
    int year = 0, month = 0, day = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(text, 0, 4, &year) ||
        !digits(text, 5, 2, &month) || !digits(text, 8, 2, &day)) {
        return std::nullopt;
    }
    const calendar::CivilDate civil{year, static_cast<uint32_t>(month), static_cast<uint32_t>(day)};
    if (!calendar::is_valid(civil)) return std::nullopt;
    return calendar::days_from_civil(civil);
}

std::optional<int64_t> timestamp(std::string_view text) {
    int hour = 0, minute = 0, second = 0;
    if (text.size() < 20 || text[10] != 'T' || text.back() != 'Z' || !digits(text, 11, 2, &hour) ||
        !digits(text, 14, 2, &minute) || !digits(text, 17, 2, &second)) {
        return std::nullopt;
    }
    const auto day = date(text.substr(0, 10));
    if (!day) return std::nullopt;
    int64_t micros = 0;
    if (text.size() > 20) {  // .f to .ffffff
        const std::string_view fraction = text.substr(20, text.size() - 21);
        if (text[19] != '.' || fraction.empty() || fraction.size() > 6) return std::nullopt;
        int value = 0;
        if (!digits(fraction, 0, fraction.size(), &value)) return std::nullopt;
        micros = value;
        for (size_t i = fraction.size(); i < 6; ++i) micros *= 10;
    }
    return ((*day * int64_t{24} + hour) * 60 + minute) * 60 * calendar::kMicrosPerSecond +
           second * calendar::kMicrosPerSecond + micros;
}

bool append(data::Column& column, const schema::Column& definition, const Field& field,
            std::vector<std::string_view>& items) {
    const std::string_view text = field.text;
    if (text.empty() &&
        (!field.quoted || (column.type != ColumnType::String && column.type != ColumnType::StringList))) {
        column.append_null();
        return true;
    }
    switch (column.type) {
        case ColumnType::Int: {
            int64_t value = 0;
            const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
            if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return false;
            column.append_int(value);
            return true;
        }
        case ColumnType::Number: {
            double value = 0;
            const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
            if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return false;
            column.append_number(value);
            return true;
        }
        case ColumnType::Bool:
            if (text != "true" && text != "false") return false;
            column.append_bool(text == "true");
            return true;
        case ColumnType::Date: {
            const auto days = date(text);
            if (!days) return false;
            column.append_date(*days);
            return true;
        }
        case ColumnType::Timestamp: {
            const auto micros = timestamp(text);
            if (!micros) return false;
            column.append_timestamp(*micros);
            return true;
        }
        case ColumnType::String: column.append_string(text); return true;
        case ColumnType::Enum:
            for (size_t i = 0; i < definition.enum_values.size(); ++i) {
                if (definition.enum_values[i] == text) {
                    column.append_enum(static_cast<int32_t>(i));
                    return true;
                }
            }
            return false;
        case ColumnType::StringList:
            items.clear();
            for (size_t at = 0; !text.empty();) {
                const size_t bar = text.find('|', at);
                items.push_back(text.substr(at, bar == std::string_view::npos ? std::string_view::npos : bar - at));
                if (bar == std::string_view::npos) break;
                at = bar + 1;
            }
            column.append_list(items);
            return true;
    }
    return false;
}

}  // namespace

std::optional<data::Table> one_pass_load(std::string_view csv, const schema::Schema& schema, std::string* error) {
    data::Table table(schema);
    std::vector<Field> fields;
    std::deque<std::string> unescaped;  // fields with "" inside quotes, kept for this record (a deque: never moved)
    std::vector<std::string_view> items;
    bool header = true;
    size_t line = 1;
    for (size_t at = 0; at < csv.size();) {
        fields.clear();
        unescaped.clear();
        // One record: fields up to an unquoted line break.
        for (bool more = true; more;) {
            Field field;
            if (at < csv.size() && csv[at] == '"') {
                field.quoted = true;
                const size_t begin = ++at;
                bool doubled = false;
                for (;; ++at) {
                    if (at >= csv.size()) {
                        *error = "line " + std::to_string(line) + ": unterminated quote";
                        return std::nullopt;
                    }
                    if (csv[at] == '"') {
                        if (at + 1 < csv.size() && csv[at + 1] == '"') {
                            doubled = true;
                            ++at;
                            continue;
                        }
                        break;
                    }
                }
                field.text = csv.substr(begin, at - begin);
                ++at;  // the closing quote
                if (doubled) {
                    std::string text;
                    for (size_t i = 0; i < field.text.size(); ++i) {
                        text += field.text[i];
                        if (field.text[i] == '"') ++i;
                    }
                    unescaped.push_back(std::move(text));
                    field.text = unescaped.back();
                }
            } else {
                const size_t begin = at;
                while (at < csv.size() && csv[at] != ',' && csv[at] != '\n' && csv[at] != '\r') ++at;
                field.text = csv.substr(begin, at - begin);
            }
            fields.push_back(field);
            if (at < csv.size() && csv[at] == ',') {
                ++at;
            } else {
                if (at < csv.size() && csv[at] == '\r') ++at;
                if (at < csv.size() && csv[at] == '\n') ++at;
                more = false;
            }
        }
        ++line;
        if (header) {  // the columns in the schema's order, as `segmint generate` writes them
            header = false;
            bool same = fields.size() == schema.columns.size();
            for (size_t c = 0; same && c < fields.size(); ++c) same = fields[c].text == schema.columns[c].name;
            if (!same) {
                *error = "the header is not the schema's columns in order";
                return std::nullopt;
            }
            continue;
        }
        if (fields.size() != table.column_count()) {
            *error = "line " + std::to_string(line - 1) + ": " + std::to_string(fields.size()) + " fields";
            return std::nullopt;
        }
        for (size_t c = 0; c < fields.size(); ++c) {
            if (!append(table.mutable_column(c), schema.columns[c], fields[c], items)) {
                *error = "line " + std::to_string(line - 1) + ", column " + schema.columns[c].name + ": cannot read `" +
                         std::string(fields[c].text) + "`";
                return std::nullopt;
            }
        }
    }
    table.finish_rows();
    return table;
}

}  // namespace segmint::bench
