#pragma once
// One diagnostic type for every stage: syntax, schema, checker, and later validation.
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
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

// Collects the diagnostics of a run and caps their number so hostile input cannot flood the output. Errors and
// warnings are counted apart: the 101st error of a file stops its checking (E014); warnings never stop anything and
// are all counted, but only the first kMaxShownWarningsPerSource of a file are kept, the rest counted as `hidden`
// (reports close with "... and N more warnings").
class DiagnosticSink {
public:
    static constexpr size_t kMaxErrorsPerSource = 100;
    static constexpr size_t kMaxShownWarningsPerSource = 100;

    // Returns false once the error cap for this source is reached (callers should stop producing more).
    bool add(Diagnostic diagnostic);
    bool error(Code code, std::shared_ptr<const Source> source, Span span, std::string message, std::string hint = {});
    bool warning(Code code, std::shared_ptr<const Source> source, Span span, std::string message,
                 std::string hint = {});

    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    size_t error_count() const;
    // Errors reported for one source (counted up to the cap).
    size_t error_count(const Source* source) const;
    // Every warning, kept or hidden.
    size_t warning_count() const;
    // Warnings past the per-file cap, not kept, by file name ("" for none), in first-hidden order.
    const std::vector<std::pair<std::string, size_t>>& hidden_warnings() const { return hidden_; }
    size_t hidden_warning_count() const;
    bool has_errors() const { return error_count() > 0; }
    bool capped(const Source* source) const;
    void append(const DiagnosticSink& other);
    // Stable order for output: by file name, then position, then insertion order.
    void sort();

private:
    struct PerSource {
        size_t errors = 0;
        size_t warnings = 0;
    };
    std::vector<Diagnostic> diagnostics_;
    std::vector<const Source*> capped_sources_;
    std::unordered_map<const Source*, PerSource> counts_;
    std::vector<std::pair<std::string, size_t>> hidden_;
};

}  // namespace segmint
