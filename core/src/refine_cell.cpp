#include "refine_cell.hpp"

#include "approx.hpp"
#include "all_edges.hpp"
#include "id_sets.hpp"
#include "owned_faces.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>
#include <utility>

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

    // The order of a region's vertices (owned_faces.hpp): by c(y) = sum_k c_k y_k on the float
    // frame's coordinates y, ties broken by the coordinates in order.  Any c gives the right
    // count; a c with no simple relation between its entries leaves few ties for the exact
    // arithmetic.
    //
    // A generator's place in that order, in floats: A = c(x) and T with their bounds (a vertex
    // of a region is in about d of its edges: computed once per region, not per edge).
    struct OrderKey {
        double A, eA, T, eT;
    };
    OrderKey order_key(int id) const {
        const ApproxTable& t = table(id);
        const double* x = t.xs(row(id));
        const double ex = t.ex[row(id)];
        const std::size_t d = t.D - 1;
        double A = 0, m = 0, csum = 0;
        for (std::size_t k = 0; k < d; ++k) {
            const double c = order_coefficient(k);
            A += c * x[k];
            m += std::fabs(c * x[k]);
            csum += c;
        }
        return OrderKey{A, csum * ex + static_cast<double>(d + 4) * kU * m, x[d], ex};
    }
    // Whether generator b lies above generator a: the sign of A_b T_a - A_a T_b when its bound
    // proves it, else exactly: with the frame y = (X / T - centre) / 2^e (the centre cancels in a
    // difference), b is above a iff  sum_k c_k 2^(E - e_k) (X_b,k T_a - X_a,k T_b) > 0  (E = max e_k).
    bool above(int a, const OrderKey& ka, int b, const OrderKey& kb) {
        const std::size_t d = table(a).D - 1;
        const double Aa = ka.A, Ab = kb.A, ea = ka.eA, eb = kb.eA, Ta = ka.T, Tb = kb.T, exa = ka.eT, exb = kb.eT;
        const double P = Ab * Ta - Aa * Tb;
        const double err = (std::fabs(Ab) * exa + eb * (std::fabs(Ta) + exa) + std::fabs(Aa) * exb +
                            ea * (std::fabs(Tb) + exb) + 4 * kU * (std::fabs(Ab * Ta) + std::fabs(Aa * Tb))) *
                               (1 + 16 * kU) +
                           kTiny;
        // (one test for both signs: which way an edge goes is a coin toss, a branch on it was
        // mispredicted half the time)
        if (std::fabs(P) > err) return P > 0;
        const IntVec& Xa = coords(a);
        const IntVec& Xb = coords(b);
        const std::vector<long>& e = ctx_.float_net->frame.e;
        auto e_of = [&](std::size_t k) { return k < e.size() ? e[k] : 0L; };
        long E = 0;
        for (std::size_t k = 0; k < d; ++k) E = std::max(E, e_of(k));
        Int sum = 0, t;
        for (std::size_t k = 0; k < d; ++k) {
            t = Xb[k] * Xa[d] - Xa[k] * Xb[d];
            mpz_mul_2exp(t.get_mpz_t(), t.get_mpz_t(), static_cast<mp_bitcnt_t>(E - e_of(k)));
            sum += t * static_cast<long>(order_coefficient(k));
        }
        if (sgn(sum) != 0) return sgn(sum) > 0;
        for (std::size_t k = 0; k < d; ++k) {
            const int s = sgn(Xb[k] * Xa[d] - Xa[k] * Xb[d]);
            if (s != 0) return s > 0;
        }
        return false;  // the same point: not two vertices of a region
    }

    // The exact coordinates of a generator (made on demand).
    const IntVec& coords(int id) {
        if (!is_local(id)) return ctx_.history->coords(*ctx_.net, ctx_.global->hid[id]);
        return point(local_index(id)).X;
    }

