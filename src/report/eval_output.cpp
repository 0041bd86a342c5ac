#include "report/eval_output.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/calendar.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "report/json_output.h"

namespace segmint::report {

namespace {

std::string percent(uint64_t part, uint64_t whole) {
    return fmt::format("{:.2f}%", whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string json_dump(const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `, "diagnostics": [...], "errors": N, "warnings": N`: the end of a streamed JSON document (docs/ci.md).
std::string diagnostics_members(const DiagnosticSink& sink) {
    nlohmann::ordered_json tail;
    add_diagnostics(tail, sink);
    std::string out;
    for (const auto& [key, value] : tail.items()) out += ", " + nlohmann::json(key).dump() + ": " + json_dump(value);
    return out;
}

}  // namespace

std::vector<SegmentSize> segment_sizes(const semantic::Catalog& catalog, const std::vector<uint64_t>& counts) {
    std::vector<SegmentSize> sizes;
    for (size_t s = 0; s < catalog.segments.size(); ++s) {
        sizes.push_back({catalog.segments[s].name, counts[s], catalog.definition(s).title});
    }
    return sizes;
}

std::string eval_sizes_text(const EvalSizes& sizes) {
    size_t name_width = 7;
    for (const auto& segment : sizes.segments) name_width = std::max(name_width, segment.name.size());
    std::string out = fmt::format("{} customer{} as of {} (loaded in {:.2f} s, evaluated in {:.3f} s)\n\n",
                                  with_thousands(sizes.rows), sizes.rows == 1 ? "" : "s",
                                  engine::as_of_text(sizes.as_of), sizes.load_seconds, sizes.eval_seconds);
    out += fmt::format("{:<{}}  {:>12}  {:>8}  {}\n", "segment", name_width, "customers", "share", "title");
    for (const auto& segment : sizes.segments) {
        out += fmt::format("{:<{}}  {:>12}  {:>8}  {}\n", segment.name, name_width, with_thousands(segment.count),
                           percent(segment.count, sizes.rows), segment.title ? escape_controls(*segment.title) : "");
    }
    return out;
}

std::string eval_sizes_csv(const EvalSizes& sizes) {
    std::string out = "segment,count,share\n";
    for (const auto& segment : sizes.segments) {
        const double share =
            sizes.rows == 0 ? 0.0 : static_cast<double>(segment.count) / static_cast<double>(sizes.rows);
        out += fmt::format("{},{},{:.6f}\n", csv_field(segment.name), segment.count, share);
    }
    return out;
}

nlohmann::ordered_json eval_sizes_json(const EvalSizes& sizes) {
    nlohmann::ordered_json out = json_document("eval");
    out["rows"] = sizes.rows;
    out["as_of"] = calendar::format_date(sizes.as_of.today);
    out["now"] = calendar::format_timestamp(sizes.as_of.now);
    out["segments"] = nlohmann::ordered_json::array();
    for (const auto& segment : sizes.segments) {
        nlohmann::ordered_json item;
        item["name"] = segment.name;
        item["count"] = segment.count;
        item["share"] = sizes.rows == 0 ? 0.0 : static_cast<double>(segment.count) / sizes.rows;
        if (segment.title) item["title"] = *segment.title;
        out["segments"].push_back(std::move(item));
    }
    return out;
}

bool write_members(const data::Table& table, const data::Bitmap& members, const std::string& segment,
                   scalar::AsOf as_of, const std::string& format, const DiagnosticSink& sink, const WriteText& write) {
    const schema::Schema& schema = table.schema();
    const data::Column* key = table.find(schema.key);
    const bool json = format == "json";
    auto key_text = [&](uint64_t row) -> std::string {
        if (key->type == schema::ColumnType::Int) return std::to_string(key->int_at(row));
        if (json) return json_dump(std::string(key->string_at(row)));
        return csv_field(key->string_at(row));
    };
    std::string buffer;
    if (json) {
        buffer = "{\"version\": " + std::to_string(kJsonOutputVersion) +
                 ", \"command\": \"eval\", \"segment\": " + nlohmann::json(segment).dump() + ", \"as_of\": \"" +
                 calendar::format_date(as_of.today) + "\", \"now\": \"" + calendar::format_timestamp(as_of.now) +
                 "\", \"count\": " + std::to_string(members.count()) + ", \"members\": [";
    } else if (format == "csv") {
        buffer = csv_field(schema.key) + "\n";
    }
    bool first = true;
    for (uint64_t row = 0; row < table.rows(); ++row) {
        if (!members.get(row)) continue;
        if (json && !first) buffer += ", ";
        first = false;
        buffer += key_text(row);
        if (!json) buffer += '\n';
        if (buffer.size() > (1u << 20)) {
            if (!write(buffer)) return false;
            buffer.clear();
        }
    }
    if (json) buffer += "]" + diagnostics_members(sink) + "}\n";
    return write(buffer);
}

nlohmann::ordered_json members_written_json(const std::string& segment, scalar::AsOf as_of, uint64_t count,
                                            const std::string& output) {
    nlohmann::ordered_json out = json_document("eval");
    out["segment"] = segment;
    out["as_of"] = calendar::format_date(as_of.today);
    out["now"] = calendar::format_timestamp(as_of.now);
    out["count"] = count;
    out["output"] = output;
    return out;
}

}  // namespace segmint::report
