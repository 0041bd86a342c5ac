// Fuzz target for the prover's encoder (src/prove, docs/prove.md): the input bytes are read as a stream of choices
// that build a small catalog (2-4 segments over the test schema) of the constructs the encoding models, with a few it
// refuses; every pairwise relation and every segment's satisfiability is then asked with a short timeout. Two
// oracles: the prover replays every witness on the VM and throws std::logic_error on a mismatch (an uncaught
// exception is a crash to libFuzzer); and every region proved empty must hold none of a few hundred random rows
// (NULL-heavy, int64 edges; seeded by the input) under the VM. Reading the input as choices, rather than hashing it
// into a seed, lets libFuzzer's mutations change one part of a rule at a time.
// Also built without libFuzzer as fuzz_prove_replay, which ctest runs on tests/fuzz/corpus/prove/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "prove/prover.h"
#include "random_rules.h"
#include "semantic/catalog.h"
#include "syntax/parse.h"

using namespace segmint;

namespace {

// The input as choices: each byte picks among n options; past the end, always the first.
class Choices {
public:
    Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    size_t below(size_t n) { return pos_ < size_ && n > 0 ? data_[pos_++] % n : 0; }
    const char* pick(std::initializer_list<const char*> items) { return items.begin()[below(items.size())]; }

private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

// Rules of encoded constructs: ints near 0 and at the int64 edges with overflow, enums, strings, bools, dates around
// today, three-valued logic, references to earlier segments, and a few constructs the encoding refuses (unknown).
class Rules {
public:
    Rules(Choices& choices, size_t segment) : c_(choices), segment_(segment) {}

    std::string condition(int depth) {
        if (depth >= 3) return leaf();
        switch (c_.below(7)) {
            case 0: return "not " + condition(depth + 1);
            case 1: return "(" + condition(depth + 1) + ") is " + c_.pick({"null", "not null"});
            case 2: return "(" + condition(depth + 1) + " and " + condition(depth + 1) + ")";
            case 3: return "(" + condition(depth + 1) + " or " + condition(depth + 1) + ")";
            default: return leaf();
        }
    }

private:
    std::string leaf() {
        switch (c_.below(9)) {
            case 0: return c_.pick({"email_opt_in", "sms_opt_in", "true", "false", "null", "push_opt_in = sms_opt_in"});
            case 1:
                return c_.pick({"tier = \"gold\"", "tier != \"silver\"", "tier in (\"bronze\", \"gold\")",
                                "gender = \"other\"", "tier not in (\"gold\", null)", "tier is null"});
            case 2:
                return c_.pick({"country = \"Germany\"", "country != \"\"", "country in (\"Germany\", \"a\", null)",
                                "country = city", "country is null", "city = \"Germany\""});
            case 3: return segment_ > 0 ? "p" + std::to_string(c_.below(segment_)) : "age is not null";
            case 4: return date() + " " + comparison() + " " + date();
            case 5:
                return c_.pick({"signup_date within last 30 days", "last_order_date before today - 1 month",
                                "total_spend is null", "total_spend > 10", "email contains \"@\""});
            default: return number(0) + " " + comparison() + " " + number(0);
        }
    }
    const char* comparison() { return c_.pick({"<", "<=", ">", ">=", "=", "!="}); }
    std::string number(int depth) {
        if (depth >= 2 || c_.below(2) == 0) {
            return c_.pick({"age", "orders_90d", "returns_90d", "0", "1", "-1", "5", "9223372036854775807",
                            "-9223372036854775808", "null", "loyalty_points"});
        }
        switch (c_.below(7)) {
            case 0: return "(" + number(depth + 1) + " + " + number(depth + 1) + ")";
            case 1: return "(" + number(depth + 1) + " - " + number(depth + 1) + ")";
            case 2: return "-" + number(depth + 1);
            case 3: return "(" + number(depth + 1) + " * " + c_.pick({"3", "-1", "4611686018427387904"}) + ")";
            case 4: return "(" + number(depth + 1) + " % " + c_.pick({"4", "-1", "0"}) + ")";
            case 5: return c_.pick({"abs(", "coalesce(age, "}) + number(depth + 1) + ")";
            default: return "days_since(" + date() + ")";
        }
    }
    std::string date() {
        return c_.pick({"signup_date", "last_order_date", "today", "(signup_date + 7 days)", "(today - 30 days)",
                        "2024-02-29", "(2026-01-31 + 1 month)", "coalesce(signup_date, last_order_date)",
                        "(last_order_date - 1000000 days)"});
    }

