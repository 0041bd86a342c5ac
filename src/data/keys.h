#pragma once
// The key column is a customer's identity: every row has one, and no two rows share one. Loaders check a finished
// table with find_key_problem() and report the problem at the rows' positions in their input.
#include <cstdint>
#include <optional>
#include <string>

#include "data/table.h"

namespace segmint::data {

struct KeyProblem {
    enum class Kind { Missing, Duplicate } kind = Kind::Missing;
    uint64_t row = 0;        // the row with no key, or the later of two rows with one key
    uint64_t first_row = 0;  // Duplicate: the earlier row with the same key
    std::string key;         // Duplicate: the key as text
};

// The first row (in row order) with no key or with a key an earlier row has, or nullopt. Linear time when the keys
// are increasing (the usual export order) or strings; otherwise sorts a row index (8 bytes a row, freed after).
std::optional<KeyProblem> find_key_problem(const Table& table);

}  // namespace segmint::data
