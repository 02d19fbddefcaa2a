// Faults and recovery (FEATURES.md C7, V1-V4).
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "absl/time/time.h"
#include "base/capture_log_sink.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;
constexpr absl::Duration kWait = absl::Seconds(20);

struct Work {
  int value;
};
struct WorkPort : Port<Requests<Work>, Indications<>> {};

// Fails on demand: value 13 -> recoverable error, 66 -> throws, 99 -> unrecoverable.
class Worker : public ComponentDefinition<Worker> {
 public:
  explicit Worker(int start, std::shared_ptr<std::atomic<int>> last_seen)
      : total_(start), last_seen_(std::move(last_seen)) {}
  HandlerResult Handle(const Work& w) {
    if (w.value == 13) return absl::DataLossError("unlucky 13");
    if (w.value == 66) throw std::runtime_error("bad value 66");
    if (w.value == 99) return HandlerResult::Unrecoverable(absl::InternalError("fatal 99"));
    total_ += w.value;
    last_seen_->store(total_);
    // Keep a snapshot of the state for recovery.
    SetRecoveryFunction([snapshot = total_, seen = last_seen_](FaultContext fault) {
      return std::move(fault).RecoverWith(
          [snapshot, seen](FaultContext, KompactSystem& system, const Logger&) {
            auto replacement = system.Create<Worker>(snapshot, seen);
            system.Start(replacement);
            seen->store(-snapshot);  // marks that recovery ran, with the snapshot
          });
    });
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&Worker::port_); }

 private:
  ProvidedPort<WorkPort> port_;
  int total_;
  std::shared_ptr<std::atomic<int>> last_seen_;
};

class SupervisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<CaptureLogSink>();
    auto built = KompactConfig().Threads(2).SetLogSink(sink_).Build();
    ASSERT_OK(built);
    system_ = std::make_unique<KompactSystem>(*std::move(built));
  }
  void TearDown() override {
    if (system_) {
      EXPECT_OK(system_->Shutdown());
    }
  }
  absl::Status Send(const AnyComponent& c, int value) {
    auto port = c.GetProvidedPort<WorkPort>();
    if (!port.ok()) return port.status();
    return system_->TriggerRequest(*port, Work{value});
  }
  std::shared_ptr<CaptureLogSink> sink_;
  std::unique_ptr<KompactSystem> system_;
};

TEST_F(SupervisionTest, RecoverableErrorMakesTheComponentFaultyAndRunsRecovery) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  auto w = system_->Create<Worker>(0, seen);
  ASSERT_OK(system_->StartNotify(w).WaitFor(kWait));
  ASSERT_OK(Send(w, 5));
  ASSERT_OK(Send(w, 13));
  ASSERT_TRUE(WaitUntil([&] { return w.IsFaulty(); }));
  // The recovery function captured the snapshot (5) and started a replacement.
  ASSERT_TRUE(WaitUntil([&] { return seen->load() == -5; }));
  EXPECT_TRUE(sink_->Contains("unlucky 13"));
  EXPECT_THAT(Send(w, 1), StatusIs(absl::StatusCode::kFailedPrecondition, "Faulty"));
}

TEST_F(SupervisionTest, ExceptionIsARecoverableFault) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  auto w = system_->Create<Worker>(0, seen);
  ASSERT_OK(system_->StartNotify(w).WaitFor(kWait));
  ASSERT_OK(Send(w, 7));
  ASSERT_OK(Send(w, 66));
  ASSERT_TRUE(WaitUntil([&] { return seen->load() == -7; }));
  EXPECT_TRUE(w.IsFaulty());
  EXPECT_TRUE(sink_->Contains("bad value 66"));
}

TEST_F(SupervisionTest, DefaultRecoveryIgnoresTheFault) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  auto w = system_->Create<Worker>(0, seen);
  ASSERT_OK(system_->StartNotify(w).WaitFor(kWait));
  ASSERT_OK(Send(w, 13));  // faults before any snapshot was set
  ASSERT_TRUE(sink_->WaitFor("ignoring fault of component", kWait));
  EXPECT_TRUE(w.IsFaulty());
  EXPECT_EQ(seen->load(), 0);
}

TEST_F(SupervisionTest, UnrecoverableErrorDestroysWithoutRecovery) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  auto w = system_->Create<Worker>(0, seen);
  ASSERT_OK(system_->StartNotify(w).WaitFor(kWait));
  ASSERT_OK(Send(w, 3));
  ASSERT_OK(Send(w, 99));
  ASSERT_TRUE(WaitUntil([&] { return w.IsDestroyed(); }));
  EXPECT_TRUE(sink_->WaitFor("fatal 99", kWait));
  EXPECT_EQ(seen->load(), 3);  // no recovery ran
  EXPECT_FALSE(system_->IsPoisoned());
}

TEST_F(SupervisionTest, ShutdownCompletesWhenTheLastChildIsFaulty) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  auto w = system_->Create<Worker>(0, seen);
  ASSERT_OK(system_->StartNotify(w).WaitFor(kWait));
  ASSERT_OK(Send(w, 13));
  ASSERT_TRUE(WaitUntil([&] { return w.IsFaulty(); }));
  EXPECT_OK(system_->Shutdown());
  EXPECT_TRUE(system_->IsTerminated());
}

TEST_F(SupervisionTest, FaultInAnUnsupervisedComponentPoisonsTheSystem) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  auto w = system_->CreateUnsupervised<Worker>(0, seen);
  ASSERT_OK(system_->StartNotify(w).WaitFor(kWait));
  ASSERT_OK(Send(w, 13));
  ASSERT_TRUE(system_->AwaitTerminationFor(kWait));
  EXPECT_TRUE(system_->IsPoisoned());
  EXPECT_TRUE(sink_->Contains("system poisoned"));
}

TEST_F(SupervisionTest, ShutdownKillsThousandsOfLiveComponents) {
  constexpr int kComponents = 3000;
  auto seen = std::make_shared<std::atomic<int>>(0);
  std::vector<Future<void>> started;
  {
    for (int i = 0; i < kComponents; ++i) {
      auto w = system_->Create<Worker>(i, seen);
      started.push_back(system_->StartNotify(w));
    }
  }
  for (auto& f : started) ASSERT_OK(f.WaitFor(kWait));
  EXPECT_OK(system_->Shutdown());
  EXPECT_TRUE(system_->IsTerminated());
}

}  // namespace
}  // namespace kompact
