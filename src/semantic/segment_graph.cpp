// Segment dependency graph: cycle detection with their path, and a topological evaluation order.
// Iterative throughout, so a chain of thousands of segments needs no deep recursion.
#include <algorithm>

#include "semantic/catalog.h"

namespace segmint::semantic {

namespace {

// The span of the first reference from `from` to segment `to`, for pointing at the edge of a cycle.
Span reference_span(const Catalog& catalog, size_t from, size_t to) {
    const ast::Definition& def = catalog.definition(from);
    if (!def.rule) return def.name_span;
    const size_t file = catalog.segments[from].file;
    std::vector<const ast::Expr*> stack{def.rule.get()};
    while (!stack.empty()) {
        const ast::Expr* e = stack.back();
        stack.pop_back();
        const Resolution& r = catalog.resolution_of(file, *e);
        if (e->kind == ast::ExprKind::Name && r.kind == Resolution::Kind::Segment && r.index == to) return e->span;
        for (auto it = e->args.rbegin(); it != e->args.rend(); ++it) stack.push_back(it->get());
    }
    return def.name_span;
}

}  // namespace

void analyze_segment_graph(Catalog& catalog, DiagnosticSink& sink) {
    const size_t n = catalog.segments.size();
    // Tarjan's strongly connected components, with an explicit stack.
    std::vector<int64_t> index(n, -1), low(n, 0);
    std::vector<bool> on_stack(n, false);
    std::vector<size_t> component_stack;
    std::vector<std::vector<size_t>> cycles;
    int64_t counter = 0;
    struct Frame {
        size_t node;
        size_t next_edge;
    };
    for (size_t root = 0; root < n; ++root) {
        if (index[root] >= 0) continue;
        std::vector<Frame> frames{{root, 0}};
        index[root] = low[root] = counter++;
        component_stack.push_back(root);
        on_stack[root] = true;
        while (!frames.empty()) {
            Frame& frame = frames.back();
            const auto& edges = catalog.segments[frame.node].depends_on;
            if (frame.next_edge < edges.size()) {
                size_t next = edges[frame.next_edge++];
                if (index[next] < 0) {
                    index[next] = low[next] = counter++;
                    component_stack.push_back(next);
                    on_stack[next] = true;
                    frames.push_back({next, 0});
                } else if (on_stack[next]) {
                    low[frame.node] = std::min(low[frame.node], index[next]);
                }
                continue;
            }
            size_t node = frame.node;
            frames.pop_back();
            if (!frames.empty()) low[frames.back().node] = std::min(low[frames.back().node], low[node]);
            if (low[node] != index[node]) continue;
            std::vector<size_t> component;
            size_t member;
            do {
                member = component_stack.back();
                component_stack.pop_back();
                on_stack[member] = false;
                component.push_back(member);
            } while (member != node);
            const auto& self_edges = catalog.segments[node].depends_on;
            bool self_loop = std::find(self_edges.begin(), self_edges.end(), node) != self_edges.end();
            if (component.size() > 1 || self_loop) cycles.push_back(std::move(component));
        }
    }

    std::vector<bool> in_cycle(n, false);
    for (const auto& component : cycles) {
        for (size_t member : component) in_cycle[member] = true;
        // Walk the cycle from its earliest-defined member, following edges that stay inside the component.
        size_t start = *std::min_element(component.begin(), component.end());
        std::vector<size_t> path{start};
        std::vector<bool> visited(n, false);
        visited[start] = true;
        size_t current = start;
        while (true) {
            size_t chosen = n;
            for (size_t next : catalog.segments[current].depends_on) {
                if (next == start) {
                    chosen = start;
                    break;
                }
                if (chosen == n && !visited[next] &&
                    std::find(component.begin(), component.end(), next) != component.end()) {
                    chosen = next;
                }
            }
            if (chosen == n) break;  // cannot happen in a strongly connected component; be safe anyway
            path.push_back(chosen);
            if (chosen == start) break;
            visited[chosen] = true;
            current = chosen;
        }
        std::string text;
        for (size_t i = 0; i < path.size(); ++i) {
            if (i > 0) text += " -> ";
            text += catalog.segments[path[i]].name;
        }
        const size_t next_of_start = path.size() > 1 ? path[1] : start;
        const auto& file = catalog.files[catalog.segments[start].file];
        Diagnostic d{Severity::Error,
                     Code::SegmentCycle,
                     file.source,
                     reference_span(catalog, start, next_of_start),
                     path.size() == 2 && path[0] == path[1]
                         ? "segment `" + catalog.segments[start].name + "` refers to itself"
                         : "segments refer to each other in a cycle: " + text,
                     {},
                     "a segment cannot depend on its own membership; break the cycle"};
        for (size_t i = 1; i + 1 < path.size(); ++i) {
            const auto& member_file = catalog.files[catalog.segments[path[i]].file];
            d.notes.push_back(
                {"`" + catalog.segments[path[i]].name + "` refers to `" + catalog.segments[path[i + 1]].name + "` here",
                 member_file.source, reference_span(catalog, path[i], path[i + 1])});
        }
        sink.add(std::move(d));
    }

    // Kahn's algorithm over valid segments whose dependencies are all valid; ties broken by definition order.
    for (size_t i = 0; i < n; ++i) {
        if (in_cycle[i]) catalog.segments[i].valid = false;
    }
    // A segment that depends on an invalid one cannot be evaluated either; propagate in dependency order.
    std::vector<size_t> remaining(n, 0);
    std::vector<std::vector<size_t>> dependents(n);
    for (size_t i = 0; i < n; ++i) {
        for (size_t dep : catalog.segments[i].depends_on) {
            dependents[dep].push_back(i);
            ++remaining[i];
        }
    }
    std::vector<size_t> ready;
    for (size_t i = n; i-- > 0;) {
        if (remaining[i] == 0) ready.push_back(i);
    }
    std::vector<bool> placed(n, false);
    catalog.evaluation_order.clear();
    while (!ready.empty()) {
        size_t node = ready.back();
        ready.pop_back();
        placed[node] = true;
        bool deps_valid = true;
        for (size_t dep : catalog.segments[node].depends_on) deps_valid = deps_valid && catalog.segments[dep].valid;
        if (!deps_valid) catalog.segments[node].valid = false;
        if (catalog.segments[node].valid) catalog.evaluation_order.push_back(node);
        for (size_t dependent : dependents[node]) {
            if (--remaining[dependent] == 0) ready.push_back(dependent);
        }
    }
    for (size_t i = 0; i < n; ++i) {
        if (!placed[i]) catalog.segments[i].valid = false;  // in or behind a cycle
    }
}

}  // namespace segmint::semantic
