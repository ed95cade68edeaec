#include "refine_cell.hpp"

#include <algorithm>
#include <bit>

namespace polyrelu {
namespace {

struct Access {
    const GenStore& global;
    const GenStore& local;
    const Int* val(int id) const { return is_local(id) ? local.val(local_index(id)) : global.val(id); }
    const Int* coord(int id) const { return is_local(id) ? local.coord(local_index(id)) : global.coord(id); }
};

struct Signs {
    std::vector<std::size_t> pos, neg, zer;
};

void signs_of(const Cell& c, const Access& a, std::size_t unit, Signs& s) {
    s.pos.clear();
    s.neg.clear();
    s.zer.clear();
    for (std::size_t k = 0; k < c.gens.size(); ++k) {
        const int v = sgn(a.val(c.gens[k])[unit]);
        (v > 0 ? s.pos : v < 0 ? s.neg : s.zer).push_back(k);
    }
}

// A neuron that takes one sign on the cell and vanishes on all generators of a facet bends
// exactly there: the facet gets the neuron's label (coincident units, units on the domain's
// boundary, later units bending on an earlier facet).
void label_zero_facets(Cell& c, const Signs& s, std::size_t D, Label label, LabelSets& labels) {
    if (s.zer.size() + 1 < D) return;
    std::vector<Word> zero_mask(c.nw, 0);  // over slots: slots that hold a generator with value != 0
    for (std::size_t k : s.pos)
        for (int w = 0; w < c.nw; ++w) zero_mask[w] |= c.inc_of(k)[w];
    for (std::size_t k : s.neg)
        for (int w = 0; w < c.nw; ++w) zero_mask[w] |= c.inc_of(k)[w];
    for (std::size_t k = 0; k < c.nslots(); ++k) {
        if (!test_bit(c.alive.data(), k) || test_bit(zero_mask.data(), k)) continue;
        c.slot_labels[k] = labels.with(c.slot_labels[k], label);
    }
}

// Generators u (+) and v (-) span an edge iff they lie on at least D - 2 common slots and no other
// generator lies on all of them (the combinatorial test; exact, since slots are valid inequalities
// and the generators are the cell's extreme rays).  `on_slot` is the transpose of the incidences
// (for each slot, the bitset of its generators, gw words), so the generators on all common slots
// are an AND of |common| rows: cheap even for cells with hundreds of generators.
bool is_edge(const Cell& c, std::size_t u, std::size_t v, std::size_t D, const std::vector<Word>& on_slot,
             std::size_t gw, Word* common, std::vector<Word>& acc) {
    const int nw = c.nw;
    int count = 0;
    for (int w = 0; w < nw; ++w) {
        common[w] = c.inc_of(u)[w] & c.inc_of(v)[w];
        count += std::popcount(common[w]);
    }
    if (count + 2 < static_cast<int>(D)) return false;
    const std::size_t n = c.gens.size();
    acc.assign(gw, ~Word(0));
    if (n % 64) acc[gw - 1] = (Word(1) << (n % 64)) - 1;
    for (int w = 0; w < nw; ++w) {
        Word m = common[w];
        while (m) {
            const std::size_t k = static_cast<std::size_t>(w) * 64 + std::countr_zero(m);
            m &= m - 1;
            int left = 0;
            for (std::size_t x = 0; x < gw; ++x) left += std::popcount(acc[x] &= on_slot[k * gw + x]);
            if (left == 2) return true;  // only u and v are on every slot so far: an edge
        }
    }
    int left = 0;
    for (std::size_t x = 0; x < gw; ++x) left += std::popcount(acc[x]);
    return left == 2;
}

// Scratch space reused by every split of a cell: the hot loop allocates only for new generators.
struct Scratch {
    Signs signs;
    std::vector<int> new_gens;
    std::vector<Word> new_inc, common, touched, on_slot, acc;
    IntVec pt, vals;
    Int g, zv;
};

void split(Cell& p, const Signs& s, std::size_t unit, const LayerContext& ctx,
           const Access& acc, GenStore& local, Scratch& sc, Cell& plus, Cell& minus) {
    reserve_slot(p);
    const std::size_t nb = p.nslots();
    const std::size_t D = ctx.D, nz = ctx.width;
    const int nw = p.nw;
    std::vector<int>& new_gens = sc.new_gens;
    std::vector<Word>& new_inc = sc.new_inc;
    std::vector<Word>& common = sc.common;
    IntVec& pt = sc.pt;
    Int& g = sc.g;
    new_gens.clear();
    new_inc.clear();
    common.assign(nw, 0);
    pt.resize(D);
    // the transpose of the incidences: the generators on each slot
    const std::size_t ng = p.gens.size(), gw = (ng + 63) / 64, ns = p.nslots();
    sc.on_slot.assign(ns * gw, 0);
    for (std::size_t gi = 0; gi < ng; ++gi)
        for (int w = 0; w < nw; ++w) {
            Word m = p.inc_of(gi)[w];
            while (m) {
                const std::size_t k = static_cast<std::size_t>(w) * 64 + std::countr_zero(m);
                m &= m - 1;
                sc.on_slot[k * gw + (gi >> 6)] |= Word(1) << (gi & 63);
            }
        }
    for (std::size_t u : s.pos) {
        for (std::size_t v : s.neg) {
            if (!is_edge(p, u, v, D, sc.on_slot, gw, common.data(), sc.acc)) continue;
            const int gu = p.gens[u], gv = p.gens[v];
            const mpz_srcptr zu = acc.val(gu)[unit].get_mpz_t();
            mpz_neg(sc.zv.get_mpz_t(), acc.val(gv)[unit].get_mpz_t());
            const mpz_srcptr zv = sc.zv.get_mpz_t();
            const Int* cu = acc.coord(gu);
            const Int* cv = acc.coord(gv);
            // zu * gv + zv * gu: the positive combination of the edge's ends on the hyperplane
            for (std::size_t k = 0; k < D; ++k) {
                mpz_mul(pt[k].get_mpz_t(), zu, cv[k].get_mpz_t());
                mpz_addmul(pt[k].get_mpz_t(), zv, cu[k].get_mpz_t());
            }
            g = 0;
            for (std::size_t k = 0; k < D; ++k) mpz_gcd(g.get_mpz_t(), g.get_mpz_t(), pt[k].get_mpz_t());
            if (g != 1)
                for (std::size_t k = 0; k < D; ++k) mpz_divexact(pt[k].get_mpz_t(), pt[k].get_mpz_t(), g.get_mpz_t());
            // the layer's values at a new point follow by linearity (the rows are affine on the
            // cell); a point met before (the other piece along a shared edge) has them already.
            // They are computed before the point is added: zu, vu, vv may live in the local table.
            std::string key = exact_key(pt);
            int id = local.find(key);
            if (id < 0) {
                const Int* vu = acc.val(gu);
                const Int* vv = acc.val(gv);
                IntVec& vals = sc.vals;
                vals.resize(nz);
                for (std::size_t k = 0; k < nz; ++k) {
                    mpz_mul(vals[k].get_mpz_t(), zu, vv[k].get_mpz_t());
                    mpz_addmul(vals[k].get_mpz_t(), zv, vu[k].get_mpz_t());
                    if (g != 1) mpz_divexact(vals[k].get_mpz_t(), vals[k].get_mpz_t(), g.get_mpz_t());
                }
                id = local.insert_new(std::move(key), pt, vals);
                pt.assign(D, Int());
            }
            new_gens.push_back(local_id(id));
            common[nb >> 6] |= Word(1) << (nb & 63);
            new_inc.insert(new_inc.end(), common.begin(), common.end());
        }
    }
    for (int side = 0; side < 2; ++side) {
        Cell& out = side == 0 ? plus : minus;
        const std::vector<std::size_t>& keep = side == 0 ? s.pos : s.neg;
        out.nw = nw;
        out.gens.clear();
        out.inc.clear();
        std::vector<Word>& touched = sc.touched;
        touched.assign(nw, 0);
        for (std::size_t k : keep) {
            out.gens.push_back(p.gens[k]);
            out.inc.insert(out.inc.end(), p.inc_of(k), p.inc_of(k) + nw);
            for (int w = 0; w < nw; ++w) touched[w] |= p.inc_of(k)[w];
        }
        for (std::size_t k : s.zer) {
            out.gens.push_back(p.gens[k]);
            out.inc.insert(out.inc.end(), p.inc_of(k), p.inc_of(k) + nw);
            set_bit(&out.inc[out.inc.size() - nw], nb);
        }
        out.gens.insert(out.gens.end(), new_gens.begin(), new_gens.end());
        out.inc.insert(out.inc.end(), new_inc.begin(), new_inc.end());
        out.slot_labels = p.slot_labels;
        out.slot_labels.push_back((*ctx.neuron_sets)[unit]);
        // a facet survives on this side iff it holds a generator strictly on this side
        out.alive.assign(nw, 0);
        for (int w = 0; w < nw; ++w) out.alive[w] = p.alive[w] & touched[w];
        set_bit(out.alive, nb);
        out.active = p.active;
        out.zero = p.zero;
        if (side == 0) set_bit(out.active, ctx.bit_offset + unit);
    }
}

}  // namespace

bool refine_cell(Cell&& cell, const LayerContext& ctx, CellOutput& out) {
    out.local.D = ctx.D;
    out.local.nz = ctx.width;
    out.children.clear();
    const Access acc{*ctx.global, out.local};
    Cell c = std::move(cell);
    compact_slots(c);
    Scratch sc;
    Signs& s = sc.signs;
    std::vector<std::size_t> to_split;
    for (std::size_t i = 0; i < ctx.width; ++i) {
        signs_of(c, acc, i, s);
        if (!s.pos.empty() && !s.neg.empty()) {
            to_split.push_back(i);
            continue;
        }
        if (!s.pos.empty()) set_bit(c.active, ctx.bit_offset + i);
        if (s.pos.empty() && s.neg.empty()) {
            set_bit(c.zero, ctx.bit_offset + i);  // identically zero on the cell
        } else {
            label_zero_facets(c, s, ctx.D, neuron_label(ctx.layer, static_cast<int>(i)), *ctx.labels);
        }
    }
    if (ctx.reverse) std::reverse(to_split.begin(), to_split.end());
    std::vector<Cell> pieces;
    pieces.push_back(std::move(c));
    std::vector<Cell> next;
    for (std::size_t i : to_split) {
        next.clear();
        next.reserve(pieces.size() * 2);
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            Cell& p = pieces[k];
            bool stop = ctx.stop->load(std::memory_order_relaxed);
            if (!stop && ctx.timed && std::chrono::steady_clock::now() >= ctx.deadline) ctx.stop->store(stop = true);
            if (stop) {  // the pieces so far are cells too: they still cover the cell
                for (std::size_t j = k; j < pieces.size(); ++j) next.push_back(std::move(pieces[j]));
                out.children = std::move(next);
                return false;
            }
            signs_of(p, acc, i, s);
            if (!s.pos.empty() && !s.neg.empty()) {
                // one more region than before: charge it against max_regions as it is made
                if (ctx.budget->fetch_sub(1, std::memory_order_relaxed) <= 0) {
                    ctx.stop->store(true);
                    for (std::size_t j = k; j < pieces.size(); ++j) next.push_back(std::move(pieces[j]));
                    out.children = std::move(next);
                    return false;
                }
                Cell plus, minus;
                split(p, s, i, ctx, acc, out.local, sc, plus, minus);
                next.push_back(std::move(plus));
                next.push_back(std::move(minus));
                continue;
            }
            if (!s.pos.empty()) set_bit(p.active, ctx.bit_offset + i);
            if (s.pos.empty() && s.neg.empty()) {
                set_bit(p.zero, ctx.bit_offset + i);
            } else {
                label_zero_facets(p, s, ctx.D, neuron_label(ctx.layer, static_cast<int>(i)), *ctx.labels);
            }
            next.push_back(std::move(p));
        }
        pieces.swap(next);
    }
    out.children = std::move(pieces);
    return true;
}

}  // namespace polyrelu
