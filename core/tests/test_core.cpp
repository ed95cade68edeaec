// The core's own tests, without Python: run under AddressSanitizer and UBSan by .ci/run.
//
// Arrangements with known counts (hyperplanes h_t(x) = t^d + x_1 t^(d-1) + ... + x_d, for
// distinct t: any d of them meet in one point, no d + 1 do, so the arrangement is in general
// position and has sum_{k<=d} C(n, k) regions, all meeting a box around its vertices), Euler's
// relation on the box, threads and neuron order changing nothing, and a two-layer network whose
// count is checked against the one-layer arrangements it is made of.  And the edges of prisms,
// pyramids and bipyramids over k-gons (3k, 2k and 3k edges), found from their incidences alone;
// and the worker pool (jobs on the workers asked for, exceptions back to the caller).
#include "all_edges.hpp"
#include "refine.hpp"
#include "structure.hpp"
#include "worker_pool.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace polyrelu;

namespace {

int failures = 0, checks = 0;

void check(bool ok, const char* what, long got, long want) {
    ++checks;
    if (!ok) {
        std::printf("FAIL %s: got %ld, want %ld\n", what, got, want);
        ++failures;
    }
}

long binom(long n, long k) {
    long r = 1;
    for (long i = 1; i <= k; ++i) r = r * (n - k + i) / i;
    return r;
}

// The box [-M, M]^d as a start cell: 2^d vertices, 2d facets (slot 2j: x_j >= -M, 2j+1: x_j <= M).
StartCell box(std::size_t d, long M) {
    StartCell s;
    for (std::size_t j = 0; j < 2 * d; ++j) s.slots.push_back({domain_label(static_cast<int>(j))});
    for (std::size_t m = 0; m < (std::size_t(1) << d); ++m) {
        IntVec g(d + 1);
        std::vector<int> inc;
        for (std::size_t j = 0; j < d; ++j) {
            const bool hi = (m >> j) & 1;
            g[j] = hi ? M : -M;
            inc.push_back(static_cast<int>(2 * j + (hi ? 1 : 0)));
        }
        g[d] = 1;
        s.gens.push_back(g);
        s.inc.push_back(inc);
    }
    for (std::size_t j = 0; j < 2 * d; ++j) s.facets.push_back(static_cast<int>(j));
    return s;
}

Layer moment_layer(std::size_t d, std::size_t n) {
    Layer L;
    L.rows = n;
    L.cols = d;
    for (std::size_t i = 0; i < n; ++i) {
        const long t = static_cast<long>(i) + 1;
        long p = 1;
        std::vector<long> powers(d + 1);
        for (std::size_t k = 0; k <= d; ++k) powers[k] = p, p *= t;
        for (std::size_t j = 0; j < d; ++j) L.W.push_back(Int(powers[d - 1 - j]));  // x_j t^(d-1-j)
        L.b.push_back(Int(powers[d]));
    }
    return L;
}

Layer sum_layer(std::size_t cols) {
    Layer L;
    L.rows = 1;
    L.cols = cols;
    for (std::size_t j = 0; j < cols; ++j) L.W.push_back(Int(1));
    L.b.push_back(Int(0));
    L.unit = Unit::identity;
    return L;
}

void run(const Network& net, std::size_t d, int threads, bool reverse, Refinement& r) {
    refine(net, {box(d, 100000)}, 0, threads, reverse, Limits{}, ProgressFn{}, r);
}

// What every complex of the box satisfies: Euler characteristic 1, the same regions with two
// threads in reversed neuron order, cells that verify against the network, and as many regions
// counted (count_only) as kept.
void check_box_complex(const Network& net, std::size_t d, const Refinement& r, const char* what) {
    const Faces f = face_poset(r);
    long euler = 0;
    for (std::int64_t k : f.dim) euler += k % 2 ? -1 : 1;
    check(euler == 1, (std::string("Euler characteristic of the box, ") + what).c_str(), euler, 1);
    Refinement t;
    run(net, d, 2, true, t);
    check(t.cells.size() == r.cells.size(), (std::string("threads and reversed order, ") + what).c_str(),
          static_cast<long>(t.cells.size()), static_cast<long>(r.cells.size()));
    check(verify_cells(r).empty(), (std::string("verify_cells, ") + what).c_str(), 0, 0);
    Refinement c;
    Limits count;
    count.count_only = true;
    refine(net, {box(d, 100000)}, 0, 2, false, count, ProgressFn{}, c);
    check(c.counted == static_cast<long>(r.cells.size()) && c.cells.empty(),
          (std::string("count_only, ") + what).c_str(), c.counted, static_cast<long>(r.cells.size()));
    // the f-vector counted face by face at each face's owner, against the face poset's
    Refinement o;
    count.count_faces = true;
    refine(net, {box(d, 100000)}, 0, 2, true, count, ProgressFn{}, o);
    std::vector<std::int64_t> want(d + 1, 0);
    for (std::int64_t k : f.dim) ++want[static_cast<std::size_t>(k)];
    for (std::size_t k = 0; k <= d; ++k)
        check(o.counted_faces.size() == d + 1 && o.counted_faces[k] == want[k],
              (std::string("count_faces f_") + std::to_string(k) + ", " + what).c_str(),
              o.counted_faces.size() == d + 1 ? static_cast<long>(o.counted_faces[k]) : -1, static_cast<long>(want[k]));
}

void arrangement(std::size_t d, std::size_t n) {
    Network net;
    net.dim = d;
    net.layers = {moment_layer(d, n), sum_layer(n)};
    long want = 0;
    for (std::size_t k = 0; k <= d; ++k) want += binom(static_cast<long>(n), static_cast<long>(k));
    Refinement r;
    run(net, d, 1, false, r);
    check(static_cast<long>(r.cells.size()) == want, "arrangement regions", static_cast<long>(r.cells.size()), want);
    check_box_complex(net, d, r, "an arrangement");
    // every interior facet has two regions, and the output sum of ReLUs joins no two of them
    const Facets fa = shared_facets(r);
    const std::vector<std::int64_t> pieces = linear_regions(r, fa);
    long distinct = 0;
    for (std::int64_t p : pieces) distinct = std::max<long>(distinct, p + 1);
    check(distinct == want, "linear regions of a sum of ReLUs", distinct, want);
}

// A second layer that repeats the first (relu of each first-layer unit, plus one unit that is the
// difference of two of them): its values vanish exactly on half of every first-layer hyperplane,
// so the float filter cannot decide them and the exact points come from the generators' history
// (given vertices, first-layer crossings, and second-layer crossings of the difference unit).
void exact_fallback(std::size_t d, std::size_t n) {
    Network net;
    net.dim = d;
    Layer L2;
    L2.rows = n + 1;
    L2.cols = n;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) L2.W.push_back(Int(i == j ? 1 : 0));
    for (std::size_t j = 0; j < n; ++j) L2.W.push_back(Int(j == 0 ? 1 : j == 1 ? -1 : 0));
    L2.b.assign(n + 1, Int(0));
    net.layers = {moment_layer(d, n), L2, sum_layer(n + 1)};
    for (Layer& L : net.layers) L.prepare_small();
    Refinement r;
    run(net, d, 1, false, r);
    check(r.exact_signs > 0, "signs left to exact arithmetic", r.exact_signs, 1);
    check_box_complex(net, d, r, "a repeated layer");
    check(r.exact().size() == r.gens.size(), "every generator made exact", static_cast<long>(r.exact().size()),
          static_cast<long>(r.gens.size()));
}

