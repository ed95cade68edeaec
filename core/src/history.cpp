#include "history.hpp"

namespace polyrelu {

void exact_values(const Network& net, const IntVec& X, std::size_t layer, IntVec& Z, LimbDot& dot, int have) {
    const std::size_t D = X.size();
    IntVec prev;
    std::size_t from = 0;
    if (have >= 0 && static_cast<std::size_t>(have) < layer) {  // Z holds layer `have`: go on from there
        prev.swap(Z);
        from = static_cast<std::size_t>(have) + 1;
    }
    for (std::size_t l = from; l <= layer; ++l) {
        const Layer& L = net.layers[l];
        Z.assign(L.rows, Int(0));
        const Unit prev_unit = l == 0 ? Unit::identity : net.layers[l - 1].unit;
        forward(L, l == 0 ? X.data() : prev.data(), l == 0, prev_unit, X[D - 1], Z.data(), &dot);
        if (l < layer) prev.swap(Z);
    }
}

IntVec crossing_point(const IntVec& Xa, const Int& Za, const IntVec& Xb, const Int& Zb) {
    Int wa = abs(Zb), wb = abs(Za);
    IntVec X(Xa.size());
    for (std::size_t k = 0; k < X.size(); ++k) {
        mpz_mul(X[k].get_mpz_t(), wa.get_mpz_t(), Xa[k].get_mpz_t());
        mpz_addmul(X[k].get_mpz_t(), wb.get_mpz_t(), Xb[k].get_mpz_t());
    }
    make_primitive(X);
    return X;
}

std::int64_t History::add_given(IntVec X) {
    origin_.push_back(Origin{});
    auto p = std::make_unique<ExactPoint>();
    p->X = std::move(X);
    point_.push_back(std::move(p));
    return static_cast<std::int64_t>(origin_.size()) - 1;
}

std::int64_t History::add_crossing(std::int64_t a, std::int64_t b, int layer, int unit) {
    origin_.push_back(Origin{a, b, layer, unit});
    point_.emplace_back();
    return static_cast<std::int64_t>(origin_.size()) - 1;
}

void History::offer(std::int64_t h, const IntVec& X) {
    if (point_[h]) return;
    auto p = std::make_unique<ExactPoint>();
    p->X = X;
    point_[h] = std::move(p);
}

const IntVec& History::coords(const Network& net, std::int64_t h) {
    std::lock_guard<std::mutex> lock(mu_);
    return coords_locked(net, h);
}

Int History::value(const Network& net, std::int64_t h, std::size_t layer, std::size_t unit) {
    std::lock_guard<std::mutex> lock(mu_);
    return values_locked(net, h, layer)[unit];
}

// Without recursion: a generator made deep in a network has a long chain of ancestors.
const IntVec& History::coords_locked(const Network& net, std::int64_t h) {
    std::vector<std::int64_t> todo{h};
    while (!todo.empty()) {
        const std::int64_t t = todo.back();
        if (point_[t]) {
            todo.pop_back();
            continue;
        }
        const Origin o = origin_[t];
        const bool ready = point_[o.a] && point_[o.b];
        if (!point_[o.a]) todo.push_back(o.a);
        if (!point_[o.b]) todo.push_back(o.b);
        if (!ready) continue;
        const Int za = values_locked(net, o.a, o.layer)[o.unit];
        const Int zb = values_locked(net, o.b, o.layer)[o.unit];
        auto p = std::make_unique<ExactPoint>();
        p->X = crossing_point(point_[o.a]->X, za, point_[o.b]->X, zb);
        point_[t] = std::move(p);
        todo.pop_back();
    }
    return point_[h]->X;
}

const IntVec& History::values_locked(const Network& net, std::int64_t h, std::size_t layer) {
    coords_locked(net, h);
    ExactPoint& p = *point_[h];
    if (p.layer != static_cast<int>(layer)) {
        exact_values(net, p.X, layer, p.Z, dot_, p.layer);
        p.layer = static_cast<int>(layer);
    }
    return p.Z;
}

}  // namespace polyrelu