private:
    const LayerContext& ctx_;
    CellOutput& out_;
    const std::size_t layer0_;
    LimbDot dot_;

    // c_k: integers below 2^21 (exact in a double, and in the products above), from the bits of
    // the golden ratio's multiples
    static double order_coefficient(std::size_t k) {
        return static_cast<double>(((static_cast<std::uint64_t>(k + 1) * 0x9E3779B97F4A7C15ull) >> 44) | 1);
    }

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

// The homogeneous dimension from which a cell keeps its pieces' edge graphs while it is refined
// (edges.hpp); below it every split tests its (+, -) pairs.  Measured (callgrind, refine_cell's
// instructions, graph against pairs): D = 3 to 5 (the 2-D to 4-D benchmarks) +9 to +11%: cells
// have few generators, the (+, -) pairs are few and the graph's bookkeeping is not; D = 6 (a 5-D
// network, ACAS Xu) -1 to +2%; D = 7 -21%, D = 8 -44%, D = 9 (d8_16x2) -63%.
constexpr std::size_t kEdgeGraphMinD = 7;

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

// A crossing is known by its edge and neuron: within one cell the same edge (shared by two
// pieces) gives the same point, and no other edge can give it (the pieces form a complex and
// the point lies inside the edge).
struct EdgeKey {
    int a, b, unit;
    bool operator==(const EdgeKey&) const = default;
};

struct EdgeKeyHash {
    std::uint64_t operator()(const EdgeKey& k) const {
        return hash3(static_cast<std::uint32_t>(k.a), static_cast<std::uint32_t>(k.b), static_cast<std::uint32_t>(k.unit));
    }
};
// The crossings made in one split level of a cell (crossings of different neurons never share a
// key): their local ids.
using EdgeMade = StampedIndex<EdgeKey, int, EdgeKeyHash>;

// Scratch space reused by every split of a cell.
struct Scratch {
    ApproxTable local;  // room for a cell's new generators (LocalTable)
    Signs signs;
    std::vector<std::uint32_t> npos, nneg;  // per neuron: generators certainly on each side
    std::vector<std::size_t> to_split, later;  // the neurons that split the cell, those after the current one
    std::vector<int> new_gens;
    std::vector<Word> new_inc, touched;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> cross;  // (+, -) ends of the crossed edges
    std::vector<signed char> side;                               // per generator of the piece: +1, -1, 0
    std::vector<std::uint32_t> at_plus, at_minus;                // a generator's index in each child
    IncTable table;
    EdgeScratch edges;
    EdgeMade made;
    std::vector<Edge> plus_edges, minus_edges;  // a split's children's graphs, before they go to the arena
    EdgeArena arenas[2];                         // the graphs of this split level's pieces, and the next's
    EdgeArena* cur = &arenas[0];
    EdgeArena* next = &arenas[1];
    // Cells whose vectors are kept for the next split's children: a split makes two cells of
    // three vectors each and drops one, and their allocation and freeing were a tenth of 8-D time.
    std::vector<Cell> spare;

    Cell take() {
        if (spare.empty()) return Cell();
        Cell c = std::move(spare.back());
        spare.pop_back();
        return c;
    }
    void give_back(Cell&& c) {
        if (spare.size() >= kSpare) return;  // (c is freed with its owner)
        c.gens.clear();
        c.inc.clear();
        c.slot_labels.clear();
        spare.push_back(std::move(c));
    }
    static constexpr std::size_t kSpare = 4096;
};

