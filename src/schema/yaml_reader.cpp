#include "schema/yaml_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <istream>
#include <new>
#include <streambuf>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/suggest.h"
#include "common/utf8.h"

namespace segmint::yaml {

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool is_space(char c) {
    return c == ' ' || c == '\t';
}
bool is_break(char c) {
    return c == '\n' || c == '\r';
}
bool is_blank(char c) {
    return is_space(c) || is_break(c);
}
// strchr() without its match on the terminating NUL.
bool in_set(char c, const char* set) {
    return c != '\0' && std::strchr(set, c) != nullptr;
}

uint32_t to_offset(size_t offset) {
    return static_cast<uint32_t>(offset);
}

std::string with_path(std::string_view path, std::string_view message) {
    if (path.empty()) return std::string(message);
    std::string out(path);
    out += ": ";
    out += message;
    return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Pre-scan. It replays yaml-cpp 0.7's scanner (scanner.cpp, scantoken.cpp, scanscalar.cpp, simplekey.cpp) without
// building tokens: the same token dispatch, the same block indent stack and potential simple keys (which decide where a
// plain scalar continues and where a block scalar ends), and the same scalar ends. So a bracket counts exactly when
// yaml-cpp would read it as a flow indicator, not inside quoted, plain or block scalars or comments. Where yaml-cpp
// would throw, the scan skips a character and goes on: that can only report more, never hide what yaml-cpp reads.
class FlowScanner {
public:
    FlowScanner(std::string_view text, size_t max_depth, size_t max_items)
        : s_(text), n_(text.size()), max_depth_(max_depth), max_items_(max_items) {}

    std::optional<FlowProblem> run() {
        while (i_ < n_ && !problem_) step();
        return problem_;
    }

private:
    enum class Status { Valid, Unknown, Invalid };
    struct Indent {
        long column;
        bool sequence;
        Status status;
        size_t id;
    };
    struct SimpleKey {
        size_t flow_level;
        size_t pos;
        size_t line;
        long indent;       // index into indents_ of its provisional mapping indent, or -1
        size_t indent_id;  // that indent's id: it may have been popped since
    };

    char at(size_t p) const { return p < n_ ? s_[p] : '\0'; }
    bool blank_or_end(size_t p) const { return p >= n_ || is_blank(s_[p]); }
    bool block() const { return depth_ == 0; }
    long column(size_t p) const { return static_cast<long>(p - line_start_); }
    bool doc_marker(size_t p) const {
        return column(p) == 0 && p + 3 <= n_ && (s_.compare(p, 3, "---") == 0 || s_.compare(p, 3, "...") == 0) &&
               blank_or_end(p + 3);
    }
    // Past one line break ("\r\n", "\n" or "\r") at p.
    size_t eat_break(size_t p) {
        p += (s_[p] == '\r' && at(p + 1) == '\n') ? 2 : 1;
        line_start_ = p;
        ++line_;
        return p;
    }
    void skip_to_break() {
        while (i_ < n_ && !is_break(s_[i_])) ++i_;
    }

    // --- yaml-cpp's indent stack (block context only) and potential simple keys.
    long top_indent() const { return indents_.empty() ? -1 : indents_.back().column; }

    long push_indent(long col, bool sequence, Status status) {
        if (!block()) return -1;
        if (col < top_indent()) return -1;
        if (col == top_indent() && !(sequence && !indents_.empty() && !indents_.back().sequence)) return -1;
        indents_.push_back({col, sequence, status, ++indent_ids_});
        return static_cast<long>(indents_.size()) - 1;
    }
    void pop_indent() {
        const Status status = indents_.back().status;
        indents_.pop_back();
        if (status != Status::Valid) invalidate_simple_key();
    }
    void pop_indent_to_here(long col, bool block_entry) {
        if (!block()) return;
        while (!indents_.empty()) {
            const Indent& top = indents_.back();
            if (top.column < col) break;
            if (top.column == col && !(top.sequence && !block_entry)) break;
            pop_indent();
        }
        while (!indents_.empty() && indents_.back().status == Status::Invalid) pop_indent();
    }
    void pop_all() {
        if (block()) {
            while (!indents_.empty()) pop_indent();
        }
        for (const SimpleKey& key : keys_) set_status(key, Status::Invalid);
        keys_.clear();
    }
    void set_status(const SimpleKey& key, Status status) {
        if (key.indent >= 0 && static_cast<size_t>(key.indent) < indents_.size() &&
            indents_[key.indent].id == key.indent_id) {
            indents_[key.indent].status = status;
        }
    }
    void insert_simple_key() {
        if (!simple_key_allowed_ || (!keys_.empty() && keys_.back().flow_level == depth_)) return;
        const long indent = push_indent(column(i_), false, Status::Unknown);
        keys_.push_back({depth_, i_, line_, indent, indent >= 0 ? indents_[indent].id : 0});
    }
    void invalidate_simple_key() {
        if (keys_.empty() || keys_.back().flow_level != depth_) return;
        set_status(keys_.back(), Status::Invalid);
        keys_.pop_back();
    }
    bool verify_simple_key() {
        if (keys_.empty() || keys_.back().flow_level != depth_) return false;
        const SimpleKey key = keys_.back();
        keys_.pop_back();
        const bool valid = key.line == line_ && i_ - key.pos <= 1024;
        set_status(key, valid ? Status::Valid : Status::Invalid);
        return valid;
    }

    // One token, after the blanks, comments and line breaks before it (Scanner::ScanNextToken).
    void step() {
        while (true) {
            while (i_ < n_ && is_space(s_[i_])) {
                if (block() && s_[i_] == '\t') simple_key_allowed_ = false;
                ++i_;
            }
            if (at(i_) == '#') skip_to_break();
            if (i_ >= n_ || !is_break(s_[i_])) break;
            i_ = eat_break(i_);
            invalidate_simple_key();
            if (block()) simple_key_allowed_ = true;
        }
        if (i_ >= n_) return;
        const char c = s_[i_];
        const char next = at(i_ + 1);
        const long col = column(i_);
        const bool block_entry = c == '-' && blank_or_end(i_ + 1);
        pop_indent_to_here(col, block_entry);

        if (col == 0 && (c == '%' || doc_marker(i_))) {
            pop_all();
            simple_key_allowed_ = false;
            json_value_ = false;
            if (c == '%') {
                skip_to_break();
            } else {
                i_ += 3;
            }
            return;
        }
        if (c == '[' || c == '{') {
            insert_simple_key();
            simple_key_allowed_ = true;
            json_value_ = false;
            if (depth_ == 0) items_ = 0;
            ++depth_;
            if (depth_ > max_depth_) {
                problem_ = FlowProblem{FlowProblem::Kind::TooDeep, i_};
                return;
            }
            count_item();
            ++i_;
            return;
        }
        if (c == ']' || c == '}') {
            if (block()) return skip();  // yaml-cpp throws "illegal flow end"
            if (c == '}') {
                verify_simple_key();
            } else {
                invalidate_simple_key();
            }
            simple_key_allowed_ = false;
            json_value_ = true;
            --depth_;
            ++i_;
            return;
        }
        if (c == ',') {
            if (!block()) {
                verify_simple_key();  // a no-op in a sequence's scan once the key was taken; enough for counting
                count_item();
            }
            simple_key_allowed_ = true;
            json_value_ = false;
            ++i_;
            return;
        }
        if (block_entry) {
            if (!block() || !simple_key_allowed_) return skip();  // yaml-cpp throws
            push_indent(col, true, Status::Valid);
            simple_key_allowed_ = true;
            json_value_ = false;
            ++i_;
            return;
        }
        if (c == '?' && is_blank(next)) {
            if (block()) {
                if (!simple_key_allowed_) return skip();
                push_indent(col, false, Status::Valid);
            }
            simple_key_allowed_ = block();
            ++i_;
            return;
        }
        const bool value = block() ? (c == ':' && blank_or_end(i_ + 1))
                                   : (c == ':' && (json_value_ || blank_or_end(i_ + 1) || in_set(next, ",]}")));
        if (value) {
            json_value_ = false;
            if (verify_simple_key()) {
                simple_key_allowed_ = false;
            } else {
                if (block()) {
                    if (!simple_key_allowed_) return skip();
                    push_indent(col, false, Status::Valid);
                }
                simple_key_allowed_ = block();
            }
            ++i_;
            return;
        }
        if (c == '*' || c == '&') {
            insert_simple_key();
            simple_key_allowed_ = false;
            json_value_ = false;
            ++i_;
            while (i_ < n_ && !is_blank(s_[i_]) && !in_set(s_[i_], "[]{},")) ++i_;
            return;
        }
        if (c == '!') {
            insert_simple_key();
            simple_key_allowed_ = false;
            json_value_ = false;
            ++i_;
            if (at(i_) == '<') {
                while (i_ < n_ && s_[i_] != '>' && !is_blank(s_[i_])) ++i_;
                if (at(i_) == '>') ++i_;
                return;
            }
            while (i_ < n_ &&
                   (std::isalnum(static_cast<unsigned char>(s_[i_])) || in_set(s_[i_], "-!#;/?:@&=+$_.~*'()%"))) {
                ++i_;
            }
            return;
        }
        if (block() && (c == '|' || c == '>')) {
            block_scalar();
            simple_key_allowed_ = true;
            json_value_ = false;
            return;
        }
        if (c == '\'' || c == '"') {
            insert_simple_key();
            if (!quoted_scalar()) i_ = n_;  // unterminated: yaml-cpp reads it to the end
            simple_key_allowed_ = false;
            json_value_ = true;
            return;
        }
        if (!can_start_plain()) return skip();  // yaml-cpp throws "unknown token"
        const long indent = block() ? top_indent() + 1 : 0;
        insert_simple_key();
        simple_key_allowed_ = plain_scalar(indent);
        json_value_ = false;
    }

    void skip() { ++i_; }

    void count_item() {
        if (++items_ > max_items_) problem_ = FlowProblem{FlowProblem::Kind::TooManyItems, i_};
    }

    bool can_start_plain() const {
        const char c = s_[i_];
        if (block()) {
            if (c == '\0' || in_set(c, ",[]{}#&*!|>'\"%@`")) return false;
            return !(in_set(c, "-?:") && blank_or_end(i_ + 1));
        }
        if (c == '\0' || in_set(c, "?,[]{}#&*!|>'\"%@`")) return false;
        return !(in_set(c, "-:") && (i_ + 1 >= n_ || is_space(s_[i_ + 1])));
    }

    bool plain_end() const {
        const char c = s_[i_];
        if (!block()) {
            if (in_set(c, ",?[]{}")) return true;
            const char next = at(i_ + 1);
            if (c == ':' && (blank_or_end(i_ + 1) || in_set(next, ",]}"))) return true;
        } else if (c == ':' && blank_or_end(i_ + 1)) {
            return true;
        }
        return is_blank(c) && at(i_ + 1) == '#';  // " #" and "\n#" start a comment
    }

    // Leaves i_ where yaml-cpp's plain scalar ends (ScanScalar with FOLD_FLOW). `indent`: the column continuation
    // lines must reach. True if the scalar ended at a less indented line (yaml-cpp's leadingSpaces).
    bool plain_scalar(long indent) {
        ++i_;  // the first character was checked by can_start_plain
        while (i_ < n_) {
            while (i_ < n_ && !is_break(s_[i_])) {
                if (plain_end() || doc_marker(i_)) return false;
                ++i_;
            }
            if (i_ >= n_ || plain_end()) return false;
            size_t p = eat_break(i_);
            while (p < n_ && is_space(s_[p]) && at(p + 1) != '#') {
                if (s_[p] == '\t' && column(p) < indent) {  // yaml-cpp throws "tab in indentation"
                    i_ = p;
                    return false;
                }
                ++p;
            }
            i_ = p;
            if (i_ >= n_) return false;
            if (!is_break(s_[i_]) && column(i_) < indent) return true;
            if (doc_marker(i_)) return false;
        }
        return false;
    }

    // Leaves i_ just past the closing quote; false if there is none.
    bool quoted_scalar() {
        const char quote = s_[i_++];
        while (i_ < n_) {
            const char c = s_[i_];
            if (doc_marker(i_)) return true;  // yaml-cpp throws "document indicator in scalar"; scan on from here
            if (is_break(c)) {
                i_ = eat_break(i_);
                continue;
            }
            if (quote == '"' && c == '\\') {
                i_ += is_break(at(i_ + 1)) ? 1 : 2;
                continue;
            }
            if (c == quote) {
                if (quote == '\'' && at(i_ + 1) == '\'') {
                    i_ += 2;
                    continue;
                }
                ++i_;
                return true;
            }
            ++i_;
        }
        return false;
    }

    // `|` or `>`: skips the header line and every line yaml-cpp reads as the scalar's content (ScanBlockScalar).
    void block_scalar() {
        ++i_;
        long indent = 1;
        bool detect = true;
        for (int k = 0; k < 2 && i_ < n_; ++k) {
            const char c = s_[i_];
            if (c == '+' || c == '-') {
                ++i_;
            } else if (c >= '1' && c <= '9') {
                indent = c - '0';
                detect = false;
                ++i_;
            } else {
                break;
            }
        }
        while (i_ < n_ && is_space(s_[i_])) ++i_;
        if (at(i_) == '#') skip_to_break();
        if (i_ < n_ && !is_break(s_[i_])) return;  // yaml-cpp throws "illegal character in block scalar"
        if (top_indent() >= 0) indent += top_indent();
        bool found_content = false;
        while (i_ < n_) {
            size_t p = eat_break(i_);
            while (p < n_ && s_[p] == ' ' && (column(p) < indent || (detect && !found_content))) ++p;
            if (detect && !found_content) indent = std::max(indent, column(p));
            i_ = p;
            if (i_ >= n_) return;
            if (s_[i_] == '\t' && column(i_) < indent) return;  // yaml-cpp throws "tab in indentation"
            // An empty line belongs to the scalar.
            if (is_break(s_[i_])) continue;
            if (column(i_) < indent) return;
            found_content = true;
            skip_to_break();
        }
    }

    std::string_view s_;
    size_t n_;
    size_t max_depth_;
    size_t max_items_;
    size_t i_ = 0;
    size_t line_start_ = 0;
    size_t line_ = 0;
    size_t depth_ = 0;
    size_t items_ = 0;
    bool json_value_ = false;  // yaml-cpp's "can be JSON flow": `:` right after a quoted scalar or `]`
    bool simple_key_allowed_ = true;
    std::vector<Indent> indents_;
    size_t indent_ids_ = 0;
    std::vector<SimpleKey> keys_;
    std::optional<FlowProblem> problem_;
};

// ---------------------------------------------------------------------------------------------------------------------
// Spans for scalars: yaml-cpp only gives where a node starts.

// Past `&anchor` and `!tag` properties that precede a node at p.
size_t skip_properties(std::string_view text, size_t p) {
    while (p < text.size() && (text[p] == '&' || text[p] == '!')) {
        while (p < text.size() && !is_blank(text[p]) && !in_set(text[p], ",]}")) ++p;
        while (p < text.size() && is_space(text[p])) ++p;
    }
    return p;
}

size_t line_end(std::string_view text, size_t p) {
    while (p < text.size() && !is_break(text[p])) ++p;
    return p;
}

// Past the closing quote of the quoted scalar that opens at p, or kNone if it is never closed.
size_t quoted_end(std::string_view text, size_t p) {
    const char quote = text[p];
    for (size_t i = p + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return kNone;
}

// End of the scalar token that yaml-cpp reported at `begin`.
size_t scalar_end(std::string_view text, size_t begin, bool plain, const std::string& value) {
    const size_t n = text.size();
    size_t p = skip_properties(text, begin);
    if (p >= n) return n;
    const char c = text[p];
    if (!plain && (c == '"' || c == '\'')) {
        const size_t end = quoted_end(text, p);
        return end == kNone ? n : end;
    }
    if (!plain && (c == '|' || c == '>')) return line_end(text, p);  // the header line stands for the block
    if (!value.empty() && text.compare(p, value.size(), value) == 0) return p + value.size();
    // A plain scalar folded over several lines: its first line.
    size_t e = line_end(text, p);
    for (size_t i = p + 1; i < e; ++i) {
        if (is_space(text[i - 1]) && text[i] == '#') {
            e = i;
            break;
        }
    }
    while (e > p && is_space(text[e - 1])) --e;
    return std::max(e, std::min(p + 1, n));
}

// The `~` or `null` a null node was written as, or an empty span at `begin`.
Span null_span(std::string_view text, size_t begin) {
    size_t p = skip_properties(text, begin);
    for (const char* word : {"~", "null", "Null", "NULL"}) {
        const size_t length = std::strlen(word);
        if (text.compare(p, length, word) == 0 &&
            (p + length == text.size() || is_blank(text[p + length]) || in_set(text[p + length], ",]}#"))) {
            return {to_offset(begin), to_offset(p + length)};
        }
    }
    return {to_offset(begin), to_offset(begin)};
}

// `*name` at p, for messages.
std::string alias_text(std::string_view text, size_t p) {
    size_t e = p + 1;
    while (e < text.size() && !is_blank(text[e]) && !in_set(text[e], "[]{},")) ++e;
    return std::string(text.substr(p, e - p));
}

// ---------------------------------------------------------------------------------------------------------------------
// Building the tree from yaml-cpp's events.

// Thrown from an event handler to stop yaml-cpp once a fatal problem is reported.
struct Stop {};

struct Reporter {
    std::shared_ptr<const Source> source;
    DiagnosticSink& sink;
    size_t errors = 0;

    Span at(long long pos, size_t length = 1) const {
        const size_t size = source->text().size();
        const size_t begin = pos < 0 ? 0 : std::min(static_cast<size_t>(pos), size);
        return {to_offset(begin), to_offset(std::min(begin + length, size))};
    }
    void error(Code code, Span span, std::string message, std::string hint = {}) {
        ++errors;
        sink.error(code, source, span, std::move(message), std::move(hint));
    }
};

const char* const kStrTag = "tag:yaml.org,2002:str";
const char* const kSeqTag = "tag:yaml.org,2002:seq";
const char* const kMapTag = "tag:yaml.org,2002:map";

class TreeBuilder final : public YAML::EventHandler {
public:
    TreeBuilder(Reporter& report, const ReadOptions& options)
        : report_(report), options_(options), text_(report.source->text()) {}

    NodePtr root() const { return root_; }
    size_t expanded_size() const { return total_; }
    long long document_start() const { return document_start_; }

    void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark.pos; }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto node = std::make_shared<Node>();
        node->kind = NodeKind::Null;
        const uint32_t begin = report_.at(mark.pos).begin;
        node->span = null_span(text_, begin);
        // yaml-cpp drops the tag of an empty node (`!2` alone); find it in the text.
        if (begin < text_.size() && text_[begin] == '!') {
            size_t end = begin;
            while (end < text_.size() && !is_blank(text_[end]) && !in_set(text_[end], ",]}")) ++end;
            const std::string_view tag = text_.substr(begin, end - begin);
            if (tag != "!" && tag != "!!str" && tag != "!!null") unsupported_tag(mark, std::string(tag));
        }
        // An empty value's mark is wherever the next token is; the key says more.
        if (!stack_.empty() && stack_.back().node->kind == NodeKind::Mapping && stack_.back().pending_key) {
            node->span = stack_.back().pending_key->span;
        }
        leaf(std::move(node), anchor);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        auto node = std::make_shared<Node>();
        node->kind = NodeKind::Scalar;
        node->text = value;
        node->plain = tag == "?";
        if (tag != "?" && tag != "!" && tag != kStrTag) unsupported_tag(mark, tag);
        const uint32_t begin = report_.at(mark.pos).begin;
        node->span = {begin, to_offset(scalar_end(text_, begin, node->plain, value))};
        const size_t quote_at = skip_properties(text_, begin);
        if (!node->plain && quote_at < text_.size() && (text_[quote_at] == '"' || text_[quote_at] == '\'') &&
            quoted_end(text_, quote_at) == kNone) {
            // yaml-cpp 0.7 accepts a quoted scalar left open at the end of a file that ends with a line break.
            report_.error(Code::YamlSyntax, report_.at(static_cast<long long>(quote_at)),
                          "quoted string is never closed", "add the closing " + std::string(1, text_[quote_at]));
        }
        leaf(std::move(node), anchor);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        const std::string name = alias_text(text_, report_.at(mark.pos).begin);
        const Span span = report_.at(mark.pos, name.size());
        for (const auto& frame : stack_) {
            if (frame.anchor != 0 && frame.anchor == anchor) {
                report_.error(Code::YamlSyntax, span,
                              "alias " + quote(name) + " is used inside the node it refers to (a cyclic alias)",
                              "an alias can only repeat a node that is already complete");
                throw Stop{};
            }
        }
        auto found = anchors_.find(anchor);
        if (found == anchors_.end()) {
            report_.error(Code::YamlSyntax, span, "alias " + quote(name) + " refers to no anchor");
            throw Stop{};
        }
        const NodePtr& target = found->second;
        if (stack_.size() + target->height > options_.max_depth) too_deep(span);
        count(target->expanded_size, span);
        attach(target, span.end);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value style) override {
        open(mark, tag, anchor, style, NodeKind::Sequence);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value style) override {
        open(mark, tag, anchor, style, NodeKind::Mapping);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame {
        std::shared_ptr<Node> node;
        YAML::anchor_t anchor = 0;
        bool flow = false;
        NodePtr pending_key;  // a mapping key waiting for its value
        size_t end = 0;       // furthest byte of any child so far
        size_t child_height = 0;
    };

    void count(size_t nodes, Span span) {
        total_ += nodes;
        if (total_ > options_.max_nodes) {
            report_.error(Code::YamlLimit, span,
                          options_.what + " expands to more than " + std::to_string(options_.max_nodes) +
                              " YAML nodes (aliases count each time they are used)",
                          "a file this large is not supported; aliases cannot be nested to multiply content");
            throw Stop{};
        }
    }

    void too_deep(Span span) {
        report_.error(Code::YamlLimit, span,
                      "YAML nested deeper than " + std::to_string(options_.max_depth) + " levels",
                      "Segmint files never need this much nesting");
        throw Stop{};
    }

    void unsupported_tag(const YAML::Mark& mark, const std::string& tag) {
        // An empty value's mark can be the next node's, so the same tag could come up twice.
        if (mark.pos == last_tag_error_) return;
        last_tag_error_ = mark.pos;
        const Span span = report_.at(mark.pos, std::max<size_t>(1, std::min<size_t>(tag.size(), 64)));
        report_.error(Code::YamlSyntax, span, "unsupported YAML tag " + quote(tag),
                      "Segmint files use plain YAML values; remove the tag or quote the value");
    }

    void leaf(std::shared_ptr<Node> node, YAML::anchor_t anchor) {
        count(1, node->span);
        if (anchor != 0) anchors_[anchor] = node;
        const size_t end = node->span.end;
        attach(std::move(node), end);
    }

    void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value style,
              NodeKind kind) {
        const Span start = report_.at(mark.pos);
        if (tag != "?" && tag != "!" && tag != (kind == NodeKind::Sequence ? kSeqTag : kMapTag)) {
            unsupported_tag(mark, tag);
        }
        count(1, start);
        if (stack_.size() + 1 > options_.max_depth) too_deep(start);
        Frame frame;
        frame.node = std::make_shared<Node>();
        frame.node->kind = kind;
        frame.node->span = start;
        frame.anchor = anchor;
        frame.flow = style == YAML::EmitterStyle::Flow;
        frame.end = start.end;
        stack_.push_back(std::move(frame));
    }

    void close() {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        Node& node = *frame.node;
        if (node.kind == NodeKind::Mapping && frame.pending_key) {
            // yaml-cpp always sends a value after a key; keep the tree well formed regardless.
            auto value = std::make_shared<Node>();
            value->span = frame.pending_key->span;
            node.entries.push_back({frame.pending_key, std::move(value)});
        }
        size_t end = frame.end;
        if (frame.flow) {
            // Include the closing bracket: skip blanks, commas and comments after the last child.
            const char close_char = node.kind == NodeKind::Sequence ? ']' : '}';
            size_t p = end;
            while (p < text_.size() && p < end + 4096) {
                const char c = text_[p];
                if (c == close_char) {
                    end = p + 1;
                    break;
                }
                if (c == '#') {
                    p = line_end(text_, p);
                    continue;
                }
                if (!is_blank(c) && c != ',') break;
                ++p;
            }
        }
        node.span.end = to_offset(std::max<size_t>(end, node.span.begin));
        node.height = frame.child_height + 1;
        NodePtr done = std::move(frame.node);
        if (frame.anchor != 0) anchors_[frame.anchor] = done;
        attach(std::move(done), end);
    }

    void attach(NodePtr node, size_t use_end) {
        if (stack_.empty()) {
            root_ = std::move(node);
            return;
        }
        Frame& frame = stack_.back();
        frame.end = std::max(frame.end, use_end);
        frame.child_height = std::max(frame.child_height, node->height);
        frame.node->expanded_size += node->expanded_size;
        if (frame.node->kind == NodeKind::Sequence) {
            frame.node->items.push_back(std::move(node));
        } else if (!frame.pending_key) {
            frame.pending_key = std::move(node);
        } else {
            frame.node->entries.push_back({std::move(frame.pending_key), std::move(node)});
            frame.pending_key = nullptr;
        }
    }

    Reporter& report_;
    const ReadOptions& options_;
    std::string_view text_;
    std::vector<Frame> stack_;
    std::unordered_map<YAML::anchor_t, NodePtr> anchors_;
    NodePtr root_;
    size_t total_ = 0;
    long long document_start_ = -1;
    long long last_tag_error_ = -1;
};

// Parses the documents after the first one only to reject any that has content.
//
// It also stops a yaml-cpp 0.7 hang: a token that cannot start a node at the top level (`,` in `,` or `a: 1\n,`) is
// never consumed, so Parser::HandleNextDocument returns the same empty document forever (YAML::LoadAll never ends).
class ExtraDocument final : public YAML::EventHandler {
public:
    ExtraDocument(Reporter& report, const ReadOptions& options, long long first_start)
        : report_(report), options_(options), start_(first_start) {}

