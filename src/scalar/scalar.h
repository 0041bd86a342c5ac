#pragma once
// The meaning of every scalar operation, in one place: the reference evaluator calls these per row and the VM's
// kernels call them per element, so the two cannot disagree. Each returns false where the result is NULL.
// Documented in docs/language.md: integer overflow, division or remainder by zero, a non-finite number, and a date
// outside 0001-01-01..9999-12-31 all give NULL.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/calendar.h"

namespace segmint::scalar {

// The run's clock: `today` and `now` for every rule (from --as-of).
struct AsOf {
    int32_t today = 0;  // days since epoch
    int64_t now = 0;    // micros since epoch
};

inline constexpr int32_t kMinDate = -719162;  // 0001-01-01
inline constexpr int32_t kMaxDate = 2932896;  // 9999-12-31
inline constexpr int64_t kMinTimestamp = int64_t{kMinDate} * calendar::kMicrosPerDay;
inline constexpr int64_t kMaxTimestamp = (int64_t{kMaxDate} + 1) * calendar::kMicrosPerDay - 1;

inline bool add(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }
inline bool sub(int64_t a, int64_t b, int64_t* out) { return !__builtin_sub_overflow(a, b, out); }
inline bool mul(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }
// Truncating remainder, sign of the dividend (as SQL and C); INT64_MIN % -1 is 0 rather than a trap.
inline bool mod(int64_t a, int64_t b, int64_t* out) {
    if (b == 0) return false;
    *out = b == -1 ? 0 : a % b;
    return true;
}
inline bool negate(int64_t a, int64_t* out) { return !__builtin_sub_overflow(int64_t{0}, a, out); }
inline bool abs(int64_t a, int64_t* out) {
    if (a >= 0) return (*out = a), true;
    return negate(a, out);
}

inline bool finite(double value, double* out) {
    *out = value;
    return std::isfinite(value);
}
inline bool add(double a, double b, double* out) { return finite(a + b, out); }
inline bool sub(double a, double b, double* out) { return finite(a - b, out); }
inline bool mul(double a, double b, double* out) { return finite(a * b, out); }
inline bool div(double a, double b, double* out) { return b != 0.0 && finite(a / b, out); }
inline bool mod(double a, double b, double* out) { return b != 0.0 && finite(std::fmod(a, b), out); }
inline bool negate(double a, double* out) { return finite(-a, out); }
inline bool abs(double a, double* out) { return finite(std::fabs(a), out); }
inline bool to_number(int64_t a, double* out) { return finite(static_cast<double>(a), out); }

// Rounds the number as Segmint prints it (its shortest decimal form, which reads back as the same double) to `digits`
// decimal places, half away from zero, then reads the result back as the nearest double: round(0.15, 1) = 0.2 and
// round(2.5) = 3, as the digits say; `digits` may be negative (round(1250, -2) = 1300) and of any size. NULL when the
// result leaves the range of a double. Exact decimal digits, not `std::round(value * 10^d) / 10^d`, which loses
// precision for large values and large `digits`. In scalar.cpp.
bool round(double value, int64_t digits, double* out);

inline bool valid_date(int64_t days) { return days >= kMinDate && days <= kMaxDate; }
inline bool shift_days(int32_t date, int64_t days, int32_t* out) {
    int64_t result = int64_t{date} + days;
    if (!valid_date(result)) return false;
    *out = static_cast<int32_t>(result);
    return true;
}
inline bool shift_months(int32_t date, int64_t months, int32_t* out) {
    // More than 10,000 years always leaves the calendar; rejecting them first keeps the arithmetic below in range.
    if (months > 12 * 10000 || months < -12 * 10000) return false;
    int32_t result = calendar::add_months(date, months);
    if (!valid_date(result)) return false;
    *out = result;
    return true;
}
inline bool valid_timestamp(int64_t micros) { return micros >= kMinTimestamp && micros <= kMaxTimestamp; }
inline bool shift_micros(int64_t timestamp, int64_t micros, int64_t* out) {
    return add(timestamp, micros, out) && valid_timestamp(*out);
}
inline bool shift_months(int64_t timestamp, int64_t months, int64_t* out) {
    int32_t date = calendar::date_of_timestamp(timestamp);
    int64_t time_of_day = timestamp - int64_t{date} * calendar::kMicrosPerDay;
    int32_t shifted;
    if (!shift_months(date, months, &shifted)) return false;
    *out = int64_t{shifted} * calendar::kMicrosPerDay + time_of_day;
    return true;
}
inline int64_t date_to_timestamp(int32_t date) { return int64_t{date} * calendar::kMicrosPerDay; }
inline int32_t timestamp_to_date(int64_t micros) { return calendar::date_of_timestamp(micros); }

inline int64_t year(int32_t date) { return calendar::civil_from_days(date).year; }
inline int64_t month(int32_t date) { return calendar::civil_from_days(date).month; }
inline int64_t day_of_week(int32_t date) { return calendar::iso_weekday(date); }
inline int64_t days_since(int32_t date, const AsOf& as_of) { return int64_t{as_of.today} - date; }

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
inline bool starts_with(std::string_view text, std::string_view part) { return text.substr(0, part.size()) == part; }
inline bool ends_with(std::string_view text, std::string_view part) {
    return text.size() >= part.size() && text.substr(text.size() - part.size()) == part;
}
// Code points, counting a stray continuation byte as one (input is validated UTF-8, so this does not arise).
inline int64_t length(std::string_view text) {
    int64_t count = 0;
    for (unsigned char c : text) count += (c & 0xC0) != 0x80;
    return count;
}
// ASCII case mapping: bytes of multi-byte UTF-8 sequences are >= 0x80 and stay as they are.
inline void lower(std::string_view text, std::string& out) {
    out.assign(text);
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
inline void upper(std::string_view text, std::string& out) {
    out.assign(text);
    for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

// Three-valued logic as tables (SQLite's and_logic/or_logic): index 0 = FALSE, 1 = TRUE, 2 = NULL.
inline constexpr uint8_t kAndLogic[3][3] = {{0, 0, 0}, {0, 1, 2}, {0, 2, 2}};
inline constexpr uint8_t kOrLogic[3][3] = {{0, 1, 2}, {1, 1, 1}, {2, 1, 2}};
inline constexpr uint8_t kNotLogic[3] = {1, 0, 2};

}  // namespace segmint::scalar