// The float approximation of the crossing of `unit` with the edge from u (value > 0) to v
// (value < 0): alpha v + beta u with alpha = z_u, beta = -z_v, which approximates the exact
// crossing |Z_v| X_u + |Z_u| X_v at the scale s_u s_v c (the invariant of approx.hpp).  The bound
// adds the parents' errors carried through the products and the two roundings of each entry.
// `wanted`, when given, are the only values anything reads (the last hidden layer's later splits
// in this cell: no later layer steps from these values); the others are left undecided (value 0,
// bound infinite: a sign read from them would go to exact arithmetic, never be wrong).
void approx_crossing(const ApproxTable& tu, int ku, const ApproxTable& tv, int kv, std::size_t unit,
                     ApproxTable& out, int r, const std::vector<std::size_t>* wanted) {
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
    auto value = [&](std::size_t k) {
        zr[k] = alpha * zv[k] + beta * zu[k];
        const double mu = std::fabs(zu[k]), mv = std::fabs(zv[k]);
        er[k] = bound_up((ea * mv + eb * mu + (a + ea) * double(ev[k]) + (b + eb) * double(eu[k]) +
                          2 * kU * (a * mv + b * mu)) * inflate + kTiny);
    };
    if (wanted) {
        for (std::size_t k = 0; k < nz; ++k) zr[k] = 0, er[k] = HUGE_VALF;
        for (std::size_t k : *wanted) value(k);
    } else {
        for (std::size_t k = 0; k < nz; ++k) value(k);
    }
    zr[unit] = 0;  // exactly: the crossing is on the neuron's hyperplane
    er[unit] = 0;
    const double Xu = max_abs(xu, D), Xv = max_abs(xv, D), exu = tu.ex[ku], exv = tv.ex[kv];
    double ex = (ea * Xv + eb * Xu + (a + ea) * exv + (b + eb) * exu + 2 * kU * (a * Xv + b * Xu)) * inflate + kTiny;
    normalize(xr, D, zr, er, nz, ex);
    out.ex[r] = ex;
}

