// Buf and BufMut: the byte reader and writer every serialiser uses (FEATURES.md S2, S7).
//
// Wire encoding (all built-ins use it, and so should user serialisers):
//   - fixed-width integers: big-endian (two's complement for signed);
//   - bool: one byte, 0 or 1 (anything else is DataLoss);
//   - SerId: kSerIdBytes bytes, big-endian;
//   - varint: unsigned LEB128, at most 10 bytes, canonical (the shortest form; a longer
//     form is DataLoss, so every value has exactly one encoding);
//   - string / byte string: varint length, then the bytes (no UTF-8 check: a
//     std::string holds bytes).
//
// Errors are sticky, so serialisers read and write straight-line code and check once:
//
//   absl::Status Serialise(BufMut& buf) const {
//     buf.PutU64(id);
//     buf.PutString(name);
//     return absl::OkStatus();          // the caller also checks buf.status()
//   }
//   static absl::StatusOr<Person> Deserialise(Buf& buf) {
//     Person p{.id = buf.GetU64(), .name = buf.GetString()};
//     if (!buf.ok()) return buf.status();
//     return p;
//   }
//
// A Buf never reads outside its bytes: a read past the end records kDataLoss naming the
// value, the offset and the bytes that remain, returns 0/empty, and every later read
// also returns 0/empty. A BufMut whose sink cannot take more bytes records the sink's
// error (kOutOfRange for a fixed buffer, kResourceExhausted for an exhausted buffer
// pool) and drops later writes.
//
// Thread-safety: neither is thread-safe; use one per thread. Lifetime: a Buf does not
// own its bytes (nor, for several segments, the segment array): both must outlive it.
#ifndef KOMPACT_SERIALISATION_BUF_H_
#define KOMPACT_SERIALISATION_BUF_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "serialisation/ser_id.h"

namespace kompact {

namespace buf_internal {

template <typename U>
constexpr U ByteSwapIfLittle(U v) {
  static_assert(std::is_unsigned_v<U>);
  if constexpr (std::endian::native == std::endian::big || sizeof(U) == 1) {
    return v;
  } else if constexpr (sizeof(U) == 2) {
    return __builtin_bswap16(v);
  } else if constexpr (sizeof(U) == 4) {
    return __builtin_bswap32(v);
  } else {
    static_assert(sizeof(U) == 8);
    return __builtin_bswap64(v);
  }
}

// Maximum encoded size of a varint of a uint64_t.
inline constexpr size_t kMaxVarintBytes = 10;

}  // namespace buf_internal

// Reader over bytes held elsewhere: one contiguous span or several segments (e.g. a
// ChunkRef spanning pool chunks) read as one sequence.
class Buf {
 public:
  // One contiguous run of bytes (see OverSegments).
  using Segment = std::span<const uint8_t>;

  // An empty reader.
  Buf() = default;
  // Reads `bytes`, which must outlive the Buf.
  explicit Buf(std::span<const uint8_t> bytes)
      : cur_(bytes.data()), end_(bytes.data() + bytes.size()), seg_begin_(bytes.data()) {}
  explicit Buf(std::string_view bytes)
      : Buf(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())) {}
  // Reads the segments in order as one byte sequence. The array and the bytes must
  // outlive the Buf.
  static Buf OverSegments(std::span<const Segment> segments);

  // Copyable: a copy reads on independently from the same position (e.g. to retry).
  Buf(const Buf&) = default;
  Buf& operator=(const Buf&) = default;

  // Bytes left to read (0 after a failure).
  size_t remaining() const { return static_cast<size_t>(end_ - cur_) + rest_; }
  // Bytes read so far; after a failure, the offset where the first failure happened.
  size_t position() const { return consumed_ + static_cast<size_t>(cur_ - seg_begin_); }
  // Whether no read has failed.
  bool ok() const { return status_.ok(); }
  // OK, or the first error.
  const absl::Status& status() const { return status_; }
  // The next contiguous run of readable bytes (possibly shorter than remaining() when
  // the data spans segments; empty only at the end or after a failure).
  std::span<const uint8_t> Chunk();

