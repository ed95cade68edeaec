// Where every generator came from, and its exact coordinates computed from that on demand.
//
// Why: the refinement decides almost every sign with the float filter (approx.hpp), so exact
// coordinates are needed only for the few signs the filter cannot certify and for what a user
// reads at the end.  A generator is either given (a start cell's vertex or ray, exact) or the
// crossing of a neuron with an edge: the exact point on the segment between two earlier
// generators a and b where the neuron's pre-activation Z vanishes, |Z(b)| X_a + |Z(a)| X_b (made
// primitive).  Z at a generator is its exact forward pass (network.hpp: the same in every cell),
// so the record (a, b, layer, unit) determines the point exactly, and the DAG of records is
// evaluated lazily and remembered.
#pragma once

#include "bigint.hpp"
#include "dot.hpp"
#include "network.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace polyrelu {

struct Origin {
    std::int64_t a = -1, b = -1;  // the edge's ends (ids whose meaning depends on the table), -1: given
    std::int32_t layer = -1;      // 0-based layer of the neuron
    std::int32_t unit = -1;
};

// An exact point, with the pre-activations of the last layer asked for.
struct ExactPoint {
    IntVec X;
    int layer = -1;
    IntVec Z;
};

// The pre-activations of `layer` (0-based) at the exact homogeneous point X, into Z.  If Z holds
// an earlier layer's (`have`), the forward pass goes on from there.
void exact_values(const Network& net, const IntVec& X, std::size_t layer, IntVec& Z, LimbDot& dot, int have = -1);

// |Z_a| X_b + |Z_b| X_a, made primitive: the crossing of a neuron with the edge [a, b].
IntVec crossing_point(const IntVec& Xa, const Int& Za, const IntVec& Xb, const Int& Zb);

// Records of all generators ever made in a refinement, in the order they were made.  Records are
// appended only between the threads' work (at a layer's merge); the exact values are computed
// by any thread, under a lock.
class History {
public:
    std::int64_t add_given(IntVec X);
    std::int64_t add_crossing(std::int64_t a, std::int64_t b, int layer, int unit);
    // Hands over an exact point a cell's worker already computed (saves doing it again).
    void offer(std::int64_t h, const IntVec& X);
    std::size_t size() const { return origin_.size(); }

    // The exact coordinates of record h.  The reference stays valid (the points are never moved).
    const IntVec& coords(const Network& net, std::int64_t h);
    // The exact pre-activation of `unit` in `layer` at record h.
    Int value(const Network& net, std::int64_t h, std::size_t layer, std::size_t unit);

    History() = default;
    History(History&& o) noexcept : origin_(std::move(o.origin_)), point_(std::move(o.point_)) {}
    History& operator=(History&& o) noexcept {
        origin_ = std::move(o.origin_);
        point_ = std::move(o.point_);
        return *this;
    }

private:
    std::vector<Origin> origin_;
    std::vector<std::unique_ptr<ExactPoint>> point_;  // null until computed
    std::mutex mu_;
    LimbDot dot_;

    const IntVec& coords_locked(const Network& net, std::int64_t h);
    const IntVec& values_locked(const Network& net, std::int64_t h, std::size_t layer);
};

}  // namespace polyrelu
