#include "serialisation/buf.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_compat.h"

namespace kompact {

// ---- Buf ------------------------------------------------------------------------------

Buf Buf::OverSegments(std::span<const Segment> segments) {
  Buf buf;
  buf.next_seg_ = segments.data();
  buf.segs_end_ = segments.data() + segments.size();
  for (const Segment& s : segments) buf.rest_ += s.size();
  buf.NextSegment();
  return buf;
}

bool Buf::NextSegment() {
  while (next_seg_ != segs_end_) {
    const Segment& seg = *next_seg_++;
    consumed_ += static_cast<size_t>(end_ - seg_begin_);
    rest_ -= seg.size();
    seg_begin_ = cur_ = seg.data();
    end_ = seg.data() + seg.size();
    if (!seg.empty()) return true;
  }
  return false;
}

std::span<const uint8_t> Buf::Chunk() {
  if (cur_ == end_) NextSegment();
  return {cur_, end_};
}

void Buf::StopReading() {
  // Keep position() where the failure happened; make every later read take the slow
  // path, which sees the failure and returns 0.
  consumed_ = position();
  cur_ = end_ = seg_begin_ = nullptr;
  next_seg_ = segs_end_ = nullptr;
  rest_ = 0;
}

const absl::Status& Buf::Fail(absl::Status status) {
  if (status_.ok() && !status.ok()) {
    status_ = std::move(status);
    StopReading();
  }
  return status_;
}

const absl::Status& Buf::Corrupt(std::string_view what) {
  return Fail(absl::DataLossError(absl::StrCat(AsAbsl(what), " at offset ", position())));
}

void Buf::Truncated(const char* what, size_t needed) {
  Fail(absl::DataLossError(absl::StrCat("truncated input: reading ", what, " at offset ", position(),
                                        " needs ", needed, " bytes, ", remaining(), " remain")));
}

bool Buf::ReadSlow(void* out, size_t n, const char* what) {
  if (!status_.ok()) return false;
  if (remaining() < n) {
    Truncated(what, n);
    return false;
  }
  auto* dst = static_cast<uint8_t*>(out);
  while (n > 0) {
    if (cur_ == end_ && !NextSegment()) {
      // remaining() said the bytes are there; a segment list that lies is a bug.
      Truncated(what, n);
      return false;
    }
    const size_t take = std::min(n, static_cast<size_t>(end_ - cur_));
    std::memcpy(dst, cur_, take);
    dst += take;
    cur_ += take;
    n -= take;
  }
  return true;
}

bool Buf::GetBool() {
  const size_t at = position();
  const uint8_t b = GetU8();
  if (ABSL_PREDICT_TRUE(b <= 1)) return b == 1;
  Fail(absl::DataLossError(absl::StrFormat("invalid bool byte 0x%02x at offset %d", b, at)));
  return false;
}

uint64_t Buf::GetVarU64() {
  const size_t at = position();
  uint64_t value = 0;
  for (size_t i = 0; i < buf_internal::kMaxVarintBytes; ++i) {
    uint8_t byte;
    if (ABSL_PREDICT_TRUE(cur_ != end_)) {
      byte = *cur_++;
    } else if (!ReadSlow(&byte, 1, "varint")) {
      return 0;
    }
    const uint64_t bits = byte & 0x7F;
    if (i == 9 && bits > 1) {
      Fail(absl::DataLossError(absl::StrCat("varint at offset ", at, " overflows 64 bits")));
      return 0;
    }
    value |= bits << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0) {
        Fail(absl::DataLossError(
            absl::StrCat("non-canonical varint at offset ", at, " (", i + 1, " bytes for ", value, ")")));
        return 0;
      }
      return value;
    }
  }
  Fail(absl::DataLossError(absl::StrCat("varint at offset ", at, " is longer than 10 bytes")));
  return 0;
}

size_t Buf::GetLength(size_t max_length) {
  const size_t at = position();
  const uint64_t len = GetVarU64();
  if (!ok()) return 0;
  if (len > remaining()) {
    Fail(absl::DataLossError(absl::StrCat("truncated input: length ", len, " at offset ", at, " exceeds the ",
                                          remaining(), " bytes that remain")));
    return 0;
  }
  if (len > max_length) {
    Fail(absl::DataLossError(
        absl::StrCat("length ", len, " at offset ", at, " exceeds the limit of ", max_length)));
    return 0;
  }
  return static_cast<size_t>(len);
}

