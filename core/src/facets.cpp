#include "structure.hpp"

#include "id_sets.hpp"

#include <algorithm>
#include <stdexcept>

namespace polyrelu {

Facets shared_facets(const Refinement& r) {
    Facets f;
    IdSetIndex index;
    f.gen_ptr.push_back(0);
    f.cell_ptr.push_back(0);
    std::vector<int> ids;
    for (std::size_t ci = 0; ci < r.cells.size(); ++ci) {
        const Cell& c = r.cells[ci];
        for (std::size_t k = 0; k < c.nslots(); ++k) {
            if (!test_bit(c.alive.data(), k)) continue;
            const auto& labels = r.labels.get(c.slot_labels[k]);
            if (std::find(labels.begin(), labels.end(), kInfinity) != labels.end()) continue;
            ids.clear();
            for (std::size_t g = 0; g < c.gens.size(); ++g)
                if (test_bit(c.inc_of(g), k)) ids.push_back(c.gens[g]);
            std::sort(ids.begin(), ids.end());
            const std::uint64_t h = hash_ids(ids);
            const std::size_t slot = index.find(h, [&](std::int64_t id) {
                const auto a = f.gen_ids.begin() + f.gen_ptr[id], b = f.gen_ids.begin() + f.gen_ptr[id + 1];
                return static_cast<std::size_t>(b - a) == ids.size() && std::equal(a, b, ids.begin());
            });
            const bool fresh = index.at(slot) < 0;
            const std::int64_t id = fresh ? static_cast<std::int64_t>(f.cells.size() / 2) : index.at(slot);
            if (fresh) {
                index.put(slot, h, id);
                f.gen_ids.insert(f.gen_ids.end(), ids.begin(), ids.end());
                f.gen_ptr.push_back(static_cast<std::int64_t>(f.gen_ids.size()));
                f.cells.push_back(static_cast<std::int64_t>(ci));
                f.cells.push_back(-1);
                f.label_sets.push_back(c.slot_labels[k]);
                f.label_sets.push_back(-1);
            } else {
                if (f.cells[2 * id + 1] != -1)  // three regions on one facet: not a complex
                    throw std::logic_error("internal: a facet is shared by more than two regions");
                f.cells[2 * id + 1] = static_cast<std::int64_t>(ci);
                f.label_sets[2 * id + 1] = c.slot_labels[k];
            }
            f.cell_facets.push_back(id);
        }
        f.cell_ptr.push_back(static_cast<std::int64_t>(f.cell_facets.size()));
    }
    return f;
}

}  // namespace polyrelu
