// A short bitset of 64-bit words that keeps up to four words inline: a cell's facet and pattern
// bits.  Why: in 2-D every split makes two cells of six heap vectors each, and malloc and free were
// a third of the core's time; these three are almost always a few words long (256 neurons: 4), and
// four inline words take no more memory than a vector and its heap block.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

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
            heap_.reset();
            take(o);
        }
        return *this;
    }

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
        size_ = n;
    }
    void push_back(Word v) {
        if (size_ == cap_) reserve(2 * cap_);
        data_[size_++] = v;
    }

private:
    static constexpr std::size_t kInline = 4;
    Word inline_[kInline] = {};
    std::unique_ptr<Word[]> heap_;
    Word* data_ = inline_;
    std::size_t size_ = 0, cap_ = kInline;

    void reserve(std::size_t n) {
        if (n <= cap_) return;
        auto grown = std::make_unique<Word[]>(n);
        std::copy(data_, data_ + size_, grown.get());
        heap_ = std::move(grown);
        data_ = heap_.get();
        cap_ = n;
    }
    void copy_from(const Word* from, std::size_t n) {
        reserve(n);
        std::copy(from, from + n, data_);
        size_ = n;
    }
    // o's words, o left empty (inline words are copied, heap words handed over)
    void take(Words& o) {
        if (o.heap_) {
            heap_ = std::move(o.heap_);
            data_ = heap_.get();
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
