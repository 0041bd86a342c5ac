#pragma once
// One diagnostic type for every stage: syntax, schema, checker, and later validation.
#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic_codes.h"
#include "common/source.h"

namespace segmint {

enum class Severity { Error, Warning, Note };

const char* severity_name(Severity severity);

// A secondary message, optionally pointing at a place (in this or another source).
struct DiagnosticNote {
    std::string message;
    std::shared_ptr<const Source> source;  // null: the note has no location
    Span span;
};

struct Diagnostic {
    Severity severity = Severity::Error;
    Code code = Code::SyntaxError;
    std::shared_ptr<const Source> source;  // null for diagnostics about no file in particular
    Span span;
    std::string message;
    std::vector<DiagnosticNote> notes;
    std::string hint;  // "did you mean `orders_90d`?", "expected one of …"
};

// Collects the diagnostics of a run and caps their number so hostile input cannot flood the output.
class DiagnosticSink {
public:
    static constexpr size_t kMaxErrorsPerSource = 100;

    // Returns false once the cap for this source is reached (callers should stop producing more).
    bool add(Diagnostic diagnostic);
    bool error(Code code, std::shared_ptr<const Source> source, Span span, std::string message, std::string hint = {});
    bool warning(Code code, std::shared_ptr<const Source> source, Span span, std::string message,
                 std::string hint = {});

    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    size_t error_count() const;
    bool has_errors() const { return error_count() > 0; }
    bool capped(const Source* source) const;
    void append(const DiagnosticSink& other);
    // Stable order for output: by file name, then position, then insertion order.
    void sort();

private:
    std::vector<Diagnostic> diagnostics_;
    std::vector<const Source*> capped_sources_;
};

}  // namespace segmint
