#pragma once
// A span of a source as one line of text, for showing a part of a rule beside its value.
#include <string>

#include "common/source.h"

namespace segmint {

// The text of `span` on one line, as explain and test failures show a condition: the rule's line breaks and
// indentation folded to single spaces; "?" for a span outside the text. Not escaped.
std::string one_line_text(const Source& source, Span span);

}  // namespace segmint
