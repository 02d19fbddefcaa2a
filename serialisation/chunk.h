// ChunkLease and ChunkRef: views of serialised bytes held in reference-counted chunks,
// usually a BufferPool's (FEATURES.md S7; Kompact's net::buffers).
//
//   ChunkLease  exclusive, writable, move-only: the bytes of one message as an encoder
//               produced them (possibly spanning several chunks). Its owner may still
//               patch them (e.g. a frame header) before Freeze().
//   ChunkRef    immutable and shared: copies are cheap (one atomic increment per
//               segment) and may be read, copied and dropped on any thread. This is what
//               travels in a NetData and what a network layer sends.
//
// A chunk goes back into its pool's rotation only when every lease and ref over it is
// gone; a pool may be destroyed first, the chunk then dies with its last ref.
//
// Thread-safety: a ChunkLease has one owner at a time (it may move between threads); a
// ChunkRef is immutable, and distinct copies may be used concurrently. Reading the same
// ChunkRef object from several threads is fine; modifying it (assignment) is not.
#ifndef KOMPACT_SERIALISATION_CHUNK_H_
#define KOMPACT_SERIALISATION_CHUNK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "serialisation/buf.h"

namespace kompact {

namespace serialisation_internal {
class Chunk;

// Segments over chunks, one chunk reference per segment; shared by ChunkLease and
// ChunkRef. One segment (the common case: a message inside one chunk) is held inline,
// so moving it copies four words; several segments live in one heap block.
class ChunkSegments {
 public:
  ChunkSegments() = default;
  ChunkSegments(const ChunkSegments& other);
  ChunkSegments& operator=(const ChunkSegments& other);
  ChunkSegments(ChunkSegments&& other) noexcept
      : first_(other.first_),
        first_chunk_(std::exchange(other.first_chunk_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        more_(std::move(other.more_)) {}
  ChunkSegments& operator=(ChunkSegments&& other) noexcept {
    if (this != &other) {
      Clear();
      first_ = other.first_;
      first_chunk_ = std::exchange(other.first_chunk_, nullptr);
      size_ = std::exchange(other.size_, 0);
      more_ = std::move(other.more_);
    }
    return *this;
  }
  ~ChunkSegments() {
    if (first_chunk_ != nullptr || more_ != nullptr) Clear();
  }

  size_t size() const { return size_; }
  size_t count() const { return more_ != nullptr ? more_->spans.size() : (first_chunk_ != nullptr ? 1 : 0); }
  std::span<const uint8_t> span(size_t i) const { return more_ != nullptr ? more_->spans[i] : first_; }
  Chunk* chunk(size_t i) const { return more_ != nullptr ? more_->chunks[i] : first_chunk_; }
  Buf Reader() const { return more_ != nullptr ? Buf::OverSegments(more_->spans) : Buf(first_); }

  // Adds a segment over [data, data + n) of `chunk`, taking over one reference.
  void AddAdopted(Chunk* chunk, const uint8_t* data, size_t n);
  // Moves tail's segments (and references) after these.
  void Append(ChunkSegments&& tail);
  // Drops the first n bytes of the first segment (n < span(0).size()), keeping its reference.
  void DropFront(size_t n) {
    if (more_ != nullptr) {
      more_->spans[0] = more_->spans[0].subspan(n);
    } else {
      first_ = first_.subspan(n);
    }
    size_ -= n;
  }
  // Forgets every segment, giving up their references.
  void Clear();

 private:
  struct Multi {
    std::vector<std::span<const uint8_t>> spans;
    std::vector<Chunk*> chunks;
  };
  // Forgets every segment without giving up references (they were moved elsewhere).
  void Release() {
    first_ = {};
    first_chunk_ = nullptr;
    size_ = 0;
    more_.reset();
  }

  std::span<const uint8_t> first_;  // the only segment, when first_chunk_ is set
  Chunk* first_chunk_ = nullptr;
  size_t size_ = 0;
  std::unique_ptr<Multi> more_;  // all segments, when there are two or more
};
}  // namespace serialisation_internal

class ChunkRef;
class BufferPool;
class EncodeBuffer;

// Exclusive, writable view of serialised bytes in one or more chunks (see the file
// comment).
class ChunkLease {
 public:
  // An empty lease (no bytes).
  ChunkLease() = default;
  // Movable (the moved-from lease is empty), not copyable.
  ChunkLease(ChunkLease&&) noexcept = default;
  ChunkLease& operator=(ChunkLease&&) noexcept = default;
  ChunkLease(const ChunkLease&) = delete;
  ChunkLease& operator=(const ChunkLease&) = delete;

