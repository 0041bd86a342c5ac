#pragma once
// Internal to src/generate: the pieces the customers' file and the event files share, so that a customer's events
// follow from the same draws as its profile columns (synthetic.h).
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/calendar.h"
#include "generate/synthetic.h"

namespace segmint::generate::detail {

// ---- random numbers: xoshiro256** (Blackman & Vigna), seeded with splitmix64 ----

inline uint64_t splitmix64(uint64_t* state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

class Rng {
public:
    // One independent stream per (seed, row), so rows can be generated in any order.
    Rng(uint64_t seed, uint64_t row) {
        uint64_t mix = seed;
        uint64_t state = splitmix64(&mix) ^ (row * 0xD1B54A32D192ED03ull);
        for (auto& word : s_) word = splitmix64(&state);
    }

    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n) (Lemire's multiply-shift; the bias is below 2^-40 for our n).
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
    int64_t between(int64_t low, int64_t high) {
        return low + static_cast<int64_t>(below(static_cast<uint64_t>(high - low + 1)));
    }
    bool per_mille(uint32_t chance) { return below(1000) < chance; }

    // Index into `weights`, each chosen with probability weight / sum.
    template <size_t N>
    size_t pick(const std::array<uint32_t, N>& weights, uint32_t total) {
        uint64_t r = below(total);
        for (size_t i = 0; i < N; ++i) {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return N - 1;
    }

private:
    uint64_t s_[4];
};

class Output {
public:
    static constexpr size_t kFlushBytes = size_t{1} << 20;

    explicit Output(const ByteSink& sink) : sink_(sink) { buffer_.reserve(kFlushBytes + 4096); }

    void text(std::string_view value) { buffer_.append(value); }
    void character(char c) { buffer_.push_back(c); }
    void integer(int64_t value) {
        char digits[24];
        auto result = std::to_chars(digits, digits + sizeof digits, value);
        buffer_.append(digits, static_cast<size_t>(result.ptr - digits));
    }
    // value / 10^decimals with exactly `decimals` digits after the point (value >= 0).
    void fixed(int64_t value, int decimals) {
        int64_t scale = 1;
        for (int i = 0; i < decimals; ++i) scale *= 10;
        integer(value / scale);
        character('.');
        int64_t fraction = value % scale;
        for (int64_t digit = scale / 10; digit > 0; digit /= 10) {
            character(static_cast<char>('0' + fraction / digit));
            fraction %= digit;
        }
    }
    void two_digits(uint32_t value) {
        character(static_cast<char>('0' + value / 10));
        character(static_cast<char>('0' + value % 10));
    }
    void date(int32_t days) {
        const calendar::CivilDate civil = calendar::civil_from_days(days);
        const auto year = static_cast<uint32_t>(civil.year);
        two_digits(year / 100);
        two_digits(year % 100);
        character('-');
        two_digits(civil.month);
        character('-');
        two_digits(civil.day);
    }
    void timestamp(int32_t days, uint32_t second_of_day) {
        date(days);
        character('T');
        two_digits(second_of_day / 3600);
        character(':');
        two_digits(second_of_day / 60 % 60);
        character(':');
        two_digits(second_of_day % 60);
        character('Z');
    }
    void boolean(bool value) { text(value ? "true" : "false"); }

    // Hands full chunks to the sink; false once the sink has failed.
    bool maybe_flush() { return buffer_.size() < kFlushBytes || flush(); }
    bool flush() {
        if (buffer_.empty()) return true;
        const bool ok = sink_(buffer_);
        buffer_.clear();
        return ok;
    }

private:
    const ByteSink& sink_;
    std::string buffer_;
};

struct Calendar {
    int32_t as_of = *calendar::parse_date(kSyntheticAsOf);
    int32_t first_signup = calendar::days_from_civil({2018, 1, 1});
    int32_t last_signup = calendar::days_from_civil({2026, 11, 1});
};

// Engagement (dormant, casual, regular, heavy), drawn from the tier: higher tiers buy more.
enum Engagement { kDormant, kCasual, kRegular, kHeavy };

// Geometric count: keeps adding one while a per-mille chance succeeds, up to `cap`.
inline int64_t geometric(Rng& rng, uint32_t continue_per_mille, int64_t cap) {
    int64_t count = 0;
    while (count < cap && rng.per_mille(continue_per_mille)) ++count;
    return count;
}

// What a customer is and bought, drawn first from the row's stream: the customer's columns and its orders (in the
// orders file) both follow from it, so they agree.
struct Purchases {
    size_t tier = 0;
    Engagement engagement = kDormant;
    bool ordered = false;
    int32_t signup = 0;
    int64_t orders_90d = 0, lifetime_orders = 0, returns_90d = 0, total_cents = 0, aov_cents = 0, loyalty_points = 0;
    int32_t last_order = 0;  // when lifetime_orders > 0
};
Purchases purchases_of(Rng& rng, const Calendar& days);

// A sink that writes to a C stream.
inline ByteSink file_sink(std::FILE* file) {
    return [file](std::string_view bytes) { return std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size(); };
}

}  // namespace segmint::generate::detail
