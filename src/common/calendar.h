#pragma once
// Proleptic Gregorian calendar arithmetic in UTC. Dates are days since 1970-01-01; timestamps are microseconds since
// 1970-01-01T00:00:00Z. Years 1..9999 are valid (ISO 8601 basic range; year 0 is rejected).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace segmint::calendar {

struct CivilDate {
    int32_t year;
    uint32_t month;  // 1..12
    uint32_t day;    // 1..31
};

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

bool is_leap_year(int32_t year);
uint32_t days_in_month(int32_t year, uint32_t month);
bool is_valid(const CivilDate& date);

int32_t days_from_civil(const CivilDate& date);
CivilDate civil_from_days(int32_t days);

// Adds months, clamping the day to the end of the target month (2026-03-31 - 1 month = 2026-02-28), as PostgreSQL.
int32_t add_months(int32_t days, int64_t months);
// ISO 8601 weekday: 1 = Monday … 7 = Sunday.
uint32_t iso_weekday(int32_t days);

// Floor division of a timestamp to its UTC date.
int32_t date_of_timestamp(int64_t micros);

// "YYYY-MM-DD"; nullopt for anything else, including dates that do not exist (2023-02-29, month 13, year 0).
std::optional<int32_t> parse_date(std::string_view text);
// "YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM|±HHMM|±HH]" (also a space instead of T, as PostgreSQL writes); UTC when
// no zone is given.
std::optional<int64_t> parse_timestamp(std::string_view text);

std::string format_date(int32_t days);
std::string format_timestamp(int64_t micros);

}  // namespace segmint::calendar
