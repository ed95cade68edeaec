// Tables of generators.  During the refinement a generator is its float approximation (see
// approx.hpp for the invariant) plus its record in the History (history.hpp), which makes it exact
// on demand; GenStore is the exact table a user reads at the end.
#pragma once

#include "bigint.hpp"
#include "history.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace polyrelu {

struct ApproxTable {
    std::size_t D = 0;   // homogeneous coordinates per generator
    std::size_t nz = 0;  // values per generator (width of the current layer)
    std::vector<double> x, z;        // size() * D, size() * nz
    std::vector<double> ex;          // per generator: the error bound of its coordinates
    std::vector<float> ez;           // size() * nz: the error bound of each value (rounded up)
    std::vector<char> ray;           // T = 0 exactly: known combinatorially, never from a double
    std::vector<std::int64_t> hid;   // record in the History (-1 in a cell's local table)
    std::vector<Origin> origin;      // a cell's local table: the edge and neuron that made it
    bool with_origins = true;        // false for the layer's global tables, which name their
                                     // generators by History record (24 bytes each saved)

    std::size_t size() const { return ray.size(); }
    const double* xs(int g) const { return &x[static_cast<std::size_t>(g) * D]; }
    const double* zs(int g) const { return &z[static_cast<std::size_t>(g) * nz]; }
    double* xs(int g) { return &x[static_cast<std::size_t>(g) * D]; }
    double* zs(int g) { return &z[static_cast<std::size_t>(g) * nz]; }
    const float* ezs(int g) const { return &ez[static_cast<std::size_t>(g) * nz]; }
    float* ezs(int g) { return &ez[static_cast<std::size_t>(g) * nz]; }
    bool is_ray(int g) const { return ray[g] != 0; }

    // A new entry, zero-filled; its id.
    int append() {
        const int id = static_cast<int>(size());
        x.resize(x.size() + D, 0.0);
        z.resize(z.size() + nz, 0.0);
        ex.push_back(0);
        ez.resize(ez.size() + nz, 0.0f);
        ray.push_back(0);
        hid.push_back(-1);
        if (with_origins) origin.emplace_back();
        return id;
    }
    // A copy of entry k of src (same D) with its history record, and its values if src holds the
    // same layer's (else they are left zero for the caller to fill); its id.
    int copy_from(const ApproxTable& src, int k, std::int64_t record) {
        const int id = append();
        std::copy(src.xs(k), src.xs(k) + D, xs(id));
        if (src.nz == nz) {
            std::copy(src.zs(k), src.zs(k) + nz, zs(id));
            std::copy(src.ezs(k), src.ezs(k) + nz, ezs(id));
        }
        ex[id] = src.ex[k];
        ray[id] = src.ray[k];
        hid[id] = record;
        return id;
    }
};

// Exact generators: homogeneous coordinates (X, T), primitive, and the output layer's values.
struct GenStore {
    std::size_t D = 0;
    std::size_t nz = 0;
    std::vector<Int> coords;  // size() * D
    std::vector<Int> vals;    // size() * nz

    std::size_t size() const { return D ? coords.size() / D : 0; }
    const Int* coord(int g) const { return &coords[static_cast<std::size_t>(g) * D]; }
    const Int* val(int g) const { return &vals[static_cast<std::size_t>(g) * nz]; }
};

}  // namespace polyrelu
