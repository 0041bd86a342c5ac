#include "common/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace segmint {

namespace {

using Task = std::function<void(uint64_t index, unsigned worker)>;

// Often enough for a progress line to look live, rarely enough to cost nothing.
constexpr std::chrono::milliseconds kWaitingInterval{50};

// What the workers of one parallel_for share. It lives on the calling thread's stack until every helper is joined.
struct Shared {
    Shared(uint64_t count, const Task& task) : count(count), task(task) {}

    const uint64_t count;
    const Task& task;
    std::atomic<uint64_t> next{0};
    std::mutex mutex;  // guards failure and finished
    std::exception_ptr failure;
    unsigned finished = 0;  // helpers that have stopped
    std::condition_variable helper_finished;

    // The one place a task's exception is caught: the first is kept, and no further index is handed out.
    void fail(std::exception_ptr exception) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::move(exception);
        next = count;  // the others stop after their current task
    }

    // Takes indexes until none is left; runs `between` (when set) after each task.
    void work(unsigned worker, const std::function<void()>& between) {
        try {
            for (uint64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
                task(i, worker);
                if (between) between();
            }
        } catch (...) {
            fail(std::current_exception());
        }
    }

    // The calling thread while `helpers` helpers work: waiting() about every kWaitingInterval until they all stopped.
    void wait_for(size_t helpers, const std::function<void()>& waiting) {
        std::unique_lock<std::mutex> lock(mutex);
        while (!helper_finished.wait_for(lock, kWaitingInterval, [&] { return finished == helpers; })) {
            if (failure) continue;  // the work is abandoned: no more reports on it
            lock.unlock();
            try {
                waiting();
            } catch (...) {
                fail(std::current_exception());
            }
            lock.lock();
        }
    }
};

}  // namespace

unsigned parallel_for(uint64_t count, unsigned threads, const Task& task, const std::function<void()>& waiting) {
    if (count == 0) return 0;
    const auto workers = static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(threads, count)));
    // Without `waiting` the calling thread is worker 0 and helpers are the rest; with it, helpers are all of them.
    const unsigned first_helper = waiting ? 0 : 1;
    Shared shared(count, task);
    auto helper = [&shared](unsigned worker) {
        shared.work(worker, nullptr);
        {
            std::lock_guard<std::mutex> lock(shared.mutex);
            ++shared.finished;
        }
        shared.helper_finished.notify_one();
    };
    std::vector<std::thread> helpers;
    try {
        helpers.reserve(workers - first_helper);
        for (unsigned worker = first_helper; worker < workers; ++worker) helpers.emplace_back(helper, worker);
    } catch (const std::system_error&) {
        // Fewer helpers: the workers that started share all the work.
    } catch (const std::bad_alloc&) {
    }
    const bool caller_works = !waiting || helpers.empty();
    if (caller_works) {
        shared.work(0, waiting);
    } else {
        shared.wait_for(helpers.size(), waiting);
    }
    for (auto& thread : helpers) thread.join();
    if (shared.failure) std::rethrow_exception(shared.failure);
    return static_cast<unsigned>(helpers.size()) + (caller_works ? 1 : 0);
}

unsigned threads_or_cores(unsigned threads) {
    return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace segmint
