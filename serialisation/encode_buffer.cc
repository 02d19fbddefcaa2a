#include "serialisation/encode_buffer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "glog/logging.h"

namespace kompact {

absl::StatusOr<EncodeBuffer> EncodeBuffer::Create(const BufferConfig& config) {
  KOMPACT_ASSIGN_OR_RETURN(BufferPool pool, BufferPool::Create(config));
  KOMPACT_ASSIGN_OR_RETURN(ChunkLease first, pool.Acquire());
  return EncodeBuffer(std::move(pool), std::move(first));
}

absl::Status EncodeBuffer::Swap() {
  KOMPACT_ASSIGN_OR_RETURN(ChunkLease fresh, pool_.Acquire());
  active_ = std::move(fresh);  // the old tail is dropped: its chunk frees with its messages
  return absl::OkStatus();
}

EncodeBuffer::Encoder EncodeBuffer::Begin(size_t size_hint) { return Encoder(*this, size_hint); }

EncodeBuffer::Encoder::Encoder(EncodeBuffer& owner, size_t size_hint) : owner_(&owner) {
  CHECK(!owner.encoding_) << "EncodeBuffer: one Encoder at a time";
  owner.encoding_ = true;
  const size_t chunk_size = owner.pool_.chunk_size();
  const size_t max_chunks = owner.pool_.config().max_chunk_count;
  if (size_hint > chunk_size * max_chunks) {
    Fail(absl::ResourceExhaustedError(absl::StrCat("EncodeBuffer: a message of ", size_hint,
                                                   " bytes cannot fit in max_chunk_count (", max_chunks,
                                                   ") chunks of ", chunk_size, " bytes")));
    return;
  }
  size_t wanted = owner.pool_.config().encode_buf_min_free_space;
  if (size_hint <= chunk_size && size_hint > wanted) wanted = size_hint;
  if (owner.active_.size() < wanted || owner.active_.empty()) {
    if (absl::Status s = owner.Swap(); !s.ok()) {
      Fail(Annotate(s, "EncodeBuffer: starting a message"));
      return;
    }
  }
  OpenWindow();
}

EncodeBuffer::Encoder::~Encoder() { owner_->encoding_ = false; }

void EncodeBuffer::Encoder::OpenWindow() {
  std::span<uint8_t> w = owner_->active_.segment(0);
  SetWindow(w.data(), w.data() + w.size(), written());
}

void EncodeBuffer::Encoder::TakeWritten() {
  const size_t n = static_cast<size_t>(cursor() - window_begin());
  if (n > 0) chain_.Append(owner_->active_.SplitPrefix(n));
}

bool EncodeBuffer::Encoder::Refill(size_t min_bytes, bool contiguous) {
  if (finished_) {
    Fail(absl::FailedPreconditionError("EncodeBuffer::Encoder: write after Finish()"));
    return false;
  }
  if (contiguous && min_bytes > owner_->pool_.chunk_size()) return false;
  const size_t before = written();
  TakeWritten();
  if (absl::Status s = owner_->Swap(); !s.ok()) {
    ResetWindow();
    Fail(Annotate(s, absl::StrCat("EncodeBuffer: encoding a message after ", before, " bytes")));
    return false;
  }
  std::span<uint8_t> w = owner_->active_.segment(0);
  SetWindow(w.data(), w.data() + w.size(), before);
  return true;
}

absl::StatusOr<ChunkLease> EncodeBuffer::Encoder::Finish() {
  if (finished_) return absl::FailedPreconditionError("EncodeBuffer::Encoder: Finish() called twice");
  if (ok()) TakeWritten();
  finished_ = true;
  ResetWindow();
  if (!ok()) return status();
  return std::move(chain_);
}

}  // namespace kompact
