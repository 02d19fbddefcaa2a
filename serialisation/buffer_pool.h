// BufferConfig and BufferPool: the chunked buffer pool serialised messages are written
// into (FEATURES.md S7; Kompact's BufferConfig/BufferPool).
//
// A pool owns up to max_chunk_count chunks of chunk_size bytes (initial_chunk_count of
// them allocated up front). Acquire() hands out a whole free chunk as a ChunkLease; a
// chunk is free again once every lease and ref over it is gone. When all chunks are in
// use and the pool may not grow, Acquire() returns kResourceExhausted: exhausting
// buffers is a status, never a crash.
//
// Most code uses a pool through an EncodeBuffer (encode_buffer.h), one per component
// (or per network thread), which cuts one chunk into many messages.
//
// Thread-safety: a BufferPool is not thread-safe; keep one per thread/component. The
// leases and refs it hands out may travel to and be dropped on other threads.
// Lifetime: the pool may be destroyed while leases/refs are outstanding; their chunks
// are freed when the last of them is dropped.
#ifndef KOMPACT_SERIALISATION_BUFFER_POOL_H_
#define KOMPACT_SERIALISATION_BUFFER_POOL_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serialisation/chunk.h"

namespace kompact {

// The size of a BufferPool's chunks and how many it may own (Kompact's BufferConfig).
struct BufferConfig {
  // Bytes per chunk (>= 128). Kompact's default: 128 KB.
  size_t chunk_size = 128 * 1000;
  // Chunks allocated when the pool is created (<= max_chunk_count).
  size_t initial_chunk_count = 2;
  // Chunks the pool may own at once (>= 2).
  size_t max_chunk_count = 1000;
  // An EncodeBuffer starts a message in a fresh chunk if the active one has fewer free
  // bytes than this (< chunk_size), to avoid splitting small messages across chunks.
  size_t encode_buf_min_free_space = 64;

  // OK, or kInvalidArgument naming every field that is out of range and why.
  [[nodiscard]] absl::Status Validate() const;
};

// A pool of fixed-size chunks that messages are serialised into (see the file comment).
class BufferPool {
 public:
  // A pool for a valid `config` (see BufferConfig::Validate), with its initial chunks.
  [[nodiscard]] static absl::StatusOr<BufferPool> Create(const BufferConfig& config);

  // Movable (the moved-from pool owns no chunks), not copyable.
  BufferPool(BufferPool&& other) noexcept;
  BufferPool& operator=(BufferPool&& other) noexcept;
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;
  ~BufferPool();

  // A lease over a whole free chunk (chunk_size bytes, contents unspecified): a reused
  // one if any is free, else a new one while fewer than max_chunk_count exist, else
  // kResourceExhausted.
  [[nodiscard]] absl::StatusOr<ChunkLease> Acquire();

  // The configuration the pool was created with.
  const BufferConfig& config() const { return config_; }
  // Bytes per chunk (config().chunk_size).
  size_t chunk_size() const { return config_.chunk_size; }
  // Chunks this pool owns (allocated and not yet freed).
  size_t allocated_chunks() const { return chunks_.size(); }
  // Owned chunks that no lease or ref holds right now.
  size_t free_chunks() const;

 private:
  explicit BufferPool(const BufferConfig& config) : config_(config) {}
  void Release();

  BufferConfig config_;
  std::vector<serialisation_internal::Chunk*> chunks_;  // one reference each
  size_t next_ = 0;                                     // where the next free-chunk scan starts (round robin)
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_BUFFER_POOL_H_
