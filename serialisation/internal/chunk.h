// A reference-counted block of bytes: the storage behind BufferPool chunks and
// standalone ChunkRefs. Private to //serialisation.
//
// The count is atomic: leases and refs over a chunk may be dropped on any thread.
// A pool reuses a chunk only when its own reference is the last one (IsUnique), with
// acquire ordering, so every access made through a dropped ref happens-before the
// pool's next writes to the chunk.
#ifndef KOMPACT_SERIALISATION_INTERNAL_CHUNK_H_
#define KOMPACT_SERIALISATION_INTERNAL_CHUNK_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kompact::serialisation_internal {

class alignas(64) Chunk {
 public:
  // A new chunk of `size` bytes (uninitialised) holding one reference.
  static Chunk* Allocate(size_t size);

  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Drops a reference; the last one frees the chunk.
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) Free();
  }
  // True if the caller holds the only reference.
  bool IsUnique() const { return refs_.load(std::memory_order_acquire) == 1; }

  uint8_t* data() { return reinterpret_cast<uint8_t*>(this) + sizeof(Chunk); }
  size_t size() const { return size_; }

 private:
  explicit Chunk(size_t size) : size_(size) {}
  ~Chunk() = default;
  void Free();

  std::atomic<size_t> refs_{1};
  const size_t size_;
};

}  // namespace kompact::serialisation_internal

#endif  // KOMPACT_SERIALISATION_INTERNAL_CHUNK_H_
