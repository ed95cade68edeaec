#include "refine.hpp"

#include "refine_cell.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <limits>
#include <thread>

namespace polyrelu {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

void advance_values(GenStore& store, const Network& net, std::size_t layer, int threads) {
    const Layer& L = net.layers[layer];
    const std::size_t n = store.size(), D = store.D;
    std::vector<Int> vals(n * L.rows);  // fresh: the previous layer's values are read meanwhile
    const Unit prev_unit = layer == 0 ? Unit::identity : net.layers[layer - 1].unit;
    auto work = [&](std::size_t a, std::size_t b) {
        LimbDot dot;  // one per thread
        for (std::size_t g = a; g < b; ++g) {
            const Int* c = store.coord(static_cast<int>(g));
            const Int* prev = layer == 0 ? c : store.val(static_cast<int>(g));
            forward(L, prev, layer == 0, prev_unit, c[D - 1], &vals[g * L.rows], &dot);
        }
    };
    if (threads <= 1 || n < 256) {
        work(0, n);
    } else {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back(work, n * t / threads, n * (t + 1) / threads);
        for (auto& th : pool) th.join();
    }
    store.vals.swap(vals);
    store.nz = L.rows;
}

namespace {

// The id in `next` of generator `id` of a cell output (global in `cur`, or local to `local`);
// each generator is moved into `next` on first use.
int carry(int id, GenStore& cur, GenStore& local, GenStore& next, std::vector<int>& from_cur,
          std::vector<int>& from_local) {
    int& slot = is_local(id) ? from_local[local_index(id)] : from_cur[id];
    // cur is still read by the cells not refined yet: its entries are moved at the layer's end
    if (slot < 0) slot = is_local(id) ? next.take(local, local_index(id), true) : next.take(cur, id, false);
    return slot;
}

// A limit stopped the run in hidden layer l before cell `at`: the result is the cells refined
// so far followed by the cells not yet refined by layer l, so that they still cover the domain.
void stop_at(Status why, std::size_t l, std::size_t at, std::vector<Cell>& cells, GenStore& cur,
             GenStore& next, std::vector<int>& from_cur, std::vector<Cell>& next_cells, Refinement& out) {
    GenStore none;
    std::vector<int> no_local;
    for (std::size_t k = at; k < cells.size(); ++k) {
        for (int& id : cells[k].gens) id = carry(id, cur, none, next, from_cur, no_local);
        next_cells.push_back(std::move(cells[k]));
    }
    next.fill_from(cur);
    out.status = why;
    out.stopped_layer = static_cast<int>(l + 1);
    out.stopped_cell = at;
    out.stopped_of = cells.size();
    out.cells = std::move(next_cells);
    out.gens = std::move(next);
}

std::vector<Cell> to_cells(const std::vector<StartCell>& starts, std::size_t pattern_words, GenStore& store,
                           LabelSets& labels) {
    std::vector<Cell> cells;
    for (const StartCell& s : starts) {
        Cell c;
        c.nw = static_cast<int>(std::max<std::size_t>(1, (s.slots.size() + 63) / 64));
        for (const auto& labs : s.slots) c.slot_labels.push_back(labels.intern(labs));
        c.inc.assign(s.gens.size() * c.nw, 0);
        for (std::size_t i = 0; i < s.gens.size(); ++i) {
            IntVec g = s.gens[i];
            c.gens.push_back(store.add(std::move(g), nullptr));
            for (int k : s.inc[i]) set_bit(c.inc_of(i), k);
        }
        c.alive.assign(c.nw, 0);
        for (int k : s.facets) set_bit(c.alive, k);
        c.active.assign(pattern_words, 0);
        c.zero.assign(pattern_words, 0);
        for (std::size_t w = 0; w < pattern_words && w < s.active.size(); ++w) c.active[w] = s.active[w];
        for (std::size_t w = 0; w < pattern_words && w < s.zero.size(); ++w) c.zero[w] = s.zero[w];
        cells.push_back(std::move(c));
    }
    return cells;
}

std::size_t pattern_words_of(const Network& net) {
    std::size_t bits = 0;
    for (std::size_t l = 0; l < net.hidden(); ++l) bits += net.layers[l].rows;
    return std::max<std::size_t>(1, (bits + 63) / 64);
}

}  // namespace

void assemble(const Network& net, const std::vector<StartCell>& cells, Refinement& out) {
    out.net = net;
    out.pattern_words = pattern_words_of(net);
    out.gens.D = net.dim + 1;
    out.gens.nz = 0;
    out.cells = to_cells(cells, out.pattern_words, out.gens, out.labels);
    for (std::size_t l = 0; l < net.layers.size(); ++l) advance_values(out.gens, net, l, 1);
    out.gens.drop_index();
}

void refine(const Network& net, const std::vector<StartCell>& starts, std::size_t first_layer, int threads,
            bool reverse, const Limits& limits, const ProgressFn& progress, Refinement& out,
            const InterruptFn& interrupted) {
    const std::size_t D = net.dim + 1, hidden = net.hidden();
    out.net = net;
    out.pattern_words = pattern_words_of(net);
    const auto t0 = Clock::now();
    const bool timed = limits.max_seconds >= 0;
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(timed ? limits.max_seconds : 0));

    GenStore cur;
    cur.D = D;
    cur.nz = 0;
    std::vector<Cell> cells = to_cells(starts, out.pattern_words, cur, out.labels);
    for (std::size_t l = 0; l <= first_layer && l < net.layers.size(); ++l) advance_values(cur, net, l, threads);

