// Peer: everything this system keeps about one remote system — the queue that
// sending threads push messages into, and (network thread only) the messages
// waiting for a connection, the connection in use and the retry state.
//
// Sending (any thread): Push() links the message into a lock-free stack; the first
// push after the network thread last looked schedules the peer (one wake-up per
// batch, not per message). The network thread takes the whole stack at once.
//
// Thread-safety: Push and the `scheduled` flag from any thread; every other member
// on the network thread only. Lifetime: owned by the PeerTable.
#ifndef KOMPACT_NET_PEER_H_
#define KOMPACT_NET_PEER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "base/node_pool.h"
#include "runtime/actor_path.h"
#include "runtime/internal/mpsc_queue.h"
#include "runtime/net_message.h"
#include "timer/timer.h"

namespace kompact::net {

class Connection;

// A queued outbound message (pooled node).
struct OutNode : runtime_internal::QueueNode {
  // A node holding `m`.
  explicit OutNode(NetMessage&& m) : message(std::move(m)) {}
  NetMessage message;  // the message to send
};

// A FIFO of OutNodes linked through `next` (network thread only).
struct OutList {
  OutNode* head = nullptr;  // the oldest node (null when empty)
  OutNode* tail = nullptr;  // the newest node (null when empty)
  size_t count = 0;         // nodes in the list

  // Links `node` in at the tail.
  void Append(OutNode* node) {
    node->next.store(nullptr, std::memory_order_relaxed);
    if (tail == nullptr) {
      head = node;
    } else {
      tail->next.store(node, std::memory_order_relaxed);
    }
    tail = node;
    ++count;
  }
  // Unlinks and returns the oldest node (null when empty).
  OutNode* PopFront() {
    OutNode* node = head;
    if (node == nullptr) return nullptr;
    head = static_cast<OutNode*>(node->next.load(std::memory_order_relaxed));
    if (head == nullptr) tail = nullptr;
    --count;
    return node;
  }
  // Whether the list has no node.
  bool empty() const { return head == nullptr; }
};

// What this system keeps about one remote system (see the file comment).
struct Peer {
  // The peer of the system `k` (its PeerTable key); not copyable.
  explicit Peer(const SystemPath& k) : key(k) {}
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  // Pushes `message`; returns true if the caller must schedule this peer (it was
  // not scheduled). Any thread.
  bool Push(NetMessage&& message) {
    inbox.Push(base_internal::NewNode<OutNode>(std::move(message)));
    return !scheduled.exchange(true, std::memory_order_seq_cst);
  }

  const SystemPath key;  // tcp://address:port of the remote system

  // ---- any thread -----------------------------------------------------------------------
  // Messages for this peer, pushed by any thread (lock-free), taken by the network thread.
  runtime_internal::MpscStack inbox;
  std::atomic<bool> scheduled{false};  // set by a scheduling Push, cleared when the inbox is taken

  // ---- network thread -------------------------------------------------------------------
  // Where this system's connection to the peer stands.
  enum class State : uint8_t { kIdle, kConnecting, kConnected };
  State state = State::kIdle;              // idle, dialling or connected
  OutList pending;                         // taken from the inbox, waiting to be encoded
  Connection* active = nullptr;            // the established connection messages go out on
  Connection* dialling = nullptr;          // this system's connection attempt in progress
  uint32_t attempts = 0;                   // failed attempts of the current dial cycle
  bool retry_scheduled = false;            // a retry timer is pending
  TimerId retry_timer{};                   // that timer (valid while retry_scheduled)
  absl::Status last_error;                 // why the last attempt failed
  bool wanted = false;                     // ConnectSystem: dial even with nothing queued
  bool blocked = false;                    // the block rules' verdict, as of blocks_version
  uint64_t blocks_version = ~uint64_t{0};  // the BlockList version of `blocked` (~0: never computed)
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_PEER_H_
