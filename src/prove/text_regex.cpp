#include "prove/text_regex.h"

#include <algorithm>

namespace segmint::prove::text {

CharSet CharSet::of(uint32_t lo, uint32_t hi) {
    CharSet set;
    if (lo <= hi) set.ranges.emplace_back(lo, hi);
    return set;
}

CharSet& CharSet::add(uint32_t lo, uint32_t hi) {
    if (lo > hi) return *this;
    ranges.emplace_back(lo, hi);
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<uint32_t, uint32_t>> merged;
    for (const auto& r : ranges) {
        if (!merged.empty() && r.first <= merged.back().second + 1) {
            merged.back().second = std::max(merged.back().second, r.second);
        } else {
            merged.push_back(r);
        }
    }
    ranges = std::move(merged);
    return *this;
}

CharSet& CharSet::add(const CharSet& other) {
    for (const auto& r : other.ranges) add(r.first, r.second);
    return *this;
}

CharSet CharSet::complement() const {
    CharSet out;
    uint32_t next = 0;
    for (const auto& r : ranges) {
        if (r.first > next) out.ranges.emplace_back(next, r.first - 1);
        next = r.second + 1;
    }
    if (next <= kMaxCodePoint) out.ranges.emplace_back(next, kMaxCodePoint);
    return out;
}

CharSet CharSet::intersect(const CharSet& other) const {
    CharSet out;
    for (const auto& a : ranges) {
        for (const auto& b : other.ranges) {
            uint32_t lo = std::max(a.first, b.first), hi = std::min(a.second, b.second);
            if (lo <= hi) out.add(lo, hi);
        }
    }
    return out;
}

Regex Regex::chars(CharSet set) {
    Regex r;
    r.kind = Kind::Set;
    r.set = std::move(set);
    return r;
}

Regex Regex::concat(std::vector<Regex> parts) {
    if (parts.size() == 1) return std::move(parts[0]);
    Regex r;
    r.kind = Kind::Concat;
    r.parts = std::move(parts);
    return r;
}

Regex Regex::alt(std::vector<Regex> parts) {
    if (parts.size() == 1) return std::move(parts[0]);
    Regex r;
    r.kind = Kind::Alt;
    r.parts = std::move(parts);
    return r;
}

Regex Regex::repeat(Regex part, uint32_t min, uint32_t max) {
    Regex r;
    r.kind = Kind::Repeat;
    r.parts.push_back(std::move(part));
    r.min = min;
    r.max = max;
    return r;
}

Regex Regex::literal(const std::vector<uint32_t>& code_points) {
    std::vector<Regex> parts;
    for (uint32_t c : code_points) parts.push_back(chars(CharSet::of(c, c)));
    return parts.size() == 1 ? std::move(parts[0]) : concat(std::move(parts));
}

std::optional<std::vector<uint32_t>> code_points(const std::string& text) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > text.size()) return std::nullopt;
        uint32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
        for (size_t k = 1; k < n; ++k) {
            const auto cont = static_cast<unsigned char>(text[i + k]);
            if ((cont & 0xC0) != 0x80) return std::nullopt;
            c = (c << 6) | (cont & 0x3F);
        }
        out.push_back(c);
        i += n;
    }
    return out;
}

