// Differential property test: random rules over random NULL-heavy tables must give identical memberships in the VM
// (optimized with the table's statistics, unoptimized, and on several threads) and in the reference evaluator, which
// runs the rules as written: every optimizer pass is checked by every comparison.
// Reproduce a failure with SEGMINT_SEED=<seed> SEGMINT_ROUNDS=1; SEGMINT_ROUNDS raises the number of rounds (default
// 1000 catalogs of 12 rules).
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <limits>

#include "engine/engine.h"
#include "optimize/optimizer.h"
#include "random_rules.h"
#include "reference/reference_evaluator.h"
#include "test_support.h"
#include "vm/batch.h"
#include "vm/instruction_set.h"
#include "vm/machine.h"
#include "vm/opcodes.h"

using namespace segmint;
using namespace segmint::testing;

namespace {
uint64_t env_or(const char* name, uint64_t fallback) {
    const char* value = std::getenv(name);
    return value ? std::strtoull(value, nullptr, 10) : fallback;
}

// Moves each Int column's values (but the key's) into a frame that narrows (data::Column::narrow_ints): offsets of a
// few to tens of thousands from a base near zero, far from it or at either end of int64, so narrowed columns meet
// every width, a base, and the generator's constants far outside their range.
void reframe_ints(data::Table& table, Random& random) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
    const std::vector<int64_t> bases = {0, -3, 1000, -(int64_t{1} << 40), kMax - 70000, kMin};
    const std::vector<uint64_t> spans = {12, 256, 257, 65536, 70000};
    for (size_t c = 0; c < table.column_count(); ++c) {
        data::Column& column = table.mutable_column(c);
        if (column.type != schema::ColumnType::Int || column.name == table.schema().key) continue;
        const int64_t base = random.pick(bases);
        const uint64_t span = random.pick(spans);
        int64_t* values = column.i64.mutable_data();
        for (uint64_t row = 0; row < column.size; ++row) {
            if (!column.is_null(row)) values[row] = base + static_cast<int64_t>(random.below(span));
        }
    }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(differential)

BOOST_AUTO_TEST_CASE(vm_matches_reference_on_random_rules) {
    const uint64_t first_seed = env_or("SEGMINT_SEED", 20261123);
    const uint64_t rounds = env_or("SEGMINT_ROUNDS", 1000);
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    size_t rules_compared = 0, rules_rejected = 0, shared_conditions = 0, narrowed_columns = 0, read_segments = 0;
    size_t shared_reads_of_shared = 0;
    for (uint64_t round = 0; round < rounds; ++round) {
        const uint64_t seed = first_seed + round;
        Random random(seed);
        data::Table table = random_table(random, test_schema(), random.below(300));
        if (round % 2 == 1) reframe_ints(table, random);
        // The same values with Int columns narrowed where they fit, as loaders leave them.
        data::Table narrow = table;
        narrow.narrow_int_columns();
        narrow.narrow_code_columns();
        std::string text = round % 4 == 3 ? random_composed_catalog(random, 12, 3) : random_catalog(random, 12, 4);
        Checked checked = check_text(text);
        engine::CompiledCatalog compiled, optimized;
        optimize::TableStats stats = optimize::gather_stats(table);
        try {
            engine::CompileOptions plain;
            plain.optimizer.enabled = false;
            compiled = engine::compile(checked.catalog, as_of, plain);
            engine::CompileOptions tuned;
            tuned.stats = &stats;
            optimized = engine::compile(checked.catalog, as_of, tuned);
        } catch (const std::exception& e) {
            BOOST_ERROR("seed " << seed << ": compiling failed: " << e.what() << "\n" << text);
            return;
        }
        rules_compared += compiled.rules.size();
        shared_conditions += optimized.shared_conditions.size();
        rules_rejected += checked.catalog.segments.size() - compiled.rules.size();

        auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
        auto vm = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
        auto vm_threads = engine::evaluate(optimized, table, engine::Evaluator::Vm, 3);
        auto vm_optimized = engine::evaluate(optimized, table, engine::Evaluator::Vm, 1);
        auto vm_narrow = engine::evaluate(optimized, narrow, engine::Evaluator::Vm, 1);
        auto vm_narrow_plain = engine::evaluate(compiled, narrow, engine::Evaluator::Vm, 1);
        // `segmint eval`'s sizes: bitmaps only for the segments other segments read, the rest counted batch by batch
        // (narrowed columns and the reference's counts: counts_leave_out_nulls_and_rows_past_the_end).
        const auto counts = engine::count_members(optimized, table, engine::Evaluator::Vm, 3);
        for (const auto& program : optimized.programs) {
            for (const auto& instruction : program.code) read_segments += instruction.op == vm::Opcode::LoadSegment;
        }
        for (const auto& program : optimized.shared_programs) {
            for (const auto& instruction : program.code) {
                shared_reads_of_shared += instruction.op == vm::Opcode::LoadShared;
            }
        }
        const optimize::TableStats narrow_table_stats = optimize::gather_stats(narrow);
        for (size_t c = 0; c < table.column_count(); ++c) {
            narrowed_columns += narrow.column(c).int_width != 8 || narrow.column(c).code_width != 4;
            const optimize::ColumnStats& wide_stats = stats.columns[c];
            const optimize::ColumnStats& narrow_stats = narrow_table_stats.columns[c];
            if (narrow_stats.min != wide_stats.min || narrow_stats.max != wide_stats.max ||
                narrow_stats.has_range != wide_stats.has_range) {
                BOOST_ERROR("seed " << seed << ": column " << table.column(c).name << "'s range differs narrowed");
            }
        }
        for (const auto& rule : compiled.rules) {
            const size_t s = rule.segment;
            if (counts.at(s) != reference[s].count()) {
                BOOST_ERROR("seed " << seed << ": segment " << rule.name << " has " << reference[s].count()
                                    << " members, counted " << counts.at(s) << "\nrule: " << ir::dump(*rule.root));
                return;
            }
            if (vm_narrow[s] != vm[s] || vm_narrow_plain[s] != vm[s]) {
                BOOST_ERROR("seed " << seed << ": segment " << rule.name
                                    << " differs over the narrowed columns\nrule: " << ir::dump(*rule.root));
                return;
            }
            if (vm[s] == reference[s] && vm_optimized[s] == vm[s] && vm_threads[s] == vm[s]) continue;
            uint64_t row = 0;
            while (row < table.rows() && vm[s].get(row) == reference[s].get(row)) ++row;
            if (row == table.rows()) {  // the optimized VM differs: find where
                row = 0;
                while (row < table.rows() && vm_optimized[s].get(row) == reference[s].get(row) &&
                       vm_threads[s].get(row) == reference[s].get(row)) {
                    ++row;
                }
            }
            reference::ReferenceEvaluator oracle(table, as_of);
            std::string value = row < table.rows() ? ir::value_text(oracle.value(*rule.root, row, reference)) : "?";
            // The reference on the optimized IR tells an optimizer bug (it agrees with the optimized VM) from a VM bug.
            auto optimized_reference = engine::evaluate(optimized, table, engine::Evaluator::ReferenceOptimized);
            const auto& def = checked.catalog.definition(s);
            const auto& optimized_rule = *std::find_if(optimized.rules.begin(), optimized.rules.end(),
                                                       [&](const ir::Rule& r) { return r.segment == s; });
            BOOST_ERROR("seed " << seed << ": segment " << rule.name << " differs at row " << row
                                << " (reference: " << value << ", vm: " << (row < table.rows() && vm[s].get(row))
                                << ", optimized vm: " << (row < table.rows() && vm_optimized[s].get(row))
                                << ", reference on the optimized "
                                << "IR: " << (row < table.rows() && optimized_reference[s].get(row)) << ")\nrule: "
                                << text.substr(def.span.begin, def.span.end - def.span.begin) << "\nIR:\n"
                                << ir::dump(*rule.root) << "optimized IR:\n"
                                << ir::dump(*optimized_rule.root));
            return;
        }
    }
    BOOST_TEST_MESSAGE("compared " << rules_compared << " random rules (" << rules_rejected
                                   << " rejected by the checker), " << shared_conditions
                                   << " conditions shared across rules (" << shared_reads_of_shared
                                   << " reads of one by another), " << narrowed_columns
                                   << " int columns narrowed, " << read_segments
                                   << " reads of another segment's members, seeds " << first_seed << ".."
                                   << first_seed + rounds - 1);
    // The generator is typed, so nearly every rule is accepted: thousands of rules are compared per run. Random
    // catalogs repeat conditions often enough that the shared-condition programs are exercised too.
    if (rounds >= 1000) {
        BOOST_CHECK_GE(rules_compared, 10000u);
        BOOST_CHECK_GE(shared_conditions, 100u);
        BOOST_CHECK_GE(shared_reads_of_shared, 200u);  // shared conditions made of shared conditions run in order
        BOOST_CHECK_GE(narrowed_columns, 1000u);
        BOOST_CHECK_GE(read_segments, 500u);  // so count_members keeps some segments' bits, a batch at a time
    }
}

// The interpreter's two copies (vm/instruction_set.h) over the same random catalogs and tables, narrowed and not:
// every segment's members equal. The suite's other cases run the copy the CPU has (ctest runs them once more with
// SEGMINT_ISA=baseline); this one runs both in one process, and checks each Machine runs the copy asked for.
BOOST_AUTO_TEST_CASE(instruction_set_copies_agree_on_random_rules) {
    // The copy the other cases run is set back however this one ends.
    struct Restore {
        vm::InstructionSet set = vm::instruction_set();
        ~Restore() { vm::set_instruction_set(set); }
    } restore;
    const vm::InstructionSet before = restore.set;
    const char* asked = std::getenv("SEGMINT_ISA");
    if (asked && std::string(asked) == "baseline") {  // ctest's differential_baseline_copy
        BOOST_CHECK_MESSAGE(before == vm::InstructionSet::Baseline, "SEGMINT_ISA=baseline did not pick the baseline copy");
    }
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    BOOST_REQUIRE(vm::set_instruction_set(vm::InstructionSet::Baseline));
    BOOST_CHECK(vm::Machine(data::Table(test_schema()), as_of).instruction_set() == vm::InstructionSet::Baseline);
    if (!vm::supports(vm::InstructionSet::X86_64_V3)) {
        BOOST_CHECK(!vm::set_instruction_set(vm::InstructionSet::X86_64_V3));
        BOOST_CHECK(vm::instruction_set() == vm::InstructionSet::Baseline);
        BOOST_TEST_MESSAGE("this CPU or build has no x86-64-v3 copy: the baseline copy alone was checked");
        return;
    }
    BOOST_REQUIRE(vm::set_instruction_set(vm::InstructionSet::X86_64_V3));
    BOOST_CHECK(vm::Machine(data::Table(test_schema()), as_of).instruction_set() == vm::InstructionSet::X86_64_V3);
    const uint64_t first_seed = env_or("SEGMINT_SEED", 20261207);
    uint64_t members = 0;
    for (uint64_t round = 0; round < 60; ++round) {
        Random random(first_seed + round);
        data::Table table = random_table(random, test_schema(), random.below(9000));
        if (round % 2 == 1) reframe_ints(table, random);
        if (round % 3 == 0) {
            table.narrow_int_columns();
            table.narrow_code_columns();
        }
        Checked checked = check_text(random_catalog(random, 16, 4));
        const optimize::TableStats stats = optimize::gather_stats(table);
        engine::CompileOptions options;
        options.stats = &stats;
        const engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of, options);
        std::vector<std::vector<data::Bitmap>> results;
        for (vm::InstructionSet set : {vm::InstructionSet::Baseline, vm::InstructionSet::X86_64_V3}) {
            vm::set_instruction_set(set);
            results.push_back(engine::evaluate(compiled, table, engine::Evaluator::Vm, 2));
        }
        for (size_t s = 0; s < results[0].size(); ++s) {
            BOOST_CHECK_MESSAGE(results[0][s] == results[1][s],
                                "seed " << first_seed + round << ": segment " << s << " differs between the copies");
            members += results[0][s].count();
        }
    }
    BOOST_CHECK_GT(members, 0u);  // the catalogs select someone, so equal results are not trivially empty
}

