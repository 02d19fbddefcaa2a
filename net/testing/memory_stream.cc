// MemoryStreamPair: see memory_stream.h.
#include "net/testing/memory_stream.h"

#include <algorithm>
#include <deque>

#include "absl/status/status.h"
#include "glog/logging.h"

namespace kompact::net::testing {

// One side: what it has to read, its handler, its pending events.
struct Side {
  Endpoint remote;            // the other side's endpoint
  std::deque<uint8_t> inbox;  // bytes the other side wrote, unread
  bool inbox_ended = false;   // the other side shut down writing or is gone
  StreamHandler* handler = nullptr;
  bool exists = false;  // a Stream object for this side is alive
  bool connect_pending = false;
  bool readable_pending = false;
  bool writable_pending = false;
  bool wants_writable = false;  // Write returned 0 (room not yet made)
  uint64_t bytes_written = 0;
  uint64_t writes = 0;
};

struct MemoryStreamPair::Link {
  size_t capacity;
  Side sides[2];  // 0: client, 1: server
};

namespace {

using Link = MemoryStreamPair::Link;

class MemoryStream final : public Stream {
 public:
  MemoryStream(std::shared_ptr<Link> link, int side) : link_(std::move(link)), side_(side) {
    self().exists = true;
  }
  ~MemoryStream() override {
    self().exists = false;
    self().handler = nullptr;
    peer().inbox_ended = true;
    peer().readable_pending = true;
  }

  void SetHandler(StreamHandler* handler) override { self().handler = handler; }

  absl::StatusOr<size_t> Read(std::span<uint8_t> into) override {
    Side& me = self();
    if (me.inbox.empty()) {
      if (me.inbox_ended) return absl::UnavailableError("end of stream");
      return 0;
    }
    const size_t n = std::min(into.size(), me.inbox.size());
    std::copy_n(me.inbox.begin(), n, into.begin());
    me.inbox.erase(me.inbox.begin(), me.inbox.begin() + static_cast<std::ptrdiff_t>(n));
    Side& writer = peer();
    if (writer.wants_writable && n > 0) {
      writer.wants_writable = false;
      writer.writable_pending = true;
    }
    return n;
  }

  absl::StatusOr<size_t> Write(std::span<const iovec> parts) override {
    Side& other = peer();
    if (!other.exists || other.inbox_ended) return absl::UnavailableError("broken pipe (memory stream)");
    size_t taken = 0;
    for (const iovec& part : parts) {
      const size_t room = link_->capacity - std::min(link_->capacity, other.inbox.size());
      const size_t n = std::min(room, part.iov_len);
      const auto* p = static_cast<const uint8_t*>(part.iov_base);
      other.inbox.insert(other.inbox.end(), p, p + n);
      taken += n;
      if (n < part.iov_len) break;
    }
    if (taken == 0) {
      self().wants_writable = true;
      return 0;
    }
    self().bytes_written += taken;
    ++self().writes;
    other.readable_pending = true;
    return taken;
  }

  void ShutdownWrite() override {
    peer().inbox_ended = true;
    peer().readable_pending = true;
  }
  void ResumeReading() override { self().readable_pending = true; }
  const Endpoint& remote() const override { return link_->sides[side_].remote; }

 private:
  Side& self() { return link_->sides[side_]; }
  Side& peer() { return link_->sides[1 - side_]; }

  std::shared_ptr<Link> link_;
  int side_;
};

}  // namespace

MemoryStreamPair::MemoryStreamPair(const Endpoint& client, const Endpoint& server, size_t capacity)
    : link_(std::make_shared<Link>()) {
  link_->capacity = capacity;
  link_->sides[0].remote = server;
  link_->sides[1].remote = client;
}

MemoryStreamPair::~MemoryStreamPair() = default;

std::unique_ptr<Stream> MemoryStreamPair::TakeClient(StreamHandler* handler) {
  CHECK(!link_->sides[0].exists) << "TakeClient called twice";
  auto s = std::make_unique<MemoryStream>(link_, 0);
  link_->sides[0].handler = handler;
  link_->sides[0].connect_pending = true;
  return s;
}

std::unique_ptr<Stream> MemoryStreamPair::TakeServer() {
  CHECK(!link_->sides[1].exists) << "TakeServer called twice";
  return std::make_unique<MemoryStream>(link_, 1);
}

bool MemoryStreamPair::Pump(int max_events) {
  // Keep the link alive while handlers destroy streams (and maybe this pair's user).
  std::shared_ptr<Link> link = link_;
  for (int delivered = 0; delivered < max_events;) {
    bool any = false;
    for (Side& side : link->sides) {
      if (!side.exists || side.handler == nullptr) continue;
      if (side.connect_pending) {
        side.connect_pending = false;
        any = true;
        ++delivered;
        side.handler->OnConnected(absl::OkStatus());
        continue;
      }
      if (side.readable_pending) {
        side.readable_pending = false;
        any = true;
        ++delivered;
        side.handler->OnReadable();
        if (!side.exists || side.handler == nullptr) continue;
      }
      if (side.writable_pending) {
        side.writable_pending = false;
        any = true;
        ++delivered;
        side.handler->OnWritable();
      }
    }
    if (!any) return true;
  }
  return false;
}

uint64_t MemoryStreamPair::bytes_to_server() const { return link_->sides[0].bytes_written; }
uint64_t MemoryStreamPair::bytes_to_client() const { return link_->sides[1].bytes_written; }
uint64_t MemoryStreamPair::client_writes() const { return link_->sides[0].writes; }

}  // namespace kompact::net::testing
