#include "refine_cell.hpp"

#include "approx.hpp"
#include "id_sets.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

namespace polyrelu {
namespace {

// The generators a cell's refinement reads: the layer's global table and the cell's own.  A sign
// is the filter's when its bound proves it, else the exact integer's (made on demand from the
// generator's origin and remembered).
class Gens {
public:
    Gens(const LayerContext& ctx, CellOutput& out) : ctx_(ctx), out_(out), layer0_(ctx.layer - 1) {}

    const ApproxTable& table(int id) const { return is_local(id) ? out_.local : *ctx_.global; }
    int row(int id) const { return is_local(id) ? local_index(id) : id; }

    int sign(int id, std::size_t unit) {
        const ApproxTable& t = table(id);
        const int k = row(id);
        const int s = certified_sign(t.zs(k)[unit], t.ezs(k)[unit]);
        if (s != 2) return s;
        ++out_.exact_signs;
        return sgn(value(id, unit));
    }

    // Replaces local generator k's approximation by the rounding of its exact point, and its
    // values by a float step from there (first layer only: its rows are the network's own, so
    // the exact point is cheap, and chains of crossings, which compound float error, are
    // longest there).
    void anchor(int k) {
        const IntVec& X = point(k).X;
        ApproxTable& t = out_.local;
        ctx_.float_net->to_float(X, t.xs(k));
        t.ex[k] = 2 * kU + kTiny;
        const std::size_t D = t.D;
        std::vector<double> ein(D - 1, t.ex[k]);
        float_layer(ctx_.float_net->layers[0], all_columns(ctx_.float_net->layers[0]), t.xs(k), ein.data(), t.xs(k)[D - 1], t.ex[k], t.zs(k), t.ezs(k));
    }

private:
    const LayerContext& ctx_;
    CellOutput& out_;
    const std::size_t layer0_;
    LimbDot dot_;

