// The pre-scan behind prescan_flow (yaml/reader.h): flow collections too deep or too large are refused before
// yaml-cpp, which recurses per level, sees them.
#include <optional>
#include <vector>

#include "yaml/reader.h"
#include "yaml/text.h"

namespace segmint::yaml {

namespace {

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

}  // namespace

std::optional<FlowProblem> prescan_flow(std::string_view text, size_t max_depth, size_t max_items) {
    return FlowScanner(text, max_depth, max_items).run();
}

}  // namespace segmint::yaml
