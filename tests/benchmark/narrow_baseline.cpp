#include "narrow_baseline.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "common/calendar.h"
#include "data/prefault.h"

namespace segmint::bench {
namespace {

const data::Column& column_named(const data::Table& table, const char* name) {
    const data::Column* column = table.find(name);
    if (!column) throw std::runtime_error(std::string("narrow baseline: no column ") + name);
    return *column;
}

// `count` zeros on huge pages where the array is big enough, as the engine's column arrays are (data/prefault.h):
// on this project's virtual machines, passes over 4 KiB pages ran several times slower.
template <typename T>
std::vector<T> huge_page_array(size_t count) {
    std::vector<T> out;
    out.reserve(count);
    data::advise_huge_pages(out.data(), count * sizeof(T));
    data::prefault_for_writing(out.data(), count * sizeof(T));
    out.resize(count);
    return out;
}

std::vector<uint64_t> validity_words(const data::Column& column) {
    std::vector<uint64_t> words = huge_page_array<uint64_t>(column.validity.word_count());
    std::copy(column.validity.words(), column.validity.words() + words.size(), words.begin());
    return words;
}

// The values, padded with zeros to a whole number of 64-row words.
template <typename Narrow, typename Wide>
std::vector<Narrow> narrowed(const data::Column& column, const data::Array<Wide>& wide) {
    std::vector<Narrow> out = huge_page_array<Narrow>((wide.size() + 63) / 64 * 64);
    for (size_t row = 0; row < wide.size(); ++row) {
        if (wide[row] < std::numeric_limits<Narrow>::lowest() || wide[row] > std::numeric_limits<Narrow>::max()) {
            throw std::runtime_error("narrow baseline: column " + column.name + " does not fit its narrow type");
        }
        out[row] = static_cast<Narrow>(wide[row]);
    }
    return out;
}

// Whether each dictionary value passes `test`, by code.
template <typename Test>
std::vector<uint8_t> per_code(const data::Column& column, Test test) {
    std::vector<uint8_t> out(column.dictionary.size());
    for (size_t code = 0; code < out.size(); ++code) out[code] = test(column.dictionary.values[code]) ? 1 : 0;
    return out;
}

int32_t code_of(const data::Column& column, std::string_view value) {
    const auto code = column.dictionary.find(value);
    if (!code) throw std::runtime_error("narrow baseline: column " + column.name + " lacks " + std::string(value));
    return *code;
}

// Bits of rows [first, first + 64): bit i = row_true(first + i). A fixed trip count over narrow arrays, which GCC
// turns into vector compares; the 64 flags (0 or 1) are then packed into one word, 16 at a time with SSE2's
// movemask where there is one.
template <typename RowTrue>
inline uint64_t block_bits(uint64_t first, RowTrue row_true) {
    alignas(16) uint8_t flags[64];
    for (uint64_t i = 0; i < 64; ++i) flags[i] = static_cast<uint8_t>(row_true(first + i));
#ifdef __SSE2__
    uint64_t word = 0;
    for (int part = 0; part < 4; ++part) {
        const __m128i bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(flags + 16 * part));
        const auto mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_slli_epi16(bytes, 7)));
        word |= uint64_t{mask} << (16 * part);
    }
    return word;
#else
    uint64_t word = 0;
    for (uint64_t i = 0; i < 64; ++i) word |= uint64_t{flags[i]} << i;
    return word;
#endif
}

// Counts the set bits of word(w, first_row) over every word of `rows` rows; the last word's rows past the end are
// cut off (the narrow arrays are padded to whole words, so the loop may read those rows).
template <typename Word>
uint64_t count_words(uint64_t rows, Word word) {
    uint64_t members = 0;
    const uint64_t words = (rows + 63) / 64;
    for (uint64_t w = 0; w < words; ++w) {
        uint64_t bits = word(w, w * 64);
        if (w + 1 == words && rows % 64 != 0) bits &= (uint64_t{1} << (rows % 64)) - 1;
        members += static_cast<uint64_t>(__builtin_popcountll(bits));
    }
    return members;
}

}  // namespace

