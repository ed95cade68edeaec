// The integer network the core refines by, and the forward step at a homogeneous generator.
//
// Layer k computes z^k = W_k h^{k-1} + b_k T for a generator (X, T) (T = 1 a vertex, T = 0 a
// ray), h^0 = X, h^k = relu(z^k) for hidden layers.  This homogenised forward pass is the exact
// value of every cell's affine row at the generator: for a vertex by continuity of the
// pre-activations, for a ray because relu is positively homogeneous (the recession function of a
// piecewise-linear map is independent of the base point).  So a generator's values do not depend
// on which cell asks, and each generator carries one value vector per layer.
//
// The unit kind is a field of the layer so that other piecewise-linear units (leaky ReLU with a
// rational slope, maxout) can be added as further kinds of the same step.
#pragma once

#include "bigint.hpp"
#include "dot.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace polyrelu {

enum class Unit { relu, identity };

struct Layer {
    std::size_t rows = 0, cols = 0;  // W is rows x cols (cols = width of the previous layer)
    std::vector<Int> W;              // row-major
    std::vector<Int> b;
    Unit unit = Unit::relu;          // what follows the affine map
    // W as one-limb magnitudes and signs, when every weight fits (see dot.hpp)
    std::vector<mp_limb_t> W_mag;
    std::vector<char> W_neg;
    bool small() const { return !W_mag.empty() || W.empty(); }

    void prepare_small() {
        W_mag.clear();
        W_neg.clear();
        for (const Int& w : W)
            if (mpz_sizeinbase(w.get_mpz_t(), 2) > 63) return;  // some weight needs two limbs
        for (const Int& w : W) {
            W_mag.push_back(mpz_getlimbn(w.get_mpz_t(), 0));
            W_neg.push_back(sgn(w) < 0);
        }
    }
};

struct Network {
    std::size_t dim = 0;             // working input dimension (D = dim + 1 homogeneous)
    std::vector<Layer> layers;       // hidden layers then the output layer (unit = identity)
    std::size_t hidden() const { return layers.empty() ? 0 : layers.size() - 1; }
};

// z = W act(prev) + b T, where prev is the previous layer's pre-activations (or X for layer 0).
// z's entries are overwritten in place: their limbs are reused, so a layer allocates nothing
// once the values have reached their size.
inline void forward(const Layer& L, const Int* prev, bool prev_is_input, Unit prev_unit,
                    const Int& T, Int* z, LimbDot* dot = nullptr) {
    if (dot && !L.W_mag.empty()) {
        std::size_t limbs = 1;
        for (std::size_t j = 0; j < L.cols; ++j)
            limbs = std::max(limbs, mpz_size(prev[j].get_mpz_t()));
        dot->reserve(limbs + 1, L.cols);
        for (std::size_t i = 0; i < L.rows; ++i) {
            mpz_mul(z[i].get_mpz_t(), L.b[i].get_mpz_t(), T.get_mpz_t());
            dot->clear();
            const std::size_t row = i * L.cols;
            for (std::size_t j = 0; j < L.cols; ++j) {
                const Int& x = prev[j];
                if (!prev_is_input && prev_unit == Unit::relu && sgn(x) <= 0) continue;
                dot->add(L.W_neg[row + j], L.W_mag[row + j], x.get_mpz_t());
            }
            dot->add_to(z[i]);
        }
        return;
    }
    for (std::size_t i = 0; i < L.rows; ++i) {
        mpz_ptr acc = z[i].get_mpz_t();
        mpz_mul(acc, L.b[i].get_mpz_t(), T.get_mpz_t());
        const Int* w = &L.W[i * L.cols];
        for (std::size_t j = 0; j < L.cols; ++j) {
            if (w[j] == 0) continue;
            const Int& x = prev[j];
            if (!prev_is_input && prev_unit == Unit::relu && sgn(x) <= 0) continue;
            mpz_addmul(acc, w[j].get_mpz_t(), x.get_mpz_t());
        }
    }
}

// The pre-activations of layers 0 .. upto - 1 at the homogeneous point (or direction, T = 0)
// (x, T), with a pattern imposed on every relu layer's outputs (bit `offset + i` of `pattern` set:
// the unit's value passes on, else 0) instead of relu's signs: the affine maps the network is on a
// cell with that pattern, extended beyond the cell.  z[l] is layer l's.
inline void masked_values(const Network& net, const Int* x, const Int& T, const std::uint64_t* pattern,
                          std::size_t upto, std::vector<IntVec>& z) {
    z.assign(upto, {});
    IntVec h(x, x + net.dim);
    std::size_t offset = 0;
    for (std::size_t l = 0; l < upto; ++l) {
        const Layer& L = net.layers[l];
        z[l].assign(L.rows, Int(0));
        // h is the previous layer's output with the pattern imposed already: taken as it is (as
        // an input), not through relu's signs
        forward(L, h.data(), true, Unit::identity, T, z[l].data());
        h = z[l];
        if (L.unit != Unit::relu) continue;
        for (std::size_t i = 0; i < L.rows; ++i, ++offset)
            if (!((pattern[offset >> 6] >> (offset & 63)) & 1)) h[i] = 0;
    }
}

}  // namespace polyrelu
