// The float filter: every generator carries double approximations of its coordinates and of
// the current layer's pre-activations, with a rigorous bound on their error.  A sign is read
// from a double only when the bound proves it; otherwise the exact integer decides (history.hpp).
//
// The invariant, for a generator whose exact homogeneous coordinates are X (any positive
// multiple) and whose exact pre-activations in layer l are Z(X):
//     there is a scale s > 0 with |x_k - s X_k| <= ex for every k and
//     |z_i - s c_l Z_i(X)| <= ez_i for every unit i,
// where c_l = 2^-(a_0 + ... + a_l) is the power of two the float network's layers are scaled by
// (so that values neither overflow nor underflow through deep networks).  Only signs and
// positive combinations are ever read, and both are blind to positive scales.
//
// Error bounds follow the standard model fl(a op b) = (a op b)(1 + d), |d| <= u = 2^-53, plus an
// absolute kTiny for underflow; every bound is inflated for the rounding of its own evaluation.
// A NaN or infinite value fails every certification (comparisons with NaN are false), so an
// overflow sends the decision to exact arithmetic instead of deciding it wrongly.
#pragma once

#include "network.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <ranges>
#include <type_traits>
#include <vector>

namespace polyrelu {

constexpr double kU = 0x1p-53;       // unit roundoff
constexpr double kTiny = 0x1p-1000;  // covers any number of underflows (each at most 2^-1075)

// x * 2^shift in double, from an exact integer: truncated (mpz_get_d_2exp rounds toward zero),
// so the relative error is below 2u.
inline double scaled_double(const Int& x, long shift) {
    long e = 0;
    const double d = mpz_get_d_2exp(&e, x.get_mpz_t());
    return std::ldexp(d, static_cast<int>(std::clamp<long>(e + shift, -1100, 1100)));
}

inline long exponent_of(const Int& x) { return sgn(x) == 0 ? 0 : static_cast<long>(mpz_sizeinbase(x.get_mpz_t(), 2)); }

// The affine frame the float coordinates are taken in: y = (X - c T) / 2^e per input, with the
// centre c = C / 2^k near the middle of the start cells' vertices and 2^e near their spread.
// Why: a small box far from the origin (ACAS Xu's properties) leaves the coordinates' leading
// digits equal everywhere, and every crossing of every layer would compute with what is left.
// The frame is any invertible linear map of (X, T), so crossings commute with it; the exact
// arithmetic never sees it.
struct Frame {
    IntVec C;               // centre numerators (one per input)
    long k = 0;             // centre = C / 2^k
    std::vector<long> e;    // scale exponents (one per input)
};

// A frame for points whose coordinates X_j / T lie in [lo_j, hi_j] (doubles, approximate: any
// frame is exact, a good one only keeps the errors small).
inline Frame frame_for(const std::vector<double>& lo, const std::vector<double>& hi) {
    Frame f;
    const std::size_t n = lo.size();
    f.e.assign(n, 0);
    long k = 0;
    for (std::size_t j = 0; j < n; ++j) {
        const double half = (hi[j] - lo[j]) / 2;
        if (half > 0 && std::isfinite(half)) f.e[j] = std::ilogb(half);
        k = std::max(k, 24 - f.e[j]);
    }
    f.k = std::min<long>(k, 1000);
    for (std::size_t j = 0; j < n; ++j) {
        const double c = std::nearbyint(std::ldexp((lo[j] + hi[j]) / 2, static_cast<int>(f.k)));
        f.C.emplace_back(std::isfinite(c) ? c : 0.0);
    }
    return f;
}

// An error bound stored as a float, rounded up (halves the memory of the bounds, which are
// only ever compared): the float is never below the double it stands for.  Without a branch:
// whether the conversion rounded down is a coin toss, and the mispredicted test was a tenth of
// an 8-D run.  Why it is an upper bound (round to nearest throughout, bounds >= 0): a normal f
// times 1 + 2^-23 is at least f plus one unit in its last place, which is at least e, and adding
// the least subnormal 2^-149 lifts a subnormal or zero f (at most 2^-150 below e) above e.
// Overflow goes to infinity, NaN stays NaN: nothing is certified by either.
inline float bound_up(double e) {
    const float f = static_cast<float>(e);
    return f * (1.0f + 0x1p-23f) + 0x1p-149f;
}
inline void store_bound(double& to, double e) { to = e; }
inline void store_bound(float& to, double e) { to = bound_up(e); }

struct FloatLayer {
    std::size_t rows = 0, cols = 0;
    std::vector<double> W, b;     // W 2^-a_l and b c_l (layer 0: in the frame), rounded toward zero
    std::vector<double> WT, AWT;  // W and |W| transposed (cols x rows): float_layer's order
    Unit unit = Unit::relu;
};

// The network in doubles, each layer scaled by a power of two so that its largest weight is
// about 1 (see the invariant above), the first layer taken in the frame:
// W X + b T = (W 2^e) y + (b + W c) T.
struct FloatNet {
    std::vector<FloatLayer> layers;
    std::vector<long> shift;  // a_0 + ... + a_l: c_l = 2^-shift[l]
    Frame frame;

