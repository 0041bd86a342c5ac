#pragma once
// Work shared among threads: the parallel evaluation (chunks of rows) and the join of a parallel CSV load (columns)
// both hand out indexes from one counter.
#include <cstdint>
#include <functional>

namespace segmint {

// Runs task(index, worker) for every index in [0, count) on up to `threads` threads, the calling thread included
// (worker 0; helpers are workers 1, 2, ...). Each worker takes the next index when it finishes one, so a core slowed
// by other work (a shared machine) takes fewer instead of holding the others up at the end. A worker runs its tasks
// one after another, so per-worker state indexed by `worker` needs no lock.
// When a task throws, no further index is handed out and the first exception is rethrown here after every worker has
// stopped. When a helper thread cannot be started, the workers that did start (at least this one) do all the work.
void parallel_for(uint64_t count, unsigned threads, const std::function<void(uint64_t index, unsigned worker)>& task);

}  // namespace segmint