void limits() {
    Network net;
    net.dim = 2;
    net.layers = {moment_layer(2, 12), sum_layer(12)};
    Refinement r;
    refine(net, {box(2, 100000)}, 0, 1, false, Limits{20, -1}, ProgressFn{}, r);
    check(r.status == Status::region_limit, "max_regions stops the run", static_cast<long>(r.status), 1);
    // the one start cell was being refined when the limit hit: the partial result is its pieces so
    // far, exactly max_regions of them (they tile the box; the Python tests add up their volumes)
    check(r.cells.size() == 20, "cells of the partial result", static_cast<long>(r.cells.size()), 20);
    check(r.stopped_layer == 1, "the layer where it stopped", r.stopped_layer, 1);
}

// The edges of a 3-polytope over a k-gon from its vertex-facet incidences, by all_edges and by
// the pair test on every pair, against the closed form.  `extra`: one more slot on every vertex
// and one more dimension, as in a face cut out by a new hyperplane (a split's H).
void polygon_solid(const char* kind, std::size_t k, bool extra) {
    std::vector<std::vector<int>> on;  // per vertex: its slots
    const int K = static_cast<int>(k);
    std::size_t want = 0;
    int slots = 0;
    const std::string name(kind);
    if (name == "prism") {  // sides 0..k-1, top k, bottom k + 1; tops then bottoms
        for (int i = 0; i < K; ++i) on.push_back({(i + K - 1) % K, i, K});
        for (int i = 0; i < K; ++i) on.push_back({(i + K - 1) % K, i, K + 1});
        want = 3 * k, slots = K + 2;
    } else if (name == "pyramid") {  // sides 0..k-1, base k; the apex last
        for (int i = 0; i < K; ++i) on.push_back({(i + K - 1) % K, i, K});
        on.emplace_back();
        for (int i = 0; i < K; ++i) on.back().push_back(i);
        want = 2 * k, slots = K + 1;
    } else {  // bipyramid: upper sides 0..k-1, lower sides k..2k-1; the base, then the two apexes
        for (int i = 0; i < K; ++i) on.push_back({(i + K - 1) % K, i, K + (i + K - 1) % K, K + i});
        on.emplace_back();
        on.emplace_back();
        for (int i = 0; i < K; ++i) on[k].push_back(i), on[k + 1].push_back(K + i);
        want = 3 * k, slots = 2 * K;
    }
    if (extra) {
        for (auto& v : on) v.push_back(slots);
        ++slots;
    }
    const std::size_t D = extra ? 5 : 4;
    const int nw = (slots + 63) / 64;
    std::vector<Word> inc(on.size() * nw, 0);
    for (std::size_t v = 0; v < on.size(); ++v)
        for (int sl : on[v]) set_bit(&inc[v * nw], static_cast<std::size_t>(sl));
    IncTable t;
    t.transpose(inc.data(), on.size(), nw, static_cast<std::size_t>(slots), true);
    EdgeScratch sc;
    std::vector<Edge> found;
    all_edges(t, D, sc, found);
    std::size_t pairs = 0, agree = 0;
    t.make_rows();  // the pair test reads the transpose, which all_edges may not have needed
    sc.test.reset(nw);
    for (std::size_t u = 0; u < on.size(); ++u)
        for (std::size_t v = u + 1; v < on.size(); ++v)
            if (sc.test(t, u, v, D)) {
                ++pairs;
                for (const Edge& e : found) agree += e.a == u && e.b == v;
            }
    const std::string what = name + " over a " + std::to_string(k) + "-gon" + (extra ? ", one slot more" : "");
    check(found.size() == want, ("edges of the " + what).c_str(), static_cast<long>(found.size()), static_cast<long>(want));
    check(pairs == want && agree == want, ("pair test on the " + what).c_str(), static_cast<long>(agree), static_cast<long>(want));
}

