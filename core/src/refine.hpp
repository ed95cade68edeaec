// The refinement of a domain by every neuron of a network, layer by layer.
#pragma once

#include "approx.hpp"
#include "cell.hpp"
#include "generators.hpp"
#include "labels.hpp"
#include "network.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace polyrelu {

// A starting cell, given exactly by the caller: a pointed cone in homogeneous coordinates.
struct StartCell {
    std::vector<IntVec> gens;                 // extreme rays (X, T), primitive
    std::vector<std::vector<int>> inc;        // per generator, the slots it lies on
    std::vector<std::vector<Label>> slots;    // labels of each slot
    std::vector<int> facets;                  // slots that are facets
    std::vector<Word> active, zero;           // pattern bits of the layers already refined
};

struct Limits {
    long max_regions = -1;    // -1: none
    double max_seconds = -1;  // -1: none
    // count the regions of the last hidden layer as they are made and keep none of them: the
    // exact count of a complex too large to hold (8 inputs: thousands of bytes per region)
    bool count_only = false;
    // with count_only: count the last layer's faces too, each by the region that owns it
    // (owned_faces.hpp), into Refinement::counted_faces; bounded domains only
    bool count_faces = false;
};

enum class Status { complete, region_limit, time_limit, interrupted };

// Called between chunks of cells (from the calling thread): (hidden layer, cells of the layer
// done, cells of the layer, regions so far).  Returning false stops the run (an interrupt).
using ProgressFn = std::function<bool(int, std::size_t, std::size_t, std::size_t)>;

// Polled by the calling thread every few hundredths of a second while the worker threads
// refine a chunk: true stops the run at once (Ctrl-C reaching a long chunk).
using InterruptFn = std::function<bool()>;

struct Refinement {
    Network net;
    ApproxTable gens;              // final generators (approximate coordinates; no values)
    mutable History history;       // where each came from: exact on demand
    Frame frame;                   // of the float coordinates (approx.hpp)
    long exact_signs = 0;          // signs the float filter left to exact arithmetic
    std::vector<Cell> cells;       // the regions, in split-tree order (none with count_only)
    long counted = -1;             // count_only: the regions counted (so far, if a limit stopped it)
    std::vector<std::int64_t> counted_faces;  // count_faces: f_0 .. f_d (empty: not counted, or unbounded)
    LabelSets labels;
    std::size_t pattern_words = 1;
    Status status = Status::complete;
    int stopped_layer = 0;         // where a limit stopped the run (1-based hidden layer)
    std::size_t stopped_cell = 0, stopped_of = 0;

    // The final generators exactly (and, if asked, the output layer's exact values there): made
    // on first use (a run that only needs counts and the combinatorics never makes them; the
    // coordinates alone cost much less than a forward pass per generator).  Not thread-safe.
    const GenStore& exact(bool with_outputs = false) const;

private:
    mutable std::unique_ptr<GenStore> exact_;
};

// Exact values of `layer` at every generator of `store`, from the previous layer's values (or
// the coordinates, for layer 0): one homogenised forward step.
void advance_exact(GenStore& store, const Network& net, std::size_t layer);

// A Refinement from cells that are already refined (a saved complex, the reference engine's
// output): nothing is split, and nothing is computed until it is read.
void assemble(const Network& net, const std::vector<StartCell>& cells, Refinement& out);

// Refines the start cells by the hidden layers first_layer, first_layer + 1, ... (0-based; the
// start cells are already refined by the layers before, with those layers' pattern bits): a
// group of cells of one layer can be finished anywhere (another process, another machine).
void refine(const Network& net, const std::vector<StartCell>& starts, std::size_t first_layer, int threads,
            bool reverse, const Limits& limits, const ProgressFn& progress, Refinement& out,
            const InterruptFn& interrupted = {});

}  // namespace polyrelu
