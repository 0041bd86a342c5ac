#include "prove/encode_calendar.h"

#include <limits>

#include "common/calendar.h"

namespace segmint::prove {

namespace {

// Days before each month of a common year.
constexpr int kDaysBefore[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
// Days from 0001-01-01 to 1970-01-01 (proleptic Gregorian).
constexpr int64_t kDaysBeforeEpoch = 719162;

z3::expr fresh(z3::context& ctx, const char* prefix) {
    z3::expr e(ctx, Z3_mk_fresh_const(ctx, prefix, ctx.int_sort()));
    ctx.check_error();
    return e;
}

}  // namespace

CivilTerms civil_from_days(const z3::expr& days, std::vector<z3::expr>& facts) {
    z3::context& ctx = days.ctx();
    int64_t known = 0;
    if (days.simplify().is_numeral_i64(known) && known >= std::numeric_limits<int32_t>::min() &&
        known <= std::numeric_limits<int32_t>::max()) {
        const calendar::CivilDate civil = calendar::civil_from_days(static_cast<int32_t>(known));
        return {ctx.int_val(civil.year), ctx.int_val(civil.month), ctx.int_val(civil.day)};
    }
    const z3::expr year = fresh(ctx, "year"), month = fresh(ctx, "month"), day = fresh(ctx, "day");
    // Z3's integer division by a positive constant is floor division, as the leap-day count needs.
    const z3::expr before = year - 1;  // whole years before `year`
    const z3::expr by4 = before / 4, by100 = before / 100, by400 = before / 400;
    // `year` is a leap year when the year before it is 3 past a multiple of 4 (not 99 past one of 100, unless 399
    // past one of 400).
    const z3::expr leap = (before - 4 * by4 == 3 && before - 100 * by100 != 99) || before - 400 * by400 == 399;
    const z3::expr year_start = 365 * before + by4 - by100 + by400 - ctx.int_val(kDaysBeforeEpoch);
    z3::expr days_before = ctx.int_val(kDaysBefore[11]) + z3::ite(leap, ctx.int_val(1), ctx.int_val(0));
    z3::expr month_days = ctx.int_val(kMonthDays[11]);
    for (int m = 11; m-- > 0;) {
        z3::expr before_m = ctx.int_val(kDaysBefore[m]);
        z3::expr days_m = ctx.int_val(kMonthDays[m]);
        if (m >= 2) before_m = before_m + z3::ite(leap, ctx.int_val(1), ctx.int_val(0));
        if (m == 1) days_m = days_m + z3::ite(leap, ctx.int_val(1), ctx.int_val(0));
        days_before = z3::ite(month == m + 1, before_m, days_before);
        month_days = z3::ite(month == m + 1, days_m, month_days);
    }
    facts.push_back(month >= 1 && month <= 12 && day >= 1 && day <= month_days &&
                    days == year_start + days_before + day - 1);
    return {year, month, day};
}

CivilTerms Calendar::civil(const z3::expr& days, std::vector<z3::expr>& facts) {
    auto found = made_.find(days.id());
    if (found != made_.end()) return found->second.second;
    CivilTerms terms = civil_from_days(days, facts);
    made_.emplace(days.id(), std::make_pair(days, terms));
    return terms;
}

z3::expr iso_weekday(const z3::expr& days) { return z3::mod(days + 3, days.ctx().int_val(7)) + 1; }

}  // namespace segmint::prove