  // Bytes in total, over all segments.
  size_t size() const { return segs_.size(); }
  // Whether there are no bytes.
  bool empty() const { return segs_.size() == 0; }
  // Number of segments (contiguous runs, each inside one chunk); 0 when empty.
  size_t segment_count() const { return segs_.count(); }
  // Segment i (i < segment_count()), writable: the lease is the only view of these bytes.
  std::span<uint8_t> segment(size_t i) {
    const auto s = segs_.span(i);
    return {const_cast<uint8_t*>(s.data()), s.size()};
  }
  std::span<const uint8_t> segment(size_t i) const { return segs_.span(i); }

  // A reader over the bytes; the lease must outlive it and must not change meanwhile.
  Buf Reader() const { return segs_.Reader(); }
  // A copy of the bytes.
  std::vector<uint8_t> ToVector() const;

  // Splits off the first n bytes (n <= size()) as a new lease; this one keeps the rest.
  ChunkLease SplitPrefix(size_t n);
  // Forgets the first n bytes (n <= size()). Inside the first segment this only
  // moves its start (no reference count traffic, unlike dropping a SplitPrefix).
  void DropPrefix(size_t n) {
    if (n < segs_.span(0).size() || n == 0) {
      if (n != 0) segs_.DropFront(n);
    } else {
      (void)SplitPrefix(n);
    }
  }
  // Appends `tail` after this lease's bytes.
  void Append(ChunkLease&& tail) { segs_.Append(std::move(tail.segs_)); }
  // Gives up write access: an immutable, shareable view of the same bytes.
  ChunkRef Freeze() &&;

 private:
  friend class BufferPool;
  friend class EncodeBuffer;
  explicit ChunkLease(serialisation_internal::ChunkSegments segs) : segs_(std::move(segs)) {}

  serialisation_internal::ChunkSegments segs_;
};

// Immutable, shared view of serialised bytes in one or more chunks (see the file
// comment).
class ChunkRef {
 public:
  // An empty ref (no bytes).
  ChunkRef() = default;
  // Copyable (copies share the bytes; one atomic increment per segment) and movable.
  ChunkRef(const ChunkRef&) = default;
  ChunkRef& operator=(const ChunkRef&) = default;
  ChunkRef(ChunkRef&&) noexcept = default;
  ChunkRef& operator=(ChunkRef&&) noexcept = default;

  // A ref over a fresh heap chunk holding a copy of `bytes` (not from any pool).
  static ChunkRef CopyOf(std::span<const uint8_t> bytes);

  // Bytes in total, over all segments.
  size_t size() const { return segs_.size(); }
  // Whether there are no bytes.
  bool empty() const { return segs_.size() == 0; }
  // Number of segments (contiguous runs, each inside one chunk); 0 when empty.
  size_t segment_count() const { return segs_.count(); }
  // Segment i; requires i < segment_count().
  std::span<const uint8_t> segment(size_t i) const { return segs_.span(i); }

  // A reader over the bytes; this ChunkRef object must outlive it and must not be
  // assigned or moved from meanwhile (copies are independent).
  Buf Reader() const { return segs_.Reader(); }
  // A copy of the bytes.
  std::vector<uint8_t> ToVector() const;

 private:
  friend class ChunkLease;
  explicit ChunkRef(serialisation_internal::ChunkSegments segs) : segs_(std::move(segs)) {}

  serialisation_internal::ChunkSegments segs_;
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_CHUNK_H_
