#include "optimize/stats.h"

#include <algorithm>

namespace segmint::optimize {

TableStats gather_stats(const data::Table& table) {
    TableStats stats;
    stats.rows = table.rows();
    for (size_t c = 0; c < table.column_count(); ++c) {
        const data::Column& column = table.column(c);
        ColumnStats s;
        s.null_count = table.rows() - column.validity.count();
        s.distinct = column.dictionary.size();
        auto range = [&](const auto& values) {
            bool first = true;
            for (uint64_t row = 0; row < table.rows(); ++row) {
                if (!column.validity.get(row)) continue;
                double v = static_cast<double>(values[row]);
                s.min = first ? v : std::min(s.min, v);
                s.max = first ? v : std::max(s.max, v);
                first = false;
            }
            s.has_range = !first;
        };
        switch (column.type) {
            case schema::ColumnType::Int:
            case schema::ColumnType::Timestamp: range(column.i64); break;
            case schema::ColumnType::Number: range(column.f64); break;
            case schema::ColumnType::Date: range(column.i32); break;
            default: break;
        }
        stats.columns.push_back(s);
    }
    return stats;
}

}  // namespace segmint::optimize
