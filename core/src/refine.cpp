#include "refine.hpp"

#include "refine_cell.hpp"

#include "approx.hpp"
#include "id_sets.hpp"
#include "owned_faces.hpp"
#include "worker_pool.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <unordered_map>

namespace polyrelu {
namespace {

using Clock = std::chrono::steady_clock;

// The forward step's scratch space, one per thread of a share_rows.
struct StepScratch {
    std::vector<double> in, ein;
    std::vector<std::uint32_t> cols;
};

// step(k, scratch) for every k < n, in blocks of 64 shared out to the pool's threads (here, when
// there are too few for two): the forward steps of a table's generators, each row its own.
template <class Step>
void share_rows(std::size_t n, WorkerPool& pool, int threads, Step&& step) {
    constexpr std::size_t kBlock = 64;
    std::atomic<std::size_t> at{0};
    const std::function<void()> job = [&] {
        StepScratch sc;
        for (std::size_t a; (a = at.fetch_add(kBlock)) < n;)
            for (std::size_t k = a; k < std::min(n, a + kBlock); ++k) step(k, sc);
    };
    const int used = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), n / kBlock));
    if (used <= 1) job();
    else pool.run(used, job, {});
}

}  // namespace

// The values of `layer` at every generator of `t`, in doubles with their bounds, from the
// previous layer's (or the coordinates, for layer 0).
void advance_approx(ApproxTable& t, const FloatNet& fnet, std::size_t layer, WorkerPool& pool, int threads) {
    const FloatLayer& F = fnet.layers[layer];
    const std::size_t n = t.size(), D = t.D;
    // in place when the layer is as wide as the last (float_step reads the old values into a
    // buffer first): a second table of values would double the peak memory
    const bool in_place = layer > 0 && F.rows == t.nz;
    Rows<double> z;
    Rows<float> ez;
    if (!in_place) z.reset(F.rows, n), ez.reset(F.rows, n);
    share_rows(n, pool, threads, [&](std::size_t g, StepScratch& sc) {
        const int k = static_cast<int>(g);
        double* zo = in_place ? t.zs(k) : z.row(g);
        float* eo = in_place ? t.ezs(k) : ez.row(g);
        float_step(fnet, layer, t.xs(k), t.ex[g], D, layer > 0 ? t.zs(k) : nullptr, layer > 0 ? t.ezs(k) : nullptr,
                   zo, eo, sc.in, sc.ein, sc.cols);
    });
    if (!in_place) {
        t.z.swap(z);
        t.ez.swap(ez);
        t.nz = F.rows;
    }
}

void advance_exact(GenStore& store, const Network& net, std::size_t layer) {
    const Layer& L = net.layers[layer];
    const std::size_t n = store.size(), D = store.D;
    std::vector<Int> vals(n * L.rows);
    const Unit prev_unit = layer == 0 ? Unit::identity : net.layers[layer - 1].unit;
    LimbDot dot;
    for (std::size_t g = 0; g < n; ++g) {
        const Int* c = store.coord(static_cast<int>(g));
        const Int* prev = layer == 0 ? c : store.val(static_cast<int>(g));
        forward(L, prev, layer == 0, prev_unit, c[D - 1], &vals[g * L.rows], &dot);
    }
    store.vals.swap(vals);
    store.nz = L.rows;
}

const GenStore& Refinement::exact(bool with_outputs) const {
    if (!exact_) {
        auto e = std::make_unique<GenStore>();
        e->D = gens.D;
        e->nz = 0;
        e->coords.reserve(gens.size() * gens.D);
        for (std::size_t g = 0; g < gens.size(); ++g) {
            const IntVec& X = history.coords(net, gens.hid[g]);
            e->coords.insert(e->coords.end(), X.begin(), X.end());
        }
        exact_ = std::move(e);
    }
    if (with_outputs && exact_->vals.empty() && exact_->size() > 0)
        for (std::size_t l = 0; l < net.layers.size(); ++l) advance_exact(*exact_, net, l);
    return *exact_;
}

