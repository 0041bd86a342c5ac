#pragma once
// The array behind a column's values: either its own std::vector (what loaders fill) or a read-only view of memory
// someone else owns, kept alive by a shared handle (a snapshot's mapped file: opening one then copies nothing).
//
// Reading never copies. Every member that changes the array first gives a view its own copy (copy on write), so code
// that appends to or edits a column read from a snapshot stays correct, only slower. There is deliberately no
// non-const operator[] or data(): a write goes through mutable_data() or owned(), which makes the copy visible where
// it happens.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <utility>
#include <vector>

namespace segmint::data {

template <typename T>
class Array {
public:
    using value_type = T;
    using const_iterator = const T*;
    using iterator = const T*;

    Array() = default;
    Array(const Array&) = default;
    Array& operator=(const Array&) = default;
    // A moved-from array is empty, as a moved-from vector is (not a view without the handle that keeps it valid).
    Array(Array&& other) noexcept
        : owned_(std::move(other.owned_)),
          view_(std::exchange(other.view_, nullptr)),
          view_size_(std::exchange(other.view_size_, 0)),
          keep_alive_(std::move(other.keep_alive_)) {
        other.owned_.clear();
    }
    Array& operator=(Array&& other) noexcept {
        if (this != &other) {
            owned_ = std::move(other.owned_);
            other.owned_.clear();
            view_ = std::exchange(other.view_, nullptr);
            view_size_ = std::exchange(other.view_size_, 0);
            keep_alive_ = std::move(other.keep_alive_);
        }
        return *this;
    }
    Array(std::initializer_list<T> values) : owned_(values) {}
    Array(std::vector<T> values) : owned_(std::move(values)) {}  // NOLINT: reads like the vector it was
    // A view of `count` values at `values`, which stay valid and unchanged as long as `keep_alive` lives.
    static Array view(const T* values, size_t count, std::shared_ptr<const void> keep_alive) {
        Array array;
        array.view_ = values;
        array.view_size_ = count;
        array.keep_alive_ = std::move(keep_alive);
        return array;
    }

    bool is_view() const { return view_ != nullptr; }
    const T* data() const { return view_ ? view_ : owned_.data(); }
    size_t size() const { return view_ ? view_size_ : owned_.size(); }
    bool empty() const { return size() == 0; }
    // Values held without regrowing; a view owns none.
    size_t capacity() const { return view_ ? 0 : owned_.capacity(); }
    const T& operator[](size_t index) const { return data()[index]; }
    const T& back() const { return data()[size() - 1]; }
    const T* begin() const { return data(); }
    const T* end() const { return data() + size(); }

    // The array as its own vector, to change in place (a view is copied first). The handle is kept until the array
    // is assigned anew or destroyed: a caller may still hold a value or range of the view it is about to add.
    std::vector<T>& owned() {
        if (view_) {
            owned_.assign(view_, view_ + view_size_);
            view_ = nullptr;
            view_size_ = 0;
        }
        return owned_;
    }
    T* mutable_data() { return owned().data(); }
    void push_back(T value) { owned().push_back(value); }
    void resize(size_t count) { owned().resize(count); }
    void reserve(size_t count) { owned().reserve(count); }
    template <typename Iterator>
    void assign(Iterator first, Iterator last) {
        std::vector<T> values(first, last);  // before the view goes: the range may lie in it
        drop_view();
        owned_.swap(values);
    }
    void assign(size_t count, T value) {
        drop_view();
        owned_.assign(count, value);
    }
    template <typename Iterator>
    void insert(const T* at, Iterator first, Iterator last) {
        const size_t index = static_cast<size_t>(at - data());
        auto& values = owned();
        values.insert(values.begin() + static_cast<std::ptrdiff_t>(index), first, last);
    }
    void clear() {
        drop_view();
        owned_.clear();
    }
    // Spare capacity given back; a view has none.
    void shrink_to_fit() {
        if (!view_) owned_.shrink_to_fit();
    }
    Array& operator=(std::vector<T> values) {
        drop_view();
        owned_ = std::move(values);
        return *this;
    }

    friend bool operator==(const Array& a, const Array& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
    friend bool operator!=(const Array& a, const Array& b) { return !(a == b); }
    friend bool operator==(const Array& a, const std::vector<T>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
    friend bool operator==(const std::vector<T>& a, const Array& b) { return b == a; }
    friend bool operator!=(const Array& a, const std::vector<T>& b) { return !(a == b); }
    friend bool operator!=(const std::vector<T>& a, const Array& b) { return !(b == a); }
    friend std::ostream& operator<<(std::ostream& out, const Array& array) {
        out << '{';
        for (size_t i = 0; i < array.size(); ++i) out << (i > 0 ? ", " : "") << +array[i];
        return out << '}';
    }

private:
    void drop_view() {
        view_ = nullptr;
        view_size_ = 0;
        keep_alive_.reset();
    }

    std::vector<T> owned_;
    const T* view_ = nullptr;  // non-null: the array is this view, owned_ is empty
    size_t view_size_ = 0;
    std::shared_ptr<const void> keep_alive_;
};

// The array as a vector to change in place, whichever of the two it is (for code shared by both).
template <typename T>
std::vector<T>& vector_of(Array<T>& array) {
    return array.owned();
}
template <typename T>
std::vector<T>& vector_of(std::vector<T>& values) {
    return values;
}

}  // namespace segmint::data
