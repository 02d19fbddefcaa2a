#include "testing/sim/sim_network.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact::sim {

// ---- the wire model ---------------------------------------------------------------------

struct SimNetwork::Segment {
  enum class Type : uint8_t { kSyn, kSynAck, kData, kFin, kRst };
  Type type = Type::kData;
  std::vector<uint8_t> bytes;
};

// Per directed system pair: its generator and when its bandwidth is free again.
struct SimNetwork::LinkState {
  explicit LinkState(Rng r) : rng(r) {}
  Rng rng;
  SimTime free_at = 0;
};

// Bytes flowing from one end of a pipe to the other.
struct PipeHalf {
  SimTime last_arrival = 0;
  uint64_t unread = 0;  // sent and not yet read by the receiver (the window)
  bool fin_sent = false;
  bool want_writable = false;
  std::vector<SimNetwork::Segment> held;  // cut by a partition, in order
};

// One simulated connection. End 0 dialled, end 1 accepted.
struct Pipe {
  uint64_t id = 0;
  SystemId systems[2] = {kNoSystem, kNoSystem};
  Endpoint endpoints[2];
  SimStream* ends[2] = {nullptr, nullptr};
  PipeHalf half[2];
  bool held_listed = false;
};

// One end of a pipe: the Stream the network layer reads and writes.
class SimStream final : public Stream {
 public:
  SimStream(SimTransport& transport, std::shared_ptr<Pipe> pipe, int end, StreamHandler* handler)
      : transport_(transport), pipe_(std::move(pipe)), end_(end), handler_(handler) {
    pipe_->ends[end_] = this;
    transport_.streams_.push_back(this);
  }
  ~SimStream() override {
    pipe_->ends[end_] = nullptr;
    std::erase(transport_.streams_, this);
    // close(): the peer reads the end of the stream after what was written.
    if (!reset_ && !transport_.dead_ && !pipe_->half[end_].fin_sent) {
      pipe_->half[end_].fin_sent = true;
      transport_.network_.Send(pipe_, end_, SimNetwork::Segment{SimNetwork::Segment::Type::kFin, {}});
    }
  }

  void SetHandler(StreamHandler* handler) override { handler_ = handler; }

