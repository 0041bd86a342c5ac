#include "sql/sql.h"

#include <fmt/format.h>

namespace segmint::sql {

const char* mode_name(Mode mode) {
    switch (mode) {
        case Mode::Counts: return "counts";
        case Mode::Members: return "members";
        case Mode::Views: return "views";
    }
    return "?";
}

std::optional<Mode> parse_mode(const std::string& text) {
    for (Mode mode : {Mode::Counts, Mode::Members, Mode::Views}) {
        if (text == mode_name(mode)) return mode;
    }
    return std::nullopt;
}

std::string Refusal::message() const {
    return fmt::format("segment `{}` uses {}, which the {} dialect cannot translate exactly (docs/sql.md says why)",
                       segment, construct, dialect);
}

}  // namespace segmint::sql
