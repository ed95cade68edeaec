// Facet labels: which neurons (or domain facets) a facet of a cell lies on.
//
// A label is one int64: (layer << 32) | unit for neuron `unit` of hidden layer `layer` >= 1,
// (0 << 32) | j for the domain's facet j, and -1 for the face at infinity.  Cells share label
// sets, so sets are interned once and a cell's slot holds a set id: a split copies ints, not sets.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace polyrelu {

using Label = std::int64_t;
constexpr Label kInfinity = -1;
inline Label neuron_label(int layer, int unit) { return (static_cast<Label>(layer) << 32) | unit; }
inline Label domain_label(int facet) { return static_cast<Label>(facet); }

class LabelSets {
public:
    int intern(std::vector<Label> s) {
        std::sort(s.begin(), s.end());
        s.erase(std::unique(s.begin(), s.end()), s.end());
        std::lock_guard<std::mutex> lock(mu_);  // splitting threads add zero labels now and then
        auto it = ids_.find(s);
        if (it != ids_.end()) return it->second;
        const int id = static_cast<int>(sets_.size());
        sets_.push_back(s);
        ids_.emplace(std::move(s), id);
        return id;
    }
    int with(int set, Label extra) {
        std::vector<Label> s;
        {
            std::lock_guard<std::mutex> lock(mu_);
            s = sets_[set];
        }
        if (std::binary_search(s.begin(), s.end(), extra)) return set;
        s.push_back(extra);
        return intern(std::move(s));
    }
    int merged(int a, int b) {
        std::vector<Label> s;
        {
            std::lock_guard<std::mutex> lock(mu_);
            s = sets_[a];
            s.insert(s.end(), sets_[b].begin(), sets_[b].end());
        }
        return intern(std::move(s));
    }
    // A copy, safe while threads intern sets.
    std::vector<Label> copy(int set) {
        std::lock_guard<std::mutex> lock(mu_);
        return sets_[set];
    }
    // Read after the refinement, when no thread writes any more.
    const std::vector<Label>& get(int set) const { return sets_[set]; }
    std::size_t size() const { return sets_.size(); }

private:
    std::mutex mu_;
    std::vector<std::vector<Label>> sets_;
    std::map<std::vector<Label>, int> ids_;
};

}  // namespace polyrelu
