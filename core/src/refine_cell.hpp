// Refining one cell by the neurons of one layer (a double-description step per neuron).
#pragma once

#include "approx.hpp"
#include "cell.hpp"
#include "generators.hpp"
#include "labels.hpp"
#include "network.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace polyrelu {

// Generators made while refining a cell live in the cell's own table until the layer is merged:
// they are referred to by negative ids, -(k + 1) for entry k of that table.
inline bool is_local(int id) { return id < 0; }
inline int local_index(int id) { return -id - 1; }
inline int local_id(int k) { return -(k + 1); }

struct LayerContext {
    const Network* net = nullptr;
    const FloatNet* float_net = nullptr;
    const ApproxTable* global = nullptr;  // generators of all cells, with this layer's values
    History* history = nullptr;         // makes the global generators exact when the filter cannot decide
    int layer = 1;                      // hidden layer, 1-based (as in the labels)
    std::size_t width = 0;
    std::size_t bit_offset = 0;         // first pattern bit of this layer
    std::size_t D = 0;                  // homogeneous dimension
    bool reverse = false;               // split by the neurons in reverse order (a test of order independence)
    LabelSets* labels = nullptr;
    const std::vector<int>* neuron_sets = nullptr;  // interned {(layer, i)} for each neuron i
    std::atomic<bool>* stop = nullptr;  // set when a limit is hit: every thread returns early
    std::atomic<long>* budget = nullptr;  // regions still allowed before max_regions is exceeded
    std::chrono::steady_clock::time_point deadline{};  // max_seconds, looked at between splits
    bool timed = false;
    // the last layer of a count: count the faces each child owns (owned_faces.hpp) towards this
    // interior point of the domain, and hand back the counts (the children are dropped anyway)
    const IntVec* faces_point = nullptr;
    const std::vector<std::size_t>* bit_offsets = nullptr;  // first pattern bit of each hidden layer
    // the last layer of a count: a refined cell hands back how many children it made, not them
    bool count_only = false;
};

// What refining one cell made: its children, the generators new in the cell (local ids), and
// the exact points of those that the filter had to make exact (handed on to the History).
struct CellOutput {
    std::vector<Cell> children;
    ApproxTable local;
    std::vector<std::unique_ptr<ExactPoint>> exact;  // per local generator, null if never needed
    long exact_signs = 0;                            // signs the filter could not decide
    std::vector<std::int64_t> faces;                 // with faces_point: the children's owned faces by dimension
    long counted = 0;                                // count_only: the children made (not in `children`)
};

// Refines `cell` by every neuron of the layer: children in the order of the split tree (the (+)
// side before the (-) side).  Returns false if a limit stopped the work; the children are then
// the pieces made so far, which still cover the cell.  The cell is consumed.
bool refine_cell(Cell&& cell, const LayerContext& ctx, CellOutput& out);

}  // namespace polyrelu
