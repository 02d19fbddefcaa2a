// Serialisation over the wire (the Kompact book, "Serialisation"): two systems in
// one process, each with its own TCP port on 127.0.0.1, so every message between
// them is really turned into bytes and back. System "sender" sends to an Inbox on
// system "receiver":
//
//   1. a protobuf message (greeting.proto) with ProtobufSerialiser, eagerly;
//   2. a Reading with a hand-written serialiser, lazily (serialised on the network
//      thread);
//   3. an invalid Reading with TellSerialised: the serialiser refuses it, the
//      error comes back to the caller and nothing is sent (sent lazily, the same
//      value becomes a dead letter of the sending system);
//   4. a std::string, which the Inbox does not expect (its OnDefault arm).
//
//   tools/bazel run //examples/net:serialisation
#include <bit>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "examples/net/greeting.pb.h"
#include "glog/logging.h"
#include "kompact.h"
#include "net/network_dispatcher.h"
#include "serialisation/protobuf_serialiser.h"

namespace examples {

using kompact::ActorPath;
using kompact::Buf;
using kompact::BufMut;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::NetData;
using kompact::NetMessage;

// [tutorial:protobuf]
// A protobuf type needs only a SerId: ProtobufSerialiser writes its standard encoding.
using GreetingSerialiser = kompact::ProtobufSerialiser<proto::Greeting, 120>;
// [end]

// [tutorial:handwritten]
// A plain struct with a serialiser written by hand, kept apart from the type (so the
// type needs no kompact include). It validates what it writes: a serialiser may fail.
struct Reading {
  std::string sensor;
  double celsius;
};

struct ReadingSerialiser {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<121>();
  static constexpr size_t kMaxSensorName = 64;

  static size_t SizeHint(const Reading& r) { return 1 + r.sensor.size() + 8; }
  static absl::Status Serialise(const Reading& r, BufMut& buf) {
    if (!std::isfinite(r.celsius)) {
      return absl::InvalidArgumentError(absl::StrCat("reading of ", r.sensor, " is not a number"));
    }
    if (r.sensor.size() > kMaxSensorName) return absl::InvalidArgumentError("sensor name too long");
    buf.PutString(r.sensor);
    buf.PutU64(std::bit_cast<uint64_t>(r.celsius));
    return absl::OkStatus();
  }
  static absl::StatusOr<Reading> Deserialise(Buf& buf) {
    Reading r;
    r.sensor = buf.GetString(kMaxSensorName);  // a bound: the bytes come from another process
    r.celsius = std::bit_cast<double>(buf.GetU64());
    return r;  // a short or corrupt buffer is reported by buf (DeserialiseFrom checks it)
  }
};
// [end]

// What arrived, for main to print (thread-safe).
class Log {
 public:
  void Add(std::string line) {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(std::move(line));
    cv_.notify_all();
  }
  std::vector<std::string> WaitFor(size_t n, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return lines_.size() >= n; });
    return lines_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

// [tutorial:inbox]
// MatchDeser picks the arm by the payload's SerId and deserialises with that arm's
// serialiser; an unknown SerId goes to OnDefault, bytes that do not parse to OnError.
class Inbox : public kompact::ComponentDefinition<Inbox> {
 public:
  explicit Inbox(std::shared_ptr<Log> log) : log_(std::move(log)) {}

  HandlerResult ReceiveNetwork(NetMessage msg) {
    return kompact::MatchDeser(
               kompact::On<proto::Greeting, GreetingSerialiser>([&](proto::Greeting g) {
                 log_->Add(absl::StrCat("Greeting from ", g.from(), ": \"", g.text(), "\", lucky numbers ",
                                        absl::StrJoin(g.lucky_numbers(), ",")));
                 return HandlerResult(Handled::kOk);
               }),
               kompact::On<Reading, ReadingSerialiser>([&](Reading r) {
                 log_->Add(absl::StrCat("Reading: ", r.sensor, " = ", r.celsius, " C"));
                 return HandlerResult(Handled::kOk);
               }),
               kompact::OnError([&](const absl::Status& error) {
                 log_->Add(absl::StrCat("Undecodable message: ", error.ToString()));
                 return HandlerResult::Benign(error);
               }),
               kompact::OnDefault([&](NetData& unknown) {
                 log_->Add(absl::StrCat("Unexpected message with SerId ", unknown.ser_id(), " from ",
                                        msg.sender().ToString()));
                 return HandlerResult(Handled::kOk);
               }))
        .Match(msg.data());
  }

 private:
  std::shared_ptr<Log> log_;
};
// [end]

absl::StatusOr<kompact::KompactSystem> NetworkedSystem(std::string label) {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = 0;
  return kompact::KompactConfig()
      .Label(std::move(label))
      .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
      .Build();
}

int Run() {
  constexpr absl::Duration kTimeout = absl::Seconds(20);
  kompact::KompactSystem sender = NetworkedSystem("sender").value();
  kompact::KompactSystem receiver = NetworkedSystem("receiver").value();
  auto log = std::make_shared<Log>();
  kompact::Component<Inbox> inbox = receiver.Create<Inbox>(log);
  receiver.Start(inbox);
  const ActorPath inbox_path = receiver.RegisterByAlias(inbox, "inbox").WaitFor(kTimeout).value();
  std::cout << "Inbox at " << inbox_path << std::endl;

  // [tutorial:send]
  // 1. Eager: serialised here, with the serialiser named explicitly.
  proto::Greeting greeting;
  greeting.set_from("sender");
  greeting.set_text("hello over the wire");
  for (uint32_t n : {3, 7, 42}) greeting.add_lucky_numbers(n);
  if (absl::Status s = inbox_path.TellSerialised<proto::Greeting, GreetingSerialiser>(greeting, sender);
      !s.ok()) {
    std::cerr << "could not send the greeting: " << s << std::endl;
    return 1;
  }

  // 2. Lazy: boxed now, serialised by the network thread just before it is sent.
  inbox_path.TellUsing<ReadingSerialiser>(Reading{.sensor = "kitchen", .celsius = 21.5}, sender);

  // 3. Eager with a value the serialiser refuses: the error is ours to handle, here.
  absl::Status refused = inbox_path.TellSerialised<Reading, ReadingSerialiser>(
      Reading{.sensor = "attic", .celsius = NAN}, sender);
  std::cout << "TellSerialised of a NaN reading: " << refused << std::endl;
  // The same value sent lazily fails later, on the network thread, where nobody can
  // be told: the network layer logs a warning and makes it a dead letter of the
  // sender's system.
  inbox_path.TellUsing<ReadingSerialiser>(Reading{.sensor = "cellar", .celsius = NAN}, sender);

  // 4. A type the Inbox has no arm for.
  inbox_path.Tell(std::string("what is this?"), sender);
  // [end]

  const std::vector<std::string> arrived = log->WaitFor(3, kTimeout);
  for (const std::string& line : arrived) std::cout << "Arrived: " << line << std::endl;
  CHECK(sender.Shutdown().ok());
  CHECK(receiver.Shutdown().ok());
  if (arrived.size() != 3 || refused.ok()) {
    std::cerr << "expected 3 messages and a refused one" << std::endl;
    return 1;
  }
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return examples::Run();
}
