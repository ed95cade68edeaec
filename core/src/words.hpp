// A short bitset of 64-bit words that keeps up to two words inline: a cell's facet and pattern
// bits.  Why: in 2-D every split makes two cells of six heap vectors each, and malloc and free were
// a third of the core's time; these three are mostly a word or two (128 neurons).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace polyrelu {

using Word = std::uint64_t;

class Words {
public:
    Words() = default;
    Words(const Words& o) { copy_from(o.data_, o.size_); }
    Words(Words&& o) noexcept { take(o); }
    Words& operator=(const Words& o) {
        if (this != &o) copy_from(o.data_, o.size_);
        return *this;
    }
    Words& operator=(Words&& o) noexcept {
        if (this != &o) {
            release();
            take(o);
        }
        return *this;
    }
    ~Words() { release(); }

    std::size_t size() const { return size_; }
    Word* data() { return data_; }
    const Word* data() const { return data_; }
    Word& operator[](std::size_t i) { return data_[i]; }
    const Word& operator[](std::size_t i) const { return data_[i]; }
    const Word* begin() const { return data_; }
    const Word* end() const { return data_ + size_; }

    void assign(std::size_t n, Word v) {
        reserve(n);
        std::fill(data_, data_ + n, v);
        size_ = static_cast<std::uint32_t>(n);
    }
    void push_back(Word v) {
        if (size_ == cap_) reserve(2 * static_cast<std::size_t>(cap_));
        data_[size_++] = v;
    }

private:
    // 32 bytes in all: a vector is 24 and its heap block 32-48 more for these sizes, and cells are
    // held in vectors whose doubling makes their own size count (four inline words cost 2-D
    // memory 4%)
    static constexpr std::uint32_t kInline = 2;
    Word* data_ = inline_;  // inline_, or a block from new[] owned here
    std::uint32_t size_ = 0, cap_ = kInline;
    Word inline_[kInline] = {};

    bool on_heap() const { return data_ != inline_; }
    void release() {
        if (on_heap()) delete[] data_;
        data_ = inline_;
        cap_ = kInline;
        size_ = 0;
    }
    void reserve(std::size_t n) {
        if (n <= cap_) return;
        Word* grown = new Word[n];
        std::copy(data_, data_ + size_, grown);
        if (on_heap()) delete[] data_;
        data_ = grown;
        cap_ = static_cast<std::uint32_t>(n);
    }
    void copy_from(const Word* from, std::size_t n) {
        reserve(n);
        std::copy(from, from + n, data_);
        size_ = static_cast<std::uint32_t>(n);
    }
    // o's words, o left empty (inline words are copied, a heap block handed over)
    void take(Words& o) {
        if (o.on_heap()) {
            data_ = o.data_;
            cap_ = o.cap_;
        } else {
            std::copy(o.inline_, o.inline_ + o.size_, inline_);
            data_ = inline_;
            cap_ = kInline;
        }
        size_ = o.size_;
        o.data_ = o.inline_;
        o.size_ = 0;
        o.cap_ = kInline;
    }
};

}  // namespace polyrelu
