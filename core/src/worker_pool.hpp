// A fixed set of worker threads that one refinement keeps from its first chunk to its last.
//
// Why not a thread per chunk: each worker's scratch space (refine_cell.cpp's thread_scratch: the
// vectors a split fills, the cells kept for reuse) lives as long as its thread, so threads made
// per chunk threw it away and allocated it again a few dozen times a run, and small 2-D runs
// spent a tenth of their time in malloc for it.  The calling thread only waits and polls (for an
// interrupt), so that a long chunk can still be stopped.
//
// Both sides spin for a short while (about 50 microseconds) before they block: a small 2-D
// refinement hands work over some thirty times, every few hundred microseconds, and a blocked
// thread's wake-up on a virtual machine took long enough to make two threads slower than one in
// some runs.  The spin only reads an atomic counter, so a waiting thread holds no lock.
#pragma once

#include <atomic>
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
            quit_.store(true);
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
        running_.store(n);
        error_ = nullptr;
        generation_.fetch_add(1);
        start_.notify_all();
        lock.unlock();
        spin([&] { return running_.load(std::memory_order_acquire) == 0; });
        lock.lock();
        while (running_.load() > 0) {
            done_.wait_for(lock, std::chrono::milliseconds(40));
            if (running_.load() == 0 || !poll) continue;
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
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<int> running_{0};
    int wanted_ = 0, taken_ = 0;
    std::atomic<bool> quit_{false};
    std::exception_ptr error_;  // the first exception a job threw

    // Waits until done() or about 50 microseconds have passed; true if done.
    template <class Done>
    static bool spin(Done&& done) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
        for (int i = 0;; ++i) {
            if (done()) return true;
            if ((i & 63) == 63 && std::chrono::steady_clock::now() >= until) return false;
        }
    }

    void serve() {
        std::uint64_t seen = 0;
        for (;;) {
            spin([&] { return quit_.load(std::memory_order_relaxed) || generation_.load(std::memory_order_acquire) != seen; });
            std::unique_lock<std::mutex> lock(mu_);
            start_.wait(lock, [&] { return quit_.load() || generation_.load() != seen; });
            if (quit_.load()) return;
            seen = generation_.load();
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
            if (running_.fetch_sub(1) == 1) done_.notify_all();
        }
    }
};

}  // namespace polyrelu
