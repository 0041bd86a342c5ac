#include "simple_csv.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace segmint::testing {

namespace {

using schema::ColumnType;

struct Field {
    std::string text;
    bool quoted = false;
};

// RFC 4180 records: `,` between fields, `"` quoting with `""` for a quote, records ending in LF, CRLF or a lone CR,
// empty lines skipped, a BOM skipped.
std::vector<std::vector<Field>> records_of(const std::string& input) {
    std::string text = input;
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    std::vector<std::vector<Field>> records;
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '\n' || text[i] == '\r') {  // an empty line
            ++i;
            continue;
        }
        std::vector<Field> record;
        for (;;) {
            Field field;
            if (i < text.size() && text[i] == '"') {
                field.quoted = true;
                ++i;
                for (;;) {
                    if (i >= text.size()) throw std::runtime_error("simple csv: unterminated quote");
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field.text += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    field.text += text[i++];
                }
            } else {
                while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field.text += text[i++];
            }
            record.push_back(field);
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < text.size() && text[i] == '\r') {
                ++i;
                if (i < text.size() && text[i] == '\n') ++i;
            } else if (i < text.size() && text[i] == '\n') {
                ++i;
            }
            break;
        }
        records.push_back(record);
    }
    return records;
}

bool is_leap(long year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Days since 1970-01-01 from the Gregorian rules: whole years before, then months before, then the day.
long days_of(long year, long month, long day) {
    static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) throw std::runtime_error("simple csv: date");
    const long month_days = kMonthDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
    if (day > month_days) throw std::runtime_error("simple csv: no such day");
    auto days_before_year = [](long y) { return 365 * (y - 1) + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400; };
    long days = days_before_year(year);
    for (long m = 1; m < month; ++m) days += kMonthDays[m - 1] + (m == 2 && is_leap(year) ? 1 : 0);
    return days + day - 1 - days_before_year(1970);
}

long digits(const std::string& text, size_t at, size_t count) {
    long value = 0;
    for (size_t k = at; k < at + count; ++k) {
        if (k >= text.size() || text[k] < '0' || text[k] > '9') throw std::runtime_error("simple csv: digits");
        value = value * 10 + (text[k] - '0');
    }
    return value;
}

long date_text(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') throw std::runtime_error("simple csv: date shape");
    return days_of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
}

// The forms the generator writes: YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM (or -).
long long timestamp_text(const std::string& text) {
    long long micros = static_cast<long long>(date_text(text.substr(0, 10))) * 86400000000LL;
    if (text.size() < 16 || (text[10] != 'T' && text[10] != ' '))
        throw std::runtime_error("simple csv: timestamp shape");
    micros += (digits(text, 11, 2) * 3600 + digits(text, 14, 2) * 60) * 1000000LL;
    size_t at = 16;
    if (at < text.size() && text[at] == ':') {
        micros += digits(text, at + 1, 2) * 1000000LL;
        at += 3;
        if (at < text.size() && text[at] == '.') {
            micros += digits(text, at + 1, 6);
            at += 7;
        }
    }
    if (at == text.size()) return micros;
    if (text.substr(at) == "Z") return micros;
    if (text[at] == '+' || text[at] == '-') {
        // +HH:MM, +HHMM (PostgreSQL) or +HH (PostgreSQL).
        std::string zone = text.substr(at + 1);
        if (zone.size() == 5 && zone[2] == ':') zone.erase(2, 1);
        if (zone.size() == 2) zone += "00";
        if (zone.size() != 4) throw std::runtime_error("simple csv: timestamp zone");
        const long long offset = (digits(zone, 0, 2) * 3600 + digits(zone, 2, 2) * 60) * 1000000LL;
        return text[at] == '+' ? micros - offset : micros + offset;
    }
    throw std::runtime_error("simple csv: timestamp zone");
}

std::string hex_float(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%a", value);
    return buffer;
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out = "[" + std::to_string(items.size()) + "]";
    for (const auto& item : items) out += '\x1f' + item;
    return out;
}