  absl::StatusOr<size_t> Read(std::span<uint8_t> into) override {
    if (reset_) return absl::UnavailableError(absl::StrCat("connection reset: ", reset_why_));
    const size_t available = inbox_.size() - read_pos_;
    if (available == 0) {
      if (eof_) return absl::UnavailableError("end of stream");
      return size_t{0};
    }
    const size_t n = std::min(available, into.size());
    std::memcpy(into.data(), inbox_.data() + read_pos_, n);
    read_pos_ += n;
    if (read_pos_ == inbox_.size()) {
      inbox_.clear();
      read_pos_ = 0;
    } else if (read_pos_ > (1u << 16) && read_pos_ * 2 > inbox_.size()) {
      inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<std::ptrdiff_t>(read_pos_));
      read_pos_ = 0;
    }
    transport_.network_.Consumed(pipe_, 1 - end_, n);
    return n;
  }

  absl::StatusOr<size_t> Write(std::span<const iovec> parts) override {
    if (reset_) return absl::UnavailableError(absl::StrCat("connection reset: ", reset_why_));
    PipeHalf& half = pipe_->half[end_];
    if (half.fin_sent) return absl::FailedPreconditionError("write after ShutdownWrite");
    const uint32_t window = transport_.network_.link(pipe_->systems[end_], pipe_->systems[1 - end_]).window;
    if (half.unread >= window) {
      half.want_writable = true;
      return size_t{0};
    }
    size_t room = window - half.unread;
    SimNetwork::Segment segment;
    for (const iovec& part : parts) {
      if (room == 0) break;
      const size_t n = std::min(room, part.iov_len);
      const auto* base = static_cast<const uint8_t*>(part.iov_base);
      segment.bytes.insert(segment.bytes.end(), base, base + n);
      room -= n;
    }
    const size_t taken = segment.bytes.size();
    if (taken == 0) return size_t{0};
    half.unread += taken;
    transport_.network_.Send(pipe_, end_, std::move(segment));
    return taken;
  }

  void ShutdownWrite() override {
    PipeHalf& half = pipe_->half[end_];
    if (half.fin_sent || reset_) return;
    half.fin_sent = true;
    transport_.network_.Send(pipe_, end_, SimNetwork::Segment{SimNetwork::Segment::Type::kFin, {}});
  }

  void ResumeReading() override {
    Scheduler& s = transport_.network_.scheduler();
    s.At(s.now(), transport_.system_, EventKind::kNetworkThread, pipe_->id, [pipe = pipe_, end = end_] {
      if (SimStream* self = pipe->ends[end]) self->Readable();
    });
  }

  const Endpoint& remote() const override { return pipe_->endpoints[1 - end_]; }

  // ---- the network's side ----
  void Connected(absl::Status status) {
    connected_ = true;
    if (handler_ != nullptr) transport_.CallHandler(handler_, [&] { handler_->OnConnected(status); });
  }
  void Readable() {
    if (handler_ != nullptr) transport_.CallHandler(handler_, [&] { handler_->OnReadable(); });
  }
  void Writable() {
    if (handler_ != nullptr) transport_.CallHandler(handler_, [&] { handler_->OnWritable(); });
  }
  void Append(const std::vector<uint8_t>& bytes) { inbox_.insert(inbox_.end(), bytes.begin(), bytes.end()); }
  void SetEof() { eof_ = true; }
  void SetReset(std::string why) {
    if (reset_) return;
    reset_ = true;
    reset_why_ = std::move(why);
  }
  bool reset() const { return reset_; }
  bool connected() const { return connected_; }
  const std::shared_ptr<Pipe>& pipe() const { return pipe_; }
  int end() const { return end_; }
  StreamHandler* handler() const { return handler_; }

 private:
  SimTransport& transport_;
  const std::shared_ptr<Pipe> pipe_;
  const int end_;
  StreamHandler* handler_;
  std::vector<uint8_t> inbox_;
  size_t read_pos_ = 0;
  bool eof_ = false;
  bool reset_ = false;
  bool connected_ = false;
  std::string reset_why_;
};

// ---- LinkConfig ---------------------------------------------------------------------------

absl::Status LinkConfig::Validate() const {
  std::string errors;
  const auto probability = [&](std::string_view name, double p) {
    if (!(p >= 0.0 && p <= 1.0)) absl::StrAppend(&errors, AsAbsl(name), " = ", p, " is not in [0, 1]; ");
  };
  if (latency < absl::ZeroDuration() || latency == absl::InfiniteDuration()) {
    absl::StrAppend(&errors, "latency = ", absl::FormatDuration(latency), " must be finite and >= 0; ");
  }
  if (jitter < absl::ZeroDuration() || jitter == absl::InfiniteDuration()) {
    absl::StrAppend(&errors, "jitter = ", absl::FormatDuration(jitter), " must be finite and >= 0; ");
  }
  if (!(bandwidth_bytes_per_second >= 0)) {
    absl::StrAppend(&errors, "bandwidth_bytes_per_second = ", bandwidth_bytes_per_second, " must be >= 0; ");
  }
  probability("reset_probability", reset_probability);
  probability("datagram_loss", datagram_loss);
  probability("datagram_duplication", datagram_duplication);
  if (window == 0) absl::StrAppend(&errors, "window must be > 0; ");
  if (errors.empty()) return absl::OkStatus();
  errors.resize(errors.size() - 2);
  return absl::InvalidArgumentError(absl::StrCat("LinkConfig: ", errors));
}

// ---- SimNetwork ---------------------------------------------------------------------------

SimNetwork::SimNetwork(Scheduler& scheduler, LinkConfig default_link)
    : scheduler_(scheduler), default_link_(std::move(default_link)) {}

SimNetwork::~SimNetwork() = default;

std::unique_ptr<SimTransport> SimNetwork::MakeTransport(SystemId system, IpAddress ip, Logger logger) {
  return std::make_unique<SimTransport>(*this, system, ip, std::move(logger));
}

absl::Status SimNetwork::SetDefaultLink(LinkConfig link) {
  if (absl::Status s = link.Validate(); !s.ok()) return s;
  default_link_ = std::move(link);
  return absl::OkStatus();
}