NarrowBaseline::NarrowBaseline(const data::Table& table) : rows_(table.rows()) {
    // Copies column `name`'s values (the array `wide` of Column) into `narrow`, with its validity.
    const auto take = [&](const char* name, auto& narrow, const auto data::Column::*wide) -> const data::Column& {
        using T = typename std::decay_t<decltype(narrow.values)>::value_type;
        const data::Column& column = column_named(table, name);
        narrow.values = narrowed<T>(column, column.*wide);
        narrow.valid = validity_words(column);
        return column;
    };
    // Int columns as the loader left them (narrowed or not: data::Column::narrow_ints), read back at 8 bytes first.
    const auto take_ints = [&](const char* name, auto& narrow) {
        using T = typename std::decay_t<decltype(narrow.values)>::value_type;
        data::Column column = column_named(table, name);
        column.widen_ints();
        narrow.values = narrowed<T>(column, column.i64);
        narrow.valid = validity_words(column);
    };
    // Dictionary codes as the loader left them (data::Column::narrow_codes), read back at 4 bytes first.
    const auto take_codes = [&](const char* name, auto& narrow) -> const data::Column& {
        using T = typename std::decay_t<decltype(narrow.values)>::value_type;
        const data::Column& held = column_named(table, name);
        data::Column column = held;
        column.widen_codes();
        narrow.values = narrowed<T>(column, column.i32);
        narrow.valid = validity_words(column);
        return held;
    };
    take_ints("orders_90d", orders_90d_);
    take_ints("age", age_);
    take("last_order_date", last_order_date_, &data::Column::i32);
    take("signup_date", signup_date_, &data::Column::i32);
    take("total_spend", total_spend_, &data::Column::f64);
    take("avg_order_value", avg_order_value_, &data::Column::f64);
    const data::Column& tier = take_codes("tier", tier_);
    const data::Column& gender = take_codes("gender", gender_);
    const data::Column& country = take_codes("country", country_);
    const data::Column& city = take_codes("city", city_);
    const data::Column& opt_in = column_named(table, "email_opt_in");
    email_opt_in_ = huge_page_array<uint64_t>((rows_ + 63) / 64);
    for (uint64_t row = 0; row < rows_; ++row) email_opt_in_[row / 64] |= uint64_t{opt_in.bools.get(row)} << (row % 64);
    email_opt_in_valid_ = validity_words(opt_in);

    // The constants of the rules in benchmark.cpp's predicates(), as codes: P3's cities are dictionary entries 0-19.
    city_in_p3_.assign(city.dictionary.size(), 0);
    for (size_t code = 0; code < city_in_p3_.size() && code < 20; ++code) city_in_p3_[code] = 1;
    country_starts_u_ = per_code(country, [](std::string_view value) { return !value.empty() && value[0] == 'U'; });
    country_germany_ = per_code(country, [](std::string_view value) { return value == "Germany"; });
    gold_ = static_cast<uint8_t>(code_of(tier, "gold"));
    platinum_ = static_cast<uint8_t>(code_of(tier, "platinum"));
    bronze_ = static_cast<uint8_t>(code_of(tier, "bronze"));
    other_ = static_cast<uint8_t>(code_of(gender, "other"));
    may_2026_ = *calendar::parse_date("2026-05-01");
    jan_2025_ = *calendar::parse_date("2025-01-01");
}

uint64_t NarrowBaseline::count(size_t index, int32_t today) const {
    switch (index) {
        case 0: return p1(today);
        case 1: return p2();
        case 2: return p3();
        case 3: return p4();
        case 4: return p5();
    }
    throw std::runtime_error("narrow baseline: no predicate " + std::to_string(index + 1));
}

uint64_t NarrowBaseline::byte_size() const {
    uint64_t bytes = 0;
    const auto add = [&](const auto& narrow) {
        bytes += narrow.values.size() * sizeof(narrow.values[0]) + narrow.valid.size() * sizeof(uint64_t);
    };
    add(orders_90d_), add(age_), add(last_order_date_), add(signup_date_), add(total_spend_), add(avg_order_value_);
    add(tier_), add(gender_), add(country_), add(city_);
    return bytes + (email_opt_in_.size() + email_opt_in_valid_.size()) * sizeof(uint64_t);
}

