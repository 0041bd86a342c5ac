#include "report/prove_output.h"

#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "common/calendar.h"
#include "common/text_format.h"
#include "engine/engine.h"
#include "project/fixture.h"
#include "project/project.h"
#include "report/json_output.h"
#include "report/value_json.h"

namespace segmint::report {

namespace {

using analysis::Counterexample;

// A YAML double-quoted scalar: the rule language's escapes (\" \\ \n \t \r \u00XX) are YAML's too.
std::string yaml_quoted(const std::string& text) { return quote_literal(text, '"'); }

// A value as a fixture file writes it (YAML flow text).
std::string fixture_value(const ir::Value& value) {
    if (ir::is_null(value)) return "null";
    if (auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
    if (auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
    if (auto* x = std::get_if<double>(&value)) return fmt::format("{}", *x);
    if (auto* d = std::get_if<ir::DateValue>(&value)) return calendar::format_date(d->days);
    if (auto* t = std::get_if<ir::TimestampValue>(&value)) return yaml_quoted(calendar::format_timestamp(t->micros));
    if (auto* l = std::get_if<ir::StringList>(&value)) {
        std::string out = "[";
        for (const auto& item : *l) out += (out.size() > 1 ? ", " : "") + yaml_quoted(item);
        return out + "]";
    }
    return yaml_quoted(std::get<std::string>(value));
}

// The customer's key: the witness's own when the rules read it, else 1 (or "c1" for a text key). The encoding
// asserts the key is never NULL, so a NULL one is a bug, never a value to stand in for.
ir::Value key_value(const Counterexample& counterexample, const schema::Schema& schema) {
    for (const auto& column : counterexample.customer.columns) {
        if (column.name != schema.key) continue;
        if (ir::is_null(column.value))
            throw std::logic_error("prove: a counterexample with a NULL key: " + counterexample.customer.text());
        return column.value;
    }
    const schema::Column* key = schema.find(schema.key);
    if (key != nullptr && key->type == schema::ColumnType::Int) return int64_t{1};
    return std::string("c1");
}

// The key first, then the other columns the proof needs, as `name: value` pairs.
std::vector<std::pair<std::string, ir::Value>> customer_fields(const Counterexample& counterexample,
                                                               const schema::Schema& schema) {
    std::vector<std::pair<std::string, ir::Value>> fields = {{schema.key, key_value(counterexample, schema)}};
    for (const auto& column : counterexample.customer.columns) {
        if (column.name != schema.key) fields.emplace_back(column.name, column.value);
    }
    return fields;
}

// Does row 0 of `column` hold `value`, exactly (a number bit for bit, -0.0 apart from 0.0)?
bool holds(const data::Column& column, const ir::Value& value) {
    if (ir::is_null(value)) return column.is_null(0);
    if (column.is_null(0)) return false;
    if (auto* b = std::get_if<bool>(&value)) return column.bools.get(0) == *b;
    if (auto* i = std::get_if<int64_t>(&value)) return column.int_at(0) == *i;
    if (auto* x = std::get_if<double>(&value)) return std::memcmp(&column.f64[0], x, sizeof *x) == 0;
    if (auto* d = std::get_if<ir::DateValue>(&value)) return column.i32[0] == d->days;
    if (auto* t = std::get_if<ir::TimestampValue>(&value)) return column.i64[0] == t->micros;
    if (auto* l = std::get_if<ir::StringList>(&value)) {
        if (column.list_end(0) - column.list_begin(0) != l->size()) return false;
        for (size_t i = 0; i < l->size(); ++i) {
            if (column.dictionary.value(column.list_codes[column.list_begin(0) + i]) != (*l)[i]) return false;
        }
        return true;
    }
    return column.string_at(0) == std::get<std::string>(value);
}

// The fixture text read back by the fixture loader must be the witness the prover replayed: one the fixture format
// reads otherwise would be a counterexample `segmint test` fails or refuses. A mismatch is a bug, never printed.
void check_read_back(const std::string& text, const Counterexample& counterexample, const schema::Schema& schema) {
    auto fail = [&](const std::string& why) {
        throw std::logic_error("prove: the counterexample's fixture " + why + " (witness " +
                               counterexample.customer.text() + "):\n" + text);
    };
    DiagnosticSink sink;
    auto fixture = project::load_fixture(std::make_shared<Source>("counterexample.yaml", text), schema, sink);
    if (!fixture || !fixture->table || fixture->table->rows() != 1) {
        fail("does not load" + (sink.diagnostics().empty() ? "" : ": " + sink.diagnostics().front().message));
    }
    for (const auto& column : counterexample.customer.columns) {
        if (!holds(fixture->table->column(column.column), column.value)) fail("reads `" + column.name + "` otherwise");
    }
    if (fixture->expectations.size() != counterexample.in.size() + counterexample.not_in.size())
        fail("expects other memberships");
}

std::string status_word(analysis::ProofStatus status) {
    std::string word = analysis::proof_status_name(status);
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return word;
}

}  // namespace

std::string counterexample_fixture(const Counterexample& counterexample, const schema::Schema& schema,
                                   const std::string& as_of, const std::string& indent) {
    const auto fields = customer_fields(counterexample, schema);
    std::string customer;
    for (const auto& [name, value] : fields)
        customer += (customer.empty() ? "" : ", ") + name + ": " + fixture_value(value);
    const std::string key = fixture_value(fields.front().second);
    // A witness for every date carries the instant it is a witness at.
    const auto& own = counterexample.customer.as_of;
    std::vector<std::string> lines = {"as_of: " + (own ? engine::as_of_text(*own) : as_of),
                                      "customers:", "  - {" + customer + "}", "expect:"};
    for (const auto& segment : counterexample.in) lines.push_back("  " + segment + ": {in: [" + key + "]}");
    for (const auto& segment : counterexample.not_in) lines.push_back("  " + segment + ": {not_in: [" + key + "]}");
    std::string text, out;
    for (const auto& line : lines) {
        text += line + "\n";
        out += indent + line + "\n";
    }
    check_read_back(text, counterexample, schema);
    return out;
}

nlohmann::ordered_json counterexample_json(const Counterexample& counterexample, const schema::Schema& schema) {
    nlohmann::ordered_json customer = nlohmann::ordered_json::object();
    for (const auto& [name, value] : customer_fields(counterexample, schema)) customer[name] = value_json(value);
    nlohmann::ordered_json out;
    if (counterexample.customer.as_of) out["as_of"] = engine::as_of_text(*counterexample.customer.as_of);
    out["customer"] = std::move(customer);
    out["in"] = counterexample.in;
    out["not_in"] = counterexample.not_in;
    return out;
}

std::string proofs_text(const std::vector<analysis::ConstraintProof>& proofs, const std::string& project_file,
                        const schema::Schema& schema, const std::string& as_of) {
    std::string out;
    for (const auto& proof : proofs) {
        const auto& c = *proof.constraint;
        out += fmt::format("{:<8} {}:{}  {}: {}\n", status_word(proof.status), escape_controls(project_file), c.line,
                           project::constraint_kind_name(c.kind), escape_controls(proof.message));
        if (proof.counterexample) {
            out += "         counterexample, as a fixture file (segmint test accepts it as it is):\n";
            out +=
                escape_controls_per_line(counterexample_fixture(*proof.counterexample, schema, as_of, "           "));
        }
    }
    return out;
}

nlohmann::ordered_json proofs_json(const std::vector<analysis::ConstraintProof>& proofs,
                                   const std::string& project_file, const schema::Schema& schema) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& proof : proofs) {
        const auto& c = *proof.constraint;
        nlohmann::ordered_json item;
        item["file"] = project_file;
        item["line"] = c.line;
        item["kind"] = project::constraint_kind_name(c.kind);
        item["segments"] = nlohmann::ordered_json::array();
        for (const auto& segment : c.segments) item["segments"].push_back(segment.name);
        item["status"] = analysis::proof_status_name(proof.status);
        item["message"] = proof.message;
        if (proof.counterexample) item["counterexample"] = counterexample_json(*proof.counterexample, schema);
        out.push_back(std::move(item));
    }
    return out;
}

nlohmann::ordered_json lints_json(const std::vector<analysis::Lint>& lints) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& lint : lints) {
        const nlohmann::ordered_json diagnostic = diagnostic_json(lint.diagnostic);
        nlohmann::ordered_json item;
        item["code"] = diagnostic["code"];
        item["segment"] = lint.segment;
        for (const char* key : {"file", "line", "column", "severity", "message"}) item[key] = diagnostic[key];
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace segmint::report
