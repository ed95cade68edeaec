// The edges of a cell: the combinatorial edge test, and the edge graph kept through the splits
// of one cell's refinement.
//
// The test.  Generators u and v of a pointed cone C (given by its extreme rays and their
// incidences with a system of valid inequalities that defines C) span an edge iff they lie on at
// least D - 2 common inequalities and no other generator lies on all of them.  Why: every face of
// C is C cut by some of the system's inequalities set to equality, so the minimal face containing
// u and v is the one cut out by every inequality tight at both; its extreme rays are the
// generators tight at all of those; it is an edge iff they are u and v alone.  (The count is a
// necessary condition: a 2-face of a D-dimensional cone has tight rank D - 2.)  Nothing in this
// needs the inequalities to be facets, so it holds for a cell's slots (some of which are not
// facets any more) and for any sub-system that still defines the cone.
//
// The graph.  A cell split by a hyperplane H into P+ = P ∩ {h >= 0} and P- keeps its edges
// as follows (exact, by the same face argument: every face of P+ is a face of P cut by h >= 0,
// or lies in H):
//   - an edge of P with both ends in h >= 0, not both on H, is an edge of P+ (likewise for P-);
//   - an edge [a, b] of P with h(a) > 0 > h(b) gives the crossing c, and [a, c] in P+, [c, b] in P-;
//   - the edges of P+ in H are the edges of the face Q = P ∩ H (H supports P+), which belongs to
//     both sides.  Q's generators are P's generators on H and the crossings; a crossing's
//     incidences are inc(a) & inc(b) (c is a positive combination of a and b, so an inequality
//     valid at both vanishes at c iff it vanishes at both) plus the new slot of H, which every
//     generator of Q has and no other generator of P+ has.  So the combinatorial test over Q's
//     generators alone, with P's slots and H's, is the test over all of P+'s generators
//     restricted to pairs in H: exact, and it costs pairs of Q's generators, not (+, -) pairs.
// An edge of P with both ends on H is an edge of Q: it is found again by that test, not copied.
#pragma once

#include "cell.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace polyrelu {

struct Edge {
    std::uint32_t a, b;  // indices into the cell's generator list
};

// A piece's edge graph during one cell's refinement; `known` is false until it is needed.  The
// edges live in an EdgeArena.
struct EdgeGraph {
    bool known = false;
    std::span<const Edge> edges;
};

// Where a cell's refinement keeps its pieces' edge graphs: blocks handed out front to back and
// taken back all at once.  Why: a split makes two graphs of thousands of edges each, and as one
// heap vector apiece (grown, then shrunk to size) their allocation was a fifth of 8-D time.  The
// refinement keeps two arenas, one for the pieces of the current split level and one for the
// next, and empties the older when a level is done.
class EdgeArena {
public:
    std::span<const Edge> copy(const Edge* from, std::size_t n) {
        if (n == 0) return {};
        while (at_ < blocks_.size() && used_ + n > blocks_[at_].size) ++at_, used_ = 0;
        if (at_ == blocks_.size()) {
            const std::size_t size = std::max<std::size_t>(kBlock, n);
            blocks_.push_back(Block{std::make_unique<Edge[]>(size), size});
            used_ = 0;
        }
        Edge* to = blocks_[at_].data.get() + used_;
        std::copy(from, from + n, to);
        used_ += n;
        return {to, n};
    }
    // Every graph copied here is gone: the blocks are reused.
    void clear() { at_ = used_ = 0; }

private:
    static constexpr std::size_t kBlock = std::size_t(1) << 16;
    struct Block {
        std::unique_ptr<Edge[]> data;
        std::size_t size;
    };
    std::vector<Block> blocks_;
    std::size_t at_ = 0, used_ = 0;
};

// Generators and their incidences (n rows of nw words over ns slots), and the transpose of the
// incidences: for each slot, the bitset of the generators on it (gw words).  The transpose makes
// "the generators on all common slots" an AND of |common| rows: cheap even for cells with
// hundreds of generators.  A slot on every generator (H's, when the table is Q's generators)
// counts towards the D - 2 but tells no generator from another: `useful` leaves it out of the AND.
struct IncTable {
    const Word* inc = nullptr;
    int nw = 1;
    std::size_t n = 0;
    std::vector<Word> on_slot;
    std::size_t gw = 0;
    std::vector<Word> useful;          // nw words: the slots that some generator is not on
    std::vector<std::uint32_t> count;  // per slot: how many generators are on it
    bool counted = false;              // count and useful are set
    std::size_t ns = 0;
    bool rows_made = false;            // on_slot is made

    const Word* row(std::size_t i) const { return inc + i * nw; }

