// Tables of exact generators: homogeneous coordinates (X, T), primitive, plus the generator's
// pre-activations in the layer being refined (see network.hpp: they are the same in every cell).
#pragma once

#include "bigint.hpp"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace polyrelu {

struct GenStore {
    std::size_t D = 0;   // homogeneous coordinates per generator
    std::size_t nz = 0;  // values per generator (width of the current layer)
    std::vector<Int> coords;          // size() * D
    std::vector<Int> vals;            // size() * nz
    std::vector<std::string> keys;    // exact_key of the coordinates
    std::unordered_map<std::string, int> index;

    std::size_t size() const { return D ? coords.size() / D : 0; }
    const Int* coord(int g) const { return &coords[static_cast<std::size_t>(g) * D]; }
    const Int* val(int g) const { return &vals[static_cast<std::size_t>(g) * nz]; }
    bool is_ray(int g) const { return sgn(coords[static_cast<std::size_t>(g) * D + D - 1]) == 0; }

    // The id of the generator with these coordinates, adding it (with its values) if new.
    int add(IntVec&& c, const Int* v) {
        std::string key = exact_key(c);
        auto it = index.find(key);
        if (it != index.end()) return it->second;
        const int id = static_cast<int>(keys.size());
        for (Int& x : c) coords.push_back(std::move(x));
        for (std::size_t k = 0; k < nz; ++k) vals.push_back(v ? v[k] : Int(0));
        index.emplace(key, id);
        keys.push_back(std::move(key));
        return id;
    }

    // The id of the point with this key, or -1.
    int find(const std::string& key) const {
        auto it = index.find(key);
        return it == index.end() ? -1 : it->second;
    }
    // Adds a new point (the caller has checked with find): coordinates and values are moved in.
    int insert_new(std::string&& key, IntVec& c, IntVec& v) {
        const int id = static_cast<int>(keys.size());
        for (Int& x : c) coords.push_back(std::move(x));
        for (std::size_t k = 0; k < nz; ++k) vals.push_back(std::move(v[k]));
        index.emplace(key, id);
        keys.push_back(std::move(key));
        return id;
    }

    // Takes generator k of `src` unless an equal point is here already.  With `now` the
    // coordinates and values are moved out at once (src is done with them); otherwise the entry
    // is reserved and filled by fill_from() when src is no longer read.
    int take(GenStore& src, int k, bool now) {
        auto it = index.find(src.keys[k]);
        if (it != index.end()) return it->second;
        const int id = static_cast<int>(keys.size());
        coords.resize(coords.size() + D);
        vals.resize(vals.size() + nz);
        if (now) move_in(src, k, id);
        else pending.emplace_back(id, k);
        index.emplace(src.keys[k], id);
        keys.push_back(src.keys[k]);
        return id;
    }

    // After the refinement nothing is looked up by coordinates any more: the keys go.
    void drop_index() {
        std::unordered_map<std::string, int>().swap(index);
        std::vector<std::string>().swap(keys);
    }

    void fill_from(GenStore& src) {
        for (auto [id, k] : pending) move_in(src, k, id);
        pending.clear();
    }

private:
    std::vector<std::pair<int, int>> pending;

    void move_in(GenStore& src, int k, int id) {
        for (std::size_t j = 0; j < D; ++j) coords[id * D + j] = std::move(src.coords[k * D + j]);
        for (std::size_t j = 0; j < nz; ++j) vals[id * nz + j] = std::move(src.vals[k * src.nz + j]);
    }

public:
};

}  // namespace polyrelu
