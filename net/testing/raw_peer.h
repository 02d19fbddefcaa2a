// RawPeer: a raw TCP client socket on loopback for tests that play a hostile or
// broken peer byte by byte (no Connection, no handshake unless the test writes
// one), and the frames such tests write (Header, HelloFrame).
//
// Thread-safety: one RawPeer per thread. Lifetime: closes its socket when
// destroyed. Every read is bounded (a receive timeout; ReadUntilClosed at most
// `timeout`).
#ifndef KOMPACT_NET_TESTING_RAW_PEER_H_
#define KOMPACT_NET_TESTING_RAW_PEER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/uuid.h"
#include "net/frame.h"
#include "net/proto/wire.pb.h"
#include "runtime/system_path.h"

namespace kompact::net_testing {

// A raw TCP client socket to a loopback port (see the file comment).
class RawPeer {
 public:
  // Connects (blocking) to 127.0.0.1:`port` from `source` (a 127.x.y.z address, so
  // that tests can stand for peers on several IPs; empty: any).
  explicit RawPeer(uint16_t port, const std::string& source = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (!source.empty()) {
      sockaddr_in s{};
      s.sin_family = AF_INET;
      s.sin_port = 0;
      if (::inet_pton(AF_INET, source.c_str(), &s.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&s), sizeof(s)) != 0) {
        return;
      }
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawPeer() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  // Whether connect() succeeded.
  bool connected() const { return connected_; }
  // Writes every byte (false if the socket refused some).
  bool Write(std::span<const uint8_t> bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Closes the writing side (the system reads end of stream).
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // Closes the socket now.
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Reads until the system closes the connection (true) or `timeout` passes
  // (false); what was read is kept.
  bool ReadUntilClosed(absl::Duration timeout = absl::Seconds(5)) {
    const absl::Time deadline = absl::Now() + timeout;
    uint8_t buf[4096];
    for (;;) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return false;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
      if (ready <= 0) {
        if (ready < 0 && errno == EINTR) continue;
        return false;
      }
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      received_.insert(received_.end(), buf, buf + n);
    }
  }
  // Whether the system closed the connection within `wait` (reads what arrives).
  bool ClosedWithin(absl::Duration wait) { return ReadUntilClosed(wait); }
  // Every byte read so far.
  const std::vector<uint8_t>& received() const { return received_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::vector<uint8_t> received_;
};

// A frame header with protocol `version`, frame `type` and body `length`.
inline std::vector<uint8_t> Header(uint8_t version, uint8_t type, uint32_t length) {
  std::vector<uint8_t> h(net::kFrameHeaderSize);
  net::EncodeFrameHeader(static_cast<net::FrameType>(type), 0, length, h.data());
  h[4] = version;
  return h;
}

// A Hello frame advertising tcp://127.0.0.1:`advertised_port` with a fresh incarnation.
inline std::vector<uint8_t> HelloFrame(uint16_t advertised_port) {
  net::wire::Hello hello;
  hello.set_protocol_version(net::kProtocolVersion);
  *hello.mutable_system() =
      net::ToProto(SystemPath(kompact::Transport::kTcp, IpAddress::Loopback(), advertised_port));
  const auto inc = Uuid::Random().ToBytes();
  hello.set_incarnation(inc.data(), inc.size());
  std::vector<uint8_t> out;
  net::AppendControlFrame(net::FrameType::kHello, hello, out);
  return out;
}

// The frames in `bytes` (whole ones; a cut last frame is left out).
inline std::vector<net::FrameHeader> FramesIn(std::span<const uint8_t> bytes) {
  std::vector<net::FrameHeader> out;
  while (bytes.size() >= net::kFrameHeaderSize) {
    auto h = net::DecodeFrameHeader(bytes, 1u << 30);
    if (!h.ok() || bytes.size() < net::kFrameHeaderSize + h->length) break;
    out.push_back(*h);
    bytes = bytes.subspan(net::kFrameHeaderSize + h->length);
  }
  return out;
}

// The code of the first Error frame in `bytes`, if any.
inline std::optional<net::wire::ErrorCode> FirstErrorCode(std::span<const uint8_t> bytes) {
  while (bytes.size() >= net::kFrameHeaderSize) {
    auto h = net::DecodeFrameHeader(bytes, 1u << 30);
    if (!h.ok() || bytes.size() < net::kFrameHeaderSize + h->length) break;
    if (h->type == net::FrameType::kError) {
      auto e = net::ParseControlBody<net::wire::Error>(bytes.subspan(net::kFrameHeaderSize, h->length));
      if (e.ok()) return e->code();
    }
    bytes = bytes.subspan(net::kFrameHeaderSize + h->length);
  }
  return std::nullopt;
}

}  // namespace kompact::net_testing

#endif  // KOMPACT_NET_TESTING_RAW_PEER_H_
