#pragma once
// Internal to src/syntax: turns one parsed definition's parse tree into owned AST nodes.
#include <memory>

#include "SegmintParser.h"
#include "ast/ast.h"
#include "common/diagnostic.h"
#include "syntax/offsets.h"

namespace segmint::syntax {

class AstBuilder {
public:
    AstBuilder(std::shared_ptr<const Source> source, const ByteOffsets& offsets, DiagnosticSink& sink, ast::File& file)
        : source_(std::move(source)), offsets_(offsets), sink_(sink), file_(file) {}

    // Fills `definition` from the tree; returns false (and has reported why) if a literal or a limit was bad.
    bool build(segmint_generated::SegmintParser::DefinitionContext* context, ast::Definition& definition);

private:
    using P = segmint_generated::SegmintParser;

    ast::ExprPtr expr(P::ExprContext* context);
    ast::ExprPtr and_expr(P::AndExprContext* context);
    ast::ExprPtr not_expr(P::NotExprContext* context);
    ast::ExprPtr predicate(P::PredicateContext* context);
    ast::ExprPtr additive(P::AdditiveContext* context);
    ast::ExprPtr multiplicative(P::MultiplicativeContext* context);
    ast::ExprPtr unary(P::UnaryContext* context);
    ast::ExprPtr primary(P::PrimaryContext* context);
    ast::ExprPtr literal(antlr4::Token* token, bool negated, Span span);
    ast::ExprPtr duration(P::DurationContext* context);
    ast::ExprPtr aggregate_call(P::CallContext* context, ast::Aggregate aggregate, Span span);
    ast::ExprPtr qualified_name(antlr4::tree::TerminalNode* terminal);
    std::vector<ast::ExprPtr> list(const std::vector<P::ExprContext*>& items);
    void warn_thousands_separators(const std::vector<ast::ExprPtr>& items);

    ast::ExprPtr node(ast::ExprKind kind, Span span);
    // Adds children, updates height and span; reports E009 once when the height limit is passed.
    ast::ExprPtr with_args(ast::ExprPtr parent, std::vector<ast::ExprPtr> args);
    Span span_of(antlr4::ParserRuleContext* context) const;
    Span span_of(antlr4::Token* token) const;
    std::string name_text(P::NameContext* context) const;
    void fail(Code code, Span span, std::string message, std::string hint = {});

    std::shared_ptr<const Source> source_;
    const ByteOffsets& offsets_;
    DiagnosticSink& sink_;
    ast::File& file_;
    bool failed_ = false;
};

}  // namespace segmint::syntax
