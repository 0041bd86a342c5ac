// text::split_pieces (text_regex.h): finite, anchored languages as fixed sequences of character sets.
#include <cstddef>

#include "prove/text_regex.h"

namespace segmint::prove::text {

namespace {

bool is_anything(const Regex& r) {
    return r.kind == Regex::Kind::Repeat && r.min == 0 && r.max == Regex::kUnbounded &&
           r.parts[0].kind == Regex::Kind::Set && r.parts[0].set.ranges == CharSet::any().ranges;
}

void flatten(const Regex& r, std::vector<const Regex*>& out) {
    if (r.kind == Regex::Kind::Concat) {
        for (const auto& part : r.parts) flatten(part, out);
        return;
    }
    out.push_back(&r);
}

using Sequences = std::vector<std::vector<CharSet>>;

// Every string of the language as a sequence of character sets, or false past `limit` sequences or at an unbounded
// repetition.
bool expand(const Regex& r, size_t limit, Sequences& out) {
    switch (r.kind) {
        case Regex::Kind::Set: out = {{r.set}}; return true;
        case Regex::Kind::Alt: {
            out.clear();
            for (const auto& part : r.parts) {
                Sequences more;
                if (!expand(part, limit, more) || out.size() + more.size() > limit) return false;
                out.insert(out.end(), more.begin(), more.end());
            }
            return true;
        }
        case Regex::Kind::Concat: {
            out = {{}};
            for (const auto& part : r.parts) {
                Sequences tails;
                if (!expand(part, limit, tails) || out.size() * tails.size() > limit) return false;
                Sequences joined;
                for (const auto& head : out) {
                    for (const auto& tail : tails) {
                        joined.push_back(head);
                        joined.back().insert(joined.back().end(), tail.begin(), tail.end());
                    }
                }
                out = std::move(joined);
            }
            return true;
        }
        case Regex::Kind::Repeat: {
            if (r.max == Regex::kUnbounded) return false;
            Sequences one;
            if (!expand(r.parts[0], limit, one)) return false;
            out.clear();
            Sequences power = {{}};  // the part n times
            for (uint32_t n = 0; n <= r.max; ++n) {
                if (n >= r.min) {
                    if (out.size() + power.size() > limit) return false;
                    out.insert(out.end(), power.begin(), power.end());
                }
                if (n == r.max) break;
                if (power.size() * one.size() > limit) return false;
                Sequences next;
                for (const auto& head : power) {
                    for (const auto& tail : one) {
                        next.push_back(head);
                        next.back().insert(next.back().end(), tail.begin(), tail.end());
                    }
                }
                power = std::move(next);
            }
            return true;
        }
    }
    return false;
}

}  // namespace

Pieces split_pieces(const Regex& regex, size_t limit) {
    Pieces out;
    std::vector<const Regex*> alternatives;
    if (regex.kind == Regex::Kind::Alt) {
        for (const auto& part : regex.parts) alternatives.push_back(&part);
    } else {
        alternatives.push_back(&regex);
    }
    constexpr size_t kMaxChars = 512;  // sets over all sequences of one alternative: a bound on the terms
    for (const Regex* alternative : alternatives) {
        std::vector<const Regex*> parts;
        flatten(*alternative, parts);
        const bool at_start = parts.empty() || !is_anything(*parts.front());
        const bool at_end = parts.empty() || !is_anything(*parts.back());
        const size_t begin = at_start ? 0 : 1, end = parts.size() - (at_end || parts.size() <= begin ? 0 : 1);
        std::vector<Regex> middle;
        for (size_t i = begin; i < end; ++i) middle.push_back(*parts[i]);
        Sequences sequences;
        size_t chars = 0;
        bool fits = expand(Regex::concat(std::move(middle)), limit, sequences);
        for (const auto& sequence : sequences) {
            chars += sequence.size();
            // Unanchored: only words, which Z3's `contains` takes.
            for (const auto& set : sequence) {
                const bool one = set.ranges.size() == 1 && set.ranges[0].first == set.ranges[0].second;
                if (!at_start && !at_end && !one) fits = false;
            }
        }
        if (!fits || chars > kMaxChars) {
            out.rest.push_back(*alternative);
            continue;
        }
        for (auto& sequence : sequences) out.pieces.push_back({std::move(sequence), at_start, at_end});
    }
    return out;
}

}  // namespace segmint::prove::text
