// A growing table of fixed-width rows (a generator's coordinates, or its values and their
// bounds), stored in blocks.
//
// Why not one std::vector: a layer's table of values is the largest thing the refinement holds
// (width x 12 bytes per generator), and a vector that doubles holds up to twice the rows it has
// and, while it moves, the old copy too: three times the table at the moment of the move, which
// was the peak memory of a whole run.  Blocks are never moved: the first grows like a vector up to
// kBlock rows (so a cell's small local table stays small), each further block is allocated at
// its full size once, and rows keep their address.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace polyrelu {

template <class T>
class Rows {
public:
    static constexpr std::size_t kShift = 12, kBlock = std::size_t(1) << kShift;

    explicit Rows(std::size_t width = 0) : width_(width) {}

    std::size_t width() const { return width_; }
    std::size_t size() const { return size_; }

    // (data() + offset rather than &v[offset]: rows of width 0 have empty blocks)
    T* row(std::size_t g) {
        return g < kBlock ? first_.data() + g * width_ : more_[(g >> kShift) - 1].data() + (g & (kBlock - 1)) * width_;
    }
    const T* row(std::size_t g) const {
        return g < kBlock ? first_.data() + g * width_ : more_[(g >> kShift) - 1].data() + (g & (kBlock - 1)) * width_;
    }

    // A new row, zero-filled.
    T* append() {
        if (size_ < kBlock) {
            first_.resize(first_.size() + width_, T(0));
        } else {
            if ((size_ & (kBlock - 1)) == 0) {
                more_.emplace_back();
                more_.back().reserve(kBlock * width_);
            }
            more_.back().resize(more_.back().size() + width_, T(0));
        }
        return row(size_++);
    }

    // No rows; the first block's room is kept.
    void clear() {
        first_.clear();
        more_.clear();
        size_ = 0;
    }

    // Rows of another width (the old ones are dropped): n zero rows.
    void reset(std::size_t width, std::size_t n) {
        first_.clear();
        more_.clear();
        width_ = width;
        first_.resize(std::min(n, kBlock) * width_, T(0));
        for (std::size_t b = kBlock; b < n; b += kBlock) {
            more_.emplace_back();
            more_.back().reserve(kBlock * width_);
            more_.back().resize(std::min(kBlock, n - b) * width_, T(0));
        }
        size_ = n;
    }

    void swap(Rows& o) noexcept {
        first_.swap(o.first_);
        more_.swap(o.more_);
        std::swap(width_, o.width_);
        std::swap(size_, o.size_);
    }

private:
    std::vector<T> first_;               // rows 0 .. kBlock - 1: grows like a vector
    std::vector<std::vector<T>> more_;   // each further kBlock rows, allocated at full size once
    std::size_t width_ = 0;
    std::size_t size_ = 0;
};

}  // namespace polyrelu