namespace {

// The canonical names of the generators a layer makes, across all cells: a crossing is known by
// its edge (the canonical names of the ends) and neuron, since the cells of a layer meet in
// common faces that both refine alike (the same neurons, in the same order).  Names below
// n_global are the layer's global generators; a crossing is n_global + its number.
class Crossings {
public:
    Crossings(const ApproxTable& cur, const FloatNet& fnet, std::size_t next_layer)
        : cur_(cur), fnet_(fnet), next_layer_(next_layer), n_(static_cast<std::int64_t>(cur.size())), from_cur_(cur.size(), -1) {
        index_.clear();
    }

    // The names of output `o`'s local generators, in the order they were made (parents first);
    // new crossings get a record in the History.
    void name(const CellOutput& o, History& h, std::vector<std::int64_t>& names) {
        names.resize(o.local.size());
        for (std::size_t k = 0; k < o.local.size(); ++k) {
            const Origin& og = o.local.origin[k];
            std::int64_t a = of(og.a, names), b = of(og.b, names);
            if (a > b) std::swap(a, b);
            auto [number, fresh] = index_.find_or_add(Key{a, b, og.unit});
            if (fresh) {
                *number = static_cast<std::int64_t>(record_.size());
                record_.push_back(h.add_crossing(record(a), record(b), og.layer, og.unit));
                next_.push_back(-1);
                if (o.exact[k]) h.offer(record_.back(), o.exact[k]->X);
            }
            names[k] = n_ + *number;
        }
    }

    // The id in `next` of cell id `id` (global, or local to the output named by `names`): copied
    // into `next` on first use, with the next layer's values (none after the last hidden layer:
    // nothing reads the output's approximations).  Why here rather than in one pass over `next`
    // at the end: `next` never holds this layer's values, so the last layer's table (the largest)
    // carries none at all; and here, after the names are shared, each generator is stepped once
    // (a cell's worker would step the crossings it shares with a neighbour twice).
    int carry(int id, const ApproxTable& local, const std::vector<std::int64_t>& names, ApproxTable& next) {
        if (!is_local(id)) {
            int& slot = from_cur_[id];
            if (slot < 0) slot = copy(cur_, id, cur_.hid[id], next);
            return slot;
        }
        const std::int64_t c = names[local_index(id)] - n_;
        int& slot = next_[c];
        if (slot < 0) slot = copy(local, local_index(id), record_[c], next);
        return slot;
    }

    // The next layer's values of the entries carried since the last call, from their sources
    // (which must still be alive: a chunk's outputs are kept until this is done).  The forward
    // step is the merge's largest part and each entry's row is its own, so the rows are shared
    // out to the pool's threads; `next` does not grow meanwhile, so its rows stay where they are.
    void step_pending(ApproxTable& next, WorkerPool& pool, int threads) {
        share_rows(pending_.size(), pool, threads, [&](std::size_t q, StepScratch& sc) {
            const Pending& p = pending_[q];
            float_step(fnet_, next_layer_, next.xs(p.id), next.ex[p.id], next.D, p.src->zs(p.k), p.src->ezs(p.k),
                       next.zs(p.id), next.ezs(p.id), sc.in, sc.ein, sc.cols);
        });
        pending_.clear();
    }

private:
    struct Key {
        std::int64_t a, b;
        std::int32_t unit;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            return hash3(static_cast<std::uint64_t>(k.a), static_cast<std::uint64_t>(k.b), static_cast<std::uint64_t>(k.unit));
        }
    };
    const ApproxTable& cur_;
    const FloatNet& fnet_;
    const std::size_t next_layer_;  // 0-based layer whose values `next` holds
    const std::int64_t n_;
    std::vector<int> from_cur_;
    StampedIndex<Key, std::int64_t, KeyHash> index_;  // (a node per crossing was a tenth of the merge's allocations)
    std::vector<std::int64_t> record_;  // per crossing: its History record
    std::vector<int> next_;             // per crossing: its id in the next table, or -1

