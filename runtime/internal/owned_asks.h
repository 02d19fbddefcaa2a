// The Asks a component has received: so that killing the component fails every one
// it has not answered, even while a Component<C> handle keeps its definition (and
// an Ask stored in one of its fields) alive (docs/ask.md, "When the actor dies").
//
// When an actor's message is an Ask (or a std::variant with Ask alternatives), the
// run loop hands the handler an Ask whose promise is a relay: completing it
// completes the asker's promise, unless the component was destroyed first, in
// which case the asker's future has already failed with kCancelled. Actors whose
// message type holds no Ask pay nothing.
//
// Thread-safety: OwnedAsks is touched only on the component's own thread; a relay
// may be completed on any thread, racing with FailAll (one atomic exchange decides
// who completes the asker's promise).
#ifndef KOMPACT_RUNTIME_INTERNAL_OWNED_ASKS_H_
#define KOMPACT_RUNTIME_INTERNAL_OWNED_ASKS_H_

#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "executors/future.h"
#include "executors/internal/future_state.h"

namespace kompact {

template <typename Request, typename Response>
class Ask;
class ComponentCore;

namespace runtime_internal {

// One relayed Ask: referenced by the relay promise's callback and by OwnedAsks.
class OwnedAsk {
 public:
  // Fails the asker's promise with `why` unless it was already completed.
  virtual void FailIfPending(const absl::Status& why) = 0;
  bool done() const { return done_.load(std::memory_order_acquire); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 protected:
  virtual ~OwnedAsk() = default;
  // True for exactly one caller: the one that completes the asker's promise.
  bool Claim() { return !done_.exchange(true, std::memory_order_acq_rel); }

 private:
  std::atomic<int> refs_{2};
  std::atomic<bool> done_{false};
};

template <typename R>
class AskRelay final : public OwnedAsk, public executors_internal::FutureCallback<R> {
 public:
  explicit AskRelay(Promise<R> original) : original_(std::move(original)) {}

  void FailIfPending(const absl::Status& why) override {
    // A status of its own, not a copy sharing `why`'s reference-counted text: the
    // asker's thread must not share a refcount with this one (absl's counts are
    // invisible to ThreadSanitizer in uninstrumented builds of Abseil).
    if (Claim()) original_.Fail(absl::Status(why.code(), why.message()));
  }
  // The relay promise was completed (replied, or dropped unreplied).
  void OnReady(executors_internal::FutureState<R>* state) noexcept override {
    FutureResult<R> result = state->TakeAndRelease();
    if (Claim()) original_.Complete(std::move(result));
    Unref();
  }

 private:
  ~AskRelay() override = default;
  Promise<R> original_;
};

// The registry of a component's relayed Asks (in ComponentExtras). Own thread.
class OwnedAsks {
 public:
  OwnedAsks() = default;
  OwnedAsks(const OwnedAsks&) = delete;
  OwnedAsks& operator=(const OwnedAsks&) = delete;
  ~OwnedAsks() { ReleaseAll(); }

  void Add(OwnedAsk* ask) {
    if (asks_.size() >= prune_at_) Prune();
    asks_.push_back(ask);
  }
  // Fails every Ask not answered yet with `why`, and forgets them all.
  void FailAll(const absl::Status& why) {
    for (OwnedAsk* ask : asks_) ask->FailIfPending(why);
    ReleaseAll();
  }
  bool empty() const { return asks_.empty(); }

 private:
  // Drops the answered ones; the threshold doubles with what stays, so pruning
  // costs O(1) per Add, amortised.
  void Prune() {
    std::erase_if(asks_, [](OwnedAsk* ask) {
      if (!ask->done()) return false;
      ask->Unref();
      return true;
    });
    prune_at_ = asks_.size() * 2 > kMinPruneAt ? asks_.size() * 2 : kMinPruneAt;
  }
  void ReleaseAll() {
    for (OwnedAsk* ask : asks_) ask->Unref();
    asks_.clear();
    prune_at_ = kMinPruneAt;
  }

  static constexpr size_t kMinPruneAt = 32;
  std::vector<OwnedAsk*> asks_;
  size_t prune_at_ = kMinPruneAt;
};

// Registers `ask` with `core` (own thread; component_core.cc).
void AddOwnedAsk(ComponentCore& core, OwnedAsk* ask);

template <typename T>
struct IsAskMessage : std::false_type {};
template <typename Q, typename R>
struct IsAskMessage<Ask<Q, R>> : std::true_type {};

// Whether a message of type M can be (or hold, as a variant alternative) an Ask.
template <typename M>
inline constexpr bool kHoldsAsk = IsAskMessage<M>::value;
template <typename... Ts>
inline constexpr bool kHoldsAsk<std::variant<Ts...>> = (IsAskMessage<Ts>::value || ...);

// Replaces the promise of `ask` by a relay registered with `core`.
template <typename Q, typename R>
void RelayAsk(ComponentCore& core, Ask<Q, R>& ask) {
  if (ask.replied()) return;  // no promise (moved out before sending)
  auto* relay = new AskRelay<R>(ask.TakePromise());
  auto [promise, future] = MakePromise<R>();
  executors_internal::FutureState<R>* state = executors_internal::FutureAccess::Release(future);
  const bool attached = state->Attach(relay);  // a fresh state has no result yet
  (void)attached;
  ask = Ask<Q, R>(std::move(promise), ask.TakeRequest());
  AddOwnedAsk(core, relay);
}

// RelayAsk for a message that is, or may hold, an Ask.
template <typename M>
void RelayAsks(ComponentCore& core, M& message) {
  if constexpr (IsAskMessage<M>::value) {
    RelayAsk(core, message);
  } else {
    std::visit(
        [&core](auto& alternative) {
          if constexpr (IsAskMessage<std::remove_cvref_t<decltype(alternative)>>::value) {
            RelayAsk(core, alternative);
          }
        },
        message);
  }
}

}  // namespace runtime_internal
}  // namespace kompact

#endif  // KOMPACT_RUNTIME_INTERNAL_OWNED_ASKS_H_
