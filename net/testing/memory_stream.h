// MemoryStreamPair: two connected in-memory Streams (transport.h) for unit tests of
// stream decorators (net/tls) without sockets or a network thread. Bytes written on
// one side become readable on the other; events (OnConnected of the dialling side,
// OnReadable, OnWritable) are queued and delivered by Pump() on the calling thread,
// like a network thread's loop would, edge-triggered.
//
// Each direction holds at most `capacity` unread bytes (a full side's Write returns
// 0 and gets OnWritable once the reader made room), so back-pressure is exercised.
// Destroying a stream ends the other side's reading ("end of stream") as a closed
// socket does.
//
// Thread-safety: single-threaded (the test's thread). Lifetime: the streams and the
// pair may be destroyed in any order; handlers may destroy their stream inside a
// call, as with TcpTransport.
#ifndef KOMPACT_NET_TESTING_MEMORY_STREAM_H_
#define KOMPACT_NET_TESTING_MEMORY_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "net/transport.h"

namespace kompact::net::testing {

// Two connected streams (see the file comment).
class MemoryStreamPair {
 public:
  // `client` is the dialled side (OnConnected(OK) on the first Pump), `server` the
  // accepted side; each sees the other's endpoint as remote().
  MemoryStreamPair(const Endpoint& client, const Endpoint& server, size_t capacity = 256 * 1024);
  ~MemoryStreamPair();

  // The dialled side, with its handler installed (once).
  std::unique_ptr<Stream> TakeClient(StreamHandler* handler);
  // The accepted side, without a handler (install one with SetHandler; once).
  std::unique_ptr<Stream> TakeServer();

  // Delivers queued events until none is left or `max_events` were delivered;
  // returns whether it ran out of events (false: still busy, e.g. a loop).
  bool Pump(int max_events = 100'000);

  // Bytes the client wrote so far.
  uint64_t bytes_to_server() const;
  // Bytes the server wrote so far.
  uint64_t bytes_to_client() const;
  // The client's Write calls that took bytes (for batching checks).
  uint64_t client_writes() const;

  struct Link;  // shared with the streams (memory_stream.cc)

 private:
  std::shared_ptr<Link> link_;
};

}  // namespace kompact::net::testing

#endif  // KOMPACT_NET_TESTING_MEMORY_STREAM_H_