// vm::Machine::run takes any first row, where vm::evaluate's batches start on a word: a batch that starts inside a
// word reads each column's validity and Bool bits shifted into place (extract_bits). Members from batches of random
// sizes, the shared conditions first in each, equal the reference evaluator's.
BOOST_AUTO_TEST_CASE(batches_that_start_inside_a_word_agree) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    const uint64_t first_seed = env_or("SEGMINT_SEED", 20261208);
    size_t compared = 0, unaligned = 0;
    for (uint64_t seed = first_seed; seed < first_seed + 60; ++seed) {
        Random random(seed);
        const data::Table table = random_table(random, test_schema(), 100 + random.below(400));
        // Every other catalog repeats conditions inside conditions: shared programs that read earlier slots, whose
        // bits must be this batch's.
        const std::string text = seed % 2 ? random_composed_catalog(random, 12, 3) : random_catalog(random, 12, 4);
        const Checked checked = check_text(text);
        const engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of, {});
        const auto expected = engine::evaluate(compiled, table, engine::Evaluator::Reference);
        std::vector<data::Bitmap> got(compiled.segment_names.size(), data::Bitmap(table.rows()));
        vm::Machine machine(table, as_of);
        for (uint64_t base = 0; base < table.rows();) {
            const uint64_t most = std::min<uint64_t>(vm::kBatchSize, table.rows() - base);  // run's contract
            const auto count = static_cast<uint32_t>(std::min<uint64_t>(1 + random.below(150), most));
            unaligned += base % 64 != 0;
            machine.start_batch();
            for (const auto& program : compiled.shared_programs) machine.run(program, base, count, got);
            for (const auto& program : compiled.programs) machine.run(program, base, count, got);
            base += count;
        }
        for (const auto& rule : compiled.rules) {
            ++compared;
            BOOST_CHECK_MESSAGE(got[rule.segment] == expected[rule.segment],
                                "seed " << seed << ": segment " << rule.name << " differs\nrule: " << ir::dump(*rule.root));
        }
    }
    BOOST_CHECK_GE(compared, 600u);
    BOOST_CHECK_GE(unaligned, 150u);
}

