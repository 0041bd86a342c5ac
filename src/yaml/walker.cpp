// The checked view of a YAML tree that the schema, project and fixture loaders share: typed access with key paths,
// "did you mean" for unknown keys, and the quoting of values in messages.
#include "yaml/walker.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "common/suggest.h"
#include "yaml/text.h"

namespace segmint::yaml {

namespace {

std::string with_path(std::string_view path, std::string_view message) {
    if (path.empty()) return std::string(message);
    std::string out(path);
    out += ": ";
    out += message;
    return out;
}

bool simple_key(std::string_view key) {
    if (key.empty()) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
               static_cast<unsigned char>(c) >= 0x80;
    });
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

std::optional<bool> Walker::boolean(const Node& node, std::string_view path) {
    auto text = string(node, path, "true or false");
    if (!text) return std::nullopt;
    if (node.plain && (*text == "true" || *text == "false")) return *text == "true";
    error(Code::YamlInvalidValue, node.span, with_path(path, "expected true or false, found " + quote(*text)));
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