    void OnDocumentStart(const YAML::Mark& mark) override {
        if (mark.pos == start_) {
            const std::string_view text = report_.source->text();
            const size_t at = std::min(static_cast<size_t>(std::max(0, mark.pos)), text.size());
            size_t length = at < text.size() ? 1 : 0;  // one whole UTF-8 character
            while (at + length < text.size() && (static_cast<unsigned char>(text[at + length]) & 0xC0) == 0x80) {
                ++length;
            }
            const bool comma = length == 1 && text[at] == ',';
            report_.error(Code::YamlSyntax, report_.at(mark.pos, length),
                          "invalid YAML: unexpected " + (length > 0 ? quote(text.substr(at, length)) : "end"),
                          comma ? "a `,` only separates items inside `[...]` or `{...}`" : "");
            throw Stop{};
        }
        start_ = mark.pos;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}  // an empty document (a trailing `---`) is harmless
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { reject(); }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { reject(); }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        reject();
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        reject();
    }
    void OnMapEnd() override {}

private:
    void reject() {
        report_.error(Code::YamlSyntax, report_.at(start_, 3),
                      "expected one YAML document in " + options_.what + ", but a second one starts here",
                      "remove the `---` line and merge the two documents");
        throw Stop{};
    }

    Reporter& report_;
    const ReadOptions& options_;
    long long start_ = 0;
};