// Tables of a few hundred rows fit in one chunk of parallel evaluation, so the test above never splits rows between
// threads. This one is large enough for many chunks (a partial last one too), and checks the words past the last row
// stay zero (Bitmap's invariant) now that result bitmaps are zeroed chunk by chunk by the evaluating threads.
BOOST_AUTO_TEST_CASE(threads_agree_on_a_table_of_many_chunks) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    Random random(env_or("SEGMINT_SEED", 20261127));
    const uint64_t rows = 5 * vm::kChunkRows + 1000 + random.below(64);
    data::Table table = random_table(random, test_schema(), rows);
    Checked checked = check_text(random_catalog(random, 24, 4));
    optimize::TableStats stats = optimize::gather_stats(table);
    engine::CompileOptions options;
    options.stats = &stats;
    engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of, options);
    BOOST_REQUIRE(!compiled.programs.empty());
    auto one = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
    uint64_t members = 0;
    for (unsigned threads : {2u, 3u, 8u}) {
        auto several = engine::evaluate(compiled, table, engine::Evaluator::Vm, threads);
        BOOST_REQUIRE_EQUAL(several.size(), one.size());
        for (size_t s = 0; s < one.size(); ++s) {
            BOOST_CHECK_MESSAGE(several[s] == one[s], "segment " << s << " differs on " << threads << " threads");
            const uint64_t last = several[s].words()[several[s].word_count() - 1];
            BOOST_CHECK_EQUAL(last & ~data::last_word_mask(rows), 0u);
            uint64_t counted = 0;
            for (uint64_t row = 0; row < rows; ++row) counted += several[s].get(row);
            BOOST_CHECK_EQUAL(several[s].count(), counted);
            members += counted;
        }
        const auto counts = engine::count_members(compiled, table, engine::Evaluator::Vm, threads);
        BOOST_REQUIRE_EQUAL(counts.size(), one.size());
        for (size_t s = 0; s < one.size(); ++s) {
            BOOST_CHECK_MESSAGE(counts[s] == one[s].count(), "segment " << s << " counted differently on " << threads
                                                                          << " threads");
        }
    }
    BOOST_CHECK_GT(members, 0u);  // the catalog selects someone, so equal results are not trivially empty
}

