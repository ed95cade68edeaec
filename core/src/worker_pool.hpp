// A fixed set of worker threads that one refinement keeps from its first chunk to its last.
//
// Why not a thread per chunk: each worker's scratch space (refine_cell.cpp's thread_scratch: the
// vectors a split fills, the cells kept for reuse) lives as long as its thread, so threads made
// per chunk threw it away and allocated it again a few dozen times a run, and small 2-D runs
// spent a tenth of their time in malloc for it.  The calling thread only waits and polls (for an
// interrupt), so that a long chunk can still be stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace polyrelu {

class WorkerPool {
public:
    explicit WorkerPool(int n) {
        for (int t = 0; t < n; ++t) threads_.emplace_back([this] { serve(); });
    }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;
    ~WorkerPool() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            quit_ = true;
        }
        start_.notify_all();
        for (auto& th : threads_) th.join();
    }

    int size() const { return static_cast<int>(threads_.size()); }

    // Runs job() once on each of the first `n` workers and returns when all have returned; while
    // they run, poll() is called about every 40 ms on this thread.  If a job throws (out of
    // memory, say), the first exception is thrown here once all have returned: an exception
    // that left a thread would end the process.
    void run(int n, const std::function<void()>& job, const std::function<void()>& poll) {
        std::unique_lock<std::mutex> lock(mu_);
        job_ = &job;
        wanted_ = n;
        taken_ = 0;
        running_ = n;
        error_ = nullptr;
        ++generation_;
        start_.notify_all();
        while (running_ > 0) {
            done_.wait_for(lock, std::chrono::milliseconds(40));
            if (running_ == 0 || !poll) continue;
            lock.unlock();
            poll();
            lock.lock();
        }
        job_ = nullptr;
        wanted_ = 0;  // a worker that wakes only now takes nothing
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable start_, done_;
    const std::function<void()>* job_ = nullptr;
    std::uint64_t generation_ = 0;
    int wanted_ = 0, running_ = 0, taken_ = 0;
    bool quit_ = false;
    std::exception_ptr error_;  // the first exception a job threw

    void serve() {
        std::uint64_t seen = 0;
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            start_.wait(lock, [&] { return quit_ || generation_ != seen; });
            if (quit_) return;
            seen = generation_;
            if (taken_ >= wanted_) continue;  // not one of the first n: wait for the next job
            ++taken_;
            const std::function<void()>* job = job_;
            lock.unlock();
            std::exception_ptr error;
            try {
                (*job)();
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            if (error && !error_) error_ = error;
            if (--running_ == 0) done_.notify_all();
        }
    }
};

}  // namespace polyrelu