// Reads a string in place: the source text is not copied for yaml-cpp.
class ViewBuffer final : public std::streambuf {
public:
    explicit ViewBuffer(std::string_view text) {
        char* begin = const_cast<char*>(text.data());  // the get area is only read
        setg(begin, begin, begin + text.size());
    }
};

std::string hint_for_yaml_error(const std::string& message) {
    if (message.find("tab") != std::string::npos) return "indent with spaces; YAML does not allow tabs there";
    if (message.find("end of") != std::string::npos) return "check the indentation and the closing brackets";
    if (message.find("unknown token") != std::string::npos) return "this character cannot start a YAML value here";
    return {};
}

std::string format_size(size_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

bool simple_key(std::string_view key) {
    if (key.empty()) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
               static_cast<unsigned char>(c) >= 0x80;
    });
}

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view cut(std::string_view text, size_t max_bytes, bool* cut_off) {
    *cut_off = text.size() > max_bytes;
    if (!*cut_off) return text;
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

void append_escaped(std::string& out, std::string_view text) {
    static const char kHex[] = "0123456789abcdef";
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (byte < 0x20 || byte == 0x7F) {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        } else {
            out += c;
        }
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------------

std::optional<FlowProblem> prescan_flow(std::string_view text, size_t max_depth, size_t max_items) {
    return FlowScanner(text, max_depth, max_items).run();
}

std::string quote(std::string_view text, size_t max_bytes) {
    bool cut_off = false;
    std::string out = "`";
    append_escaped(out, cut(text, max_bytes, &cut_off));
    out += cut_off ? "…`" : "`";
    return out;
}

std::string describe(const Node& node) {
    switch (node.kind) {
        case NodeKind::Null: return "nothing";
        case NodeKind::Scalar: return node.text.empty() ? "an empty string" : quote(node.text, 40);
        case NodeKind::Sequence: return "a list";
        case NodeKind::Mapping: return "a mapping";
    }
    return "a value";
}

std::string key_path(std::string_view parent, std::string_view key) {
    std::string out(parent);
    if (!out.empty()) out += '.';
    if (simple_key(key) && key.size() <= 64) {
        out += key;
    } else {
        bool cut_off = false;
        out += '"';
        append_escaped(out, cut(key, 64, &cut_off));
        out += cut_off ? "…\"" : "\"";
    }
    return out;
}

std::string index_path(std::string_view parent, size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::optional<Document> read_yaml(std::shared_ptr<const Source> source, DiagnosticSink& sink,
                                  const ReadOptions& options) {
    Reporter report{source, sink};
    const std::string& text = source->text();

    // Checks on the raw text come first: yaml-cpp must never see what it handles badly.
    if (text.size() > options.max_bytes) {
        report.error(Code::YamlLimit, {0, 0},
                     options.what + " is " + std::to_string(text.size()) + " bytes; the limit is " +
                         format_size(options.max_bytes));
        return std::nullopt;
    }
    if (size_t nul = text.find('\0'); nul != std::string::npos) {
        report.error(Code::YamlSyntax, report.at(static_cast<long long>(nul)), "NUL byte in " + options.what,
                     "YAML files are text; this one may be binary or UTF-16");
        return std::nullopt;
    }
    if (auto bad = utf8::first_invalid(text)) {
        report.error(Code::YamlSyntax, report.at(static_cast<long long>(*bad)), "invalid UTF-8 in " + options.what,
                     "save the file as UTF-8");
        return std::nullopt;
    }
    if (auto problem = prescan_flow(text, options.max_depth, options.max_flow_items)) {
        const Span span = report.at(static_cast<long long>(problem->offset));
        if (problem->kind == FlowProblem::Kind::TooDeep) {
            report.error(Code::YamlLimit, span,
                         "YAML nested deeper than " + std::to_string(options.max_depth) + " levels",
                         "Segmint files never need this much nesting");
        } else {
            report.error(
                Code::YamlLimit, span,
                "a `[...]` or `{...}` collection with more than " + std::to_string(options.max_flow_items) + " items",
                "write long lists in block style, one `- item` per line");
        }
        return std::nullopt;
    }

    TreeBuilder builder(report, options);
    bool found_document = false;
    try {
        ViewBuffer buffer(text);
        std::istream input(&buffer);
        YAML::Parser parser(input);
        found_document = parser.HandleNextDocument(builder);
        if (found_document) {
            ExtraDocument extra(report, options, builder.document_start());
            while (parser.HandleNextDocument(extra)) {
            }
        }
    } catch (const Stop&) {
        return std::nullopt;
    } catch (const YAML::DeepRecursion& e) {
        report.error(Code::YamlLimit, report.at(e.mark.pos),
                     "YAML nested deeper than " + std::to_string(options.max_depth) + " levels");
        return std::nullopt;
    } catch (const YAML::Exception& e) {
        bool cut_off = false;
        const Span span = report.at(e.mark.is_null() ? 0 : e.mark.pos);
        const std::string_view line = source->line_text(source->location(span.begin).line);
        const std::string_view indentation = line.substr(0, line.find_first_not_of(" \t"));
        const std::string hint = indentation.find('\t') != std::string_view::npos
                                     ? "indent with spaces; YAML does not allow tabs in indentation"
                                     : hint_for_yaml_error(e.msg);
        report.error(Code::YamlSyntax, span, "invalid YAML: " + std::string(cut(e.msg, 200, &cut_off)), hint);
        return std::nullopt;
    } catch (const std::bad_alloc&) {
        report.error(Code::YamlLimit, {0, 0}, options.what + " is too large to read");
        return std::nullopt;
    } catch (const std::exception& e) {
        report.error(Code::YamlSyntax, {0, 0}, "could not read " + options.what + ": " + e.what());
        return std::nullopt;
    } catch (...) {
        report.error(Code::YamlSyntax, {0, 0}, "could not read " + options.what);
        return std::nullopt;
    }
    if (report.errors > 0) return std::nullopt;

    NodePtr root = builder.root();
    if (!root || root->is_null()) {
        if (!options.allow_empty) {
            report.error(Code::YamlMissingKey, {0, 0}, options.what + " is empty", options.empty_hint);
            return std::nullopt;
        }
        if (!root) root = std::make_shared<Node>();
    }
    return Document{std::move(source), std::move(root), builder.expanded_size()};
}

// ---------------------------------------------------------------------------------------------------------------------

const Field* MappingView::find(std::string_view key) const {
    for (const auto& field : fields_) {
        if (field.key == key) return &field;
    }
    return nullptr;
}

void Walker::error(Code code, Span span, std::string message, std::string hint) {
    ++errors_;
    sink_.error(code, source_, span, std::move(message), std::move(hint));
}

void Walker::error(Code code, Span span, std::string message, std::string hint, std::vector<DiagnosticNote> notes) {
    ++errors_;
    Diagnostic diagnostic;
    diagnostic.code = code;
    diagnostic.source = source_;
    diagnostic.span = span;
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    diagnostic.notes = std::move(notes);
    sink_.add(std::move(diagnostic));
}

void Walker::wrong_kind(const Node& node, std::string_view path, std::string_view expected) {
    error(Code::YamlWrongType, node.span,
          with_path(path, "expected " + std::string(expected) + ", found " + describe(node)));
}

std::optional<MappingView> Walker::mapping(const Node& node, std::string_view path, std::string_view expected) {
    static const std::vector<std::string> kAnyKey;
    if (!node.is_mapping()) {
        wrong_kind(node, path, expected);
        return std::nullopt;
    }
    MappingView view;
    view.node_ = &node;
    view.path_ = std::string(path);
    std::unordered_map<std::string_view, const Field*> seen;
    seen.reserve(node.entries.size());
    view.fields_.reserve(node.entries.size());
    for (const auto& entry : node.entries) {
        if (stopped()) break;
        const Node& key = *entry.key;
        if (!key.is_scalar()) {
            error(Code::YamlWrongType, key.span, with_path(path, "a key must be a name, found " + describe(key)));
            continue;
        }
        auto [it, inserted] = seen.emplace(key.text, nullptr);
        if (!inserted) {
            // fields_ is reserved, so pointers into it stay valid.
            const Field& first = *it->second;
            const uint32_t line = source_->location(first.key_span.begin).line;
            error(Code::YamlDuplicateKey, key.span,
                  with_path(key_path(path, key.text),
                            "key " + quote(key.text) + " is given twice; the first is on line " + std::to_string(line)),
                  "remove one of them", {note("first given here", first.key_span)});
            continue;
        }
        view.fields_.push_back(Field{key.text, key.span, entry.value.get(), key_path(path, key.text)});
        it->second = &view.fields_.back();
    }
    return view;
}

std::optional<MappingView> Walker::mapping(const Node& node, std::string_view path,
                                           const std::vector<std::string>& allowed, std::string_view expected) {
    auto view = mapping(node, path, expected);
    if (!view) return view;
    for (const auto& field : view->fields()) {
        if (std::find(allowed.begin(), allowed.end(), field.key) != allowed.end()) continue;
        std::string hint = did_you_mean(field.key, allowed);
        if (hint.empty()) {
            hint = "expected one of";
            for (size_t i = 0; i < allowed.size(); ++i) hint += (i == 0 ? " `" : ", `") + allowed[i] + "`";
        }
        error(Code::YamlUnknownKey, field.key_span, with_path(field.path, "unknown key"), std::move(hint));
        if (stopped()) break;
    }
    return view;
}

const Field* Walker::required(const MappingView& map, std::string_view key) {
    if (const Field* field = map.find(key)) return field;
    const Span span = map.node().span;
    error(Code::YamlMissingKey, {span.begin, std::min(span.end, span.begin + 1)},
          with_path(map.path(), "missing required key " + quote(key)));
    return nullptr;
}

std::optional<std::string> Walker::string(const Node& node, std::string_view path, std::string_view expected) {
    if (node.is_scalar()) return node.text;
    wrong_kind(node, path, expected);
    return std::nullopt;
}

std::optional<std::string> Walker::non_empty_string(const Node& node, std::string_view path,
                                                    std::string_view expected) {
    auto text = string(node, path, expected);
    if (text && text->empty()) {
        error(Code::YamlInvalidValue, node.span, with_path(path, "must not be empty"));
        return std::nullopt;
    }
    return text;
}

const std::vector<NodePtr>* Walker::sequence(const Node& node, std::string_view path, std::string_view expected) {
    if (node.is_sequence()) return &node.items;
    wrong_kind(node, path, expected);
    return nullptr;
}

std::optional<std::vector<Walker::Item>> Walker::string_list(const Node& node, std::string_view path,
                                                             std::string_view expected) {
    const auto* items = sequence(node, path, expected);
    if (!items) return std::nullopt;
    std::vector<Item> out;
    out.reserve(items->size());
    bool ok = true;
    for (size_t i = 0; i < items->size(); ++i) {
        if (stopped()) return std::nullopt;
        const Node& item = *(*items)[i];
        std::string item_path = index_path(path, i);
        if (!item.is_scalar()) {
            wrong_kind(item, item_path, "a string");
            ok = false;
            continue;
        }
        out.push_back(Item{item.text, &item, std::move(item_path)});
    }
    if (!ok) return std::nullopt;
    return out;
}

}  // namespace segmint::yaml
