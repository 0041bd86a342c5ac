#include "optimize/stats.h"

#include "common/parallel.h"
#include "data/value_range.h"

namespace segmint::optimize {

namespace {

// The least and greatest present value as doubles, or false when there is none.
template <typename T>
bool value_range(const data::Column& column, const data::Array<T>& values, uint64_t rows, double* min, double* max) {
    T low{}, high{};
    const bool any = data::present_range(column.validity, values.data(), rows, &low, &high);
    // The conversion to double keeps order, so the extremes convert to the extremes of the converted values.
    *min = static_cast<double>(low);
    *max = static_cast<double>(high);
    return any;
}

// An Int column's range, narrowed or not (data::Column::int_range), as doubles (which round like any other int's).
bool int_range(const data::Column& column, double* min, double* max) {
    int64_t low = 0, high = 0;
    const bool any = column.int_range(&low, &high);
    *min = static_cast<double>(low);
    *max = static_cast<double>(high);
    return any;
}

ColumnStats column_stats(const data::Column& column, uint64_t rows, const data::ValueRange* known) {
    ColumnStats s;
    s.null_count = rows - column.validity.count();
    s.distinct = column.dictionary.size();
    if (known) {
        s.has_range = known->any;
        s.min = known->low;
        s.max = known->high;
    } else {
        switch (column.type) {
            case schema::ColumnType::Int: s.has_range = int_range(column, &s.min, &s.max); break;
            case schema::ColumnType::Timestamp:
                s.has_range = value_range(column, column.i64, rows, &s.min, &s.max);
                break;
            case schema::ColumnType::Number: s.has_range = value_range(column, column.f64, rows, &s.min, &s.max); break;
            case schema::ColumnType::Date: s.has_range = value_range(column, column.i32, rows, &s.min, &s.max); break;
            default: break;
        }
    }
    if (!s.has_range) s.min = s.max = 0;
    return s;
}

}  // namespace

TableStats gather_stats(const data::Table& table, unsigned threads) {
    TableStats stats;
    stats.rows = table.rows();
    stats.columns.resize(table.column_count());
    parallel_for(table.column_count(), threads_or_cores(threads), [&](uint64_t c, unsigned) {
        const auto i = static_cast<size_t>(c);
        stats.columns[c] = column_stats(table.column(i), table.rows(), table.known_range(i));
    });
    return stats;
}

}  // namespace segmint::optimize
