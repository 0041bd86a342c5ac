// segmint::parallel_for (src/common/parallel.h): every index runs exactly once whatever the thread count, a worker
// runs its tasks one at a time, and a task's exception reaches the caller after every worker has stopped.
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "common/parallel.h"

using segmint::parallel_for;

BOOST_AUTO_TEST_SUITE(parallel_for_tasks)

BOOST_AUTO_TEST_CASE(every_index_runs_exactly_once) {
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
        for (uint64_t count : {0u, 1u, 2u, 7u, 1000u}) {
            std::vector<std::atomic<int>> runs(count);
            std::atomic<unsigned> highest_worker{0};
            parallel_for(count, threads, [&](uint64_t i, unsigned worker) {
                ++runs[i];
                unsigned seen = highest_worker.load();
                while (worker > seen && !highest_worker.compare_exchange_weak(seen, worker)) {
                }
            });
            BOOST_TEST_CONTEXT(count << " tasks on " << threads << " threads") {
                for (uint64_t i = 0; i < count; ++i) BOOST_TEST(runs[i].load() == 1);
                // Workers are numbered from 0 and never outnumber the tasks.
                BOOST_TEST(highest_worker.load() < std::max<uint64_t>(1, std::min<uint64_t>(threads, count)));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_worker_runs_its_tasks_one_at_a_time) {
    // Per-worker state without a lock is the point of the worker index: two tasks of one worker never overlap.
    constexpr unsigned kThreads = 4;
    std::vector<std::atomic<int>> busy(kThreads);
    std::atomic<bool> overlapped{false};
    parallel_for(2000, kThreads, [&](uint64_t, unsigned worker) {
        if (busy[worker].fetch_add(1) != 0) overlapped = true;
        busy[worker].fetch_sub(1);
    });
    BOOST_TEST(!overlapped.load());
}

BOOST_AUTO_TEST_CASE(a_failing_task_stops_the_rest_and_its_exception_reaches_the_caller) {
    for (unsigned threads : {1u, 2u, 4u}) {
        constexpr uint64_t kTasks = 100000;
        std::atomic<uint64_t> ran{0};
        bool caught = false;
        try {
            parallel_for(kTasks, threads, [&](uint64_t i, unsigned) {
                ++ran;
                if (i == 10) throw std::runtime_error("task 10 failed");
                // About a microsecond of work, so that all tasks together take far longer than the failing worker
                // may be kept off its core (more threads than cores) before it stops the others.
                volatile uint64_t sink = 0;
                for (int k = 0; k < 300; ++k) sink = sink + static_cast<uint64_t>(k);
            });
        } catch (const std::runtime_error& error) {
            caught = std::string(error.what()) == "task 10 failed";
        }
        BOOST_TEST_CONTEXT(threads << " threads") {
            BOOST_TEST(caught);
            // No index is handed out after the failure: most tasks never run.
            BOOST_TEST(ran.load() < kTasks / 2);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
