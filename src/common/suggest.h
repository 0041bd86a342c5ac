#pragma once
// "did you mean" suggestions by edit distance.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace segmint {

// Optimal string alignment distance (Levenshtein plus adjacent transposition), case-insensitive.
size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a distance that scales with the word's length, if any.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean `x`?" or an empty string.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace segmint
