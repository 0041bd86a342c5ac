#include "data/keys.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "data/csv_values.h"

namespace segmint::data {

namespace {

std::optional<KeyProblem> duplicate_int_key(const Column& key, uint64_t rows) {
    const Array<int64_t>& values = key.i64;
    bool increasing = true;
    for (uint64_t row = 1; row < rows && increasing; ++row) increasing = values[row - 1] < values[row];
    if (increasing) return std::nullopt;
    std::vector<uint64_t> order(rows);
    std::iota(order.begin(), order.end(), uint64_t{0});
    // Equal keys in row order, so each run of equal keys starts with its first row.
    std::sort(order.begin(), order.end(),
              [&](uint64_t a, uint64_t b) { return values[a] < values[b] || (values[a] == values[b] && a < b); });
    std::optional<KeyProblem> found;
    for (uint64_t i = 0; i < rows;) {
        uint64_t end = i + 1;
        while (end < rows && values[order[end]] == values[order[i]]) ++end;
        // A run of equal keys: its second row is the first to repeat the key.
        if (end - i >= 2 && (!found || order[i + 1] < found->row)) {
            found = KeyProblem{KeyProblem::Kind::Duplicate, order[i + 1], order[i], std::to_string(values[order[i]])};
        }
        i = end;
    }
    return found;
}

std::optional<KeyProblem> duplicate_string_key(const Column& key, uint64_t rows) {
    // Each distinct string has one dictionary code: as many codes as rows means no repeats.
    if (key.dictionary.size() == rows) return std::nullopt;
    std::vector<uint64_t> first_row(key.dictionary.size(), UINT64_MAX);
    for (uint64_t row = 0; row < rows; ++row) {
        uint64_t& first = first_row[static_cast<size_t>(key.code_at(row))];
        if (first != UINT64_MAX) {
            return KeyProblem{KeyProblem::Kind::Duplicate, row, first, std::string(key.string_at(row))};
        }
        first = row;
    }
    return std::nullopt;
}

}  // namespace

std::optional<KeyProblem> find_key_problem(const Table& table) {
    const Column* key = table.find(table.schema().key);
    if (key == nullptr) return std::nullopt;
    const uint64_t rows = table.rows();
    if (key->validity.count() != rows) {
        for (uint64_t row = 0; row < rows; ++row) {
            if (key->is_null(row)) return KeyProblem{KeyProblem::Kind::Missing, row, 0, ""};
        }
    }
    if (key->type == schema::ColumnType::Int) return duplicate_int_key(*key, rows);
    if (key->type == schema::ColumnType::String) return duplicate_string_key(*key, rows);
    return std::nullopt;
}

bool find_customer(const Table& table, std::string_view key, uint64_t* row, std::string* problem) {
    const std::string& name = table.schema().key;
    const Column* column = table.find(name);
    if (column == nullptr) {
        *problem = "the table has no key column `" + name + "`";
        return false;
    }
    if (column->type == schema::ColumnType::Int) {
        int64_t wanted = 0;
        if (!csv::parse_int(key, &wanted)) {
            *problem =
                csv::describe(key) + " is not a customer key: the key column `" + name + "` holds whole numbers (int)";
            return false;
        }
        for (uint64_t r = 0; r < table.rows(); ++r) {
            if (!column->is_null(r) && column->int_at(r) == wanted) {
                *row = r;
                return true;
            }
        }
    } else {
        for (uint64_t r = 0; r < table.rows(); ++r) {
            if (!column->is_null(r) && column->string_at(r) == key) {
                *row = r;
                return true;
            }
        }
    }
    *problem = "no customer has the key " + csv::describe(key) + " (key column `" + name + "`, " +
               std::to_string(table.rows()) + (table.rows() == 1 ? " customer)" : " customers)");
    return false;
}

}  // namespace segmint::data
