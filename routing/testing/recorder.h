// Test helpers for path-addressed delivery: a component that records every
// message it receives by path, and an inbox tests can wait on (bounded waits).
#ifndef KOMPACT_ROUTING_TESTING_RECORDER_H_
#define KOMPACT_ROUTING_TESTING_RECORDER_H_

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "runtime/actor_path.h"
#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/net_message.h"
#include "serialisation/ser_id.h"

namespace kompact::routing_testing {

// One message a Recorder received, as it arrived.
struct Received {
  int recorder = -1;                 // which Recorder got it
  ActorPath sender;                  // the message's sender path
  ActorPath receiver;                // the message's receiver path
  SerId ser_id = 0;                  // the payload's serialisation id
  bool was_boxed = false;            // the payload arrived boxed (not serialised)
  std::string text;                  // a std::string payload, boxed or deserialised
  std::optional<SessionId> session;  // the network session it arrived on
};

// The messages of one or more Recorders, in arrival order, for a test to wait on
// and inspect. Thread-safe.
class Inbox {
 public:
  // Appends `r` and wakes the waiters.
  void Add(Received r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
  // Messages received so far.
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  // True once at least `n` messages arrived, false after `timeout`.
  bool WaitFor(size_t n, absl::Duration timeout = absl::Seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return items_.size() >= n; });
  }
  // A copy of the messages received so far.
  std::vector<Received> items() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_;
  }
  // How many messages recorder `id` received.
  size_t CountFor(int id) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const Received& r : items_) n += r.recorder == id ? 1 : 0;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> items_;
};

// A component that adds every path message it receives to an Inbox.
class Recorder : public ComponentDefinition<Recorder> {
 public:
  // Records into `inbox`, as recorder `id` (Received::recorder).
  Recorder(std::shared_ptr<Inbox> inbox, int id) : inbox_(std::move(inbox)), id_(id) {}

  // Records `message` (its text if the payload is a std::string); kOk.
  HandlerResult ReceiveNetwork(NetMessage message) {
    Received r;
    r.recorder = id_;
    r.sender = message.sender();
    r.receiver = message.receiver();
    r.ser_id = message.ser_id();
    r.was_boxed = message.data().is_boxed();
    r.session = message.session();
    if (absl::StatusOr<std::string> text = message.TryDeserialise<std::string>(); text.ok()) r.text = *text;
    inbox_->Add(std::move(r));
    return Handled::kOk;
  }

 private:
  std::shared_ptr<Inbox> inbox_;
  int id_;
};

}  // namespace kompact::routing_testing

#endif  // KOMPACT_ROUTING_TESTING_RECORDER_H_
