// What the complex is made of, from the refined cells: shared facets with their labels, the
// face poset, and the linear regions.  All exact and combinatorial, on generator ids.
#pragma once

#include "refine.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace polyrelu {

// Facets (the (d-1)-cells) of all regions, keyed by their generators: two regions share a facet
// iff their keys agree.  Facets at infinity are left out.
struct Facets {
    std::vector<std::int64_t> gen_ptr, gen_ids;   // CSR: generators of each facet (sorted ids)
    std::vector<std::int64_t> cells;              // 2 per facet: the regions (the second -1 on the boundary)
    std::vector<std::int64_t> label_sets;         // 2 per facet: each side's label-set id (-1)
    std::vector<std::int64_t> cell_ptr, cell_facets;  // CSR: the facets of each region
};
Facets shared_facets(const Refinement& r);

// Every cell of the complex (faces of the domain's boundary included), keyed by generators.
struct Faces {
    std::vector<std::int64_t> dim;                // per node (lineality not included)
    std::vector<std::int64_t> gen_ptr, gen_ids;   // CSR: the generators of each node (sorted ids)
    std::vector<std::int64_t> region;             // per node: the region it is, or -1
    std::vector<std::int64_t> edges;              // pairs (face, cell of one dimension more)
};
Faces face_poset(const Refinement& r);

// The number of cells of each dimension 0..n (lineality not included): the face poset's, counted
// without keeping its dimensions, regions and edges (a third of the memory).
std::vector<std::int64_t> face_counts(const Refinement& r);

// For each region, the index of its linear region: regions joined across shared facets where
// their affine maps agree (the map is determined by the exact output values at the generators).
std::vector<std::int64_t> linear_regions(const Refinement& r, const Facets& f);

// Diameter of the graph on n nodes with these edges (pairs), or -1 if it is disconnected.
std::int64_t graph_diameter(std::size_t n, const std::vector<std::int64_t>& edges);

// "" if the cells agree with the network (patterns, facet labels, facet sizes), else the first
// disagreement: how a saved complex is checked before it is used.
std::string verify_cells(const Refinement& r);

}  // namespace polyrelu
