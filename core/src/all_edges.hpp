// Every edge of a cone from its generators' incidences (edges.hpp's test), found three ways:
// simple generators by their slots' rows (simple_partners) or, when the slots fit in a word, by
// the keys of their would-be edges (keyed_edges); the rest by the pair test.
#pragma once

#include "edges.hpp"
#include "id_sets.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace polyrelu {

// The keys of keyed_edges: a set of slots (one word), and the generators that made it.
struct KeyMakers {
    std::uint32_t a = 0, b = 0, count = 0;  // the first two, and how many
};
struct WordHash {
    // (a product's high bits depend on all of the key's, its low bits on the key's low bits only:
    // the index reads the low bits, so the high half is turned down)
    std::uint64_t operator()(Word w) const { return std::rotl(w * 0x9E3779B97F4A7C15ull, 32); }
};

// Where the edges of a cell are found: the pair test's scratch and that of the simple generators'.
struct EdgeScratch {
    EdgeTest test;
    std::vector<Word> cand;               // the pair test's candidates
    std::vector<Word> simple;             // which generators are simple
    std::vector<std::uint32_t> others;    // the generators that are not (rare: degenerate cells)
    // simple_partners: its answer, the slots of u, the running ANDs, per slot the generators left
    std::vector<std::size_t> partners, other;
    std::vector<int> slots, on;
    std::vector<Word> pre;
    StampedIndex<Word, KeyMakers, WordHash> keys;  // keyed_edges
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
inline void simple_partners(const IncTable& t, std::size_t u, EdgeScratch& sc) {
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

// The edges at simple generators when the slots fit in a word (sc.simple set).  Each simple u and
// useful slot s of u make a key K = S_u - {s}: by simple_partners' argument the partner that
// dropping s could give is the other generator on all of K, so [u, v] is an edge iff exactly u
// and v are on all of K.  A simple generator g on all of K has K = S_g - {s'} (|S_g| = |K| + 1,
// and s' is useful, since K holds every slot that is on every generator), so it made the key K
// too: the generators on K are the simple ones that made K and the others that are on all of K.
// So the keys made once or twice, with the non-simple generators on them, are the edges: a hash
// of |S_u| keys per generator, where simple_partners ANDs rows of the whole table.
inline void keyed_edges(const IncTable& t, EdgeScratch& sc, std::vector<Edge>& out) {
    const std::size_t n = t.n;
    const Word* inc = t.inc;
    const Word useful = t.useful[0];
    auto is_simple = [&](std::size_t g) { return (sc.simple[g >> 6] >> (g & 63)) & 1; };
    std::size_t made = 0;
    for (std::size_t u = 0; u < n; ++u)
        if (is_simple(u)) made += static_cast<std::size_t>(std::popcount(inc[u] & useful));
    sc.keys.clear(made);
    for (std::size_t u = 0; u < n; ++u) {
        if (!is_simple(u)) continue;
        for (Word m = inc[u] & useful; m; m &= m - 1) {
            auto [e, fresh] = sc.keys.find_or_add(inc[u] & ~(m & -m));
            if (fresh) e->a = static_cast<std::uint32_t>(u);
            else if (e->count == 1) e->b = static_cast<std::uint32_t>(u);
            ++e->count;
        }
    }
    sc.keys.for_each([&](Word key, const KeyMakers& e) {
        if (e.count > 2) return;
        std::uint32_t on = e.count, b = e.b;
        for (std::uint32_t g : sc.others)
            if ((inc[g] & key) == key && ++on <= 2) b = g;
        if (on == 2) out.push_back(Edge{std::min(e.a, b), std::max(e.a, b)});
    });
}

// Every edge of the cone whose generators and incidences `t` holds (D as above), each as (a, b)
// with a < b.  A simple generator's partners come from simple_partners; the pairs of generators
// that are not simple go through the pair test, where almost every pair fails the count, so that
// is a loop of its own.  When the slots fit in a word, u's partners are looked for only among the
// generators on one of a few of u's slots: a v on none of k of u's useful slots shares at most
// |S_u| - k of them, so k = |S_u| - need + 1 (the rarest, to see fewest) leaves out no partner
// that passes the count.
inline void all_edges(IncTable& t, std::size_t D, EdgeScratch& sc, std::vector<Edge>& out) {
    EdgeTest& test = sc.test;
    std::vector<Word>& cand = sc.cand;
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
    std::vector<Word>& simple = sc.simple;
    simple.assign(gw, 0);
    sc.others.clear();
    for (std::size_t u = 0; u < n; ++u) {
        int on = 0;
        for (int w = 0; w < t.nw; ++w) on += std::popcount(t.row(u)[w]);
        if (on == need + 1) simple[u >> 6] |= Word(1) << (u & 63);
        else sc.others.push_back(static_cast<std::uint32_t>(u));
    }
    auto is_simple = [&](std::size_t g) { return (simple[g >> 6] >> (g & 63)) & 1; };
    if (t.nw == 1) {
        keyed_edges(t, sc, out);
    } else {
        t.make_rows();
        for (std::size_t u = 0; u < n; ++u) {
            if (!is_simple(u)) continue;
            simple_partners(t, u, sc);
            for (std::size_t v : sc.partners)
                if (v > u || !is_simple(v)) push(u, v);  // a simple v finds u itself
        }
    }
    if (sc.others.size() < 2) return;
    // the pairs of generators that are not simple
    t.make_rows();
    if (t.nw != 1) {
        for (std::size_t i = 0; i < sc.others.size(); ++i)
            for (std::size_t j = i + 1; j < sc.others.size(); ++j)
                if (test(t, sc.others[i], sc.others[j], D)) push(sc.others[i], sc.others[j]);
        return;
    }
    const Word* inc = t.inc;
    const Word useful = t.useful[0];
    cand.resize(gw);
    int slots[64];
    for (std::size_t u : sc.others) {
        const Word iu = inc[u];
        if (u + 1 >= n || std::popcount(iu) < need) continue;  // (partners after u only)
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
