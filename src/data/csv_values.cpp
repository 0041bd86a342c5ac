#include "data/csv_values.h"

namespace segmint::data::csv {

// true/false, 1/0, and PostgreSQL's t/f (any case).
// `[1:2]={...}` (`[0:0][1:2]={{...}}` with more dimensions): PostgreSQL's form for an array whose first index is not 1.
bool explicit_bounds(std::string_view text) {
    if (text.empty() || text.front() != '[') return false;
    const size_t close = text.find("]={");
    return close != std::string_view::npos &&
           text.substr(1, close - 1).find_first_not_of("0123456789:-[]") == std::string_view::npos;
}

// PostgreSQL's array literal, as `\copy ... CSV` writes a text[] column: `{a,b}`, `{}`, `{"a b","say \"hi\""}`.
// Unquoted items lose surrounding blanks; a backslash escapes the next character. Returns the items, or an error
// naming what cannot be read: a NULL item (a list<string> holds strings only), a nested array, a malformed literal.
std::variant<std::vector<std::string>, std::string> read_array_literal(std::string_view text) {
    std::vector<std::string> items;
    if (text.front() != '{')
        return std::string("an array without explicit bounds (`[1:2]=` is not read; export the array itself)");
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    size_t at = 1;  // past '{'
    while (at < text.size() && blank(text[at])) ++at;
    if (at < text.size() && text[at] == '}' && at + 1 == text.size()) return items;
    for (;;) {
        while (at < text.size() && blank(text[at])) ++at;
        if (at >= text.size()) return std::string("an array literal that ends with `}`");
        std::string item;
        if (text[at] == '{') return std::string("a one-dimensional array (nested arrays are not lists)");
        if (text[at] == '"') {
            ++at;
            for (;;) {
                if (at >= text.size()) return std::string("an array item whose quote is closed");
                if (text[at] == '"') break;
                if (text[at] == '\\' && at + 1 < text.size()) ++at;
                item += text[at++];
            }
            ++at;
            while (at < text.size() && blank(text[at])) ++at;
        } else {
            bool escaped = false;  // a quoted or escaped NULL is the string "NULL"
            while (at < text.size() && text[at] != ',' && text[at] != '}') {
                if (text[at] == '"' || text[at] == '{') return std::string("an array literal with well-formed items");
                if (text[at] == '\\' && at + 1 < text.size()) {
                    ++at;
                    escaped = true;
                }
                item += text[at++];
            }
            while (!item.empty() && blank(item.back())) item.pop_back();
            if (item.empty()) return std::string("an array literal without empty items");
            if (!escaped && equals_lower(item, "null")) {
                return std::string(
                    "list items that are not NULL (a list<string> holds strings; filter NULLs out in the "
                    "export, e.g. array_remove(tags, NULL))");
            }
        }
        items.push_back(std::move(item));
        if (at >= text.size()) return std::string("an array literal that ends with `}`");
        if (text[at] == '}') {
            if (at + 1 != text.size()) return std::string("nothing after the array's closing `}`");
            return items;
        }
        if (text[at] != ',') return std::string("`,` or `}` after an array item");
        ++at;
    }
}

// True when `text` looks like YYYY-MM-DD, so a failed parse means a day that does not exist.
bool has_date_shape(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
}

// A value as shown in a message: quoted, control bytes and bytes that are not valid UTF-8 escaped as \xNN, cut
// after 60 bytes.
std::string describe(std::string_view text) {
    constexpr size_t kMaxShown = 60;
    static const char kHex[] = "0123456789abcdef";
    const std::string_view shown = text.substr(0, kMaxShown);
    std::string out = "\"";
    for (size_t i = 0; i < shown.size();) {
        const auto byte = static_cast<unsigned char>(shown[i]);
        size_t length = 1;
        if (byte >= 0xC0) length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
        if (byte >= 0x80 && i + length <= shown.size() && !utf8::first_invalid(shown.substr(i, length))) {
            out.append(shown.substr(i, length));
            i += length;
            continue;
        }
        if (byte < 0x20 || byte == 0x7F || byte >= 0x80) {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        } else {
            if (byte == '"' || byte == '\\') out += '\\';
            out += static_cast<char>(byte);
        }
        ++i;
    }
    out += '"';
    if (text.size() > kMaxShown) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

std::string join_values(const std::vector<std::string>& values) {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ", ";
        out += values[i];
    }
    return out;
}

std::string mebibytes(uint64_t bytes) {
    if (bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace segmint::data::csv
