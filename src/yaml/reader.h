#pragma once
// Hostile-input-safe YAML reading for the schema, project and fixture-test files.
//
// read_yaml() turns a Source into an owned, immutable tree of yaml::Node (no yaml-cpp type crosses this header) and
// never throws on user input: size, encoding, nesting depth, node count (aliases counted each time they are used),
// alias cycles, tags, extra documents and every yaml-cpp exception become Diagnostics. A Walker (yaml/walker.h) then
// reads that tree with key paths; loaders open their file with open_mapping() (yaml/open_mapping.h), which does both.
//
// yaml-cpp 0.7 weaknesses handled here: it keeps duplicate keys silently (#60; the Walker reports them); aliases share
// nodes, so their expansion is counted while building; its scanner reads a whole flow collection ahead and its parser
// recurses per level (prescan_flow refuses deep or huge ones first); a top-level `,` makes HandleNextDocument return
// the same empty document forever (YAML::LoadAll never returns); it accepts a quoted scalar left open at the end of a
// file and drops the tag of an empty node (`!2`). Each of these ends in a diagnostic.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "common/limits.h"

namespace segmint::yaml {

enum class NodeKind { Null, Scalar, Sequence, Mapping };

struct Node;
// Nodes are shared: an alias (`*name`) is the anchored node itself, so a tree is a DAG whose expanded size read_yaml
// has already bounded.
using NodePtr = std::shared_ptr<const Node>;

struct Entry {
    NodePtr key;
    NodePtr value;
};

struct Node {
    NodeKind kind = NodeKind::Null;
    // The node's text in the source: a scalar's token (with its quotes), a collection from its first to its last byte.
    // An empty value (`key:`) has the span of its key.
    Span span;
    std::string text;            // Scalar: the value after unquoting and folding
    bool plain = true;           // Scalar: written without quotes or `|`/`>`, so `yes`, `1.0`, `null` look typed
    std::vector<NodePtr> items;  // Sequence
    std::vector<Entry> entries;  // Mapping, in file order; repeated keys are kept (the Walker reports them)
    size_t expanded_size = 1;    // this node plus everything under it, aliases counted at every use
    size_t height = 0;           // collection levels in this node, itself included (0 for a scalar), through aliases

    bool is_null() const { return kind == NodeKind::Null; }
    bool is_scalar() const { return kind == NodeKind::Scalar; }
    bool is_sequence() const { return kind == NodeKind::Sequence; }
    bool is_mapping() const { return kind == NodeKind::Mapping; }
};

// yaml-cpp queues every token of a flow collection (`[...]`, `{...}`) that could be a key until it closes, about 230
// bytes per token, so one collection's size is bounded before yaml-cpp sees it. Block style has no such limit.
using limits::kMaxYamlFlowItems;

struct ReadOptions {
    std::string what = "YAML file";  // used in messages: "schema file is empty"
    std::string empty_hint;          // hint for the "is empty" error
    bool allow_empty = false;        // an empty file (or a lone `~`) gives a Null root instead of an error
    size_t max_bytes = limits::kMaxYamlFileBytes;
    size_t max_depth = limits::kMaxYamlDepth;
    size_t max_nodes = limits::kMaxYamlNodes;
    size_t max_flow_items = kMaxYamlFlowItems;  // entries in one outermost flow collection, nested ones included
};

struct Document {
    std::shared_ptr<const Source> source;
    NodePtr root;              // never null
    size_t expanded_size = 0;  // nodes a full traversal visits, at most ReadOptions::max_nodes
};

// Reads the single YAML document in `source`. On any problem reports it (E201 syntax, encoding, tags, cycles and extra
// documents; E205 empty; E207 limits) and returns nullopt. Thread-safe: shares no state between calls.
std::optional<Document> read_yaml(std::shared_ptr<const Source> source, DiagnosticSink& sink,
                                  const ReadOptions& options = {});

// A scan of the raw text, run before yaml-cpp: its scanner reads a whole flow collection ahead (100,000 × `[` costs
// seconds and gigabytes before the first event) and its parser recurses per level. The scan follows yaml-cpp's token
// rules, so brackets and commas in quoted scalars, plain scalars, block scalars and comments do not count.
struct FlowProblem {
    enum class Kind { TooDeep, TooManyItems } kind;
    size_t offset;  // the bracket or comma that went over the limit
};
std::optional<FlowProblem> prescan_flow(std::string_view text, size_t max_depth, size_t max_items);

}  // namespace segmint::yaml
