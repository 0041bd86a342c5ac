// Constraint kinds on a hand-made table with exact figures, and the pairwise overlap kernel against a naive count.
#include "analysis/constraints.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "analysis/bitmap_ops.h"
#include "analysis/overlap.h"
#include "report/diagnostic_render.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;
using project::Constraint;
using project::ConstraintKind;

namespace {

// Ten customers with keys 101..110; segments given as the row numbers of their members.
struct Fixture {
    schema::Schema schema;
    std::optional<data::Table> table;
    std::unordered_map<std::string, size_t> index;
    std::vector<data::Bitmap> sets;

    Fixture() {
        schema.table = "c";
        schema.key = "id";
        schema::Column id;
        id.name = "id";
        id.type = schema::ColumnType::Int;
        schema.columns.push_back(id);
        table.emplace(schema);
        for (int64_t key = 101; key <= 110; ++key) table->mutable_column(0).append_int(key);
        table->finish_rows();
        add("a", {0, 1, 2, 3});
        add("b", {2, 3, 4, 5, 6});
        add("c", {7, 8});
        add("small", {2});
        add("rest", {0, 1, 4, 5, 6, 7, 8, 9});
    }
    void add(const std::string& name, std::vector<uint64_t> rows) {
        data::Bitmap bits(10);
        for (uint64_t row : rows) bits.set(row);
        index[name] = sets.size();
        sets.push_back(bits);
    }
    analysis::ConstraintResult check(const Constraint& constraint) const {
        return analysis::evaluate_constraints({constraint}, index, sets, *table).at(0);
    }
};

Constraint make(ConstraintKind kind, std::vector<std::string> names) {
    Constraint c;
    c.kind = kind;
    for (auto& name : names) c.segments.push_back({name, {}, ""});
    return c;
}

double figure(const analysis::ConstraintResult& result, const std::string& name) {
    for (const auto& f : result.figures) {
        if (f.name == name) return f.value;
    }
    BOOST_FAIL("no figure " + name);
    return -1;
}

std::string samples(const analysis::ConstraintResult& result) {
    std::string out;
    for (const auto& s : result.samples) out += (out.empty() ? "" : " ") + s;
    return out;
}

project::SizeBound bound(double value, bool percent, std::string text) {
    return project::SizeBound{value, percent, std::move(text)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(constraints)

BOOST_AUTO_TEST_CASE(disjoint) {
    Fixture f;
    auto pass = f.check(make(ConstraintKind::Disjoint, {"a", "c"}));
    BOOST_CHECK(pass.passed);
    BOOST_CHECK_EQUAL(pass.message, "no customer is in two of a, c");
    auto fail = f.check(make(ConstraintKind::Disjoint, {"a", "b", "c"}));
    BOOST_CHECK(!fail.passed);
    BOOST_CHECK_EQUAL(fail.message, "1 pair overlaps: a ∩ b = 2");
    BOOST_CHECK_EQUAL(figure(fail, "overlapping_pairs"), 1);
    BOOST_CHECK_EQUAL(figure(fail, "a ∩ b"), 2);
    BOOST_CHECK_EQUAL(samples(fail), "103 104");
}

BOOST_AUTO_TEST_CASE(subset) {
    Fixture f;
    auto pass = f.check(make(ConstraintKind::Subset, {"small", "a"}));
    BOOST_CHECK(pass.passed);
    BOOST_CHECK_EQUAL(pass.message, "every customer of small (1) is in a (4)");
    auto fail = f.check(make(ConstraintKind::Subset, {"a", "b"}));
    BOOST_CHECK(!fail.passed);
    BOOST_CHECK_EQUAL(fail.message, "2 of the 4 customers of a are not in b (5)");
    BOOST_CHECK_EQUAL(figure(fail, "segment"), 4);
    BOOST_CHECK_EQUAL(figure(fail, "of"), 5);
    BOOST_CHECK_EQUAL(figure(fail, "outside"), 2);
    BOOST_CHECK_EQUAL(samples(fail), "101 102");
}

BOOST_AUTO_TEST_CASE(max_overlap) {
    Fixture f;
    // a ∩ b = 2, a ∪ b = 7: jaccard 2/7; containment 2/4 in a, 2/5 in b.
    Constraint c = make(ConstraintKind::MaxOverlap, {"a", "b"});
    c.jaccard = 0.3;
    auto pass = f.check(c);
    BOOST_CHECK(pass.passed);
    BOOST_CHECK_CLOSE(figure(pass, "jaccard"), 2.0 / 7.0, 1e-9);
    BOOST_CHECK_CLOSE(figure(pass, "containment_a"), 0.5, 1e-9);
    BOOST_CHECK_CLOSE(figure(pass, "containment_b"), 0.4, 1e-9);
    BOOST_CHECK_EQUAL(figure(pass, "intersection"), 2);
    BOOST_CHECK_EQUAL(figure(pass, "union"), 7);
    c.jaccard = 0.25;
    c.containment = 0.5;  // containment 0.5 is allowed: the bound is inclusive
    auto fail = f.check(c);
    BOOST_CHECK(!fail.passed);
    BOOST_CHECK_EQUAL(fail.message, "a (4) ∩ b (5) = 2; jaccard 0.2857 > 0.25");
    BOOST_CHECK_EQUAL(samples(fail), "103 104");
    c.jaccard.reset();
    c.containment = 0.45;
    fail = f.check(c);
    BOOST_CHECK_EQUAL(fail.message, "a (4) ∩ b (5) = 2; containment 0.5 > 0.45");
}

BOOST_AUTO_TEST_CASE(size) {
    Fixture f;
    Constraint c = make(ConstraintKind::Size, {"b"});
    c.min = bound(5, false, "5");
    c.max = bound(50, true, "50%");
    auto pass = f.check(c);
    BOOST_CHECK(pass.passed);
    BOOST_CHECK_EQUAL(pass.message, "b has 5 of 10 customers (50.00%); allowed at least 5, at most 50% = 5");
    BOOST_CHECK_EQUAL(figure(pass, "share"), 0.5);
    c.max = bound(45, true, "45%");
    auto fail = f.check(c);
    BOOST_CHECK(!fail.passed);
    BOOST_CHECK_EQUAL(fail.message, "b has 5 of 10 customers (50.00%), above the maximum 45% = 4.5");
    BOOST_CHECK_EQUAL(figure(fail, "max"), 4.5);
    c.max.reset();
    c.min = bound(6, false, "6");
    fail = f.check(c);
    BOOST_CHECK_EQUAL(fail.message, "b has 5 of 10 customers (50.00%), below the minimum 6");
}

BOOST_AUTO_TEST_CASE(partition) {
    Fixture f;
    auto exact = f.check(make(ConstraintKind::Partition, {"small", "rest", "c"}));
    // small {2}, rest {0,1,4..9}, c {7,8}: row 3 in none, rows 7 and 8 in two.
    BOOST_CHECK(!exact.passed);
    BOOST_CHECK_EQUAL(figure(exact, "in_none"), 1);
    BOOST_CHECK_EQUAL(figure(exact, "in_several"), 2);
    BOOST_CHECK_EQUAL(exact.message, "1 customer is in none and 2 in several of small, rest, c");
    BOOST_CHECK_EQUAL(samples(exact), "104 108 109");
    auto both = f.check(make(ConstraintKind::Partition, {"a", "rest"}));  // rows 0 and 1 are in both
    BOOST_CHECK_EQUAL(both.message, "0 customers are in none and 2 in several of a, rest");
    f.add("row3", {3});
    auto ok = f.check(make(ConstraintKind::Partition, {"small", "row3", "rest"}));
    BOOST_CHECK_MESSAGE(ok.passed, ok.message);
    BOOST_CHECK_EQUAL(ok.message, "each of 10 customers is in exactly one of small, row3, rest");
}

BOOST_AUTO_TEST_CASE(unknown_segments_say_did_you_mean) {
    Fixture f;
    project::Project p;
    p.source = std::make_shared<Source>("segmint.yaml", "constraints:\n  - disjoint: [a, smal]\n");
    Constraint c = make(ConstraintKind::Disjoint, {"a", "smal"});
    c.segments[1].span = {30, 34};
    c.segments[1].path = "constraints[0].disjoint[1]";
    p.constraints.push_back(c);
    DiagnosticSink sink;
    BOOST_CHECK(!analysis::check_constraint_segments(p, f.index, sink));
    std::string text = report::render_text(sink.diagnostics());
    BOOST_CHECK_MESSAGE(text.find("segmint.yaml:2:18: error[E206]: constraints[0].disjoint[1]: no segment named "
                                  "`smal`") != std::string::npos,
                        text);
    BOOST_CHECK(text.find("did you mean `small`?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(overlap_matrix_matches_a_naive_count) {
    // 40 segments cross the 16-segment blocks; 70,000 rows cross the 512-word chunks and end mid-word.
    std::mt19937_64 random(42);
    const uint64_t rows = 70000;
    std::vector<data::Bitmap> sets;
    for (int s = 0; s < 40; ++s) {
        data::Bitmap bits(rows);
        const uint64_t density = 1 + random() % 8;
        for (uint64_t r = 0; r < rows; ++r) {
            if (random() % 10 < density) bits.set(r);
        }
        sets.push_back(bits);
    }
    std::vector<const data::Bitmap*> pointers;
    for (const auto& s : sets) pointers.push_back(&s);
    auto matrix = analysis::overlap_matrix(pointers);
    for (size_t i = 0; i < sets.size(); ++i) {
        for (size_t j = 0; j < sets.size(); ++j) {
            uint64_t naive = 0;
            for (uint64_t r = 0; r < rows; ++r) naive += sets[i].get(r) && sets[j].get(r);
            BOOST_REQUIRE_EQUAL(matrix.at(i, j), naive);
        }
    }
    BOOST_CHECK_EQUAL(analysis::intersection_count(sets[3], sets[7]), matrix.at(3, 7));
    BOOST_CHECK_CLOSE(matrix.containment(3, 7), static_cast<double>(matrix.at(3, 7)) / sets[3].count(), 1e-9);
    BOOST_CHECK_EQUAL(analysis::overlap_matrix({}).n, 0u);
}

BOOST_AUTO_TEST_SUITE_END()
