// NetPingPong and NetThroughputPingPong for CAF 0.17 (caf_io): the pingers run on
// actor system A and talk to proxies of pongers on actor system B; A and B are
// two systems in this process connected by their middlemen over 127.0.0.1, so
// every message is serialised, sent over TCP and deserialised. Each ping is
// (ping, uint64 index), each pong (pong, index): an atom and an 8-byte payload.
// The pinger checks that the pongs come back in order (FIFO per pair) and that
// every one arrived.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/peers/caf/atoms.h"
#include "bench/peers/caf/driver.h"
#include "bench/peers/caf/workloads.h"
#include "caf/all.hpp"
#include "caf/io/all.hpp"

namespace kompact::bench::caf_peer {
namespace {

// Setting up, connecting, and waiting for actors to terminate (not measured).
constexpr caf::timespan kSetupDeadline = std::chrono::seconds(30);
// Destroying one actor system (its middleman and scheduler).
constexpr auto kSystemShutdownDeadline = std::chrono::minutes(1);

// B's ponger: answers each ping with a pong carrying the ping's index (CAF sends
// the result to the sender, here a proxy of A's pinger).
caf::behavior NetPonger(caf::event_based_actor* /*self*/) {
  return {
      [](ping_atom, uint64_t index) -> caf::result<pong_atom, uint64_t> {
        return {pong_atom::value, index};
      },
  };
}

// B's published service: hands out its pongers by index.
caf::behavior PongerService(caf::event_based_actor* /*self*/, std::vector<caf::actor> pongers) {
  return {
      [pongers](ponger_atom, uint64_t index) -> caf::result<caf::actor> {
        if (index >= pongers.size()) return caf::make_error(caf::sec::invalid_argument);
        return pongers[index];
      },
  };
}

struct NetPingerState {
  caf::actor ponger;  // a proxy of B's ponger
  uint64_t count = 0;
  uint64_t pipeline = 1;
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t out_of_order = 0;
  caf::response_promise done;  // to the driver, with `received` and `out_of_order`
};

// A's pinger: `count` indexed pings, at most `pipeline` in flight (1: PingPong).
caf::behavior NetPinger(caf::stateful_actor<NetPingerState>* self, caf::actor ponger, uint64_t count,
                        uint64_t pipeline) {
  self->state.ponger = std::move(ponger);
  self->state.count = count;
  self->state.pipeline = pipeline;
  return {
      [self](run_atom) {
        NetPingerState& s = self->state;
        s.done = self->make_response_promise();
        for (uint64_t i = 0; i < s.pipeline && s.sent < s.count; ++i)
          self->send(s.ponger, ping_atom::value, s.sent++);
      },
      [self](pong_atom, uint64_t index) {
        NetPingerState& s = self->state;
        if (index != s.received) ++s.out_of_order;
        if (++s.received < s.count) {
          if (s.sent < s.count) self->send(s.ponger, ping_atom::value, s.sent++);
        } else {
          s.done.deliver(done_atom::value, static_cast<int64_t>(s.received),
                         static_cast<int64_t>(s.out_of_order));
        }
      },
  };
}

// Sends an exit to each of `actors` and waits (bounded) until all are down.
absl::Status ExitAndAwait(caf::actor_system& system, std::vector<caf::actor>& actors, const char* what) {
  absl::Status status;
  {
    caf::scoped_actor self{system, /*hide=*/true};
    for (const caf::actor& actor : actors) {
      self->monitor(actor);
      self->send_exit(actor, caf::exit_reason::user_shutdown);
    }
    for (size_t i = 0; i < actors.size() && status.ok(); ++i) {
      self->receive([](const caf::down_msg&) {},
                    caf::after(kSetupDeadline) >>
                        [&] {
                          status = absl::DeadlineExceededError(absl::StrCat(
                              what, ": ", i, " of ", actors.size(), " actors terminated in time"));
                        });
    }
  }
  actors.clear();
  return status;
}

// Destroys `system` on this thread, exiting the process if that takes longer
// than kSystemShutdownDeadline (CAF has no way to abort a hanging shutdown); a
// watchdog thread keeps the time. On this thread, not the watchdog's: CAF 0.17
// keeps the last constructed system's logger in a thread-local pointer of the
// constructing thread, and ~actor_system waits until its logger is destroyed,
// which only happens once that thread's pointer is reset (by the destructor
// running there).
void DestroyBounded(std::unique_ptr<caf::actor_system> system, const char* name) {
  if (system == nullptr) return;
  std::promise<void> destroyed;
  std::thread watchdog([done = destroyed.get_future(), name] {
    if (done.wait_for(kSystemShutdownDeadline) != std::future_status::ready) {
      std::fflush(stdout);
      std::fprintf(stderr, "NetPeers: actor system %s did not shut down within a minute\n", name);
      std::fflush(stderr);
      std::_Exit(1);
    }
  });
  system.reset();
  destroyed.set_value();
  watchdog.join();
}

}  // namespace

struct NetPeers::State {
  // A system keeps a reference to its config: the configs outlive the systems.
  caf::actor_system_config config_a;
  caf::actor_system_config config_b;
  std::unique_ptr<caf::actor_system> a;
  std::unique_ptr<caf::actor_system> b;
  // On B.
  std::vector<caf::actor> b_actors;  // the service and the pongers
  caf::actor service;
  uint16_t port = 0;
  // On A: proxies of B's service and pongers.
  caf::actor service_proxy;
  std::vector<caf::actor> ponger_proxies;
};

NetPeers::NetPeers(std::unique_ptr<State> state) : state_(std::move(state)) {}

NetPeers::~NetPeers() {
  if (state_ != nullptr) (void)ShutDown(std::unique_ptr<NetPeers>(new NetPeers(std::move(state_))));
}

absl::StatusOr<std::unique_ptr<NetPeers>> NetPeers::Create(int threads) {
  auto state = std::make_unique<State>();
  for (caf::actor_system_config* config : {&state->config_a, &state->config_b}) {
    config->load<caf::io::middleman>();
    config->set("scheduler.max-threads", threads);
    config->set("middleman.enable-automatic-connections", false);
  }
  state->a = std::make_unique<caf::actor_system>(state->config_a);
  state->b = std::make_unique<caf::actor_system>(state->config_b);
  std::unique_ptr<NetPeers> peers(new NetPeers(std::move(state)));
  State& s = *peers->state_;

  std::vector<caf::actor> pongers;
  for (int i = 0; i < kMaxPairs; ++i) pongers.push_back(s.b->spawn(NetPonger));
  s.b_actors = pongers;
  s.service = s.b->spawn(PongerService, std::move(pongers));
  s.b_actors.push_back(s.service);

  absl::Status status;
  {
    // Publish on B at 127.0.0.1, port 0 (the reply is the bound port).
    caf::scoped_actor self{*s.b, /*hide=*/true};
    self->request(s.b->middleman().actor_handle(), kSetupDeadline, caf::publish_atom::value, uint16_t{0},
                  caf::actor_cast<caf::strong_actor_ptr>(s.service), std::set<std::string>{},
                  std::string("127.0.0.1"), false)
        .receive([&](uint16_t port) { s.port = port; },
                 [&](caf::error& error) { status = FromCafError(*s.b, error, "NetPeers: publish on B"); });
  }
  if (status.ok()) {
    // Connect from A; then the ponger proxies.
    caf::scoped_actor self{*s.a, /*hide=*/true};
    self->request(s.a->middleman().actor_handle(), kSetupDeadline, caf::connect_atom::value,
                  std::string("127.0.0.1"), s.port)
        .receive(
            [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
              if (ptr == nullptr) {
                status = absl::InternalError("NetPeers: no actor published on B's port");
              } else {
                s.service_proxy = caf::actor_cast<caf::actor>(std::move(ptr));
              }
            },
            [&](caf::error& error) { status = FromCafError(*s.a, error, "NetPeers: connect A to B"); });
    for (uint64_t i = 0; i < kMaxPairs && status.ok(); ++i) {
      self->request(s.service_proxy, kSetupDeadline, ponger_atom::value, i)
          .receive([&](caf::actor& ponger) { s.ponger_proxies.push_back(std::move(ponger)); },
                   [&](caf::error& error) { status = FromCafError(*s.a, error, "NetPeers: get a ponger"); });
    }
  }
  if (!status.ok()) {
    const absl::Status shutdown = ShutDown(std::move(peers));
    if (!shutdown.ok()) return absl::InternalError(absl::StrCat(status.message(), "; ", shutdown.message()));
    return status;
  }
  return peers;
}

absl::Status NetPeers::ShutDown(std::unique_ptr<NetPeers> peers) {
  if (peers == nullptr || peers->state_ == nullptr) return absl::OkStatus();
  std::unique_ptr<State> state = std::move(peers->state_);
  peers.reset();
  // A's handles to B's actors first, then B's actors (a system waits for its
  // actors when it is destroyed), then the systems: A (closing the connection),
  // then B. Call it on the thread that created them (see DestroyBounded).
  state->ponger_proxies.clear();
  state->service_proxy = nullptr;
  absl::Status status;
  if (state->port != 0) {
    caf::anon_send(state->b->middleman().actor_handle(), caf::unpublish_atom::value, state->service.address(),
                   state->port);
  }
  state->service = nullptr;
  status = ExitAndAwait(*state->b, state->b_actors, "NetPeers: B's service and pongers");
  DestroyBounded(std::move(state->a), "A");
  DestroyBounded(std::move(state->b), "B");
  return status;
}

absl::StatusOr<double> NetPeers::RunPairs(int64_t count, int64_t pipeline, int pairs) {
  if (count < 1 || pipeline < 1 || pairs < 1 || pairs > kMaxPairs) {
    return absl::InvalidArgumentError(
        absl::StrCat("NetPeers: n=", count, " w=", pipeline, " p=", pairs, " (p at most ", kMaxPairs, ")"));
  }
  State& s = *state_;
  absl::Status status;
  double seconds = 0;
  std::vector<caf::actor> pingers;
  {
    caf::scoped_actor driver{*s.a, /*hide=*/true};
    for (int i = 0; i < pairs; ++i) {
      pingers.push_back(s.a->spawn(NetPinger, s.ponger_proxies[i], static_cast<uint64_t>(count),
                                   static_cast<uint64_t>(pipeline)));
    }
    const Stopwatch stopwatch;
    for (const caf::actor& pinger : pingers) driver->send(pinger, run_atom::value);
    for (int i = 0; i < pairs && status.ok(); ++i) {
      driver->receive(
          [&](done_atom, int64_t pongs, int64_t out_of_order) {
            if (pongs != count || out_of_order != 0) {
              status = absl::InternalError(absl::StrCat("a pinger got ", pongs, " pongs, expected ", count,
                                                        "; ", out_of_order, " out of order"));
            }
          },
          caf::after(kRunDeadline) >>
              [&] {
                status = absl::DeadlineExceededError(
                    absl::StrCat("NetPingPong: ", i, " of ", pairs, " pingers done within the deadline"));
              });
    }
    seconds = stopwatch.Seconds();
  }
  const absl::Status exited = ExitAndAwait(*s.a, pingers, "NetPingPong: the pingers");
  if (!status.ok()) return status;
  if (!exited.ok()) return exited;
  return seconds;
}

absl::StatusOr<double> NetPeers::RunPingPong(int64_t round_trips) {
  absl::StatusOr<double> seconds = RunPairs(round_trips, /*pipeline=*/1, /*pairs=*/1);
  if (!seconds.ok()) return seconds.status();
  return static_cast<double>(round_trips) / *seconds / 1e3;
}

absl::StatusOr<double> NetPeers::RunThroughputPingPong(int64_t messages_per_pair, int64_t pipeline,
                                                       int pairs) {
  absl::StatusOr<double> seconds = RunPairs(messages_per_pair, pipeline, pairs);
  if (!seconds.ok()) return seconds.status();
  return 2.0 * static_cast<double>(messages_per_pair) * pairs / *seconds / 1e3;
}

}  // namespace kompact::bench::caf_peer