// `segmint eval`'s counts (vm::count_members) over rows that end in a partial batch, against the bitmaps and against
// counts taken from the column itself: NULLs must not count (the valid mask), nor rows past the last one (the open
// mask: a constant's bits are set past it), and a segment another reads keeps its bits a batch at a time.
BOOST_AUTO_TEST_CASE(counts_leave_out_nulls_and_rows_past_the_end) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    Random random(env_or("SEGMINT_SEED", 20261205));
    const uint64_t rows = 2 * vm::kBatchSize + 37;
    data::Table table = random_table(random, test_schema(), rows);
    Checked checked = check_text(
        "segment older: age > 5\nsegment not_older: not (age > 5)\nsegment everyone: true\n"
        "segment older_opted_in: older and email_opt_in\n");
    BOOST_TEST_REQUIRE(checked.errors() == 0u, checked.text());
    const engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
    const data::Column& age = *table.find("age");
    const data::Column& opt_in = *table.find("email_opt_in");
    uint64_t older = 0, not_older = 0, older_opted_in = 0;
    for (uint64_t row = 0; row < rows; ++row) {
        if (age.is_null(row)) continue;
        const bool is_older = age.int_at(row) > 5;
        older += is_older;
        not_older += !is_older;
        older_opted_in += is_older && !opt_in.is_null(row) && opt_in.bools.get(row) != 0;
    }
    BOOST_REQUIRE(older > 0 && not_older > 0 && older + not_older < rows);  // NULLs, and both sides of the comparison
    const auto bitmaps = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
    data::Table narrow = table;
    narrow.narrow_int_columns();
    narrow.narrow_code_columns();
    for (const auto& counts : {engine::count_members(compiled, table, engine::Evaluator::Vm, 1),
                               engine::count_members(compiled, table, engine::Evaluator::Vm, 2),
                               engine::count_members(compiled, narrow, engine::Evaluator::Vm, 1),
                               engine::count_members(compiled, table, engine::Evaluator::Reference)}) {
        BOOST_REQUIRE_EQUAL(counts.size(), 4u);
        BOOST_CHECK_EQUAL(counts[0], older);
        BOOST_CHECK_EQUAL(counts[1], not_older);
        BOOST_CHECK_EQUAL(counts[2], rows);
        BOOST_CHECK_EQUAL(counts[3], older_opted_in);
        for (size_t s = 0; s < counts.size(); ++s) BOOST_CHECK_EQUAL(counts[s], bitmaps[s].count());
    }
}

// Comparisons read a narrowed column's offsets against the constant minus the base; a constant at, just inside and just
// outside the column's range, or at either end of int64, on either side of the comparison, must give what the
// reference gives over the values.
BOOST_AUTO_TEST_CASE(narrowed_columns_compare_with_constants_at_their_edges) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    struct Frame {
        int64_t low;
        uint64_t span;  // values low .. low + span - 1
        unsigned width;
    };
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
    for (const Frame& frame : {Frame{-128, 256, 1}, Frame{1000, 256, 1}, Frame{1000, 257, 2}, Frame{kMax - 255, 256, 1},
                               Frame{kMax - 99, 100, 1}, Frame{kMin, 65536, 2}, Frame{-5, 70000, 4}}) {
        Random random(7);
        data::Table table = random_table(random, test_schema(), 700);
        size_t age_index = 0;
        while (table.column(age_index).name != "age") ++age_index;
        data::Column& age = table.mutable_column(age_index);
        int64_t* values = age.i64.mutable_data();
        for (uint64_t row = 0; row < age.size; ++row) {
            values[row] = frame.low + static_cast<int64_t>(row * 7919 % frame.span);
        }
        values[1] = frame.low;
        values[2] = frame.low + static_cast<int64_t>(frame.span - 1);
        data::Table narrow = table;
        narrow.narrow_int_columns();
        BOOST_REQUIRE_EQUAL(narrow.find("age")->int_width, frame.width);
        const int64_t high = frame.low + static_cast<int64_t>(frame.span - 1);
        std::vector<int64_t> constants = {frame.low, high, kMin, kMax, 0};
        if (frame.low != kMin) constants.push_back(frame.low - 1);
        if (high != kMax) constants.push_back(high + 1);
        constants.push_back(frame.low + 1);
        constants.push_back(high - 1);
        std::string text;
        int n = 0;
        for (int64_t k : constants) {
            for (const char* op : {"=", "!=", "<", "<=", ">", ">="}) {
                const std::string literal = k == kMin ? "(-9223372036854775807 - 1)" : std::to_string(k);
                text += "segment a" + std::to_string(n++) + ":\n  age " + op + " " + literal + "\n";
                text += "segment a" + std::to_string(n++) + ":\n  " + literal + " " + op + " age\n";
            }
        }
        Checked checked = check_text(text);
        BOOST_REQUIRE_EQUAL(checked.errors(), 0u);
        engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
        auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
        auto vm = engine::evaluate(compiled, narrow, engine::Evaluator::Vm, 1);
        for (const auto& rule : compiled.rules) {
            BOOST_CHECK_MESSAGE(vm[rule.segment] == reference[rule.segment],
                                "frame " << frame.low << "+" << frame.span << ": " << ir::dump(*rule.root));
        }
    }
}

