// Schema files (src/schema): the format, every error class with its code and key path, and the YAML cases of
// docs BAD_INPUTS 17-25 (hostile input must end in a clean diagnostic, quickly).
#include "schema/schema.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "common/diagnostic.h"
#include "common/limits.h"
#include "common/source.h"
#include "engine/schema_checks.h"
#include "yaml/reader.h"

namespace {

using segmint::Code;
using segmint::Diagnostic;
using segmint::DiagnosticSink;
using segmint::Source;
using segmint::schema::ColumnType;
using segmint::schema::Schema;

struct Loaded {
    std::shared_ptr<const Source> source;
    DiagnosticSink sink;
    std::optional<Schema> schema;
    double seconds = 0;
};

Loaded load(std::string text) {
    Loaded out;
    out.source = std::make_shared<Source>("schema.yaml", std::move(text));
    const auto start = std::chrono::steady_clock::now();
    out.schema = segmint::schema::load_schema(out.source, out.sink);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

// Every diagnostic on one line each, for failure messages.
std::string dump(const Loaded& loaded) {
    std::ostringstream out;
    for (const Diagnostic& d : loaded.sink.diagnostics()) {
        const auto at = loaded.source->location(d.span.begin);
        out << "\n  " << segmint::code_info(d.code).id << " " << at.line << ":" << at.column << " " << d.message;
        if (!d.hint.empty()) out << " [hint: " << d.hint << "]";
    }
    return out.str();
}

const Diagnostic* find(const Loaded& loaded, Code code, const std::string& fragment) {
    for (const Diagnostic& d : loaded.sink.diagnostics()) {
        if (d.code == code && d.message.find(fragment) != std::string::npos) return &d;
    }
    return nullptr;
}

// The load failed and reported `code` with a message containing `fragment` (usually the key path).
const Diagnostic* expect_error(const Loaded& loaded, Code code, const std::string& fragment) {
    BOOST_TEST(!loaded.schema.has_value());
    const Diagnostic* d = find(loaded, code, fragment);
    BOOST_TEST(d != nullptr,
               "expected " << segmint::code_info(code).id << " containing '" << fragment << "'; got:" << dump(loaded));
    if (d) BOOST_TEST((d->source == loaded.source));
    return d;
}

// Only the one error: nothing else was reported.
const Diagnostic* expect_only_error(const Loaded& loaded, Code code, const std::string& fragment) {
    const Diagnostic* d = expect_error(loaded, code, fragment);
    BOOST_TEST(loaded.sink.diagnostics().size() == 1u, "got:" << dump(loaded));
    return d;
}

std::string text_at(const Loaded& loaded, segmint::Span span) {
    return loaded.source->text().substr(span.begin, span.end - span.begin);
}

uint32_t line_of(const Loaded& loaded, const Diagnostic* d) {
    return d ? loaded.source->location(d->span.begin).line : 0;
}

// A valid schema with the given column lines (each indented by two spaces in the caller's text).
std::string with_columns(const std::string& columns, const std::string& key = "id") {
    return "table: customers\nkey: " + key + "\ncolumns:\n  id: int\n" + columns;
}

const char* const kFullSchema =
    "# schema: customers.yaml\n"
    "table: customers\n"
    "key: customer_id\n"
    "description: Everyone who ever ordered\n"
    "columns:\n"
    "  customer_id: int\n"
    "  lifetime_value: number\n"
    "  email: string\n"
    "  opted_in: bool\n"
    "  last_order_date: date\n"
    "  signed_up_at: timestamp\n"
    "  tier: {type: enum, values: [bronze, silver, gold, platinum]}\n"
    "  tags: list<string>\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(loads_every_type_in_file_order) {
    auto loaded = load(kFullSchema);
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    BOOST_TEST(loaded.sink.diagnostics().empty());
    const Schema& s = *loaded.schema;
    BOOST_TEST(s.table == "customers");
    BOOST_TEST(s.key == "customer_id");
    BOOST_TEST((s.source == loaded.source));
    const std::pair<const char*, ColumnType> expected[] = {
        {"customer_id", ColumnType::Int},
        {"lifetime_value", ColumnType::Number},
        {"email", ColumnType::String},
        {"opted_in", ColumnType::Bool},
        {"last_order_date", ColumnType::Date},
        {"signed_up_at", ColumnType::Timestamp},
        {"tier", ColumnType::Enum},
        {"tags", ColumnType::StringList},
    };
    BOOST_TEST_REQUIRE(s.columns.size() == 8u);
    for (size_t i = 0; i < 8; ++i) {
        const auto& column = s.columns[i];
        BOOST_TEST(column.name == expected[i].first);
        BOOST_TEST((column.type == expected[i].second), column.name);
        BOOST_TEST(column.index == i);
        // The span is the column's key, on its own line (columns start on line 6).
        BOOST_TEST(text_at(loaded, column.span) == column.name);
        BOOST_TEST(loaded.source->location(column.span.begin).line == 6 + i);
        BOOST_TEST(loaded.source->location(column.span.begin).column == 3u);
    }
    const auto* tier = s.find("tier");
    BOOST_TEST_REQUIRE(tier != nullptr);
    BOOST_TEST(tier->enum_values == (std::vector<std::string>{"bronze", "silver", "gold", "platinum"}),
               boost::test_tools::per_element());
    BOOST_TEST(tier->enum_index("gold").value() == 2u);
    BOOST_TEST(!tier->enum_index("Gold").has_value());
    BOOST_TEST(s.find("email")->enum_values.empty());
    BOOST_TEST(s.column_names().front() == "customer_id");
}

BOOST_AUTO_TEST_CASE(mapping_form_block_style_and_descriptions) {
    auto loaded = load(
        "table: customers\n"
        "key: id\n"
        "columns:\n"
        "  id: {type: string, description: \"external id, e.g. C-12\"}\n"
        "  tier:\n"
        "    type: enum\n"
        "    description: Loyalty tier\n"
        "    values:\n"
        "      - bronze\n"
        "      - \"silver\"\n"
        "      - 'gold'\n"
        "  amount:\n"
        "    type: number\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    const Schema& s = *loaded.schema;
    BOOST_TEST_REQUIRE(s.columns.size() == 3u);
    BOOST_TEST((s.columns[0].type == ColumnType::String));
    BOOST_TEST((s.columns[1].type == ColumnType::Enum));
    BOOST_TEST(s.columns[1].enum_values == (std::vector<std::string>{"bronze", "silver", "gold"}),
               boost::test_tools::per_element());
    BOOST_TEST((s.columns[2].type == ColumnType::Number));
    BOOST_TEST(loaded.source->location(s.columns[2].span.begin).line == 12u);
}

BOOST_AUTO_TEST_CASE(flow_style_file_and_comments) {
    auto loaded = load("{table: t, key: id,  # the key\n columns: {id: int, name: string}}  # end\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    BOOST_TEST(loaded.schema->columns.size() == 2u);
    BOOST_TEST(text_at(loaded, loaded.schema->columns[1].span) == "name");
}

BOOST_AUTO_TEST_CASE(yaml_1_1_booleans_are_plain_text_where_text_goes) {
    // yaml-cpp gives `yes`/`on` as scalars; as a table name or enum value they are just words.
    auto loaded = load(
        "table: yes\nkey: id\ncolumns:\n  id: int\n"
        "  answer: {type: enum, values: [yes, no, on, off]}\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    BOOST_TEST(loaded.schema->table == "yes");
    BOOST_TEST(loaded.schema->columns[1].enum_values == (std::vector<std::string>{"yes", "no", "on", "off"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(quoted_and_non_ascii_names_keep_byte_spans) {
    auto loaded = load(
        "table: t\nkey: \"first name\"\ncolumns:\n  \"first name\": string\n  größe: number\n"
        "  'it''s': bool\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    const Schema& s = *loaded.schema;
    BOOST_TEST(s.key == "first name");
    BOOST_TEST(text_at(loaded, s.columns[0].span) == "\"first name\"");
    BOOST_TEST(s.columns[1].name == "größe");
    BOOST_TEST(text_at(loaded, s.columns[1].span) == "größe");
    BOOST_TEST(s.columns[2].name == "it's");
    BOOST_TEST(text_at(loaded, s.columns[2].span) == "'it''s'");
}

BOOST_AUTO_TEST_CASE(crlf_line_endings_and_bom) {
    auto loaded = load("\xEF\xBB\xBFtable: t\r\nkey: id\r\ncolumns:\r\n  id: int\r\n  tier: date\r\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    BOOST_TEST(loaded.source->had_bom());
    BOOST_TEST(text_at(loaded, loaded.schema->columns[1].span) == "tier");
    BOOST_TEST(loaded.source->location(loaded.schema->columns[1].span.begin).line == 5u);
}

BOOST_AUTO_TEST_CASE(aliases_may_repeat_a_value_list) {
    auto loaded =
        load(with_columns("  tier: {type: enum, values: &tiers [bronze, gold]}\n"
                          "  old_tier: {type: enum, values: *tiers}\n"));
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    BOOST_TEST(loaded.schema->columns[2].enum_values == (std::vector<std::string>{"bronze", "gold"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(explicit_string_tag_and_document_markers_are_accepted) {
    auto loaded = load("---\ntable: !!str 2024\nkey: id\ncolumns:\n  id: int\n...\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    BOOST_TEST(loaded.schema->table == "2024");
    // A trailing empty document (a stray `---`) is harmless.
    auto trailing = load(with_columns("") + "---\n");
    BOOST_TEST(trailing.schema.has_value(), dump(trailing));
}

BOOST_AUTO_TEST_CASE(unknown_top_level_key_suggests_the_right_one) {
    auto loaded = load("table: t\nkey: id\ncolums:\n  id: int\n");
    const Diagnostic* d = expect_error(loaded, Code::YamlUnknownKey, "colums: unknown key");
    if (d) BOOST_TEST(d->hint == "did you mean `columns`?");
    BOOST_TEST(line_of(loaded, d) == 3u);
    // The typo also means `columns` is missing: both are reported.
    expect_error(loaded, Code::YamlMissingKey, "missing required key `columns`");
    BOOST_TEST(loaded.sink.diagnostics().size() == 2u, dump(loaded));
}

BOOST_AUTO_TEST_CASE(unknown_column_key_has_path_and_suggestion) {
    auto loaded = load(with_columns("  tier: {type: enum, valuse: [a, b]}\n"));
    const Diagnostic* d = expect_error(loaded, Code::YamlUnknownKey, "columns.tier.valuse: unknown key");
    if (d) BOOST_TEST(d->hint == "did you mean `values`?");
    expect_error(loaded, Code::YamlMissingKey, "columns.tier: missing required key `values`");
}

BOOST_AUTO_TEST_CASE(unknown_key_without_a_close_match_lists_the_keys) {
    auto loaded = load("table: t\nkey: id\ncolumns: {id: int}\nowner: me\n");
    const Diagnostic* d = expect_only_error(loaded, Code::YamlUnknownKey, "owner: unknown key");
    if (d) BOOST_TEST(d->hint == "expected one of `table`, `key`, `columns`, `checks`, `events`, `description`");
}

BOOST_AUTO_TEST_CASE(duplicate_top_level_key) {
    auto loaded = load("table: a\nkey: id\ntable: b\ncolumns: {id: int}\n");
    const Diagnostic* d =
        expect_only_error(loaded, Code::YamlDuplicateKey, "table: key `table` is given twice; the first is on line 1");
    BOOST_TEST(line_of(loaded, d) == 3u);
    if (d) {
        BOOST_TEST_REQUIRE(d->notes.size() == 1u);
        BOOST_TEST(loaded.source->location(d->notes[0].span.begin).line == 1u);
        BOOST_TEST((d->notes[0].source == loaded.source));
    }
}

BOOST_AUTO_TEST_CASE(duplicate_column_even_when_quoted_differently) {
    auto loaded = load(with_columns("  tier: string\n  \"tier\": int\n"));
    const Diagnostic* d = expect_only_error(loaded, Code::YamlDuplicateKey, "columns.tier: key `tier` is given twice");
    BOOST_TEST(line_of(loaded, d) == 6u);
}

BOOST_AUTO_TEST_CASE(wrong_kinds_name_what_was_expected) {
    expect_only_error(load("table: [a, b]\nkey: id\ncolumns: {id: int}\n"), Code::YamlWrongType,
                      "table: expected a table name, found a list");
    expect_only_error(load("table: t\nkey: {a: 1}\ncolumns: {id: int}\n"), Code::YamlWrongType,
                      "key: expected a column name, found a mapping");
    expect_only_error(load("table: t\nkey: id\ncolumns: [id, name]\n"), Code::YamlWrongType,
                      "columns: expected a mapping of column names to types, found a list");
    expect_only_error(load(with_columns("  tags: [string]\n")), Code::YamlWrongType,
                      "columns.tags: expected a type name or a mapping with `type`, found a list");
    expect_only_error(load(with_columns("  tier: {type: enum, values: gold}\n")), Code::YamlWrongType,
                      "columns.tier.values: expected a list of enum values, found `gold`");
    expect_only_error(load(with_columns("  tier: {type: enum, values: [a, {b: c}, d]}\n")), Code::YamlWrongType,
                      "columns.tier.values[1]: expected a string, found a mapping");
    expect_only_error(load(with_columns("  tier: {type: [enum]}\n")), Code::YamlWrongType,
                      "columns.tier.type: expected a type name, found a list");
    expect_only_error(load("- table: t\n"), Code::YamlWrongType,
                      "expected a mapping with `table`, `key` and `columns`, found a list");
    expect_only_error(load("just words\n"), Code::YamlWrongType, "found `just words`");
}

BOOST_AUTO_TEST_CASE(empty_values_point_at_their_key) {
    auto loaded = load("table:\nkey: id\ncolumns:\n  id: int\n  tier:\n");
    const Diagnostic* table = expect_error(loaded, Code::YamlWrongType, "table: expected a table name, found nothing");
    if (table) BOOST_TEST(text_at(loaded, table->span) == "table");
    const Diagnostic* tier = expect_error(loaded, Code::YamlWrongType, "columns.tier: expected a type name");
    if (tier) BOOST_TEST(text_at(loaded, tier->span) == "tier");
}

BOOST_AUTO_TEST_CASE(missing_required_keys) {
    auto loaded = load("table: t\n");
    expect_error(loaded, Code::YamlMissingKey, "missing required key `key`");
    expect_error(loaded, Code::YamlMissingKey, "missing required key `columns`");
    BOOST_TEST(loaded.sink.diagnostics().size() == 2u, dump(loaded));
    expect_only_error(load(with_columns("  tier: {values: [a]}\n")), Code::YamlMissingKey,
                      "columns.tier: missing required key `type`");
}

BOOST_AUTO_TEST_CASE(unknown_types_suggest_ours) {
    const std::pair<const char*, const char*> cases[] = {
        {"integer", "did you mean `int`?"},
        {"datetime", "did you mean `timestamp`?"},
        {"Boolean", "did you mean `bool`?"},
        {"strng", "did you mean `string`?"},
        {"list<int>", "the only list type is `list<string>`"},
        {"list<string >", "did you mean `list<string>`?"},
        {"Int", "did you mean `int`?"},
    };
    for (const auto& [type, hint] : cases) {
        auto loaded = load(with_columns(std::string("  x: ") + type + "\n"));
        const Diagnostic* d = expect_only_error(loaded, Code::YamlInvalidValue, "columns.x: unknown type `");
        if (d) BOOST_TEST(d->hint == hint, type);
        BOOST_TEST(line_of(loaded, d) == 5u);
    }
    // A YAML 1.1 boolean is no type name either, and nothing breaks on it.
    expect_only_error(load(with_columns("  x: {type: on}\n")), Code::YamlInvalidValue,
                      "columns.x.type: unknown type `on`");
}

BOOST_AUTO_TEST_CASE(enum_rules) {
    expect_only_error(load(with_columns("  tier: enum\n")), Code::YamlInvalidValue,
                      "columns.tier: an `enum` column needs its values");
    expect_only_error(load(with_columns("  tier: {type: enum}\n")), Code::YamlMissingKey,
                      "columns.tier: missing required key `values`");
    expect_only_error(load(with_columns("  tier: {type: string, values: [a]}\n")), Code::YamlInvalidValue,
                      "columns.tier.values: only `enum` columns have values; this one is `string`");
    expect_only_error(load(with_columns("  tier: {type: enum, values: []}\n")), Code::YamlInvalidValue,
                      "columns.tier.values: an enum needs at least one value");
    expect_only_error(load(with_columns("  tier: {type: enum, values: [a, '', b]}\n")), Code::YamlInvalidValue,
                      "columns.tier.values[1]: an enum value must not be empty");
    auto duplicate = load(with_columns("  tier: {type: enum, values: [bronze, gold, gold]}\n"));
    const Diagnostic* d = expect_only_error(
        duplicate, Code::YamlInvalidValue,
        "columns.tier.values[2]: enum value `gold` is listed twice; the first is columns.tier.values[1]");
    if (d) {
        BOOST_TEST(text_at(duplicate, d->span) == "gold");
        BOOST_TEST_REQUIRE(d->notes.size() == 1u);
        BOOST_TEST(d->notes[0].span.begin < d->span.begin);
    }
}

// `min` / `max` (schema facts): in the column's own value syntax, inclusive, either one alone.
BOOST_AUTO_TEST_CASE(min_and_max_are_read_in_the_column_type) {
    auto loaded = load(with_columns("  age: {type: int, min: 0, max: 130}\n"
                                    "  spend: {type: number, min: -0.5}\n"
                                    "  signup: {type: date, min: 2000-01-01}\n"
                                    "  seen: {type: timestamp, max: '2030-01-01T00:00:00Z'}\n"));
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    const auto& age = *loaded.schema->find("age");
    BOOST_TEST(*age.min_whole == 0);
    BOOST_TEST(*age.max_whole == 130);
    BOOST_TEST(age.within_bounds(int64_t{130}));
    BOOST_TEST(!age.within_bounds(int64_t{-1}));
    BOOST_TEST(segmint::schema::bounds_text(age) == "`min: 0, max: 130`");
    const auto& spend = *loaded.schema->find("spend");
    BOOST_TEST(*spend.min_number == -0.5);
    BOOST_TEST(!spend.max_number.has_value());
    BOOST_TEST(segmint::schema::bounds_text(spend) == "`min: -0.5`");
    const auto& signup = *loaded.schema->find("signup");
    BOOST_TEST(*signup.min_whole == 10957);  // days from 1970-01-01 to 2000-01-01
    BOOST_TEST(segmint::schema::bounds_text(signup) == "`min: 2000-01-01`");
    BOOST_TEST(loaded.schema->find("seen")->max_whole.has_value());
    BOOST_TEST(!loaded.schema->find("id")->has_bounds());
}

// Hostile bounds: wrong type of value, a bound on a column that has none, min above max; each with its key path.
BOOST_AUTO_TEST_CASE(bad_bounds_are_errors_with_their_key_path) {
    expect_only_error(load(with_columns("  age: {type: int, min: zero}\n")), Code::YamlInvalidValue,
                      "columns.age.min: expected an int (64-bit), found `zero`");
    expect_only_error(load(with_columns("  age: {type: int, max: 1.5}\n")), Code::YamlInvalidValue,
                      "columns.age.max: expected an int (64-bit), found `1.5`");
    expect_only_error(load(with_columns("  age: {type: int, max: 99999999999999999999}\n")), Code::YamlInvalidValue,
                      "columns.age.max: expected an int (64-bit)");
    expect_only_error(load(with_columns("  x: {type: number, min: nan}\n")), Code::YamlInvalidValue,
                      "columns.x.min: expected a finite number, found `nan`");
    expect_only_error(load(with_columns("  x: {type: number, max: 1e999}\n")), Code::YamlInvalidValue,
                      "columns.x.max: expected a finite number, found `1e999`");
    expect_only_error(load(with_columns("  d: {type: date, min: 2023-02-29}\n")), Code::YamlInvalidValue,
                      "columns.d.min: expected a date that exists (YYYY-MM-DD), found `2023-02-29`");
    expect_only_error(load(with_columns("  t: {type: timestamp, min: yesterday}\n")), Code::YamlInvalidValue,
                      "columns.t.min: expected a timestamp");
    expect_only_error(load(with_columns("  name: {type: string, min: a}\n")), Code::YamlInvalidValue,
                      "columns.name.min: only int, number, date and timestamp columns have bounds; this one is "
                      "`string`");
    expect_only_error(load(with_columns("  tier: {type: enum, values: [a], max: a}\n")), Code::YamlInvalidValue,
                      "columns.tier.max: only int, number, date and timestamp columns have bounds");
    expect_only_error(load(with_columns("  age: {type: int, min: [0]}\n")), Code::YamlWrongType,
                      "columns.age.min: expected a bound, found a list");
    auto swapped = load(with_columns("  age: {type: int, min: 130, max: 0}\n"));
    const Diagnostic* d =
        expect_only_error(swapped, Code::YamlInvalidValue, "columns.age.min: min 130 is greater than max 0");
    if (d) {
        BOOST_TEST(line_of(swapped, d) == 5u);
        BOOST_TEST(text_at(swapped, d->span) == "130");
        BOOST_TEST(d->notes.size() == 1u);
    }
    expect_only_error(load(with_columns("  d: {type: date, min: 2026-01-02, max: 2026-01-01}\n")),
                      Code::YamlInvalidValue, "columns.d.min: min 2026-01-02 is greater than max 2026-01-01");
    BOOST_TEST(load(with_columns("  d: {type: date, min: 2026-01-01, max: 2026-01-01}\n")).schema.has_value());
}

BOOST_AUTO_TEST_CASE(key_must_name_an_int_or_string_column) {
    auto unknown = load(with_columns("  customer_id: string\n", "customer_ld"));
    const Diagnostic* d =
        expect_only_error(unknown, Code::YamlInvalidValue, "key: `customer_ld` is not one of the columns");
    if (d) BOOST_TEST(d->hint == "did you mean `customer_id`?");
    if (d) BOOST_TEST(text_at(unknown, d->span) == "customer_ld");
    expect_only_error(load(with_columns("  signup: date\n", "signup")), Code::YamlInvalidValue,
                      "key: the key column `signup` is `date`; a key must be `int` or `string`");
    expect_only_error(load(with_columns("", "yes")), Code::YamlInvalidValue, "key: `yes` is not one of the columns");
    expect_only_error(load(with_columns("", "''")), Code::YamlInvalidValue, "key: must not be empty");
    // A key naming a column that has its own error gets no second message.
    expect_only_error(load(with_columns("  code: strin\n", "code")), Code::YamlInvalidValue,
                      "columns.code: unknown type");
    BOOST_TEST(load(with_columns("  code: string\n", "code")).schema.has_value());
}

BOOST_AUTO_TEST_CASE(column_names_are_checked) {
    expect_only_error(load(with_columns("  '': int\n")), Code::YamlInvalidValue, "a column name must not be empty");
    expect_only_error(load(with_columns("  " + std::string(257, 'c') + ": int\n")), Code::YamlInvalidValue,
                      "a column name is 257 bytes; the limit is 256");
    BOOST_TEST(load(with_columns("  " + std::string(256, 'c') + ": int\n")).schema.has_value());
    expect_only_error(load(with_columns("  \"a`b\": int\n")), Code::YamlInvalidValue,
                      "columns.\"a`b\": a column name must not contain a backquote");
    expect_only_error(load(with_columns("  \"a\\nb\": int\n")), Code::YamlInvalidValue,
                      "columns.\"a\\nb\": a column name must not contain a line break");
    expect_only_error(load(with_columns("  [a, b]: int\n")), Code::YamlWrongType,
                      "columns: a key must be a name, found a list");
    expect_only_error(load("table: t\nkey: id\ncolumns: {}\n"), Code::YamlInvalidValue,
                      "columns: declare at least one column");
}

BOOST_AUTO_TEST_CASE(every_error_in_the_file_is_reported) {
    auto loaded = load(
        "table: t\nkey: id\ncolumns:\n  id: int\n  a: integer\n  b: {type: enum, values: [x, x]}\n"
        "  a: string\ncolour: blue\n");
    expect_error(loaded, Code::YamlInvalidValue, "columns.a: unknown type `integer`");
    expect_error(loaded, Code::YamlInvalidValue, "columns.b.values[1]: enum value `x` is listed twice");
    expect_error(loaded, Code::YamlDuplicateKey, "columns.a: key `a` is given twice");
    expect_error(loaded, Code::YamlUnknownKey, "colour: unknown key");
    BOOST_TEST(loaded.sink.diagnostics().size() == 4u, dump(loaded));
}

BOOST_AUTO_TEST_CASE(errors_are_capped_per_file) {
    std::string columns;
    for (int i = 0; i < 500; ++i) columns += "  c" + std::to_string(i) + ": nope\n";
    auto loaded = load(with_columns(columns));
    BOOST_TEST(!loaded.schema.has_value());
    BOOST_TEST(loaded.sink.diagnostics().size() <= DiagnosticSink::kMaxErrorsPerSource + 1);
    BOOST_TEST(find(loaded, Code::TooManyErrors, "too many errors") != nullptr);
}

BOOST_AUTO_TEST_CASE(unsupported_tags_are_errors) {
    auto loaded = load("table: !!int 5\nkey: id\ncolumns: {id: int}\n");
    expect_only_error(loaded, Code::YamlSyntax, "unsupported YAML tag `tag:yaml.org,2002:int`");
}

BOOST_AUTO_TEST_CASE(syntax_errors_have_a_location) {
    // yaml-cpp 0.7 takes `"int` up to the end of the file as a string; it is an error at the opening quote.
    auto quote = load("table: t\nkey: id\ncolumns:\n  id: \"int\n");
    const Diagnostic* d = expect_only_error(quote, Code::YamlSyntax, "quoted string is never closed");
    if (d) BOOST_TEST(quote.source->location(d->span.begin).column == 7u);
    BOOST_TEST(line_of(quote, d) == 4u);
    auto single = load("table: 'it''s\n");
    d = expect_only_error(single, Code::YamlSyntax, "quoted string is never closed");
    if (d) BOOST_TEST(d->span.begin == 7u);
    expect_only_error(load("table: \"t"), Code::YamlSyntax, "invalid YAML: illegal EOF in scalar");
    BOOST_TEST(load("table: \"t\"\nkey: 'id'\ncolumns: {\"id\": 'int'}\n").schema.has_value());
    auto tab = load("table: t\nkey: id\ncolumns:\n\tid: int\n");
    d = expect_only_error(tab, Code::YamlSyntax, "invalid YAML");
    BOOST_TEST(line_of(tab, d) == 4u);
    if (d) BOOST_TEST(d->hint == "indent with spaces; YAML does not allow tabs in indentation");
    expect_only_error(load("table: t\nkey: id\ncolumns: {id: *nowhere}\n"), Code::YamlSyntax, "invalid YAML");
}

// `checks:` (schema facts across columns): a string or `{name, check, description}`; the schema loader keeps the
// condition's text and where the file holds it verbatim, engine::compile_schema_checks parses and checks it.
BOOST_AUTO_TEST_CASE(checks_are_conditions_over_the_columns) {
    auto loaded = load(with_columns("  a: int\n  b: int\n  d: date\n") +
                       "checks:\n  - a <= b\n  - {name: b_positive, check: \"b > 0 or a is null\", description: x}\n"
                       "  - 'd >= 2000-01-01'\n  - \"a != \\\"x\\\"\"\n");
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    const auto& checks = loaded.schema->checks;
    BOOST_TEST_REQUIRE(checks.size() == 4u);
    BOOST_TEST(checks[0].condition == "a <= b");
    BOOST_TEST(checks[0].name.empty());
    BOOST_TEST(checks[0].verbatim);
    BOOST_TEST(loaded.source->text().substr(checks[0].offset, 6) == "a <= b");
    BOOST_TEST(checks[1].name == "b_positive");
    BOOST_TEST(checks[1].condition == "b > 0 or a is null");
    BOOST_TEST(checks[1].verbatim);
    BOOST_TEST(checks[2].condition == "d >= 2000-01-01");
    BOOST_TEST(checks[2].verbatim);
    BOOST_TEST(checks[3].condition == "a != \"x\"");
    BOOST_TEST(!checks[3].verbatim);  // the file has escapes: errors point at the whole scalar

    DiagnosticSink sink;
    const auto compiled = segmint::engine::compile_schema_checks(*loaded.schema, sink);
    BOOST_TEST(!compiled);  // `a != "x"` compares an int with a string
    BOOST_TEST_REQUIRE(sink.diagnostics().size() == 1u);
    BOOST_TEST((sink.diagnostics()[0].span == checks[3].span));

    auto bad = load(with_columns("  a: int\n") + "checks:\n  - [a]\n  - {name: x}\n  - ''\n  - {check: a > 0, nme: y}\n");
    expect_error(bad, Code::YamlWrongType, "checks[0]: expected a condition");
    expect_error(bad, Code::YamlMissingKey, "checks[1]");
    expect_error(bad, Code::YamlInvalidValue, "checks[2]");
    expect_error(bad, Code::YamlUnknownKey, "checks[3]");
    expect_error(load(with_columns("  a: int\n") + "checks: a > 0\n"), Code::YamlWrongType,
                 "checks: expected a list of conditions");
    expect_error(load(with_columns("  a: int\n") + "checks:\n  - {name: p, check: a > 0}\n  - {name: p, check: a < 9}\n"),
                 Code::YamlInvalidValue, "checks[1].name: check name `p` is used twice; the first is checks[0].name");
    // At the limit the checks load; one past it is an error at the first one too many.
    std::string at_limit = "checks:\n";
    for (size_t i = 0; i < segmint::limits::kMaxSchemaChecks; ++i) at_limit += "  - a != " + std::to_string(i) + "\n";
    auto full = load(with_columns("  a: int\n") + at_limit);
    BOOST_TEST_REQUIRE(full.schema.has_value(), dump(full));
    BOOST_TEST(full.schema->checks.size() == segmint::limits::kMaxSchemaChecks);
    // Kept in a variable: `past` points into its diagnostics.
    const auto one_past = load(with_columns("  a: int\n") + at_limit + "  - a != -1\n");
    const Diagnostic* past = expect_error(one_past, Code::YamlInvalidValue,
                                          "checks[1000]: a schema has at most 1000 checks; this list has 1001");
    BOOST_TEST((past && past->span.begin > 0));
}

// The errors of compiling a schema's checks, one line each: code, line:column in schema.yaml, message. The schema
// must load, the checks must fail to compile, and each error must point into schema.yaml.
std::string check_errors(const Loaded& loaded) {
    BOOST_TEST_REQUIRE(loaded.schema.has_value(), dump(loaded));
    DiagnosticSink sink;
    BOOST_TEST(!segmint::engine::compile_schema_checks(*loaded.schema, sink));
    std::ostringstream all;
    for (const Diagnostic& d : sink.diagnostics()) {
        const auto at = loaded.source->location(d.span.begin);
        BOOST_TEST((d.source == loaded.source));
        all << segmint::code_info(d.code).id << " " << at.line << ":" << at.column << " " << d.message << "\n";
    }
    return all.str();
}

// Each error in a check's condition is an error at its place in schema.yaml (line and column), so a schema loaded
// through the front end is refused (exit 2): not a condition, an unknown column, a segment, `today`, a syntax error.
BOOST_AUTO_TEST_CASE(check_errors_point_into_the_schema_file) {
    auto loaded = load(with_columns("  orders_90d: int\n  lifetime_orders: int\n") +
                       "checks:\n"
                       "  - orders_90d + 1\n"                              // line 8: not bool
                       "  - {name: n, check: orders_9d <= lifetime_orders}\n"  // line 9: unknown column
                       "  - \"high_value\"\n"                               // line 10: a segment, say
                       "  - 'lifetime_orders > 0 or today > 2026-01-01'\n"  // line 11: today
                       "  - orders_90d <=\n"                               // line 12: syntax error
                       "  - orders_90d <= lifetime_orders\n");             // line 13: fine
    BOOST_TEST(check_errors(loaded) ==
               "E106 8:5 a check must be a condition (bool), but this is int\n"
               "E101 9:22 unknown column `orders_9d`\n"
               "E101 10:6 unknown column `high_value`\n"
               "E206 11:29 a check cannot use `today`: a fact of the schema holds at every date\n"
               "E004 12:18 expected an expression, found the end of the file\n");
}

// Whatever reads the as-of date is refused, not only `today` and `now`: a check is tested on data once, at load,
// and the proofs assume it at every date (an adversary's `days_since(signup) < 1000` was proved, yet never checked).
BOOST_AUTO_TEST_CASE(checks_cannot_read_the_as_of_date) {
    auto loaded = load(with_columns("  signup: date\n  seen: timestamp\n") +
                       "checks:\n"
                       "  - days_since(signup) < 1000\n"      // line 8
                       "  - seen within last 3 days\n"        // line 9
                       "  - seen > now or signup >= 2000-01-01\n"  // line 10
                       "  - signup <= 2100-01-01\n");         // line 11: fine
    BOOST_TEST(check_errors(loaded) ==
               "E206 8:5 a check cannot use `days_since`: a fact of the schema holds at every date\n"
               "E206 9:5 a check cannot use `within last`: a fact of the schema holds at every date\n"
               "E206 10:12 a check cannot use `now`: a fact of the schema holds at every date\n");
}

// A check is a fact of the customer columns: an event aggregate in it is refused as a whole (its `where` names event
// columns, which are no error of their own).
BOOST_AUTO_TEST_CASE(checks_cannot_read_event_aggregates) {
    auto loaded = load(with_columns("  n: int\n") +
                       "checks:\n"
                       "  - count(e where amount > 1) <= n\n"  // line 7
                       "  - n >= 0\n"
                       "events:\n  e: {key: id, columns: {id: int, amount: number}}\n");
    BOOST_TEST(check_errors(loaded) == "E115 7:5 a check cannot read event aggregates: a fact of the schema is about "
                                       "the customer columns\n");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------------------
// docs BAD_INPUTS.md, YAML cases. Every one ends in one diagnostic with a fixed code, well within a second.

BOOST_AUTO_TEST_SUITE(schema_bad_inputs)

namespace {

constexpr double kQuick = 5.0;  // seconds; generous for sanitizer builds, each case takes milliseconds

std::string repeat(const std::string& text, size_t times) {
    std::string out;
    out.reserve(text.size() * times);
    for (size_t i = 0; i < times; ++i) out += text;
    return out;
}

std::string billion_laughs() {
    std::string text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'i'; ++c) {
        const char prev = static_cast<char>(c - 1);
        text += std::string(1, c) + ": &" + c + " [";
        for (int i = 0; i < 9; ++i) text += std::string(i ? "," : "") + "*" + prev;
        text += "]\n";
    }
    return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(case17_billion_laughs) {
    auto loaded = load(billion_laughs());
    expect_only_error(loaded, Code::YamlLimit, "expands to more than 1000000 YAML nodes");
    BOOST_TEST(loaded.seconds < kQuick);
}

BOOST_AUTO_TEST_CASE(case17_alias_bomb_inside_the_schema) {
    // The same bomb where the loader would walk it: as enum values.
    std::string text = "table: t\nkey: id\nx: &x0 [a, a, a, a, a, a, a, a, a, a]\n";
    for (int i = 1; i < 8; ++i) {
        text += "x" + std::to_string(i) + ": &x" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) text += std::string(k ? ", " : "") + "*x" + std::to_string(i - 1);
        text += "]\n";
    }
    text += "columns:\n  id: int\n  tier: {type: enum, values: *x7}\n";
    auto loaded = load(text);
    expect_only_error(loaded, Code::YamlLimit, "YAML nodes");
    BOOST_TEST(loaded.seconds < kQuick);
}

BOOST_AUTO_TEST_CASE(case17_budget_counts_every_alias_use) {
    // 3 × 2,000 = 6,000 nodes expanded from ~2,000 written: over a budget of 5,000.
    std::string text = "a: &a [" + repeat("x,", 1999) + "x]\nb: [*a, *a]\n";
    auto source = std::make_shared<Source>("t.yaml", text);
    DiagnosticSink sink;
    segmint::yaml::ReadOptions options;
    options.max_nodes = 5000;
    BOOST_TEST(!segmint::yaml::read_yaml(source, sink, options).has_value());
    BOOST_TEST_REQUIRE(sink.diagnostics().size() == 1u);
    BOOST_TEST((sink.diagnostics()[0].code == Code::YamlLimit));
    options.max_nodes = 7000;
    DiagnosticSink ok_sink;
    auto document = segmint::yaml::read_yaml(source, ok_sink, options);
    BOOST_TEST_REQUIRE(document.has_value());
    // The root, key `a`, `a` and its items, key `b`, and `b` holding two copies of `a`.
    BOOST_TEST(document->expanded_size == 1u + 1 + 2001 + 1 + (1 + 2 * 2001));
}

BOOST_AUTO_TEST_CASE(case18_cyclic_aliases) {
    auto sequence = load("table: t\nkey: id\ncolumns: &c [*c]\n");
    expect_only_error(sequence, Code::YamlSyntax, "alias `*c` is used inside the node it refers to (a cyclic alias)");
    auto mapping = load("table: t\nkey: id\ncolumns: &c {id: int, more: *c}\n");
    const Diagnostic* d = expect_only_error(mapping, Code::YamlSyntax, "cyclic alias");
    BOOST_TEST(line_of(mapping, d) == 3u);
    expect_only_error(load("&r {a: &s [*r]}\n"), Code::YamlSyntax, "cyclic alias");
}

BOOST_AUTO_TEST_CASE(case19_100000_nested_brackets) {
    for (const char* open : {"[", "{", "[{"}) {
        auto loaded = load(repeat(open, 100000 / std::string(open).size()));
        const Diagnostic* d = expect_only_error(loaded, Code::YamlLimit, "YAML nested deeper than 64 levels");
        // The position is the first bracket past the limit.
        if (d) BOOST_TEST(d->span.begin == 64u, open);
        if (d) BOOST_TEST(loaded.source->location(d->span.begin).column == 65u);
        BOOST_TEST(loaded.seconds < kQuick);
    }
    auto in_value = load("table: t\nkey: id\ncolumns:\n  id: " + repeat("[", 100000));
    const Diagnostic* d = expect_only_error(in_value, Code::YamlLimit, "nested deeper");
    BOOST_TEST(line_of(in_value, d) == 4u);
}

BOOST_AUTO_TEST_CASE(case19_deep_block_nesting) {
    auto dashes = load(repeat("- ", 100000) + "x\n");
    expect_only_error(dashes, Code::YamlLimit, "YAML nested deeper than 64 levels");
    BOOST_TEST(dashes.seconds < kQuick);
    std::string indented;
    for (int i = 0; i < 200; ++i) indented += std::string(i, ' ') + "k:\n";
    expect_only_error(load(indented), Code::YamlLimit, "YAML nested deeper than 64 levels");
    // Through aliases: a 40-deep node used 30 levels down is 70 deep.
    const std::string deep = repeat("[", 40) + repeat("]", 40);
    expect_only_error(load("a: &d " + deep + "\nb: " + repeat("[", 30) + "*d" + repeat("]", 30) + "\n"),
                      Code::YamlLimit, "YAML nested deeper than 64 levels");
    auto source =
        std::make_shared<Source>("t.yaml", "a: &d " + deep + "\nb: " + repeat("[", 20) + "*d" + repeat("]", 20) + "\n");
    DiagnosticSink sink;
    BOOST_TEST(segmint::yaml::read_yaml(source, sink).has_value());  // 62 levels is within the limit
}

BOOST_AUTO_TEST_CASE(case19_huge_flow_collection) {
    // yaml-cpp reads a whole flow collection ahead; one with more than 100,000 items is refused before it does.
    auto loaded = load("[" + repeat("1,", 200000) + "1]");
    expect_only_error(loaded, Code::YamlLimit, "collection with more than 100000 items");
    BOOST_TEST(loaded.seconds < kQuick);
}

BOOST_AUTO_TEST_CASE(case19_brackets_in_text_do_not_count) {
    const std::string many = repeat("[{", 100);
    auto clean = load("# " + many + "\ntable: \"" + many + "\"\nkey: id\ndescription: >\n  " + many +
                      "\ncolumns:\n  id: {type: int, description: '" + many + "'}\n  n: {type: int}  # " + many +
                      "\n  m: int\n");
    BOOST_TEST(clean.schema.has_value(), dump(clean));
}

BOOST_AUTO_TEST_CASE(case19_prescan_follows_yaml_cpp_tokens) {
    using segmint::yaml::FlowProblem;
    using segmint::yaml::prescan_flow;
    // With a depth limit of 3, each of these is too deep exactly at its last character.
    const char* const too_deep[] = {
        "[[[[",
        "[[[]][[[",
        "a: |\n  [[[[\n[[[[",       // the block scalar ends at column 0
        "a: |\n      x\n  [[[[",    // its content indentation is set by its first line
        "a: it's\n[[[[",            // a quote inside a plain scalar is text: it cannot hide what follows
        "a: x 'y\n  z [[[[\n[[[[",  // the plain scalar goes on over the indented line, not the last one
        "[a,\n b[[[",               // in flow, a plain scalar ends at a bracket, also on its next line
        "[\"]\",[[[",
        "[a #]\n[[[",
        "- [[[[",
        "? [[[[",
        "&x [[[[",
        "!t [[[[",
        "a: &x !t [[[[",
    };
    for (const std::string text : too_deep) {
        auto problem = prescan_flow(text, 3, 1000);
        BOOST_TEST_REQUIRE(problem.has_value(), text);
        BOOST_TEST((problem->kind == FlowProblem::Kind::TooDeep), text);
        BOOST_TEST(problem->offset == text.size() - 1, text);
    }
    const char* const fine[] = {
        "a: \"[[[[\"",
        "a: '[[['' [[['",
        "a: \"\\\"[[[[\"",
        "a: b[[[[",
        "# [[[[\na: 1",
        "a: x # [[[[",
        "a: |\n  [[[[\n  [[[[\nb: 1",
        "a: >-\n  [[[[\n\n  [[[[\n",
        "- a [[[[\n  b [[[[",
        "[[[]]]\n[[[]]]",
        "a: \"x\n  [[[[\"",
    };
    for (const std::string text : fine) BOOST_TEST(!prescan_flow(text, 3, 1000).has_value(), text);
    auto items = prescan_flow("[" + repeat("1,", 2000) + "1]", 64, 1000);
    BOOST_TEST_REQUIRE(items.has_value());
    BOOST_TEST((items->kind == FlowProblem::Kind::TooManyItems));
    BOOST_TEST(!prescan_flow(repeat("[1, 2]\n", 2000), 64, 1000).has_value());  // counted per outermost collection
}

BOOST_AUTO_TEST_CASE(case20_inputs_that_hung_or_asserted_in_old_yaml_cpp) {
    // yaml-cpp #499 (`[:`, `{:` hung) and #519 (`!2` asserted); 0.7.0 rejects or accepts them, we report E201.
    for (const char* text : {"[:", "{:", "[[:", "!2", "[:\n", "{:]", "key: [:", "!2 x", "!!"}) {
        auto loaded = load(text);
        BOOST_TEST(!loaded.schema.has_value(), text);
        BOOST_TEST_REQUIRE(!loaded.sink.diagnostics().empty(), text);
        BOOST_TEST((loaded.sink.diagnostics().front().code == Code::YamlSyntax), text << dump(loaded));
        BOOST_TEST(loaded.seconds < kQuick, text);
    }
    expect_only_error(load("!2"), Code::YamlSyntax, "unsupported YAML tag `!2`");
}

BOOST_AUTO_TEST_CASE(case20_top_level_comma_does_not_hang) {
    // yaml-cpp 0.7 never consumes a top-level `,`: HandleNextDocument returns the same empty document forever.
    for (const char* text : {",", ",\n", "{table: t}\n,\n", "---\n,", "...\n,x"}) {
        auto loaded = load(text);
        const Diagnostic* d = expect_only_error(loaded, Code::YamlSyntax, "invalid YAML: unexpected `,`");
        if (d) BOOST_TEST(text_at(loaded, d->span) == ",");
        if (d) BOOST_TEST(d->hint == "a `,` only separates items inside `[...]` or `{...}`");
        BOOST_TEST(loaded.seconds < kQuick);
    }
}

BOOST_AUTO_TEST_CASE(case21_duplicate_keys) {
    auto loaded = load("table: t\nkey: id\ncolumns:\n  id: int\n  id: string\n");
    expect_only_error(loaded, Code::YamlDuplicateKey, "columns.id: key `id` is given twice; the first is on line 4");
}

BOOST_AUTO_TEST_CASE(case22_wrong_types_and_yaml_1_1_booleans) {
    expect_only_error(load("table: t\nkey: id\ncolumns: yes\n"), Code::YamlWrongType,
                      "columns: expected a mapping of column names to types, found `yes`");
    expect_only_error(load("table: [on]\nkey: id\ncolumns: {id: int}\n"), Code::YamlWrongType,
                      "table: expected a table name, found a list");
    expect_only_error(load(with_columns("  flag: {type: bool, description: [no]}\n")), Code::YamlWrongType,
                      "columns.flag.description: expected a string, found a list");
}

BOOST_AUTO_TEST_CASE(case23_unknown_keys_say_did_you_mean) {
    auto top = load("tabel: t\ntable: t\nkey: id\ncolumns: {id: int}\n");
    const Diagnostic* d = expect_only_error(top, Code::YamlUnknownKey, "tabel: unknown key");
    if (d) BOOST_TEST(d->hint == "did you mean `table`?");
    auto nested = load(with_columns("  x: {type: int, descripton: y}\n"));
    d = expect_only_error(nested, Code::YamlUnknownKey, "columns.x.descripton: unknown key");
    if (d) BOOST_TEST(d->hint == "did you mean `description`?");
}

BOOST_AUTO_TEST_CASE(case25_empty_comments_only_and_several_documents) {
    for (const char* text : {"", "\n\n", "   \n", "# only a comment\n# and another\n", "---\n", "~\n", "---\n...\n"}) {
        auto loaded = load(text);
        const Diagnostic* d = expect_only_error(loaded, Code::YamlMissingKey, "schema file is empty");
        if (d) BOOST_TEST(d->hint == "a schema declares `table`, `key` and `columns`");
    }
    auto two = load("table: t\nkey: id\ncolumns: {id: int}\n---\ntable: u\n");
    const Diagnostic* d = expect_only_error(two, Code::YamlSyntax, "expected one YAML document in schema file");
    BOOST_TEST(line_of(two, d) == 4u);
    expect_only_error(load("---\n---\ntable: t\n"), Code::YamlSyntax, "expected one YAML document");
}

BOOST_AUTO_TEST_CASE(encoding_and_size) {
    auto nul = load(std::string("table: t\nkey: i\0d\n", 18));
    const Diagnostic* d = expect_only_error(nul, Code::YamlSyntax, "NUL byte in schema file");
    if (d) BOOST_TEST(d->span.begin == 15u);
    auto utf8 = load("table: t\nkey: \xC3\x28\n");
    d = expect_only_error(utf8, Code::YamlSyntax, "invalid UTF-8 in schema file");
    if (d) BOOST_TEST(d->span.begin == 14u);
    BOOST_TEST(line_of(utf8, d) == 2u);
    expect_only_error(load("a: \xC0\xAF\n"), Code::YamlSyntax, "invalid UTF-8");  // overlong `/`
    auto big = load("table: t\n" + std::string(segmint::limits::kMaxYamlFileBytes, '#'));
    expect_only_error(big, Code::YamlLimit, "the limit is 16 MiB");
    BOOST_TEST(big.seconds < kQuick);
}

BOOST_AUTO_TEST_CASE(no_input_escapes_as_an_exception) {
    // Fragments of YAML syntax glued at random (fixed seed): every result is a schema or errors, never a throw.
    const char* const pieces[] = {"[",           "]",       "{",   "}",   ":",        ": ",     ",",     "-",
                                  "- ",          "? ",      "&a ", "*a",  "!t ",      "!!str ", "\"",    "'",
                                  "|",           ">",       "#",   "\n",  "\n  ",     "  ",     "\t",    "table",
                                  "key",         "columns", "id",  "int", "enum",     "values", "---\n", "...\n",
                                  "%YAML 1.2\n", "\\",      "@",   "`",   "\xC3\xA9", "~",      "null",  "yes"};
    const size_t count = sizeof(pieces) / sizeof(pieces[0]);
    uint64_t state = 0x9E3779B97F4A7C15u;
    auto next = [&state]() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const size_t length = next() % 24;
        for (size_t i = 0; i < length; ++i) text += pieces[next() % count];
        Loaded loaded;
        BOOST_CHECK_NO_THROW(loaded = load(text));
        BOOST_TEST((loaded.schema.has_value() || loaded.sink.has_errors()), "input: " << text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
