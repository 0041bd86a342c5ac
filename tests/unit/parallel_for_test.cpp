// segmint::parallel_for (src/common/parallel.h): every index runs exactly once whatever the thread count, a worker
// runs its tasks one at a time, and a task's exception reaches the caller after every worker has stopped. With a
// waiting callback (the CSV load's progress reports): the calling thread takes no task and calls it about every
// 50 ms while the helpers work, N tasks on N threads run at once, and an exception (a task's or the callback's)
// still reaches the caller after every worker has stopped.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "common/parallel.h"
#include "data/table.h"

using segmint::parallel_for;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

// Counts a task as running from its start to its end, also when it throws.
struct Running {
    explicit Running(std::atomic<int>& count) : count(count) { ++count; }
    ~Running() { --count; }
    std::atomic<int>& count;
};

// About a microsecond of work.
// The other tasks of a run with a failing one: they sleep (tens of microseconds) rather than spin, so that the
// failing worker gets a core even on a loaded machine with more threads than cores (a sanitizer build beside other
// jobs ran 76,000 spinning tasks before it did), while all tasks together would still take seconds if nothing stopped
// them.
void yield_a_while() { std::this_thread::sleep_for(std::chrono::microseconds(20)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(parallel_for_tasks)

BOOST_AUTO_TEST_CASE(every_index_runs_exactly_once) {
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
        for (uint64_t count : {0u, 1u, 2u, 7u, 1000u}) {
            std::vector<std::atomic<int>> runs(count);
            std::atomic<unsigned> highest_worker{0};
            const unsigned workers = parallel_for(count, threads, [&](uint64_t i, unsigned worker) {
                ++runs[i];
                unsigned seen = highest_worker.load();
                while (worker > seen && !highest_worker.compare_exchange_weak(seen, worker)) {
                }
            });
            BOOST_TEST_CONTEXT(count << " tasks on " << threads << " threads") {
                for (uint64_t i = 0; i < count; ++i) BOOST_TEST(runs[i].load() == 1);
                // Workers are numbered from 0 and never outnumber the tasks.
                BOOST_TEST(highest_worker.load() < std::max<uint64_t>(1, std::min<uint64_t>(threads, count)));
                // Every helper started (nothing here stops one): a worker per task, up to `threads`.
                BOOST_TEST(workers == std::min<uint64_t>(threads, count));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_worker_runs_its_tasks_one_at_a_time) {
    // Per-worker state without a lock is the point of the worker index: two tasks of one worker never overlap.
    constexpr unsigned kThreads = 4;
    for (bool with_waiting : {false, true}) {
        std::vector<std::atomic<int>> busy(kThreads);
        std::atomic<bool> overlapped{false};
        parallel_for(
            2000, kThreads,
            [&](uint64_t, unsigned worker) {
                if (busy[worker].fetch_add(1) != 0) overlapped = true;
                busy[worker].fetch_sub(1);
            },
            with_waiting ? std::function<void()>([] {}) : nullptr);
        BOOST_TEST(!overlapped.load(), (with_waiting ? "with" : "without") << " waiting");
    }
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
                yield_a_while();
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

BOOST_AUTO_TEST_CASE(with_waiting_every_index_runs_exactly_once_and_never_on_the_calling_thread) {
    const auto caller = std::this_thread::get_id();
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
        for (uint64_t count : {0u, 1u, 2u, 7u, 1000u}) {
            std::vector<std::atomic<int>> runs(count);
            std::atomic<unsigned> highest_worker{0};
            std::atomic<bool> on_caller{false};
            const unsigned workers = parallel_for(
                count, threads,
                [&](uint64_t i, unsigned worker) {
                    ++runs[i];
                    if (std::this_thread::get_id() == caller) on_caller = true;
                    unsigned seen = highest_worker.load();
                    while (worker > seen && !highest_worker.compare_exchange_weak(seen, worker)) {
                    }
                },
                [] {});
            BOOST_TEST_CONTEXT(count << " tasks on " << threads << " threads") {
                for (uint64_t i = 0; i < count; ++i) BOOST_TEST(runs[i].load() == 1);
                // The helpers are workers 0, 1, ...: as many as the tasks, up to `threads`, the caller not among them.
                BOOST_TEST(workers == std::min<uint64_t>(threads, count));
                BOOST_TEST(highest_worker.load() < std::max(1u, workers));
                BOOST_TEST(!on_caller.load());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(with_waiting_n_tasks_on_n_threads_run_at_once) {
    // The parallel CSV load's ranges: each on a thread of its own, none waiting for another to finish.
    for (unsigned threads : {1u, 2u, 5u}) {
        std::atomic<unsigned> started{0};
        std::atomic<bool> alone{false};
        parallel_for(
            threads, threads,
            [&](uint64_t, unsigned) {
                ++started;
                // Every task waits for all of them to have started (for 10 s at most: the test then fails).
                const auto deadline = steady_clock::now() + std::chrono::seconds(10);
                while (started.load() < threads && steady_clock::now() < deadline) {
                    std::this_thread::sleep_for(milliseconds(1));
                }
                if (started.load() < threads) alone = true;
            },
            [] {});
        BOOST_TEST(!alone.load(), threads << " threads");
    }
}

BOOST_AUTO_TEST_CASE(waiting_runs_on_the_calling_thread_about_every_50_ms_while_the_helpers_work) {
    const auto caller = std::this_thread::get_id();
    unsigned calls = 0;  // only the calling thread writes it; the tasks read `reported`
    std::atomic<unsigned> reported{0};
    std::atomic<bool> on_other_thread{false};
    std::atomic<bool> timed_out{false};
    const auto start = steady_clock::now();
    parallel_for(
        2, 2,
        [&](uint64_t, unsigned) {
            // Busy until the caller has reported three times: so it must report while the tasks run.
            const auto deadline = steady_clock::now() + std::chrono::seconds(10);
            while (reported.load() < 3 && steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(1));
            if (reported.load() < 3) timed_out = true;
        },
        [&] {
            if (std::this_thread::get_id() != caller) on_other_thread = true;
            reported = ++calls;
        });
    const auto elapsed = steady_clock::now() - start;
    BOOST_TEST(!timed_out.load());
    BOOST_TEST(calls >= 3u);
    BOOST_TEST(!on_other_thread.load());
    // Each call comes after a wait of 50 ms: three of them take at least 150 ms (less a clock tick).
    BOOST_TEST(std::chrono::duration_cast<milliseconds>(elapsed).count() >= 145);
    // Never called once parallel_for has returned.
    const unsigned after = calls;
    std::this_thread::sleep_for(milliseconds(120));
    BOOST_TEST(calls == after);
}

BOOST_AUTO_TEST_CASE(with_waiting_a_failing_task_stops_the_rest_and_its_exception_reaches_the_caller) {
    for (unsigned threads : {1u, 2u, 4u}) {
        constexpr uint64_t kTasks = 100000;
        std::atomic<uint64_t> ran{0};
        std::atomic<int> running{0};
        int running_at_catch = -1;
        bool caught = false;
        try {
            parallel_for(
                kTasks, threads,
                [&](uint64_t i, unsigned) {
                    const Running counted(running);
                    ++ran;
                    if (i == 10) throw std::runtime_error("task 10 failed");
                    yield_a_while();
                },
                [] {});
        } catch (const std::runtime_error& error) {
            caught = std::string(error.what()) == "task 10 failed";
            running_at_catch = running.load();
        }
        BOOST_TEST_CONTEXT(threads << " threads") {
            BOOST_TEST(caught);
            BOOST_TEST(running_at_catch == 0);  // every worker had stopped
            BOOST_TEST(ran.load() < kTasks / 2);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_exception_from_waiting_stops_the_work_and_reaches_the_caller) {
    constexpr uint64_t kTasks = 20000;  // a millisecond each: far longer than the first 50 ms wait
    std::atomic<uint64_t> ran{0};
    std::atomic<int> running{0};
    unsigned calls = 0;
    int running_at_catch = -1;
    bool caught = false;
    try {
        parallel_for(
            kTasks, 2,
            [&](uint64_t, unsigned) {
                const Running counted(running);
                ++ran;
                std::this_thread::sleep_for(milliseconds(1));
            },
            [&] {
                ++calls;
                throw std::runtime_error("report failed");
            });
    } catch (const std::runtime_error& error) {
        caught = std::string(error.what()) == "report failed";
        running_at_catch = running.load();
    }
    BOOST_TEST(caught);
    BOOST_TEST(calls == 1u);  // not called again after it threw
    BOOST_TEST(running_at_catch == 0);
    BOOST_TEST(ran.load() < kTasks / 2);
}

// Threads looking values up at once in a dictionary without an index (a snapshot's, or a big one after loading; the
// interpreter's workers do this for `contains` on a list column): one of them builds the index, and none sees it half
// built (.ci/tsan runs this suite under ThreadSanitizer).
BOOST_AUTO_TEST_CASE(dictionary_lookups_on_many_threads_build_the_index_once) {
    segmint::data::Dictionary dictionary;
    std::string bytes;
    std::vector<uint64_t> offsets = {0};
    const size_t count = 20000;
    for (size_t i = 0; i < count; ++i) {
        bytes += "tag-" + std::to_string(i);
        offsets.push_back(bytes.size());
    }
    dictionary.values.assign(bytes, offsets.data(), count);  // as a snapshot's dictionary is read: no index
    std::atomic<size_t> wrong{0};
    parallel_for(8, 4, [&](uint64_t task, unsigned) {
        for (size_t i = static_cast<size_t>(task); i < count; i += 8) {
            const auto code = dictionary.find("tag-" + std::to_string(i));
            if (!code || *code != static_cast<int32_t>(i)) ++wrong;
        }
        if (dictionary.find("no such tag")) ++wrong;
    });
    BOOST_TEST(wrong.load() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
