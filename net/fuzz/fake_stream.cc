#include "net/fuzz/fake_stream.h"

#include <algorithm>
#include <cstring>

namespace kompact::net_fuzz {

FakeStream::FakeStream(std::span<const uint8_t> input, std::span<const uint8_t> chunk_sizes,
                       bool end_of_stream, WriteMode write_mode)
    : input_(input), chunk_sizes_(chunk_sizes), end_of_stream_(end_of_stream), write_mode_(write_mode) {}

size_t FakeStream::ChunkSize(uint8_t entry, size_t left) {
  const size_t size = (entry & 0x7F) == 0x7F ? left : static_cast<size_t>(entry & 0x7F) + 1;
  return std::min(size, left);
}

absl::StatusOr<size_t> FakeStream::Read(std::span<uint8_t> into) {
  if (at_ == input_.size()) {
    if (!end_of_stream_) return 0;
    end_reported_ = true;
    return absl::UnavailableError("end of stream");
  }
  if (chunk_left_ == 0) {
    const uint8_t entry = chunk_sizes_.empty() ? 0x7F : chunk_sizes_[chunk_index_ % chunk_sizes_.size()];
    if ((entry & 0x80) != 0 && !paused_) {
      paused_ = true;
      return 0;  // nothing available now; the driver calls OnReadable again
    }
    paused_ = false;
    ++chunk_index_;
    chunk_left_ = ChunkSize(entry, input_.size() - at_);
  }
  const size_t n = std::min(into.size(), chunk_left_);
  if (n > 0) std::memcpy(into.data(), input_.data() + at_, n);
  at_ += n;
  chunk_left_ -= n;
  return n;
}

absl::StatusOr<size_t> FakeStream::Write(std::span<const iovec> parts) {
  if (write_shut_down_) wrote_after_shutdown_ = true;
  ++write_calls_;
  size_t budget = 0;
  switch (write_mode_) {
    case WriteMode::kAll:
      budget = SIZE_MAX;
      break;
    case WriteMode::kTrickle:
      budget = write_calls_ % 2 == 0 ? 0 : 5;
      break;
    case WriteMode::kNever:
      budget = 0;
      break;
    case WriteMode::kBroken:
      return absl::UnavailableError("connection reset by peer (fake stream)");
  }
  size_t taken = 0;
  for (const iovec& part : parts) {
    const size_t n = std::min(part.iov_len, budget - taken);
    const auto* p = static_cast<const uint8_t*>(part.iov_base);
    written_.insert(written_.end(), p, p + n);
    taken += n;
    if (n < part.iov_len) break;
  }
  if (taken == 0) write_blocked_ = true;
  return taken;
}

}  // namespace kompact::net_fuzz