// A PostgreSQL array literal's items, for the forms the tests write: `{}`, and items separated by commas, each
// either plain (blanks around it dropped) or in double quotes with backslash escapes.
std::vector<std::string> array_items(const std::string& text) {
    std::vector<std::string> items;
    const std::string inside = text.substr(1, text.size() - 2);
    if (inside.find_first_not_of(' ') == std::string::npos) return items;
    size_t at = 0;
    while (at <= inside.size()) {
        while (at < inside.size() && inside[at] == ' ') ++at;
        std::string item;
        if (at < inside.size() && inside[at] == '"') {
            for (++at; inside.at(at) != '"'; ++at) {
                if (inside[at] == '\\') ++at;
                item += inside.at(at);
            }
            ++at;
        } else {
            for (; at < inside.size() && inside[at] != ','; ++at) {
                if (inside[at] == '\\') ++at;
                item += inside.at(at);
            }
            while (!item.empty() && item.back() == ' ') item.pop_back();
        }
        items.push_back(item);
        while (at < inside.size() && inside[at] == ' ') ++at;
        if (at < inside.size() && inside[at] != ',') throw std::runtime_error("simple csv: array");
        ++at;
    }
    return items;
}

Cell cell_of(const Field& field, ColumnType type) {
    const std::string& text = field.text;
    // An empty unquoted field is NULL; `""` is the empty string or list, and NULL for the other types.
    if (text.empty() && (!field.quoted || (type != ColumnType::String && type != ColumnType::StringList))) {
        return std::nullopt;
    }
    switch (type) {
        case ColumnType::Int: {
            long long value = 0;
            const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
            auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
            if (error != std::errc() || end != text.data() + text.size()) throw std::runtime_error("simple csv: int");
            return std::to_string(value);
        }
        case ColumnType::Number: {
            errno = 0;
            char* end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            if (end != text.c_str() + text.size()) throw std::runtime_error("simple csv: number");
            return hex_float(value);
        }
        case ColumnType::Bool: {
            std::string lower;
            for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (lower == "true" || lower == "1" || lower == "t") return std::string("true");
            if (lower == "false" || lower == "0" || lower == "f") return std::string("false");
            throw std::runtime_error("simple csv: bool");
        }
        case ColumnType::Date: return std::to_string(date_text(text));
        case ColumnType::Timestamp: return std::to_string(timestamp_text(text));
        case ColumnType::String:
        case ColumnType::Enum: return text;
        case ColumnType::StringList: {
            std::vector<std::string> items;
            if (text.size() >= 2 && text.front() == '{' && text.back() == '}') return list_text(array_items(text));
            if (!text.empty()) {
                std::string item;
                for (char c : text) {
                    if (c == '|') {
                        items.push_back(item);
                        item.clear();
                    } else {
                        item += c;
                    }
                }
                items.push_back(item);
            }
            return list_text(items);
        }
    }
    throw std::runtime_error("simple csv: type");
}

}  // namespace

CellTable simple_load_csv(const std::string& text, const schema::Schema& schema) {
    const auto records = records_of(text);
    if (records.empty()) throw std::runtime_error("simple csv: no header");
    CellTable cells(schema.columns.size());
    for (size_t c = 0; c < schema.columns.size(); ++c) {
        size_t field = records[0].size();
        for (size_t f = 0; f < records[0].size(); ++f) {
            if (records[0][f].text == schema.columns[c].name) field = f;
        }
        if (field == records[0].size()) throw std::runtime_error("simple csv: no column " + schema.columns[c].name);
        for (size_t r = 1; r < records.size(); ++r) {
            if (records[r].size() != records[0].size()) throw std::runtime_error("simple csv: ragged record");
            cells[c].push_back(cell_of(records[r][field], schema.columns[c].type));
        }
    }
    return cells;
}

CellTable cells_of(const data::Table& table) {
    CellTable cells(table.column_count());
    for (size_t c = 0; c < table.column_count(); ++c) {
        const data::Column& column = table.column(c);
        for (uint64_t row = 0; row < table.rows(); ++row) {
            if (column.is_null(row)) {
                cells[c].push_back(std::nullopt);
                continue;
            }
            switch (column.type) {
                case ColumnType::Int: cells[c].push_back(std::to_string(column.int_at(row))); break;
                case ColumnType::Timestamp: cells[c].push_back(std::to_string(column.i64[row])); break;
                case ColumnType::Number: cells[c].push_back(hex_float(column.f64[row])); break;
                case ColumnType::Bool: cells[c].push_back(std::string(column.bools.get(row) ? "true" : "false")); break;
                case ColumnType::Date: cells[c].push_back(std::to_string(column.i32[row])); break;
                case ColumnType::String:
                case ColumnType::Enum: cells[c].push_back(std::string(column.string_at(row))); break;
                case ColumnType::StringList: {
                    std::vector<std::string> items;
                    for (uint64_t k = column.list_begin(row); k < column.list_end(row); ++k) {
                        items.emplace_back(column.dictionary.value(column.list_codes[k]));
                    }
                    cells[c].push_back(list_text(items));
                    break;
                }
            }
        }
    }
    return cells;
}

}  // namespace segmint::testing
