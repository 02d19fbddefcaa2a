// Test helpers for the network status port: StatusLog records every indication a
// StatusMonitor receives (in order) and waits for them with a bound; the monitor
// triggers requests it is told (actor messages) on its required port.
//
// Thread-safety: StatusLog is thread-safe; StatusMonitor is a component. Every
// wait is bounded.
#ifndef KOMPACT_NET_TESTING_STATUS_MONITOR_H_
#define KOMPACT_NET_TESTING_STATUS_MONITOR_H_

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "net/network_status.h"
#include "net/network_status_provider.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_system.h"
#include "runtime/port_fields.h"

namespace kompact::net_testing {

// The indications a StatusMonitor received, in arrival order (shared with the test).
class StatusLog {
 public:
  // Records `indication` and wakes the waiters.
  void Add(net::NetworkStatusIndication indication) {
    std::lock_guard<std::mutex> lock(mu_);
    items_.push_back(std::move(indication));
    cv_.notify_all();
  }
  // A copy of every indication so far.
  std::vector<net::NetworkStatusIndication> items() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_;
  }
  // The indications of type T so far, in order.
  template <typename T>
  std::vector<T> All() const {
    std::vector<T> out;
    for (const auto& i : items()) {
      if (const T* t = std::get_if<T>(&i)) out.push_back(*t);
    }
    return out;
  }
  // How many indications of type T arrived so far.
  template <typename T>
  size_t Count() const {
    return All<T>().size();
  }
  // Waits until at least `n` indications of type T arrived (false on timeout).
  template <typename T>
  bool WaitFor(size_t n = 1, absl::Duration timeout = absl::Seconds(20)) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
      size_t count = 0;
      for (const auto& i : items_) count += std::holds_alternative<T>(i) ? 1 : 0;
      return count >= n;
    });
  }
  // The names in arrival order, e.g. "ConnectionEstablished,ConnectionClosed".
  std::string Names() const {
    std::vector<std::string> names;
    for (const auto& i : items()) names.emplace_back(net::NetworkStatusName(i));
    return absl::StrJoin(names, ",");
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<net::NetworkStatusIndication> items_;
};

// A component that logs every status indication and triggers the requests it is told.
class StatusMonitor : public ComponentDefinition<StatusMonitor>, public Actor<net::NetworkStatusRequest> {
 public:
  // Logs into `log`.
  explicit StatusMonitor(std::shared_ptr<StatusLog> log) : log_(std::move(log)) {}

  // An indication: added to the log.
  template <typename E>
  requires std::is_constructible_v<net::NetworkStatusIndication, E> HandlerResult
  Handle(const E& indication) {
    log_->Add(indication);
    return Handled::kOk;
  }
  // A request (an actor message): triggered on the status port.
  HandlerResult ReceiveLocal(net::NetworkStatusRequest request) {
    std::visit([this](auto&& r) { status_.Trigger(std::move(r)); }, std::move(request));
    return Handled::kOk;
  }
  // The required NetworkStatusPort.
  static constexpr auto Ports() { return PortList(&StatusMonitor::status_); }

 private:
  std::shared_ptr<StatusLog> log_;
  RequiredPort<net::NetworkStatusPort> status_;
};

// A started monitor on `system`, connected to its status port, logging into `log`.
inline absl::StatusOr<Component<StatusMonitor>> StartMonitor(const KompactSystem& system,
                                                             std::shared_ptr<StatusLog> log) {
  Component<StatusMonitor> m = system.Create<StatusMonitor>(std::move(log));
  absl::StatusOr<Channel<net::NetworkStatusPort>> channel = net::ConnectNetworkStatus(system, m);
  if (!channel.ok()) return channel.status();
  system.Start(m);
  return m;
}

}  // namespace kompact::net_testing

#endif  // KOMPACT_NET_TESTING_STATUS_MONITOR_H_