    std::int64_t of(std::int64_t id, const std::vector<std::int64_t>& names) const {
        return is_local(static_cast<int>(id)) ? names[local_index(static_cast<int>(id))] : id;
    }
    // an entry of `next` whose values wait for step_pending, and where they are stepped from
    struct Pending {
        const ApproxTable* src;
        int k, id;
    };
    std::vector<Pending> pending_;

    int copy(const ApproxTable& src, int k, std::int64_t record, ApproxTable& next) {
        const int id = next.copy_from(src, k, record);
        if (next.nz > 0) pending_.push_back(Pending{&src, k, id});
        return id;
    }
    std::int64_t record(std::int64_t name) const { return name < n_ ? cur_.hid[name] : record_[name - n_]; }
};

// A limit stopped the run in hidden layer l before cell `at`: the result is the cells refined
// so far followed by the cells not yet refined by layer l, so that they still cover the domain.
void stop_at(Status why, std::size_t l, std::size_t at, std::vector<Cell>& cells, Crossings& names,
             ApproxTable& next, std::vector<Cell>& next_cells, Refinement& out, WorkerPool& pool, int threads) {
    const ApproxTable none;
    const std::vector<std::int64_t> no_names;
    for (std::size_t k = at; k < cells.size(); ++k) {
        for (int& id : cells[k].gens) id = names.carry(id, none, no_names, next);
        next_cells.push_back(std::move(cells[k]));
    }
    names.step_pending(next, pool, threads);
    out.status = why;
    out.stopped_layer = static_cast<int>(l + 1);
    out.stopped_cell = at;
    out.stopped_of = cells.size();
    out.cells = std::move(next_cells);
    out.gens = std::move(next);
}

// A limit stopped a count_only run in its last layer before cell `at`: the count so far.
void count_stopped(Status why, std::size_t l, std::size_t at, std::size_t of, Refinement& out) {
    out.status = why;
    out.stopped_layer = static_cast<int>(l + 1);
    out.stopped_cell = at;
    out.stopped_of = of;
    out.cells.clear();
}

