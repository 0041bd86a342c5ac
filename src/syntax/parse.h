#pragma once
// The language front end. This is the only public header of src/syntax: no ANTLR type crosses it, and it never throws
// on user input — every problem becomes a Diagnostic.
#include <memory>

#include "ast/ast.h"
#include "common/diagnostic.h"

namespace segmint::syntax {

// Parses one spec file. Definitions with syntax errors keep their name (so other rules that refer to them do not get
// follow-on errors) but have a null rule.
ast::File parse(std::shared_ptr<const Source> source, DiagnosticSink& sink);

}  // namespace segmint::syntax
