// The bytecode verifier rejects every malformed program before it can run.
#include <boost/test/unit_test.hpp>

#include "engine/engine.h"
#include "test_support.h"
#include "vm/verifier.h"

using namespace segmint;
using namespace segmint::testing;

namespace {
vm::Program compiled(const std::string& rule) {
    Checked checked = check_text("segment other: age > 1\nsegment s: " + rule + "\n");
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0, checked.text());
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    engine::CompileOptions options;
    options.optimizer.enabled = false;  // the mutations below assume the program as generated from the rule
    auto result = engine::compile(checked.catalog, as_of, options);
    return result.programs.back();
}
std::string verify(const vm::Program& p) { return vm::verify(p, test_schema(), 2); }
}  // namespace

BOOST_AUTO_TEST_SUITE(verifier)

BOOST_AUTO_TEST_CASE(generated_programs_verify) {
    BOOST_CHECK_EQUAL(verify(compiled("orders_90d >= 5 and (tier in (\"gold\") or other)")), "");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_programs) {
    const vm::Program good = compiled("orders_90d >= 5 and email matches \"^a\" and other");
    auto broken = [&](auto mutate) {
        vm::Program p = good;
        mutate(p);
        return verify(p);
    };
    auto find = [&](vm::Program& p, vm::Opcode op) -> vm::Instruction& {
        for (auto& in : p.code) if (in.op == op) return in;
        throw std::logic_error("opcode not in program");
    };
    BOOST_CHECK(broken([](vm::Program& p) { p.code[2].a = 60000; }).find("out of range") != std::string::npos);
    BOOST_CHECK(broken([&](vm::Program& p) {
                    auto& load = find(p, vm::Opcode::LoadI64);  // becomes a negation of its own, unwritten register
                    load.op = vm::Opcode::NegI64;
                    load.a = load.dst;
                }).find("read before it is written") != std::string::npos);
    BOOST_CHECK(broken([&](vm::Program& p) { find(p, vm::Opcode::LoadI64).imm = 1; })  // email is not an int
                    .find("is not i64") != std::string::npos);
    BOOST_CHECK(broken([&](vm::Program& p) { find(p, vm::Opcode::LoadSegment).imm = 1; })  // its own segment
                    .find("own membership") != std::string::npos);
    BOOST_CHECK(broken([&](vm::Program& p) { find(p, vm::Opcode::Matches).imm = 9; }).find("regex") != std::string::npos);
    BOOST_CHECK(broken([&](vm::Program& p) { find(p, vm::Opcode::ConstI64).imm = 99; }).find("constant") !=
                std::string::npos);
    BOOST_CHECK(broken([&](vm::Program& p) {
                    auto& in = find(p, vm::Opcode::PopSelection);
                    in.op = vm::Opcode::Not;  // a pop goes missing
                    in.dst = 0;
                }) != "");
    BOOST_CHECK(broken([](vm::Program& p) { p.code.pop_back(); p.spans.pop_back(); }).find("StoreResult") !=
                std::string::npos);
    BOOST_CHECK(broken([](vm::Program& p) { p.spans.pop_back(); }).find("span") != std::string::npos);
    BOOST_CHECK(broken([](vm::Program& p) { p.registers[0] = vm::RegKind::Str; }) != "");
}

// A shared condition's program reads only shared conditions before its own: vm::evaluate runs them in order, so a
// later slot would still hold the previous batch's bits.
BOOST_AUTO_TEST_CASE(shared_programs_read_only_earlier_shared_conditions) {
    Checked checked = check_text(
        "segment a: not (email ends with \"@x.com\") and age > 30\n"
        "segment b: not (email ends with \"@x.com\") or tier = \"gold\"\n"
        "segment c: not (email ends with \"@x.com\") and age < 20\n"
        "segment d: email is not null and not (email ends with \"@x.com\")\n"
        "segment e: (email is not null and not (email ends with \"@x.com\")) or age > 60\n"
        "segment f: (email is not null and not (email ends with \"@x.com\")) or email_opt_in\n");
    BOOST_REQUIRE_MESSAGE(checked.errors() == 0, checked.text());
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    const auto result = engine::compile(checked.catalog, as_of, {});
    const size_t shared = result.shared_programs.size();
    const vm::Program* reader = nullptr;
    for (const auto& program : result.shared_programs) {
        for (const auto& in : program.code) {
            if (in.op == vm::Opcode::LoadShared) reader = &program;
        }
    }
    BOOST_REQUIRE_MESSAGE(reader, "no shared condition reads another");
    BOOST_CHECK_EQUAL(vm::verify(*reader, test_schema(), 6, shared), "");
    const uint32_t own = reader->code.back().imm;
    for (uint32_t slot = own; slot < shared; ++slot) {  // its own slot and every later one
        vm::Program p = *reader;
        for (auto& in : p.code) {
            if (in.op == vm::Opcode::LoadShared) in.imm = slot;
        }
        const std::string problem = vm::verify(p, test_schema(), 6, shared);
        BOOST_CHECK_MESSAGE(problem.find("before its own") != std::string::npos,
                            "reading slot " << slot << " from slot " << own << ": " << problem);
    }
}

// `x is [not] null` of a column reads its validity (LoadPresent), which any column type has; the column must exist.
BOOST_AUTO_TEST_CASE(null_tests_of_columns_of_every_type) {
    for (const auto& column : test_schema().columns) {
        for (const char* test : {" is null", " is not null"}) {
            const vm::Program p = compiled(column.name + test);
            size_t loads = 0;
            for (const auto& in : p.code) loads += in.op == vm::Opcode::LoadPresent;
            BOOST_CHECK_MESSAGE(loads == 1, column.name << test << ": " << loads << " LoadPresent");
            BOOST_CHECK_MESSAGE(verify(p).empty(), column.name << test << ": " << verify(p));
            vm::Program out_of_range = p;
            for (auto& in : out_of_range.code) {
                if (in.op == vm::Opcode::LoadPresent) in.imm = static_cast<uint32_t>(test_schema().columns.size());
            }
            BOOST_CHECK(verify(out_of_range).find("column out of range") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