  // Fixed-width integers, big-endian (two's complement for signed); 0 after a failure:
  uint8_t GetU8() {
    if (ABSL_PREDICT_TRUE(cur_ != end_)) return *cur_++;
    return GetFixedSlow<uint8_t>("u8");
  }
  uint16_t GetU16() { return GetFixed<uint16_t>("u16"); }
  uint32_t GetU32() { return GetFixed<uint32_t>("u32"); }
  uint64_t GetU64() { return GetFixed<uint64_t>("u64"); }
  int8_t GetI8() { return static_cast<int8_t>(GetFixed<uint8_t>("i8")); }
  int16_t GetI16() { return static_cast<int16_t>(GetFixed<uint16_t>("i16")); }
  int32_t GetI32() { return static_cast<int32_t>(GetFixed<uint32_t>("i32")); }
  int64_t GetI64() { return static_cast<int64_t>(GetFixed<uint64_t>("i64")); }
  // One byte that must be 0 or 1.
  bool GetBool();
  // A SerId: kSerIdBytes bytes, big-endian.
  SerId GetSerId() { return GetFixed<SerId>("SerId"); }
  // A canonical unsigned LEB128 varint.
  uint64_t GetVarU64();
  // A varint length that must not exceed remaining() (so a corrupt length never makes
  // a reader allocate for bytes that are not there) nor `max_length`.
  size_t GetLength(size_t max_length = std::numeric_limits<size_t>::max());
  // Exactly out.size() bytes.
  void GetBytes(std::span<uint8_t> out);
  // A length-prefixed string (see the file comment).
  std::string GetString(size_t max_length = std::numeric_limits<size_t>::max());
  // Skips n bytes (DataLoss if fewer remain).
  void Skip(size_t n);

  // Records `status` (not OK) as this reader's failure unless one is already recorded;
  // for deserialisers that find a semantic error. Returns the recorded status.
  const absl::Status& Fail(absl::Status status);
  // Records kDataLoss "<what> at offset <position()>" (a corrupt value) and returns it.
  const absl::Status& Corrupt(std::string_view what);

 private:
  template <typename U>
  U GetFixed(const char* what) {
    if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - cur_) >= sizeof(U))) {
      U v;
      std::memcpy(&v, cur_, sizeof(U));
      cur_ += sizeof(U);
      return buf_internal::ByteSwapIfLittle(v);
    }
    return GetFixedSlow<U>(what);
  }
  template <typename U>
  U GetFixedSlow(const char* what) {
    U v = 0;
    if (!ReadSlow(&v, sizeof(U), what)) return 0;
    return buf_internal::ByteSwapIfLittle(v);
  }
  // Copies n bytes that may span segments; false (and a recorded failure) if fewer remain.
  bool ReadSlow(void* out, size_t n, const char* what);
  // Makes the next non-empty segment current; false at the end.
  bool NextSegment();
  void Truncated(const char* what, size_t needed);
  void StopReading();

  const uint8_t* cur_ = nullptr;
  const uint8_t* end_ = nullptr;
  const uint8_t* seg_begin_ = nullptr;
  const Segment* next_seg_ = nullptr;
  const Segment* segs_end_ = nullptr;
  size_t consumed_ = 0;  // bytes in segments before the current one
  size_t rest_ = 0;      // bytes in segments after the current one
  absl::Status status_;
};

// Writer into a sink (a growable vector, a fixed span, or pooled chunks). Subclasses
// provide the space through Refill(); the Put* fast paths are inline and non-virtual.
class BufMut {
 public:
  BufMut(const BufMut&) = delete;
  BufMut& operator=(const BufMut&) = delete;
  virtual ~BufMut() = default;

