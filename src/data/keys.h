#pragma once
// The key column is a customer's identity: every row has one, and no two rows share one. Loaders check a finished
// table with find_key_problem() and report the problem at the rows' positions in their input.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// The row of the customer whose key reads `key` (as a CSV field of the key column's type would: an int key takes
// `1042` or `+1042`, a string key any text). Returns false and says why in `*problem` when `key` is not a value of the
// key column's type or no row has it. A linear scan: for one lookup (`segmint explain --customer`).
bool find_customer(const Table& table, std::string_view key, uint64_t* row, std::string* problem);

}  // namespace segmint::data