// Splits p by `unit` (values of both signs) into plus and minus.  The crossed edges come from p's
// edge graph when it is known, else from the combinatorial test on every (+, -) pair.  When
// `plus_edges` is given (p's graph is then known), the children's graphs are made from p's (see
// edges.hpp for why that is exact).  The crossings are made in the order of their (+, -) ends,
// whichever way the edges were found, so the children's generators are the same either way.
void split(Cell& p, EdgeGraph& pe, const Signs& s, std::size_t unit, const std::vector<std::size_t>* wanted,
           const LayerContext& ctx, CellOutput& co,
           Gens& gens, Scratch& sc, Cell& plus, Cell& minus, EdgeGraph* plus_edges, EdgeGraph* minus_edges) {
    reserve_slot(p);
    const std::size_t nb = p.nslots();
    const std::size_t D = ctx.D;
    const int nw = p.nw;
    const std::size_t ng = p.gens.size();
    std::vector<int>& new_gens = sc.new_gens;
    std::vector<Word>& new_inc = sc.new_inc;
    new_gens.clear();
    new_inc.clear();
    ApproxTable& local = co.local;
    // the crossing of edge [u, v] (u on the (+) side), on the slots of both ends and the new one
    auto crossing = [&](std::size_t u, std::size_t v) {
        const int gu = p.gens[u], gv = p.gens[v];
        const EdgeKey key{std::min(gu, gv), std::max(gu, gv), static_cast<int>(unit)};
        auto [id, fresh] = sc.made.find_or_add(key);
        if (fresh) {
            const int r = local.append();  // before reading the parents: append may move the table
            approx_crossing(gens.table(gu), gens.row(gu), gens.table(gv), gens.row(gv), unit, local, r, wanted);
            local.ray[r] = gens.table(gu).ray[gens.row(gu)] && gens.table(gv).ray[gens.row(gv)];
            local.origin[r] = Origin{gu, gv, ctx.layer - 1, static_cast<std::int32_t>(unit)};
            co.exact.emplace_back();
            if (ctx.layer == 1) gens.anchor(r);
            *id = local_id(r);
        }
        new_gens.push_back(*id);
    };
    auto& cross = sc.cross;
    cross.clear();
    if (pe.known) {
        auto& side = sc.side;
        side.assign(ng, 0);
        for (std::size_t k : s.pos) side[k] = 1;
        for (std::size_t k : s.neg) side[k] = -1;
        // (written unconditionally and kept when crossed: whether an edge is crossed is a coin
        // toss, and so was the branch on it)
        cross.resize(pe.edges.size());
        std::size_t nc = 0;
        for (const Edge& e : pe.edges) {
            const int sa = side[e.a], sb = side[e.b];
            cross[nc] = sa > 0 ? std::pair(e.a, e.b) : std::pair(e.b, e.a);
            nc += sa * sb < 0;
        }
        cross.resize(nc);
        std::sort(cross.begin(), cross.end());
        for (const auto& [u, v] : cross) {
            crossing(u, v);
            const std::size_t at = new_inc.size();
            for (int w = 0; w < nw; ++w) new_inc.push_back(p.inc_of(u)[w] & p.inc_of(v)[w]);
            set_bit(&new_inc[at], nb);
        }
    } else {
        // no graph: the (+, -) pairs, in the same order (the test leaves their common slots)
        sc.table.transpose(p.inc.data(), ng, nw, nb, false);
        sc.edges.test.reset(nw);
        std::vector<Word>& common = sc.edges.test.common;
        for (std::size_t u : s.pos)
            for (std::size_t v : s.neg) {
                if (!sc.edges.test(sc.table, u, v, D)) continue;
                crossing(u, v);
                set_bit(common, nb);
                new_inc.insert(new_inc.end(), common.begin(), common.end());
            }
    }
    for (int side = 0; side < 2; ++side) {
        Cell& out = side == 0 ? plus : minus;
        const std::vector<std::size_t>& keep = side == 0 ? s.pos : s.neg;
        out.nw = nw;
        std::vector<Word>& touched = sc.touched;
        touched.assign(nw, 0);
        // written through pointers into room for all (an insert per generator was a memmove call
        // for one word)
        out.gens.resize(keep.size() + s.zer.size() + new_gens.size());
        out.inc.resize(out.gens.size() * nw);
        int* to_gen = out.gens.data();
        Word* to_inc = out.inc.data();
        for (std::size_t k : keep) {
            *to_gen++ = p.gens[k];
            const Word* from = p.inc_of(k);
            for (int w = 0; w < nw; ++w) to_inc[w] = from[w], touched[w] |= from[w];
            to_inc += nw;
        }
        for (std::size_t k : s.zer) {
            *to_gen++ = p.gens[k];
            const Word* from = p.inc_of(k);
            for (int w = 0; w < nw; ++w) to_inc[w] = from[w];
            set_bit(to_inc, nb);
            to_inc += nw;
        }
        std::copy(new_gens.begin(), new_gens.end(), to_gen);
        std::copy(new_inc.begin(), new_inc.end(), to_inc);
        // the (-) side is made last: it takes the parent's labels and patterns instead of copies
        // (and the parent, handed back to the spares, takes its vector's room)
        if (side == 0) out.slot_labels = p.slot_labels;
        else out.slot_labels.swap(p.slot_labels);
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
    if (!plus_edges) return;
    // the children's edge graphs (edges.hpp): a generator of p is at the same place in each child
    // as in that child's list (its side's generators, then those on H, then the crossings)
    const std::uint32_t np = static_cast<std::uint32_t>(s.pos.size()), nn = static_cast<std::uint32_t>(s.neg.size());
    const std::uint32_t nz = static_cast<std::uint32_t>(s.zer.size());
    auto& at_plus = sc.at_plus;
    auto& at_minus = sc.at_minus;
    at_plus.assign(ng, 0);
    at_minus.assign(ng, 0);
    for (std::uint32_t j = 0; j < np; ++j) at_plus[s.pos[j]] = j;
    for (std::uint32_t j = 0; j < nn; ++j) at_minus[s.neg[j]] = j;
    for (std::uint32_t j = 0; j < nz; ++j) {
        at_plus[s.zer[j]] = np + j;
        at_minus[s.zer[j]] = nn + j;
    }
    std::vector<Edge>& pl = sc.plus_edges;
    std::vector<Edge>& mi = sc.minus_edges;
    const std::uint32_t nc = static_cast<std::uint32_t>(cross.size());
    // written through pointers into room for every kept edge and half-edge (a push_back per edge
    // was a tenth of a split in 7-D)
    pl.resize(pe.edges.size() + nc);
    mi.resize(pe.edges.size() + nc);
    Edge* wp = pl.data();
    Edge* wm = mi.data();
    const auto& side = sc.side;
    for (const Edge& e : pe.edges) {  // (branch-free, as above)
        const int sa = side[e.a], sb = side[e.b];
        *wp = Edge{at_plus[e.a], at_plus[e.b]};
        wp += sa >= 0 && sb >= 0 && (sa | sb);
        *wm = Edge{at_minus[e.a], at_minus[e.b]};
        wm += sa <= 0 && sb <= 0 && (sa | sb);
    }
    for (std::uint32_t m = 0; m < nc; ++m) {
        *wp++ = Edge{at_plus[cross[m].first], np + nz + m};
        *wm++ = Edge{at_minus[cross[m].second], nn + nz + m};
    }
    pl.resize(static_cast<std::size_t>(wp - pl.data()));
    mi.resize(static_cast<std::size_t>(wm - mi.data()));
    // the edges in H: those of Q = p ∩ H, by the test over Q's generators alone (in plus, the
    // rows after its (+) generators: those on H, with the new slot, then the crossings)
    sc.table.transpose(plus.inc.data() + static_cast<std::size_t>(np) * nw, nz + nc, nw, nb + 1, true);
    const std::size_t before = pl.size();
    all_edges(sc.table, D, sc.edges, pl);
    for (std::size_t k = before; k < pl.size(); ++k) {
        const Edge e = pl[k];
        mi.push_back(Edge{nn + e.a, nn + e.b});
        pl[k] = Edge{np + e.a, np + e.b};
    }
    // into the next level's arena, at their size (a level's pieces all hold their graphs at once:
    // layer 1 of d8_16x2 has 16,000 pieces)
    plus_edges->edges = sc.next->copy(pl.data(), pl.size());
    minus_edges->edges = sc.next->copy(mi.data(), mi.size());
    plus_edges->known = minus_edges->known = true;
}

// The scratch space of this thread's last cell, with its capacity: the vectors a split fills
// reach their size after a few cells and allocate nothing after that.  Not inlined: where the
// compiler sees the thread_local's address it propagates it into the callees, and in a shared
// library every use there is a call to __tls_get_addr (6% of 8-D instructions).
[[gnu::noinline]] Scratch& thread_scratch() {
    thread_local Scratch scratch;
    return scratch;
}

// The faces each piece owns (owned_faces.hpp), by dimension, into out.faces: a piece's edges from
// its kept graph, else from the edge test; each edge oriented by the vertex order.
void count_faces(const std::vector<Cell>& pieces, const std::vector<EdgeGraph>& graphs,
                 const std::vector<signed char>& facing, const LayerContext& ctx, Gens& gens, Scratch& sc,
                 CellOutput& out) {
    out.faces.assign(ctx.D, 0);
    std::unordered_map<int, std::int64_t> neuron;  // slot label set -> its facet's neuron
    auto neuron_of = [&](int set) {
        auto it = neuron.find(set);
        if (it == neuron.end()) it = neuron.emplace(set, facet_neuron(ctx.labels->copy(set), *ctx.bit_offsets)).first;
        return it->second;
    };
    std::vector<Edge> found;
    std::vector<char> up;
    std::vector<Gens::OrderKey> keys;
    // the order keys of the cell's own generators, each in a few dozen regions: made once
    std::vector<Gens::OrderKey> local_keys(out.local.size());
    std::vector<char> known(out.local.size(), 0);
    std::vector<Word> upper;
    OwnedScratch os;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        const Cell& r = pieces[k];
        std::span<const Edge> edges;
        if (k < graphs.size() && graphs[k].known) {
            edges = graphs[k].edges;
        } else {
            sc.table.transpose(r.inc.data(), r.gens.size(), r.nw, r.nslots(), true);
            found.clear();
            all_edges(sc.table, ctx.D, sc.edges, found);
            edges = found;
        }
        keys.resize(r.gens.size());
        for (std::size_t g = 0; g < r.gens.size(); ++g) {
            const int id = r.gens[g];
            if (!is_local(id)) {
                keys[g] = gens.order_key(id);
                continue;
            }
            const std::size_t k = static_cast<std::size_t>(local_index(id));
            if (!known[k]) local_keys[k] = gens.order_key(id), known[k] = 1;
            keys[g] = local_keys[k];
        }
        up.resize(edges.size());
        for (std::size_t i = 0; i < edges.size(); ++i) {
            const Edge e = edges[i];
            up[i] = gens.above(r.gens[e.a], keys[e.a], r.gens[e.b], keys[e.b]);
        }
        upper_slots(r, facing, neuron_of, upper);
        count_owned_faces(r, edges, up, upper, ctx.D - 1, out.faces, os);
    }
}

}  // namespace

