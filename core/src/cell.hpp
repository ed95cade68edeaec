// A full-dimensional cell during refinement: its generators and generator/slot incidences.
//
// A slot is an inequality valid on the cell (a domain facet, a side of a neuron's hyperplane, or
// T >= 0 at infinity); `alive` marks the slots that are facets.  Incidences are bitsets of
// `nw` 64-bit words per generator, so the combinatorial edge test is a few word operations.
#pragma once

#include "words.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace polyrelu {

struct Cell {
    std::vector<int> gens;          // generator ids (see refine_cell.hpp for local ids)
    std::vector<Word> inc;          // gens.size() * nw
    std::vector<int> slot_labels;   // label-set id per slot
    Words alive;                    // nw words
    int nw = 1;
    Words active;                   // one bit per hidden neuron of all layers done
    Words zero;                     // neurons identically zero on the cell

    std::size_t nslots() const { return slot_labels.size(); }
    const Word* inc_of(std::size_t i) const { return &inc[i * nw]; }
    Word* inc_of(std::size_t i) { return &inc[i * nw]; }
};

inline bool test_bit(const Word* w, std::size_t k) { return (w[k >> 6] >> (k & 63)) & 1; }
inline void set_bit(Word* w, std::size_t k) { w[k >> 6] |= Word(1) << (k & 63); }
inline void set_bit(std::vector<Word>& w, std::size_t k) { set_bit(w.data(), k); }
inline void set_bit(Words& w, std::size_t k) { set_bit(w.data(), k); }

// Room for one more slot: widen every incidence by a word when the last one is full.
inline void reserve_slot(Cell& c) {
    if (c.nslots() < static_cast<std::size_t>(c.nw) * 64) return;
    const int nw2 = c.nw + 1;
    std::vector<Word> inc2(c.gens.size() * nw2, 0);
    for (std::size_t i = 0; i < c.gens.size(); ++i)
        for (int w = 0; w < c.nw; ++w) inc2[i * nw2 + w] = c.inc[i * c.nw + w];
    c.inc.swap(inc2);
    c.alive.push_back(0);
    c.nw = nw2;
}

// Drop the slots that are not facets and renumber: keeps incidences short through deep networks.
// In place (a slot's new place and a row's new start are never after the old ones): every cell
// of every layer comes through here, and three vectors per cell were a tenth of a 2-D run.
inline void compact_slots(Cell& c) {
    const std::size_t ns = c.nslots();
    std::size_t kept = 0;
    for (int w = 0; w < c.nw; ++w) kept += static_cast<std::size_t>(std::popcount(c.alive[w]));
    if (kept == ns) return;
    const int nw2 = static_cast<int>(std::max<std::size_t>(1, (kept + 63) / 64));
    Word small[8];  // a row's old words: in place, the new row may overwrite them
    std::vector<Word> big(c.nw > 8 ? c.nw : 0);
    Word* row = c.nw > 8 ? big.data() : small;
    for (std::size_t i = 0; i < c.gens.size(); ++i) {
        for (int w = 0; w < c.nw; ++w) row[w] = c.inc_of(i)[w];
        Word* to = &c.inc[i * nw2];
        for (int w = 0; w < nw2; ++w) to[w] = 0;
        for (std::size_t k = 0, j = 0; k < ns; ++k) {
            if (!test_bit(c.alive.data(), k)) continue;
            if (test_bit(row, k)) set_bit(to, j);
            ++j;
        }
    }
    c.inc.resize(c.gens.size() * nw2);
    std::size_t at = 0;
    for (std::size_t k = 0; k < ns; ++k)
        if (test_bit(c.alive.data(), k)) c.slot_labels[at++] = c.slot_labels[k];
    c.slot_labels.resize(kept);
    c.alive.assign(nw2, 0);
    for (std::size_t j = 0; j < kept; ++j) set_bit(c.alive, j);
    c.nw = nw2;
}

}  // namespace polyrelu
