// EncodeBuffer: serialises many messages back to back into pooled chunks, one
// ChunkLease per message (FEATURES.md S5 "TellSerialised", S7 "per-component encode
// buffers"; Kompact's EncodeBuffer/BufferEncoder).
//
//   ASSIGN_OR_RETURN(EncodeBuffer buffers, EncodeBuffer::Create(config));
//   EncodeBuffer::Encoder enc = buffers.Begin(value.SizeHint());
//   value.Serialise(enc);                         // or SerialiseInto(value, buffers)
//   ASSIGN_OR_RETURN(ChunkLease bytes, enc.Finish());
//   ChunkRef shared = std::move(bytes).Freeze();
//
// A message starts in the active chunk if at least encode_buf_min_free_space bytes
// (and its size hint, when that fits a chunk) are free there, else in a fresh chunk;
// a message larger than what is left continues in further chunks (the lease then has
// several segments). When the pool is exhausted the encoder fails with
// kResourceExhausted, Finish() returns it, and the EncodeBuffer stays usable.
//
// Thread-safety: not thread-safe; one per component or thread. Lifetime: at most one
// Encoder at a time, and the EncodeBuffer must outlive it and not move meanwhile.
#ifndef KOMPACT_SERIALISATION_ENCODE_BUFFER_H_
#define KOMPACT_SERIALISATION_ENCODE_BUFFER_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "serialisation/buf.h"
#include "serialisation/buffer_pool.h"
#include "serialisation/chunk.h"

namespace kompact {

// Serialises messages back to back into pooled chunks (see the file comment).
class EncodeBuffer {
 public:
  class Encoder;

  // A buffer over a new pool for `config`; takes the first chunk at once.
  [[nodiscard]] static absl::StatusOr<EncodeBuffer> Create(const BufferConfig& config);

  // Movable (not while an Encoder is open), not copyable.
  EncodeBuffer(EncodeBuffer&&) noexcept = default;
  EncodeBuffer& operator=(EncodeBuffer&&) noexcept = default;

  // Starts one message. `size_hint` is the expected size in bytes (0: unknown).
  Encoder Begin(size_t size_hint = 0);

  // The pool the chunks come from.
  const BufferPool& pool() const { return pool_; }
  // Free bytes left in the active chunk.
  size_t active_free() const { return active_.size(); }

 private:
  EncodeBuffer(BufferPool pool, ChunkLease active) : pool_(std::move(pool)), active_(std::move(active)) {}
  // Replaces the active chunk by a fresh one from the pool.
  absl::Status Swap();

  BufferPool pool_;
  ChunkLease active_;  // the unused tail of the active chunk (one segment)
  bool encoding_ = false;
};

// A BufMut writing one message into an EncodeBuffer's chunks.
class EncodeBuffer::Encoder final : public BufMut {
 public:
  Encoder(Encoder&&) = delete;
  // Without Finish(), the message is abandoned and its space reused.
  ~Encoder() override;

  // The message's bytes, or the first error (e.g. kResourceExhausted). Call once.
  [[nodiscard]] absl::StatusOr<ChunkLease> Finish();

 private:
  friend class EncodeBuffer;
  Encoder(EncodeBuffer& owner, size_t size_hint);
  bool Refill(size_t min_bytes, bool contiguous) override;
  void OpenWindow();
  // Moves the bytes written in the window into chain_.
  void TakeWritten();

  EncodeBuffer* owner_;
  ChunkLease chain_;  // completed segments of this message
  bool finished_ = false;
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_ENCODE_BUFFER_H_
