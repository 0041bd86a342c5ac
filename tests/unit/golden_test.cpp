// Golden files: tests/golden/parse/NAME.seg → NAME.expected holds the AST dump (and any diagnostics);
// tests/golden/diag/NAME.seg → NAME.expected holds the exact text `segmint check` prints for it;
// tests/golden/fmt/NAME.seg → NAME.expected holds what `segmint fmt` makes of it;
// tests/golden/prove/NAME.seg → NAME.expected holds the lints of `segmint prove`.
// Regenerate after an intended change: cmake --build build --target update-goldens (then review the diff).
#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "analysis/static_proofs.h"
#include "ast/format.h"
#include "engine/engine.h"
#include "prove/prover.h"
#include "report/diagnostic_render.h"
#include "sql/sql.h"
#include "syntax/parse.h"
#include "test_support.h"
#include "vm/disassembler.h"
#include "vm/opcodes.h"

using namespace segmint;
using namespace segmint::testing;

namespace {
std::string expected_path(const std::string& seg_path) {
    return std::filesystem::path(seg_path).replace_extension(".expected").string();
}
std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(golden)

// The golden folders hold exactly the pairs tests/golden/goldens.txt lists: each NAME.seg with its NAME.expected, none
// missing (a deleted pair would otherwise shrink the suite silently), none extra.
BOOST_AUTO_TEST_CASE(golden_folders_hold_exactly_the_listed_pairs) {
    const std::string root = source_dir() + "/tests/golden";
    std::set<std::string> listed, found;
    std::istringstream manifest(read_file(root + "/goldens.txt"));
    for (std::string line; std::getline(manifest, line);) {
        if (!line.empty() && line[0] != '#') listed.insert(line);
    }
    BOOST_REQUIRE_GE(listed.size(), 60u);
    for (const char* folder : {"parse", "diag", "fmt", "bytecode", "optimize", "prove", "sql"}) {
        for (const auto& entry : std::filesystem::directory_iterator(root + "/" + folder)) {
            const auto path = entry.path();
            const std::string name = std::string(folder) + "/" + path.stem().string();
            if (path.extension() == ".seg") {
                found.insert(name);
                BOOST_CHECK_MESSAGE(std::filesystem::exists(expected_path(path.string())), name << " has no .expected");
            } else if (path.extension() == ".expected") {
                BOOST_CHECK_MESSAGE(std::filesystem::exists(path.parent_path() / (path.stem().string() + ".seg")),
                                    name << ".expected has no .seg");
            } else {
                BOOST_ERROR("unexpected file in the golden folders: " << path.string());
            }
        }
    }
    for (const auto& name : listed) BOOST_CHECK_MESSAGE(found.count(name), name << " is listed but missing");
    for (const auto& name : found) BOOST_CHECK_MESSAGE(listed.count(name), name << " is not listed in goldens.txt");
}

BOOST_AUTO_TEST_CASE(parse_goldens) {
    auto files = files_with_extension(source_dir() + "/tests/golden/parse", ".seg");
    BOOST_REQUIRE_GE(files.size(), 10u);
    for (const auto& path : files) {
        BOOST_TEST_CONTEXT(path) {
            DiagnosticSink sink;
            auto file = syntax::parse(std::make_shared<const Source>(base_name(path), read_file(path)), sink);
            std::string actual = ast::dump(file) + report::render_text(sink.diagnostics());
            std::string problem = compare_golden(expected_path(path), actual);
            BOOST_CHECK_MESSAGE(problem.empty(), problem);
        }
    }
}

BOOST_AUTO_TEST_CASE(diagnostic_goldens) {
    auto files = files_with_extension(source_dir() + "/tests/golden/diag", ".seg");
    BOOST_REQUIRE_GE(files.size(), 10u);
    for (const auto& path : files) {
        BOOST_TEST_CONTEXT(path) {
            Checked checked = check_text(read_file(path), base_name(path));
            BOOST_CHECK_MESSAGE(!checked.diagnostics.empty(), path << " produces no diagnostic");
            std::string problem = compare_golden(expected_path(path), checked.text());
            BOOST_CHECK_MESSAGE(problem.empty(), problem);
        }
    }
}

BOOST_AUTO_TEST_CASE(fmt_goldens) {
    auto files = files_with_extension(source_dir() + "/tests/golden/fmt", ".seg");
    BOOST_REQUIRE_GE(files.size(), 10u);
    for (const auto& path : files) {
        BOOST_TEST_CONTEXT(path) {
            DiagnosticSink sink;
            auto file = syntax::parse(std::make_shared<const Source>(base_name(path), read_file(path)), sink);
            BOOST_REQUIRE_MESSAGE(!sink.has_errors(), report::render_text(sink.diagnostics()));
            std::string problem = compare_golden(expected_path(path), ast::format_file(file));
            BOOST_CHECK_MESSAGE(problem.empty(), problem);
        }
    }
}

namespace {
// Every NAME.seg of tests/golden/FOLDER, compiled as of 2026-11-23 without table statistics, rendered by `render` and
// compared with NAME.expected. Warnings are allowed only where `allow_warnings` (a rule the optimizer empties may
// draw one); errors never are.
template <typename Render>
void check_compiled_goldens(const std::string& folder, bool allow_warnings, const Render& render) {
    auto files = files_with_extension(source_dir() + "/tests/golden/" + folder, ".seg");
    BOOST_REQUIRE_GE(files.size(), 3u);
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    for (const auto& path : files) {
        BOOST_TEST_CONTEXT(path) {
            Checked checked = check_text(read_file(path), base_name(path));
            BOOST_REQUIRE_MESSAGE(allow_warnings ? checked.errors() == 0 : checked.diagnostics.empty(), checked.text());
            const engine::CompiledCatalog compiled = engine::compile(checked.catalog, as_of);
            std::string problem = compare_golden(expected_path(path), render(checked, compiled));
            BOOST_CHECK_MESSAGE(problem.empty(), problem);
        }
    }
}
}  // namespace

// tests/golden/bytecode/NAME.seg → NAME.expected: each segment's IR and bytecode listing, as `segmint explain` shows.
BOOST_AUTO_TEST_CASE(bytecode_goldens) {
    check_compiled_goldens("bytecode", false, [](const Checked& checked, const engine::CompiledCatalog& compiled) {
        std::string actual;
        for (size_t i = 0; i < compiled.rules.size(); ++i) {
            actual += "IR:\n" + ir::dump(*compiled.rules[i].root);
            actual += vm::disassemble(compiled.programs[i], test_schema(), compiled.segment_names,
                                      checked.catalog.files[0].source.get()) +
                      "\n";
        }
        return actual;
    });
}

// tests/golden/optimize/NAME.seg → NAME.expected: each rule as written and as the optimizer leaves it, so a change to
// a pass shows as a reviewable diff of IR.
BOOST_AUTO_TEST_CASE(optimizer_goldens) {
    check_compiled_goldens("optimize", true, [](const Checked&, const engine::CompiledCatalog& compiled) {
        std::string actual;
        BOOST_REQUIRE_EQUAL(compiled.rules.size(), compiled.written_rules.size());
        for (size_t i = 0; i < compiled.rules.size(); ++i) {
            BOOST_REQUIRE_EQUAL(compiled.rules[i].segment, compiled.written_rules[i].segment);
            actual += "segment " + compiled.segment_names[compiled.rules[i].segment] + "\nas written:\n" +
                      ir::dump(*compiled.written_rules[i].root) + "optimized:\n" + ir::dump(*compiled.rules[i].root) +
                      "\n";
        }
        return actual;
    });
}

// tests/golden/prove/NAME.seg → NAME.expected: the catalog lints of `segmint prove` (P001 impossible, P002 equal,
// P003 dead condition) as text, and how many segments the proofs left undecided.
BOOST_AUTO_TEST_CASE(prove_lint_goldens) {
    check_compiled_goldens("prove", false, [](const Checked& checked, const engine::CompiledCatalog& compiled) {
        prove::Prover prover(checked.catalog, compiled.as_of);
        const analysis::CatalogLints lints = analysis::lint_catalog(checked.catalog, prover);
        std::vector<Diagnostic> diagnostics;
        for (const auto& lint : lints.lints) diagnostics.push_back(lint.diagnostic);
        return report::render_text(diagnostics) + "undecided segments: " + std::to_string(lints.undecided_segments) +
               "\n";
    });
}

// tests/golden/sql/DIALECT_NAME.seg → DIALECT_NAME.expected: the counts, members and views SQL of every segment in
// the dialect its name starts with (`segmint sql --dialect sqlite`), or why a segment is refused.
// tests/unit/sql_sqlite_test.cpp and tests/sql/sql_postgres_test.cpp run such SQL.
BOOST_AUTO_TEST_CASE(sql_goldens) {
    check_compiled_goldens("sql", true, [](const Checked& checked, const engine::CompiledCatalog& compiled) {
        const std::string file = checked.catalog.files.at(0).source->name();
        const std::string dialect = file.substr(0, file.find('_'));
        sql::Generator generator(checked.catalog, compiled.as_of, dialect);
        std::string actual;
        std::vector<uint32_t> translated;
        for (const auto& rule : compiled.rules) {
            if (auto refusal = generator.refusal(rule.segment))
                actual += "refused " + compiled.segment_names[rule.segment] + ": " + refusal->message() + "\n";
            else
                translated.push_back(rule.segment);
        }
        for (sql::Mode mode : {sql::Mode::Counts, sql::Mode::Members, sql::Mode::Views}) {
            sql::QueryOptions options;
            options.mode = mode;
            actual += std::string("-- ") + sql::mode_name(mode) + "\n" + generator.query(translated, options);
        }
        return actual;
    });
}

// In CI the update switch is ignored: a golden is compared, never rewritten into agreement.
BOOST_AUTO_TEST_CASE(ci_never_rewrites_a_golden) {
    TempDir dir("golden");
    const std::string path = dir.write("x.expected", "old\n");
    // Both variables restored afterwards: `update-goldens` sets the switch for the goldens after this one too.
    const auto saved = [](const char* name) {
        const char* value = std::getenv(name);
        return value ? std::optional<std::string>(value) : std::nullopt;
    };
    const auto restore = [](const char* name, const std::optional<std::string>& value) {
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    };
    const auto ci_before = saved("CI"), update_before = saved("SEGMINT_UPDATE_GOLDENS");
    ::setenv("SEGMINT_UPDATE_GOLDENS", "1", 1);
    ::setenv("CI", "true", 1);
    const std::string problem = compare_golden(path, "new\n");
    restore("SEGMINT_UPDATE_GOLDENS", update_before);
    restore("CI", ci_before);
    BOOST_TEST(!problem.empty());
    BOOST_TEST(read_file(path) == "old\n");
}

// docs/bytecode.md is generated from src/vm/opcodes.def and must match it.
BOOST_AUTO_TEST_CASE(bytecode_reference_doc) {
    std::string problem = compare_golden(source_dir() + "/docs/bytecode.md", vm::opcode_reference_markdown());
    BOOST_CHECK_MESSAGE(problem.empty(), problem);
}

// Every diagnostic code a spec file can produce has a golden file that shows it (codes for YAML and limits that
// need huge inputs are covered by their own tests).
BOOST_AUTO_TEST_CASE(every_spec_code_has_a_golden) {
    std::string all;
    for (const char* folder : {"diag", "prove"}) {
        for (const auto& path : files_with_extension(source_dir() + "/tests/golden/" + folder, ".expected"))
            all += read_file(path);
    }
    size_t count = 0;
    const CodeInfo* codes = all_codes(&count);
    for (size_t i = 0; i < count; ++i) {
        std::string id = codes[i].id;
        bool needs_huge_input = codes[i].code == Code::FileTooLarge || codes[i].code == Code::StringTooLong ||
                                codes[i].code == Code::ListTooLong || codes[i].code == Code::TooManyErrors ||
                                codes[i].code == Code::SegmentLimit || codes[i].code == Code::NulByte ||
                                codes[i].code == Code::InvalidUtf8;
        if (id[1] == '2' || needs_huge_input) continue;
        BOOST_CHECK_MESSAGE(all.find("[" + id + "]") != std::string::npos, "no golden shows " << id);
    }
}

BOOST_AUTO_TEST_SUITE_END()
