#pragma once
// The demo retailer's words (countries with their weights, cities, first names), in the CSV form the generator writes
// them, built once (generate/synthetic.h).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace segmint::generate {

inline constexpr size_t kCountryCount = 50;
inline constexpr size_t kCitiesPerCountry = 40;  // 50 × 40 = 2,000 cities

template <size_t N>
constexpr uint32_t sum(const std::array<uint32_t, N>& weights) {
    uint32_t total = 0;
    for (uint32_t w : weights) total += w;
    return total;
}

struct Vocabulary {
    std::array<uint32_t, kCountryCount> country_weights;
    uint32_t country_total;
    std::vector<std::string> countries;
    std::vector<std::string> cities;  // kCitiesPerCountry per country, in country order
    std::vector<std::string> first_names;
    std::vector<std::string> first_name_emails;  // the ASCII form of each first name, for addresses
    std::vector<size_t> names_by_gender[3];      // indexes into first_names for female, male, other (any name)

    Vocabulary();
};

const Vocabulary& vocabulary();

}  // namespace segmint::generate
