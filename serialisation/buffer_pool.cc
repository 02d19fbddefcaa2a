#include "serialisation/buffer_pool.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "serialisation/internal/chunk.h"

namespace kompact {

using serialisation_internal::Chunk;
using serialisation_internal::ChunkSegments;

absl::Status BufferConfig::Validate() const {
  std::vector<std::string> errors;
  if (chunk_size < 128) {
    errors.push_back(absl::StrCat("chunk_size (", chunk_size, ") must be at least 128 bytes"));
  }
  if (encode_buf_min_free_space >= chunk_size) {
    errors.push_back(absl::StrCat("encode_buf_min_free_space (", encode_buf_min_free_space,
                                  ") must be less than chunk_size (", chunk_size, ")"));
  }
  if (max_chunk_count < 2) {
    errors.push_back(absl::StrCat("max_chunk_count (", max_chunk_count, ") must be at least 2"));
  }
  if (initial_chunk_count > max_chunk_count) {
    errors.push_back(absl::StrCat("initial_chunk_count (", initial_chunk_count,
                                  ") must not exceed max_chunk_count (", max_chunk_count, ")"));
  }
  if (chunk_size > 0 && max_chunk_count > std::numeric_limits<size_t>::max() / chunk_size) {
    errors.push_back(absl::StrCat("max_chunk_count (", max_chunk_count, ") * chunk_size (", chunk_size,
                                  ") overflows size_t"));
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("invalid BufferConfig: ", absl::StrJoin(errors, "; ")));
}

absl::StatusOr<BufferPool> BufferPool::Create(const BufferConfig& config) {
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  BufferPool pool(config);
  pool.chunks_.reserve(config.initial_chunk_count);
  for (size_t i = 0; i < config.initial_chunk_count; ++i) {
    pool.chunks_.push_back(Chunk::Allocate(config.chunk_size));
  }
  return pool;
}

BufferPool::BufferPool(BufferPool&& other) noexcept
    : config_(other.config_), chunks_(std::move(other.chunks_)), next_(other.next_) {
  other.chunks_.clear();
}

BufferPool& BufferPool::operator=(BufferPool&& other) noexcept {
  if (this != &other) {
    Release();
    config_ = other.config_;
    chunks_ = std::move(other.chunks_);
    next_ = other.next_;
    other.chunks_.clear();
  }
  return *this;
}

BufferPool::~BufferPool() { Release(); }

void BufferPool::Release() {
  for (Chunk* c : chunks_) c->Unref();
  chunks_.clear();
}

absl::StatusOr<ChunkLease> BufferPool::Acquire() {
  const size_t n = chunks_.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (next_ + k) % n;
    Chunk* c = chunks_[i];
    if (c->IsUnique()) {
      next_ = (i + 1) % n;
      c->Ref();
      ChunkSegments segs;
      segs.AddAdopted(c, c->data(), c->size());
      return ChunkLease(std::move(segs));
    }
  }
  if (n >= config_.max_chunk_count) {
    return absl::ResourceExhaustedError(absl::StrCat("BufferPool exhausted: all ", n,
                                                     " chunks (max_chunk_count) of ", config_.chunk_size,
                                                     " bytes are held by leases or refs"));
  }
  Chunk* c = Chunk::Allocate(config_.chunk_size);
  chunks_.push_back(c);
  c->Ref();
  ChunkSegments segs;
  segs.AddAdopted(c, c->data(), c->size());
  return ChunkLease(std::move(segs));
}

size_t BufferPool::free_chunks() const {
  size_t free = 0;
  for (const Chunk* c : chunks_) free += c->IsUnique() ? 1 : 0;
  return free;
}

}  // namespace kompact