absl::Status SimNetwork::SetLink(SystemId from, SystemId to, LinkConfig link) {
  if (absl::Status s = link.Validate(); !s.ok()) return s;
  links_[LinkKey(from, to)] = std::move(link);
  return absl::OkStatus();
}

const LinkConfig& SimNetwork::link(SystemId from, SystemId to) const {
  auto it = links_.find(LinkKey(from, to));
  return it != links_.end() ? it->second : default_link_;
}

SimNetwork::LinkState& SimNetwork::Link(SystemId from, SystemId to) {
  const uint64_t key = LinkKey(from, to);
  auto it = link_states_.find(key);
  if (it == link_states_.end()) {
    it = link_states_.emplace(key, std::make_unique<LinkState>(scheduler_.ForkRng(key + 1))).first;
  }
  return *it->second;
}

void SimNetwork::Partition(std::span<const SystemId> a, std::span<const SystemId> b, bool both_ways) {
  for (SystemId x : a) {
    for (SystemId y : b) {
      if (x == y) continue;
      cut_.insert(LinkKey(x, y));
      if (both_ways) cut_.insert(LinkKey(y, x));
    }
  }
}

void SimNetwork::Heal() {
  cut_.clear();
  std::vector<std::shared_ptr<Pipe>> pipes = std::move(held_pipes_);
  held_pipes_.clear();
  for (const std::shared_ptr<Pipe>& pipe : pipes) {
    pipe->held_listed = false;
    for (int end = 0; end < 2; ++end) {
      std::vector<Segment> held = std::move(pipe->half[end].held);
      pipe->half[end].held.clear();
      for (Segment& segment : held) Send(pipe, end, std::move(segment));
    }
  }
}

void SimNetwork::Send(const std::shared_ptr<Pipe>& pipe, int from_end, Segment segment) {
  PipeHalf& half = pipe->half[from_end];
  const SystemId from = pipe->systems[from_end];
  const SystemId to = pipe->systems[1 - from_end];
  // Behind held bytes, or into a partition: held until Heal (TCP retransmits).
  if (!half.held.empty() || Cut(from, to)) {
    ++stats_.held;
    half.held.push_back(std::move(segment));
    if (!pipe->held_listed) {
      pipe->held_listed = true;
      held_pipes_.push_back(pipe);
    }
    return;
  }
  Transmit(pipe, from_end, std::move(segment));
}

void SimNetwork::Transmit(const std::shared_ptr<Pipe>& pipe, int from_end, Segment segment) {
  PipeHalf& half = pipe->half[from_end];
  const SystemId from = pipe->systems[from_end];
  const SystemId to = pipe->systems[1 - from_end];
  const LinkConfig& config = link(from, to);
  LinkState& state = Link(from, to);
  if (segment.type == Segment::Type::kData && state.rng.Chance(config.reset_probability)) {
    ResetPipe(pipe, absl::StrCat("lost on the link sys", from, " -> sys", to, " (simulated loss)"));
    return;
  }
  const SimTime now = scheduler_.now();
  SimTime start = now;
  if (config.bandwidth_bytes_per_second > 0 && !segment.bytes.empty()) {
    start = std::max(now, state.free_at);
    state.free_at = start + static_cast<SimTime>(static_cast<double>(segment.bytes.size()) * 1e9 /
                                                 config.bandwidth_bytes_per_second);
    start = state.free_at;
  }
  SimTime arrival = start + ToSimTime(config.latency);
  if (config.jitter > absl::ZeroDuration()) {
    arrival += static_cast<SimTime>(state.rng.Uniform(static_cast<uint64_t>(ToSimTime(config.jitter)) + 1));
  }
  arrival = std::max(arrival, half.last_arrival);  // in order within the connection
  half.last_arrival = arrival;
  const uint64_t detail = segment.bytes.size();
  const int to_end = 1 - from_end;
  scheduler_.At(
      arrival, to, segment.type == Segment::Type::kSyn ? EventKind::kConnect : EventKind::kSegment,
      pipe->id * 2 + static_cast<uint64_t>(to_end),
      [this, pipe, to_end, segment = std::move(segment)]() mutable {
        Arrive(pipe, to_end, std::move(segment));
      },
      from, detail);
}