// Dictionary conditions (a lookup per distinct value: few TRUE or FALSE codes are compared with each row's code, others
// read from the table), list `contains` (read from the column as it lies) and 8-byte columns against a constant
// (numbers, the key column: compared two rows at a time) must give what the reference gives, for every size of `in`
// list, NULL in the list, and either side of a comparison; so must dates (4 bytes, four rows per compare).
BOOST_AUTO_TEST_CASE(dictionary_lookups_list_tests_and_wide_comparisons_agree_with_the_reference) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    Random random(11);
    // Two whole batches of the default size, then whole words and a partial last one.
    data::Table table = random_table(random, test_schema(), 2 * 4096 + 700);
    {  // a dictionary of 1,000 values (two-byte codes once narrowed), NULLs where the random table has them
        size_t at = 0;
        while (table.column(at).name != "email") ++at;
        data::Column& email = table.mutable_column(at);
        data::Column many;
        many.name = email.name;
        many.type = email.type;
        for (uint64_t row = 0; row < email.size; ++row) {
            if (email.is_null(row)) {
                many.append_null();
            } else {
                many.append_string("user" + std::to_string(row * 7919 % 1000) + "@example.org");
            }
        }
        email = std::move(many);
    }
    std::string text;
    int n = 0;
    const auto add = [&](const std::string& rule) { text += "segment r" + std::to_string(n++) + ":\n  " + rule + "\n"; };
    for (const char* name : {"tier", "acquisition_channel", "country"}) {
        const data::Column& column = *table.find(name);
        const auto& values = column.dictionary.values;
        BOOST_REQUIRE_LE(values.size(), 128u);  // small enough for the few-codes test to be tried
        for (size_t size = 0; size <= values.size(); ++size) {
            for (size_t start : {size_t{0}, values.size() / 2}) {
                std::string list;
                for (size_t k = 0; k < size; ++k) {
                    list += (k ? ", \"" : "\"") + std::string(values[(start + k) % values.size()]) + "\"";
                }
                if (size > 0) {
                    add(std::string(name) + " in (" + list + ")");
                    add("not (" + std::string(name) + " in (" + list + "))");
                    add(std::string(name) + " in (" + list + ", null)");
                }
            }
            if (size < values.size()) add(std::string(name) + " != \"" + std::string(values[size]) + "\"");
        }
    }
    // Lists of more than four values and fewer than all but four: lookups read from the table as well.
    BOOST_REQUIRE_GE(table.find("country")->dictionary.size(), 10u);
    // Larger dictionaries (two-byte codes once narrowed): lookups read from the table; text read through the codes.
    for (const char* name : {"email"}) {
        const auto& values = table.find(name)->dictionary.values;
        BOOST_REQUIRE_GT(values.size(), 128u);
        std::string list;
        for (size_t k = 0; k < 6; ++k) list += (k ? ", \"" : "\"") + std::string(values[k * 37]) + "\"";
        add(std::string(name) + " in (" + list + ")");
        add(std::string(name) + " = \"" + std::string(values[values.size() - 1]) + "\"");
        add(std::string(name) + " starts with \"" + std::string(values[values.size() / 2]).substr(0, 2) + "\"");
        // Affixes of 0 to 17 bytes (vm/kernels_text.h AffixTest: word loads up to 16, shifts below 8).
        for (const char* affix : {"", "g", "org", "e.org", "7@example.org", "9@example.org", "@example.org",
                                  "user7@example.org", "99@example.org", "xample.org"}) {
            add(std::string(name) + " ends with \"" + affix + "\"");
        }
        for (const char* affix : {"u", "user", "user1", "user12", "user123@", "user123@example", "user123@example.",
                                  "user123@example.o", "user9"}) {
            add(std::string(name) + " starts with \"" + affix + "\"");
        }
        add("lower(" + std::string(name) + ") contains \"a\" and " + std::string(name) + " != \"" +
            std::string(values[3]) + "\"");
        // Two columns in one condition: no lookup, the text is read through the codes (LoadStr).
        add(std::string(name) + " > country");
        add("length(" + std::string(name) + ") + age > 60 or " + std::string(name) + " starts with first_name");
    }
    // `contains` reads a list column where it lies; other list kernels (length, coalesce) get the rows built, also
    // after a narrower selection.
    for (const char* tag : {"vip", "new", "", "outdoor", "gold", "absent"}) {
        const std::string contains = std::string("tags contains \"") + tag + "\"";
        add(contains);
        add("not (" + contains + ")");
        add("age > 3 and " + contains);
        add("(age > 3 and length(tags) > 1) or " + contains);
        add(contains + " or length(coalesce(tags, tags)) = 0");
    }
    add("tags contains any (\"vip\", \"gold\")");
    add("tags contains all (\"vip\", \"new\")");
    for (const char* op : {"=", "!=", "<", "<=", ">", ">="}) {
        for (const char* k : {"0", "-0.0", "0.5", "1000", "1e300", "-1e300", "-100", "899.75"}) {
            add(std::string("total_spend ") + op + " " + k);
            add(std::string(k) + " " + op + " total_spend");
        }
        for (const char* k : {"2026-11-23", "2024-02-29", "0001-01-01", "9999-12-31", "2026-10-24"}) {
            add(std::string("last_order_date ") + op + " " + k);
            add(std::string(k) + " " + op + " signup_date");
        }
        for (const char* k : {"0", "1", "350", "700", "8892", "8893", "-9223372036854775807"}) {
            add(std::string("customer_id ") + op + " " + k);
            add(std::string(k) + " " + op + " customer_id");
        }
    }
    Checked checked = check_text(text);
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0u, checked.text());
    const optimize::TableStats stats = optimize::gather_stats(table);
    engine::CompileOptions options;
    options.stats = &stats;
    engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of, options);
    size_t lookups = 0;
    for (const auto& rule : compiled.rules) lookups += ir::dump(*rule.root).find("dict-lookup") != std::string::npos;
    BOOST_CHECK_GT(lookups, 100u);  // the `in` rules became lookups
    auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
    auto vm = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
    // The same table with codes in one or two bytes, as loaders leave them.
    data::Table narrow = table;
    narrow.narrow_code_columns();
    BOOST_CHECK_EQUAL(+narrow.find("tier")->code_width, 1);
    BOOST_CHECK_EQUAL(+narrow.find("country")->code_width, 1);
    BOOST_CHECK_EQUAL(+narrow.find("email")->code_width, 2);
    auto vm_narrow = engine::evaluate(compiled, narrow, engine::Evaluator::Vm, 1);
    size_t members = 0;
    for (const auto& rule : compiled.rules) {
        BOOST_CHECK_MESSAGE(vm[rule.segment] == reference[rule.segment], ir::dump(*rule.root));
        BOOST_CHECK_MESSAGE(vm_narrow[rule.segment] == reference[rule.segment], "narrow codes: " << ir::dump(*rule.root));
        members += reference[rule.segment].count();
    }
    BOOST_CHECK_GT(members, 0u);
    // Without statistics nothing becomes a lookup: every condition runs per row (text through LoadStr).
    engine::CompiledCatalog per_row = engine::compile(checked.catalog, as_of, engine::CompileOptions{});
    auto vm_per_row = engine::evaluate(per_row, narrow, engine::Evaluator::Vm, 1);
    for (const auto& rule : per_row.rules) {
        BOOST_CHECK_MESSAGE(vm_per_row[rule.segment] == reference[rule.segment], "per row: " << ir::dump(*rule.root));
    }
}

