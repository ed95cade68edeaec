// Exact dot products of one-limb weights with multi-limb values, at the limb level.
//
// Why: the forward step is most of the core's work (width x width products per generator per
// layer), and the weights of an integer-scaled float32 layer fit in one 64-bit limb while the
// values have several.  Accumulating w_j * |x_j| with mpn_addmul_1 into two fixed buffers (terms
// of either sign), then subtracting once, avoids the dispatch, normalisation and reallocation
// that one mpz_addmul per term costs.  Exact: the buffers are wide enough that nothing is lost.
#pragma once

#include "bigint.hpp"

#include <cstdint>
#include <vector>

namespace polyrelu {

class LimbDot {
public:
    // Room for terms of up to `limbs` limbs, `terms` of them (each carry adds at most one bit).
    void reserve(std::size_t limbs, std::size_t terms) {
        std::size_t extra = 2;
        while (terms >>= 16) ++extra;  // log2(terms) / 64 + 2 limbs of headroom, generously
        const std::size_t n = limbs + extra + 1;
        if (n > width_) {
            width_ = n;
            pos_.assign(n, 0);
            neg_.assign(n, 0);
        }
    }
    void clear() {
        std::fill(pos_.begin(), pos_.begin() + used_, 0);
        std::fill(neg_.begin(), neg_.begin() + used_, 0);
        used_ = 0;
    }
    // acc += w * x, |w| < 2^64 given as sign and magnitude.
    void add(bool w_negative, mp_limb_t w, mpz_srcptr x) {
        const int xs = x->_mp_size;
        if (xs == 0 || w == 0) return;
        const std::size_t xn = static_cast<std::size_t>(xs < 0 ? -xs : xs);
        std::vector<mp_limb_t>& acc = (w_negative != (xs < 0)) ? neg_ : pos_;
        mp_limb_t cy = mpn_addmul_1(acc.data(), x->_mp_d, static_cast<mp_size_t>(xn), w);
        std::size_t k = xn;
        while (cy) {  // the buffer is wide enough: the carry stops inside it
            const mp_limb_t before = acc[k];
            acc[k] = before + cy;
            cy = acc[k] < before;
            ++k;
        }
        if (k > used_) used_ = k;
        if (xn + 1 > used_) used_ = xn + 1;
    }
    // out += pos - neg, exactly.
    void add_to(Int& out) {
        if (used_ == 0) return;
        Int p, n;
        mpz_import_limbs(p, pos_.data(), used_);
        mpz_import_limbs(n, neg_.data(), used_);
        out += p;
        out -= n;
    }

private:
    std::vector<mp_limb_t> pos_, neg_;
    std::size_t width_ = 0, used_ = 0;

    static void mpz_import_limbs(Int& z, const mp_limb_t* limbs, std::size_t n) {
        while (n && limbs[n - 1] == 0) --n;
        mp_limb_t* d = mpz_limbs_write(z.get_mpz_t(), static_cast<mp_size_t>(n ? n : 1));
        for (std::size_t i = 0; i < n; ++i) d[i] = limbs[i];
        mpz_limbs_finish(z.get_mpz_t(), static_cast<mp_size_t>(n));
    }
};

}  // namespace polyrelu
