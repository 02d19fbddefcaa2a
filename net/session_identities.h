// SessionIdentities: the verified peer identity (runtime/peer_identity.h) of every
// TLS session of one system, by session id, so that an application can authorise
// each network message by who sent it: NetMessage::session() names the connection
// the message arrived on, and kompact::net::SenderIdentity (net/network_dispatcher.h) looks its
// certificate up here.
//
// A session is added when its connection is established over TLS and retired when
// it closes; retired sessions stay resolvable until `retained` later ones retired
// (messages of a closed session may still wait in a mailbox). Session ids are
// unique among the live and retained ones: Add refuses an id that is already known
// (a dialled peer chooses the session id, and must not be able to choose another
// peer's, and with it its identity).
//
// Thread-safety: Add and Retire on the network thread; Find on any thread (one
// reader lock per call, never on the message path unless the application asks).
// Lifetime: owned by the NetworkCore; the identities it hands out are shared and
// outlive it.
#ifndef KOMPACT_NET_SESSION_IDENTITIES_H_
#define KOMPACT_NET_SESSION_IDENTITIES_H_

#include <cstddef>
#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "runtime/net_message.h"
#include "runtime/peer_identity.h"

namespace kompact::net {

// See the file comment.
class SessionIdentities {
 public:
  // Retired sessions kept resolvable, by default.
  static constexpr size_t kDefaultRetained = 4096;

  // An empty table that keeps `retained` retired sessions resolvable.
  explicit SessionIdentities(size_t retained = kDefaultRetained) : retained_(retained) {}

  // `session` was established with a peer holding `identity` (not null).
  // kAlreadyExists naming the session if it is live or retained.
  [[nodiscard]] absl::Status Add(SessionId session, std::shared_ptr<const PeerIdentity> identity);
  // `session` closed; a no-op for unknown or already retired ones.
  void Retire(SessionId session);
  // The identity of `session`, or null if it is unknown (plaintext, never
  // established here, or retired too long ago).
  std::shared_ptr<const PeerIdentity> Find(SessionId session) const;

  // Live and retained sessions (for tests and introspection).
  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const PeerIdentity> identity;
    bool retired = false;
  };
  const size_t retained_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<SessionId, Entry> sessions_ ABSL_GUARDED_BY(mu_);
  std::deque<SessionId> retired_order_ ABSL_GUARDED_BY(mu_);  // oldest first
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_SESSION_IDENTITIES_H_