// The start cells as cells on `t`, each given generator once (the same point in two cells is
// the same generator), recorded in the History.
std::vector<Cell> to_cells(const std::vector<StartCell>& starts, std::size_t pattern_words, const FloatNet& fnet,
                           ApproxTable& t, History& history, LabelSets& labels) {
    std::vector<Cell> cells;
    std::unordered_map<std::string, int> index;
    for (const StartCell& s : starts) {
        Cell c;
        c.nw = static_cast<int>(std::max<std::size_t>(1, (s.slots.size() + 63) / 64));
        for (const auto& labs : s.slots) c.slot_labels.push_back(labels.intern(labs));
        c.inc.assign(s.gens.size() * c.nw, 0);
        for (std::size_t i = 0; i < s.gens.size(); ++i) {
            IntVec X = s.gens[i];
            make_primitive(X);
            auto [it, fresh] = index.try_emplace(exact_key(X), 0);
            if (fresh) {
                const int g = t.append();
                fnet.to_float(X, t.xs(g));
                t.ex[g] = 2 * kU + kTiny;  // each entry is at most 1 and truncated once
                t.ray[g] = sgn(X[t.D - 1]) == 0;
                t.hid[g] = history.add_given(std::move(X));
                it->second = g;
            }
            c.gens.push_back(it->second);
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

// The frame of the float coordinates (approx.hpp): the bounding box of the start cells' vertices.
Frame frame_of(const std::vector<StartCell>& starts, std::size_t dim) {
    std::vector<double> lo(dim, HUGE_VAL), hi(dim, -HUGE_VAL);
    for (const StartCell& s : starts)
        for (const IntVec& X : s.gens) {
            if (sgn(X[dim]) <= 0) continue;
            const double T = X[dim].get_d();
            for (std::size_t j = 0; j < dim; ++j) {
                const double v = X[j].get_d() / T;
                if (std::isfinite(v)) lo[j] = std::min(lo[j], v), hi[j] = std::max(hi[j], v);
            }
        }
    for (std::size_t j = 0; j < dim; ++j)
        if (!(lo[j] <= hi[j])) lo[j] = hi[j] = 0;
    return frame_for(lo, hi);
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
    out.frame = frame_of(cells, net.dim);
    const FloatNet fnet(net, out.frame);
    out.gens.with_origins = false;
    out.cells = to_cells(cells, out.pattern_words, fnet, out.gens, out.history, out.labels);
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

    out.frame = frame_of(starts, net.dim);
    const FloatNet fnet(net, out.frame);
    ApproxTable cur;
    cur.D = D;
    cur.nz = 0;
    cur.with_origins = false;
    std::vector<Cell> cells = to_cells(starts, out.pattern_words, fnet, cur, out.history, out.labels);
    const int nthreads = std::max(1, threads);
    WorkerPool pool(nthreads);
    for (std::size_t l = 0; l <= first_layer && l < net.layers.size(); ++l) advance_approx(cur, fnet, l, pool, nthreads);

    std::atomic<bool> stop{false};
    std::atomic<long> budget{limits.max_regions < 0 ? std::numeric_limits<long>::max()
                                                     : limits.max_regions - static_cast<long>(cells.size())};
    if (budget.load() < 0) {
        out.status = Status::region_limit;
        out.cells = std::move(cells);
        out.gens = std::move(cur);
        return;
    }
    std::vector<std::size_t> bit_offsets;  // the first pattern bit of each hidden layer
    for (std::size_t l = 0, at = 0; l < hidden; at += net.layers[l].rows, ++l) bit_offsets.push_back(at);
    // count_faces: the domain's interior point the faces' owners face (none if it is unbounded)
    IntVec faces_point;
    if (limits.count_only && limits.count_faces) {
        std::vector<IntVec> points;
        for (const StartCell& sc : starts) points.insert(points.end(), sc.gens.begin(), sc.gens.end());
        faces_point = interior_point(points);
    }
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
        ctx.net = &out.net;
        ctx.float_net = &fnet;
        ctx.history = &out.history;
        ctx.global = &cur;
        ctx.layer = static_cast<int>(l + 1);
        ctx.width = L.rows;
        ctx.bit_offset = bit_offsets[l];
        ctx.bit_offsets = &bit_offsets;
        ctx.D = D;
        ctx.reverse = reverse;
        ctx.labels = &out.labels;
        ctx.neuron_sets = &neuron_sets;
        ctx.stop = &stop;
        ctx.budget = &budget;
        ctx.deadline = deadline;
        ctx.timed = timed;

        // count_only: the last layer's regions are counted in the merge and dropped there
        const bool counting = limits.count_only && l + 1 == hidden;
        if (counting) out.counted = 0;
        ctx.count_only = counting;
        if (counting && !faces_point.empty()) {
            ctx.faces_point = &faces_point;
            out.counted_faces.assign(D, 0);
        }
        ApproxTable next;
        next.D = D;
        next.nz = l + 1 < hidden ? net.layers[l + 1].rows : 0;
        next.with_origins = false;
        Crossings names(cur, fnet, l + 1);
        std::vector<std::int64_t> local_names;
        const ApproxTable no_local;
        std::vector<Cell> next_cells;
        // chunks: limits, progress and interrupts are looked at between them; each chunk's
        // cells are refined in parallel and merged in order,
        // so threads change nothing.  A chunk grows while chunks are quick (each one starts its
        // threads: small 2-D cells would spend more time on that than on the cells) and shrinks
        // when slow, so that limits, progress and interrupts are still looked at often.
        std::size_t chunk = 64 * static_cast<std::size_t>(nthreads);
        for (std::size_t a = 0, b = 0; a < cells.size(); a = b) {
            b = std::min(cells.size(), a + chunk);
            const auto chunk_start = Clock::now();
            std::vector<CellOutput> outs(b - a);
            enum : char { not_started, stopped, done };
            std::vector<char> state(b - a, not_started);
            // each thread takes the next cell not taken: cells differ a hundredfold in cost (8-D
            // cells make 1 to thousands of regions), and fixed shares left one thread idle while
            // the other finished a chunk's heavy cells
            std::atomic<std::size_t> next_cell{0};
            auto work = [&] {
                for (std::size_t k; !stop.load(std::memory_order_relaxed) && (k = next_cell.fetch_add(1)) < b - a;) {
                    const bool ok = refine_cell(std::move(cells[a + k]), ctx, outs[k]);
                    state[k] = ok ? done : stopped;
                    if (!ok) return;
                }
            };
            // the work runs on the pool's threads (one at least), so that this thread can poll for
            // an interrupt while a long chunk is refined
            const int used = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(nthreads), b - a));
            bool interrupt = false;
            const std::function<void()> job = work;
            pool.run(used, job, [&] {
                if (!interrupted || interrupt) return;
                if (interrupted()) {
                    interrupt = true;
                    stop.store(true);
                }
            });
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
                    local_names.clear();
                    for (int& id : cells[a + k].gens) id = names.carry(id, no_local, local_names, next);
                    next_cells.push_back(std::move(cells[a + k]));
                    continue;
                }
                CellOutput& o = outs[k];
                out.exact_signs += o.exact_signs;
                if (counting) {
                    out.counted += static_cast<long>(o.children.size()) + o.counted;
                    for (std::size_t dim = 0; dim < o.faces.size() && dim < out.counted_faces.size(); ++dim)
                        out.counted_faces[dim] += o.faces[dim];
                    o = CellOutput();
                    continue;
                }
                names.name(o, out.history, local_names);
                for (Cell& child : o.children) {
                    for (int& id : child.gens) id = names.carry(id, o.local, local_names, next);
                    next_cells.push_back(std::move(child));
                }
            }
            names.step_pending(next, pool, nthreads);  // the outputs' tables are read here, then dropped with them
            if (stopped_here) {
                const Status why = timed && Clock::now() >= deadline ? Status::time_limit : Status::region_limit;
                if (counting) return count_stopped(why, l, b, cells.size(), out);
                stop_at(why, l, b, cells, names, next, next_cells, out, pool, nthreads);
                return;
            }
            for (std::size_t k = a; k < b; ++k) cells[k] = Cell();  // done: free as we go
            const double took = std::chrono::duration<double>(Clock::now() - chunk_start).count();
            // (a chunk ends when its slowest cell does: the other threads idle until then, so a
            // slow chunk should still take many cells' time; limits and interrupts do not wait for
            // it.  It grows only while very quick, and to 2,048 cells: a chunk's outputs are all
            // held until its merge, and 8,192 cells' outputs were a tenth of d2_64x4's peak memory.)
            // A count's outputs are a few numbers a cell, so its chunks may grow until they take
            // about a second: each chunk's end leaves a thread idle until the other finishes its
            // last cell, and 8-D cells take up to a few tenths of a second.
            const double grow_below = counting ? 1.0 : 0.01, shrink_above = counting ? 4.0 : 1.0;
            const std::size_t most = counting ? std::size_t(1) << 16 : 2048;
            if (took < grow_below && chunk < most) chunk *= 2;
            else if (took > shrink_above && chunk > static_cast<std::size_t>(nthreads)) chunk /= 2;
            if (timed && Clock::now() >= deadline && b < cells.size()) {
                if (counting) return count_stopped(Status::time_limit, l, b, cells.size(), out);
                stop_at(Status::time_limit, l, b, cells, names, next, next_cells, out, pool, nthreads);
                return;
            }
            const std::size_t made = counting ? static_cast<std::size_t>(out.counted) : next_cells.size();
            if (progress && !progress(static_cast<int>(l + 1), b, cells.size(), made + cells.size() - b)) {
                out.status = Status::interrupted;
                out.stopped_layer = static_cast<int>(l + 1);
                out.stopped_cell = b;
                out.stopped_of = cells.size();
                return;
            }
        }
        if (counting) {  // nothing kept: the count is the result
            out.cells.clear();
            out.gens = std::move(next);
            return;
        }
        cells.swap(next_cells);
        cur = std::move(next);  // with the next layer's values already (Crossings::carry)
    }
    out.cells = std::move(cells);
    out.gens = std::move(cur);
}

}  // namespace polyrelu
