// FakeStream: a net::Stream over a fixed byte string, for the connection fuzzer
// (fuzz_targets.h). Reads return the bytes in chunks of fuzzer-chosen sizes, with
// "nothing available now" between chunks where the fuzzer asks for it, and then the
// end of the stream (or nothing, forever). Writes are recorded, and taken in full,
// a few bytes at a time, never, or fail, as the fuzzer asks.
//
// Thread-safety: not thread-safe (one fuzz input on one thread). Lifetime: the
// bytes and chunk sizes given to the constructor must outlive the stream.
#ifndef KOMPACT_NET_FUZZ_FAKE_STREAM_H_
#define KOMPACT_NET_FUZZ_FAKE_STREAM_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/endpoint.h"
#include "net/transport.h"

namespace kompact::net_fuzz {

// How FakeStream::Write behaves.
enum class WriteMode : uint8_t {
  kAll,      // takes every byte offered
  kTrickle,  // takes at most 5 bytes per call, and nothing on every second call
  kNever,    // takes nothing (the connection's output buffer only grows)
  kBroken,   // fails (the stream broke)
};

// A Stream whose peer "sends" a fixed byte string (see the file comment).
class FakeStream final : public net::Stream {
 public:
  // Delivers `input`; the i-th chunk has size chunk_sizes[i % n] (see ChunkSize),
  // preceded by one Read that returns 0 when that entry's high bit is set. After the
  // last byte: "end of stream" if `end_of_stream`, else 0 for ever. An empty
  // `chunk_sizes` means one chunk of everything.
  FakeStream(std::span<const uint8_t> input, std::span<const uint8_t> chunk_sizes, bool end_of_stream,
             WriteMode write_mode);

  // The size a chunk-size entry stands for: 1..127 bytes, or everything left for 0x7F.
  static size_t ChunkSize(uint8_t entry, size_t left);

  // net::Stream.
  void SetHandler(net::StreamHandler* handler) override { handler_ = handler; }
  [[nodiscard]] absl::StatusOr<size_t> Read(std::span<uint8_t> into) override;
  [[nodiscard]] absl::StatusOr<size_t> Write(std::span<const iovec> parts) override;
  void ShutdownWrite() override { write_shut_down_ = true; }
  void ResumeReading() override { resume_requested_ = true; }
  const net::Endpoint& remote() const override { return remote_; }

  // The handler installed by SetHandler (null before).
  net::StreamHandler* handler() const { return handler_; }
  // Every byte a Write took, in order.
  const std::vector<uint8_t>& written() const { return written_; }
  // Whether a Write returned 0 since the last call (the transport would call OnWritable).
  bool TakeWriteBlocked() { return std::exchange(write_blocked_, false); }
  // Whether Read has reported the end of the stream.
  bool end_reported() const { return end_reported_; }
  // Whether every input byte was read.
  bool drained() const { return at_ == input_.size(); }
  // Whether ShutdownWrite was called.
  bool write_shut_down() const { return write_shut_down_; }
  // Whether ResumeReading was called since the last call.
  bool TakeResumeRequested() { return std::exchange(resume_requested_, false); }
  // Whether a Write was called after ShutdownWrite (a protocol bug).
  bool wrote_after_shutdown() const { return wrote_after_shutdown_; }

 private:
  std::span<const uint8_t> input_;
  std::span<const uint8_t> chunk_sizes_;
  const bool end_of_stream_;
  const WriteMode write_mode_;
  net::StreamHandler* handler_ = nullptr;
  net::Endpoint remote_{IpAddress::V4(127, 0, 0, 2), 7001};
  size_t at_ = 0;           // input bytes read so far
  size_t chunk_index_ = 0;  // which chunk-size entry the current chunk uses
  size_t chunk_left_ = 0;   // bytes of the current chunk not yet read
  bool paused_ = false;     // the current chunk's "nothing now" was returned
  bool end_reported_ = false;
  std::vector<uint8_t> written_;
  uint64_t write_calls_ = 0;
  bool write_blocked_ = false;
  bool write_shut_down_ = false;
  bool wrote_after_shutdown_ = false;
  bool resume_requested_ = false;
};

}  // namespace kompact::net_fuzz

#endif  // KOMPACT_NET_FUZZ_FAKE_STREAM_H_
