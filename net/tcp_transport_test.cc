// TcpTransport on loopback: bind (port 0, occupied ports, IPv6), dial and accept,
// gathering writes and reads, end of stream, refused dials, Wake/Post from other
// threads, datagrams (batched, oversized ones refused with a status).
#include "net/tcp_transport.h"

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact::net {
namespace {

using ::kompact::testing::WaitUntil;

// Collects what a stream receives; runs on the network thread.
class Collector : public StreamHandler {
 public:
  void OnConnected(absl::Status status) override {
    std::lock_guard<std::mutex> lock(mu);
    connected = status;
    connected_called = true;
  }
  void OnReadable() override {
    if (throw_on_read.load()) throw std::runtime_error("boom in OnReadable");
    uint8_t buf[4096];
    for (;;) {
      absl::StatusOr<size_t> n = stream->Read(buf);
      std::lock_guard<std::mutex> lock(mu);
      if (!n.ok()) {
        end = n.status();
        return;
      }
      if (*n == 0) return;
      data.append(reinterpret_cast<char*>(buf), *n);
    }
  }
  void OnWritable() override { writable.fetch_add(1); }
  void OnFault(std::string_view what) override {
    std::lock_guard<std::mutex> lock(mu);
    fault = std::string(what);
  }
  std::string Fault() {
    std::lock_guard<std::mutex> lock(mu);
    return fault;
  }

  std::string Data() {
    std::lock_guard<std::mutex> lock(mu);
    return data;
  }
  std::optional<absl::Status> End() {
    std::lock_guard<std::mutex> lock(mu);
    return end;
  }

  Stream* stream = nullptr;
  std::mutex mu;
  absl::Status connected;
  bool connected_called = false;
  std::string data;
  std::optional<absl::Status> end;
  std::atomic<int> writable{0};
  std::atomic<bool> throw_on_read{false};
  std::string fault;
};

class TcpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, TcpTransport::Create({}));
    ASSERT_OK_AND_ASSIGN(client_, TcpTransport::Create({}));
  }
  void TearDown() override {
    // Streams die on their own network thread before the transports stop.
    if (server_started_) RunOn(*server_, [&] { accepted_.clear(); });
    if (client_started_) RunOn(*client_, [&] { dialled_.reset(); });
    server_->Stop();
    client_->Stop();
  }
  static void RunOn(Transport& t, absl::AnyInvocable<void() &&> f) {
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    t.Post([&] {
      std::move(f)();
      done.set_value();
    });
    finished.wait_for(std::chrono::seconds(10));
  }
  void StartServer(Endpoint at = Endpoint{IpAddress::Loopback(), 0}, bool udp = false) {
    ASSERT_OK_AND_ASSIGN(bound_, server_->Bind(at, udp));
    Transport::Callbacks cb;
    cb.on_accept = [this](std::unique_ptr<Stream> s) {
      auto c = std::make_unique<Collector>();
      c->stream = s.get();
      s->SetHandler(c.get());
      accepted_.push_back({std::move(s), std::move(c)});
      accepts_.fetch_add(1);
    };
    cb.on_wake = [this] { server_wakes_.fetch_add(1); };
    cb.on_fault = [this](std::string_view what, bool fatal) {
      std::lock_guard<std::mutex> lock(dmu_);
      faults_.push_back(absl::StrCat(fatal ? "fatal: " : "", AsAbsl(what)));
    };
    cb.on_datagram = [this](const Endpoint&, std::span<const uint8_t> d) {
      std::lock_guard<std::mutex> lock(dmu_);
      datagrams_.emplace_back(d.begin(), d.end());
    };
    ASSERT_OK(server_->Start(std::move(cb)));
    server_started_ = true;
  }
  void StartClient(bool udp = false) {
    if (udp) {
      ASSERT_OK(client_->Bind(Endpoint{IpAddress::Loopback(), 0}, true).status());
    }
    ASSERT_OK(client_->Start({}));
    client_started_ = true;
  }
  void Dial() {
    RunOn(*client_, [&] {
      absl::StatusOr<std::unique_ptr<Stream>> s = client_->Dial(bound_, &client_handler_);
      ASSERT_OK(s.status());
      client_handler_.stream = s->get();
      dialled_ = *std::move(s);
    });
  }

  struct Accepted {
    std::unique_ptr<Stream> stream;
    std::unique_ptr<Collector> collector;
  };
  std::unique_ptr<TcpTransport> server_, client_;
  bool server_started_ = false, client_started_ = false;
  Endpoint bound_;
  std::vector<Accepted> accepted_;  // network thread of server_
  std::atomic<int> accepts_{0};
  std::atomic<int> server_wakes_{0};
  std::mutex dmu_;
  std::vector<std::vector<uint8_t>> datagrams_ ABSL_GUARDED_BY(dmu_);
  std::vector<std::string> faults_ ABSL_GUARDED_BY(dmu_);
  Collector client_handler_;
  std::unique_ptr<Stream> dialled_;  // network thread of client_
};

