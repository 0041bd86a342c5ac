#pragma once
// The checked view of a yaml::Node tree: a Walker reads it with key paths (`columns.tier.values[2]`) in every message,
// reporting wrong kinds, unknown, duplicate and missing keys, so each file loader only states what its format allows.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "yaml/reader.h"

namespace segmint::yaml {

// "a list", "a mapping", "nothing", or the scalar in backquotes (shortened), for "expected X, found Y" messages.
std::string describe(const Node& node);

// User text for a message: in backquotes, control characters escaped, cut at `max_bytes` on a code point boundary.
std::string quote(std::string_view text, size_t max_bytes = 64);

// Key paths: `columns`, `columns.tier`, `columns.tier.values[2]`. Keys that are not simple words are quoted.
std::string key_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, size_t index);

// A mapping entry whose key is a string, seen through a Walker.
struct Field {
    std::string_view key;  // points into the tree, which the Document keeps alive
    Span key_span;
    const Node* value = nullptr;
    std::string path;  // key path of the value
};

class MappingView {
public:
    const Node& node() const { return *node_; }
    const std::string& path() const { return path_; }
    // The first occurrence of each string key, in file order (unknown keys included; repeats left out).
    const std::vector<Field>& fields() const { return fields_; }
    const Field* find(std::string_view key) const;

private:
    friend class Walker;
    const Node* node_ = nullptr;
    std::string path_;
    std::vector<Field> fields_;
};

// Reads a yaml::Node tree for one file, reporting problems with their key path and counting them, so a loader can
// report every error in the file and then decide whether to return a result.
class Walker {
public:
    Walker(std::shared_ptr<const Source> source, DiagnosticSink& sink) : source_(std::move(source)), sink_(sink) {}

    const std::shared_ptr<const Source>& source() const { return source_; }
    size_t error_count() const { return errors_; }
    // True once the sink stopped taking errors for this file; loops over user data should end early.
    bool stopped() const { return sink_.capped(source_.get()); }

    // Reports an error on this file. The message should start with the key path ("columns.tier: ...").
    void error(Code code, Span span, std::string message, std::string hint = {});
    void error(Code code, Span span, std::string message, std::string hint, std::vector<DiagnosticNote> notes);
    void wrong_kind(const Node& node, std::string_view path, std::string_view expected);  // E204
    // A note pointing at another place in this file ("first given here").
    DiagnosticNote note(std::string message, Span span) const {
        return DiagnosticNote{std::move(message), source_, span};
    }

    // E204 unless `node` is a mapping. Reports keys that are not strings (E204) and repeated keys (E203, with a note at
    // the first); with `allowed`, also keys not in it (E202, "did you mean").
    std::optional<MappingView> mapping(const Node& node, std::string_view path,
                                       std::string_view expected = "a mapping");
    std::optional<MappingView> mapping(const Node& node, std::string_view path, const std::vector<std::string>& allowed,
                                       std::string_view expected = "a mapping");

    // The field, or nullptr after reporting E205 at the mapping.
    const Field* required(const MappingView& map, std::string_view key);

    // A scalar's text; E204 for a list, a mapping or an empty value.
    std::optional<std::string> string(const Node& node, std::string_view path, std::string_view expected = "a string");
    // Like string(), and E206 when the text is empty.
    std::optional<std::string> non_empty_string(const Node& node, std::string_view path,
                                                std::string_view expected = "a string");
    // `true` or `false` (plain, as YAML 1.2 spells them); E204/E206 otherwise.
    std::optional<bool> boolean(const Node& node, std::string_view path);
    // The items of a sequence; E204 otherwise.
    const std::vector<NodePtr>* sequence(const Node& node, std::string_view path, std::string_view expected = "a list");
    // A list of strings; E204 for the list or for each item that is not a scalar. Each item keeps its node.
    struct Item {
        std::string text;
        const Node* node = nullptr;
        std::string path;
    };
    std::optional<std::vector<Item>> string_list(const Node& node, std::string_view path,
                                                 std::string_view expected = "a list of strings");

private:
    std::shared_ptr<const Source> source_;
    DiagnosticSink& sink_;
    size_t errors_ = 0;
};

}  // namespace segmint::yaml
