#include "structure.hpp"

#include "id_sets.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace polyrelu {
namespace {

// A set of a cell's generators, as NW words: fixed size, so a face is a value, not an allocation.
template <int NW>
struct Bits {
    std::array<Word, NW> w{};
    bool operator<(const Bits& o) const { return w < o.w; }
    bool operator==(const Bits& o) const { return w == o.w; }
    bool within(const Bits& o) const {
        for (int k = 0; k < NW; ++k)
            if ((w[k] & o.w[k]) != w[k]) return false;
        return true;
    }
    bool none() const {
        for (Word x : w)
            if (x) return false;
        return true;
    }
    Bits operator&(const Bits& o) const {
        Bits r;
        for (int k = 0; k < NW; ++k) r.w[k] = w[k] & o.w[k];
        return r;
    }
    bool test(std::size_t i) const { return (w[i >> 6] >> (i & 63)) & 1; }
    void set(std::size_t i) { w[i >> 6] |= Word(1) << (i & 63); }
};

// The faces of one region met so far, by generator bitset: open addressing, cleared per region
// by a generation stamp (a region has a few hundred faces; a tree map allocated a node each).
template <int NW>
class FaceTable {
public:
    void start(std::size_t expected) {
        std::size_t want = 64;
        while (want < 4 * expected) want <<= 1;
        if (want > keys_.size()) {
            keys_.assign(want, Bits<NW>{});
            ids_.assign(want, 0);
            stamp_.assign(want, 0);
        }
        if (++gen_ == 0) {  // the stamp wrapped: forget everything once
            std::fill(stamp_.begin(), stamp_.end(), 0);
            gen_ = 1;
        }
        used_ = 0;
    }
    // The slot of z: found (true) with its id, or free (false) for insert().
    std::int64_t* find(const Bits<NW>& z, bool& found) {
        if (4 * (used_ + 1) > 3 * keys_.size()) grow();
        const std::size_t mask = keys_.size() - 1;
        std::size_t h = 0;
        for (Word w : z.w) h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        for (std::size_t i = (h ^ (h >> 29)) & mask;; i = (i + 1) & mask) {
            if (stamp_[i] != gen_) {
                found = false;
                stamp_[i] = gen_;
                keys_[i] = z;
                ++used_;
                return &ids_[i];
            }
            if (keys_[i] == z) {
                found = true;
                return &ids_[i];
            }
        }
    }

private:
    std::vector<Bits<NW>> keys_;
    std::vector<std::int64_t> ids_;
    std::vector<std::uint32_t> stamp_;
    std::uint32_t gen_ = 0;
    std::size_t used_ = 0;

    void grow() {
        std::vector<Bits<NW>> keys;
        std::vector<std::int64_t> ids;
        for (std::size_t i = 0; i < keys_.size(); ++i)
            if (stamp_[i] == gen_) keys.push_back(keys_[i]), ids.push_back(ids_[i]);
        keys_.assign(keys_.size() * 2, Bits<NW>{});
        ids_.assign(keys_.size(), 0);
        stamp_.assign(keys_.size(), 0);
        gen_ = 1;
        used_ = 0;
        for (std::size_t k = 0; k < keys.size(); ++k) {
            bool found;
            *find(keys[k], found) = ids[k];
        }
    }
};

struct Builder {
    Faces out;
    IdSetIndex index;
    std::vector<int> ids;
    bool whole = true;                 // false: count the faces only (no dims, regions, edges)
    std::vector<std::int64_t> counts;  // per dimension

    bool fresh = false;  // whether the last node() made a new face