void Buf::GetBytes(std::span<uint8_t> out) {
  if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - cur_) >= out.size())) {
    if (!out.empty()) std::memcpy(out.data(), cur_, out.size());
    cur_ += out.size();
    return;
  }
  if (!ReadSlow(out.data(), out.size(), "bytes")) std::fill(out.begin(), out.end(), 0);
}

std::string Buf::GetString(size_t max_length) {
  const size_t len = GetLength(max_length);
  if (!ok()) return std::string();
  std::string s(len, '\0');
  if (!ReadSlow(s.data(), len, "string bytes")) return std::string();
  return s;
}

void Buf::Skip(size_t n) {
  if (!status_.ok()) return;
  if (remaining() < n) {
    Truncated("skipped bytes", n);
    return;
  }
  while (n > 0) {
    if (cur_ == end_ && !NextSegment()) break;  // unreachable: remaining() covered n
    const size_t take = std::min(n, static_cast<size_t>(end_ - cur_));
    cur_ += take;
    n -= take;
  }
}

// ---- BufMut ---------------------------------------------------------------------------

void BufMut::Fail(absl::Status status) {
  if (status_.ok() && !status.ok()) {
    status_ = std::move(status);
    end_ = cur_;  // every later write takes the slow path, which drops it
  }
}

void BufMut::PutSlow(const void* data, size_t n) {
  if (!status_.ok()) return;
  const auto* src = static_cast<const uint8_t*>(data);
  while (true) {
    const size_t take = std::min(n, window_free());
    if (take > 0) {
      std::memcpy(cur_, src, take);
      cur_ += take;
      src += take;
      n -= take;
    }
    if (n == 0) return;
    if (!Refill(n, /*contiguous=*/false)) {
      if (status_.ok()) Fail(absl::InternalError("BufMut sink refused a non-contiguous refill"));
      return;
    }
  }
}

void BufMut::PutVarU64(uint64_t v) {
  uint8_t tmp[buf_internal::kMaxVarintBytes];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  tmp[n++] = static_cast<uint8_t>(v);
  PutBytes(std::span<const uint8_t>(tmp, n));
}

uint8_t* BufMut::Contiguous(size_t n) {
  if (!status_.ok()) return nullptr;
  if (window_free() < n && !Refill(n, /*contiguous=*/true)) return nullptr;
  uint8_t* p = cur_;
  cur_ += n;
  return p;
}

// ---- VectorBufMut ---------------------------------------------------------------------

VectorBufMut::VectorBufMut(size_t initial_capacity) {
  if (initial_capacity > 0) {
    bytes_.resize(initial_capacity);
    SetWindow(bytes_.data(), bytes_.data() + bytes_.size(), 0);
  }
}

bool VectorBufMut::Refill(size_t min_bytes, bool contiguous) {
  const size_t used = written();
  if (min_bytes > bytes_.max_size() - used) {
    Fail(absl::ResourceExhaustedError(
        absl::StrCat("VectorBufMut: cannot grow past ", used, " bytes by ", min_bytes)));
    return false;
  }
  const size_t wanted = std::max({used + min_bytes, bytes_.size() * 2, size_t{64}});
  bytes_.resize(wanted);
  SetWindow(bytes_.data() + used, bytes_.data() + bytes_.size(), used);
  return true;
}

std::vector<uint8_t> VectorBufMut::Release() {
  bytes_.resize(written());
  std::vector<uint8_t> out = std::move(bytes_);
  bytes_ = std::vector<uint8_t>();
  ResetWindow();
  return out;
}

// ---- SpanBufMut -----------------------------------------------------------------------

SpanBufMut::SpanBufMut(std::span<uint8_t> out) : out_(out) {
  SetWindow(out.data(), out.data() + out.size(), 0);
}

bool SpanBufMut::Refill(size_t min_bytes, bool contiguous) {
  Fail(absl::OutOfRangeError(absl::StrCat("SpanBufMut: writing ", min_bytes, " more bytes at offset ",
                                          written(), " overflows the fixed buffer of ", out_.size(),
                                          " bytes")));
  return false;
}

}  // namespace kompact