TEST_F(TcpTransportTest, PortZeroBindsARealPortAndAnOccupiedPortFailsAtOnce) {
  StartServer();
  EXPECT_NE(bound_.port, 0);
  ASSERT_OK_AND_ASSIGN(auto other, TcpTransport::Create({}));
  absl::StatusOr<Endpoint> again = other->Bind(bound_, false);
  EXPECT_TRUE(absl::IsUnavailable(again.status())) << again.status();
  EXPECT_THAT(std::string(again.status().message()), ::testing::HasSubstr(bound_.ToString()));
}

TEST_F(TcpTransportTest, DialledAndAcceptedStreamsExchangeBytesBothWays) {
  StartServer();
  StartClient();
  Dial();
  ASSERT_TRUE(WaitUntil([&] { return accepts_.load() == 1; }));
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(client_handler_.mu);
    return client_handler_.connected_called;
  }));
  EXPECT_OK(client_handler_.connected);
  // A gathering write of three parts arrives as one byte stream.
  RunOn(*client_, [&] {
    const std::string a = "hello ", b = "gathered ", c = "world";
    const iovec parts[3] = {{const_cast<char*>(a.data()), a.size()},
                            {const_cast<char*>(b.data()), b.size()},
                            {const_cast<char*>(c.data()), c.size()}};
    absl::StatusOr<size_t> n = dialled_->Write(parts);
    ASSERT_OK(n.status());
    EXPECT_EQ(*n, a.size() + b.size() + c.size());
  });
  ASSERT_TRUE(WaitUntil([&] { return accepts_.load() == 1 && accepted_[0].collector->Data().size() == 20; }));
  EXPECT_EQ(accepted_[0].collector->Data(), "hello gathered world");
  RunOn(*server_, [&] {
    const std::string r = "back";
    const iovec part{const_cast<char*>(r.data()), r.size()};
    ASSERT_OK(accepted_[0].stream->Write(std::span<const iovec>(&part, 1)).status());
  });
  ASSERT_TRUE(WaitUntil([&] { return client_handler_.Data() == "back"; }));
  // Half-close: the server reads end of stream.
  RunOn(*client_, [&] { dialled_->ShutdownWrite(); });
  ASSERT_TRUE(WaitUntil([&] { return accepted_[0].collector->End().has_value(); }));
  EXPECT_EQ(accepted_[0].collector->End()->message(), "end of stream");
}

TEST_F(TcpTransportTest, AHandlerThatThrowsGetsOnFaultAndTheLoopGoesOn) {
  StartServer();
  StartClient();
  Dial();
  ASSERT_TRUE(WaitUntil([&] { return accepts_.load() == 1; }));
  accepted_[0].collector->throw_on_read = true;
  auto write = [&](Stream& stream, const std::string& text) {
    const iovec part{const_cast<char*>(text.data()), text.size()};
    ASSERT_OK(stream.Write(std::span<const iovec>(&part, 1)).status());
  };
  RunOn(*client_, [&] { write(*dialled_, "first"); });
  ASSERT_TRUE(WaitUntil([&] { return !accepted_[0].collector->Fault().empty(); }));
  EXPECT_THAT(accepted_[0].collector->Fault(), ::testing::HasSubstr("boom in OnReadable"));
  {
    std::lock_guard<std::mutex> lock(dmu_);
    EXPECT_TRUE(faults_.empty()) << "a stream's fault is not the loop's";
  }
  // The loop serves another connection as before.
  Collector second;
  std::unique_ptr<Stream> second_stream;
  RunOn(*client_, [&] {
    absl::StatusOr<std::unique_ptr<Stream>> s = client_->Dial(bound_, &second);
    ASSERT_OK(s.status());
    second.stream = s->get();
    second_stream = *std::move(s);
  });
  ASSERT_TRUE(WaitUntil([&] { return accepts_.load() == 2; }));
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(second.mu);
    return second.connected_called;
  }));
  RunOn(*client_, [&] { write(*second_stream, "second"); });
  ASSERT_TRUE(WaitUntil([&] { return accepted_[1].collector->Data() == "second"; }));
  RunOn(*client_, [&] { second_stream.reset(); });
}

