#include "structure.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace polyrelu {
namespace {

using Bits = std::vector<Word>;

bool subset(const Bits& a, const Bits& b) {  // a within b
    for (std::size_t w = 0; w < a.size(); ++w)
        if ((a[w] & b[w]) != a[w]) return false;
    return true;
}

bool empty(const Bits& a) {
    for (Word w : a)
        if (w) return false;
    return true;
}

}  // namespace

Faces face_poset(const Refinement& r) {
    Faces out;
    out.gen_ptr.push_back(0);
    std::unordered_map<std::string, std::int64_t> index;
    std::unordered_set<std::uint64_t> edge_seen;
    const std::int64_t top_dim = static_cast<std::int64_t>(r.net.dim);
    std::vector<int> ids;

    for (std::size_t ci = 0; ci < r.cells.size(); ++ci) {
        const Cell& c = r.cells[ci];
        const std::size_t n = c.gens.size(), nw = (n + 63) / 64;
        Bits rays(nw, 0);
        for (std::size_t g = 0; g < n; ++g)
            if (r.gens.is_ray(c.gens[g])) set_bit(rays.data(), g);
        std::vector<Bits> facets;  // generators on each facet of the region
        for (std::size_t k = 0; k < c.nslots(); ++k) {
            if (!test_bit(c.alive.data(), k)) continue;
            Bits z(nw, 0);
            for (std::size_t g = 0; g < n; ++g)
                if (test_bit(c.inc_of(g), k)) set_bit(z.data(), g);
            facets.push_back(std::move(z));
        }
        // a face whose generators are all rays lies at infinity: it is no cell of the complex
        auto node_of = [&](const Bits& z, std::int64_t dim) -> std::int64_t {
            if (subset(z, rays)) return -1;
            ids.clear();
            for (std::size_t g = 0; g < n; ++g)
                if (test_bit(z.data(), g)) ids.push_back(c.gens[g]);
            std::sort(ids.begin(), ids.end());
            std::string key(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(int));
            auto [it, fresh] = index.emplace(std::move(key), static_cast<std::int64_t>(out.dim.size()));
            if (fresh) {
                out.dim.push_back(dim);
                out.gen_ids.insert(out.gen_ids.end(), ids.begin(), ids.end());
                out.gen_ptr.push_back(static_cast<std::int64_t>(out.gen_ids.size()));
                out.region.push_back(-1);
            }
            return it->second;
        };
        Bits top(nw, 0);
        for (std::size_t g = 0; g < n; ++g) set_bit(top.data(), g);
        std::vector<Bits> level{top};
        std::int64_t dim = top_dim;
        const std::int64_t node = node_of(top, dim);
        if (node >= 0) out.region[node] = static_cast<std::int64_t>(ci);
        while (!level.empty() && dim > 0) {
            std::vector<Bits> next;
            for (const Bits& z : level) {
                const std::int64_t parent = node_of(z, dim);
                if (parent < 0) continue;
                // the facets of a face are the maximal proper intersections with the region's facets
                std::vector<Bits> cands;
                for (const Bits& f : facets) {
                    Bits x(nw);
                    for (std::size_t w = 0; w < nw; ++w) x[w] = z[w] & f[w];
                    if (empty(x) || x == z) continue;
                    cands.push_back(std::move(x));
                }
                std::sort(cands.begin(), cands.end());
                cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
                for (std::size_t i = 0; i < cands.size(); ++i) {
                    bool maximal = true;
                    for (std::size_t j = 0; j < cands.size() && maximal; ++j)
                        maximal = i == j || !subset(cands[i], cands[j]);
                    if (!maximal) continue;
                    const std::int64_t child = node_of(cands[i], dim - 1);
                    if (child < 0) continue;
                    const std::uint64_t e = (static_cast<std::uint64_t>(child) << 32) | static_cast<std::uint64_t>(parent);
                    if (edge_seen.insert(e).second) {
                        out.edges.push_back(child);
                        out.edges.push_back(parent);
                    }
                    next.push_back(cands[i]);
                }
            }
            std::sort(next.begin(), next.end());
            next.erase(std::unique(next.begin(), next.end()), next.end());
            level.swap(next);
            --dim;
        }
    }
    return out;
}

}  // namespace polyrelu
