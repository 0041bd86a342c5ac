#include "report/overlap_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/calendar.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "report/json_output.h"

namespace segmint::report {

namespace {

// Past this many segments the text matrix is too wide to read; the pair list and json/csv remain.
constexpr size_t kMaxTextMatrix = 40;

std::string fixed(double value, int digits) { return fmt::format("{:.{}f}", value, digits); }

std::string pad_left(const std::string& text, size_t width) {
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string matrix_text(const OverlapResult& result) {
    const size_t n = result.names.size();
    const analysis::OverlapMatrix& matrix = result.matrix;
    size_t name_width = 0;
    size_t cell = 5;
    for (size_t i = 0; i < n; ++i) {
        name_width = std::max(name_width, result.names[i].size());
        cell = std::max(cell, with_thousands(matrix.size(i)).size());
    }
    const size_t label = 5 + name_width;  // "[12] name"
    std::string out = std::string(label, ' ');
    for (size_t j = 0; j < n; ++j) out += "  " + pad_left("[" + std::to_string(j + 1) + "]", cell);
    out += "\n";
    for (size_t i = 0; i < n; ++i) {
        std::string row = pad_right(pad_left("[" + std::to_string(i + 1) + "]", 4) + " " + result.names[i], label);
        for (size_t j = 0; j < n; ++j) row += "  " + pad_left(with_thousands(matrix.at(i, j)), cell);
        out += row + "\n";
    }
    return out + "(customers in both; the diagonal is each segment's size)\n\n";
}

}  // namespace

void write_overlap_text(const OverlapResult& result, size_t top, const WriteText& write) {
    const size_t n = result.names.size();
    const analysis::OverlapMatrix& matrix = result.matrix;
    const auto& name = result.names;
    std::string out = "overlap of " + std::to_string(n) + (n == 1 ? " segment on " : " segments on ") +
                      with_thousands(result.rows) + (result.rows == 1 ? " customer" : " customers") + " as of " +
                      engine::as_of_text(result.as_of) + "\n\n";
    if (n <= kMaxTextMatrix) {
        out += matrix_text(result);
    } else {
        out += "(matrix left out for more than " + std::to_string(kMaxTextMatrix) +
               " segments; use --format csv or json)\n\n";
    }
    if (!write(out)) return;
    struct Pair {
        size_t i, j;
        double jaccard;
    };
    std::vector<Pair> pairs;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) {
            if (matrix.at(i, j) > 0) pairs.push_back({i, j, matrix.jaccard(i, j)});
        }
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.jaccard > b.jaccard; });
    if (pairs.size() > top) pairs.resize(top);
    out = pairs.empty() ? std::string("no two segments overlap\n") : "most overlapping pairs (by Jaccard):\n";
    for (const auto& p : pairs) {
        out += "  " + name[p.i] + " ∩ " + name[p.j] + ": " + with_thousands(matrix.at(p.i, p.j)) + "  jaccard " +
               fixed(p.jaccard, 3) + ", " + fixed(100 * matrix.containment(p.i, p.j), 1) + "% of " + name[p.i] + ", " +
               fixed(100 * matrix.containment(p.j, p.i), 1) + "% of " + name[p.j] + "\n";
    }
    write(out);
}

void write_overlap_csv(const OverlapResult& result, const WriteText& write) {
    const size_t n = result.names.size();
    const analysis::OverlapMatrix& matrix = result.matrix;
    const auto& name = result.names;
    std::string text = "a,b,count_a,count_b,intersection,jaccard,containment_a,containment_b\n";
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) {
            text += csv_field(name[i]) + "," + csv_field(name[j]) + "," + std::to_string(matrix.size(i)) + "," +
                    std::to_string(matrix.size(j)) + "," + std::to_string(matrix.at(i, j)) + "," +
                    fixed(matrix.jaccard(i, j), 6) + "," + fixed(matrix.containment(i, j), 6) + "," +
                    fixed(matrix.containment(j, i), 6) + "\n";
        }
        if (!write(text)) return;
        text.clear();
    }
}

void write_overlap_json(const OverlapResult& result, const DiagnosticSink& sink, const WriteText& write) {
    const size_t n = result.names.size();
    const analysis::OverlapMatrix& matrix = result.matrix;
    const auto& name = result.names;
    nlohmann::ordered_json out = json_document("overlap");
    out["rows"] = result.rows;
    out["as_of"] = calendar::format_date(result.as_of.today);
    out["now"] = calendar::format_timestamp(result.as_of.now);
    out["segments"] = nlohmann::ordered_json::array();
    for (size_t i = 0; i < n; ++i) out["segments"].push_back({{"name", name[i]}, {"count", matrix.size(i)}});
    add_diagnostics(out, sink);
    std::string head = out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    head.erase(head.size() - 2);  // "\n}": the object stays open for "pairs"
    if (!write(head + ",\n  \"pairs\": [")) return;
    std::string text;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) {
            nlohmann::ordered_json pair;
            pair["a"] = name[i];
            pair["b"] = name[j];
            pair["count_a"] = matrix.size(i);
            pair["count_b"] = matrix.size(j);
            pair["intersection"] = matrix.at(i, j);
            pair["jaccard"] = matrix.jaccard(i, j);
            pair["containment_a"] = matrix.containment(i, j);
            pair["containment_b"] = matrix.containment(j, i);
            text += (i == 0 && j == 1 ? "\n    " : ",\n    ") +
                    pair.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
        if (!write(text)) return;
        text.clear();
    }
    write(n > 1 ? "\n  ]\n}\n" : "]\n}\n");
}

}  // namespace segmint::report
