#include "structure.hpp"

#include <algorithm>
#include <limits>

namespace polyrelu {

// Exact diameter of the region-adjacency graph by Takes and Kosters' bounding diameters: a
// breadth-first search from v gives its eccentricity e and bounds every node w's,
// max(d, e - d) <= ecc(w) <= e + d with d = dist(v, w); searches alternate between the node with
// the largest upper bound and the one with the smallest lower bound until no open node can beat
// the largest eccentricity found.  A few dozen searches instead of one per region.
std::int64_t graph_diameter(std::size_t n, const std::vector<std::int64_t>& edges) {
    if (n <= 1) return 0;
    std::vector<std::int64_t> ptr(n + 1, 0), adj(edges.size());
    for (std::int64_t v : edges) ++ptr[v + 1];
    for (std::size_t i = 0; i < n; ++i) ptr[i + 1] += ptr[i];
    std::vector<std::int64_t> at(ptr.begin(), ptr.end() - 1);
    for (std::size_t k = 0; k + 1 < edges.size(); k += 2) {
        adj[at[edges[k]]++] = edges[k + 1];
        adj[at[edges[k + 1]]++] = edges[k];
    }
    const std::int64_t inf = std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> lo(n, 0), up(n, inf), dist(n);
    std::vector<char> done(n, 0);
    std::int64_t best = 0;
    bool pick_high = true;
    std::vector<std::int64_t> queue;  // a breadth-first search's nodes in order: no deque blocks to allocate
    queue.reserve(n);
    for (;;) {
        std::int64_t v = -1;
        for (std::size_t w = 0; w < n; ++w) {
            if (done[w] || up[w] <= best) continue;
            if (v < 0 || (pick_high ? up[w] > up[v] : lo[w] < lo[v])) v = static_cast<std::int64_t>(w);
        }
        if (v < 0) return best;
        pick_high = !pick_high;
        std::fill(dist.begin(), dist.end(), -1);
        dist[v] = 0;
        queue.assign(1, v);
        std::int64_t e = 0;
        std::size_t reached = 1;
        for (std::size_t head = 0; head < queue.size(); ++head) {
            const std::int64_t x = queue[head];
            for (std::int64_t k = ptr[x]; k < ptr[x + 1]; ++k) {
                const std::int64_t y = adj[k];
                if (dist[y] >= 0) continue;
                dist[y] = dist[x] + 1;
                e = std::max(e, dist[y]);
                ++reached;
                queue.push_back(y);
            }
        }
        if (reached < n) return -1;  // disconnected: no finite diameter
        for (std::size_t w = 0; w < n; ++w) {
            lo[w] = std::max(lo[w], std::max(dist[w], e - dist[w]));
            up[w] = std::min(up[w], e + dist[w]);
            best = std::max(best, lo[w]);
        }
        done[v] = 1;
        for (std::size_t w = 0; w < n; ++w)
            if (lo[w] == up[w]) done[w] = 1;
    }
}

}  // namespace polyrelu
