// Hash indexes: of sets of generator ids (the faces and facets of the complex, keyed by the
// generators they contain), and one that is emptied in constant time (StampedIndex).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
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

// Open addressing emptied by a new stamp (an entry is in use iff it carries the index's stamp),
// the part of the table in use shrunk back to its smallest size each time: for indexes filled
// and emptied thousands of times a cell (the crossings a split level makes, the keys of a
// table's would-be edges), where clearing or reallocating a table was the cost, and a table the
// size of the largest use was read from memory rather than the cache.  Hash: Key -> 64 bits,
// mixed in its low bits.  Why not std::unordered_map: its node per entry and its bucket modulo
// were half of a crossing's time in 8-D.
template <class Key, class Value, class Hash>
class StampedIndex {
public:
    // Empty, with room for n entries before it grows.
    void clear(std::size_t n = 0) {
        size_ = kMin;
        while (size_ < 2 * n) size_ *= 2;
        if (table_.size() < size_) table_.resize(size_);
        in_use_.clear();
        new_stamp();
    }
    // key's value (fresh = false), or a new value-initialized one (fresh = true); the pointer
    // holds until the next call.
    std::pair<Value*, bool> find_or_add(const Key& key) {
        if (2 * (in_use_.size() + 1) > size_) grow();
        Entry* e = slot(key);
        if (e->stamp == stamp_) return {&e->value, false};
        *e = Entry{key, Value{}, stamp_};
        in_use_.push_back(static_cast<std::uint32_t>(e - table_.data()));
        return {&e->value, true};
    }
    // f(key, value) for every entry in use.
    template <class F>
    void for_each(F&& f) const {
        for (std::uint32_t i : in_use_) f(table_[i].key, table_[i].value);
    }

private:
    struct Entry {
        Key key{};
        Value value{};
        std::uint32_t stamp = 0;
    };
    static constexpr std::size_t kMin = 64;
    std::vector<Entry> table_;
    std::size_t size_ = 0;  // entries [0, size_) in use: a power of two
    std::uint32_t stamp_ = 0;
    std::vector<std::uint32_t> in_use_;  // where the entries in use are, in the order they came
    std::vector<Entry> moving_;

    void new_stamp() {
        if (++stamp_ != 0) return;
        for (Entry& e : table_) e.stamp = 0;  // the stamps wrapped round: start again
        stamp_ = 1;
    }
    Entry* slot(const Key& k) {
        const std::size_t mask = size_ - 1;
        for (std::size_t i = static_cast<std::size_t>(Hash{}(k)) & mask;; i = (i + 1) & mask)
            if (table_[i].stamp != stamp_ || table_[i].key == k) return &table_[i];
    }
    void grow() {
        moving_.clear();
        for (std::uint32_t i : in_use_) moving_.push_back(table_[i]);
        size_ = std::max(kMin, 2 * size_);
        if (table_.size() < size_) table_.resize(size_);
        new_stamp();
        in_use_.clear();
        for (Entry e : moving_) {
            e.stamp = stamp_;
            Entry* to = slot(e.key);
            *to = e;
            in_use_.push_back(static_cast<std::uint32_t>(to - table_.data()));
        }
    }
};

}  // namespace polyrelu
