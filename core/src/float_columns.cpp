// The inner loop of float_layer (approx.hpp): z += W a, mag += |W| |a|, prop += |W| ea over the
// columns a generator uses.  It is most of the forward pass every generator takes into the next
// layer (a sixth of a 2-D run's instructions), and its rows are contiguous, so it is compiled
// twice on x86-64, for AVX2 and for the baseline, and the loader picks the one the processor
// runs (a package built from source on one machine may still be copied to an older one).
//
// AVX2 only widens the vectors: without FMA every product and every sum still rounds on its own,
// which is the arithmetic float_layer's bound was written for (the build also turns contraction
// off, so no compiler flag fuses them behind the bound's back).
#include "approx.hpp"

namespace polyrelu {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define POLYRELU_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define POLYRELU_CLONES
#endif

POLYRELU_CLONES
void add_columns(std::size_t m, std::size_t ncols, const std::uint32_t* cols, const double* WT, const double* AWT,
                 const double* a, const double* ea, double* __restrict z, double* __restrict mag,
                 double* __restrict prop) {
    for (std::size_t c = 0; c < ncols; ++c) {
        const std::size_t j = cols ? cols[c] : c;
        const double aj = a[j], abs_aj = aj < 0 ? -aj : aj, eaj = ea[j];
        const double* __restrict w = WT + j * m;
        const double* __restrict aw = AWT + j * m;
        for (std::size_t i = 0; i < m; ++i) {
            z[i] += w[i] * aj;
            mag[i] += aw[i] * abs_aj;
            prop[i] += aw[i] * eaj;
        }
    }
}

}  // namespace polyrelu