// orders_90d >= 5 and last_order_date >= today - 30 days
uint64_t NarrowBaseline::p1(int32_t today) const {
    const int8_t* orders = orders_90d_.values.data();
    const int32_t* last = last_order_date_.values.data();
    const int32_t since = today - 30;
    return count_words(rows_, [&](uint64_t w, uint64_t first) {
        return orders_90d_.valid[w] & last_order_date_.valid[w] &
               block_bits(first, [&](uint64_t r) { return (orders[r] >= 5) & (last[r] >= since); });
    });
}

// total_spend > 1000 and tier in ("gold", "platinum")
uint64_t NarrowBaseline::p2() const {
    const double* spend = total_spend_.values.data();
    const uint8_t* tier = tier_.values.data();
    const uint8_t gold = gold_, platinum = platinum_;
    return count_words(rows_, [&](uint64_t w, uint64_t first) {
        return total_spend_.valid[w] & tier_.valid[w] & block_bits(first, [&](uint64_t r) {
                   return (spend[r] > 1000) & ((tier[r] == gold) | (tier[r] == platinum));
               });
    });
}

// age between 18 and 29 and city in (20 cities) and email_opt_in
uint64_t NarrowBaseline::p3() const {
    const int8_t* age = age_.values.data();
    const uint16_t* city = city_.values.data();
    const uint8_t* wanted = city_in_p3_.data();
    return count_words(rows_, [&](uint64_t w, uint64_t first) {
        return age_.valid[w] & city_.valid[w] & email_opt_in_valid_[w] & email_opt_in_[w] &
               block_bits(first, [&](uint64_t r) { return (age[r] >= 18) & (age[r] <= 29) & wanted[city[r]]; });
    });
}

// last_order_date < 2026-05-01 or (last_order_date is null and orders_90d = 0)
uint64_t NarrowBaseline::p4() const {
    const int32_t* last = last_order_date_.values.data();
    const int8_t* orders = orders_90d_.values.data();
    const int32_t may = may_2026_;
    return count_words(rows_, [&](uint64_t w, uint64_t first) {
        const uint64_t has_last = last_order_date_.valid[w];
        return (has_last & block_bits(first, [&](uint64_t r) { return last[r] < may; })) |
               (~has_last & orders_90d_.valid[w] & block_bits(first, [&](uint64_t r) { return orders[r] == 0; }));
    });
}

// ((country starts with "U" and age >= 25) or (country = "Germany" and total_spend > 500)) and not tier = "bronze"
// and signup_date < 2025-01-01 and (orders_90d between 1 and 10 or avg_order_value >= 150) and email_opt_in and
// gender != "other"
uint64_t NarrowBaseline::p5() const {
    const uint8_t* country = country_.values.data();
    const int8_t* age = age_.values.data();
    const double* spend = total_spend_.values.data();
    const uint8_t* tier = tier_.values.data();
    const int32_t* signup = signup_date_.values.data();
    const int8_t* orders = orders_90d_.values.data();
    const double* aov = avg_order_value_.values.data();
    const uint8_t* gender = gender_.values.data();
    const uint8_t* starts_u = country_starts_u_.data();
    const uint8_t* germany = country_germany_.data();
    const uint8_t bronze = bronze_, other = other_;
    const int32_t jan = jan_2025_;
    return count_words(rows_, [&](uint64_t w, uint64_t first) {
        const uint64_t has_country = country_.valid[w];
        const uint64_t left = (has_country & age_.valid[w] &
                               block_bits(first, [&](uint64_t r) { return starts_u[country[r]] & (age[r] >= 25); })) |
                              (has_country & total_spend_.valid[w] &
                               block_bits(first, [&](uint64_t r) { return germany[country[r]] & (spend[r] > 500); }));
        const uint64_t orders_ok =
            (orders_90d_.valid[w] &
             block_bits(first, [&](uint64_t r) { return (orders[r] >= 1) & (orders[r] <= 10); })) |
            (avg_order_value_.valid[w] & block_bits(first, [&](uint64_t r) { return aov[r] >= 150; }));
        return left & orders_ok & tier_.valid[w] & signup_date_.valid[w] & gender_.valid[w] & email_opt_in_valid_[w] &
               email_opt_in_[w] & block_bits(first, [&](uint64_t r) {
                   return (tier[r] != bronze) & (signup[r] < jan) & (gender[r] != other);
               });
    });
}

}  // namespace segmint::bench
