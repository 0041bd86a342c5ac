#include "engine/schema_checks.h"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

#include "common/suggest.h"
#include "ir/ir.h"
#include "reference/reference_evaluator.h"
#include "syntax/parse.h"

namespace segmint::engine {

namespace {

// A value in a violation message is cut after this many bytes.
constexpr size_t kMaxValueBytes = 200;

// A check is parsed as the rule of a segment of its own, from a small text `segment NAME: CONDITION`; its
// diagnostics are then moved to the condition's place in the schema file.
struct CheckText {
    std::shared_ptr<const Source> source;
    uint32_t header = 0;  // bytes before the condition
};

std::string segment_name(const schema::Schema& schema, size_t index) {
    std::string name = "check_" + std::to_string(index);
    while (schema.find(name)) name += "_";  // a segment named like a column is an error
    return name;
}

CheckText check_text(const schema::Schema& schema, size_t index) {
    const std::string header = "segment " + segment_name(schema, index) + ": ";
    return {std::make_shared<Source>(schema.source ? schema.source->name() : "schema",
                                     header + schema.checks[index].condition),
            static_cast<uint32_t>(header.size())};
}

// Visits every expression of a check's condition, an aggregate's operands left out (they read an event table's columns,
// and a check refuses the aggregate as a whole).
void for_each_expr(const ast::Expr& expr, const std::function<void(const ast::Expr&)>& visit) {
    visit(expr);
    if (expr.kind == ast::ExprKind::Aggregate) return;
    for (const auto& arg : expr.args) for_each_expr(*arg, visit);
}

// Moves the errors of `local` (about `text`) to `sink`, at the condition's place in the schema file.
void report(const DiagnosticSink& local, const CheckText& text, const schema::Schema& schema,
            const schema::Check& check, DiagnosticSink& sink) {
    const auto place = [&](Span span) -> Span {
        if (!check.verbatim || span.begin < text.header) return check.span;
        return {span.begin - text.header + check.offset, span.end - text.header + check.offset};
    };
    for (Diagnostic d : local.diagnostics()) {
        if (d.severity != Severity::Error) continue;  // the rule checker's style warnings are for spec files
        if (d.source == text.source) {
            d.source = schema.source;
            d.span = place(d.span);
        }
        for (auto& note : d.notes) {
            if (note.source != text.source) continue;
            note.source = schema.source;
            note.span = place(note.span);
        }
        if (d.code == Code::RuleNotCondition) {
            const std::string was = "a segment rule must be";
            if (d.message.rfind(was, 0) == 0) d.message = "a check must be" + d.message.substr(was.size());
        }
        sink.add(std::move(d));
    }
}

// What in a condition reads the as-of date or instant (`today`, `now`, `within last`, `days_since`), or null.
const char* as_of_reader(const ast::Expr& e) {
    switch (e.kind) {
        case ast::ExprKind::Today: return "today";
        case ast::ExprKind::Now: return "now";
        case ast::ExprKind::WithinLast: return "within last";
        case ast::ExprKind::Call: return e.name == "days_since" ? "days_since" : nullptr;
        default: return nullptr;
    }
}

// Checks the parsed condition for what only a check forbids: names that are not columns, and whatever reads the
// as-of date (a fact checked on data once must hold at every date the proofs assume).
bool check_names(const ast::Expr& rule, const schema::Schema& schema, DiagnosticSink& local,
                 const std::shared_ptr<const Source>& source) {
    bool ok = true;
    for_each_expr(rule, [&](const ast::Expr& e) {
        if (e.kind == ast::ExprKind::Aggregate) {
            local.error(Code::AggregateMisuse, source, e.span,
                        "a check cannot read event aggregates: a fact of the schema is about the customer columns",
                        "compare columns with each other or with constants");
            ok = false;
        } else if (const char* word = as_of_reader(e)) {
            local.error(Code::YamlInvalidValue, source, e.span,
                        std::string("a check cannot use `") + word + "`: a fact of the schema holds at every date",
                        "compare columns with each other or with constants");
            ok = false;
        } else if (e.kind == ast::ExprKind::Name && !schema.find(e.name)) {
            std::string hint = did_you_mean(e.name, schema.column_names());
            if (hint.empty()) hint = "a check reads the schema's columns, not segments";
            local.error(Code::UnknownName, source, e.span, "unknown column `" + e.name + "`", hint);
            ok = false;
        }
    });
    return ok;
}

// Parses check `index`; with `negate`, its rule becomes `not (CONDITION)`. Nullopt after an error (in `local`).
std::optional<ast::File> parse_check(const schema::Schema& schema, const CheckText& text, DiagnosticSink& local,
                                     bool negate) {
    ast::File file = syntax::parse(text.source, local);
    if (local.has_errors()) return std::nullopt;
    if (file.definitions.size() != 1 || !file.definitions[0].rule) {
        const Span at = file.definitions.size() > 1 ? file.definitions[1].span : Span{text.header, text.header};
        local.error(Code::SyntaxError, text.source, at, "a check is one condition");
        return std::nullopt;
    }
    ast::ExprPtr& rule = file.definitions[0].rule;
    if (!check_names(*rule, schema, local, text.source)) return std::nullopt;
    if (negate) {
        auto wrapped = std::make_unique<ast::Expr>();
        wrapped->id = file.node_count++;
        wrapped->kind = ast::ExprKind::Not;
        wrapped->span = rule->span;
        wrapped->height = rule->height + 1;
        wrapped->args.push_back(std::move(rule));
        rule = std::move(wrapped);
    }
    return file;
}

std::shared_ptr<const SchemaChecks> compile_checks(const schema::Schema& schema, DiagnosticSink* sink) {
    auto out = std::make_shared<SchemaChecks>();
    std::vector<ast::File> files;
    bool ok = true;
    for (size_t k = 0; k < schema.checks.size(); ++k) {
        const CheckText text = check_text(schema, k);
        // First as written, so the checker's messages (a condition that is not bool) are about the condition.
        DiagnosticSink local;
        if (auto file = parse_check(schema, text, local, false)) {
            std::vector<ast::File> one;
            one.push_back(std::move(*file));
            semantic::check(std::move(one), schema, local);
        }
        if (local.has_errors()) {
            if (sink) report(local, text, schema, schema.checks[k], *sink);
            ok = false;
            continue;
        }
        DiagnosticSink ignored;
        files.push_back(std::move(*parse_check(schema, text, ignored, true)));
        std::set<uint32_t> read;
        for_each_expr(*files.back().definitions[0].rule, [&](const ast::Expr& e) {
            if (e.kind == ast::ExprKind::Name) read.insert(static_cast<uint32_t>(schema.find(e.name)->index));
        });
        out->columns.emplace_back(read.begin(), read.end());
    }
    if (!ok) return nullptr;
    DiagnosticSink checked;
    out->catalog = semantic::check(std::move(files), schema, checked);
    if (checked.has_errors()) throw std::logic_error("schema checks: the negated checks do not check");
    out->compiled = compile(out->catalog, scalar::AsOf{});  // no `today`: any date
    return out;
}

}  // namespace

std::shared_ptr<const SchemaChecks> compile_schema_checks(const schema::Schema& schema, DiagnosticSink& sink) {
    return compile_checks(schema, &sink);
}

std::shared_ptr<const SchemaChecks> compile_schema_checks(const schema::Schema& schema) {
    return compile_checks(schema, nullptr);
}

std::optional<CheckViolation> first_check_violation(const SchemaChecks& checks, const data::Table& table,
                                                    unsigned threads) {
    if (checks.catalog.segments.empty() || table.rows() == 0) return std::nullopt;
    const std::vector<data::Bitmap> violated = evaluate(checks.compiled, table, Evaluator::Vm, threads);
    std::optional<CheckViolation> first;
    for (size_t k = 0; k < violated.size(); ++k) {
        const data::Bitmap& rows = violated[k];
        for (uint64_t w = 0; w < rows.word_count(); ++w) {
            if (rows.words()[w] == 0) continue;
            const uint64_t row = w * 64 + static_cast<uint64_t>(__builtin_ctzll(rows.words()[w]));
            if (!first || row < first->row) first = CheckViolation{k, row, ""};
            break;
        }
    }
    if (!first) return std::nullopt;
    const schema::Schema& schema = *checks.catalog.schema;
    const schema::Check& check = schema.checks[first->check];
    std::string values;
    for (uint32_t c : checks.columns[first->check]) {
        const schema::Column& column = schema.columns[c];
        std::string value = ir::value_text(reference::column_value(table.column(c), first->row));
        if (value.size() > kMaxValueBytes) {  // a 100 KB string is no help in a message; cut on a code point
            size_t end = kMaxValueBytes;
            while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
            value = value.substr(0, end) + "…";
        }
        values += (values.empty() ? "" : ", ") + column.name + "=" + value;
    }
    const std::string named = check.name.empty() ? "" : "`" + check.name + "` (`" + check.condition + "`)";
    first->message = "the schema's check " + (named.empty() ? "`" + check.condition + "`" : named) +
                     (values.empty() ? " is false, whatever the customer" : " is false for this customer: " + values);
    return first;
}

}  // namespace segmint::engine

namespace segmint::engine {

std::function<std::optional<std::pair<uint64_t, std::string>>(const data::Table&)> schema_row_check(
    const schema::Schema& schema, unsigned threads) {
    // A check with errors (refused by frontend::load_schema_file) is no fact: the prover leaves it out too.
    std::shared_ptr<const SchemaChecks> checks = compile_schema_checks(schema);
    if (!checks || checks->catalog.segments.empty()) return nullptr;
    return [checks, threads](const data::Table& table) -> std::optional<std::pair<uint64_t, std::string>> {
        auto violation = first_check_violation(*checks, table, threads);
        if (!violation) return std::nullopt;
        return std::make_pair(violation->row, std::move(violation->message));
    };
}

}  // namespace segmint::engine
