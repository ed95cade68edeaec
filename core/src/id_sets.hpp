// An index of sets of generator ids (the faces and facets of the complex, keyed by the
// generators they contain).
#pragma once

#include <cstdint>
#include <vector>

namespace polyrelu {

// Three ids mixed into one hash (an edge's ends and a neuron: how crossings are named).
inline std::size_t hash3(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    std::uint64_t h = a * 0x9E3779B97F4A7C15ull;
    h ^= (b + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= c * 0x165667B19E3779F9ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
}

// FNV-1a over the ids.
inline std::uint64_t hash_ids(const std::vector<int>& ids) {
    std::uint64_t h = 1469598103934665603ull;
    for (int x : ids) h = (h ^ static_cast<std::uint32_t>(x)) * 1099511628211ull;
    return h;
}

// Sets of generator ids (faces, facets) found by their sorted ids: open addressing on a 64-bit
// hash, equal hashes compare the ids themselves.  Why not std::unordered_map: a node per entry,
// allocated and chased, was a third of the face poset's time.
class IdSetIndex {
public:
    // The slot for hash h whose face has these ids, or the free slot where it goes.
    template <class Same>
    std::size_t find(std::uint64_t h, Same same) const {
        const std::size_t mask = ids_.size() - 1;
        for (std::size_t i = (h ^ (h >> 31)) & mask;; i = (i + 1) & mask)
            if (ids_[i] < 0 || (hash_[i] == h && same(ids_[i]))) return i;
    }
    std::int64_t at(std::size_t slot) const { return ids_[slot]; }
    // Puts id at a free slot from find() (the table may grow: slots are not kept).
    void put(std::size_t slot, std::uint64_t h, std::int64_t id) {
        ids_[slot] = id;
        hash_[slot] = h;
        if (2 * ++used_ > ids_.size()) grow();
    }
    IdSetIndex() : ids_(1024, -1), hash_(1024, 0) {}

private:
    std::vector<std::int64_t> ids_;
    std::vector<std::uint64_t> hash_;
    std::size_t used_ = 0;

    void grow() {
        std::vector<std::int64_t> ids(ids_.size() * 2, -1);
        std::vector<std::uint64_t> hash(ids.size(), 0);
        const std::size_t mask = ids.size() - 1;
        for (std::size_t k = 0; k < ids_.size(); ++k) {
            if (ids_[k] < 0) continue;
            std::size_t i = (hash_[k] ^ (hash_[k] >> 31)) & mask;
            while (ids[i] >= 0) i = (i + 1) & mask;
            ids[i] = ids_[k];
            hash[i] = hash_[k];
        }
        ids_.swap(ids);
        hash_.swap(hash);
    }
};

}  // namespace polyrelu
