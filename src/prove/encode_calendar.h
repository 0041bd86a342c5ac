#pragma once
// The calendar as Z3 integer terms, exactly as common/calendar.cpp computes it: civil dates from days since
// 1970-01-01 (H. Hinnant's algorithm, whose divisions are all by constants, so the terms stay linear) and the ISO
// weekday. Internal to the prove stage.
#include <z3++.h>

#include <cstdint>

namespace segmint::prove {

struct CivilTerms {
    z3::expr year, month, day;  // month 1..12, day 1..31
};

CivilTerms civil_from_days(const z3::expr& days);
// calendar::iso_weekday: 1 = Monday … 7 = Sunday.
z3::expr iso_weekday(const z3::expr& days);

}  // namespace segmint::prove