// `x is [not] null` of a column reads the column's validity bits and no value (LoadPresent): every column of the test
// schema, over three batches and a partial one (every batch its own NULLs), alone, negated and behind another
// condition, against the reference evaluator and against the column's own NULLs.
BOOST_AUTO_TEST_CASE(null_tests_read_each_batch_s_own_validity) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    Random random(env_or("SEGMINT_SEED", 20261206));
    const uint64_t rows = 3 * vm::kBatchSize + 77;
    const data::Table table = random_table(random, test_schema(), rows);
    std::string text;
    std::vector<std::pair<std::string, bool>> plain;  // each plain test's column and whether it is `is null`
    int n = 0;
    const auto add = [&](const std::string& rule) { text += "segment r" + std::to_string(n++) + ":\n  " + rule + "\n"; };
    for (const auto& column : test_schema().columns) {
        plain.emplace_back(column.name, true);
        add(column.name + " is null");
        plain.emplace_back(column.name, false);
        add(column.name + " is not null");
    }
    for (const auto& column : test_schema().columns) {
        add("not (" + column.name + " is null)");
        add("age > 30 and " + column.name + " is not null");
        add(column.name + " is null or customer_id > 100");
    }
    Checked checked = check_text(text);
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0u, checked.text());
    engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
    size_t present_loads = 0;  // the null tests run as LoadPresent (mostly shared: most rules repeat one), not IsNull
    for (const auto* programs : {&compiled.programs, &compiled.shared_programs}) {
        for (const auto& program : *programs) {
            for (const auto& in : program.code) present_loads += in.op == vm::Opcode::LoadPresent;
        }
    }
    BOOST_CHECK_GE(present_loads, test_schema().columns.size());
    const auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
    const auto vm = engine::evaluate(compiled, table, engine::Evaluator::Vm, 2);
    size_t some_null = 0;
    for (size_t s = 0; s < plain.size(); ++s) {
        const data::Column& column = *table.find(plain[s].first);
        uint64_t expected = 0;
        for (uint64_t row = 0; row < rows; ++row) expected += column.is_null(row) == plain[s].second;
        BOOST_CHECK_MESSAGE(vm[s].count() == expected, plain[s].first << (plain[s].second ? " is null" : " is not null")
                                                                       << ": " << vm[s].count() << " rows, expected "
                                                                       << expected);
        some_null += plain[s].second && expected > 0 && expected < rows;
    }
    BOOST_CHECK_GE(some_null, 10u);  // columns with NULLs and values both, so the bits tell batches apart
    for (const auto& rule : compiled.rules) {
        BOOST_CHECK_MESSAGE(vm[rule.segment] == reference[rule.segment], ir::dump(*rule.root));
    }
}

