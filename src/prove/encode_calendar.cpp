#include "prove/encode_calendar.h"

namespace segmint::prove {

namespace {

// Z3's integer division by a positive constant is floor division, as the algorithm's eras need.
z3::expr floor_div(const z3::expr& x, int64_t by) { return x / x.ctx().int_val(by); }

}  // namespace

CivilTerms civil_from_days(const z3::expr& days) {
    const z3::expr z = days + 719468;
    const z3::expr era = floor_div(z, 146097);
    const z3::expr doe = z - era * 146097;  // day of era, 0..146096
    const z3::expr yoe = floor_div(doe - floor_div(doe, 1460) + floor_div(doe, 36524) - floor_div(doe, 146096), 365);
    const z3::expr doy = doe - (365 * yoe + floor_div(yoe, 4) - floor_div(yoe, 100));  // day of year from March
    const z3::expr mp = floor_div(5 * doy + 2, 153);                                   // month from March, 0..11
    const z3::expr day = doy - floor_div(153 * mp + 2, 5) + 1;
    const z3::expr month = z3::ite(mp < 10, mp + 3, mp - 9);
    const z3::expr year = yoe + era * 400 + z3::ite(month <= 2, days.ctx().int_val(1), days.ctx().int_val(0));
    return {year, month, day};
}

z3::expr iso_weekday(const z3::expr& days) { return z3::mod(days + 3, days.ctx().int_val(7)) + 1; }

}  // namespace segmint::prove
