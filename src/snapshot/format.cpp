#include "snapshot/format.h"

#include <fmt/format.h>

#include <charconv>

#include "common/calendar.h"
#include "common/text_format.h"
#include "snapshot/checksum.h"

namespace segmint::snapshot {
namespace {

std::string column_line(const schema::Column& column) {
    std::string line = fmt::format("column {} {}", quote_literal(column.name), schema::column_type_name(column.type));
    if (column.type == schema::ColumnType::Enum) {
        line += " [";
        for (size_t i = 0; i < column.enum_values.size(); ++i) {
            line += (i > 0 ? ", " : "") + quote_literal(column.enum_values[i]);
        }
        line += "]";
    }
    if (column.not_null) line += " not_null";
    if (column.min_whole) line += fmt::format(" min {}", *column.min_whole);
    if (column.max_whole) line += fmt::format(" max {}", *column.max_whole);
    // Bounds of number columns exactly, as the shortest text that reads back as the same double.
    if (column.min_number) line += fmt::format(" min {}", *column.min_number);
    if (column.max_number) line += fmt::format(" max {}", *column.max_number);
    return line;
}

}  // namespace

bool readable_version(const std::string& version) {
    for (int readable = kOldestReadableVersion; readable <= kFormatVersion; ++readable) {
        if (version == std::to_string(readable)) return true;
    }
    return false;
}

std::string event_key(size_t index) { return fmt::format("segmint.events.{}", index); }

std::vector<std::string> schema_lines(const schema::Schema& schema) {
    std::vector<std::string> lines;
    lines.push_back("table " + quote_literal(schema.table));
    lines.push_back("key " + quote_literal(schema.key));
    for (const auto& column : schema.columns) lines.push_back(column_line(column));
    for (const auto& check : schema.checks) {
        lines.push_back(fmt::format("check {} {}", quote_literal(check.name), quote_literal(check.condition)));
    }
    for (const auto& events : schema.events) {
        lines.push_back(fmt::format("events {} key {} time {}", quote_literal(events.name), quote_literal(events.key),
                                    quote_literal(events.time)));
        for (const auto& column : events.columns) lines.push_back("  " + column_line(column));
    }
    return lines;
}

std::string checksum_text(uint64_t bytes_checksum, const Metadata& metadata) {
    ChunkHasher hasher;
    hasher.add(reinterpret_cast<const unsigned char*>(&bytes_checksum), sizeof bytes_checksum);
    for (const auto& [key, value] : metadata) {
        if (key == kChecksumKey) continue;
        // Each with its length first, so no two different lists of pairs hash the same bytes.
        for (const std::string* text : {&key, &value}) {
            const uint64_t size = text->size();
            hasher.add(reinterpret_cast<const unsigned char*>(&size), sizeof size);
            hasher.add(reinterpret_cast<const unsigned char*>(text->data()), text->size());
        }
    }
    return fmt::format("{:016x}", hasher.finish());
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

std::string range_text(schema::ColumnType type, int64_t value) {
    switch (type) {
        case schema::ColumnType::Date: return calendar::format_date(static_cast<int32_t>(value));
        case schema::ColumnType::Timestamp: return calendar::format_timestamp(value);
        default: return fmt::format("{}", value);
    }
}

std::string range_text(double value) {
    // + 0.0 turns -0 into 0: which of two equal zeros is "least" depends on the order a loop meets them in.
    return fmt::format("{}", value + 0.0);
}

std::optional<int64_t> range_value(schema::ColumnType type, std::string_view text) {
    switch (type) {
        case schema::ColumnType::Date: {
            const auto days = calendar::parse_date(text);
            return days ? std::optional<int64_t>(*days) : std::nullopt;
        }
        case schema::ColumnType::Timestamp: return calendar::parse_timestamp(text);
        default: {
            int64_t value = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
            return value;
        }
    }
}

std::optional<double> range_number(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace segmint::snapshot