    FloatNet(const Network& net, const Frame& fr) : frame(fr) {
        long cum = 0;
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            const Layer& L = net.layers[l];
            const bool first = l == 0 && frame.e.size() == L.cols;
            auto col_shift = [&](std::size_t j) { return first ? frame.e[j] : 0L; };
            long a = -100000;
            for (std::size_t i = 0; i < L.rows; ++i)
                for (std::size_t j = 0; j < L.cols; ++j)
                    if (sgn(L.W[i * L.cols + j]) != 0) a = std::max(a, exponent_of(L.W[i * L.cols + j]) + col_shift(j));
            if (a == -100000) a = 0;
            cum += a;
            shift.push_back(cum);
            FloatLayer F;
            F.rows = L.rows;
            F.cols = L.cols;
            F.unit = L.unit;
            for (std::size_t i = 0; i < L.rows; ++i)
                for (std::size_t j = 0; j < L.cols; ++j) F.W.push_back(scaled_double(L.W[i * L.cols + j], col_shift(j) - a));
            F.WT.resize(F.W.size());
            F.AWT.resize(F.W.size());
            for (std::size_t i = 0; i < L.rows; ++i)
                for (std::size_t j = 0; j < L.cols; ++j) {
                    F.WT[j * L.rows + i] = F.W[i * L.cols + j];
                    F.AWT[j * L.rows + i] = std::fabs(F.W[i * L.cols + j]);
                }
            for (std::size_t i = 0; i < L.rows; ++i) {
                if (!first) {
                    F.b.push_back(scaled_double(L.b[i], -cum));
                    continue;
                }
                Int B = L.b[i];
                mpz_mul_2exp(B.get_mpz_t(), B.get_mpz_t(), static_cast<mp_bitcnt_t>(frame.k));
                for (std::size_t j = 0; j < L.cols; ++j) B += L.W[i * L.cols + j] * frame.C[j];
                F.b.push_back(scaled_double(B, -frame.k - cum));
            }
            layers.push_back(std::move(F));
        }
    }

    // The float coordinates of the exact homogeneous point X (in the frame, scaled by 2^-top so
    // that the largest is below 1); returns top.  Each entry is truncated once: error <= 2u.
    long to_float(const IntVec& X, double* out) const {
        const std::size_t n = X.size() - 1;
        const Int& T = X[n];
        std::vector<Int> N(n);
        std::vector<long> ex(n + 1);
        long top = exponent_of(T);
        for (std::size_t j = 0; j < n; ++j) {
            N[j] = X[j];
            long sh = 0;
            if (j < frame.e.size()) {
                mpz_mul_2exp(N[j].get_mpz_t(), N[j].get_mpz_t(), static_cast<mp_bitcnt_t>(frame.k));
                N[j] -= frame.C[j] * T;
                sh = frame.k + frame.e[j];
            }
            ex[j] = sh;
            if (sgn(N[j]) != 0) top = std::max(top, exponent_of(N[j]) - sh);
        }
        for (std::size_t j = 0; j < n; ++j) out[j] = scaled_double(N[j], -ex[j] - top);
        out[n] = scaled_double(T, -top);
        return top;
    }
};

// Row i of z = W a + b t, and (in e) its error bound, from inputs a (activation applied) with
// errors at most ea_j and t with error et, summing the terms of the columns in `cols` only (the
// others must be exactly 0 with no error, like relu of a certainly negative value).  Each term's
// product and sum round (gamma_n, n the terms summed), the weights were rounded (2u), and the
// inputs' errors propagate through |W|.
template <class Cols>
inline double float_row(const FloatLayer& F, std::size_t i, const Cols& cols, const double* a, const double* ea,
                        double t, double et, double& e) {
    const double n = static_cast<double>(std::ranges::size(cols) + 1);
    const double gamma = (n + 8) * kU, inflate = 1 + (2 * n + 16) * kU;
    const double* w = &F.W[i * F.cols];
    double acc = F.b[i] * t, mag = std::fabs(F.b[i] * t), prop = std::fabs(F.b[i]) * et;
    for (const auto j : cols) {
        acc += w[j] * a[j];
        mag += std::fabs(w[j] * a[j]);
        prop += std::fabs(w[j]) * ea[j];
    }
    e = (gamma * mag + prop) * inflate + kTiny;
    return acc;
}

inline auto all_columns(const FloatLayer& F) { return std::views::iota(std::size_t{0}, F.cols); }

// z += W a, mag += |W| |a|, prop += |W| ea over the columns `cols` (all ncols if null), with W
// and |W| given transposed (float_columns.cpp: compiled for the processor it runs on).
void add_columns(std::size_t m, std::size_t ncols, const std::uint32_t* cols, const double* WT, const double* AWT,
                 const double* a, const double* ea, double* z, double* mag, double* prop);

