#include "report/overlap_order.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace segmint::report {

namespace {

struct Edge {
    size_t a, b;
    double similarity;
};

// Prim's algorithm for the maximum spanning tree over the complete graph weighted by Jaccard.
std::vector<Edge> maximum_spanning_tree(const analysis::OverlapMatrix& matrix) {
    const size_t n = matrix.n;
    std::vector<Edge> edges;
    if (n < 2) return edges;
    std::vector<bool> in_tree(n, false);
    std::vector<double> best(n, -1.0);
    std::vector<size_t> parent(n, 0);
    size_t next = 0;
    for (size_t step = 0; step < n; ++step) {
        in_tree[next] = true;
        if (step > 0) edges.push_back({parent[next], next, best[next]});
        const size_t added = next;
        bool found = false;
        for (size_t v = 0; v < n; ++v) {
            if (in_tree[v]) continue;
            const double similarity = matrix.jaccard(added, v);
            if (similarity > best[v]) {
                best[v] = similarity;
                parent[v] = added;
            }
            if (!found || best[v] > best[next]) {
                next = v;
                found = true;
            }
        }
    }
    return edges;
}

}  // namespace

std::vector<size_t> cluster_order(const analysis::OverlapMatrix& matrix) {
    const size_t n = matrix.n;
    std::vector<Edge> edges = maximum_spanning_tree(matrix);
    std::stable_sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
        return std::tie(y.similarity, x.a, x.b) < std::tie(x.similarity, y.a, y.b);
    });
    // Each segment starts as its own block; `block_of` names the block holding a segment (the index of its list).
    std::vector<std::vector<size_t>> blocks(n);
    std::vector<size_t> block_of(n);
    for (size_t s = 0; s < n; ++s) {
        blocks[s] = {s};
        block_of[s] = s;
    }
    for (const Edge& edge : edges) {
        std::vector<size_t>& left = blocks[block_of[edge.a]];
        std::vector<size_t> right = std::move(blocks[block_of[edge.b]]);
        // Put the edge's two segments next to each other when they are at the ends of their blocks.
        if (left.front() == edge.a && left.back() != edge.a) std::reverse(left.begin(), left.end());
        if (right.back() == edge.b && right.front() != edge.b) std::reverse(right.begin(), right.end());
        const size_t into = block_of[edge.a];
        for (size_t s : right) block_of[s] = into;
        left.insert(left.end(), right.begin(), right.end());
    }
    if (n == 0) return {};
    return blocks[block_of[0]];
}

}  // namespace segmint::report