void SimNetwork::Arrive(const std::shared_ptr<Pipe>& pipe, int to_end, Segment segment) {
  const int from_end = 1 - to_end;
  const SystemId from = pipe->systems[from_end];
  const SystemId to = pipe->systems[to_end];
  // The partition began while it was in flight: held (at the front of what is held).
  if (Cut(from, to)) {
    ++stats_.held;
    PipeHalf& half = pipe->half[from_end];
    half.held.insert(half.held.begin(), std::move(segment));
    if (!pipe->held_listed) {
      pipe->held_listed = true;
      held_pipes_.push_back(pipe);
    }
    return;
  }
  SimStream* end = pipe->ends[to_end];
  switch (segment.type) {
    case Segment::Type::kSyn: {
      ++stats_.connects;
      auto it = listeners_.find(pipe->endpoints[1]);
      SimTransport* listener = it != listeners_.end() ? it->second : nullptr;
      if (listener == nullptr || listener->dead_ || listener->stopped_ || !listener->started_ ||
          link(from, to).refuse_connections) {
        ++stats_.refused;
        Transmit(pipe, 1, Segment{Segment::Type::kRst, {}});
        return;
      }
      auto stream = std::make_unique<SimStream>(*listener, pipe, 1, nullptr);
      listener->Accept(std::move(stream));
      Transmit(pipe, 1, Segment{Segment::Type::kSynAck, {}});
      return;
    }
    case Segment::Type::kSynAck:
      if (end != nullptr && !end->reset()) end->Connected(absl::OkStatus());
      return;
    case Segment::Type::kData:
      if (end == nullptr) {
        // Written to a closed socket: the kernel answers with a reset.
        if (pipe->ends[from_end] != nullptr) Transmit(pipe, to_end, Segment{Segment::Type::kRst, {}});
        return;
      }
      ++stats_.segments;
      stats_.bytes += segment.bytes.size();
      end->Append(segment.bytes);
      end->Readable();
      return;
    case Segment::Type::kFin:
      if (end == nullptr) return;
      end->SetEof();
      end->Readable();
      return;
    case Segment::Type::kRst:
      if (end == nullptr || end->reset()) return;
      if (!end->connected() && end->end() == 0) {
        end->SetReset("connection refused");
        end->Connected(absl::UnavailableError(
            absl::StrCat("connection to ", pipe->endpoints[1].ToString(), " refused (simulated)")));
        return;
      }
      end->SetReset("by the peer");
      end->Readable();
      return;
  }
}

void SimNetwork::Consumed(const std::shared_ptr<Pipe>& pipe, int sender_end, size_t n) {
  PipeHalf& half = pipe->half[sender_end];
  half.unread -= std::min<uint64_t>(half.unread, n);
  const SystemId sender = pipe->systems[sender_end];
  const LinkConfig& config = link(sender, pipe->systems[1 - sender_end]);
  if (!half.want_writable || half.unread > config.window / 2) return;
  half.want_writable = false;
  // The window update travels back over the link.
  scheduler_.At(
      scheduler_.now() + ToSimTime(config.latency), sender, EventKind::kWritable,
      pipe->id * 2 + static_cast<uint64_t>(sender_end),
      [pipe, sender_end] {
        if (SimStream* s = pipe->ends[sender_end]) s->Writable();
      },
      pipe->systems[1 - sender_end]);
}

void SimNetwork::ResetPipe(const std::shared_ptr<Pipe>& pipe, std::string_view why) {
  ++stats_.resets;
  for (int end = 0; end < 2; ++end) {
    pipe->half[end].held.clear();
    const SystemId system = pipe->systems[end];
    scheduler_.At(
        scheduler_.now() + ToSimTime(link(pipe->systems[1 - end], system).latency), system,
        EventKind::kSegment, pipe->id * 2 + static_cast<uint64_t>(end),
        [pipe, end, why = std::string(why)] {
          SimStream* s = pipe->ends[end];
          if (s == nullptr || s->reset()) return;
          s->SetReset(why);
          if (!s->connected() && s->end() == 0) {
            s->Connected(absl::UnavailableError(absl::StrCat("connection reset: ", why)));
          } else {
            s->Readable();
          }
        },
        pipe->systems[1 - end]);
  }
}

