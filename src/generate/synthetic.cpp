#include "generate/synthetic.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "generate/synthetic_parts.h"
#include "generate/vocabulary.h"

namespace segmint::generate {

using schema::ColumnType;
using namespace detail;  // the shared pieces (synthetic_parts.h)

namespace {

constexpr std::array<const char*, 40> kLastNames = {
    "smith",     "johnson", "williams", "brown",  "jones",    "garcia",  "miller", "davis",   "rodriguez", "martinez",
    "hernandez", "lopez",   "gonzalez", "wilson", "anderson", "thomas",  "taylor", "moore",   "jackson",   "martin",
    "lee",       "perez",   "thompson", "white",  "harris",   "sanchez", "clark",  "ramirez", "lewis",     "robinson",
    "walker",    "young",   "allen",    "king",   "wright",   "scott",   "torres", "nguyen",  "hill",      "flores",
};

constexpr std::array<const char*, 3> kEmailDomains = {"example.com", "example.org", "example.net"};

constexpr std::array<const char*, 3> kGenders = {"female", "male", "other"};
constexpr std::array<uint32_t, 3> kGenderWeights = {490, 480, 30};

constexpr std::array<const char*, 4> kTiers = {"bronze", "silver", "gold", "platinum"};
constexpr std::array<uint32_t, 4> kTierWeights = {550, 280, 130, 40};

constexpr std::array<const char*, 6> kChannels = {"organic", "paid_search", "social", "referral", "affiliate", "store"};
constexpr std::array<uint32_t, 6> kChannelWeights = {350, 200, 180, 100, 70, 100};

constexpr std::array<const char*, 12> kCategories = {"apparel", "footwear", "outdoor",     "running",
                                                     "cycling", "camping",  "fitness",     "accessories",
                                                     "kids",    "home",     "electronics", "nutrition"};
constexpr std::array<uint32_t, 12> kCategoryWeights = {220, 160, 120, 100, 60, 60, 80, 70, 50, 30, 30, 20};

constexpr std::array<const char*, 15> kTags = {
    "vip",     "newsletter", "loyalty",    "outdoor",        "running", "fraud_review", "wholesale", "early_adopter",
    "student", "employee",   "gift_buyer", "bargain_hunter", "eco",     "b2b",          "influencer"};
constexpr std::array<uint32_t, 15> kTagWeights = {10, 200, 150, 120, 100, 5, 15, 40, 60, 10, 80, 120, 70, 10, 10};
constexpr std::array<uint32_t, 5> kTagCountWeights = {350, 300, 200, 100, 50};  // 0..4 tags

constexpr std::array<std::array<uint32_t, 4>, 4> kEngagementByTier = {{
    {450, 400, 130, 20},
    {200, 400, 300, 100},
    {100, 300, 400, 200},
    {50, 150, 400, 400},
}};
constexpr std::array<uint32_t, 4> kOrderedPerMilleByTier = {850, 950, 990, 1000};
constexpr std::array<int64_t, 4> kOrdersPerYear = {1, 3, 8, 20};
// Average order value range in cents, by tier.
constexpr std::array<int64_t, 4> kAovLowCents = {2500, 4000, 6000, 9000};
constexpr std::array<int64_t, 4> kAovHighCents = {7500, 11000, 16000, 30000};
// Loyalty points per dollar, as a fraction, by tier.
constexpr std::array<int64_t, 4> kPointsNumerator = {1, 5, 3, 2};
constexpr std::array<int64_t, 4> kPointsDenominator = {1, 4, 2, 1};
// Churn score range in thousandths, by engagement.
constexpr std::array<int64_t, 4> kChurnLow = {650, 350, 100, 0};
constexpr std::array<int64_t, 4> kChurnHigh = {999, 800, 500, 250};

// Every table is full (a missing initializer would leave a null name).
static_assert(kLastNames.back() != nullptr);

}  // namespace

// What a customer is and bought, drawn first from the row's stream (synthetic_parts.h).
Purchases detail::purchases_of(Rng& rng, const Calendar& days) {
    Purchases p;
    // Latent traits first; the visible columns follow from them so they stay consistent.
    p.tier = rng.pick(kTierWeights, sum(kTierWeights));
    p.engagement = static_cast<Engagement>(rng.pick(kEngagementByTier[p.tier], 1000));
    p.ordered = rng.per_mille(kOrderedPerMilleByTier[p.tier]);
    const size_t tier = p.tier;
    const Engagement engagement = p.engagement;
    const bool ordered = p.ordered;

    // Signups grow over time: the later of two uniform days.
    const int64_t signup_span = days.last_signup - days.first_signup + 1;
    const auto signup =
        static_cast<int32_t>(days.first_signup + std::max(rng.below(static_cast<uint64_t>(signup_span)),
                                                          rng.below(static_cast<uint64_t>(signup_span))));
    const int32_t last_day = days.as_of - 1;  // data are a snapshot taken at the start of the as-of day
    const int32_t window_start = days.as_of - 90;
    const int64_t tenure_days = days.as_of - signup;

    int64_t orders_90d = 0;
    if (ordered) {
        switch (engagement) {
            case kDormant: orders_90d = rng.per_mille(100) ? 1 : 0; break;
            case kCasual: orders_90d = geometric(rng, 400, 40); break;
            case kRegular: orders_90d = 1 + geometric(rng, 650, 39); break;
            case kHeavy: orders_90d = 3 + geometric(rng, 850, 37); break;
        }
        if (signup > window_start - 1 && orders_90d == 0) orders_90d = 1;  // new customers who ordered did so recently
    }
    int64_t lifetime_orders = orders_90d;
    if (ordered) {
        const int64_t expected_extra = tenure_days * kOrdersPerYear[engagement] * 2 / 365 + 1;
        lifetime_orders += static_cast<int64_t>(rng.below(static_cast<uint64_t>(expected_extra)));
        if (lifetime_orders == 0) lifetime_orders = 1;
    }
    int64_t returns_90d = 0;
    for (int64_t i = 0; i < orders_90d; ++i) returns_90d += rng.per_mille(70) ? 1 : 0;

    int64_t total_cents = 0;
    int64_t aov_cents = 0;
    if (lifetime_orders > 0) {
        const int64_t base = rng.between(kAovLowCents[tier], kAovHighCents[tier]);
        total_cents =
            lifetime_orders * base + static_cast<int64_t>(rng.below(static_cast<uint64_t>(lifetime_orders) * 500));
        aov_cents = (total_cents + lifetime_orders / 2) / lifetime_orders;
    }
    const int64_t loyalty_points =
        total_cents / 100 * kPointsNumerator[tier] / kPointsDenominator[tier] + (ordered ? rng.between(0, 200) : 0);

    int32_t last_order = 0;
    if (lifetime_orders > 0) {
        if (orders_90d > 0) {
            last_order = static_cast<int32_t>(rng.between(std::max(signup, window_start), last_day));
        } else {
            last_order = static_cast<int32_t>(rng.between(signup, window_start - 1));
        }
    }

    p.signup = signup;
    p.orders_90d = orders_90d;
    p.lifetime_orders = lifetime_orders;
    p.returns_90d = returns_90d;
    p.total_cents = total_cents;
    p.aov_cents = aov_cents;
    p.loyalty_points = loyalty_points;
    p.last_order = last_order;
    return p;
}

namespace {

void write_row(Output& out, const Vocabulary& words, const Calendar& days, uint64_t seed, uint64_t row) {
    Rng rng(seed, row);
    const uint64_t customer_id = row + 1;
    const Purchases p = purchases_of(rng, days);
    const size_t tier = p.tier;
    const Engagement engagement = p.engagement;
    const int32_t signup = p.signup, last_order = p.last_order, last_day = days.as_of - 1;
    const int64_t orders_90d = p.orders_90d, lifetime_orders = p.lifetime_orders, returns_90d = p.returns_90d;
    const int64_t total_cents = p.total_cents, aov_cents = p.aov_cents, loyalty_points = p.loyalty_points;

    // customer_id, email, first_name (matching the gender)
    const size_t gender = rng.pick(kGenderWeights, sum(kGenderWeights));
    const auto& names = words.names_by_gender[gender];
    const size_t first = names[rng.below(names.size())];
    out.integer(static_cast<int64_t>(customer_id));
    out.character(',');
    out.text(words.first_name_emails[first]);
    out.character('.');
    out.text(kLastNames[rng.below(kLastNames.size())]);
    out.integer(static_cast<int64_t>(customer_id));
    out.character('@');
    out.text(kEmailDomains[rng.below(kEmailDomains.size())]);
    out.character(',');
    out.text(words.first_names[first]);
    out.character(',');

    // age: about 2% unknown
    if (!rng.per_mille(20)) {
        int64_t age;
        if (rng.per_mille(30)) {
            age = rng.between(16, 17);
        } else {
            age = 18 + rng.between(0, 24) + rng.between(0, 24) + (rng.per_mille(150) ? rng.between(0, 23) : 0);
        }
        out.integer(age);
    }
    out.character(',');
    out.text(kGenders[gender]);
    out.character(',');

    // country, city: a skewed country, then a city of it (lower slots are bigger cities)
    const size_t country = rng.pick(words.country_weights, words.country_total);
    out.text(words.countries[country]);
    out.character(',');
    const uint64_t slot = std::min(rng.below(kCitiesPerCountry), rng.below(kCitiesPerCountry));
    out.text(words.cities[country * kCitiesPerCountry + slot]);
    out.character(',');

    // signup_date, last_order_date, last_login_at
    out.date(signup);
    out.character(',');
    if (lifetime_orders > 0) out.date(last_order);
    out.character(',');
    if (!rng.per_mille(60)) {
        static constexpr std::array<int64_t, 4> kLoginWindowDays = {0, 120, 30, 7};  // 0: any day since signup
        const int32_t earliest =
            engagement == kDormant ? signup
                                   : std::max(signup, static_cast<int32_t>(days.as_of - kLoginWindowDays[engagement]));
        const auto login_day = static_cast<int32_t>(rng.between(std::min(earliest, last_day), last_day));
        out.timestamp(login_day, static_cast<uint32_t>(rng.below(86400)));
    }
    out.character(',');

    // orders_90d, lifetime_orders, total_spend, avg_order_value, returns_90d, loyalty_points
    out.integer(orders_90d);
    out.character(',');
    out.integer(lifetime_orders);
    out.character(',');
    out.fixed(total_cents, 2);
    out.character(',');
    if (lifetime_orders > 0) out.fixed(aov_cents, 2);
    out.character(',');
    out.integer(returns_90d);
    out.character(',');
    out.integer(loyalty_points);
    out.character(',');

    // email_opt_in, sms_opt_in, push_opt_in
    out.boolean(rng.per_mille(600));
    out.character(',');
    out.boolean(rng.per_mille(300));
    out.character(',');
    out.boolean(rng.per_mille(400));
    out.character(',');

    // tier, acquisition_channel, preferred_category
    out.text(kTiers[tier]);
    out.character(',');
    out.text(kChannels[rng.pick(kChannelWeights, sum(kChannelWeights))]);
    out.character(',');
    if (lifetime_orders > 0) out.text(kCategories[rng.pick(kCategoryWeights, sum(kCategoryWeights))]);
    out.character(',');

    // tags: 0..4 distinct tags in list order; vip mostly for the top tiers
    bool chosen[kTags.size()] = {};
    size_t count = rng.pick(kTagCountWeights, sum(kTagCountWeights));
    if ((tier == 3 && rng.per_mille(800)) || (tier == 2 && rng.per_mille(300))) {
        chosen[0] = true;
        count = std::max<size_t>(count, 1) - 1;
    }
    for (int attempt = 0; count > 0 && attempt < 16; ++attempt) {
        const size_t tag = rng.pick(kTagWeights, sum(kTagWeights));
        if (chosen[tag]) continue;
        chosen[tag] = true;
        --count;
    }
    bool any_tag = false;
    for (size_t tag = 0; tag < kTags.size(); ++tag) {
        if (!chosen[tag]) continue;
        if (any_tag) out.character('|');
        out.text(kTags[tag]);
        any_tag = true;
    }
    if (!any_tag) out.text("\"\"");  // the empty list, not NULL
    out.character(',');

    // churn_score in [0, 1), three decimals
    const int64_t churn =
        lifetime_orders == 0 ? rng.between(500, 999) : rng.between(kChurnLow[engagement], kChurnHigh[engagement]);
    out.fixed(churn, 3);
    out.character('\n');
}

}  // namespace

schema::Schema synthetic_schema() {
    struct Definition {
        const char* name;
        ColumnType type;
        std::vector<std::string> values;
    };
    auto values = [](const auto& names) { return std::vector<std::string>(names.begin(), names.end()); };
    const std::vector<Definition> definitions = {
        {"customer_id", ColumnType::Int, {}},
        {"email", ColumnType::String, {}},
        {"first_name", ColumnType::String, {}},
        {"age", ColumnType::Int, {}},
        {"gender", ColumnType::Enum, values(kGenders)},
        {"country", ColumnType::String, {}},
        {"city", ColumnType::String, {}},
        {"signup_date", ColumnType::Date, {}},
        {"last_order_date", ColumnType::Date, {}},
        {"last_login_at", ColumnType::Timestamp, {}},
        {"orders_90d", ColumnType::Int, {}},
        {"lifetime_orders", ColumnType::Int, {}},
        {"total_spend", ColumnType::Number, {}},
        {"avg_order_value", ColumnType::Number, {}},
        {"returns_90d", ColumnType::Int, {}},
        {"loyalty_points", ColumnType::Int, {}},
        {"email_opt_in", ColumnType::Bool, {}},
        {"sms_opt_in", ColumnType::Bool, {}},
        {"push_opt_in", ColumnType::Bool, {}},
        {"tier", ColumnType::Enum, values(kTiers)},
        {"acquisition_channel", ColumnType::Enum, values(kChannels)},
        {"preferred_category", ColumnType::String, {}},
        {"tags", ColumnType::StringList, {}},
        {"churn_score", ColumnType::Number, {}},
    };
    schema::Schema schema;
    schema.table = "customers";
    schema.key = "customer_id";
    for (const auto& definition : definitions) {
        schema::Column column;
        column.name = definition.name;
        column.type = definition.type;
        column.enum_values = definition.values;
        column.index = schema.columns.size();
        schema.columns.push_back(std::move(column));
    }
    return schema;
}

bool write_synthetic_csv(const ByteSink& sink, uint64_t rows, uint64_t seed) {
    const Vocabulary& words = vocabulary();
    const Calendar days;
    Output out(sink);
    const schema::Schema schema = synthetic_schema();
    for (size_t i = 0; i < schema.columns.size(); ++i) {
        if (i > 0) out.character(',');
        out.text(schema.columns[i].name);
    }
    out.character('\n');
    for (uint64_t row = 0; row < rows; ++row) {
        write_row(out, words, days, seed, row);
        if (!out.maybe_flush()) return false;
    }
    return out.flush();
}

bool write_synthetic_csv(std::FILE* file, uint64_t rows, uint64_t seed) {
    return write_synthetic_csv(file_sink(file), rows, seed);
}

bool write_synthetic_csv(std::ostream& stream, uint64_t rows, uint64_t seed) {
    return write_synthetic_csv(
        [&stream](std::string_view bytes) {
            stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            return static_cast<bool>(stream);
        },
        rows, seed);
}

}  // namespace segmint::generate
