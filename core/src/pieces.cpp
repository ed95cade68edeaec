#include "structure.hpp"

#include <algorithm>
#include <numeric>

namespace polyrelu {
namespace {

// Rank of integer rows by fraction-free (Bareiss) elimination: exact, no fractions.
std::size_t rank_of(std::vector<IntVec> m) {
    const std::size_t rows = m.size(), cols = rows ? m[0].size() : 0;
    std::size_t rank = 0;
    Int prev = 1;
    for (std::size_t col = 0; col < cols && rank < rows; ++col) {
        std::size_t piv = rank;
        while (piv < rows && sgn(m[piv][col]) == 0) ++piv;
        if (piv == rows) continue;
        std::swap(m[piv], m[rank]);
        for (std::size_t i = rank + 1; i < rows; ++i) {
            for (std::size_t j = col + 1; j < cols; ++j) {
                m[i][j] = m[rank][col] * m[i][j] - m[i][col] * m[rank][j];
                mpz_divexact(m[i][j].get_mpz_t(), m[i][j].get_mpz_t(), prev.get_mpz_t());
            }
            m[i][col] = 0;
        }
        prev = m[rank][col];
        ++rank;
    }
    return rank;
}

std::size_t find(std::vector<std::size_t>& parent, std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

}  // namespace

std::vector<std::int64_t> linear_regions(const Refinement& r, const Facets& f) {
    const std::size_t n = r.cells.size(), D = r.gens.D, nout = r.gens.nz;
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto lifted = [&](int g) {  // (generator, output values there): points of the map's graph
        IntVec v(r.gens.coord(g), r.gens.coord(g) + D);
        v.insert(v.end(), r.gens.val(g), r.gens.val(g) + nout);
        return v;
    };
    const std::size_t nf = f.cells.size() / 2;
    for (std::size_t k = 0; k < nf; ++k) {
        const std::int64_t a = f.cells[2 * k], b = f.cells[2 * k + 1];
        if (b < 0) continue;
        // the maps agree on the facet's span; they are equal iff the graph points of the facet
        // and of one generator off the facet on each side span only D dimensions
        std::vector<IntVec> m;
        std::vector<int> on(f.gen_ids.begin() + f.gen_ptr[k], f.gen_ids.begin() + f.gen_ptr[k + 1]);
        for (int g : on) m.push_back(lifted(g));
        for (std::int64_t side : {a, b}) {
            for (int g : r.cells[side].gens) {
                if (!std::binary_search(on.begin(), on.end(), g)) {
                    m.push_back(lifted(g));
                    break;
                }
            }
        }
        if (rank_of(m) == D) parent[find(parent, a)] = find(parent, b);
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
