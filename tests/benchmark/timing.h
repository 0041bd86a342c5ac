#pragma once
// Wall-clock timing shared by the benchmark programs.
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace segmint::bench {

inline double seconds(const std::function<void()>& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The median of each of `variants`, run in turns (a, b, c, a, b, c, ...) rather than each `repeat` times in a row:
// the speed of a shared machine drifts over seconds, and a ratio between two variants (VM / hand-written, 1 / 2
// threads) is only fair when both were timed under the same conditions. `before`, when given, runs untimed ahead of
// each run with the variant's index (removing a file the run writes anew, say).
inline std::vector<double> interleaved_medians(int repeat, const std::vector<std::function<void()>>& variants,
                                               const std::function<void(size_t)>& before = {}) {
    std::vector<std::vector<double>> runs(variants.size());
    for (int i = 0; i < repeat; ++i) {
        for (size_t v = 0; v < variants.size(); ++v) {
            if (before) before(v);
            runs[v].push_back(seconds(variants[v]));
        }
    }
    std::vector<double> medians;
    for (auto& r : runs) {
        std::sort(r.begin(), r.end());
        medians.push_back(r[r.size() / 2]);
    }
    return medians;
}

}  // namespace segmint::bench
