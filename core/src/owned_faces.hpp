// The f-vector of a complex counted one region at a time, without ever holding the complex: each
// face is counted by exactly one region (the one that owns it) at exactly one vertex (its lowest).
//
// Ownership.  Fix a point p in the interior of the (bounded, convex) domain.  A face F belongs
// to the region R that a step from F towards p enters: R contains F, and every facet of R that
// contains F has p strictly inside its half-space, ties (p on the facet's hyperplane) broken by
// the symbolic perturbation p + (eps, eps^2, ...).  Why exactly one region: near a point x of F's
// relative interior the regions containing F are the cones of a fan around F, restricted to the
// domain; the direction p - x points into the domain (p is interior) and, perturbed, lies in the
// interior of exactly one of those cones.  The region of that cone is the one whose facets
// through F all face p.  The sign "p inside facet i's half-space" does not depend on x: the facet's
// neuron z_i is affine on R and vanishes on F, so z_i(p) - z_i(x) = z_i(p).  A domain facet always
// faces p (p is interior), so only neuron facets can disown a face: call a neuron facet of R
// "upper" when p is not inside its half-space.  Then R owns its faces that lie in no upper facet.
//
// Lowest vertex.  Fix a linear functional c, perturbed lexicographically so that no two vertices
// tie.  Every face of R (bounded) has one c-lowest vertex v, and v is lowest in F iff every edge of
// F at v goes up from v (F's tangent cone at v is spanned by its edges there).  At a vertex v of R
// with exactly d facets (simple), the faces of R through v are the spans of the subsets S of
// v's d edges, F_S lying in facet j iff S misses the edge opposite j.  So the faces of R owned by
// R with lowest vertex v are the S with  opposite(upper facets at v) <= S <= up-edges at v:
// C(up - u, k - u) faces of dimension k, where u is the number of upper facets at v (0 if some
// upper facet's opposite edge goes down).  Elsewhere (degenerate vertices) the faces through v
// are enumerated from the vertex figure (faces.cpp's top-down search, on v's edges).
//
// Summed over the regions this is the complex's f-vector, faces on the domain's boundary
// included, as faces.cpp counts it (faces of regions, one per set of vertices).
#pragma once

#include "cell.hpp"
#include "edges.hpp"
#include "labels.hpp"
#include "network.hpp"

#include <cstdint>
#include <vector>

namespace polyrelu {

// A point strictly inside the convex hull of the start cells' vertices (their mean, homogeneous
// and primitive), or empty when some start cell has a ray (an unbounded domain: no lowest vertex).
IntVec interior_point(const std::vector<IntVec>& points);

// For each neuron of the hidden layers 0 .. layers - 1 (by pattern bit): the sign of its
// pre-activation at p, perturbed, as the affine function it is on cell c (c's pattern imposed on
// the layers before it).  0 only for a neuron identically zero there.
std::vector<signed char> facing_signs(const Network& net, const IntVec& p, const Cell& c, std::size_t layers);

// The neuron of a label set that `upper_slots` reads (-1 if the set holds a domain facet: such a
// facet always faces p), as a pattern bit.
std::int64_t facet_neuron(const std::vector<Label>& set, const std::vector<std::size_t>& bit_offsets);

// The upper facets of region r (nw words over its slots): a neuron facet with neuron bit n is
// upper iff r lies on the side of the neuron that p (perturbed) is not.  `neuron_of` maps r's slot
// label ids to facet_neuron's answer.
template <class NeuronOf>
void upper_slots(const Cell& r, const std::vector<signed char>& facing, NeuronOf&& neuron_of, std::vector<Word>& out) {
    out.assign(r.nw, 0);
    for (std::size_t k = 0; k < r.nslots(); ++k) {
        if (!test_bit(r.alive.data(), k)) continue;
        const std::int64_t n = neuron_of(r.slot_labels[k]);
        if (n < 0) continue;
        const int side = test_bit(r.active.data(), static_cast<std::size_t>(n)) ? 1 : -1;
        if (side * facing[static_cast<std::size_t>(n)] < 0) set_bit(out, k);
    }
}

// Adds to counts[k] the k-faces of region r that r owns, for k = 0 .. d (d = dimension):
// `edges` are r's edges (indices into r.gens), `up[e]` true when edge e goes up from its end a to
// its end b, `upper` r's upper facets.  Scratch lives in `scratch` between calls.
struct OwnedScratch {
    std::vector<char> simple;                 // per vertex
    std::vector<std::uint32_t> ups, covered;  // per vertex: its up edges, those leaving an upper facet
};
void count_owned_faces(const Cell& r, std::span<const Edge> edges, const std::vector<char>& up,
                       const std::vector<Word>& upper, std::size_t d, std::vector<std::int64_t>& counts,
                       OwnedScratch& scratch);

}  // namespace polyrelu