void SimNetwork::KillHost(SystemId system) {
  auto it = transports_.find(system);
  if (it == transports_.end()) return;
  SimTransport& transport = *it->second;
  transport.dead_ = true;
  Unlisten(&transport);
  // Its kernel resets every connection: the far end reads an error after the latency.
  for (SimStream* stream : std::vector<SimStream*>(transport.streams_)) {
    if (stream->reset()) continue;
    stream->SetReset("the simulated system was killed");
    const std::shared_ptr<Pipe>& pipe = stream->pipe();
    const int far = 1 - stream->end();
    pipe->half[0].held.clear();
    pipe->half[1].held.clear();
    ++stats_.resets;
    const SystemId far_system = pipe->systems[far];
    scheduler_.At(
        scheduler_.now() + ToSimTime(link(system, far_system).latency), far_system, EventKind::kSegment,
        pipe->id * 2 + static_cast<uint64_t>(far),
        [pipe, far] {
          SimStream* s = pipe->ends[far];
          if (s == nullptr || s->reset()) return;
          s->SetReset("by the peer (its system was killed)");
          if (!s->connected() && s->end() == 0) {
            s->Connected(absl::UnavailableError("connection reset: the peer's system was killed"));
          } else {
            s->Readable();
          }
        },
        system);
  }
}

void SimNetwork::SendDatagram(SystemId from, const Endpoint& from_endpoint, const Endpoint& to,
                              std::span<const uint8_t> bytes) {
  auto it = udp_listeners_.find(to);
  if (it == udp_listeners_.end()) {
    ++stats_.datagrams_lost;
    return;
  }
  const SystemId dest = it->second->system_;
  const LinkConfig& config = link(from, dest);
  LinkState& state = Link(from, dest);
  if (Cut(from, dest) || state.rng.Chance(config.datagram_loss)) {
    ++stats_.datagrams_lost;
    return;
  }
  const int copies = state.rng.Chance(config.datagram_duplication) ? 2 : 1;
  if (copies == 2) ++stats_.datagrams_duplicated;
  for (int i = 0; i < copies; ++i) {
    SimTime arrival = scheduler_.now() + ToSimTime(config.latency);
    if (config.jitter > absl::ZeroDuration()) {
      arrival += static_cast<SimTime>(state.rng.Uniform(static_cast<uint64_t>(ToSimTime(config.jitter)) + 1));
    }
    scheduler_.At(
        arrival, dest, EventKind::kDatagram, LinkKey(from, dest),
        [this, to, from_endpoint, data = std::vector<uint8_t>(bytes.begin(), bytes.end())] {
          auto l = udp_listeners_.find(to);
          if (l == udp_listeners_.end() || l->second->dead_ || l->second->stopped_) return;
          ++stats_.datagrams;
          l->second->OnDatagram(from_endpoint, data);
        },
        from, bytes.size());
  }
}

uint16_t SimNetwork::AllocatePort(const IpAddress& ip) {
  uint16_t& next = next_port_[ip.ToString()];
  if (next == 0) next = 40000;
  for (int i = 0; i < 20000; ++i) {
    const uint16_t port = next++;
    if (next == 0) next = 40000;
    if (!listeners_.contains(Endpoint{ip, port}) && !udp_listeners_.contains(Endpoint{ip, port})) return port;
  }
  return 0;
}

absl::Status SimNetwork::Listen(const Endpoint& endpoint, SimTransport* transport, bool udp) {
  if (listeners_.contains(endpoint) || (udp && udp_listeners_.contains(endpoint))) {
    return absl::UnavailableError(
        absl::StrCat("cannot bind ", endpoint.ToString(), ": address already in use (simulated)"));
  }
  listeners_[endpoint] = transport;
  if (udp) udp_listeners_[endpoint] = transport;
  return absl::OkStatus();
}

void SimNetwork::Unlisten(SimTransport* transport) {
  absl::erase_if(listeners_, [&](const auto& kv) { return kv.second == transport; });
  absl::erase_if(udp_listeners_, [&](const auto& kv) { return kv.second == transport; });
}

}  // namespace kompact::sim

