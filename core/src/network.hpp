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

#include <cstddef>
#include <vector>

namespace polyrelu {

enum class Unit { relu, identity };

struct Layer {
    std::size_t rows = 0, cols = 0;  // W is rows x cols (cols = width of the previous layer)
    std::vector<Int> W;              // row-major
    std::vector<Int> b;
    Unit unit = Unit::relu;          // what follows the affine map
};

struct Network {
    std::size_t dim = 0;             // working input dimension (D = dim + 1 homogeneous)
    std::vector<Layer> layers;       // hidden layers then the output layer (unit = identity)
    std::size_t hidden() const { return layers.empty() ? 0 : layers.size() - 1; }
};

// z = W act(prev) + b T, where prev is the previous layer's pre-activations (or X for layer 0).
inline void forward(const Layer& L, const Int* prev, bool prev_is_input, Unit prev_unit,
                    const Int& T, Int* z) {
    Int h;
    for (std::size_t i = 0; i < L.rows; ++i) {
        Int acc = L.b[i] * T;
        const Int* w = &L.W[i * L.cols];
        for (std::size_t j = 0; j < L.cols; ++j) {
            if (w[j] == 0) continue;
            const Int& x = prev[j];
            if (!prev_is_input && prev_unit == Unit::relu && sgn(x) <= 0) continue;
            mpz_addmul(acc.get_mpz_t(), w[j].get_mpz_t(), x.get_mpz_t());
        }
        z[i] = std::move(acc);
    }
}

}  // namespace polyrelu