    Choices& c_;
    size_t segment_;
};

uint64_t hash_of(const uint8_t* data, size_t size) {
    uint64_t hash = 1469598103934665603ull;  // FNV-1a
    for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
    return hash;
}

scalar::AsOf as_of_date() {
    scalar::AsOf as_of;
    if (!engine::parse_as_of("2026-11-23", &as_of)) fuzzing::fail("cannot parse the as-of date");
    return as_of;
}

// Fails when a row of `table` has membership `in_a` of `a` and `in_b` of `b` (or, for b == a, `in_a` of `a` alone)
// although the prover proved that region empty.
void check_empty(const std::vector<data::Bitmap>& members, uint32_t a, bool in_a, uint32_t b, bool in_b,
                 const std::string& what, const std::string& text) {
    for (uint64_t row = 0; row < members[a].size(); ++row) {
        if (members[a].get(row) == in_a && members[b].get(row) == in_b) {
            fuzzing::fail("prover proved empty: " + what + ", but row " + std::to_string(row) +
                          " of the random table is in it under the VM\nrules:\n" + text);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const schema::Schema& schema = fuzzing::test_schema();
    static const scalar::AsOf as_of = as_of_date();
    Choices choices(data, size);
    const size_t count = 2 + choices.below(3);
    std::string text;
    for (size_t s = 0; s < count; ++s) text += "segment p" + std::to_string(s) + ": " + Rules(choices, s).condition(0) + "\n";

    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("fuzz.seg", text), sink));
    semantic::Catalog catalog = semantic::check(std::move(files), schema, sink);
    static const bool verbose = std::getenv("SEGMINT_FUZZ_VERBOSE") != nullptr;  // prints each catalog and its relations
    if (verbose) std::fprintf(stderr, "%s%s", text.c_str(), sink.has_errors() ? "  (does not check)\n" : "");
    if (sink.has_errors()) return 0;  // the choices are typed, but e.g. a constant comparison may be rejected

    prove::Prover prover(catalog, as_of, prove::Options{200});
    const auto& compiled = prover.compiled();
    testing::Random random(hash_of(data, size));
    const data::Table table = testing::random_table(random, schema, 300);
    const auto members = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
    const auto& names = compiled.segment_names;
    for (size_t i = 0; i < compiled.written_rules.size(); ++i) {
        const uint32_t a = compiled.written_rules[i].segment;
        if (prover.satisfiable(a).emptiness == prove::Emptiness::Empty)
            check_empty(members, a, true, a, true, names[a] + " has no member", text);
        for (size_t j = i + 1; j < compiled.written_rules.size(); ++j) {
            const uint32_t b = compiled.written_rules[j].segment;
            const prove::RelationResult r = prover.relation(a, b);
            const std::string pair = " of " + names[a] + " and " + names[b];
            if (r.a_only.emptiness == prove::Emptiness::Empty)
                check_empty(members, a, true, b, false, "A only" + pair, text);
            if (r.b_only.emptiness == prove::Emptiness::Empty)
                check_empty(members, a, false, b, true, "B only" + pair, text);
            if (r.both.emptiness == prove::Emptiness::Empty)
                check_empty(members, a, true, b, true, "both" + pair, text);
            if (verbose) {
                std::fprintf(stderr, "  %s / %s: %s (%s, %s, %s)\n", names[a].c_str(), names[b].c_str(),
                             prove::relation_name(r.relation), prove::emptiness_name(r.a_only.emptiness),
                             prove::emptiness_name(r.b_only.emptiness), prove::emptiness_name(r.both.emptiness));
            }
        }
    }
    return 0;
}
