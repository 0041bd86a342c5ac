#pragma once
// Regular languages over code points, for the string encoding (encode_text.cpp, docs/prove.md): an RE2 pattern of the
// subset translated exactly, and the languages of `=`, `<`, `starts with`, ... against a constant, all as one small
// tree whose character sets can be mapped (the preimage of `lower`/`upper`) before they become a Z3 regex.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace segmint::prove::text {

inline constexpr uint32_t kMaxCodePoint = 0x10FFFF;

// Sorted, disjoint, non-adjacent closed intervals of code points (surrogates included; they never reach Z3).
struct CharSet {
    std::vector<std::pair<uint32_t, uint32_t>> ranges;

    static CharSet of(uint32_t lo, uint32_t hi);
    static CharSet any() { return of(0, kMaxCodePoint); }
    CharSet& add(uint32_t lo, uint32_t hi);
    CharSet& add(const CharSet& other);
    CharSet complement() const;
    CharSet intersect(const CharSet& other) const;
    bool empty() const { return ranges.empty(); }
};

struct Regex {
    enum class Kind { Set, Concat, Alt, Repeat };
    Kind kind = Kind::Concat;  // an empty Concat is the empty string
    CharSet set;
    std::vector<Regex> parts;
    uint32_t min = 0, max = 0;  // Repeat; max == kUnbounded for none
    static constexpr uint32_t kUnbounded = UINT32_MAX;

    static Regex chars(CharSet set);
    static Regex concat(std::vector<Regex> parts);
    static Regex alt(std::vector<Regex> parts);
    static Regex repeat(Regex part, uint32_t min, uint32_t max);
    static Regex anything() { return repeat(chars(CharSet::any()), 0, kUnbounded); }
    static Regex literal(const std::vector<uint32_t>& code_points);
};

// UTF-8 → code points; nullopt for invalid UTF-8.
std::optional<std::vector<uint32_t>> code_points(const std::string& text);
std::string utf8(const std::vector<uint32_t>& code_points);

// The language of the strings that RE2::PartialMatch(s, pattern) accepts, with RE2's default options (UTF-8, `.` not
// matching \n, negated classes matching it, `^`/`$` at the ends of the text). nullopt when the pattern uses anything
// outside the subset translated exactly (flags, \b, \p{..}, \Q..\E, octal escapes, anchors inside the pattern, ...).
std::optional<Regex> translate_re2(const std::string& pattern);

// Strings ordered before / at most `k` (code-point order, which is UTF-8's byte order).
Regex less_than(const std::vector<uint32_t>& k, bool or_equal);

// A language as a union of pieces, each a fixed-length sequence of character sets anchored at the start of the
// string, its end, both or neither (the shape of `starts with`, `ends with`, `=` under a case map and most anchored
// patterns): Z3 4.8.12 decides "the character at this position is in this set" far faster than a regex membership,
// whose complement it often cannot decide at all (docs/prove.md, "Speed").
struct Piece {
    std::vector<CharSet> chars;
    bool at_start = false, at_end = false;
};
struct Pieces {
    std::vector<Piece> pieces;  // unanchored ones only when every set is one character (a word to contain)
    std::vector<Regex> rest;    // alternatives of another shape
};
// The top-level alternatives of `regex` (a whole-string match) split into pieces and the rest; an alternative whose
// expansion has more than `limit` sequences, or any unbounded repetition inside, stays in the rest.
Pieces split_pieces(const Regex& regex, size_t limit = 64);

enum class CaseMap { None, Lower, Upper };
// The preimage of `regex` under the ASCII case map: the strings s with map(s) in the language.
Regex preimage(const Regex& regex, CaseMap map);

}  // namespace segmint::prove::text