    std::atomic<bool> stop{false};
    std::atomic<long> budget{limits.max_regions < 0 ? std::numeric_limits<long>::max()
                                                     : limits.max_regions - static_cast<long>(cells.size())};
    if (budget.load() < 0) {
        out.status = Status::region_limit;
        out.cells = std::move(cells);
        return;
    }
    std::size_t bit_offset = 0;
    for (std::size_t l = 0; l < first_layer && l < hidden; ++l) bit_offset += net.layers[l].rows;
    const int nthreads = std::max(1, threads);
    if (first_layer >= hidden) {  // nothing left to refine: the values are the output's already
        out.cells = std::move(cells);
        out.gens = std::move(cur);
        return;
    }
    for (std::size_t l = first_layer; l < hidden; ++l) {
        const Layer& L = net.layers[l];
        std::vector<int> neuron_sets(L.rows);
        for (std::size_t i = 0; i < L.rows; ++i)
            neuron_sets[i] = out.labels.intern({neuron_label(static_cast<int>(l + 1), static_cast<int>(i))});
        LayerContext ctx;
        ctx.global = &cur;
        ctx.layer = static_cast<int>(l + 1);
        ctx.width = L.rows;
        ctx.bit_offset = bit_offset;
        ctx.D = D;
        ctx.reverse = reverse;
        ctx.labels = &out.labels;
        ctx.neuron_sets = &neuron_sets;
        ctx.stop = &stop;
        ctx.budget = &budget;
        ctx.deadline = deadline;
        ctx.timed = timed;

        GenStore next;
        next.D = D;
        next.nz = L.rows;
        std::vector<int> from_cur(cur.size(), -1), no_local;
        std::vector<Cell> next_cells;
        // chunks: limits, progress and interrupts are looked at between them; each chunk's
        // cells are refined in parallel and merged in order, so threads change nothing
        const std::size_t chunk = 64 * static_cast<std::size_t>(nthreads);
        for (std::size_t a = 0; a < cells.size(); a += chunk) {
            const std::size_t b = std::min(cells.size(), a + chunk);
            std::vector<CellOutput> outs(b - a);
            enum : char { not_started, stopped, done };
            std::vector<char> state(b - a, not_started);
            auto work = [&](std::size_t x, std::size_t y) {
                for (std::size_t k = x; k < y; ++k) {
                    const bool ok = refine_cell(std::move(cells[a + k]), ctx, outs[k]);
                    state[k] = ok ? done : stopped;
                    if (!ok) return;
                }
            };
            // the work runs on worker threads (one at least), so that this thread can poll for an
            // interrupt while a long chunk is refined
            const std::size_t m = b - a;
            const int used = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(nthreads), m));
            int running = used;
            std::mutex mu;
            std::condition_variable cv;
            std::vector<std::thread> pool;
            for (int t = 0; t < used; ++t)
                pool.emplace_back([&, t] {
                    work(m * t / used, m * (t + 1) / used);
                    std::lock_guard<std::mutex> lock(mu);
                    --running;
                    cv.notify_all();
                });
            bool interrupt = false;
            {
                std::unique_lock<std::mutex> lock(mu);
                while (running > 0) {
                    cv.wait_for(lock, std::chrono::milliseconds(40));
                    if (running == 0 || !interrupted || interrupt) continue;
                    lock.unlock();
                    if (interrupted()) {
                        interrupt = true;
                        stop.store(true);
                    }
                    lock.lock();
                }
            }
            for (auto& th : pool) th.join();
            if (interrupt) {
                out.status = Status::interrupted;
                out.stopped_layer = static_cast<int>(l + 1);
                out.stopped_cell = a;
                out.stopped_of = cells.size();
                return;
            }
            // merge in order: refined cells' children, a stopped cell's pieces so far, cells not
            // started as they were (so a partial result still covers the domain)
            const bool stopped_here = stop.load();
            for (std::size_t k = 0; k < b - a; ++k) {
                if (state[k] == not_started) {
                    for (int& id : cells[a + k].gens) id = carry(id, cur, outs[k].local, next, from_cur, no_local);
                    next_cells.push_back(std::move(cells[a + k]));
                    continue;
                }
                CellOutput& o = outs[k];
                std::vector<int> from_local(o.local.size(), -1);
                for (Cell& child : o.children) {
                    for (int& id : child.gens) id = carry(id, cur, o.local, next, from_cur, from_local);
                    next_cells.push_back(std::move(child));
                }
            }
            if (stopped_here) {
                const Status why = timed && Clock::now() >= deadline ? Status::time_limit : Status::region_limit;
                stop_at(why, l, b, cells, cur, next, from_cur, next_cells, out);
                return;
            }
            for (std::size_t k = a; k < b; ++k) cells[k] = Cell();  // done: free as we go
            if (timed && Clock::now() >= deadline && b < cells.size()) {
                stop_at(Status::time_limit, l, b, cells, cur, next, from_cur, next_cells, out);
                return;
            }
            if (progress && !progress(static_cast<int>(l + 1), b, cells.size(), next_cells.size() + cells.size() - b)) {
                out.status = Status::interrupted;
                out.stopped_layer = static_cast<int>(l + 1);
                out.stopped_cell = b;
                out.stopped_of = cells.size();
                return;
            }
        }
        cells.swap(next_cells);
        next.fill_from(cur);
        cur = std::move(next);
        advance_values(cur, net, l + 1, threads);  // the next layer's values (the output's, at the end)
        bit_offset += L.rows;
    }
    out.cells = std::move(cells);
    out.gens = std::move(cur);
    out.gens.drop_index();
}

}  // namespace polyrelu
