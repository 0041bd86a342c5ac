#include "generate/vocabulary.h"

#include "common/text_format.h"

namespace segmint::generate {

namespace {

struct Country {
    const char* name;
    uint32_t weight;
};

// 50 countries, skewed like a retailer's customer base; several start with "U".
// clang-format off
constexpr std::array<Country, kCountryCount> kCountries = {{
    {"United States", 300}, {"United Kingdom", 120}, {"Germany", 100}, {"France", 80}, {"Canada", 60},
    {"Australia", 45}, {"Spain", 40}, {"Italy", 40}, {"Netherlands", 35}, {"Brazil", 35}, {"Mexico", 30},
    {"Japan", 28}, {"Sweden", 22}, {"Poland", 20}, {"Ireland", 18}, {"Belgium", 16}, {"Switzerland", 15},
    {"Austria", 14}, {"Denmark", 12}, {"Norway", 12}, {"Portugal", 11}, {"Finland", 10}, {"New Zealand", 10},
    {"India", 10}, {"Argentina", 9}, {"Chile", 8}, {"Colombia", 8}, {"Uruguay", 6}, {"Ukraine", 6},
    {"United Arab Emirates", 6}, {"Czechia", 6}, {"Greece", 5}, {"Romania", 5}, {"Hungary", 5}, {"South Africa", 5},
    {"Singapore", 5}, {"South Korea", 5}, {"Israel", 4}, {"Türkiye", 4}, {"Peru", 4}, {"Philippines", 3},
    {"Thailand", 3}, {"Malaysia", 3}, {"Vietnam", 3}, {"Indonesia", 3}, {"Egypt", 2}, {"Morocco", 2}, {"Kenya", 2},
    {"Côte d'Ivoire", 2}, {"Uganda", 1},
}};
// clang-format on

// Real cities in the first slots of some countries (slot 0 is the most common); the rest are generated.
struct RealCity {
    size_t country;
    const char* names[8];
};
constexpr RealCity kRealCities[] = {
    {0, {"New York", "Los Angeles", "Chicago", "Houston", "Washington, D.C.", "Seattle", "Austin", "Boston"}},
    {1, {"London", "Manchester", "Birmingham", "Edinburgh", "Glasgow", "Bristol", nullptr, nullptr}},
    {2, {"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", nullptr, nullptr, nullptr}},
    {3, {"Paris", "Lyon", "Marseille", "Toulouse", "Nice", nullptr, nullptr, nullptr}},
    {4, {"Toronto", "Montréal", "Vancouver", "St. John's", nullptr, nullptr, nullptr, nullptr}},
    {27, {"Montevideo", "Salto", "Punta del Este", nullptr, nullptr, nullptr, nullptr, nullptr}},
    {28, {"Kyiv", "Lviv", "Odesa", nullptr, nullptr, nullptr, nullptr, nullptr}},
};

// Generated city names: prefix[g % 50] + suffix[g / 50] for the global city index g, so all 2,000 differ.
constexpr std::array<const char*, 50> kCityPrefixes = {
    "Ash",  "Bel",   "Cor",   "Dun",  "El",   "Fair", "Glen",  "Hal",   "Iver",  "Jas",  "Kel",   "Lin", "Mar",
    "Nor",  "Oak",   "Pem",   "Quin", "Ros",  "Sel",  "Tam",   "Ul",    "Val",   "Wes",  "Yar",   "Zen", "Brook",
    "Clay", "Dor",   "Eas",   "Fen",  "Gran", "Hart", "Ing",   "Kings", "Lake",  "Mill", "New",   "Old", "Pine",
    "Red",  "Stone", "Thorn", "Up",   "Vine", "Wood", "Alder", "Birch", "Cedar", "Elm",  "Maple",
};
constexpr std::array<const char*, 40> kCitySuffixes = {
    "ford",  "ton",  "ville",  "burg",    "mouth", "field", "haven", "port",   "stead", "wick",
    "bury",  "dale", "ham",    "ley",     "mont",  "ridge", "shire", "side",   "view",  "wood",
    "brook", "by",   "caster", "chester", "cliff", "combe", "crest", "falls",  "gate",  "hill",
    "hurst", "land", "mere",   "moor",    "ness",  "pool",  "stow",  "thorpe", "vale",  "worth",
};

struct FirstName {
    const char* display;
    const char* email;  // ASCII form for the address
    char gender;        // 'f', 'm', or 'n' (either)
};
// clang-format off
constexpr std::array<FirstName, 64> kFirstNames = {{
    {"Emma", "emma", 'f'}, {"Liam", "liam", 'm'}, {"Olivia", "olivia", 'f'}, {"Noah", "noah", 'm'},
    {"Ava", "ava", 'f'}, {"Elijah", "elijah", 'm'}, {"Sophia", "sophia", 'f'}, {"James", "james", 'm'},
    {"Isabella", "isabella", 'f'}, {"William", "william", 'm'}, {"Mia", "mia", 'f'}, {"Benjamin", "benjamin", 'm'},
    {"Charlotte", "charlotte", 'f'}, {"Lucas", "lucas", 'm'}, {"Amelia", "amelia", 'f'}, {"Henry", "henry", 'm'},
    {"Harper", "harper", 'f'}, {"Alexander", "alexander", 'm'}, {"Evelyn", "evelyn", 'f'}, {"Mateo", "mateo", 'm'},
    {"Abigail", "abigail", 'f'}, {"Daniel", "daniel", 'm'}, {"Emily", "emily", 'f'}, {"Michael", "michael", 'm'},
    {"Ella", "ella", 'f'}, {"Sebastián", "sebastian", 'm'}, {"Chloé", "chloe", 'f'}, {"José", "jose", 'm'},
    {"Zoë", "zoe", 'f'}, {"Björn", "bjorn", 'm'}, {"Łukasz", "lukasz", 'm'}, {"Anaïs", "anais", 'f'},
    {"D'Angelo", "dangelo", 'm'}, {"Siobhán", "siobhan", 'f'}, {"Mohammed", "mohammed", 'm'},
    {"Fatima", "fatima", 'f'}, {"Yuki", "yuki", 'n'}, {"Hiroshi", "hiroshi", 'm'}, {"Priya", "priya", 'f'},
    {"Arjun", "arjun", 'm'}, {"Olga", "olga", 'f'}, {"Dmytro", "dmytro", 'm'}, {"Lucía", "lucia", 'f'},
    {"Martina", "martina", 'f'}, {"Valentina", "valentina", 'f'}, {"Santiago", "santiago", 'm'}, {"Lea", "lea", 'f'},
    {"Finn", "finn", 'm'}, {"Hannah", "hannah", 'f'}, {"Jonas", "jonas", 'm'}, {"Camille", "camille", 'f'},
    {"Louis", "louis", 'm'}, {"Giulia", "giulia", 'f'}, {"Marco", "marco", 'm'}, {"Sara", "sara", 'f'},
    {"Erik", "erik", 'm'}, {"Ingrid", "ingrid", 'f'}, {"Aoife", "aoife", 'f'}, {"Seán", "sean", 'm'},
    {"Kwame", "kwame", 'm'}, {"Amara", "amara", 'f'}, {"Robert \"Bobby\"", "bobby", 'm'}, {"Grace", "grace", 'f'},
    {"Jack", "jack", 'm'},
}};
// clang-format on

// Every table is full (a missing initializer would leave a null name).
static_assert(kCountries.back().name != nullptr && kFirstNames.back().display != nullptr &&
              kCityPrefixes.back() != nullptr && kCitySuffixes.back() != nullptr);
static_assert(kCountries.size() * kCitiesPerCountry == kCityPrefixes.size() * kCitySuffixes.size(),
              "generated city names must cover every city slot exactly once");

template <size_t N>
std::array<uint32_t, N> weights_of_countries(const std::array<Country, N>& countries) {
    std::array<uint32_t, N> weights{};
    for (size_t i = 0; i < N; ++i) weights[i] = countries[i].weight;
    return weights;
}

}  // namespace

Vocabulary::Vocabulary() : country_weights(weights_of_countries(kCountries)), country_total(sum(country_weights)) {
    for (const auto& country : kCountries) countries.push_back(csv_field(country.name));
    for (size_t g = 0; g < kCountries.size() * kCitiesPerCountry; ++g) {
        cities.push_back(std::string(kCityPrefixes[g % kCityPrefixes.size()]) +
                         kCitySuffixes[g / kCityPrefixes.size()]);
    }
    for (const auto& real : kRealCities) {
        for (size_t slot = 0; slot < 8 && real.names[slot] != nullptr; ++slot) {
            cities[real.country * kCitiesPerCountry + slot] = real.names[slot];
        }
    }
    for (auto& city : cities) city = csv_field(city);
    for (size_t i = 0; i < kFirstNames.size(); ++i) {
        first_names.push_back(csv_field(kFirstNames[i].display));
        first_name_emails.push_back(kFirstNames[i].email);
        const char gender = kFirstNames[i].gender;
        if (gender != 'm') names_by_gender[0].push_back(i);
        if (gender != 'f') names_by_gender[1].push_back(i);
        names_by_gender[2].push_back(i);
    }
}

const Vocabulary& vocabulary() {
    static const Vocabulary instance;
    return instance;
}

}  // namespace segmint::generate
