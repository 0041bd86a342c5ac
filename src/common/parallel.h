#pragma once
// The one thread pool: the parallel evaluation (chunks of rows), parallel parsing (files), the parallel CSV load
// (quote counts and record ranges, with progress reports) and its join (columns) all hand out indexes from one
// counter, and a task's exception is handled here for all of them.
#include <cstdint>
#include <functional>

namespace segmint {

// Runs task(index, worker) for every index in [0, count) on up to `threads` threads, the calling thread included
// (worker 0; helpers are workers 1, 2, ...). Each worker takes the next index when it finishes one, so a core slowed
// by other work (a shared machine) takes fewer instead of holding the others up at the end. A worker runs its tasks
// one after another, so per-worker state indexed by `worker` needs no lock.
//
// With `waiting`, the calling thread takes no index: up to `threads` helpers (workers 0, 1, ...) do the work while it
// calls waiting() about every 50 ms (progress reports), so a long task never holds the reports back and N tasks on
// N threads get a thread each. Should no helper start, it works alone and calls waiting() between its tasks.
//
// When a task (or waiting()) throws, no further index is handed out, waiting() is not called again, and the first
// exception is rethrown here after every worker has stopped. When a helper thread cannot be started, the workers that
// did start do all the work. Returns how many workers took part (every worker index was below it; 0 when count is 0).
unsigned parallel_for(uint64_t count, unsigned threads,
                      const std::function<void(uint64_t index, unsigned worker)>& task,
                      const std::function<void()>& waiting = nullptr);

// The threads a `--threads N` option asks for: N, or one per core for 0 (the default).
unsigned threads_or_cores(unsigned threads);

}  // namespace segmint