  // Fixed-width integers, big-endian (two's complement for signed), and bool as one byte:
  void PutU8(uint8_t v) {
    if (ABSL_PREDICT_TRUE(cur_ != end_)) {
      *cur_++ = v;
      return;
    }
    PutSlow(&v, 1);
  }
  void PutU16(uint16_t v) { PutFixed(v); }
  void PutU32(uint32_t v) { PutFixed(v); }
  void PutU64(uint64_t v) { PutFixed(v); }
  void PutI8(int8_t v) { PutU8(static_cast<uint8_t>(v)); }
  void PutI16(int16_t v) { PutFixed(static_cast<uint16_t>(v)); }
  void PutI32(int32_t v) { PutFixed(static_cast<uint32_t>(v)); }
  void PutI64(int64_t v) { PutFixed(static_cast<uint64_t>(v)); }
  void PutBool(bool v) { PutU8(v ? 1 : 0); }
  // A SerId: kSerIdBytes bytes, big-endian.
  void PutSerId(SerId id) { PutFixed(id); }
  // A canonical unsigned LEB128 varint (1 to 10 bytes).
  void PutVarU64(uint64_t v);
  // The bytes as they are (no length prefix).
  void PutBytes(std::span<const uint8_t> bytes) {
    if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - cur_) >= bytes.size())) {
      if (!bytes.empty()) std::memcpy(cur_, bytes.data(), bytes.size());
      cur_ += bytes.size();
      return;
    }
    PutSlow(bytes.data(), bytes.size());
  }
  void PutBytes(std::string_view bytes) {
    PutBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
  // Varint length, then the bytes.
  void PutString(std::string_view s) {
    PutVarU64(s.size());
    PutBytes(s);
  }

  // `n` contiguous writable bytes, counted as written, for encoders that need a flat
  // array (e.g. protobuf). nullptr if the sink cannot provide them in one piece (then
  // write with PutBytes instead) or if the writer has failed (see status()); may be
  // nullptr for n == 0.
  uint8_t* Contiguous(size_t n);

  // Bytes written so far.
  size_t written() const { return flushed_ + static_cast<size_t>(cur_ - window_begin_); }
  // Whether no write has failed.
  bool ok() const { return status_.ok(); }
  // OK, or the first error; once failed, writes are dropped.
  const absl::Status& status() const { return status_; }
  // Records `status` (not OK) unless a failure is already recorded.
  void Fail(absl::Status status);

 protected:
  BufMut() = default;

  // Makes [begin, end) the writable window. `written_so_far` is written() taken before
  // the sink moved or released the old window's memory.
  void SetWindow(uint8_t* begin, uint8_t* end, size_t written_so_far) {
    flushed_ = written_so_far;
    window_begin_ = cur_ = begin;
    end_ = end;
  }
  // Forgets the window and the count (for sinks that hand out their bytes and restart).
  void ResetWindow() {
    window_begin_ = cur_ = end_ = nullptr;
    flushed_ = 0;
  }
  // Where the current window begins.
  uint8_t* window_begin() const { return window_begin_; }
  // Where the next byte goes.
  uint8_t* cursor() const { return cur_; }
  // Bytes still free in the current window.
  size_t window_free() const { return static_cast<size_t>(end_ - cur_); }

  // Called, only while ok(), when the window has fewer than `min_bytes` free. The sink
  // takes the bytes written in the current window and installs a new one with
  // SetWindow: at least one free byte, or at least `min_bytes` if `contiguous`.
  // Returns false if it cannot: after Fail(...) when out of space, or without failing
  // when only the contiguous request is impossible (Contiguous() then returns nullptr).
  virtual bool Refill(size_t min_bytes, bool contiguous) = 0;

 private:
  template <typename U>
  void PutFixed(U v) {
    const U be = buf_internal::ByteSwapIfLittle(v);
    if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - cur_) >= sizeof(U))) {
      std::memcpy(cur_, &be, sizeof(U));
      cur_ += sizeof(U);
      return;
    }
    PutSlow(&be, sizeof(U));
  }
  void PutSlow(const void* data, size_t n);

  uint8_t* cur_ = nullptr;
  uint8_t* end_ = nullptr;
  uint8_t* window_begin_ = nullptr;
  size_t flushed_ = 0;
  absl::Status status_;
};

// Writes into a growable byte vector it owns.
class VectorBufMut final : public BufMut {
 public:
  // Starts with room for `initial_capacity` bytes; grows as needed.
  explicit VectorBufMut(size_t initial_capacity = 0);

  // The bytes written so far (valid until the next write).
  std::span<const uint8_t> bytes() const { return {bytes_.data(), written()}; }
  // Hands out the bytes written and starts over empty (the status stays).
  std::vector<uint8_t> Release();

 private:
  bool Refill(size_t min_bytes, bool contiguous) override;

  std::vector<uint8_t> bytes_;  // size() is the capacity in use; written() prefix valid
};

// Writes into a fixed span it does not own; writing past its end is kOutOfRange.
class SpanBufMut final : public BufMut {
 public:
  // Writes into `out`, which must outlive the writer.
  explicit SpanBufMut(std::span<uint8_t> out);

  // The bytes written so far.
  std::span<uint8_t> bytes() const { return out_.first(written()); }

 private:
  bool Refill(size_t min_bytes, bool contiguous) override;

  std::span<uint8_t> out_;
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_BUF_H_
