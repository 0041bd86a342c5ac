#include "report/html_report.h"

#include <unordered_map>
#include <utility>

#include "report/ci_report.h"
#include "report/overlap_order.h"
#include "report/prove_output.h"
#include "syntax/highlight.h"

namespace segmint::report {

namespace {

using nlohmann::ordered_json;

// What the checker says a name token is, by the byte offset where the token starts: the class the page colours it
// with and, for a segment reference, the segment's index (its link).
struct NameRole {
    const char* token_class;
    int64_t segment = -1;
};
using NameRoles = std::unordered_map<uint32_t, NameRole>;

void collect_names(const semantic::Catalog& catalog, size_t file, const ast::Expr& expr, NameRoles& roles) {
    using Kind = semantic::Resolution::Kind;
    if (expr.kind == ast::ExprKind::Name) {
        const auto& resolution = catalog.resolution_of(file, expr);
        if (resolution.kind == Kind::Segment) {
            roles[expr.span.begin] = {"ref", static_cast<int64_t>(resolution.index)};
        } else if (resolution.kind == Kind::Column || resolution.kind == Kind::EventColumn) {
            roles[expr.span.begin] = {"col"};
        }
    } else if (expr.kind == ast::ExprKind::Call) {
        roles[expr.operator_span.begin] = {"fn"};
    } else if (expr.kind == ast::ExprKind::Aggregate) {
        roles[expr.span.begin] = {"fn"};
        roles[expr.name_span.begin] = {expr.has_column ? "col" : "tbl"};  // `orders.amount` is one token
    }
    for (const auto& arg : expr.args) {
        if (arg) collect_names(catalog, file, *arg, roles);
    }
}

const char* class_code(syntax::TokenClass token_class) {
    switch (token_class) {
        case syntax::TokenClass::Keyword: return "kw";
        case syntax::TokenClass::Literal: return "lit";
        case syntax::TokenClass::String: return "str";
        case syntax::TokenClass::Number: return "num";
        case syntax::TokenClass::Name: return "name";
        case syntax::TokenClass::Operator: return "op";
        case syntax::TokenClass::Punctuation: return "punct";
        case syntax::TokenClass::Comment: return "com";
        case syntax::TokenClass::Space: return "";
        case syntax::TokenClass::Other: return "err";
    }
    return "";
}

// The definition's tokens, from `segment` to the end of its rule; whitespace as plain text, merged with its neighbours.
ordered_json rule_tokens(const semantic::Catalog& catalog, size_t segment,
                         const std::vector<syntax::ClassifiedToken>& tokens) {
    const semantic::Segment& entry = catalog.segments[segment];
    const ast::Definition& definition = catalog.definition(segment);
    const std::string& text = catalog.files[entry.file].source->text();
    NameRoles roles;
    roles[definition.name_span.begin] = {"def"};
    if (definition.rule) collect_names(catalog, entry.file, *definition.rule, roles);
    ordered_json out = ordered_json::array();
    for (const auto& token : tokens) {
        if (token.span.begin < definition.span.begin || token.span.end > definition.span.end) continue;
        const std::string piece = text.substr(token.span.begin, token.span.end - token.span.begin);
        const char* code = class_code(token.token_class);
        int64_t target = -1;
        if (auto role = roles.find(token.span.begin);
            role != roles.end() &&
            (token.token_class == syntax::TokenClass::Name || token.token_class == syntax::TokenClass::Keyword)) {
            code = role->second.token_class;
            target = role->second.segment;
        }
        if (*code == '\0') {
            if (!out.empty() && out.back().is_string()) {
                out.back() = out.back().get<std::string>() + piece;
            } else {
                out.push_back(piece);
            }
        } else if (target >= 0) {
            out.push_back(ordered_json::array({code, piece, target}));
        } else {
            out.push_back(ordered_json::array({code, piece}));
        }
    }
    return out;
}

ordered_json segments_json(const HtmlReportInput& input) {
    const semantic::Catalog& catalog = *input.catalog;
    std::vector<std::vector<syntax::ClassifiedToken>> tokens(catalog.files.size());
    std::vector<bool> lexed(catalog.files.size(), false);
    ordered_json out = ordered_json::array();
    for (size_t s = 0; s < catalog.segments.size(); ++s) {
        const size_t file = catalog.segments[s].file;
        if (!lexed[file]) {
            tokens[file] = syntax::classify_tokens(catalog.files[file].source->text());
            lexed[file] = true;
        }
        const ast::Definition& definition = catalog.definition(s);
        const Source& source = *catalog.files[file].source;
        ordered_json item;
        item["name"] = catalog.segments[s].name;
        item["title"] = definition.title ? ordered_json(*definition.title) : ordered_json(nullptr);
        item["file"] = source.name();
        item["line"] = source.location(definition.span.begin).line;
        item["size"] = s < input.overlap.n ? input.overlap.size(s) : 0;
        item["rule"] = rule_tokens(catalog, s, tokens[file]);
        out.push_back(std::move(item));
    }
    return out;
}

ordered_json constraints_json(const HtmlReportInput& input) {
    ordered_json out = ordered_json::array();
    const ordered_json proofs = proofs_json(input.proofs, input.project_file, *input.schema);
    for (size_t i = 0; i < input.constraints.size(); ++i) {
        const analysis::ConstraintResult& result = input.constraints[i];
        const project::Constraint& constraint = *result.constraint;
        ordered_json item;
        item["kind"] = project::constraint_kind_name(constraint.kind);
        item["file"] = input.project_file;
        item["line"] = constraint.line;
        item["segments"] = ordered_json::array();
        for (const auto& segment : constraint.segments) item["segments"].push_back(segment.name);
        item["message"] = result.message;
        item["samples"] = result.samples;
        bool refuted = false;
        if (i < input.proofs.size()) {
            const analysis::ConstraintProof& proof = input.proofs[i];
            refuted = proof.status == analysis::ProofStatus::Refuted;
            item["proof"] = {{"status", proofs[i]["status"]}, {"message", proof.message}};
            if (proof.counterexample) {
                item["counterexample"] = counterexample_fixture(*proof.counterexample, *input.schema, input.as_of, "");
            }
        }
        item["passed"] = result.passed && !refuted;
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace

std::string html_escape(std::string_view text) { return xml_escape(text, false); }

std::string json_for_script(const ordered_json& document) {
    const std::string json = document.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    std::string out;
    out.reserve(json.size() + json.size() / 16);
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        // Outside strings JSON has none of these characters, so escaping them keeps the value the same.
        if (c == '<') {
            out += "\\u003c";
        } else if (c == '>') {
            out += "\\u003e";
        } else if (c == '&') {
            out += "\\u0026";
        } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
                   (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
            out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";  // line separators end a line in old script parsers
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

ordered_json report_model(const HtmlReportInput& input) {
    ordered_json model;
    model["heading"] = input.heading;
    model["rows"] = input.rows;
    model["as_of"] = input.as_of;
    model["data"] = input.data;
    model["segments"] = segments_json(input);
    model["order"] = cluster_order(input.overlap);
    const size_t n = input.overlap.n;
    std::vector<uint64_t> intersections;
    intersections.reserve(n * (n > 0 ? n - 1 : 0) / 2);
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) intersections.push_back(input.overlap.at(i, j));
    }
    model["intersections"] = std::move(intersections);
    model["project"] = input.project_file;
    model["constraints"] = constraints_json(input);
    model["diff"] = input.diff;
    return model;
}

bool write_html_report(const HtmlReportInput& input, const WriteText& write) {
    return write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>") &&
           write(html_escape("Segmint report: " + input.heading)) && write(html_page_head()) &&
           write(json_for_script(report_model(input))) && write(html_page_tail());
}

}  // namespace segmint::report
