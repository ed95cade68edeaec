#include "structure.hpp"

#include <string>

namespace polyrelu {

// Checks cells that came from outside (a saved file) against the network: the generators'
// exact values in every layer must give each cell its recorded pattern, and every neuron that
// labels a facet must vanish on all of that facet's generators.
std::string verify_cells(const Refinement& r) {
    const std::size_t D = r.gens.D;
    GenStore values;
    values.D = D;
    values.nz = 0;
    values.coords = r.exact().coords;
    std::size_t offset = 0;
    for (std::size_t l = 0; l < r.net.hidden(); ++l) {
        advance_exact(values, r.net, l);
        const std::size_t width = r.net.layers[l].rows;
        for (std::size_t ci = 0; ci < r.cells.size(); ++ci) {
            const Cell& c = r.cells[ci];
            for (std::size_t i = 0; i < width; ++i) {
                bool pos = false, neg = false;
                for (int g : c.gens) {
                    const int s = sgn(values.val(g)[i]);
                    pos = pos || s > 0;
                    neg = neg || s < 0;
                }
                const bool active = test_bit(c.active.data(), offset + i), zero = test_bit(c.zero.data(), offset + i);
                const bool ok = active ? pos && !neg && !zero : zero ? !pos && !neg : neg && !pos;
                if (!ok)
                    return "region " + std::to_string(ci) + ": neuron " + std::to_string(i) + " of hidden layer " +
                           std::to_string(l + 1) + " does not have the recorded sign on the region";
            }
            for (std::size_t k = 0; k < c.nslots(); ++k) {
                if (!test_bit(c.alive.data(), k)) continue;
                for (Label lab : r.labels.get(c.slot_labels[k])) {
                    if (lab < 0 || (lab >> 32) != static_cast<Label>(l + 1)) continue;
                    const std::size_t unit = static_cast<std::size_t>(lab & 0xffffffff);
                    if (unit >= width) return "region " + std::to_string(ci) + ": a facet names a neuron the layer does not have";
                    for (std::size_t g = 0; g < c.gens.size(); ++g)
                        if (test_bit(c.inc_of(g), k) && sgn(values.val(c.gens[g])[unit]) != 0)
                            return "region " + std::to_string(ci) + ": neuron " + std::to_string(unit) + " of hidden layer " +
                                   std::to_string(l + 1) + " labels a facet it does not vanish on";
                }
            }
        }
        offset += width;
    }
    for (std::size_t ci = 0; ci < r.cells.size(); ++ci) {
        const Cell& c = r.cells[ci];
        std::size_t count = 0;
        for (std::size_t k = 0; k < c.nslots(); ++k) {
            if (!test_bit(c.alive.data(), k)) continue;
            ++count;
            std::size_t on = 0;
            for (std::size_t g = 0; g < c.gens.size(); ++g) on += test_bit(c.inc_of(g), k);
            if (on + 1 < D) return "region " + std::to_string(ci) + ": a facet with too few generators";
        }
        if (D > 1 && count == 0 && c.gens.size() < D) return "region " + std::to_string(ci) + ": not full-dimensional";
    }
    return "";
}

}  // namespace polyrelu