void polygon_solids() {
    for (const char* kind : {"prism", "pyramid", "bipyramid"})
        for (std::size_t k : {5, 30, 70})
            for (bool extra : {false, true}) polygon_solid(kind, k, extra);
}

// The worker pool: every job runs on exactly the workers asked for, run after run (a worker
// that wakes late must not run a job twice or a finished one at all), and a job's exception
// comes back to the caller instead of ending the process.
void worker_pool() {
    WorkerPool pool(3);
    long total = 0;
    for (int round = 0; round < 200; ++round) {
        const int n = 1 + round % 3;
        std::atomic<int> ran{0};
        const std::function<void()> job = [&] { ran.fetch_add(1); };
        pool.run(n, job, {});
        total += ran.load() == n;
    }
    check(total == 200, "pool runs each job on the workers asked for", total, 200);
    std::atomic<int> ran{0};
    const std::function<void()> fails = [&] {
        if (ran.fetch_add(1) == 0) throw std::runtime_error("a job failed");
    };
    bool caught = false;
    try {
        pool.run(3, fails, {});
    } catch (const std::runtime_error&) {
        caught = true;
    }
    check(caught && ran.load() == 3, "a job's exception reaches the caller", ran.load(), 3);
    std::atomic<int> after{0};
    const std::function<void()> job = [&] { after.fetch_add(1); };
    pool.run(2, job, {});
    check(after.load() == 2, "the pool works after an exception", after.load(), 2);
}

}  // namespace

int main() {
    worker_pool();
    arrangement(1, 5);
    arrangement(2, 9);
    arrangement(3, 7);
    arrangement(4, 6);
    exact_fallback(2, 6);
    exact_fallback(3, 5);
    limits();
    polygon_solids();
    std::printf("core: %d passed, %d failed\n", checks - failures, failures);
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
