#include "analysis/constraints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analysis/bitmap_ops.h"
#include "common/suggest.h"
#include "common/text_format.h"
#include "project/fixture.h"
#include "yaml/walker.h"

namespace segmint::analysis {

namespace {

using project::Constraint;
using project::ConstraintKind;

class Checker {
public:
    Checker(const std::unordered_map<std::string, size_t>& index, const std::vector<data::Bitmap>& memberships,
            const data::Table& table)
        : index_(index), memberships_(memberships), table_(table) {}

    ConstraintResult check(const Constraint& constraint) {
        ConstraintResult result;
        result.constraint = &constraint;
        switch (constraint.kind) {
            case ConstraintKind::Disjoint: disjoint(constraint, result); break;
            case ConstraintKind::Subset: subset(constraint, result); break;
            case ConstraintKind::MaxOverlap: max_overlap(constraint, result); break;
            case ConstraintKind::Size: size(constraint, result); break;
            case ConstraintKind::Partition: partition(constraint, result); break;
        }
        return result;
    }

private:
    const data::Bitmap& set(const project::SegmentRef& ref) const { return memberships_[index_.at(ref.name)]; }
    uint64_t rows() const { return table_.rows(); }

    template <typename WordAt>
    void sample(ConstraintResult& result, WordAt word) const {
        const uint64_t words = data::words_for_bits(rows());
        for (uint64_t row : first_rows(words, word, kMaxSamples))
            result.samples.push_back(project::key_text(table_, row));
    }

    void disjoint(const Constraint& c, ConstraintResult& result) {
        uint64_t overlapping = 0;
        std::string pairs;
        const data::Bitmap* first_a = nullptr;
        const data::Bitmap* first_b = nullptr;
        for (size_t i = 0; i < c.segments.size(); ++i) {
            for (size_t j = i + 1; j < c.segments.size(); ++j) {
                const uint64_t both = intersection_count(set(c.segments[i]), set(c.segments[j]));
                if (both == 0) continue;
                const std::string pair = c.segments[i].name + " ∩ " + c.segments[j].name;
                result.figures.push_back({pair, static_cast<double>(both), true});
                pairs += (overlapping == 0 ? "" : ", ") + pair + " = " + with_thousands(both);
                if (overlapping++ == 0) first_a = &set(c.segments[i]), first_b = &set(c.segments[j]);
            }
        }
        result.figures.insert(result.figures.begin(), {"overlapping_pairs", static_cast<double>(overlapping), true});
        result.passed = overlapping == 0;
        if (result.passed) {
            result.message = "no customer is in two of " + names(c);
            return;
        }
        result.message =
            std::to_string(overlapping) + (overlapping == 1 ? " pair overlaps: " : " pairs overlap: ") + pairs;
        sample(result, [&](uint64_t w) { return first_a->words()[w] & first_b->words()[w]; });
    }

    void subset(const Constraint& c, ConstraintResult& result) {
        const data::Bitmap& a = set(c.segments[0]);
        const data::Bitmap& b = set(c.segments[1]);
        const uint64_t size_a = a.count();
        const uint64_t outside = size_a - intersection_count(a, b);
        result.figures = {{"segment", static_cast<double>(size_a), true},
                          {"of", static_cast<double>(b.count()), true},
                          {"outside", static_cast<double>(outside), true}};
        result.passed = outside == 0;
        if (result.passed) {
            result.message = "every customer of " + c.segments[0].name + " (" + with_thousands(size_a) + ") is in " +
                             c.segments[1].name + " (" + with_thousands(b.count()) + ")";
            return;
        }
        result.message = with_thousands(outside) + " of the " + with_thousands(size_a) + " customers of " +
                         c.segments[0].name + " are not in " + c.segments[1].name + " (" + with_thousands(b.count()) +
                         ")";
        sample(result, [&](uint64_t w) { return a.words()[w] & ~b.words()[w]; });
    }

    void max_overlap(const Constraint& c, ConstraintResult& result) {
        const data::Bitmap& a = set(c.segments[0]);
        const data::Bitmap& b = set(c.segments[1]);
        const uint64_t size_a = a.count(), size_b = b.count(), both = intersection_count(a, b);
        const uint64_t either = size_a + size_b - both;
        const double jaccard = either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
        const double in_a = size_a == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(size_a);
        const double in_b = size_b == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(size_b);
        const double containment = std::max(in_a, in_b);
        result.figures = {{"count_a", static_cast<double>(size_a), true},
                          {"count_b", static_cast<double>(size_b), true},
                          {"intersection", static_cast<double>(both), true},
                          {"union", static_cast<double>(either), true},
                          {"jaccard", jaccard, false},
                          {"containment_a", in_a, false},
                          {"containment_b", in_b, false}};
        std::string problems;
        std::string limits;
        if (c.jaccard) {
            result.figures.push_back({"jaccard_max", *c.jaccard, false});
            limits += "jaccard " + format_ratio(jaccard) + " (max " + format_ratio(*c.jaccard) + ")";
            if (jaccard > *c.jaccard) problems += "jaccard " + format_ratio(jaccard) + " > " + format_ratio(*c.jaccard);
        }
        if (c.containment) {
            result.figures.push_back({"containment_max", *c.containment, false});
            limits += std::string(limits.empty() ? "" : ", ") + "containment " + format_ratio(containment) + " (max " +
                      format_ratio(*c.containment) + ")";
            if (containment > *c.containment) {
                problems += std::string(problems.empty() ? "" : ", ") + "containment " + format_ratio(containment) +
                            " > " + format_ratio(*c.containment);
            }
        }
        const std::string figures = c.segments[0].name + " (" + with_thousands(size_a) + ") ∩ " + c.segments[1].name +
                                    " (" + with_thousands(size_b) + ") = " + with_thousands(both);
        result.passed = problems.empty();
        if (result.passed) {
            result.message = figures + "; " + limits;
            return;
        }
        result.message = figures + "; " + problems;
        sample(result, [&](uint64_t w) { return a.words()[w] & b.words()[w]; });
    }