// The cell's new generators are made in the thread's own table, whose room stays from cell to
// cell, and handed back as a copy of their size: grown row by row in a fresh table, seven
// vectors reallocated a few times each were a third of the allocations of a 2-D run.
class LocalTable {
public:
    LocalTable(CellOutput& out, ApproxTable& room) : out_(out), room_(room) {
        std::swap(out_.local, room_);
        out_.local.clear();
    }
    LocalTable(const LocalTable&) = delete;
    LocalTable& operator=(const LocalTable&) = delete;
    ~LocalTable() {
        ApproxTable made = out_.local;  // (a copy's vectors are exactly as long as the rows)
        std::swap(out_.local, room_);
        out_.local = std::move(made);
    }

private:
    CellOutput& out_;
    ApproxTable& room_;
};

bool refine_cell(Cell&& cell, const LayerContext& ctx, CellOutput& out) {
    Scratch& sc = thread_scratch();
    const LocalTable local_table(out, sc.local);
    out.local.D = ctx.D;
    out.local.nz = ctx.width;
    out.children.clear();
    Gens acc(ctx, out);
    Cell c = std::move(cell);
    compact_slots(c);
    // for the faces' owners: the neurons' sides of the interior point, as the cell's affine maps
    const bool faces = ctx.faces_point != nullptr;
    std::vector<signed char> facing;
    if (faces) facing = facing_signs(*ctx.net, *ctx.faces_point, c, static_cast<std::size_t>(ctx.layer));
    sc.arenas[0].clear();
    sc.arenas[1].clear();
    Signs& s = sc.signs;
    std::vector<std::size_t>& to_split = sc.to_split;
    to_split.clear();
    // First, per neuron, how many generators the filter certifies on each side, in one pass over
    // the generators' rows of values (contiguous per generator, not per neuron): most neurons
    // miss a small cell, certainly on one side of all of it, and need no look of their own.
    const std::size_t ng = c.gens.size();
    std::vector<std::uint32_t>&npos = sc.npos, &nneg = sc.nneg;
    npos.assign(ctx.width, 0);
    nneg.assign(ctx.width, 0);
    for (const int id : c.gens) {
        const ApproxTable& t = acc.table(id);
        const double* z = t.zs(acc.row(id));
        const float* ez = t.ezs(acc.row(id));
        for (std::size_t i = 0; i < ctx.width; ++i) {
            npos[i] += z[i] > ez[i];
            nneg[i] += z[i] < -static_cast<double>(ez[i]);
        }
    }
    for (std::size_t i = 0; i < ctx.width; ++i) {
        // (the decisions signs_of would reach, without its lists: no generator on the
        // hyperplane, so no facet to label either)
        if (npos[i] == ng) {
            set_bit(c.active, ctx.bit_offset + i);
            continue;
        }
        if (nneg[i] == ng) continue;
        if (npos[i] > 0 && nneg[i] > 0) {
            to_split.push_back(i);
            continue;
        }
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
    // Each piece's edge graph (edges.hpp), kept beside it while the cell is refined and dropped
    // with it: the children handed back carry no edges (memory per region).  A piece's graph is
    // made (all pairs) only when it is split by a neuron that is not the last, so that its
    // children's graphs are wanted; the last neuron's splits take the crossed edges from the
    // graph if there is one, else test the (+, -) pairs as before.  When the faces are counted
    // the last splits make their children's graphs too: the count reads the regions' edges.
    // The graphs of one split level live in one arena (edges.hpp), the next level's in the other.
    const bool keep_edges = ctx.D >= kEdgeGraphMinD;
    std::vector<Cell> pieces;
    std::vector<EdgeGraph> graphs(keep_edges ? 1 : 0);  // beside pieces, or empty
    EdgeGraph none;                                      // the graph of every piece without
    pieces.push_back(std::move(c));
    std::vector<Cell> next;
    std::vector<EdgeGraph> next_graphs;
    // in the last hidden layer a crossing's values are read only by this cell's later splits
    const bool last_layer = ctx.layer == static_cast<int>(ctx.net->hidden());
    std::vector<std::size_t>& later = sc.later;
    later.clear();
    for (std::size_t t = 0; t < to_split.size(); ++t) {
        const std::size_t i = to_split[t];
        const bool last = t + 1 == to_split.size();
        sc.made.clear();
        if (last_layer) later.assign(to_split.begin() + static_cast<std::ptrdiff_t>(t + 1), to_split.end());
        next.clear();
        next.reserve(pieces.size() * 2);
        next_graphs.clear();
        if (keep_edges) next_graphs.reserve(pieces.size() * 2);
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
                EdgeGraph& g = keep_edges ? graphs[k] : none;
                const bool children_edges = keep_edges && (!last || faces);
                if (children_edges && !g.known) {
                    sc.table.transpose(p.inc.data(), p.gens.size(), p.nw, p.nslots(), true);
                    sc.plus_edges.clear();
                    all_edges(sc.table, ctx.D, sc.edges, sc.plus_edges);
                    g.edges = sc.cur->copy(sc.plus_edges.data(), sc.plus_edges.size());
                    g.known = true;
                }
                Cell plus = sc.take(), minus = sc.take();
                EdgeGraph plus_edges, minus_edges;
                split(p, g, s, i, last_layer ? &later : nullptr, ctx, out, acc, sc, plus, minus, children_edges ? &plus_edges : nullptr,
                      children_edges ? &minus_edges : nullptr);
                g = EdgeGraph();  // p is gone
                sc.give_back(std::move(p));
                next.push_back(std::move(plus));
                next.push_back(std::move(minus));
                if (children_edges) {
                    next_graphs.push_back(std::move(plus_edges));
                    next_graphs.push_back(std::move(minus_edges));
                }
                continue;
            }
            if (!s.pos.empty()) set_bit(p.active, ctx.bit_offset + i);
            if (s.pos.empty() && s.neg.empty()) {
                set_bit(p.zero, ctx.bit_offset + i);
            } else {
                label_zero_facets(p, s, ctx.D, neuron_label(ctx.layer, static_cast<int>(i)), *ctx.labels);
            }
            next.push_back(std::move(p));
            if (keep_edges && (!last || faces)) {  // the graph moves to the next level's arena
                EdgeGraph& g = graphs[k];
                if (g.known) g.edges = sc.next->copy(g.edges.data(), g.edges.size());
                next_graphs.push_back(g);
            } else if (keep_edges) {
                graphs[k] = EdgeGraph();  // no split after the last: nothing reads it
            }
        }
        pieces.swap(next);
        graphs.swap(next_graphs);
        std::swap(sc.cur, sc.next);
        sc.next->clear();  // the graphs of the level done, all split or copied
    }
    if (faces) count_faces(pieces, graphs, facing, ctx, acc, sc, out);
    if (ctx.count_only) {  // counted, not kept: their room goes to the next cell's splits
        out.counted = static_cast<long>(pieces.size());
        for (Cell& piece : pieces) sc.give_back(std::move(piece));
        out.local.clear();  // nothing reads the crossings of a count's last layer again
        out.exact.clear();
        return true;
    }
    out.children = std::move(pieces);
    return true;
}

}  // namespace polyrelu
