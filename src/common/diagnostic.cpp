#include "common/diagnostic.h"

#include <algorithm>

namespace segmint {

namespace {
const CodeInfo kCodes[] = {
#define DIAGNOSTIC(name, id, summary) {Code::name, id, summary},
#include "common/diagnostic_codes.def"
#undef DIAGNOSTIC
};
}  // namespace

const CodeInfo& code_info(Code code) { return kCodes[static_cast<size_t>(code)]; }

const CodeInfo* all_codes(size_t* count) {
    *count = sizeof(kCodes) / sizeof(kCodes[0]);
    return kCodes;
}

const char* severity_name(Severity severity) {
    switch (severity) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "note";
    }
    return "error";
}

bool DiagnosticSink::capped(const Source* source) const {
    return std::find(capped_sources_.begin(), capped_sources_.end(), source) != capped_sources_.end();
}

bool DiagnosticSink::add(Diagnostic diagnostic) {
    const Source* source = diagnostic.source.get();
    if (capped(source)) return false;
    PerSource& counts = counts_[source];
    if (diagnostic.severity != Severity::Error) {
        if (++counts.warnings <= kMaxShownWarningsPerSource) {
            diagnostics_.push_back(std::move(diagnostic));
            return true;
        }
        const std::string name = source ? source->name() : std::string();
        auto hidden = std::find_if(hidden_.begin(), hidden_.end(), [&](const auto& h) { return h.first == name; });
        if (hidden == hidden_.end())
            hidden_.emplace_back(name, 1);
        else
            ++hidden->second;
        return true;
    }
    if (counts.errors++ >= kMaxErrorsPerSource) {
        Diagnostic stop;
        stop.code = Code::TooManyErrors;
        stop.source = diagnostic.source;
        stop.span = diagnostic.span;
        stop.message = "too many errors in this file (" + std::to_string(kMaxErrorsPerSource) + "); stopping here";
        diagnostics_.push_back(std::move(stop));
        capped_sources_.push_back(source);
        return false;
    }
    diagnostics_.push_back(std::move(diagnostic));
    return true;
}

bool DiagnosticSink::error(Code code, std::shared_ptr<const Source> source, Span span, std::string message,
                           std::string hint) {
    return add(Diagnostic{Severity::Error, code, std::move(source), span, std::move(message), {}, std::move(hint)});
}

bool DiagnosticSink::warning(Code code, std::shared_ptr<const Source> source, Span span, std::string message,
                             std::string hint) {
    return add(Diagnostic{Severity::Warning, code, std::move(source), span, std::move(message), {}, std::move(hint)});
}

size_t DiagnosticSink::error_count() const {
    return static_cast<size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                             [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

size_t DiagnosticSink::error_count(const Source* source) const {
    auto counts = counts_.find(source);
    return counts == counts_.end() ? 0 : counts->second.errors;
}

size_t DiagnosticSink::warning_count() const { return diagnostics_.size() - error_count() + hidden_warning_count(); }

size_t DiagnosticSink::hidden_warning_count() const {
    size_t count = 0;
    for (const auto& hidden : hidden_) count += hidden.second;
    return count;
}

void DiagnosticSink::append(const DiagnosticSink& other) {
    for (const auto& d : other.diagnostics_) add(d);
    for (const auto& entry : other.hidden_) {  // (a structured binding cannot be captured by a lambda in C++17)
        const std::string& name = entry.first;
        auto hidden = std::find_if(hidden_.begin(), hidden_.end(), [&](const auto& h) { return h.first == name; });
        if (hidden == hidden_.end())
            hidden_.emplace_back(name, entry.second);
        else
            hidden->second += entry.second;
    }
}

void DiagnosticSink::sort() {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        const std::string empty;
        const std::string& name_a = a.source ? a.source->name() : empty;
        const std::string& name_b = b.source ? b.source->name() : empty;
        if (name_a != name_b) return name_a < name_b;
        return a.span.begin < b.span.begin;
    });
}

}  // namespace segmint