TEST_F(TcpTransportTest, APostedTaskThatThrowsIsALoopFaultAndLaterTasksStillRun) {
  StartServer();
  std::atomic<bool> later{false};
  server_->Post([] { throw std::runtime_error("boom in a task"); });
  server_->Post([&] { later = true; });
  ASSERT_TRUE(WaitUntil([&] { return later.load(); }));
  std::lock_guard<std::mutex> lock(dmu_);
  ASSERT_EQ(faults_.size(), 1u);
  EXPECT_EQ(faults_[0], "boom in a task");
}

TEST_F(TcpTransportTest, ADialToAClosedPortReportsAnError) {
  StartServer();
  const Endpoint gone = bound_;
  server_->Stop();
  server_started_ = false;
  server_.reset();
  ASSERT_OK_AND_ASSIGN(server_, TcpTransport::Create({}));
  StartClient();
  bound_ = gone;
  absl::Status dial_status;
  RunOn(*client_, [&] {
    absl::StatusOr<std::unique_ptr<Stream>> s = client_->Dial(bound_, &client_handler_);
    dial_status = s.status();
    if (s.ok()) {
      client_handler_.stream = s->get();
      dialled_ = *std::move(s);
    }
  });
  if (dial_status.ok()) {
    ASSERT_TRUE(WaitUntil([&] {
      std::lock_guard<std::mutex> lock(client_handler_.mu);
      return client_handler_.connected_called;
    }));
    EXPECT_TRUE(absl::IsUnavailable(client_handler_.connected)) << client_handler_.connected;
  } else {
    EXPECT_TRUE(absl::IsUnavailable(dial_status)) << dial_status;
  }
}

TEST_F(TcpTransportTest, WakeAndPostRunOnTheNetworkThreadFromOtherThreads) {
  StartServer();
  std::atomic<bool> on_thread{false};
  RunOn(*server_, [&] { on_thread = server_->IsNetworkThread(); });
  EXPECT_TRUE(on_thread.load());
  EXPECT_FALSE(server_->IsNetworkThread());
  const int before = server_wakes_.load();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) server_->Wake();
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(WaitUntil([&] { return server_wakes_.load() > before; }));
  // Coalesced: far fewer wake-ups than calls.
  EXPECT_LT(server_wakes_.load() - before, 4000);
}

TEST_F(TcpTransportTest, DatagramsArriveAndOversizedOnesAreRefusedWithAStatus) {
  StartServer(Endpoint{IpAddress::Loopback(), 0}, /*udp=*/true);
  StartClient(/*udp=*/true);
  std::vector<std::vector<uint8_t>> payloads = {{1, 2, 3}, std::vector<uint8_t>(70000, 7), {4, 5}};
  size_t sent = 0;
  std::vector<size_t> failed;
  RunOn(*client_, [&] {
    std::vector<Transport::Datagram> d;
    for (const auto& p : payloads) d.push_back(Transport::Datagram{bound_, p});
    sent = client_->SendDatagrams(d, [&](size_t i, const absl::Status& s) {
      failed.push_back(i);
      EXPECT_FALSE(s.ok());
    });
  });
  EXPECT_EQ(sent, 3u);
  EXPECT_EQ(failed, std::vector<size_t>{1});
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(dmu_);
    return datagrams_.size() == 2;
  }));
  std::lock_guard<std::mutex> lock(dmu_);
  EXPECT_EQ(datagrams_[0], payloads[0]);
  EXPECT_EQ(datagrams_[1], payloads[2]);
}

TEST_F(TcpTransportTest, IPv6Loopback) {
  StartServer(Endpoint{*IpAddress::Parse("::1"), 0});
  StartClient();
  Dial();
  ASSERT_TRUE(WaitUntil([&] { return accepts_.load() == 1; }));
}

}  // namespace
}  // namespace kompact::net
