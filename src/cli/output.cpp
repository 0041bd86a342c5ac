#include "cli/output.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/text_format.h"
#include "report/json_output.h"

namespace segmint::cli {

namespace {
int first_error = 0;
bool wrote_stdout = false;

struct JsonState {
    bool on = false;
    std::string command;
    std::vector<std::string> input_errors;
    DiagnosticSink diagnostics;
};
JsonState& json_state() {
    static JsonState state;
    return state;
}

}  // namespace

void write_out(std::string_view text) {
    if (first_error != 0 || text.empty()) return;
    wrote_stdout = true;
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) first_error = errno ? errno : EIO;
}

void print_error(std::string_view message) {
    std::fputs(("segmint: error: " + escape_controls(message) + "\n").c_str(), stderr);
    if (json_state().on) json_state().input_errors.emplace_back(message);
}

void print_located_error(std::string_view message) {
    std::fputs((escape_controls(message) + "\n").c_str(), stderr);
    if (json_state().on) json_state().input_errors.emplace_back(message);
}

void print_internal_error(std::string_view message) {
    print_located_error("segmint: internal error: " + std::string(message));
}

void print_out_of_memory() {
    std::fputs("segmint: error: out of memory\n", stderr);  // unbuffered: nothing here allocates
    try {
        if (json_state().on) json_state().input_errors.emplace_back("out of memory");
    } catch (...) {  // still no memory: the document says less, stderr said it
    }
}

void begin_json_output(const std::string& command) {
    json_state().on = true;
    json_state().command = command;
}

bool json_output() { return json_state().on; }

void write_json_document(nlohmann::ordered_json document, DiagnosticSink& sink) {
    sink.sort();
    report::add_diagnostics(document, sink);
    write_out(report::json_text(document));
}

void keep_diagnostics_for_json(const DiagnosticSink& sink) { json_state().diagnostics.append(sink); }

int finish_json_output(int exit_code) {
    JsonState& state = json_state();
    if (!state.on || wrote_stdout) return exit_code;
    nlohmann::ordered_json document = report::json_document(state.command);
    nlohmann::ordered_json errors = nlohmann::ordered_json::array();
    for (const auto& message : state.input_errors) errors.push_back({{"message", message}});
    document["input_errors"] = std::move(errors);
    state.diagnostics.sort();
    report::add_diagnostics(document, state.diagnostics);
    write_out(report::json_text(document));
    const int status = finish_output();
    return status != 0 ? status : exit_code;
}

namespace {
size_t noted_warnings = 0;
std::optional<size_t> warning_limit;
}  // namespace

void note_warnings(size_t warnings, std::optional<size_t> most) {
    noted_warnings = warnings;
    warning_limit = most;
}

int apply_max_warnings(int exit_code) {
    if (exit_code != 0 || !warning_limit || noted_warnings <= *warning_limit) return exit_code;
    const std::string message = fmt::format("{} warning{} (more than --max-warnings {})", noted_warnings,
                                            noted_warnings == 1 ? "" : "s", *warning_limit);
    print_status("segmint: " + message);
    return 1;
}

namespace {
bool quiet_mode = false;
}  // namespace

void set_quiet(bool quiet) { quiet_mode = quiet; }
bool quiet() { return quiet_mode; }

void print_status(std::string_view message) {
    if (!quiet_mode) std::fputs((escape_controls(message) + "\n").c_str(), stderr);
}

int finish_output() {
    if (first_error == 0 && std::fflush(stdout) != 0) first_error = errno ? errno : EIO;
    if (first_error == 0) return 0;
    if (first_error != EPIPE) print_error(std::string("cannot write output: ") + std::strerror(first_error));
    return 2;
}

}  // namespace segmint::cli
