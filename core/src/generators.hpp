// Tables of generators.  During the refinement a generator is its float approximation (see
// approx.hpp for the invariant) plus its record in the History (history.hpp), which makes it exact
// on demand; GenStore is the exact table a user reads at the end.
#pragma once

#include "bigint.hpp"
#include "history.hpp"
#include "rows.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace polyrelu {

struct ApproxTable {
    std::size_t D = 0;   // homogeneous coordinates per generator
    std::size_t nz = 0;  // values per generator (width of the current layer)
    Rows<double> x, z;               // D, nz per generator
    std::vector<double> ex;          // per generator: the error bound of its coordinates
    Rows<float> ez;                  // nz per generator: the error bound of each value (rounded up)
    std::vector<char> ray;           // T = 0 exactly: known combinatorially, never from a double
    std::vector<std::int64_t> hid;   // record in the History (-1 in a cell's local table)
    std::vector<Origin> origin;      // a cell's local table: the edge and neuron that made it
    bool with_origins = true;        // false for the layer's global tables, which name their
                                     // generators by History record (24 bytes each saved)

    std::size_t size() const { return ray.size(); }
    const double* xs(int g) const { return x.row(static_cast<std::size_t>(g)); }
    const double* zs(int g) const { return z.row(static_cast<std::size_t>(g)); }
    double* xs(int g) { return x.row(static_cast<std::size_t>(g)); }
    double* zs(int g) { return z.row(static_cast<std::size_t>(g)); }
    const float* ezs(int g) const { return ez.row(static_cast<std::size_t>(g)); }
    float* ezs(int g) { return ez.row(static_cast<std::size_t>(g)); }
    bool is_ray(int g) const { return ray[g] != 0; }

    // No entries, the room kept (D, nz and with_origins too).
    void clear() {
        x.clear();
        z.clear();
        ez.clear();
        ex.clear();
        ray.clear();
        hid.clear();
        origin.clear();
    }
    // A new entry, zero-filled; its id.
    int append() {
        const int id = static_cast<int>(size());
        if (id == 0) {  // D and nz are set by now
            x.reset(D, 0);
            z.reset(nz, 0);
            ez.reset(nz, 0);
        }
        x.append();
        z.append();
        ex.push_back(0);
        ez.append();
        ray.push_back(0);
        hid.push_back(-1);
        if (with_origins) origin.emplace_back();
        return id;
    }
    // A copy of entry k of src (same D) with its history record, its values left zero (the caller
    // fills them: this table may hold another layer's); its id.
    int copy_from(const ApproxTable& src, int k, std::int64_t record) {
        const int id = append();
        std::copy(src.xs(k), src.xs(k) + D, xs(id));
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
