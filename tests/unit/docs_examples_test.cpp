// Every fenced block of README.md and docs/*.md is checked against the program, or carries a visible
// `<!-- not checked: REASON -->` marker. The convention is in docs/development.md, "Examples in the docs": transcripts
// (`$ segmint ...` and the output) are run from the repository root and their output compared line by line; rule
// blocks are checked against a schema; schema, project and fixture YAML is loaded; synopses and command lists must use
// only subcommands and options that `segmint CMD --help` lists. The markdown is the golden: a difference is reported
// at FILE:LINE of the block with the first differing line.
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "test_support.h"

using namespace segmint::testing;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::system_clock;

// ---------------------------------------------------------------------------------------------------------------
// Text helpers

std::string trim(const std::string& text) {
    size_t begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return {};
    size_t end = text.find_last_not_of(" \t\r");
    return text.substr(begin, end - begin + 1);
}

std::string rtrim(const std::string& text) {
    size_t end = text.find_last_not_of(" \t\r");
    return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty()) return text;
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

std::string sh_quote(const std::string& path) { return "'" + replace_all(path, "'", "'\\''") + "'"; }

std::string indent(const std::string& text) {
    std::string out;
    for (const auto& line : split_lines(text)) out += "    " + line + "\n";
    return out.empty() ? "    <no output>\n" : out;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown: fenced blocks and the markers above them

struct Block {
    std::string file;  // "docs/projects.md"
    int line = 0;      // of the opening fence
    std::string info;  // the fence's info string, first word: "console", "seg", ""
    std::vector<std::string> lines;
    std::vector<std::string> markers;  // HTML comments just above the fence, without `<!--` and `-->`
    std::string where() const { return file + ":" + std::to_string(line); }
    std::string where(size_t index) const { return file + ":" + std::to_string(line + 1 + static_cast<int>(index)); }
    std::string text() const {
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
    }
};

std::vector<Block> fenced_blocks(const std::string& file, const std::string& markdown, std::vector<std::string>* problems) {
    static const std::regex open(R"(^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*).*$)");
    static const std::regex comment(R"(^\s*<!--(.*)-->\s*$)");
    std::vector<Block> blocks;
    std::vector<std::string> pending;  // comments since the last other non-blank line
    std::string fence;
    size_t fence_indent = 0;
    bool inside = false;
    Block current;
    int number = 0;
    for (std::string line : split_lines(markdown)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::smatch match;
        if (!inside) {
            if (std::regex_match(line, match, open)) {
                inside = true;
                fence = match[2];
                fence_indent = match[1].length();
                current = Block{};
                current.file = file;
                current.line = number;
                current.info = match[3];
                current.markers = pending;
                pending.clear();
            } else if (std::regex_match(line, match, comment)) {
                pending.push_back(trim(match[1]));
            } else if (!trim(line).empty()) {
                pending.clear();
            }
            continue;
        }
        std::string t = trim(line);
        if (t.size() >= fence.size() && t.find_first_not_of(fence[0]) == std::string::npos) {
            inside = false;
            blocks.push_back(current);
            continue;
        }
        size_t strip = 0;
        while (strip < fence_indent && strip < line.size() && line[strip] == ' ') ++strip;
        current.lines.push_back(line.substr(strip));
    }
    if (inside) problems->push_back(current.where() + ": the fence opened here is never closed");
    return blocks;
}

// ---------------------------------------------------------------------------------------------------------------
// Running commands

struct Run {
    int status = 0;
    std::string output;  // stdout and stderr together, as `2>&1` into a pipe gives them
    Clock::time_point start, end;
};

// Runs `command` with sh from the repository root, stdin from /dev/null; `$?` starts as `previous_status`.
Run run_shell(const std::string& command, int previous_status = 0) {
    std::string full = "cd " + sh_quote(source_dir()) + " || exit 99\n(exit " + std::to_string(previous_status) + ")\n{ " +
                       command + "\n} </dev/null 2>&1";
    Run run;
    run.start = Clock::now();
    FILE* pipe = ::popen(full.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed");
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, got);
    int status = ::pclose(pipe);
    run.end = Clock::now();
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

std::string binary() { return SEGMINT_BINARY; }

// `segmint`, `build/segmint`, `../build/segmint` in command position become the binary under test.
std::string with_binary(const std::string& command) {
    static const std::regex invocation(R"((^|[\s;&|(])(?:(?:\.\./)*build/)?segmint(?=\s|$))");
    return std::regex_replace(command, invocation, "$1" + binary());
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing output with the doc

// Durations (`loaded in 0.03 s`) are never compared: the number is masked on both sides.
std::string mask_durations(const std::string& line) {
    static const std::regex duration(R"(\bin [0-9]+(\.[0-9]+)? s\b)");
    return std::regex_replace(line, duration, "in <seconds> s");
}

// A UTC timestamp to the second, as runs without --as-of print the current instant.
const std::regex& timestamp_pattern() {
    static const std::regex pattern(R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)");
    return pattern;
}

bool is_run_time(const std::string& timestamp, const Run& run) {
    std::tm tm{};
    if (std::sscanf(timestamp.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec) != 6)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    auto at = Clock::from_time_t(::timegm(&tm));
    return at >= run.start - std::chrono::seconds(2) && at <= run.end + std::chrono::seconds(2);
}

// Splits a line into text and timestamps: text[0] ts[0] text[1] ts[1] ... text[n].
void split_timestamps(const std::string& line, std::vector<std::string>* text, std::vector<std::string>* stamps) {
    auto begin = std::sregex_iterator(line.begin(), line.end(), timestamp_pattern());
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        text->push_back(line.substr(last, it->position() - last));
        stamps->push_back(it->str());
        last = it->position() + it->length();
    }
    text->push_back(line.substr(last));
}

// Equal after trailing blanks are dropped and durations masked; a timestamp the doc shows matches the program's when
// the program's is the instant of the run (the current time, printed when no --as-of is given).
bool line_matches(const std::string& doc_line, const std::string& output_line, const Run& run) {
    std::string expected = mask_durations(rtrim(doc_line));
    std::string actual = mask_durations(rtrim(output_line));
    if (expected == actual) return true;
    std::vector<std::string> expected_text, expected_stamps, actual_text, actual_stamps;
    split_timestamps(expected, &expected_text, &expected_stamps);
    split_timestamps(actual, &actual_text, &actual_stamps);
    if (expected_text != actual_text || expected_stamps.size() != actual_stamps.size()) return false;
    for (size_t i = 0; i < actual_stamps.size(); ++i) {
        if (expected_stamps[i] != actual_stamps[i] && !is_run_time(actual_stamps[i], run)) return false;
    }
    return true;
}

// `doc` holds the shown output with the index of each line in the block; a line `...` stands for any number of lines
// (up to the first one that matches the line after it). Returns "" on a match, else where and how they differ.
std::string compare_output(const Block& block, const std::vector<std::pair<size_t, std::string>>& doc,
                           const std::string& output, const Run& run) {
    std::vector<std::string> actual = split_lines(output);
    size_t d = 0, a = 0;
    auto differ = [&](size_t doc_index, const std::string& shown, const std::string& got) {
        return "at " + block.where(doc_index) + " the doc shows\n    " + shown + "\nbut the program printed (line " +
               std::to_string(a + 1) + " of its output)\n    " + got;
    };
    while (d < doc.size()) {
        if (trim(doc[d].second) == "...") {
            if (d + 1 == doc.size()) return {};
            size_t k = a;
            while (k < actual.size() && !line_matches(doc[d + 1].second, actual[k], run)) ++k;
            if (k == actual.size()) {
                return "at " + block.where(doc[d + 1].first) + " the doc shows, after `...`,\n    " + doc[d + 1].second +
                       "\nbut no later line of the output is that";
            }
            a = k;
            ++d;
            continue;
        }
        if (a >= actual.size()) return differ(doc[d].first, doc[d].second, "<end of output>");
        if (!line_matches(doc[d].second, actual[a], run)) return differ(doc[d].first, doc[d].second, actual[a]);
        ++d;
        ++a;
    }
    if (a < actual.size()) {
        size_t after = doc.empty() ? 0 : doc.back().first;
        return differ(after, doc.empty() ? "<no output>" : "<end of output after " + block.where(after) + ">", actual[a]);
    }
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// `segmint CMD --help`: the options each subcommand has, and the values of those with a fixed set

struct Help {
    bool exists = false;
    std::map<std::string, std::set<std::string>> options;  // "--format" -> {"text", "json"}; empty: any value
};

const Help& help_of(const std::string& subcommand) {
    static std::map<std::string, Help> cache;
    auto found = cache.find(subcommand);
    if (found != cache.end()) return found->second;
    Help help;
    Run run = run_shell(sh_quote(binary()) + " " + subcommand + " --help");
    help.exists = run.status == 0 && run.output.find("Usage: segmint " + subcommand) != std::string::npos;
    static const std::regex option(R"(^\s+(?:-[A-Za-z],)?(--[A-Za-z][A-Za-z0-9-]*)(?:\s+[A-Z]+(?::\{([^}]*)\})?)?)");
    // The subcommand's options, and the global ones (`segmint --help`: --quiet, ...).
    std::string text = run.output;
    if (help.exists) text += run_shell(sh_quote(binary()) + " --help").output;
    for (const auto& line : split_lines(text)) {
        std::smatch match;
        if (!std::regex_search(line, match, option)) continue;
        std::set<std::string> values;
        std::string list = match[2];
        std::istringstream in(list);
        for (std::string value; std::getline(in, value, ',');) values.insert(value);
        help.options[match[1]] = values;
    }
    return cache.emplace(subcommand, help).first->second;
}

// Checks one command line (a synopsis or a line of a command list) against `segmint CMD --help`.
void check_options(const Block& block, size_t index, const std::string& command, std::vector<std::string>* problems) {
    static const std::regex subcommand_pattern(R"((?:^|[\s;&|(])(?:(?:\.\./)*build/)?segmint\s+([a-z][a-z-]*))");
    std::smatch match;
    if (!std::regex_search(command, match, subcommand_pattern)) return;
    std::string subcommand = match[1];
    std::string rest = match.suffix();
    for (const char* end : {" | ", " && ", " ; ", " # "}) rest = rest.substr(0, rest.find(end));
    const Help& help = help_of(subcommand);
    if (!help.exists) {
        problems->push_back(block.where(index) + ": `segmint " + subcommand + "` is not a command (`segmint " +
                            subcommand + " --help` fails)");
        return;
    }
    static const std::regex option(R"((--[A-Za-z][A-Za-z0-9-]*)(?:[ =]([A-Za-z0-9_|.-]+))?)");
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), option); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1];
        std::string value = (*it)[2];
        auto known = help.options.find(name);
        if (known == help.options.end()) {
            problems->push_back(block.where(index) + ": `segmint " + subcommand + "` has no option " + name +
                                " (see `segmint " + subcommand + " --help`)");
            continue;
        }
        if (known->second.empty() || value.empty() || starts_with(value, "-")) continue;
        std::set<std::string> shown;
        std::istringstream in(value);
        for (std::string v; std::getline(in, v, '|');) shown.insert(v);
        bool ok = value.find('|') != std::string::npos ? shown == known->second : known->second.count(value) > 0;
        if (!ok) {
            std::string allowed;
            for (const auto& v : known->second) allowed += (allowed.empty() ? "" : "|") + v;
            problems->push_back(block.where(index) + ": `segmint " + subcommand + " " + name + "` takes " + allowed +
                                ", the doc shows " + value);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// One page

struct Tally {
    int transcripts = 0, commands = 0, rules = 0, yaml = 0, files = 0, synopses = 0, command_lists = 0;
    std::vector<std::string> exclusions;  // "docs/x.md:12: reason"
    int checked() const { return transcripts + rules + yaml + files + synopses + command_lists; }
};

class PageChecker {
public:
    PageChecker(std::string name, Tally* tally) : name_(std::move(name)), tally_(tally) {}

    std::vector<std::string> check(const std::string& markdown) {
        for (const auto& block : fenced_blocks(name_, markdown, &problems_)) check_block(block);
        return problems_;
    }

private:
    std::string name_;
    Tally* tally_;
    std::vector<std::string> problems_;
    std::unique_ptr<TempDir> temp_;  // the page's /tmp, shared by its blocks in order
    std::string demo_data_;                // generated_data(), once per page
    int last_status_ = 0;

    const std::string& tmp() {
        if (!temp_) temp_ = std::make_unique<TempDir>("segmint_docs");
        return temp_->path;
    }

    // A doc's `/tmp/NAME` is NAME in the page's own temporary folder.
    std::string to_temp(const std::string& text) { return replace_all(text, "/tmp/", tmp() + "/"); }
    std::string from_temp(const std::string& text) { return temp_ ? replace_all(text, temp_->path, "/tmp") : text; }

    void fail(const std::string& message) { problems_.push_back(message); }

    void check_block(const Block& block) {
        std::string schema = "specs/schema.yaml";
        bool formatted = false;
        for (const auto& marker : block.markers) {
            if (starts_with(marker, "not checked")) {
                std::string reason = marker.size() > 12 && marker[11] == ':' ? trim(marker.substr(12)) : "";
                if (reason.empty()) return fail(block.where() + ": `<!-- not checked: REASON -->` needs a reason");
                tally_->exclusions.push_back(block.where() + ": " + reason);
                return;
            } else if (starts_with(marker, "schema:")) {
                schema = trim(marker.substr(7));
            } else if (marker == "formatted") {
                formatted = true;
            } else {
                return fail(block.where() + ": unknown marker `<!-- " + marker +
                            " -->` above a block (known: `not checked: REASON`, `schema: PATH`, `formatted`)");
            }
        }
        std::string first;
        for (const auto& line : block.lines) {
            if (!trim(line).empty()) {
                first = trim(line);
                break;
            }
        }
        static const std::regex temp_file(R"(^# (/tmp/[^\s:]+))");
        std::smatch match;
        std::string first_rule_line;
        for (const auto& line : block.lines) {
            std::string t = trim(line);
            if (!t.empty() && t[0] != '#' && !starts_with(t, "//")) {
                first_rule_line = t;
                break;
            }
        }
        std::string lower_rule = first_rule_line;
        for (auto& c : lower_rule) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const bool shell = block.info == "sh" || block.info == "bash" || block.info == "shell";
        if (starts_with(first, "$ ")) {
            check_transcript(block);
        } else if (std::regex_search(first, match, temp_file)) {
            tally_->files++;
            fs::path path = to_temp(match[1].str());
            fs::create_directories(path.parent_path());
            write_file(path.string(), block.text());
        } else if (block.info == "seg" || (block.info.empty() && starts_with(lower_rule, "segment "))) {
            check_rules(block, schema, formatted);
        } else if (block.info == "yaml" || block.info == "yml") {
            check_yaml(block);
        } else if (block.info.empty() && starts_with(first, "segmint ")) {
            check_synopsis(block);
        } else if (shell) {
            check_command_list(block);
        } else {
            fail(block.where() + ": this block is not checked; make it a transcript (`$ segmint ...` and its output), "
                                 "or mark it `<!-- not checked: REASON -->` (docs/development.md, \"Examples in the docs\")");
        }
    }

    // `$ COMMAND` lines, each followed by what it prints.
    void check_transcript(const Block& block) {
        tally_->transcripts++;
        size_t i = 0;
        while (i < block.lines.size()) {
            std::string line = block.lines[i];
            if (trim(line).empty()) {
                ++i;
                continue;
            }
            if (!starts_with(line, "$ ")) return fail(block.where(i) + ": expected a `$ ` command line");
            size_t command_index = i;
            std::string command = line.substr(2);
            while (!command.empty() && command.back() == '\\' && i + 1 < block.lines.size()) command += "\n" + block.lines[++i];
            ++i;
            std::vector<std::pair<size_t, std::string>> shown;
            while (i < block.lines.size() && !starts_with(block.lines[i], "$ ")) {
                shown.emplace_back(i, block.lines[i]);
                ++i;
            }
            while (!shown.empty() && trim(shown.back().second).empty()) shown.pop_back();  // a blank line between commands
            tally_->commands++;
            Run run = run_shell(with_binary(to_temp(command)), last_status_);
            last_status_ = run.status;
            std::string output = from_temp(run.output);
            std::string context = block.where(command_index) + ": `$ " + trim(command) + "`";
            if (run.status >= 128) {
                fail(context + " was killed by signal " + std::to_string(run.status - 128) + "; it printed\n" + indent(output));
                continue;
            }
            std::string difference = compare_output(block, shown, output, run);
            if (!difference.empty()) fail(context + " prints other output than the doc shows:\n" + difference +
                                          "\nfull output:\n" + indent(output));
        }
    }

    // Segment definitions: `segmint check` against the schema must find no problem at all.
    void check_rules(const Block& block, const std::string& schema, bool formatted) {
        tally_->rules++;
        std::string file = tmp() + "/" + fs::path(name_).filename().string() + "_" + std::to_string(block.line) + ".seg";
        write_file(file, block.text());
        Run run = run_shell(sh_quote(binary()) + " check --as-of 2026-11-23 --schema " + sh_quote(schema) + " " + sh_quote(file));
        static const std::regex clean(R"(^checked [0-9]+ segments? in 1 file: no problems\n$)");
        if (run.status != 0 || !std::regex_match(run.output, clean)) {
            fail(block.where() + ": the rules do not check cleanly against " + schema + " (line N of " + file +
                 " is line " + std::to_string(block.line) + "+N of the doc; exit " + std::to_string(run.status) + "):\n" +
                 indent(run.output));
        }
        if (formatted) {
            Run fmt = run_shell(sh_quote(binary()) + " fmt --check " + sh_quote(file));
            if (fmt.status != 0) fail(block.where() + ": marked `formatted`, but `segmint fmt` would change it:\n" + indent(fmt.output));
        }
    }

    void check_yaml(const Block& block) {
        std::set<std::string> keys;
        static const std::regex key(R"(^([A-Za-z_][A-Za-z0-9_]*):)");
        for (const auto& line : block.lines) {
            std::smatch match;
            if (std::regex_search(line, match, key)) keys.insert(match[1]);
        }
        // The repository file the block shows, from its first line (`# specs/segmint.yaml`).
        std::string shown_path;
        static const std::regex path_comment(R"(^# ([^\s]+))");
        std::smatch match;
        if (!block.lines.empty() && std::regex_search(block.lines[0], match, path_comment)) shown_path = match[1];
        std::string dir = tmp() + "/yaml_" + std::to_string(block.line);
        fs::create_directories(dir);
        auto needs_path = [&](const char* what) {
            fail(block.where() + ": a " + std::string(what) +
                 " block must start with `# PATH`, the file it shows, so the test knows its project");
        };
        const bool known = (keys.count("table") && keys.count("columns")) || (keys.count("schema") && keys.count("segments")) ||
                           (keys.count("customers") && keys.count("expect"));
        if (known) tally_->yaml++;
        if (keys.count("table") && keys.count("columns")) {
            std::string schema = dir + "/schema.yaml";
            write_file(schema, block.text());
            // One empty spec file (a folder with none is an input error): only its W007 may be reported.
            write_file(dir + "/empty.seg", "");
            Run run = run_shell(sh_quote(binary()) + " check --schema " + sh_quote(schema) + " " + sh_quote(dir + "/empty.seg"));
            const std::string loaded = "checked 0 segments in 1 file: 0 errors, 1 warning\n";  // W007, no segments
            if (run.status != 0 || run.output.size() < loaded.size() ||
                run.output.compare(run.output.size() - loaded.size(), loaded.size(), loaded) != 0)
                fail(block.where() + ": the schema does not load (exit " + std::to_string(run.status) + "):\n" + indent(run.output));
        } else if (keys.count("schema") && keys.count("segments")) {
            if (shown_path.empty()) return needs_path("project file");
            fs::path original = fs::path(source_dir()) / shown_path;
            if (!fs::is_directory(original.parent_path()))
                return fail(block.where() + ": " + shown_path + " is not in a folder of the repository");
            std::string project = dir + "/project";
            fs::copy(original.parent_path(), project, fs::copy_options::recursive);
            write_file(project + "/" + original.filename().string(), block.text());
            std::string data;
            if (!keys.count("data")) data = " --data " + generated_data();  // paths without spaces
            for (std::string command : {"check", "validate", "test"}) {
                if (command == "test" && !keys.count("tests")) continue;
                std::string args = command + " --project " + sh_quote(project) + (command == "validate" ? data : "");
                Run run = run_shell(sh_quote(binary()) + " " + args);
                if (run.status != 0)
                    fail(block.where() + ": `segmint " + command + "` on this project file (in a copy of " +
                         original.parent_path().lexically_relative(source_dir()).string() + ") exits " +
                         std::to_string(run.status) + ":\n" + indent(replace_all(run.output, project, "<project>")));
            }
        } else if (keys.count("customers") && keys.count("expect")) {
            if (shown_path.empty()) return needs_path("fixture");
            fs::path folder = (fs::path(source_dir()) / shown_path).parent_path();
            while (!fs::exists(folder / "segmint.yaml") && folder != fs::path(source_dir()) && folder.has_parent_path())
                folder = folder.parent_path();
            if (!fs::exists(folder / "segmint.yaml")) return fail(block.where() + ": no segmint.yaml above " + shown_path);
            std::string fixture = dir + "/" + fs::path(shown_path).filename().string();
            write_file(fixture, block.text());
            Run run = run_shell(sh_quote(binary()) + " test --project " + sh_quote(folder.string()) + " " + sh_quote(fixture));
            if (run.status != 0)
                fail(block.where() + ": `segmint test` of this fixture file in project " +
                     folder.lexically_relative(source_dir()).string() + " exits " + std::to_string(run.status) + ":\n" +
                     indent(run.output));
        } else {
            fail(block.where() + ": a YAML block that is neither a schema (`table`, `columns`), a project file "
                                 "(`schema`, `segments`) nor a fixture file (`customers`, `expect`); mark it "
                                 "`<!-- not checked: REASON -->` if it is not Segmint's");
        }
    }

    // The data project blocks are validated on: the page's 20,000 customers of seed 7 (docs/projects.md) with their
    // event tables, as the arguments that follow --data.
    std::string generated_data() {
        if (demo_data_.empty()) {
            const std::string folder = tmp() + "/project_block_data";
            fs::create_directories(folder);
            demo_data_ = generate_demo_data(folder, 20000, 7);
        }
        return demo_data_;
    }

    // `segmint validate [PATHS] [--project P] ...`, continued on indented lines.
    void check_synopsis(const Block& block) {
        tally_->synopses++;
        std::string joined;
        for (const auto& line : block.lines) joined += " " + trim(line);
        check_options(block, 0, joined, &problems_);
    }

    // A ```sh block without prompts: every segmint command in it must use existing subcommands and options.
    void check_command_list(const Block& block) {
        bool any = false;
        static const std::regex invocation(R"((?:^|[\s;&|(])(?:(?:\.\./)*build/)?segmint\s+[a-z])");
        for (size_t i = 0; i < block.lines.size(); ++i) {
            if (!std::regex_search(block.lines[i], invocation)) continue;
            any = true;
            check_options(block, i, block.lines[i], &problems_);
        }
        if (any) {
            tally_->command_lists++;
        } else {
            fail(block.where() + ": a command block with no segmint command to check; mark it "
                                 "`<!-- not checked: REASON -->`");
        }
    }
};

std::vector<std::string> pages() {
    std::vector<std::string> names = {"README.md"};
    for (const auto& path : files_with_extension(source_dir() + "/docs", ".md"))
        names.push_back("docs/" + fs::path(path).filename().string());
    return names;
}

std::vector<std::string> check_markdown(const std::string& name, const std::string& markdown, Tally* tally) {
    return PageChecker(name, tally).check(markdown);
}

std::string joined(const std::vector<std::string>& problems) {
    std::string out;
    for (const auto& p : problems) out += p + "\n";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(docs_examples)

BOOST_AUTO_TEST_CASE(every_block_is_checked_or_marked) {
    Tally tally;
    for (const auto& page : pages()) {
        for (const auto& problem : check_markdown(page, read_file(source_dir() + "/" + page), &tally)) BOOST_ERROR(problem);
    }
    std::string summary = std::to_string(tally.checked()) + " blocks checked (" + std::to_string(tally.transcripts) +
                          " transcripts with " + std::to_string(tally.commands) + " commands, " +
                          std::to_string(tally.rules) + " rule blocks, " + std::to_string(tally.yaml) + " YAML files, " +
                          std::to_string(tally.files) + " /tmp files, " + std::to_string(tally.synopses) + " synopses, " +
                          std::to_string(tally.command_lists) + " command lists), " +
                          std::to_string(tally.exclusions.size()) + " not checked:\n" + joined(tally.exclusions);
    BOOST_TEST_MESSAGE(summary);
    // The parser must keep finding the examples: far fewer would mean it broke, not that the docs shrank.
    BOOST_CHECK_GE(tally.transcripts, 8);
    BOOST_CHECK_GE(tally.rules, 15);
    BOOST_CHECK_GE(tally.yaml, 3);
}

// The checker itself: a wrong line is reported at its FILE:LINE with the program's line.
BOOST_AUTO_TEST_CASE(a_wrong_output_line_is_reported_where_it_is) {
    Tally tally;
    std::string markdown =
        "Text.\n"
        "\n"
        "```console\n"
        "$ build/segmint check --as-of 2026-11-23 --schema specs/schema.yaml specs/segments/tiers.seg\n"
        "checked 5 segments in 1 file: no problems\n"
        "```\n";
    auto problems = check_markdown("x.md", markdown, &tally);
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_TEST_MESSAGE(problems[0]);
    BOOST_CHECK(problems[0].find("x.md:4: `$ build/segmint check") == 0);
    BOOST_CHECK(problems[0].find("at x.md:5 the doc shows\n    checked 5 segments") != std::string::npos);
    BOOST_CHECK(problems[0].find("printed (line 1 of its output)\n    checked 4 segments in 1 file: no problems") !=
                std::string::npos);
}

BOOST_AUTO_TEST_CASE(elisions_durations_and_the_current_time) {
    Tally tally;
    std::string markdown =
        "```console\n"
        "$ build/segmint eval --project examples/broken_constraints\n"
        "8 customers as of 2026-11-23T10:15:03Z (loaded in 9.99 s, evaluated in 1.5 s)\n"
        "...\n"
        "dormant              2    25.00%  No orders in 90 days\n"
        "$ echo $?\n"
        "0\n"
        "```\n";
    BOOST_CHECK_EQUAL(joined(check_markdown("x.md", markdown, &tally)), "");
    // A timestamp that is not the time of the run is compared as written.
    std::string fixed = replace_all(markdown, "eval --project", "eval --as-of 2026-11-22T10:15:03Z --project");
    auto problems = check_markdown("x.md", fixed, &tally);
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_CHECK(problems[0].find("at x.md:3 the doc shows") != std::string::npos);
    // Missing output lines and a wrong exit code are found.
    std::string short_output = replace_all(markdown, "...\n", "");
    BOOST_CHECK_EQUAL(check_markdown("x.md", short_output, &tally).size(), 1u);
    std::string exit_code = replace_all(markdown, "$ echo $?\n0\n", "$ echo $?\n1\n");
    auto exit_problems = check_markdown("x.md", exit_code, &tally);
    BOOST_REQUIRE_EQUAL(exit_problems.size(), 1u);
    BOOST_CHECK(exit_problems[0].find("x.md:6: `$ echo $?`") == 0);
}

BOOST_AUTO_TEST_CASE(unchecked_blocks_need_a_marker_with_a_reason) {
    const std::string rule = "```seg\nsegment s: age > 1\n```\n";
    struct Case {
        std::string markdown;
        size_t problems;
        const char* why;
    };
    const Case cases[] = {
        {"```\nsome output\n```\n", 1, "a block with no marker"},
        {"<!-- not checked -->\n```\nsome output\n```\n", 1, "a marker without a reason"},
        {"<!-- not checked: an illustration -->\n\n```\nsome output\n```\n", 0, "a marker with a reason"},
        {"<!-- nto checked: typo -->\n```\nsome output\n```\n", 1, "a misspelt marker"},
        {"<!-- not checked: x -->\ntext\n```\nsome output\n```\n", 1, "a marker not right above the fence"},
        {"```seg\nsegment s: nope > 1\n```\n", 1, "a rule with an error"},
        {"```sh\nbuild/segmint check --projekt specs\n```\n", 1, "an unknown option"},
        {"```sh\nbuild/segmint check --format xml\n```\n", 1, "a wrong --format value"},
        {"```\nsegmint overlap [--format text|json]\n```\n", 1, "a synopsis missing a format"},
        {"```\nsegmint overlap [--format text|json|csv]\n```\n", 0, "the synopsis as it is"},
        {"```sh\nbuild/segmint evaluate --data x.csv\n```\n", 1, "an unknown command"},
        {"<!-- formatted -->\n```seg\nsegment s:\n  age > 1\n```\n", 0, "text `segmint fmt` leaves alone"},
        {"<!-- formatted -->\n```seg\nsegment s: age > 1\n```\n", 1, "text `segmint fmt` changes"},
        {rule, 0, "a rule on the default schema"},
        // examples/broken_constraints/schema.yaml has no `age`.
        {"<!-- schema: examples/broken_constraints/schema.yaml -->\n" + rule, 1, "another schema by marker"},
        {"```yaml\ntable: t\nkey: id\ncolumns:\n  id: integer\n```\n", 1, "a schema Segmint refuses"},
        {"```yaml\ntable: t\nkey: id\ncolumns:\n  id: int\n```\n", 0, "a valid schema"},
        {"```yaml\n# specs/segmint.yaml\nschema: schema.yaml\nsegments: [\"segments/*.sg\"]\n```\n", 2,
         "a project whose glob matches no spec file: `check` and `validate` refuse it"},
        {"```yaml\n# specs/tests/x.yaml\nas_of: 2026-11-23\ncustomers:\n  - {customer_id: 1, total_spend: 5}\n"
         "expect:\n  vip: {in: [1]}\n```\n",
         1, "a fixture whose expectation fails"},
    };
    Tally tally;
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.why) { BOOST_CHECK_EQUAL(check_markdown("x.md", c.markdown, &tally).size(), c.problems); }
    }
}

BOOST_AUTO_TEST_SUITE_END()