// `+`, `-` and `*` of ints run without a check per row where every operand of a batch lies within a bound (2^31 for
// `*`, 2^62 for `+` and `-`: vm/kernels_arithmetic.h) and checked otherwise. Batch by batch: small values; values at
// the bounds (every product and sum fits); values just past them (some overflow, some do not); products of values up
// to 2^32 (past the bound of `*`, which a wider bound would miss); sums at either end of int64. NULL rows keep
// theirs, so a result valid where an operand is NULL shows too. Every result against the reference evaluator, the
// columns as loaded and narrowed.
BOOST_AUTO_TEST_CASE(int_arithmetic_near_its_overflow_bounds_agrees_with_the_reference) {
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23T12:00:00Z", &as_of);
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t k31 = int64_t{1} << 31, k32 = int64_t{1} << 32, k62 = int64_t{1} << 62;
    const std::vector<std::vector<int64_t>> batches = {
        {-50, -7, -1, 0, 1, 3, 49},
        {-k31, k31 - 1, -1, 0, 1, 46341, -46341, 3},
        {k31, -k31 - 1, 3037000499, 3037000500, -3037000500, k31 - 1, 2},
        {k32 - 1, -k32, k31, 1, 2, -3},
        {k62 - 1, -k62, k62, -k62 - 1, kMax, kMin, 0, 1, -1}};
    Random random(env_or("SEGMINT_SEED", 20261207));
    // The kinds of batch in turn, at least 64 rows of each (the sanitizer build's batches are of 4 rows), then a short
    // last batch of small values.
    const uint64_t rounds = std::max<uint64_t>(1, 64 / vm::kBatchSize);
    const uint64_t kinds = rounds * batches.size();
    const uint64_t rows = kinds * vm::kBatchSize + 17;
    data::Table table = random_table(random, test_schema(), rows);
    for (const char* name : {"age", "loyalty_points"}) {
        size_t index = 0;
        while (table.column(index).name != name) ++index;
        data::Column& column = table.mutable_column(index);
        int64_t* values = column.i64.mutable_data();
        for (uint64_t row = 0; row < rows; ++row) {
            const uint64_t batch = row / vm::kBatchSize;
            if (!column.is_null(row)) values[row] = random.pick(batches[batch < kinds ? batch % batches.size() : 0]);
        }
    }
    std::string text;
    int n = 0;
    std::vector<std::string> overflow_tests;  // `age OP loyalty_points is null`, one per operator
    for (const char* op : {"+", "-", "*"}) {
        overflow_tests.push_back("a" + std::to_string(n));
        for (const std::string& expression : {std::string("age ") + op + " loyalty_points",
                                              std::string("loyalty_points ") + op + " age",
                                              std::string("age ") + op + " 3", std::string("age ") + op + " age"}) {
            for (const std::string& test : {"(" + expression + ") is null", "(" + expression + ") % 997 > 400",
                                            "(" + expression + ") > 0", "(" + expression + ") = 0"}) {
                text += "segment a" + std::to_string(n++) + ":\n  " + test + "\n";
            }
        }
    }
    Checked checked = check_text(text);
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0u, checked.text());
    engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
    data::Table narrow = table;
    narrow.narrow_int_columns();
    const auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
    for (const data::Table* in : {&table, &narrow}) {
        const auto vm = engine::evaluate(compiled, *in, engine::Evaluator::Vm, 1);
        for (const auto& rule : compiled.rules) {
            BOOST_CHECK_MESSAGE(vm[rule.segment] == reference[rule.segment], ir::dump(*rule.root));
        }
    }
    // The values overflow each operator somewhere (a row of present operands whose result is NULL), else the checked
    // path would go untried.
    const data::Column& age = *table.find("age");
    const data::Column& points = *table.find("loyalty_points");
    for (const std::string& name : overflow_tests) {
        const size_t segment = static_cast<size_t>(
            std::find(compiled.segment_names.begin(), compiled.segment_names.end(), name) -
            compiled.segment_names.begin());
        BOOST_REQUIRE_LT(segment, compiled.segment_names.size());
        uint64_t overflowed = 0;
        for (uint64_t row = 0; row < rows; ++row) {
            overflowed += !age.is_null(row) && !points.is_null(row) && reference[segment].get(row);
        }
        BOOST_CHECK_MESSAGE(overflowed > 0, name << ": no row overflows");
    }
}

