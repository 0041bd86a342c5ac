#include "common/calendar.h"

#include <fmt/format.h>

#include <cstdio>

namespace segmint::calendar {

bool is_leap_year(int32_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

uint32_t days_in_month(int32_t year, uint32_t month) {
    static constexpr uint32_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return kDays[month - 1];
}

bool is_valid(const CivilDate& date) {
    return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 && date.day >= 1 &&
           date.day <= days_in_month(date.year, date.month);
}

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
int32_t days_from_civil(const CivilDate& date) {
    int32_t y = date.year - (date.month <= 2 ? 1 : 0);
    const int32_t era = (y >= 0 ? y : y - 399) / 400;
    const uint32_t yoe = static_cast<uint32_t>(y - era * 400);
    const uint32_t mp = date.month > 2 ? date.month - 3 : date.month + 9;
    const uint32_t doy = (153 * mp + 2) / 5 + date.day - 1;
    const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

CivilDate civil_from_days(int32_t days) {
    const int32_t z = days + 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const uint32_t doe = static_cast<uint32_t>(z - era * 146097);
    const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int32_t y = static_cast<int32_t>(yoe) + era * 400;
    const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const uint32_t mp = (5 * doy + 2) / 153;
    const uint32_t d = doy - (153 * mp + 2) / 5 + 1;
    const uint32_t m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2 ? 1 : 0), m, d};
}

int32_t add_months(int32_t days, int64_t months) {
    CivilDate date = civil_from_days(days);
    int64_t index = static_cast<int64_t>(date.year) * 12 + (date.month - 1) + months;
    int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
    uint32_t month = static_cast<uint32_t>(index - year * 12) + 1;
    CivilDate result{static_cast<int32_t>(year), month, 0};
    uint32_t last = days_in_month(result.year, month);
    result.day = date.day < last ? date.day : last;
    return days_from_civil(result);
}

uint32_t iso_weekday(int32_t days) {
    // 1970-01-01 was a Thursday (4).
    int32_t weekday = (days % 7 + 7 + 3) % 7;  // 0 = Monday
    return static_cast<uint32_t>(weekday) + 1;
}

int32_t date_of_timestamp(int64_t micros) {
    int64_t days = micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
    return static_cast<int32_t>(days);
}

namespace {
bool read_digits(std::string_view text, size_t pos, size_t count, uint32_t* out) {
    if (pos + count > text.size()) return false;
    uint32_t value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + static_cast<uint32_t>(text[i] - '0');
    }
    *out = value;
    return true;
}
}  // namespace

std::optional<int32_t> parse_date(std::string_view text) {
    uint32_t year, month, day;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!read_digits(text, 0, 4, &year) || !read_digits(text, 5, 2, &month) || !read_digits(text, 8, 2, &day)) {
        return std::nullopt;
    }
    CivilDate date{static_cast<int32_t>(year), month, day};
    if (!is_valid(date)) return std::nullopt;
    return days_from_civil(date);
}

std::optional<int64_t> parse_timestamp(std::string_view text) {
    if (text.size() < 16) return std::nullopt;
    auto date = parse_date(text.substr(0, 10));
    if (!date || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return std::nullopt;
    uint32_t hour, minute, second = 0;
    if (!read_digits(text, 11, 2, &hour) || text[13] != ':' || !read_digits(text, 14, 2, &minute)) return std::nullopt;
    size_t pos = 16;
    int64_t fraction_micros = 0;
    if (pos < text.size() && text[pos] == ':') {
        if (!read_digits(text, pos + 1, 2, &second)) return std::nullopt;
        pos += 3;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            size_t digits = 0;
            int64_t scale = 100000;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (digits < 6) fraction_micros += (text[pos] - '0') * scale;
                scale /= 10;
                ++digits;
                ++pos;
            }
            if (digits == 0) return std::nullopt;
        }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    int64_t offset_seconds = 0;
    if (pos < text.size()) {
        char zone = text[pos];
        if ((zone == 'Z' || zone == 'z') && pos + 1 == text.size()) {
            pos += 1;
        } else if (zone == '+' || zone == '-') {
            // ISO 8601's +HH:MM, and the +HH and +HHMM that PostgreSQL writes (`2026-09-13 01:48:14+00`).
            const size_t rest = text.size() - pos - 1;
            uint32_t zone_hours = 0, zone_minutes = 0;
            bool ok = read_digits(text, pos + 1, 2, &zone_hours);
            if (rest == 5)
                ok = ok && text[pos + 3] == ':' && read_digits(text, pos + 4, 2, &zone_minutes);
            else if (rest == 4)
                ok = ok && read_digits(text, pos + 3, 2, &zone_minutes);
            else
                ok = ok && rest == 2;
            if (!ok || zone_hours > 23 || zone_minutes > 59) return std::nullopt;
            // Signed arithmetic: the parts are unsigned, and `* -1` on them would wrap.
            offset_seconds = (int64_t{zone_hours} * 3600 + int64_t{zone_minutes} * 60) * (zone == '+' ? 1 : -1);
            pos = text.size();
        } else {
            return std::nullopt;
        }
    }
    if (pos != text.size()) return std::nullopt;
    int64_t seconds = static_cast<int64_t>(*date) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
    // An offset can move the instant out of years 1..9999 (`0001-01-01T00:30:00+01:00`): not a valid timestamp.
    // (Computed once: this runs for every timestamp a CSV file holds.)
    static const int64_t first = int64_t{days_from_civil({1, 1, 1})} * 86400;
    static const int64_t last = (int64_t{days_from_civil({9999, 12, 31})} + 1) * 86400 - 1;
    if (seconds < first || seconds > last) return std::nullopt;
    return seconds * kMicrosPerSecond + fraction_micros;
}

std::string format_date(int32_t days) {
    CivilDate date = civil_from_days(days);
    return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::string format_timestamp(int64_t micros) {
    int32_t days = date_of_timestamp(micros);
    int64_t in_day = micros - static_cast<int64_t>(days) * kMicrosPerDay;
    int64_t seconds = in_day / kMicrosPerSecond;
    int64_t fraction = in_day % kMicrosPerSecond;
    const std::string time =
        fmt::format("{}T{:02}:{:02}:{:02}", format_date(days), seconds / 3600, seconds / 60 % 60, seconds % 60);
    return fraction == 0 ? time + "Z" : fmt::format("{}.{:06}Z", time, fraction);
}

}  // namespace segmint::calendar