// Every row of z = W a + b t, with the bounds ez_i, summing the columns in `cols`: float_row's
// sums and bound, taken column by column over all rows at once (contiguous in WT, so the compiler
// vectorizes them; the bound holds for any order of summation).
template <class Cols, class E>
inline void float_layer(const FloatLayer& F, const Cols& cols, const double* a, const double* ea, double t,
                        double et, double* z, E* ez) {
    const std::size_t m = F.rows;
    const double n = static_cast<double>(std::ranges::size(cols) + 1);
    const double gamma = (n + 8) * kU, inflate = 1 + (2 * n + 16) * kU;
    thread_local std::vector<double> mag, prop;
    mag.resize(m);
    prop.resize(m);
    const double at = std::fabs(t);
    for (std::size_t i = 0; i < m; ++i) {
        z[i] = F.b[i] * t;
        mag[i] = std::fabs(F.b[i]) * at;
        prop[i] = std::fabs(F.b[i]) * et;
    }
    if constexpr (std::is_same_v<std::remove_cvref_t<Cols>, std::vector<std::uint32_t>>)
        add_columns(m, cols.size(), cols.data(), F.WT.data(), F.AWT.data(), a, ea, z, mag.data(), prop.data());
    else
        add_columns(m, F.cols, nullptr, F.WT.data(), F.AWT.data(), a, ea, z, mag.data(), prop.data());
    for (std::size_t i = 0; i < m; ++i) store_bound(ez[i], (gamma * mag[i] + prop[i]) * inflate + kTiny);
}

// The sign of an approximate value if its bound proves it, else 2 (ask the exact arithmetic).
inline int certified_sign(double v, double e) {
    if (v > e) return 1;
    if (v < -e) return -1;
    return 2;
}

// One generator's values of `layer` (0-based) from its coordinates x (layer 0, error ex each) or
// from the previous layer's values z with bounds ez (relu applied here), into zo and eo.  `in`,
// `ein` and `cols` are scratch space.
inline void float_step(const FloatNet& fnet, std::size_t layer, const double* x, double ex, std::size_t D,
                       const double* z, const float* ez, double* zo, float* eo, std::vector<double>& in,
                       std::vector<double>& ein, std::vector<std::uint32_t>& cols) {
    const FloatLayer& F = fnet.layers[layer];
    if (layer == 0) {
        in.assign(x, x + F.cols);
        ein.assign(F.cols, ex);
    } else {
        in.assign(z, z + F.cols);
        ein.assign(ez, ez + F.cols);
        if (fnet.layers[layer - 1].unit == Unit::relu)
            for (std::size_t j = 0; j < F.cols; ++j) {
                // relu is 1-Lipschitz, so the bound carries over; where the value is certainly
                // negative, relu is exactly 0 and so is the error
                if (in[j] < -ein[j]) ein[j] = 0;
                in[j] = in[j] > 0 ? in[j] : 0;
            }
    }
    cols.clear();
    for (std::size_t j = 0; j < F.cols; ++j)
        if (in[j] != 0 || ein[j] != 0) cols.push_back(static_cast<std::uint32_t>(j));
    float_layer(F, cols, in.data(), ein.data(), x[D - 1], ex, zo, eo);
}

// Multiplies x (n entries), z, and their bounds by a power of two that brings max |x| near 1:
// exact except for underflow, which kTiny covers.  Keeps repeated crossings in range.
inline void normalize(double* x, std::size_t n, double* z, float* ez, std::size_t nz, double& ex) {
    double m = 0;
    for (std::size_t k = 0; k < n; ++k) m = std::max(m, std::fabs(x[k]));
    if (!(m > 0) || !std::isfinite(m)) return;
    const int e = -std::ilogb(m);
    if (e == 0) return;
    if (e < -1000 || e > 1000) {  // 2^e itself would not be a normal double
        for (std::size_t k = 0; k < n; ++k) x[k] = std::ldexp(x[k], e);
        for (std::size_t k = 0; k < nz; ++k) z[k] = std::ldexp(z[k], e), ez[k] = bound_up(std::ldexp(double(ez[k]), e) + kTiny);
        ex = std::ldexp(ex, e) + kTiny;
        return;
    }
    // a product by a power of two rounds exactly as ldexp does (only on underflow), and is cheaper
    const double p = std::ldexp(1.0, e);
    for (std::size_t k = 0; k < n; ++k) x[k] *= p;
    for (std::size_t k = 0; k < nz; ++k) z[k] *= p, ez[k] = bound_up(double(ez[k]) * p + kTiny);
    ex = ex * p + kTiny;
}

inline double max_abs(const double* x, std::size_t n) {
    double m = 0;
    for (std::size_t k = 0; k < n; ++k) m = std::max(m, std::fabs(x[k]));
    return m;
}

}  // namespace polyrelu