// `contains` over a list column compares a row's first four items without a loop (items past the row's end masked
// off) and loops over longer lists and over the column's last items: lists of 0 to 9 items, the searched tag at every
// position, NULL rows, and tables whose last row holds 0 to 4 items (with fewer than four, reading four would pass the
// column's end: the loop takes it), each against the reference evaluator, on its own (every row open) and behind a
// narrower selection. Dictionaries of 5, 64 and 65 tags: up to 64, a column read by several `contains` in a batch is
// tested on bits built once per batch (vm::Machine::State::list_bits), from the second batch on; past 64, per row.
BOOST_AUTO_TEST_CASE(list_contains_agrees_for_every_list_length_and_position) {
    const size_t tags_index = static_cast<size_t>(test_schema().find("tags") - test_schema().columns.data());
    Random random(20261205);
    for (const size_t pool_size : {size_t{5}, size_t{64}, size_t{65}}) {
        for (uint64_t rows : {1u, 2u, 3u, 5u, 64u, 700u, 4096u + 9u, 3 * 4096u + 5u}) {
            data::Table table = random_table(random, test_schema(), rows);
            data::Column& tags = table.mutable_column(tags_index);
            tags = data::Column{};
            tags.name = "tags";
            tags.type = schema::ColumnType::StringList;
            std::vector<std::string> pool = {"vip", "new", "gold", "outdoor", "x"};
            while (pool.size() < pool_size) pool.push_back("t" + std::to_string(pool.size()));
            for (uint64_t row = 0; row < rows; ++row) {
                if (row % 11 == 10) {
                    tags.append_null();
                    continue;
                }
                // Lengths cycle 0..9; the last rows get 0..4 items by turns as `rows` changes.
                const size_t n = row + 1 == rows ? rows % 5 : (row * 7 + rows) % 10;
                std::vector<std::string_view> items;
                for (size_t k = 0; k < n; ++k) items.push_back(pool[(row + k * 3) % pool.size()]);
                tags.append_list(items);
            }
            table.finish_rows();
            if (rows > pool_size * 10) BOOST_CHECK_EQUAL(table.column(tags_index).dictionary.size(), pool_size);
            std::string text, behind;  // behind: every `contains` behind `age > 3`, so bits are built under it
            int number = 0;
            std::vector<std::string> searched = {"vip", "new", "gold", "outdoor", "x", "absent"};
            const data::Dictionary& dictionary = table.column(tags_index).dictionary;
            for (int32_t code : {62, 63, 64}) {  // the highest codes a set of bits holds, and the first past them
                if (static_cast<size_t>(code) < dictionary.size()) searched.emplace_back(dictionary.value(code));
            }
            for (const std::string& tag : searched) {
                const std::string contains = "tags contains \"" + tag + "\"";
                for (const std::string& rule : {contains, "not (" + contains + ")", "age > 3 and " + contains,
                                                "tags contains any (\"" + tag + "\", \"x\")"}) {
                    text += "segment r" + std::to_string(number++) + ": " + rule + "\n";
                }
                behind += "segment b" + std::to_string(number++) + ": age > 3 and " + contains + "\n";
            }
            Checked checked = check_text(text);
            BOOST_REQUIRE_MESSAGE(checked.errors() == 0u, checked.text());
            scalar::AsOf as_of;
            engine::parse_as_of("2026-11-23", &as_of);
            // Each condition occurs in several rules: shared, it runs with every row open; not shared, behind `age > 3`
            // (then the list bits serve batches whose rows are at least half open).
            engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
            BOOST_CHECK(!compiled.shared_conditions.empty());
            engine::CompileOptions unshared;
            unshared.optimizer.disabled = {optimize::kSharedConditions};
            engine::CompiledCatalog compiled_unshared = engine::compile(checked.catalog, as_of, unshared);
            auto reference = engine::evaluate(compiled, table, engine::Evaluator::Reference);
            auto vm = engine::evaluate(compiled, table, engine::Evaluator::Vm, 1);
            auto vm_unshared = engine::evaluate(compiled_unshared, table, engine::Evaluator::Vm, 1);
            uint64_t members = 0;
            for (const auto& rule : compiled.rules) {
                BOOST_CHECK_MESSAGE(vm[rule.segment] == reference[rule.segment],
                                    rows << " rows, " << pool_size << " tags: " << ir::dump(*rule.root));
                BOOST_CHECK_MESSAGE(vm_unshared[rule.segment] == reference[rule.segment],
                                    rows << " rows, " << pool_size << " tags, unshared: " << ir::dump(*rule.root));
                members += reference[rule.segment].count();
            }
            BOOST_CHECK_GT(members, 0u);
            Checked checked_behind = check_text(behind);
            BOOST_REQUIRE_MESSAGE(checked_behind.errors() == 0u, checked_behind.text());
            engine::CompiledCatalog compiled_behind = engine::compile(checked_behind.catalog, as_of, unshared);
            auto reference_behind = engine::evaluate(compiled_behind, table, engine::Evaluator::Reference);
            auto vm_behind = engine::evaluate(compiled_behind, table, engine::Evaluator::Vm, 1);
            for (const auto& rule : compiled_behind.rules) {
                BOOST_CHECK_MESSAGE(vm_behind[rule.segment] == reference_behind[rule.segment],
                                    rows << " rows, " << pool_size << " tags, behind: " << ir::dump(*rule.root));
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