    std::int64_t node(const std::vector<int>& sorted_ids, std::int64_t dim) {
        fresh = false;
        const std::uint64_t h = hash_ids(sorted_ids);
        const std::size_t slot = index.find(h, [&](std::int64_t id) {
            const auto a = out.gen_ids.begin() + out.gen_ptr[id], b = out.gen_ids.begin() + out.gen_ptr[id + 1];
            return static_cast<std::size_t>(b - a) == sorted_ids.size() && std::equal(a, b, sorted_ids.begin());
        });
        if (index.at(slot) >= 0) return index.at(slot);
        const std::int64_t id = static_cast<std::int64_t>(out.gen_ptr.size()) - 1;
        fresh = true;
        index.put(slot, h, id);
        out.gen_ids.insert(out.gen_ids.end(), sorted_ids.begin(), sorted_ids.end());
        out.gen_ptr.push_back(static_cast<std::int64_t>(out.gen_ids.size()));
        ++counts[static_cast<std::size_t>(dim)];
        if (whole) {
            out.dim.push_back(dim);
            out.region.push_back(-1);
        }
        return id;
    }
    void edge(std::int64_t child, std::int64_t parent) {
        if (!whole) return;
        out.edges.push_back(child);
        out.edges.push_back(parent);
    }
};

// The faces of one region, top down: the facets of a face are the maximal proper intersections
// of it with the region's facets.  A face whose generators are all rays lies at infinity and is
// no cell of the complex.
template <int NW>
void cell_faces(const Refinement& r, std::size_t ci, Builder& b, FaceTable<NW>& seen) {
    using B = Bits<NW>;
    const Cell& c = r.cells[ci];
    const std::size_t n = c.gens.size();
    B rays, top;
    for (std::size_t g = 0; g < n; ++g) {
        top.set(g);
        if (r.gens.is_ray(c.gens[g])) rays.set(g);
    }
    std::vector<B> facets;
    for (std::size_t k = 0; k < c.nslots(); ++k) {
        if (!test_bit(c.alive.data(), k)) continue;
        B z;
        for (std::size_t g = 0; g < n; ++g)
            if (test_bit(c.inc_of(g), k)) z.set(g);
        facets.push_back(z);
    }
    seen.start(4 * n + 4 * facets.size());  // faces of this region met so far: each global key is made once
    // the node of face z, and whether this call made it (a face another region made has had its
    // facets found already: they are the face's own, whichever region looks at it)
    auto node_of = [&](const B& z, std::int64_t dim, bool& made) -> std::int64_t {
        made = false;
        if (z.within(rays)) return -1;
        bool found;
        std::int64_t* slot = seen.find(z, found);
        if (found) return *slot;
        b.ids.clear();
        for (std::size_t g = 0; g < n; ++g)
            if (z.test(g)) b.ids.push_back(c.gens[g]);
        std::sort(b.ids.begin(), b.ids.end());
        const std::int64_t id = b.node(b.ids, dim);
        made = b.fresh;
        *slot = id;  // b.node does not touch the table, so the slot is still valid
        return id;
    };
    std::int64_t dim = static_cast<std::int64_t>(r.net.dim);
    bool made;
    const std::int64_t region = node_of(top, dim, made);
    if (region >= 0 && b.whole) b.out.region[region] = static_cast<std::int64_t>(ci);
    // level: faces this region made, whose facets (and their edges) are found here, once for the
    // whole complex; each edge is therefore made exactly once
    std::vector<B> level, next, cands;
    if (region >= 0) level.push_back(top);
    while (!level.empty() && dim > 0) {
        next.clear();
        for (const B& z : level) {
            const std::int64_t parent = node_of(z, dim, made);
            cands.clear();
            for (const B& f : facets) {
                const B x = z & f;
                if (!x.none() && !(x == z)) cands.push_back(x);
            }
            std::sort(cands.begin(), cands.end());
            cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
            for (std::size_t i = 0; i < cands.size(); ++i) {
                bool maximal = true;
                for (std::size_t j = 0; j < cands.size() && maximal; ++j)
                    maximal = i == j || !cands[i].within(cands[j]);
                if (!maximal) continue;
                const std::int64_t child = node_of(cands[i], dim - 1, made);
                if (child < 0) continue;
                b.edge(child, parent);
                if (made) next.push_back(cands[i]);
            }
        }
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        level.swap(next);
        --dim;
    }
}

}  // namespace

namespace {

Builder all_faces(const Refinement& r, bool whole) {
    Builder b;
    b.whole = whole;
    b.counts.assign(r.net.dim + 1, 0);
    b.out.gen_ptr.push_back(0);
    FaceTable<1> t1;
    FaceTable<2> t2;
    FaceTable<4> t4;
    FaceTable<8> t8;
    FaceTable<16> t16;
    FaceTable<64> t64;
    for (std::size_t ci = 0; ci < r.cells.size(); ++ci) {
        const std::size_t n = r.cells[ci].gens.size();
        if (n <= 64) cell_faces<1>(r, ci, b, t1);
        else if (n <= 128) cell_faces<2>(r, ci, b, t2);
        else if (n <= 256) cell_faces<4>(r, ci, b, t4);
        else if (n <= 512) cell_faces<8>(r, ci, b, t8);
        else if (n <= 1024) cell_faces<16>(r, ci, b, t16);
        else if (n <= 4096) cell_faces<64>(r, ci, b, t64);
        else throw std::length_error("a region with more than 4096 generators: the face poset is not supported");
    }
    return b;
}

}  // namespace

Faces face_poset(const Refinement& r) { return std::move(all_faces(r, true).out); }

std::vector<std::int64_t> face_counts(const Refinement& r) { return all_faces(r, false).counts; }

}  // namespace polyrelu
