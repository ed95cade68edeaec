#include "structure.hpp"

#include "approx.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace polyrelu {
namespace {

// Regions A and B sharing a facet F have the same affine map iff their maps, continued to all
// of R^n, agree at n + 1 affinely independent points.  The points are the frame's centre and the
// centre plus one scale step along each input (approx.hpp): exact dyadic points, well inside the
// scale of the domain.  A float pass with a rigorous error bound from such a point (its float
// coordinates are exact) shows almost every pair of different maps to differ at the first
// point, since the difference of two maps vanishes only on F's hyperplane; the exact passes
// decide the rest.  No generator has to be made exact.

std::size_t find(std::vector<std::size_t>& parent, std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

bool bit(const Cell& c, std::size_t k) { return test_bit(c.active.data(), k); }

class Maps {
public:
    explicit Maps(const Refinement& r) : r_(r), fnet_(r.net, r.frame), n_(r.net.dim) {}

    bool same(std::size_t a, std::size_t b) {
        for (std::size_t k = 0; k <= n_; ++k)
            if (differ(pass(a, k), pass(b, k))) return false;
        for (std::size_t k = 0; k <= n_; ++k)
            if (exact(a, k) != exact(b, k)) return false;
        return true;
    }

private:
    const Refinement& r_;
    FloatNet fnet_;
    const std::size_t n_;
    // per point k, lazily: every region's float pass there (z, then e, per output), flat so that
    // a pass costs 16 bytes per output and no allocation (most regions need point 0 only)
    std::vector<std::vector<double>> passes_;
    std::vector<std::vector<char>> have_;
    std::vector<double> h_, eh_, z_, ez_;
    std::vector<std::uint32_t> cols_;

    bool differ(const double* p, const double* q) const {
        const std::size_t m = fnet_.layers.back().rows;
        for (std::size_t i = 0; i < m; ++i) {
            const double slack = (p[m + i] + q[m + i]) * (1 + 4 * kU);
            if (std::isfinite(slack) && std::fabs(p[i] - q[i]) > slack) return true;
        }
        return false;
    }

    // The region's map at point k, in floats (the frame's coordinates of the point are exact):
    // its outputs, then their bounds.
    const double* pass(std::size_t region, std::size_t k) {
        const std::size_t m = fnet_.layers.back().rows;
        if (passes_.empty()) passes_.resize(n_ + 1), have_.resize(n_ + 1);
        if (have_[k].empty()) {
            have_[k].assign(r_.cells.size(), 0);
            passes_[k].assign(r_.cells.size() * 2 * m, 0.0);
        }
        double* out = &passes_[k][region * 2 * m];
        if (have_[k][region]) return out;
        const Cell& A = r_.cells[region];
        // the scratch vectors are members: five allocations per region were a third of a pass
        std::vector<double> &h = h_, &eh = eh_, &z = z_, &ez = ez_;
        std::vector<std::uint32_t>& cols = cols_;
        h.assign(n_, 0.0);
        eh.assign(n_, 0.0);
        if (k > 0) h[k - 1] = 1;
        std::size_t offset = 0;
        for (const FloatLayer& F : fnet_.layers) {
            z.assign(F.rows, 0);
            ez.assign(F.rows, 0);
            cols.clear();  // the inputs that are not exactly 0 (inactive units of A, above all)
            for (std::size_t j = 0; j < F.cols; ++j)
                if (h[j] != 0 || eh[j] != 0) cols.push_back(static_cast<std::uint32_t>(j));
            // every row at once (float_layer's column loop is vectorized), then A's pattern
            // imposed: its inactive rows are exactly 0
            float_layer(F, cols, h.data(), eh.data(), 1.0, 0.0, z.data(), ez.data());
            if (F.unit == Unit::relu) {
                for (std::size_t i = 0; i < F.rows; ++i)
                    if (!bit(A, offset + i)) z[i] = ez[i] = 0;
                offset += F.rows;
            }
            h.swap(z);
            eh.swap(ez);
        }
        std::copy(h.begin(), h.end(), out);
        std::copy(eh.begin(), eh.end(), out + m);
        have_[k][region] = 1;
        return out;
    }

    // The region's map at point k, exactly (homogeneous: (C + 2^(k + e_j) [j = k - 1], 2^k)).
    IntVec exact(std::size_t region, std::size_t k) const {
        const Frame& fr = r_.frame;
        const Cell& A = r_.cells[region];
        Int T;
        mpz_ui_pow_ui(T.get_mpz_t(), 2, static_cast<unsigned long>(fr.k));
        IntVec h(n_);
        for (std::size_t j = 0; j < n_; ++j) {
            h[j] = j < fr.C.size() ? fr.C[j] : Int(0);
            if (k == j + 1) {
                Int step;
                mpz_ui_pow_ui(step.get_mpz_t(), 2, static_cast<unsigned long>(fr.k + fr.e[j]));
                h[j] += step;
            }
        }
        std::vector<IntVec> z;
        masked_values(r_.net, h.data(), T, A.active.data(), r_.net.layers.size(), z);
        return z.back();
    }
};

}  // namespace

std::vector<std::int64_t> linear_regions(const Refinement& r, const Facets& f) {
    const std::size_t n = r.cells.size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    Maps maps(r);
    const std::size_t nf = f.cells.size() / 2;
    for (std::size_t k = 0; k < nf; ++k) {
        const std::int64_t a = f.cells[2 * k], b = f.cells[2 * k + 1];
        if (b < 0 || find(parent, a) == find(parent, b)) continue;
        if (maps.same(static_cast<std::size_t>(a), static_cast<std::size_t>(b))) parent[find(parent, a)] = find(parent, b);
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