    // `counts`: also count each slot's generators, for `useful` and for all_edges' choice of
    // slots (the (+, -) pairs of a small cell would spend more on the counts than they save); the
    // transpose itself is then made when all_edges needs it (not at all when every generator is
    // simple and the slots fit in a word)
    void transpose(const Word* inc_, std::size_t n_, int nw_, std::size_t ns_, bool counts) {
        inc = inc_;
        n = n_;
        nw = nw_;
        ns = ns_;
        gw = (n + 63) / 64;
        rows_made = false;
        counted = counts;
        if (!counts) {
            make_rows();
            useful.assign(nw, ~Word(0));
            return;
        }
        count.assign(ns, 0);
        for (std::size_t gi = 0; gi < n; ++gi)
            for (int w = 0; w < nw; ++w)
                for (Word m = row(gi)[w]; m; m &= m - 1) ++count[static_cast<std::size_t>(w) * 64 + std::countr_zero(m)];
        useful.assign(nw, 0);
        for (std::size_t k = 0; k < ns; ++k)
            if (count[k] != n) set_bit(useful, k);
    }
    void make_rows() {
        if (rows_made) return;
        rows_made = true;
        on_slot.assign(ns * gw, 0);
        for (std::size_t gi = 0; gi < n; ++gi)
            for (int w = 0; w < nw; ++w) {
                Word m = row(gi)[w];
                while (m) {
                    const std::size_t k = static_cast<std::size_t>(w) * 64 + std::countr_zero(m);
                    m &= m - 1;
                    on_slot[k * gw + (gi >> 6)] |= Word(1) << (gi & 63);
                }
            }
    }
};

// Scratch of the edge test: the common slots, the AND of their rows, and a few witnesses.  Most
// pairs that are not edges fail because of one of a few generators (those on many slots): the
// last such witnesses are tried first, at a cost of nw words each (in 8-D, where cells have
// hundreds of generators, this halves the time of a split).  Witnesses are indices into the
// table being tested: clear them when the table changes.
struct EdgeTest {
    std::vector<Word> common, acc;
    std::vector<std::size_t> witnesses;

    void reset(int nw) {
        common.assign(nw, 0);
        witnesses.clear();
    }

    // Do generators u and v of `t` span an edge?  (the combinatorial test above; D is the
    // homogeneous dimension).
    bool operator()(const IncTable& t, std::size_t u, std::size_t v, std::size_t D) {
        const int nw = t.nw;
        const Word* iu = t.row(u);
        const Word* iv = t.row(v);
        int count = 0;
        for (int w = 0; w < nw; ++w) {
            common[w] = iu[w] & iv[w];
            count += std::popcount(common[w]);
        }
        if (count + 2 < static_cast<int>(D)) return false;
        return confirm(t, u, v);
    }

    // The rest of the test, for a pair on at least D - 2 common slots (in `common`): is any other
    // generator on all of them?
    bool confirm(const IncTable& t, std::size_t u, std::size_t v) {
        const int nw = t.nw;
        for (std::size_t g : witnesses) {
            if (g == u || g == v) continue;
            const Word* ig = t.row(g);
            bool on_all = true;
            for (int w = 0; w < nw && on_all; ++w) on_all = (ig[w] & common[w]) == common[w];
            if (on_all) return false;
        }
        const std::size_t gw = t.gw, n = t.n;
        acc.assign(gw, ~Word(0));
        if (n % 64) acc[gw - 1] = (Word(1) << (n % 64)) - 1;
        for (int w = 0; w < nw; ++w) {
            Word m = common[w] & t.useful[w];
            while (m) {
                const std::size_t k = static_cast<std::size_t>(w) * 64 + std::countr_zero(m);
                m &= m - 1;
                const Word* r = &t.on_slot[k * gw];
                if (t.counted) {  // the all-pairs test: mostly edges, which need every row
                    for (std::size_t x = 0; x < gw; ++x) acc[x] &= r[x];
                    continue;
                }
                int left = 0;
                for (std::size_t x = 0; x < gw; ++x) left += std::popcount(acc[x] &= r[x]);
                if (left == 2) return true;  // only u and v are on every slot so far: an edge
            }
        }
        int left = 0;
        for (std::size_t x = 0; x < gw; ++x) left += std::popcount(acc[x]);
        if (left == 2) return true;  // no common slot at all (a segment, D = 2)
        // not an edge: remember a generator that shows it
        for (std::size_t x = 0; x < gw; ++x) {
            Word m = acc[x];
            while (m) {
                const std::size_t g = x * 64 + std::countr_zero(m);
                m &= m - 1;
                if (g == u || g == v) continue;
                if (witnesses.size() < 4) witnesses.push_back(g);
                else witnesses[(u + v) & 3] = g;
                return false;
            }
        }
        return false;
    }
};

}  // namespace polyrelu
