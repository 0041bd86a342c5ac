#pragma once
// Where a report writer sends its output: a function that takes the text piece by piece, so outputs too large for one
// string (millions of member keys or overlap pairs) are written as they are made. It returns false when the
// destination failed, and the writer stops.
#include <functional>
#include <string_view>

namespace segmint::report {

using WriteText = std::function<bool(std::string_view)>;

}  // namespace segmint::report
