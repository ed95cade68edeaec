#include "structure.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace polyrelu {
namespace {

// Regions A and B sharing a facet F have the same affine map iff A's map, continued past F,
// gives the network's value at one generator b of B off F (the maps agree on F's span, and b is
// outside it).  A's map at b is the forward pass with A's activation pattern imposed.  A float
// pass with a rigorous error bound settles almost every pair (maps differ by far more than the
// bound); the exact pass in integers decides the rest.

constexpr double kU = 0x1p-53;  // unit roundoff

struct FloatLayer {
    std::vector<double> W, absW, b, absb;
};

std::size_t find(std::vector<std::size_t>& parent, std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

bool bit(const Cell& c, std::size_t k) { return test_bit(c.active.data(), k); }

class Continuation {
public:
    explicit Continuation(const Refinement& r) : r_(r) {
        for (const Layer& L : r.net.layers) {
            FloatLayer f;
            for (const Int& w : L.W) f.W.push_back(w.get_d()), f.absW.push_back(std::fabs(w.get_d()));
            for (const Int& x : L.b) f.b.push_back(x.get_d()), f.absb.push_back(std::fabs(x.get_d()));
            fl_.push_back(std::move(f));
        }
    }

    // False when a float pass proves that A's continued map and the network differ at g.
    bool may_agree(const Cell& A, int g) {
        const std::size_t D = r_.gens.D;
        const Int* c = r_.gens.coord(g);
        // scale the homogeneous point to (x, t), t = 1 for a vertex and 0 for a ray
        double s = 0;
        if (sgn(c[D - 1]) > 0) s = c[D - 1].get_d();
        else
            for (std::size_t k = 0; k + 1 < D; ++k) s = std::max(s, std::fabs(c[k].get_d()));
        if (!(s > 0) || !std::isfinite(s)) return true;
        const double t = sgn(c[D - 1]) > 0 ? 1.0 : 0.0;
        h_.assign(D - 1, 0);
        e_.assign(D - 1, 0);
        for (std::size_t k = 0; k + 1 < D; ++k) {
            h_[k] = c[k].get_d() / s;
            e_[k] = 4 * kU * std::fabs(h_[k]);  // two conversions and a division
        }
        std::size_t offset = 0;
        for (std::size_t l = 0; l < r_.net.layers.size(); ++l) {
            const Layer& L = r_.net.layers[l];
            const FloatLayer& F = fl_[l];
            z_.assign(L.rows, 0);
            ez_.assign(L.rows, 0);
            const double gamma = (L.cols + 6) * kU;
            for (std::size_t i = 0; i < L.rows; ++i) {
                double acc = F.b[i] * t, mag = F.absb[i] * t, prop = 0;
                for (std::size_t j = 0; j < L.cols; ++j) {
                    acc += F.W[i * L.cols + j] * h_[j];
                    mag += F.absW[i * L.cols + j] * std::fabs(h_[j]);
                    prop += F.absW[i * L.cols + j] * e_[j];
                }
                z_[i] = acc;
                // inherited error, plus rounding of the sums and of the weights to double,
                // inflated for the rounding of this bound itself
                ez_[i] = (prop + gamma * mag) * (1 + 1e-10) + 1e-300;
            }
            if (L.unit == Unit::relu) {
                for (std::size_t i = 0; i < L.rows; ++i)
                    if (!bit(A, offset + i)) z_[i] = 0, ez_[i] = 0;  // A's pattern, imposed
                offset += L.rows;
            }
            h_.swap(z_);
            e_.swap(ez_);
        }
        const Int* out = r_.gens.val(g);
        for (std::size_t k = 0; k < r_.gens.nz; ++k) {
            const double truth = out[k].get_d() / s;
            const double slack = e_[k] + 4 * kU * std::fabs(truth) + 1e-300;
            if (!std::isfinite(truth) || !std::isfinite(h_[k])) return true;
            if (std::fabs(h_[k] - truth) > slack * (1 + 1e-10)) return false;
        }
        return true;
    }

    // A's continued map at g, exactly, against the network's exact value there.
    bool agrees(const Cell& A, int g) {
        const std::size_t D = r_.gens.D;
        const Int* c = r_.gens.coord(g);
        std::vector<Int> h(c, c + D - 1), z;
        const Int& T = c[D - 1];
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
        const Int* out = r_.gens.val(g);
        for (std::size_t k = 0; k < r_.gens.nz; ++k)
            if (h[k] != out[k]) return false;
        return true;
    }

private:
    const Refinement& r_;
    std::vector<FloatLayer> fl_;
    std::vector<double> h_, e_, z_, ez_;
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
