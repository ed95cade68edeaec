#include "structure.hpp"

#include "approx.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace polyrelu {
namespace {

// Regions A and B sharing a facet F have the same affine map iff A's map, continued past F,
// gives the network's value at one generator b of B off F (the maps agree on F's span, and b is
// outside it).  A's map at b is the forward pass with A's activation pattern imposed.  A float
// pass with a rigorous error bound (approx.hpp), against b's float output values and their
// bound, settles almost every pair (maps differ by far more than the bounds); the exact pass in
// integers, from b's exact point, decides the rest.

std::size_t find(std::vector<std::size_t>& parent, std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

bool bit(const Cell& c, std::size_t k) { return test_bit(c.active.data(), k); }

class Continuation {
public:
    explicit Continuation(const Refinement& r) : r_(r), fnet_(r.net) {}

    // False when a float pass proves that A's continued map and the network differ at g.  Both
    // are at the same scale (the invariant of approx.hpp), so their difference is compared with
    // the sum of the two bounds.
    bool may_agree(const Cell& A, int g) {
        const ApproxTable& t = r_.gens;
        const std::size_t D = t.D;
        const double* x = t.xs(g);
        h_.assign(x, x + D - 1);
        eh_.assign(D - 1, t.ex[g]);
        std::size_t offset = 0;
        for (std::size_t l = 0; l < fnet_.layers.size(); ++l) {
            const FloatLayer& F = fnet_.layers[l];
            z_.assign(F.rows, 0);
            ez_.assign(F.rows, 0);
            float_layer(F, h_.data(), eh_.data(), x[D - 1], t.ex[g], z_.data(), ez_.data());
            if (F.unit == Unit::relu) {
                for (std::size_t i = 0; i < F.rows; ++i)
                    if (!bit(A, offset + i)) z_[i] = 0, ez_[i] = 0;  // A's pattern, imposed
                offset += F.rows;
            }
            h_.swap(z_);
            eh_.swap(ez_);
        }
        const double* out = t.zs(g);
        const double* eout = t.ezs(g);
        for (std::size_t k = 0; k < t.nz; ++k) {
            const double slack = (eh_[k] + eout[k]) * (1 + 4 * kU);
            if (!std::isfinite(out[k]) || !std::isfinite(h_[k]) || !std::isfinite(slack)) return true;
            if (std::fabs(h_[k] - out[k]) > slack) return false;
        }
        return true;
    }

    // A's continued map at g, exactly, against the network's exact value there.
    bool agrees(const Cell& A, int g) {
        const IntVec& X = r_.history.coords(r_.net, r_.gens.hid[g]);
        const std::size_t D = X.size();
        std::vector<Int> h(X.begin(), X.end() - 1), z, out;
        exact_values(r_.net, X, r_.net.layers.size() - 1, out, dot_);
        const Int& T = X[D - 1];
        std::size_t offset = 0;
        for (std::size_t l = 0; l < r_.net.layers.size(); ++l) {
            const Layer& L = r_.net.layers[l];
            z.assign(L.rows, Int(0));
            for (std::size_t i = 0; i < L.rows; ++i) {
                mpz_mul(z[i].get_mpz_t(), L.b[i].get_mpz_t(), T.get_mpz_t());
                for (std::size_t j = 0; j < L.cols; ++j)
                    mpz_addmul(z[i].get_mpz_t(), L.W[i * L.cols + j].get_mpz_t(), h[j].get_mpz_t());
            }
            if (L.unit == Unit::relu) {
                for (std::size_t i = 0; i < L.rows; ++i)
                    if (!bit(A, offset + i)) z[i] = 0;
                offset += L.rows;
            }
            h.swap(z);
        }
        for (std::size_t k = 0; k < out.size(); ++k)
            if (h[k] != out[k]) return false;
        return true;
    }

private:
    const Refinement& r_;
    FloatNet fnet_;
    LimbDot dot_;
    std::vector<double> h_, z_, eh_, ez_;
};

}  // namespace

std::vector<std::int64_t> linear_regions(const Refinement& r, const Facets& f) {
    const std::size_t n = r.cells.size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    Continuation cont(r);
    const std::size_t nf = f.cells.size() / 2;
    for (std::size_t k = 0; k < nf; ++k) {
        const std::int64_t a = f.cells[2 * k], b = f.cells[2 * k + 1];
        if (b < 0 || find(parent, a) == find(parent, b)) continue;
        const auto on_begin = f.gen_ids.begin() + f.gen_ptr[k], on_end = f.gen_ids.begin() + f.gen_ptr[k + 1];
        int off = -1;
        for (int g : r.cells[b].gens)
            if (!std::binary_search(on_begin, on_end, static_cast<std::int64_t>(g))) { off = g; break; }
        if (off < 0) continue;  // cannot happen for a full-dimensional region
        const Cell& A = r.cells[a];
        if (cont.may_agree(A, off) && cont.agrees(A, off)) parent[find(parent, a)] = find(parent, b);
    }
    std::vector<std::int64_t> piece(n, -1), id_of_root(n, -1);
    std::int64_t next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t root = find(parent, i);
        if (id_of_root[root] < 0) id_of_root[root] = next++;
        piece[i] = id_of_root[root];
    }
    return piece;
}

}  // namespace polyrelu
