// analysis/revision_diff.h on two catalogs built in memory: statuses by fmt's layout, the relation of each changed
// rule to its old version (references resolved within each version), and constraint outcomes compared.
#include "analysis/revision_diff.h"

#include <boost/test/unit_test.hpp>
#include <ostream>

#include "engine/engine.h"
#include "report/diff_output.h"
#include "test_support.h"

namespace segmint::analysis {
// Boost.Test prints the two sides of a failed comparison.
std::ostream& operator<<(std::ostream& out, SegmentChange change) { return out << segment_change_name(change); }
std::ostream& operator<<(std::ostream& out, RuleRelation relation) {
    return out << (relation == RuleRelation::NotCompared ? "not compared" : rule_relation_name(relation));
}
}  // namespace segmint::analysis

using namespace segmint;
using namespace segmint::testing;

namespace {

const analysis::SegmentDiff& find(const std::vector<analysis::SegmentDiff>& diffs, const std::string& name) {
    for (const auto& d : diffs) {
        if (d.name == name) return d;
    }
    BOOST_FAIL("no segment " << name << " in the diff");
    return diffs.front();
}

// The two versions' spec texts compared, relations included.
std::vector<analysis::SegmentDiff> diff_with_relations(const std::string& before_text, const std::string& after_text) {
    const Checked before = check_text(before_text), after = check_text(after_text);
    BOOST_REQUIRE_EQUAL(before.errors(), 0u);
    BOOST_REQUIRE_EQUAL(after.errors(), 0u);
    auto diffs = analysis::compare_segments(before.catalog, after.catalog);
    scalar::AsOf as_of;
    BOOST_REQUIRE(engine::parse_as_of("2026-11-23", &as_of));
    analysis::add_relations(diffs, before.catalog, after.catalog, as_of, 10000);
    return diffs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(revision_diff)

BOOST_AUTO_TEST_CASE(statuses_follow_fmt_layout_and_titles) {
    const std::string before =
        ("segment same \"S\": age   >   3\nsegment retitled \"Old\": age > 4\nsegment gone: age > 5\n"
         "segment edited: age > 6\n");
    const std::string after =
        ("segment same \"S\":\n  age > 3\nsegment retitled \"New\": age > 4\nsegment edited: age > 7\n"
         "segment fresh: age > 8\n");
    const auto diffs = diff_with_relations(before, after);
    BOOST_TEST(find(diffs, "same").change == analysis::SegmentChange::Unchanged);
    BOOST_TEST(find(diffs, "gone").change == analysis::SegmentChange::Removed);
    BOOST_TEST(find(diffs, "fresh").change == analysis::SegmentChange::Added);
    const auto& retitled = find(diffs, "retitled");
    BOOST_TEST(retitled.change == analysis::SegmentChange::Changed);
    BOOST_TEST(retitled.title_changed);
    BOOST_TEST(!retitled.rule_changed);
    BOOST_TEST(retitled.relation == analysis::RuleRelation::NotCompared);
    const auto& edited = find(diffs, "edited");
    BOOST_TEST(edited.rule_changed);
    BOOST_TEST(edited.old_rule == "age > 6");
    BOOST_TEST(edited.new_rule == "age > 7");
    BOOST_TEST(edited.relation == analysis::RuleRelation::Narrower);
}

BOOST_AUTO_TEST_CASE(every_relation) {
    const std::string before =
        ("segment eq: age < 30\nsegment wide: age > 10\nsegment other: age < 30\nsegment narrow: age < 30\n");
    const std::string after =
        ("segment eq: not (age >= 30)\nsegment wide: age > 5\nsegment other: age > 60\n"
         "segment narrow: age < 30 and tier = \"gold\"\n");
    const auto diffs = diff_with_relations(before, after);
    BOOST_TEST(find(diffs, "eq").relation == analysis::RuleRelation::Equivalent);
    BOOST_TEST(find(diffs, "wide").relation == analysis::RuleRelation::Broader);
    BOOST_TEST(find(diffs, "other").relation == analysis::RuleRelation::Different);
    BOOST_TEST(find(diffs, "narrow").relation == analysis::RuleRelation::Narrower);
}

// The old `a` refers to the old `b` (age < 30), so old and new `a` are equal. Had the old reference reached the new
// `b` (age < 20), the new `a` would look broader.
BOOST_AUTO_TEST_CASE(old_references_reach_old_segments) {
    const std::string before = "segment b: age < 30\nsegment a: b and tier = \"gold\"\n";
    const std::string after = "segment b: age < 20\nsegment a: age < 30 and tier = \"gold\"\n";
    const auto diffs = diff_with_relations(before, after);
    BOOST_TEST(find(diffs, "a").relation == analysis::RuleRelation::Equivalent);
    BOOST_TEST(find(diffs, "b").relation == analysis::RuleRelation::Narrower);
}

// A rule the prover does not model (round) is unknown with the reason, never a guess.
BOOST_AUTO_TEST_CASE(unmodelled_is_unknown_with_a_reason) {
    const auto diffs =
        diff_with_relations("segment r: round(total_spend) > 3\n", "segment r: round(total_spend) > 4\n");
    const auto& r = find(diffs, "r");
    BOOST_TEST(r.rule_changed);
    BOOST_TEST(r.relation == analysis::RuleRelation::Unknown);
    BOOST_TEST(r.relation_reason.find("round") != std::string::npos, r.relation_reason);
}

BOOST_AUTO_TEST_CASE(changed_is_false_for_a_reformatting) {
    const std::string before = "segment s: age>3 AND tier='gold'\n";
    const std::string after = "segment s:\n  age > 3\n  and tier = \"gold\"\n";
    analysis::RevisionDiff diff;
    diff.segments = diff_with_relations(before, after);
    BOOST_TEST(!diff.changed());
    BOOST_TEST(diff.count(analysis::SegmentChange::Unchanged) == 1u);
}

// A pull-request comment stays about a screen long: 20 rows, then one line for the rest, and only their rules.
BOOST_AUTO_TEST_CASE(markdown_summarizes_past_twenty_rows) {
    analysis::RevisionDiff diff;
    for (int i = 0; i < 25; ++i) {
        analysis::SegmentDiff d;
        d.name = "s" + std::to_string(100 + i);
        d.change = analysis::SegmentChange::Added;
        d.new_rule = "age > " + std::to_string(i);
        diff.segments.push_back(d);
    }
    const std::string markdown = report::diff_markdown(diff, {"main", "working tree", "2026-11-23"});
    size_t rows = 0;
    for (size_t at = markdown.find("\n| `s"); at != std::string::npos; at = markdown.find("\n| `s", at + 1)) ++rows;
    BOOST_TEST(rows == report::kMarkdownRows);
    BOOST_TEST(markdown.find("… and 5 more") != std::string::npos);
    BOOST_TEST(markdown.find("+ age > 19\n") != std::string::npos);
    BOOST_TEST(markdown.find("+ age > 20\n") == std::string::npos);
    BOOST_TEST(markdown.find("25 added, 0 removed, 0 changed, 0 unchanged") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
