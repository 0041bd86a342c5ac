#include "report/value_json.h"

#include "common/calendar.h"

namespace segmint::report {

nlohmann::ordered_json value_json(const ir::Value& value) {
    if (ir::is_null(value)) return nullptr;
    if (auto* b = std::get_if<bool>(&value)) return *b;
    if (auto* i = std::get_if<int64_t>(&value)) return *i;
    if (auto* x = std::get_if<double>(&value)) return *x;
    if (auto* d = std::get_if<ir::DateValue>(&value)) return calendar::format_date(d->days);
    if (auto* t = std::get_if<ir::TimestampValue>(&value)) return calendar::format_timestamp(t->micros);
    if (auto* l = std::get_if<ir::StringList>(&value)) return *l;
    return std::get<std::string>(value);
}

}  // namespace segmint::report
