// Component timers (FEATURES.md T2, T3) on the manual timer.
#include <memory>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::DeterministicSystem;
using ::kompact::testing::StatusIs;

struct Arm {
  int64_t delay_ms;
  std::optional<int64_t> period_ms;  // nullopt: once
};
struct Disarm {};
struct TimerPort : Port<Requests<Arm, Disarm>, Indications<>> {};

class Ticker : public ComponentDefinition<Ticker> {
 public:
  HandlerResult Handle(const Arm& a) {
    absl::StatusOr<TimerId> id =
        !a.period_ms.has_value()
            ? ScheduleOnce(absl::Milliseconds(a.delay_ms),
                           [](Ticker& self, TimerId) {
                             self.fired.push_back(self.now_ms());
                             return HandlerResult(Handled::kOk);
                           })
            : SchedulePeriodic(absl::Milliseconds(a.delay_ms), absl::Milliseconds(*a.period_ms),
                               [](Ticker& self, TimerId) -> HandlerResult {
                                 self.fired.push_back(self.now_ms());
                                 if (self.fail_on_fire) return absl::InternalError("timer handler failed");
                                 return Handled::kOk;
                               });
    if (!id.ok()) {
      refused = id.status();
      return id.status();
    }
    last = *id;
    return Handled::kOk;
  }
  HandlerResult Handle(const Disarm&) {
    CancelTimer(last);
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&Ticker::port_); }
  ProvidedPortRef<TimerPort> port() { return port_.Share(); }

  int64_t now_ms() const { return absl::ToInt64Milliseconds(clock->Now()); }
  std::vector<int64_t> fired;
  TimerId last;
  absl::Status refused;  // why the last Arm was refused
  bool fail_on_fire = false;
  ManualTimer* clock = nullptr;

 private:
  ProvidedPort<TimerPort> port_;
};

class TimersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = DeterministicSystem::Create();
    ASSERT_OK(sim);
    sim_ = std::move(*sim);
    ticker_ = sim_->system().Create<Ticker>();
    ticker_.definition().clock = &sim_->timer();
    sim_->system().Start(ticker_);
    sim_->RunUntilIdle();
  }
  // Advances one millisecond at a time, running the components after each step,
  // so that handlers observe the time their timer fired at.
  void Step(int64_t ms) {
    for (int64_t i = 0; i < ms; ++i) ASSERT_OK(sim_->AdvanceAndRun(absl::Milliseconds(1)));
  }
  void Send(auto event) {
    ASSERT_OK(sim_->system().TriggerRequest(ticker_.definition().port(), event));
    sim_->RunUntilIdle();
  }
  std::unique_ptr<DeterministicSystem> sim_;
  Component<Ticker> ticker_;
};

TEST_F(TimersTest, OnceFiresAtItsDeadlineOnTheComponent) {
  Send(Arm{100, std::nullopt});
  Step(99);
  EXPECT_TRUE(ticker_.definition().fired.empty());
  Step(1);
  EXPECT_THAT(ticker_.definition().fired, ::testing::ElementsAre(100));
  ASSERT_OK(sim_->AdvanceAndRun(absl::Seconds(10)));
  EXPECT_EQ(ticker_.definition().fired.size(), 1u);
}

TEST_F(TimersTest, PeriodicFiresEveryPeriodWithoutDrift) {
  Send(Arm{10, 20});
  Step(95);
  EXPECT_THAT(ticker_.definition().fired, ::testing::ElementsAre(10, 30, 50, 70, 90));
}

TEST_F(TimersTest, CancelStopsAPeriodicTimer) {
  Send(Arm{10, 10});
  Step(25);
  Send(Disarm{});
  Step(100);
  EXPECT_THAT(ticker_.definition().fired, ::testing::ElementsAre(10, 20));
}

TEST_F(TimersTest, TimersOfAKilledComponentAreCancelled) {
  Send(Arm{10, 10});
  Send(Arm{500, std::nullopt});
  Step(15);
  EXPECT_EQ(sim_->timer().pending(), 2u);
  sim_->system().Kill(ticker_);
  sim_->RunUntilIdle();
  EXPECT_EQ(sim_->timer().pending(), 0u);
  ASSERT_OK(sim_->AdvanceAndRun(absl::Seconds(1)));
  EXPECT_THAT(ticker_.definition().fired, ::testing::ElementsAre(10));
}

TEST_F(TimersTest, TimersDoNotFireWhileStopped) {
  Send(Arm{10, 10});
  sim_->system().Stop(ticker_);
  sim_->RunUntilIdle();
  ASSERT_OK(sim_->AdvanceAndRun(absl::Milliseconds(35)));
  EXPECT_TRUE(ticker_.definition().fired.empty());
  sim_->system().Start(ticker_);
  sim_->RunUntilIdle();
  // The three expiries that came while stopped are handled after the restart.
  EXPECT_EQ(ticker_.definition().fired.size(), 3u);
}

TEST_F(TimersTest, AFailingTimerHandlerFaultsTheComponent) {
  ticker_.definition().fail_on_fire = true;
  Send(Arm{10, 10});
  ASSERT_OK(sim_->AdvanceAndRun(absl::Milliseconds(10)));
  EXPECT_TRUE(ticker_.IsFaulty());
  EXPECT_EQ(sim_->timer().pending(), 0u);
}

TEST_F(TimersTest, ZeroPeriodIsRejected) {
  // A periodic timer with period 0 would fire forever at one instant: refused
  // with a status, which the handler returns (a fault), and nothing scheduled.
  Send(Arm{10, 0});
  EXPECT_THAT(ticker_.definition().refused,
              StatusIs(absl::StatusCode::kInvalidArgument, "period must be finite and > 0, got 0"));
  EXPECT_TRUE(ticker_.IsFaulty());
  EXPECT_EQ(sim_->timer().pending(), 0u);
}

TEST_F(TimersTest, ZeroDelayIsAcceptedAndANegativeOneRejected) {
  Send(Arm{0, std::nullopt});
  EXPECT_OK(ticker_.definition().refused);
  ASSERT_OK(sim_->AdvanceAndRun(absl::Milliseconds(1)));
  EXPECT_EQ(ticker_.definition().fired.size(), 1u);
  EXPECT_FALSE(ticker_.IsFaulty());
  // A negative delay is an error status, which faults the component.
  Send(Arm{-5, std::nullopt});
  EXPECT_THAT(ticker_.definition().refused, StatusIs(absl::StatusCode::kInvalidArgument, "-5ms"));
  EXPECT_TRUE(ticker_.IsFaulty());
}

}  // namespace
}  // namespace kompact