    Int value(int id, std::size_t unit) {
        if (!is_local(id)) return ctx_.history->value(*ctx_.net, ctx_.global->hid[id], layer0_, unit);
        const ExactPoint& p = point(local_index(id));
        if (layer0_ > 0) return p.Z[unit];
        // the first layer's row at X: D products, not a whole layer
        const Layer& L = ctx_.net->layers[0];
        Int z = L.b[unit] * p.X[L.cols];
        for (std::size_t j = 0; j < L.cols; ++j) mpz_addmul(z.get_mpz_t(), L.W[unit * L.cols + j].get_mpz_t(), p.X[j].get_mpz_t());
        return z;
    }
    const IntVec& coords(int id) {
        if (!is_local(id)) return ctx_.history->coords(*ctx_.net, ctx_.global->hid[id]);
        return point(local_index(id)).X;
    }
    // The exact point of local generator k (its parents come first), with this layer's values
    // beyond the first layer (where value() takes one row at a time).
    const ExactPoint& point(int k) {
        if (!out_.exact[k]) {
            const Origin o = out_.local.origin[k];
            const int a = static_cast<int>(o.a), b = static_cast<int>(o.b);
            const Int za = value(a, static_cast<std::size_t>(o.unit)), zb = value(b, static_cast<std::size_t>(o.unit));
            auto p = std::make_unique<ExactPoint>();
            p->X = crossing_point(coords(a), za, coords(b), zb);
            if (layer0_ > 0) {
                exact_values(*ctx_.net, p->X, layer0_, p->Z, dot_);
                p->layer = static_cast<int>(layer0_);
            }
            out_.exact[k] = std::move(p);
        }
        return *out_.exact[k];
    }
};

struct Signs {
    std::vector<std::size_t> pos, neg, zer;
};

void signs_of(const Cell& c, Gens& gens, std::size_t unit, Signs& s) {
    s.pos.clear();
    s.neg.clear();
    s.zer.clear();
    for (std::size_t k = 0; k < c.gens.size(); ++k) {
        const int v = gens.sign(c.gens[k], unit);
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
// are an AND of |common| rows: cheap even for cells with hundreds of generators.  Most pairs that
// are not edges fail because of one of a few generators (those on many slots): the last such
// witnesses are tried first, at a cost of nw words each (in 8-D, where cells have hundreds of
// generators, this halves the time of a split).
bool is_edge(const Cell& c, std::size_t u, std::size_t v, std::size_t D, const std::vector<Word>& on_slot,
             std::size_t gw, Word* common, std::vector<Word>& acc, std::vector<std::size_t>& witnesses) {
    const int nw = c.nw;
    int count = 0;
    for (int w = 0; w < nw; ++w) {
        common[w] = c.inc_of(u)[w] & c.inc_of(v)[w];
        count += std::popcount(common[w]);
    }
    if (count + 2 < static_cast<int>(D)) return false;
    for (std::size_t g : witnesses) {
        if (g == u || g == v) continue;
        bool on_all = true;
        for (int w = 0; w < nw && on_all; ++w) on_all = (c.inc_of(g)[w] & common[w]) == common[w];
        if (on_all) return false;
    }
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

// A crossing is known by its edge and neuron: within one cell the same edge (shared by two
// pieces) gives the same point, and no other edge can give it (the pieces form a complex and
// the point lies inside the edge).
struct EdgeKey {
    int a, b, unit;
    bool operator==(const EdgeKey&) const = default;
};
struct EdgeKeyHash {
    std::size_t operator()(const EdgeKey& k) const {
        return hash3(static_cast<std::uint32_t>(k.a), static_cast<std::uint32_t>(k.b), static_cast<std::uint32_t>(k.unit));
    }
};
using EdgeIndex = std::unordered_map<EdgeKey, int, EdgeKeyHash>;

// Scratch space reused by every split of a cell.
struct Scratch {
    Signs signs;
    std::vector<int> new_gens;
    std::vector<Word> new_inc, common, touched, on_slot, acc;
    std::vector<std::size_t> witnesses;  // of the split in progress (indices into its cell)
    EdgeIndex made;
};

// The float approximation of the crossing of `unit` with the edge from u (value > 0) to v
// (value < 0): alpha v + beta u with alpha = z_u, beta = -z_v, which approximates the exact
// crossing |Z_v| X_u + |Z_u| X_v at the scale s_u s_v c (the invariant of approx.hpp).  The bound
// adds the parents' errors carried through the products and the two roundings of each entry.
void approx_crossing(const ApproxTable& tu, int ku, const ApproxTable& tv, int kv, std::size_t unit,
                     ApproxTable& out, int r) {
    const std::size_t D = out.D, nz = out.nz;
    const double* xu = tu.xs(ku);
    const double* xv = tv.xs(kv);
    const double* zu = tu.zs(ku);
    const double* zv = tv.zs(kv);
    const float* eu = tu.ezs(ku);
    const float* ev = tv.ezs(kv);
    const double alpha = zu[unit], beta = -zv[unit];
    const double a = std::fabs(alpha), b = std::fabs(beta), ea = eu[unit], eb = ev[unit];
    const double inflate = 1 + 16 * kU;
    double* xr = out.xs(r);
    double* zr = out.zs(r);
    float* er = out.ezs(r);
    for (std::size_t k = 0; k < D; ++k) xr[k] = alpha * xv[k] + beta * xu[k];
    for (std::size_t k = 0; k < nz; ++k) {
        zr[k] = alpha * zv[k] + beta * zu[k];
        const double mu = std::fabs(zu[k]), mv = std::fabs(zv[k]);
        er[k] = bound_up((ea * mv + eb * mu + (a + ea) * double(ev[k]) + (b + eb) * double(eu[k]) +
                          2 * kU * (a * mv + b * mu)) * inflate + kTiny);
    }
    zr[unit] = 0;  // exactly: the crossing is on the neuron's hyperplane
    er[unit] = 0;
    const double Xu = max_abs(xu, D), Xv = max_abs(xv, D), exu = tu.ex[ku], exv = tv.ex[kv];
    double ex = (ea * Xv + eb * Xu + (a + ea) * exv + (b + eb) * exu + 2 * kU * (a * Xv + b * Xu)) * inflate + kTiny;
    normalize(xr, D, zr, er, nz, ex);
    out.ex[r] = ex;
}

void split(Cell& p, const Signs& s, std::size_t unit, const LayerContext& ctx, CellOutput& co, Gens& gens,
           Scratch& sc, Cell& plus, Cell& minus) {
    reserve_slot(p);
    const std::size_t nb = p.nslots();
    const std::size_t D = ctx.D;
    const int nw = p.nw;
    std::vector<int>& new_gens = sc.new_gens;
    std::vector<Word>& new_inc = sc.new_inc;
    std::vector<Word>& common = sc.common;
    new_gens.clear();
    new_inc.clear();
    common.assign(nw, 0);
    // the transpose of the incidences: the generators on each slot
    const std::size_t ng = p.gens.size(), gw = (ng + 63) / 64, ns = p.nslots();
    sc.on_slot.assign(ns * gw, 0);
    sc.witnesses.clear();
    for (std::size_t gi = 0; gi < ng; ++gi)
        for (int w = 0; w < nw; ++w) {
            Word m = p.inc_of(gi)[w];
            while (m) {
                const std::size_t k = static_cast<std::size_t>(w) * 64 + std::countr_zero(m);
                m &= m - 1;
                sc.on_slot[k * gw + (gi >> 6)] |= Word(1) << (gi & 63);
            }
        }
    ApproxTable& local = co.local;
    for (std::size_t u : s.pos) {
        for (std::size_t v : s.neg) {
            if (!is_edge(p, u, v, D, sc.on_slot, gw, common.data(), sc.acc, sc.witnesses)) continue;
            const int gu = p.gens[u], gv = p.gens[v];
            const EdgeKey key{std::min(gu, gv), std::max(gu, gv), static_cast<int>(unit)};
            auto [it, fresh] = sc.made.try_emplace(key, 0);
            if (fresh) {
                const int r = local.append();  // before reading the parents: append may move the table
                approx_crossing(gens.table(gu), gens.row(gu), gens.table(gv), gens.row(gv), unit, local, r);
                local.ray[r] = gens.table(gu).ray[gens.row(gu)] && gens.table(gv).ray[gens.row(gv)];
                local.origin[r] = Origin{gu, gv, ctx.layer - 1, static_cast<std::int32_t>(unit)};
                co.exact.emplace_back();
                if (ctx.layer == 1) gens.anchor(r);
                it->second = local_id(r);
            }
            new_gens.push_back(it->second);
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
        // the (-) side is made last: it takes the parent's labels and patterns instead of copies
        if (side == 0) out.slot_labels = p.slot_labels;
        else out.slot_labels = std::move(p.slot_labels);
        out.slot_labels.push_back((*ctx.neuron_sets)[unit]);
        // a facet survives on this side iff it holds a generator strictly on this side
        out.alive.assign(nw, 0);
        for (int w = 0; w < nw; ++w) out.alive[w] = p.alive[w] & touched[w];
        set_bit(out.alive, nb);
        if (side == 0) {
            out.active = p.active;
            out.zero = p.zero;
            set_bit(out.active, ctx.bit_offset + unit);
        } else {
            out.active = std::move(p.active);
            out.zero = std::move(p.zero);
        }
    }
}

}  // namespace

bool refine_cell(Cell&& cell, const LayerContext& ctx, CellOutput& out) {
    out.local.D = ctx.D;
    out.local.nz = ctx.width;
    out.children.clear();
    Gens acc(ctx, out);
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
                split(p, s, i, ctx, out, acc, sc, plus, minus);
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
