// Reading YAML into a tree with exact spans: the raw text checked first (size, NUL bytes, UTF-8, flow nesting:
// flow_scan.cpp), then yaml-cpp's events built into nodes, aliases expanded within limits. The checked view of
// the tree is walker.cpp.
#include "yaml/reader.h"

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

#include "common/utf8.h"
#include "yaml/text.h"
#include "yaml/walker.h"  // quote() for messages

namespace segmint::yaml {

namespace {

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

}  // namespace

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
        report.error(Code::YamlLimit, {0, 0}, "out of memory reading " + options.what);
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

}  // namespace segmint::yaml
