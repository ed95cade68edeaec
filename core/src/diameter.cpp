#include "structure.hpp"

#include <algorithm>
#include <limits>

namespace polyrelu {

// Exact diameter of the region-adjacency graph by Takes and Kosters' bounding diameters: a
// breadth-first search from v gives its eccentricity e and bounds every node w's,
// max(d, e - d) <= ecc(w) <= e + d with d = dist(v, w); searches alternate between the node with
// the largest upper bound and the one with the smallest lower bound until no open node can beat
// the largest eccentricity found.  A few dozen searches instead of one per region.
namespace {

// The search over node ids of type I: 32 bits whenever they fit, which halves the memory the
// searches stream through (distances, bounds, adjacency) and was a third of their time.
template <class I>
std::int64_t bounding_diameter(std::size_t n, const std::vector<std::int64_t>& edges) {
    std::vector<I> ptr(n + 1, 0), adj(edges.size());
    for (std::int64_t v : edges) ++ptr[v + 1];
    for (std::size_t i = 0; i < n; ++i) ptr[i + 1] += ptr[i];
    std::vector<I> at(ptr.begin(), ptr.end() - 1);
    for (std::size_t k = 0; k + 1 < edges.size(); k += 2) {
        adj[at[edges[k]]++] = static_cast<I>(edges[k + 1]);
        adj[at[edges[k + 1]]++] = static_cast<I>(edges[k]);
    }
    const I inf = std::numeric_limits<I>::max();
    std::vector<I> lo(n, 0), up(n, inf), dist(n);
    std::vector<char> done(n, 0);
    I best = 0;
    bool pick_high = true;
    std::vector<I> queue;  // a breadth-first search's nodes in order: no deque blocks to allocate
    queue.reserve(n);
    for (;;) {
        I v = -1;
        for (std::size_t w = 0; w < n; ++w) {
            if (done[w] || up[w] <= best) continue;
            if (v < 0 || (pick_high ? up[w] > up[v] : lo[w] < lo[v])) v = static_cast<I>(w);
        }
        if (v < 0) return best;
        pick_high = !pick_high;
        std::fill(dist.begin(), dist.end(), I(-1));
        dist[v] = 0;
        queue.assign(1, v);
        for (std::size_t head = 0; head < queue.size(); ++head) {
            const I x = queue[head], dx = dist[x] + 1;
            for (I k = ptr[x]; k < ptr[x + 1]; ++k) {
                const I y = adj[k];
                if (dist[y] >= 0) continue;
                dist[y] = dx;
                queue.push_back(y);
            }
        }
        if (queue.size() < n) return -1;  // disconnected: no finite diameter
        const I e = dist[queue.back()];   // the last node reached is a farthest one
        for (std::size_t w = 0; w < n; ++w) {
            const I d = dist[w];
            lo[w] = std::max(lo[w], std::max(d, static_cast<I>(e - d)));
            up[w] = std::min(up[w], static_cast<I>(e + d));
            best = std::max(best, lo[w]);
            done[w] |= lo[w] == up[w];
        }
        done[v] = 1;
    }
}

}  // namespace

std::int64_t graph_diameter(std::size_t n, const std::vector<std::int64_t>& edges) {
    if (n <= 1) return 0;
    // (twice the largest distance must fit too: e + d bounds an eccentricity)
    if (n < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 2) &&
        edges.size() < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        return bounding_diameter<std::int32_t>(n, edges);
    return bounding_diameter<std::int64_t>(n, edges);
}

}  // namespace polyrelu
