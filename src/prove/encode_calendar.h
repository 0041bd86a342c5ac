#pragma once
// The calendar as Z3 integer terms, exactly as common/calendar.cpp computes it, and the ISO weekday. Internal to the
// prove stage.
#include <z3++.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace segmint::prove {

struct CivilTerms {
    z3::expr year, month, day;  // month 1..12, day 1..31
};

// The civil date of `days` (since 1970-01-01). A constant gives constants. Otherwise year, month and day are fresh
// variables that `facts` (appended to) tie to `days`: days = the first day of the year + the days of the months before
// + day - 1, with month 1..12 and day within its month. Exactly one date satisfies that for each `days`, so the facts
// never restrict `days`; they are linear with three divisions of the year by constants, which Z3 decides far faster
// than H. Hinnant's civil_from_days (nine nested divisions of the day number).
CivilTerms civil_from_days(const z3::expr& days, std::vector<z3::expr>& facts);
// civil_from_days made once per day term: a rule that reads both year(d) and month(d), and each re-encoding of a
// rule (a P003 question), share one date.
class Calendar {
public:
    CivilTerms civil(const z3::expr& days, std::vector<z3::expr>& facts);

private:
    std::map<unsigned, std::pair<z3::expr, CivilTerms>> made_;  // by term id (Z3 terms are hash-consed); the term
                                                                // is kept so that its id is not reused
};
// calendar::iso_weekday: 1 = Monday … 7 = Sunday.
z3::expr iso_weekday(const z3::expr& days);

}  // namespace segmint::prove
