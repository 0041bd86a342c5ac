// segmint.yaml and fixture files: what loads, and the exact errors for what does not (BAD_INPUTS 21-24).
#include "project/project.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "project/fixture.h"
#include "report/diagnostic_render.h"
#include "test_support.h"

using namespace segmint;
using namespace segmint::testing;
namespace fs = std::filesystem;

namespace {

// A temporary project folder with a schema and two spec files.
struct TempProject {
    TempDir folder{"segmint_project"};
    std::string dir = folder.path;
    TempProject() {
        fs::create_directories(dir + "/specs/nested");
        write_file(dir + "/schema.yaml", "table: c\nkey: id\ncolumns:\n  id: int\n  age: int\n  tags: list<string>\n");
        write_file(dir + "/specs/a.seg", "segment adults:\n  age >= 18\n");
        write_file(dir + "/specs/nested/b.seg", "segment minors:\n  age < 18\n");
    }

    struct Result {
        std::optional<segmint::project::Project> project;
        std::string text;  // rendered diagnostics
    };
    Result load(const std::string& yaml) const {
        DiagnosticSink sink;
        auto source = std::make_shared<Source>("segmint.yaml", yaml);
        Result result;
        result.project = segmint::project::load_project(source, dir, ".", sink);
        sink.sort();
        result.text = report::render_text(sink.diagnostics());
        return result;
    }
};

const std::string kGood = "schema: schema.yaml\nsegments: [\"specs/**/*.seg\"]\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(project)

BOOST_AUTO_TEST_CASE(glob_matching) {
    using segmint::project::glob_match;
    BOOST_CHECK(glob_match("specs/*.seg", "specs/a.seg"));
    BOOST_CHECK(!glob_match("specs/*.seg", "specs/nested/b.seg"));
    BOOST_CHECK(glob_match("specs/**/*.seg", "specs/a.seg"));  // `**` is zero or more folders
    BOOST_CHECK(glob_match("specs/**/*.seg", "specs/x/y/b.seg"));
    BOOST_CHECK(glob_match("**", "a/b/c"));
    BOOST_CHECK(glob_match("s?ecs/a.seg", "specs/a.seg"));
    BOOST_CHECK(!glob_match("s?ecs/a.seg", "s/ecs/a.seg"));  // `?` never matches `/`
    BOOST_CHECK(!glob_match("*.seg", "a.segx"));
    BOOST_CHECK(glob_match("a*b*c", "aXXbYYc"));
    BOOST_CHECK(!glob_match("a*b*c", "aXXbYY"));
    BOOST_CHECK(glob_match("tests/*.yaml", "tests/x.yaml"));
}

BOOST_AUTO_TEST_CASE(a_good_project_loads_with_sorted_spec_files) {
    TempProject temp;
    auto result = temp.load(kGood +
                            "data: schema.yaml\nas_of: 2026-11-23\nconstraints:\n  - disjoint: [adults, minors]\n"
                            "  - size: {segment: adults, min: 1, max: \"50%\"}\n");
    BOOST_REQUIRE_MESSAGE(result.project, result.text);
    BOOST_CHECK_EQUAL(result.project->schema_path, "schema.yaml");
    BOOST_REQUIRE_EQUAL(result.project->spec_files.size(), 2u);
    BOOST_CHECK_EQUAL(result.project->spec_files[0], "specs/a.seg");
    BOOST_CHECK_EQUAL(result.project->spec_files[1], "specs/nested/b.seg");
    BOOST_CHECK_EQUAL(*result.project->as_of, "2026-11-23");
    BOOST_REQUIRE_EQUAL(result.project->constraints.size(), 2u);
    const auto& size = result.project->constraints[1];
    BOOST_CHECK(size.kind == segmint::project::ConstraintKind::Size);
    BOOST_CHECK_EQUAL(size.line, 7u);
    BOOST_CHECK(!size.min->percent);
    BOOST_CHECK_EQUAL(size.min->value, 1.0);
    BOOST_CHECK(size.max->percent);
    BOOST_CHECK_EQUAL(size.max->value, 50.0);
}

BOOST_AUTO_TEST_CASE(unknown_keys_say_did_you_mean) {
    TempProject temp;
    auto result = temp.load(kGood + "constraint:\n  - disjoint: [adults, minors]\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("segmint.yaml:3:1: error[E202]: constraint: unknown key") != std::string::npos,
                        result.text);
    BOOST_CHECK(result.text.find("did you mean `constraints`?") != std::string::npos);
    // A typo in a constraint kind must not silently disable the check.
    result = temp.load(kGood + "constraints:\n  - disjiont: [adults, minors]\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("constraints[0].disjiont: unknown key") != std::string::npos, result.text);
    BOOST_CHECK(result.text.find("did you mean `disjoint`?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_key_path) {
    TempProject temp;
    auto result = temp.load("schema: [schema.yaml]\nsegments: [\"specs/*.seg\"]\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(
        result.text.find("error[E204]: schema: expected a path to the schema file, found a list") != std::string::npos,
        result.text);
    result = temp.load(kGood + "constraints:\n  - subset: {segment: [adults], of: minors}\n");
    BOOST_CHECK_MESSAGE(
        result.text.find("constraints[0].subset.segment: expected a segment name, found a list") != std::string::npos,
        result.text);
    result = temp.load(kGood + "constraints:\n  - max_overlap: {segments: [adults, minors], jaccard: 1.5}\n");
    BOOST_CHECK_MESSAGE(result.text.find("constraints[0].max_overlap.jaccard: expected a number between 0 and 1, "
                                         "found `1.5`") != std::string::npos,
                        result.text);
    result = temp.load(kGood + "constraints:\n  - size: {segment: adults, max: 5%x}\n");
    BOOST_CHECK_MESSAGE(result.text.find("constraints[0].size.max: expected a count") != std::string::npos,
                        result.text);
    // Counts up to 2^53 are exact (and printed exactly); past it, an error rather than a misprinted bound.
    for (const char* count : {"9007199254740993", "9223372036854775808", "1e20", "18446744073709551616"}) {
        result = temp.load(kGood + "constraints:\n  - size: {segment: adults, max: " + count + "}\n");
        BOOST_CHECK_MESSAGE(result.text.find("constraints[0].size.max: expected a count (a whole number up to "
                                             "9,007,199,254,740,992)") != std::string::npos,
                            count << ": " << result.text);
    }
    result = temp.load(kGood + "constraints:\n  - size: {segment: adults, max: 9007199254740992}\n");
    BOOST_CHECK_MESSAGE(result.project, result.text);
    result = temp.load(kGood + "constraints:\n  - max_overlap: {segments: [adults, minors, adults2], jaccard: 0.1}\n");
    BOOST_CHECK_MESSAGE(result.text.find("max_overlap compares exactly two segments") != std::string::npos,
                        result.text);
    result = temp.load(kGood + "constraints:\n  - size: {segment: adults}\n");
    BOOST_CHECK_MESSAGE(result.text.find("give `min`, `max` or both") != std::string::npos, result.text);
    result = temp.load(kGood + "constraints:\n  - {disjoint: [adults, minors], partition: [adults]}\n");
    BOOST_CHECK_MESSAGE(result.text.find("give one constraint per list entry") != std::string::npos, result.text);
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_errors) {
    TempProject temp;
    auto result = temp.load(kGood + "schema: other.yaml\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("error[E203]: schema: key `schema` is given twice; the first is on line 1") !=
                            std::string::npos,
                        result.text);
}

BOOST_AUTO_TEST_CASE(paths_must_stay_inside_the_root) {
    TempProject temp;
    auto result = temp.load("schema: /etc/passwd\nsegments: [\"specs/*.seg\"]\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("schema: `/etc/passwd` is an absolute path") != std::string::npos,
                        result.text);
    result = temp.load("schema: ../schema.yaml\nsegments: [\"specs/*.seg\"]\n");
    BOOST_CHECK_MESSAGE(
        result.text.find("schema: `../schema.yaml` leads outside the project root") != std::string::npos, result.text);
    result = temp.load("schema: specs/../../x.yaml\nsegments: [\"../**/*.seg\"]\n");
    BOOST_CHECK_MESSAGE(
        result.text.find("segments[0]: `../**/*.seg` leads outside the project root") != std::string::npos,
        result.text);
    BOOST_CHECK(result.text.find("schema: `specs/../../x.yaml` leads outside") != std::string::npos);
    result = temp.load(kGood + "tests: [\"tests/*.yaml\"]\n");
    BOOST_CHECK_MESSAGE(result.text.find("tests[0]: `tests/*.yaml` matches no file") != std::string::npos, result.text);
}

BOOST_AUTO_TEST_CASE(symlinks_leading_out_are_refused) {
    TempProject temp;
    TempProject outside;
    fs::create_symlink(outside.dir + "/schema.yaml", temp.dir + "/linked.yaml");
    fs::create_symlink(outside.dir + "/specs/a.seg", temp.dir + "/specs/escape.seg");
    auto result = temp.load("schema: linked.yaml\nsegments: [\"specs/*.seg\"]\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(
        result.text.find("schema: `linked.yaml` leads outside the project root through a symlink") != std::string::npos,
        result.text);
    BOOST_CHECK(result.text.find("segments[0]: `specs/*.seg` matches `specs/escape.seg`, which leads outside the "
                                 "project root through a symlink") != std::string::npos);
    // A symlink that stays inside is fine.
    fs::remove(temp.dir + "/specs/escape.seg");
    fs::create_symlink(temp.dir + "/schema.yaml", temp.dir + "/inside.yaml");
    result = temp.load("schema: inside.yaml\nsegments: [\"specs/*.seg\"]\n");
    BOOST_CHECK_MESSAGE(result.project, result.text);
}

BOOST_AUTO_TEST_CASE(fifos_devices_and_folders_are_refused) {
    TempProject temp;
    BOOST_REQUIRE_EQUAL(::mkfifo((temp.dir + "/data.csv").c_str(), 0600), 0);
    auto result = temp.load(kGood + "data: data.csv\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("data: `data.csv` is not a regular file (FIFOs and devices are not read)") !=
                            std::string::npos,
                        result.text);
    fs::create_symlink("/dev/zero", temp.dir + "/zero.csv");
    result = temp.load(kGood + "data: zero.csv\n");
    BOOST_CHECK_MESSAGE(result.text.find("data: `zero.csv` leads outside the project root") != std::string::npos,
                        result.text);
    result = temp.load(kGood + "data: specs\n");
    BOOST_CHECK_MESSAGE(result.text.find("data: `specs` is a directory") != std::string::npos, result.text);
    result = temp.load(kGood + "data: missing.csv\n");
    BOOST_CHECK_MESSAGE(result.text.find("data: `missing.csv` does not exist") != std::string::npos, result.text);
}

BOOST_AUTO_TEST_CASE(empty_and_multi_document_files_are_errors) {
    TempProject temp;
    auto result = temp.load("# only a comment\n");
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("E205") != std::string::npos, result.text);
    result = temp.load(kGood + "---\n" + kGood);
    BOOST_CHECK(!result.project);
    BOOST_CHECK_MESSAGE(result.text.find("E201") != std::string::npos, result.text);
}

BOOST_AUTO_TEST_CASE(project_file_is_found_upward) {
    TempProject temp;
    write_file(temp.dir + "/segmint.yaml", kGood);
    auto found = segmint::project::find_project_file(temp.dir + "/specs/nested");
    BOOST_REQUIRE(found);
    BOOST_CHECK_EQUAL(*found, temp.dir + "/segmint.yaml");
    BOOST_CHECK(!segmint::project::find_project_file("/"));
}

BOOST_AUTO_TEST_CASE(fixture_values_follow_the_csv_rules) {
    TempProject temp;
    DiagnosticSink sink;
    auto schema_source = std::make_shared<Source>("schema.yaml", read_file(temp.dir + "/schema.yaml"));
    auto schema = schema::load_schema(schema_source, sink);
    BOOST_REQUIRE(schema);
    auto load = [&](const std::string& text, std::string* diagnostics) {
        DiagnosticSink fixture_sink;
        auto fixture = segmint::project::load_fixture(std::make_shared<Source>("f.yaml", text), *schema, fixture_sink);
        fixture_sink.sort();
        *diagnostics = report::render_text(fixture_sink.diagnostics());
        return fixture;
    };
    std::string text;
    auto fixture = load(
        "as_of: 2026-11-23\ncustomers:\n  - {id: 1, age: 30, tags: [a, b]}\n  - {id: 2}\n"
        "expect:\n  adults: {in: [1], not_in: [2]}\n",
        &text);
    BOOST_REQUIRE_MESSAGE(fixture, text);
    BOOST_CHECK_EQUAL(fixture->table->rows(), 2u);
    const data::Column* age = fixture->table->find("age");
    BOOST_CHECK_EQUAL(age->int_at(0), 30);
    BOOST_CHECK(age->is_null(1));  // columns not given are NULL
    const data::Column* tags = fixture->table->find("tags");
    BOOST_CHECK_EQUAL(tags->list_end(0) - tags->list_begin(0), 2u);
    BOOST_REQUIRE_EQUAL(fixture->expectations.size(), 2u);
    BOOST_CHECK(!fixture->expectations[1].member);
    BOOST_CHECK_EQUAL(fixture->expectations[1].key, "2");

    fixture = load("as_of: 2026-11-23\ncustomers:\n  - {id: 1, age: 12x}\nexpect: {}\n", &text);
    BOOST_CHECK(!fixture);
    BOOST_CHECK_MESSAGE(
        text.find("f.yaml:3:18: error[E206]: customers[0].age: column `age`: expected int, found \"12x\"") !=
            std::string::npos,
        text);
    fixture = load("as_of: 2026-11-23\ncustomers:\n  - {id: 1, agee: 3}\nexpect: {}\n", &text);
    BOOST_CHECK_MESSAGE(text.find("customers[0].agee: unknown key") != std::string::npos, text);
    BOOST_CHECK(text.find("did you mean `age`?") != std::string::npos);
    fixture = load("as_of: 2026-11-23\ncustomers:\n  - {id: 1}\n  - {id: 1}\nexpect: {}\n", &text);
    BOOST_CHECK_MESSAGE(text.find("customers[1].id: customer `1` is listed twice") != std::string::npos, text);
    fixture = load("as_of: 2026-11-23\ncustomers:\n  - {age: 3}\nexpect: {}\n", &text);
    BOOST_CHECK_MESSAGE(text.find("customers[0]: every fixture customer needs its key `id`") != std::string::npos,
                        text);
    fixture = load("as_of: 2026-11-23\ncustomers:\n  - {id: 1}\nexpect:\n  adults: {in: [7]}\n", &text);
    BOOST_CHECK_MESSAGE(text.find("expect.adults.in[0]: no fixture customer has the key `7`") != std::string::npos,
                        text);
    fixture = load("as_of: 2026-13-01\ncustomers: []\nexpect: {}\n", &text);
    BOOST_CHECK_MESSAGE(text.find("as_of: `2026-13-01` is not a date") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
