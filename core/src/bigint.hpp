// Exact integers for the core: GMP's mpz_class, plus the few operations the refinement needs.
//
// Why GMP: every sign the float filter cannot prove (approx.hpp) is the sign of an exact integer
// (a pre-activation at an exact homogeneous generator), so no tolerance can enter.
#pragma once

#include <gmpxx.h>

#include <cstdint>
#include <string>
#include <vector>

namespace polyrelu {

using Int = mpz_class;
using IntVec = std::vector<Int>;

// Divide v by the gcd of its entries (v != 0): equal points get equal coordinates in every cell,
// which is what lets start cells share their given generators by exact coordinates.
inline void make_primitive(IntVec& v) {
    Int g = 0;
    for (const Int& x : v) {
        mpz_gcd(g.get_mpz_t(), g.get_mpz_t(), x.get_mpz_t());
        if (g == 1) return;
    }
    if (g > 1)
        for (Int& x : v) mpz_divexact(x.get_mpz_t(), x.get_mpz_t(), g.get_mpz_t());
}

// A byte string that identifies v exactly (sign, length, limbs of each entry): how the start
// cells' given generators are matched.
inline std::string exact_key(const IntVec& v) {
    std::string key;
    for (const Int& x : v) {
        const mpz_srcptr z = x.get_mpz_t();
        const int size = z->_mp_size;  // signed limb count: the sign is part of the key
        key.append(reinterpret_cast<const char*>(&size), sizeof size);
        const std::size_t n = static_cast<std::size_t>(size < 0 ? -size : size);
        if (n) key.append(reinterpret_cast<const char*>(z->_mp_d), n * sizeof(mp_limb_t));
    }
    return key;
}

// Little-endian magnitude bytes of x (Python rebuilds the integer with int.from_bytes).
inline void append_magnitude(const Int& x, std::vector<std::uint8_t>& out) {
    const std::size_t bytes = (mpz_sizeinbase(x.get_mpz_t(), 2) + 7) / 8;
    const std::size_t at = out.size();
    out.resize(at + bytes);
    if (bytes) {
        std::size_t written = 0;
        mpz_export(out.data() + at, &written, -1, 1, -1, 0, x.get_mpz_t());
        out.resize(at + written);
    }
}

}  // namespace polyrelu
