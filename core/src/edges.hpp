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

    const Word* row(std::size_t i) const { return inc + i * nw; }

    // `counts`: also count each slot's generators, for `useful` and for all_edges' choice of
    // slots (the (+, -) pairs of a small cell would spend more on the counts than they save)
    void transpose(const Word* inc_, std::size_t n_, int nw_, std::size_t ns, bool counts) {
        inc = inc_;
        n = n_;
        nw = nw_;
        gw = (n + 63) / 64;
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
        counted = counts;
        if (!counts) {
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
};

// Scratch of the edge test: the common slots, the AND of their rows, and a few witnesses.  Most
// pairs that are not edges fail because of one of a few generators (those on many slots): the
// last such witnesses are tried first, at a cost of nw words each (in 8-D, where cells have
// hundreds of generators, this halves the time of a split).  Witnesses are indices into the
// table being tested: clear them when the table changes.
struct EdgeTest {
    std::vector<Word> common, acc;
    std::vector<std::size_t> witnesses;
    std::vector<Word> simple;  // all_edges: the simple generators
    std::vector<std::size_t> partners;  // simple_partners' answer, and its scratch:
    std::vector<int> slots, on;
    std::vector<Word> pre;
    std::vector<std::size_t> other;

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

// The edge partners of a generator u on exactly D - 1 slots (the fewest an extreme ray of a
// D-dimensional cone can lie on: call it simple), into `partners`.  Why this finds them all and
// nothing else: a partner v shares at least D - 2 of u's slots and not all of them (v would then
// lie on a system of rank D - 1 with u, so be u), so exactly u's slots but one, s; s is one that
// some generator is not on (v is not); and [u, v] is an edge iff u and v are the only generators
// on all of u's slots but s.  So each useful slot s of u names at most one partner: the other
// generator of the AND of the rows of u's other useful slots, when that AND holds two.  Those
// ANDs, one per s, come from running ANDs from both ends, a word at a time: about 3 |S_u| word
// operations per word of a row, where the pair test looked at every generator on one of two of
// u's slots (a quarter of the cell).
inline void simple_partners(const IncTable& t, std::size_t u, EdgeTest& sc) {
    std::vector<std::size_t>& partners = sc.partners;
    std::vector<int>& slots = sc.slots;
    partners.clear();
    slots.clear();
    const std::size_t gw = t.gw, n = t.n;
    for (int w = 0; w < t.nw; ++w)
        for (Word x = t.row(u)[w] & t.useful[w]; x; x &= x - 1) slots.push_back(w * 64 + std::countr_zero(x));
    const int m = static_cast<int>(slots.size());
    if (m == 0) return;
    if (m == 1) {  // no other slot: the AND is every generator (a segment, D = 2)
        if (n == 2) partners.push_back(1 - u);
        return;
    }
    // one pass over the words: for each j, the AND of the rows of every slot but slots[j], from
    // the running ANDs from the left (pre) and from the right
    auto& pre = sc.pre;
    auto& on = sc.on;
    auto& other = sc.other;
    pre.resize(static_cast<std::size_t>(m));
    on.assign(static_cast<std::size_t>(m), 0);
    other.assign(static_cast<std::size_t>(m), 0);
    const Word* base = t.on_slot.data();
    for (std::size_t x = 0; x < gw; ++x) {
        const Word self = x == (u >> 6) ? Word(1) << (u & 63) : Word(0);
        Word left = ~Word(0);
        for (int j = 0; j < m; ++j) {
            pre[j] = left;
            left &= base[static_cast<std::size_t>(slots[j]) * gw + x];
        }
        Word right = ~Word(0);
        for (int j = m - 1; j >= 0; --j) {
            const Word both = (pre[j] & right) & ~self;
            right &= base[static_cast<std::size_t>(slots[j]) * gw + x];
            if (!both) continue;
            on[j] += std::popcount(both);
            other[j] = x * 64 + std::countr_zero(both);
        }
    }
    for (int j = 0; j < m; ++j)
        if (on[j] == 1) partners.push_back(other[j]);
}

// Every edge of the cone whose generators and incidences `t` holds (D as above), each as (a, b)
// with a < b.  A simple generator's partners come from simple_partners; the pairs of generators
// that are not simple go through the pair test, where almost every pair fails the count, so that
// is a loop of its own.  When the slots fit in a word, u's partners are looked for only among the
// generators on one of a few of u's slots: a v on none of k of u's useful slots shares at most
// |S_u| - k of them, so k = |S_u| - need + 1 (the rarest, to see fewest) leaves out no partner
// that passes the count.
inline void all_edges(const IncTable& t, std::size_t D, EdgeTest& test, std::vector<Edge>& out,
                      std::vector<Word>& cand) {
    test.reset(t.nw);
    const int need = static_cast<int>(D) - 2;
    const std::size_t n = t.n, gw = t.gw;
    auto push = [&](std::size_t u, std::size_t v) {
        if (u > v) std::swap(u, v);
        out.push_back(Edge{static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(v)});
    };
    if (!t.counted) {
        for (std::size_t u = 0; u + 1 < n; ++u)
            for (std::size_t v = u + 1; v < n; ++v)
                if (test(t, u, v, D)) push(u, v);
        return;
    }
    std::vector<Word>& simple = test.simple;
    simple.assign(gw, 0);
    for (std::size_t u = 0; u < n; ++u) {
        int on = 0;
        for (int w = 0; w < t.nw; ++w) on += std::popcount(t.row(u)[w]);
        if (on == need + 1) simple[u >> 6] |= Word(1) << (u & 63);
    }
    auto is_simple = [&](std::size_t g) { return (simple[g >> 6] >> (g & 63)) & 1; };
    for (std::size_t u = 0; u < n; ++u) {
        if (!is_simple(u)) continue;
        simple_partners(t, u, test);
        for (std::size_t v : test.partners)
            if (v > u || !is_simple(v)) push(u, v);  // a simple v finds u itself
    }
    // the pairs of generators that are not simple
    if (t.nw != 1) {
        for (std::size_t u = 0; u + 1 < n; ++u) {
            if (is_simple(u)) continue;
            for (std::size_t v = u + 1; v < n; ++v)
                if (!is_simple(v) && test(t, u, v, D)) push(u, v);
        }
        return;
    }
    const Word* inc = t.inc;
    const Word useful = t.useful[0];
    cand.resize(gw);
    int slots[64];
    for (std::size_t u = 0; u + 1 < n; ++u) {
        if (is_simple(u)) continue;
        const Word iu = inc[u];
        if (std::popcount(iu) < need) continue;
        const Word su = iu & useful;
        const int need_useful = need - std::popcount(iu & ~useful);  // the others are on every v
        const int k = std::popcount(su) - need_useful + 1;
        const std::size_t w0 = (u + 1) >> 6;
        if (need_useful <= 0 || k >= 4) {  // few or no slots to look among: every v after u
            for (std::size_t v = u + 1; v < n; ++v) {
                const Word c = iu & inc[v];
                if (is_simple(v) || std::popcount(c) < need) continue;
                test.common[0] = c;
                if (test.confirm(t, u, v)) push(u, v);
            }
            continue;
        }
        // the k rarest of u's useful slots (insertion sort by count: u is on a dozen or so)
        int ns = 0;
        for (Word m = su; m; m &= m - 1) {
            const int s = std::countr_zero(m);
            int j = ns++;
            while (j > 0 && t.count[slots[j - 1]] > t.count[s]) {
                slots[j] = slots[j - 1];
                --j;
            }
            slots[j] = s;
        }
        for (std::size_t x = w0; x < gw; ++x) cand[x] = 0;
        for (int j = 0; j < k; ++j) {
            const Word* row = &t.on_slot[static_cast<std::size_t>(slots[j]) * gw];
            for (std::size_t x = w0; x < gw; ++x) cand[x] |= row[x] & ~simple[x];
        }
        cand[w0] &= ~Word(0) << ((u + 1) & 63);  // only v > u
        for (std::size_t x = w0; x < gw; ++x)
            for (Word m = cand[x]; m; m &= m - 1) {
                const std::size_t v = x * 64 + std::countr_zero(m);
                const Word c = iu & inc[v];
                if (std::popcount(c) < need) continue;
                test.common[0] = c;
                if (test.confirm(t, u, v)) push(u, v);
            }
    }
}

}  // namespace polyrelu