namespace kompact::sim {

// ---- SimTransport -------------------------------------------------------------------------

SimTransport::SimTransport(SimNetwork& network, SystemId system, IpAddress ip, Logger logger)
    : network_(network), system_(system), ip_(ip), logger_(std::move(logger)) {
  network_.transports_[system_] = this;
}

SimTransport::~SimTransport() {
  Stop();
  auto it = network_.transports_.find(system_);
  if (it != network_.transports_.end() && it->second == this) network_.transports_.erase(it);
}

absl::StatusOr<Endpoint> SimTransport::Bind(const Endpoint& endpoint, bool udp) {
  if (bound_.has_value()) return absl::FailedPreconditionError("SimTransport::Bind called twice");
  if (endpoint.ip != ip_) {
    return absl::InvalidArgumentError(absl::StrCat("the simulated system's address is ", ip_.ToString(),
                                                   "; it cannot bind ", endpoint.ToString()));
  }
  Endpoint bound = endpoint;
  if (bound.port == 0) {
    bound.port = network_.AllocatePort(ip_);
    if (bound.port == 0) return absl::ResourceExhaustedError("no free simulated port on " + ip_.ToString());
  }
  if (absl::Status s = network_.Listen(bound, this, udp); !s.ok()) return s;
  bound_ = bound;
  return bound;
}

absl::Status SimTransport::Start(Callbacks callbacks) {
  if (started_) return absl::FailedPreconditionError("SimTransport::Start called twice");
  callbacks_ = std::move(callbacks);
  started_ = true;
  return absl::OkStatus();
}

void SimTransport::Stop() {
  if (stopped_) return;
  stopped_ = true;
  network_.Unlisten(this);
  std::vector<absl::AnyInvocable<void()&&>> dropped = std::move(posted_);
  posted_.clear();
}

void SimTransport::ScheduleWork() {
  if (work_scheduled_ || stopped_ || dead_) return;
  work_scheduled_ = true;
  Scheduler& s = network_.scheduler();
  s.At(s.now(), system_, EventKind::kNetworkThread, 0, [this] { RunWork(); });
}

void SimTransport::Wake() {
  if (stopped_) return;
  wake_pending_ = true;
  ScheduleWork();
}

void SimTransport::Post(absl::AnyInvocable<void() &&> task) {
  if (stopped_) return;  // destroyed without running, as after TcpTransport::Stop
  posted_.push_back(std::move(task));
  ScheduleWork();
}

void SimTransport::RunWork() {
  work_scheduled_ = false;
  if (stopped_) return;
  if (wake_pending_) {
    wake_pending_ = false;
    if (callbacks_.on_wake) AsNetworkThread([&] { callbacks_.on_wake(); });
  }
  // Tasks posted from here on run in the next round (after that round's wake-up).
  std::vector<absl::AnyInvocable<void()&&>> tasks = std::move(posted_);
  posted_.clear();
  for (auto& task : tasks) {
    if (stopped_) break;
    AsNetworkThread([&] { std::move(task)(); });
  }
}

void SimTransport::AsNetworkThread(absl::FunctionRef<void()> body) {
  const bool outer = in_network_thread_;
  in_network_thread_ = true;
  try {
    body();
  } catch (const std::exception& e) {
    if (callbacks_.on_fault) callbacks_.on_fault(e.what(), /*fatal=*/false);
  } catch (...) {
    if (callbacks_.on_fault) callbacks_.on_fault("an exception of unknown type", /*fatal=*/false);
  }
  in_network_thread_ = outer;
}

void SimTransport::CallHandler(StreamHandler* handler, absl::FunctionRef<void()> body) {
  if (stopped_) return;
  const bool outer = in_network_thread_;
  in_network_thread_ = true;
  std::string fault;
  try {
    body();
  } catch (const std::exception& e) {
    fault = absl::StrCat("stream handler threw: ", e.what());
  } catch (...) {
    fault = "stream handler threw an exception of unknown type";
  }
  if (!fault.empty()) {
    try {
      handler->OnFault(fault);
    } catch (...) {
      if (callbacks_.on_fault) callbacks_.on_fault("OnFault threw", /*fatal=*/false);
    }
  }
  in_network_thread_ = outer;
}

void SimTransport::Accept(std::unique_ptr<Stream> stream) {
  if (!callbacks_.on_accept) return;  // destroyed: the dialler reads the end of the stream
  AsNetworkThread([&] { callbacks_.on_accept(std::move(stream)); });
}

void SimTransport::OnDatagram(const Endpoint& from, std::span<const uint8_t> bytes) {
  if (!callbacks_.on_datagram) return;
  AsNetworkThread([&] { callbacks_.on_datagram(from, bytes); });
}

std::optional<bool> SimTransport::DriveUntil(absl::FunctionRef<bool()> done, absl::Duration timeout) {
  if (in_network_thread_) return done();
  if (dead_) {
    // A killed system's network runs no more events: what it still does (its
    // shutdown) runs here, at once. Dials in progress fail; reset streams are read.
    for (int round = 0; round < 100 && !done(); ++round) {
      for (SimStream* s : std::vector<SimStream*>(streams_)) {
        if (std::find(streams_.begin(), streams_.end(), s) == streams_.end()) continue;
        if (!s->connected() && s->end() == 0) {
          s->Connected(absl::UnavailableError("the simulated system was killed"));
        } else {
          s->Readable();
        }
      }
      std::vector<absl::AnyInvocable<void()&&>> tasks = std::move(posted_);
      posted_.clear();
      wake_pending_ = false;
      if (callbacks_.on_wake) AsNetworkThread([&] { callbacks_.on_wake(); });
      for (auto& task : tasks) AsNetworkThread([&] { std::move(task)(); });
      if (tasks.empty() && streams_.empty()) break;
    }
    return done();
  }
  Scheduler& s = network_.scheduler();
  const SimTime deadline = s.now() + ToSimTime(timeout);
  while (!done()) {
    if (!s.has_ready()) {
      const std::optional<SimTime> next = s.NextEventTime();
      if (!next.has_value() || *next > deadline) break;
    }
    if (!s.Step()) break;
  }
  return done();
}

absl::StatusOr<std::unique_ptr<Stream>> SimTransport::Dial(const Endpoint& remote, StreamHandler* handler) {
  if (stopped_ || dead_) return absl::FailedPreconditionError("the simulated transport is stopped");
  if (!bound_.has_value()) return absl::FailedPreconditionError("SimTransport::Dial before Bind");
  auto pipe = std::make_shared<Pipe>();
  // Deterministic: the system and its count of dials (not the order of other systems).
  pipe->id = (static_cast<uint64_t>(static_cast<uint32_t>(system_)) << 40) | ++dials_;
  pipe->systems[0] = system_;
  pipe->endpoints[0] = Endpoint{ip_, static_cast<uint16_t>(50000 + dials_ % 10000)};
  pipe->endpoints[1] = remote;
  // The system the address belongs to (an address nobody has: no listener, refused).
  pipe->systems[1] = kNoSystem;
  for (const auto& [system, transport] : network_.transports_) {
    if (transport->ip_ == remote.ip) pipe->systems[1] = system;
  }
  auto stream = std::make_unique<SimStream>(*this, pipe, 0, handler);
  if (pipe->systems[1] == kNoSystem) {
    // Nobody at that address: refused after a round trip of the default link.
    Scheduler& s = network_.scheduler();
    ++network_.stats_.refused;
    s.At(s.now() + 2 * ToSimTime(network_.default_link_.latency), system_, EventKind::kConnect, pipe->id * 2,
         [pipe] {
           SimStream* end = pipe->ends[0];
           if (end == nullptr || end->reset()) return;
           end->SetReset("connection refused");
           end->Connected(absl::UnavailableError(absl::StrCat("connection to ", pipe->endpoints[1].ToString(),
                                                              " refused (no such simulated system)")));
         });
    return stream;
  }
  network_.Send(pipe, 0, SimNetwork::Segment{SimNetwork::Segment::Type::kSyn, {}});
  return stream;
}

size_t SimTransport::SendDatagrams(std::span<const Datagram> datagrams,
                                   absl::FunctionRef<void(size_t, const absl::Status&)> failed) {
  (void)failed;
  if (stopped_ || dead_ || !bound_.has_value()) return datagrams.size();
  for (const Datagram& d : datagrams) network_.SendDatagram(system_, *bound_, d.to, d.bytes);
  return datagrams.size();
}

}  // namespace kompact::sim
