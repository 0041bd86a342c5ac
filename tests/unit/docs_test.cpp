// The language reference cannot rot: every ```seg block in docs/language.md must parse and type-check cleanly
// against the demo schema, and every built-in function and diagnostic code must be documented.
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "frontend/compile.h"
#include "report/diagnostic_render.h"
#include "semantic/functions.h"
#include "syntax/parse.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;

namespace {

struct Block {
    int line;
    std::string text;
};

std::vector<Block> code_blocks(const std::string& markdown, const std::string& language) {
    std::vector<Block> blocks;
    std::istringstream in(markdown);
    std::string line;
    int number = 0;
    bool inside = false;
    Block current{0, ""};
    while (std::getline(in, line)) {
        ++number;
        if (!inside && line == "```" + language) {
            inside = true;
            current = {number + 1, ""};
        } else if (inside && line == "```") {
            inside = false;
            blocks.push_back(current);
        } else if (inside) {
            current.text += line + "\n";
        }
    }
    return blocks;
}

const schema::Schema& demo_schema() {
    static const schema::Schema schema = [] {
        DiagnosticSink sink;
        std::vector<std::string> errors;
        auto loaded = frontend::load_schema_file(source_dir() + "/specs/schema.yaml", sink, &errors);
        if (!loaded) throw std::runtime_error("specs/schema.yaml does not load");
        return *loaded;
    }();
    return schema;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(docs)

BOOST_AUTO_TEST_CASE(language_examples_parse_and_check) {
    std::string doc = read_file(source_dir() + "/docs/language.md");
    auto blocks = code_blocks(doc, "seg");
    BOOST_REQUIRE_GE(blocks.size(), 15u);
    for (const auto& block : blocks) {
        BOOST_TEST_CONTEXT("docs/language.md block at line " << block.line) {
            DiagnosticSink sink;
            std::vector<ast::File> files;
            files.push_back(syntax::parse(std::make_shared<const Source>("language.md", block.text), sink));
            BOOST_CHECK(!files[0].definitions.empty());
            semantic::check(std::move(files), demo_schema(), sink);
            BOOST_CHECK_MESSAGE(sink.diagnostics().empty(), report::render_text(sink.diagnostics()));
        }
    }
}

BOOST_AUTO_TEST_CASE(every_function_is_documented) {
    std::string doc = read_file(source_dir() + "/docs/language.md");
    for (const auto& function : semantic::all_functions()) {
        BOOST_CHECK_MESSAGE(doc.find(std::string("| `") + function.name + "` |") != std::string::npos,
                            "docs/language.md does not document " << function.name);
    }
}

BOOST_AUTO_TEST_CASE(every_diagnostic_code_is_documented) {
    std::string doc = read_file(source_dir() + "/docs/diagnostics.md");
    size_t count = 0;
    const CodeInfo* codes = all_codes(&count);
    for (size_t i = 0; i < count; ++i) {
        BOOST_CHECK_MESSAGE(doc.find(std::string("| ") + codes[i].id + " |") != std::string::npos,
                            "docs/diagnostics.md does not document " << codes[i].id);
    }
}

BOOST_AUTO_TEST_SUITE_END()
