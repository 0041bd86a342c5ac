#include "common/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace segmint {

void parallel_for(uint64_t count, unsigned threads, const std::function<void(uint64_t index, unsigned worker)>& task) {
    threads = static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(threads, count)));
    std::atomic<uint64_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&](unsigned worker) {
        try {
            for (uint64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) task(i, worker);
        } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next = count;  // the others stop after their current task
        }
    };
    std::vector<std::thread> helpers;
    try {
        helpers.reserve(threads - 1);
        for (unsigned worker = 1; worker < threads; ++worker) helpers.emplace_back(work, worker);
    } catch (const std::system_error&) {
        // Fewer helpers: the workers that started share all the work.
    } catch (const std::bad_alloc&) {
    }
    work(0);
    for (auto& helper : helpers) helper.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace segmint
