// The transport interface: the one seam between the network dispatcher's protocol
// code (connections, handshake, retries, heartbeats) and whatever moves the bytes.
// TcpTransport (tcp_transport.h) implements it with non-blocking sockets on epoll;
// a simulated in-memory transport and TLS plug in behind the same interface, so no
// code above it touches a socket.
//
// A transport owns the network thread: an event loop that calls the callbacks and
// handlers below. Everything except Wake() and Post() runs on that thread.
//
// Thread-safety: Wake() and Post() from any thread; every other member and every
// callback only on the network thread (IsNetworkThread()). Lifetime: Streams must
// be destroyed before the transport; Stop() joins the network thread and must not be
// called from it.
#ifndef KOMPACT_NET_TRANSPORT_H_
#define KOMPACT_NET_TRANSPORT_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/endpoint.h"
#include "runtime/peer_identity.h"

namespace kompact::net {

// Events of one stream, called on the network thread. A handler may destroy its
// stream from inside any of these calls.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // A dialled stream finished connecting (OK) or failed (the stream is dead then).
  virtual void OnConnected(absl::Status status) = 0;
  // Bytes (or the end of the stream, or an error) can be read now. Edge-triggered:
  // read until Read returns 0 or an error, or call Resume() later.
  virtual void OnReadable() = 0;
  // Write() would accept bytes again after it returned 0.
  virtual void OnWritable() = 0;
  // An exception escaped one of the calls above (`what` says which and why). The
  // handler must close its stream; the transport and every other stream go on.
  virtual void OnFault(std::string_view what) = 0;
};

// A reliable, ordered byte stream to one remote endpoint (a TCP connection).
class Stream {
 public:
  virtual ~Stream() = default;  // closes the stream (no graceful shutdown)

  // Installs the handler of an accepted stream (dialled streams get theirs at Dial).
  virtual void SetHandler(StreamHandler* handler) = 0;
  // Reads up to into.size() bytes: > 0 bytes read; 0: nothing available now
  // (OnReadable follows when there is); kUnavailable "end of stream" once the peer
  // closed its side; another error when the stream broke.
  [[nodiscard]] virtual absl::StatusOr<size_t> Read(std::span<uint8_t> into) = 0;
  // Writes a prefix of `parts` (one gathering syscall): the bytes taken, 0 if none
  // can be taken now (OnWritable follows); an error when the stream broke.
  [[nodiscard]] virtual absl::StatusOr<size_t> Write(std::span<const iovec> parts) = 0;
  // Closes the writing side after everything written so far (the peer reads end of
  // stream); reading goes on.
  virtual void ShutdownWrite() = 0;
  // Calls OnReadable again soon (after a reader stopped before draining, e.g. out
  // of receive buffers).
  virtual void ResumeReading() = 0;
  // The remote endpoint (the peer's address and port).
  virtual const Endpoint& remote() const = 0;
  // The peer's verified identity once an authenticating stream (net/tls) finished
  // its handshake; nullptr for plaintext streams and before that. Valid as long as
  // the stream.
  virtual const PeerIdentity* peer_identity() const { return nullptr; }
  // How the bytes are protected, for logs and the status port: "plaintext", or e.g.
  // "TLSv1.3 TLS_AES_128_GCM_SHA256".
  virtual std::string security() const { return "plaintext"; }
  // Frees buffers the stream holds while it has nothing buffered (an idle
  // connection); they come back on the next read or write. Plaintext streams hold
  // none.
  virtual void ReleaseIdleBuffers() {}
};

// What moves the bytes for one system's network layer (see the file comment).
class Transport {
 public:
  // What the network thread calls, given to Start.
  struct Callbacks {
    // A new inbound stream; install its handler before returning.
    absl::AnyInvocable<void(std::unique_ptr<Stream>)> on_accept;
    // After one or more Wake() calls (coalesced: at least one call per burst).
    absl::AnyInvocable<void()> on_wake;
    // One datagram received on the UDP socket (the bytes are valid during the call).
    absl::AnyInvocable<void(const Endpoint& from, std::span<const uint8_t> datagram)> on_datagram;
    // An exception escaped a callback or posted task outside any stream's handler
    // (`fatal` false: the loop goes on after this call), or the loop itself failed
    // and the network thread is ending (`fatal` true). Called on the network thread.
    absl::AnyInvocable<void(std::string_view what, bool fatal)> on_fault;
  };

  virtual ~Transport() = default;

  // Binds the stream listener (and, if `udp`, a datagram socket on the same port)
  // now, before Start: port 0 picks a free port, returned here. An occupied port
  // fails at once (kUnavailable naming the endpoint and errno text).
  [[nodiscard]] virtual absl::StatusOr<Endpoint> Bind(const Endpoint& endpoint, bool udp) = 0;
  // Starts the network thread; callbacks run on it until Stop().
  [[nodiscard]] virtual absl::Status Start(Callbacks callbacks) = 0;
  // Stops and joins the network thread and closes the listening sockets (the port
  // can be bound again at once); pending posted tasks are destroyed without
  // running. Idempotent. Not from the network thread.
  virtual void Stop() = 0;

  // Thread-safe: calls on_wake soon on the network thread. Cheap when the thread
  // is already awake or a wake-up is pending (no syscall).
  virtual void Wake() = 0;
  // Thread-safe: runs `task` on the network thread (control work, not per message),
  // after the on_wake of any Wake() that happened before this call.
  virtual void Post(absl::AnyInvocable<void() &&> task) = 0;
  // Whether the caller runs on the network thread. Any thread.
  virtual bool IsNetworkThread() const = 0;
  // For a transport without a thread of its own (the simulated one,
  // testing/sim/sim_transport.h): runs the events its network thread would run, on
  // the calling thread, until `done()` is true or `timeout` has passed on its clock;
  // returns done(). Threaded transports return nullopt at once (their thread is
  // running anyway; the caller waits by itself). Not from the network thread.
  virtual std::optional<bool> DriveUntil(absl::FunctionRef<bool()> done, absl::Duration timeout) {
    (void)done;
    (void)timeout;
    return std::nullopt;
  }

  // ---- network thread only ------------------------------------------------------------
  // Starts connecting to `remote`; `handler` gets OnConnected when done.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Stream>> Dial(const Endpoint& remote,
                                                                     StreamHandler* handler) = 0;
  // One datagram for SendDatagrams.
  struct Datagram {
    Endpoint to;                     // where it goes
    std::span<const uint8_t> bytes;  // its bytes (not owned)
  };
  // Sends each datagram to its endpoint (batched; one syscall where possible).
  // Returns how many were taken; the rest would block (retry after on_wake/tick).
  // Datagrams the kernel refuses for good (e.g. too large) are counted as sent and
  // reported through `failed(index, status)`.
  virtual size_t SendDatagrams(std::span<const Datagram> datagrams,
                               absl::FunctionRef<void(size_t, const absl::Status&)> failed) = 0;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_TRANSPORT_H_