std::string utf8(const std::vector<uint32_t>& code_points) {
    std::string out;
    for (uint32_t c : code_points) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

namespace {

CharSet digits() { return CharSet::of('0', '9'); }
CharSet spaces() { return CharSet::of('\t', '\n').add('\f', '\r').add(' ', ' '); }  // RE2's \s: [\t\n\f\r ]
CharSet word() { return CharSet::of('0', '9').add('A', 'Z').add('a', 'z').add('_', '_'); }

// A recursive-descent parser of the RE2 subset; any construct outside it makes the whole translation fail.
class Parser {
public:
    explicit Parser(std::vector<uint32_t> text) : s_(std::move(text)) {}

    std::optional<Regex> top() {
        // Alternatives of the whole pattern, each with its own anchors (`^a|b$`).
        std::vector<Regex> alternatives;
        for (;;) {
            bool start = false, end = false;
            if (accept('^') || accept_escape('A')) start = true;
            auto body = concat();
            if (!body) return std::nullopt;
            if (at('$') || at_escape('z')) {
                i_ += at('$') ? 1 : 2;
                end = true;
            }
            std::vector<Regex> parts;
            if (!start) parts.push_back(Regex::anything());
            parts.push_back(std::move(*body));
            if (!end) parts.push_back(Regex::anything());
            alternatives.push_back(Regex::concat(std::move(parts)));
            if (i_ == s_.size()) break;
            if (!accept('|')) return std::nullopt;  // an anchor inside, or a stray `)`
        }
        return Regex::alt(std::move(alternatives));
    }

private:
    bool at(uint32_t c) const { return i_ < s_.size() && s_[i_] == c; }
    bool at_escape(uint32_t c) const { return at('\\') && i_ + 1 < s_.size() && s_[i_ + 1] == c; }
    bool accept(uint32_t c) {
        if (!at(c)) return false;
        ++i_;
        return true;
    }
    bool accept_escape(uint32_t c) {
        if (!at_escape(c)) return false;
        i_ += 2;
        return true;
    }

    std::optional<Regex> alternation() {
        std::vector<Regex> parts;
        for (;;) {
            auto part = concat();
            if (!part) return std::nullopt;
            parts.push_back(std::move(*part));
            if (!accept('|')) break;
        }
        return Regex::alt(std::move(parts));
    }

    std::optional<Regex> concat() {
        std::vector<Regex> parts;
        while (i_ < s_.size() && !at('|') && !at(')')) {
            if (at('$') || at_escape('z')) {
                // Only an anchor that ends the pattern or one of its top-level alternatives.
                size_t next = i_ + (at('$') ? 1 : 2);
                if (depth_ == 0 && (next == s_.size() || s_[next] == '|')) break;
                return std::nullopt;
            }
            auto part = repeated();
            if (!part) return std::nullopt;
            parts.push_back(std::move(*part));
        }
        return Regex::concat(std::move(parts));
    }

    std::optional<uint32_t> number() {
        if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return std::nullopt;
        uint32_t n = 0;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            n = n * 10 + (s_[i_++] - '0');
            if (n > 1000) return std::nullopt;  // RE2's own limit
        }
        return n;
    }

    std::optional<Regex> repeated() {
        auto atom_ = atom();
        if (!atom_) return std::nullopt;
        Regex out = std::move(*atom_);
        bool quantified = false;
        for (;;) {
            uint32_t min = 0, max = Regex::kUnbounded;
            if (accept('*')) {
            } else if (accept('+')) {
                min = 1;
            } else if (accept('?')) {
                max = 1;
            } else if (accept('{')) {
                auto lo = number();
                if (!lo) return std::nullopt;  // `{` that is not a repetition: RE2 reads it literally; not translated
                min = *lo;
                max = *lo;
                if (accept(',')) {
                    max = Regex::kUnbounded;
                    if (!at('}')) {
                        auto hi = number();
                        if (!hi || *hi < min) return std::nullopt;
                        max = *hi;
                    }
                }
                if (!accept('}')) return std::nullopt;
            } else {
                break;
            }
            if (quantified) return std::nullopt;  // `a**` and the like
            quantified = true;
            accept('?');  // a lazy quantifier accepts the same strings
            out = Regex::repeat(std::move(out), min, max);
        }
        return out;
    }

    std::optional<Regex> atom() {
        if (accept('(')) {
            if (accept('?')) {
                // Only groups that do not change the meaning: (?:...) and named groups.
                if (accept(':')) {
                } else if (accept('P') || at('<')) {
                    if (!accept('<')) return std::nullopt;
                    while (i_ < s_.size() && s_[i_] != '>') {
                        const uint32_t c = s_[i_];
                        if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                            return std::nullopt;
                        ++i_;
                    }
                    if (!accept('>')) return std::nullopt;
                } else {
                    return std::nullopt;  // flags such as (?i)
                }
            }
            ++depth_;
            auto inner = alternation();
            --depth_;
            if (!inner || !accept(')')) return std::nullopt;
            return inner;
        }
        if (accept('.')) return Regex::chars(CharSet::any().intersect(CharSet::of('\n', '\n').complement()));
        if (accept('[')) {
            auto set = bracket();
            if (!set) return std::nullopt;
            return Regex::chars(std::move(*set));
        }
        if (i_ >= s_.size()) return std::nullopt;
        const uint32_t c = s_[i_];
        if (c == '\\') {
            auto set = escape(false);
            if (!set) return std::nullopt;
            return Regex::chars(std::move(*set));
        }
        if (c == '^' || c == '$' || c == '*' || c == '+' || c == '?' || c == '{' || c == '}' || c == ')' || c == '|')
            return std::nullopt;
        ++i_;
        return Regex::chars(CharSet::of(c, c));
    }

    // After a backslash (at i_): the character set it stands for.
    std::optional<CharSet> escape(bool in_class) {
        ++i_;
        if (i_ >= s_.size()) return std::nullopt;
        const uint32_t c = s_[i_++];
        switch (c) {
            case 'd': return digits();
            case 'D': return digits().complement();
            case 's': return spaces();
            case 'S': return spaces().complement();
            case 'w': return word();
            case 'W': return word().complement();
            case 'n': return CharSet::of('\n', '\n');
            case 't': return CharSet::of('\t', '\t');
            case 'r': return CharSet::of('\r', '\r');
            case 'f': return CharSet::of('\f', '\f');
            case 'v': return CharSet::of('\v', '\v');
            case 'a': return CharSet::of(7, 7);
            case 'x': {
                uint32_t value = 0;
                auto hex = [&](uint32_t h) -> int {
                    if (h >= '0' && h <= '9') return static_cast<int>(h - '0');
                    if (h >= 'a' && h <= 'f') return static_cast<int>(h - 'a' + 10);
                    if (h >= 'A' && h <= 'F') return static_cast<int>(h - 'A' + 10);
                    return -1;
                };
                if (accept('{')) {
                    size_t n = 0;
                    while (i_ < s_.size() && hex(s_[i_]) >= 0 && n < 8) value = value * 16 + hex(s_[i_++]), ++n;
                    if (n == 0 || !accept('}')) return std::nullopt;
                } else {
                    for (int k = 0; k < 2; ++k) {
                        if (i_ >= s_.size() || hex(s_[i_]) < 0) return std::nullopt;
                        value = value * 16 + hex(s_[i_++]);
                    }
                }
                if (value > kMaxCodePoint || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
                return CharSet::of(value, value);
            }
            default: break;
        }
        // Any other ASCII punctuation stands for itself; letters and digits are other escapes (\b, \p, \Q, \1, ...).
        if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
            return CharSet::of(c, c);
        (void)in_class;
        return std::nullopt;
    }

    // After `[`: the set of a bracket expression, up to its `]`.
    std::optional<CharSet> bracket() {
        const bool negated = accept('^');
        CharSet set;
        bool first = true;
        for (;;) {
            if (i_ >= s_.size()) return std::nullopt;
            if (at(']') && !first) {
                ++i_;
                break;
            }
            first = false;
            if (at('[') && i_ + 1 < s_.size() && s_[i_ + 1] == ':') {
                auto posix = posix_class();
                if (!posix) return std::nullopt;
                set.add(*posix);
                continue;
            }
            auto lo = class_char();
            if (!lo) return std::nullopt;
            if (!lo->second) {  // \d and friends: no range from them
                set.add(lo->first);
                continue;
            }
            if (at('-') && i_ + 1 < s_.size() && s_[i_ + 1] != ']') {
                ++i_;
                auto hi = class_char();
                if (!hi || !hi->second) return std::nullopt;
                const uint32_t a = lo->first.ranges[0].first, b = hi->first.ranges[0].first;
                if (a > b) return std::nullopt;
                set.add(a, b);
                continue;
            }
            set.add(lo->first);
        }
        return negated ? set.complement() : set;
    }

    // One item of a class: its set, and whether it is a single character (which may start a range).
    std::optional<std::pair<CharSet, bool>> class_char() {
        if (at('\\')) {
            auto set = escape(true);
            if (!set) return std::nullopt;
            const bool single = set->ranges.size() == 1 && set->ranges[0].first == set->ranges[0].second;
            return std::make_pair(std::move(*set), single);
        }
        const uint32_t c = s_[i_++];
        return std::make_pair(CharSet::of(c, c), true);
    }

    std::optional<CharSet> posix_class() {
        i_ += 2;  // "[:"
        const bool negated = accept('^');
        std::string name;
        while (i_ < s_.size() && s_[i_] >= 'a' && s_[i_] <= 'z') name += static_cast<char>(s_[i_++]);
        if (!accept(':') || !accept(']')) return std::nullopt;
        CharSet set;
        if (name == "alnum")
            set = CharSet::of('0', '9').add('A', 'Z').add('a', 'z');
        else if (name == "alpha")
            set = CharSet::of('A', 'Z').add('a', 'z');
        else if (name == "ascii")
            set = CharSet::of(0, 0x7F);
        else if (name == "blank")
            set = CharSet::of('\t', '\t').add(' ', ' ');
        else if (name == "cntrl")
            set = CharSet::of(0, 0x1F).add(0x7F, 0x7F);
        else if (name == "digit")
            set = digits();
        else if (name == "graph")
            set = CharSet::of('!', '~');
        else if (name == "lower")
            set = CharSet::of('a', 'z');
        else if (name == "print")
            set = CharSet::of(' ', '~');
        else if (name == "punct")
            set = CharSet::of('!', '/').add(':', '@').add('[', '`').add('{', '~');
        else if (name == "space")
            set = CharSet::of('\t', '\r').add(' ', ' ');
        else if (name == "upper")
            set = CharSet::of('A', 'Z');
        else if (name == "word")
            set = word();
        else if (name == "xdigit")
            set = CharSet::of('0', '9').add('A', 'F').add('a', 'f');
        else
            return std::nullopt;
        return negated ? set.complement() : set;
    }

    std::vector<uint32_t> s_;
    size_t i_ = 0;
    int depth_ = 0;
};

CharSet map_preimage(const CharSet& set, CaseMap map) {
    if (map == CaseMap::None) return set;
    // lower(c) is in the set for c outside A-Z when c is, and for an upper-case letter when its lower case is.
    const uint32_t from = map == CaseMap::Lower ? 'A' : 'a', to = map == CaseMap::Lower ? 'a' : 'A';
    CharSet out = set.intersect(CharSet::of(from, from + 25).complement());
    for (const auto& [lo, hi] : set.intersect(CharSet::of(to, to + 25)).ranges) out.add(lo - to + from, hi - to + from);
    return out;
}

}  // namespace

std::optional<Regex> translate_re2(const std::string& pattern) {
    auto points = code_points(pattern);
    if (!points) return std::nullopt;
    return Parser(std::move(*points)).top();
}

Regex less_than(const std::vector<uint32_t>& k, bool or_equal) {
    // A proper prefix of k, or k's first i characters, then one below k[i], then anything.
    std::vector<Regex> options;
    for (size_t i = 0; i < k.size(); ++i) {
        std::vector<uint32_t> prefix(k.begin(), k.begin() + static_cast<std::ptrdiff_t>(i));
        std::vector<Regex> below;
        below.push_back(Regex::concat({}));
        if (k[i] > 0) below.push_back(Regex::concat({Regex::chars(CharSet::of(0, k[i] - 1)), Regex::anything()}));
        options.push_back(Regex::concat({Regex::literal(prefix), Regex::alt(std::move(below))}));
    }
    if (or_equal) options.push_back(Regex::literal(k));
    if (options.empty()) return Regex::chars(CharSet{});  // nothing is before the empty string
    return Regex::alt(std::move(options));
}

Regex preimage(const Regex& regex, CaseMap map) {
    if (map == CaseMap::None) return regex;
    Regex out = regex;
    if (out.kind == Regex::Kind::Set) out.set = map_preimage(out.set, map);
    for (auto& part : out.parts) part = preimage(part, map);
    return out;
}

}  // namespace segmint::prove::text
