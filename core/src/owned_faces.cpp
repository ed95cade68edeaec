#include "owned_faces.hpp"

#include <algorithm>
#include <bit>

namespace polyrelu {

IntVec interior_point(const std::vector<IntVec>& points) {
    if (points.empty()) return {};
    const std::size_t D = points[0].size();
    // the running sum of the points X_i / T_i, homogeneous (S, Q): S / Q = sum so far
    IntVec S(D, 0);
    S[D - 1] = 1;
    for (const IntVec& X : points) {
        if (sgn(X[D - 1]) <= 0) return {};  // a ray: the domain is unbounded
        for (std::size_t j = 0; j + 1 < D; ++j) S[j] = S[j] * X[D - 1] + X[j] * S[D - 1];
        S[D - 1] *= X[D - 1];
        make_primitive(S);
    }
    S[D - 1] *= static_cast<long>(points.size());  // the mean
    make_primitive(S);
    return S;
}

std::vector<signed char> facing_signs(const Network& net, const IntVec& p, const Cell& c, std::size_t layers) {
    std::vector<IntVec> z, dz;
    masked_values(net, p.data(), p.back(), c.active.data(), layers, z);
    std::vector<signed char> out;
    std::vector<std::size_t> tied;  // neurons whose hyperplane (on c) goes through p
    for (std::size_t l = 0; l < layers; ++l)
        for (std::size_t i = 0; i < z[l].size(); ++i) {
            if (sgn(z[l][i]) == 0) tied.push_back(out.size());
            out.push_back(static_cast<signed char>(sgn(z[l][i])));
        }
    // p + (eps, eps^2, ...): the sign of the first nonzero partial derivative, which is the
    // value at the direction e_j (T = 0: the linear part)
    for (std::size_t j = 0; j + 1 < p.size() && !tied.empty(); ++j) {
        IntVec e(p.size(), 0);
        e[j] = 1;
        masked_values(net, e.data(), e.back(), c.active.data(), layers, dz);
        std::vector<std::size_t> still;
        for (std::size_t n : tied) {
            std::size_t l = 0, i = n;
            while (i >= dz[l].size()) i -= dz[l++].size();
            const int s = sgn(dz[l][i]);
            if (s == 0) still.push_back(n);
            else out[n] = static_cast<signed char>(s);
        }
        tied.swap(still);
    }
    return out;  // the neurons left tied are identically zero on c: never a facet of it
}

std::int64_t facet_neuron(const std::vector<Label>& set, const std::vector<std::size_t>& bit_offsets) {
    std::int64_t neuron = -1;
    for (Label lab : set) {
        if (lab < 0) return -1;  // at infinity: not counted (bounded domains only)
        const std::int64_t layer = lab >> 32;
        if (layer == 0) return -1;  // a domain facet: it faces p whatever else lies on it
        if (neuron < 0 && static_cast<std::size_t>(layer) <= bit_offsets.size())
            neuron = static_cast<std::int64_t>(bit_offsets[static_cast<std::size_t>(layer - 1)] + (lab & 0xffffffff));
    }
    return neuron;
}

namespace {

long binom(long n, long k) {
    if (k < 0 || k > n) return 0;
    long r = 1;
    for (long i = 1; i <= k; ++i) r = r * (n - k + i) / i;
    return r;
}

using Bitset = std::vector<Word>;

bool subset(const Bitset& a, const Bitset& b) {
    for (std::size_t w = 0; w < a.size(); ++w)
        if ((a[w] & b[w]) != a[w]) return false;
    return true;
}

// The faces through a vertex v that is not simple, from its vertex figure: a face is known by its
// edges at v (its tangent cone), the facets of a face are its maximal proper intersections with
// the facets at v, and {v} itself is the face with no edge.
void degenerate_vertex(const Cell& r, std::size_t v, const std::uint32_t* nb, const char* nb_up, std::size_t m,
                       const std::vector<Word>& upper, std::size_t d, std::vector<std::int64_t>& counts) {
    const std::size_t ew = std::max<std::size_t>(1, (m + 63) / 64);
    std::vector<Bitset> on;      // per facet at v: its edges at v
    std::vector<char> is_upper;  // per facet at v
    for (std::size_t k = 0; k < r.nslots(); ++k) {
        if (!test_bit(r.alive.data(), k) || !test_bit(r.inc_of(v), k)) continue;
        Bitset b(ew, 0);
        for (std::size_t j = 0; j < m; ++j)
            if (test_bit(r.inc_of(nb[j]), k)) set_bit(b.data(), j);
        on.push_back(std::move(b));
        is_upper.push_back(static_cast<char>(test_bit(upper.data(), k)));
    }
    Bitset ups(ew, 0), top(ew, 0);
    for (std::size_t j = 0; j < m; ++j) {
        set_bit(top.data(), j);
        if (nb_up[j]) set_bit(ups.data(), j);
    }
    std::vector<Bitset> level{top}, next, cands;
    for (std::size_t dim = d;; --dim) {
        next.clear();
        for (const Bitset& s : level) {
            bool owned = subset(s, ups);
            for (std::size_t f = 0; f < on.size() && owned; ++f)
                if (is_upper[f] && subset(s, on[f])) owned = false;
            if (owned) ++counts[dim];
            if (dim == 0) continue;
            cands.clear();
            for (const Bitset& f : on) {
                Bitset x(ew);
                for (std::size_t w = 0; w < ew; ++w) x[w] = s[w] & f[w];
                if (x != s) cands.push_back(std::move(x));
            }
            std::sort(cands.begin(), cands.end());
            cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
            for (std::size_t i = 0; i < cands.size(); ++i) {
                bool maximal = true;
                for (std::size_t j = 0; j < cands.size() && maximal; ++j)
                    maximal = i == j || !subset(cands[i], cands[j]);
                if (maximal) next.push_back(cands[i]);
            }
        }
        if (dim == 0) break;
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        level.swap(next);
    }
}

}  // namespace

void count_owned_faces(const Cell& r, std::span<const Edge> edges, const std::vector<char>& up,
                       const std::vector<Word>& upper, std::size_t d, std::vector<std::int64_t>& counts,
                       OwnedScratch& sc) {
    const std::size_t n = r.gens.size();
    const int nw = r.nw;
    // A vertex on exactly d facets is simple (d edges, each leaving one facet): its faces need
    // only, per edge going up from it, whether the facet it leaves is upper.  So one pass over
    // the edges, each charged to its lower end; only degenerate vertices need their edges listed.
    auto& simple = sc.simple;
    simple.assign(n, 0);
    bool degenerate = false;
    for (std::size_t v = 0; v < n; ++v) {
        int facets = 0;
        for (int w = 0; w < nw; ++w) facets += std::popcount(r.inc_of(v)[w] & r.alive[w]);
        simple[v] = facets == static_cast<int>(d);
        degenerate = degenerate || !simple[v];
    }
    auto& ups = sc.ups;
    auto& covered = sc.covered;  // (simple vertices only)
    ups.assign(n, 0);
    covered.assign(n, 0);
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const std::uint32_t lo = up[k] ? edges[k].a : edges[k].b, hi = up[k] ? edges[k].b : edges[k].a;
        ++ups[lo];
        if (!simple[lo]) continue;
        const Word* il = r.inc_of(lo);
        const Word* ih = r.inc_of(hi);
        bool leaves_upper = false;
        for (int w = 0; w < nw; ++w) leaves_upper = leaves_upper || (il[w] & ~ih[w] & upper[w]);
        covered[lo] += leaves_upper;
    }
    for (std::size_t v = 0; v < n; ++v) {
        if (!simple[v]) continue;
        int uppers = 0;
        for (int w = 0; w < nw; ++w) uppers += std::popcount(r.inc_of(v)[w] & upper[w]);
        if (static_cast<int>(covered[v]) != uppers) continue;  // an upper facet whose opposite edge goes down
        const int u = static_cast<int>(ups[v]);
        for (int k = uppers; k <= u; ++k) counts[static_cast<std::size_t>(k)] += binom(u - uppers, k - uppers);
    }
    if (!degenerate) return;
    // the degenerate vertices' edges, as (neighbour, whether the edge goes up from the vertex)
    std::vector<std::uint32_t> start(n + 1, 0), at(n, 0), adj(2 * edges.size());
    std::vector<char> adj_up(2 * edges.size());
    for (const Edge& e : edges) ++start[e.a + 1], ++start[e.b + 1];
    for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v], at[v] = start[v];
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const Edge& e = edges[k];
        adj[at[e.a]] = e.b, adj_up[at[e.a]++] = up[k];
        adj[at[e.b]] = e.a, adj_up[at[e.b]++] = !up[k];
    }
    for (std::size_t v = 0; v < n; ++v)
        if (!simple[v]) degenerate_vertex(r, v, &adj[start[v]], &adj_up[start[v]], start[v + 1] - start[v], upper, d, counts);
}

}  // namespace polyrelu