    // A bound as a count of customers: a percentage of all rows, or the count itself.
    double bound_count(const project::SizeBound& bound) const {
        return bound.percent ? bound.value / 100.0 * static_cast<double>(rows()) : bound.value;
    }

    void size(const Constraint& c, ConstraintResult& result) {
        const uint64_t count = set(c.segments[0]).count();
        const double share = rows() == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(rows());
        result.figures = {{"count", static_cast<double>(count), true},
                          {"rows", static_cast<double>(rows()), true},
                          {"share", share, false}};
        std::string allowed;
        std::string problem;
        auto bound_text = [&](const project::SizeBound& bound) {
            const double count = bound_count(bound);
            const std::string shown = count == std::floor(count) ? with_thousands(static_cast<uint64_t>(count))
                                                                 : fmt::format("{:.1f}", count);
            return bound.percent ? bound.text + " = " + shown : shown;
        };
        if (c.min) {
            result.figures.push_back({"min", bound_count(*c.min), !c.min->percent});
            allowed += "at least " + bound_text(*c.min);
            if (static_cast<double>(count) < bound_count(*c.min)) problem = "below the minimum " + bound_text(*c.min);
        }
        if (c.max) {
            result.figures.push_back({"max", bound_count(*c.max), !c.max->percent});
            allowed += std::string(allowed.empty() ? "" : ", ") + "at most " + bound_text(*c.max);
            if (static_cast<double>(count) > bound_count(*c.max)) problem = "above the maximum " + bound_text(*c.max);
        }
        const std::string percent = fmt::format("{:.2f}%", 100.0 * share);
        const std::string figures = c.segments[0].name + " has " + with_thousands(count) + " of " +
                                    with_thousands(rows()) + " customers (" + percent + ")";
        result.passed = problem.empty();
        result.message = figures + (result.passed ? "; allowed " + allowed : ", " + problem);
    }

    void partition(const Constraint& c, ConstraintResult& result) {
        // once: in at least one segment; several: in two or more. Both built a word at a time.
        const uint64_t words = data::words_for_bits(rows());
        std::vector<uint64_t> once(words, 0), several(words, 0);
        for (const auto& ref : c.segments) {
            const uint64_t* bits = set(ref).words();
            for (uint64_t w = 0; w < words; ++w) {
                several[w] |= once[w] & bits[w];
                once[w] |= bits[w];
            }
        }
        std::vector<uint64_t> none(words);
        for (uint64_t w = 0; w < words; ++w) none[w] = ~once[w];
        if (words > 0) none[words - 1] &= data::last_word_mask(rows());
        const uint64_t in_none = popcount_words(none.data(), words);
        const uint64_t in_several = popcount_words(several.data(), words);
        result.figures = {{"rows", static_cast<double>(rows()), true},
                          {"in_none", static_cast<double>(in_none), true},
                          {"in_several", static_cast<double>(in_several), true}};
        result.passed = in_none == 0 && in_several == 0;
        if (result.passed) {
            result.message = "each of " + with_thousands(rows()) + " customers is in exactly one of " + names(c);
            return;
        }
        result.message = with_thousands(in_none) + " customer" + (in_none == 1 ? " is" : "s are") + " in none and " +
                         with_thousands(in_several) + " in several of " + names(c);
        sample(result, [&](uint64_t w) { return none[w] | several[w]; });
    }

    static std::string names(const Constraint& c) {
        std::string out;
        for (size_t i = 0; i < c.segments.size(); ++i) out += (i == 0 ? "" : ", ") + c.segments[i].name;
        return out;
    }

    const std::unordered_map<std::string, size_t>& index_;
    const std::vector<data::Bitmap>& memberships_;
    const data::Table& table_;
};

}  // namespace

std::string format_ratio(double value) { return fmt::format("{:.4g}", value); }

bool check_constraint_segments(const project::Project& project,
                               const std::unordered_map<std::string, size_t>& segment_index, DiagnosticSink& sink) {
    std::vector<std::string> known;
    known.reserve(segment_index.size());
    for (const auto& entry : segment_index) known.push_back(entry.first);
    std::sort(known.begin(), known.end());  // a stable "did you mean" among equally close names
    bool ok = true;
    for (const auto& constraint : project.constraints) {
        for (const auto& ref : constraint.segments) {
            if (segment_index.count(ref.name)) continue;
            std::string hint = did_you_mean(ref.name, known);
            sink.error(Code::YamlInvalidValue, project.source, ref.span,
                       ref.path + ": no segment named " + yaml::quote(ref.name),
                       hint.empty() ? "constraints name segments defined in the project's spec files" : hint);
            ok = false;
        }
    }
    return ok;
}

std::vector<ConstraintResult> evaluate_constraints(const std::vector<project::Constraint>& constraints,
                                                   const std::unordered_map<std::string, size_t>& segment_index,
                                                   const std::vector<data::Bitmap>& memberships,
                                                   const data::Table& table) {
    Checker checker(segment_index, memberships, table);
    std::vector<ConstraintResult> results;
    results.reserve(constraints.size());
    for (const auto& constraint : constraints) results.push_back(checker.check(constraint));
    return results;
}

}  // namespace segmint::analysis
