#include "scalar/scalar.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string>

namespace segmint::scalar {

bool round(double value, int64_t digits, double* out) {
    if (!std::isfinite(value)) return false;
    if (value == 0.0) return finite(value, out);
    // Shortest scientific form: [-]d[.ddd]e[+-]xx, at most 17 significant digits.
    char text[64];
    char* end = std::to_chars(text, text + sizeof text - 1, value, std::chars_format::scientific).ptr;
    *end = '\0';  // for strtoll below
    const std::string_view form(text, static_cast<size_t>(end - text));
    const bool negative = form[0] == '-';
    const size_t e_at = form.find('e');
    std::string mantissa;  // significant digits d0 d1 ... : value = d0.d1d2... x 10^exponent
    for (size_t i = negative ? 1 : 0; i < e_at; ++i) {
        if (form[i] != '.') mantissa += form[i];
    }
    const int64_t exponent = std::strtoll(form.data() + e_at + 1, nullptr, 10);
    // Digit i has weight 10^(exponent - i); the last one kept has weight 10^-digits. Past +-400 every `digits` gives
    // the same result as +-400 (doubles have at most 17 digits between 10^-324 and 10^308), so clamping is exact.
    const int64_t keep = exponent + std::clamp<int64_t>(digits, -400, 400) + 1;
    if (keep >= static_cast<int64_t>(mantissa.size())) return finite(value, out);  // nothing to round away
    std::string kept;
    int64_t kept_exponent = exponent;  // weight of kept[0] is 10^kept_exponent
    if (keep < 0) {
        kept = "0";
    } else {
        kept = mantissa.substr(0, static_cast<size_t>(keep));
        if (mantissa[static_cast<size_t>(keep)] >= '5') {  // half or more of the last kept digit: away from zero
            size_t i = kept.size();
            while (i > 0 && kept[i - 1] == '9') kept[--i] = '0';
            if (i == 0) {
                kept.insert(kept.begin(), '1');
                ++kept_exponent;
            } else {
                ++kept[i - 1];
            }
        }
        if (kept.empty()) kept = "0";
    }
    if (kept.find_first_not_of('0') == std::string::npos) return finite(negative ? -0.0 : 0.0, out);
    const std::string result = std::string(negative ? "-" : "") + kept + "e" +
                               std::to_string(kept_exponent - static_cast<int64_t>(kept.size()) + 1);
    return finite(std::strtod(result.c_str(), nullptr), out);
}

}  // namespace segmint::scalar
