// Actor references (FEATURES.md A1, A2): the hybrid half of Kompact. A component
// that declares a message type is also an actor:
//
//   class Counter : public ComponentDefinition<Counter>, public Actor<CounterMsg> {
//    public:
//     HandlerResult ReceiveLocal(CounterMsg msg) { ... }
//   };
//   ActorRef<CounterMsg> ref = counter.actor_ref();
//   ref.Tell(CounterMsg{...});        // from any thread
//
// ActorRef<M> is weak: it never keeps its component alive, and telling a dead
// (destroyed, faulty or deallocated) component drops the message and counts it as
// a dead letter. Hold() gives an ActorRefStrong<M>, which keeps the component alive
// while held. Both tell with one atomic increment and one atomic exchange, no lock,
// and a message node from a per-thread pool (no malloc in steady state).
//
// Thread-safety: refs are values; copies may be used from any thread at once.
// Lifetime: a ref keeps the component's memory (not its definition) until the
// last ref is gone.
#ifndef KOMPACT_RUNTIME_ACTOR_REF_H_
#define KOMPACT_RUNTIME_ACTOR_REF_H_

#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "base/node_pool.h"
#include "base/uuid.h"
#include "executors/future.h"
#include "runtime/component_core.h"
#include "runtime/internal/core_refs.h"
#include "runtime/internal/message_node.h"
#include "runtime/never.h"
#include "runtime/port.h"

namespace kompact {

// Mixin declaring a component's actor message type M (use std::variant for
// several). The component must define `HandlerResult ReceiveLocal(M)`.
template <typename M>
struct Actor {
  static_assert(OwningValue<M>, "actor messages must be value types that own their data");
  using Message = M;  // The type ReceiveLocal takes.
};

template <typename M>
class ActorRefStrong;
template <typename T>
class Recipient;
template <typename Request, typename Response>
class Ask;

namespace runtime_internal {

// Counts a message that could not be delivered (and logs it, rate-limited).
void ReportDeadLetter(ComponentCore* target, std::string_view message_type);

template <typename M, typename... Args>
bool TellCore(ComponentCore* core, Args&&... args) {
  auto* node = base_internal::NewNode<LocalMessageNode<M>>(std::forward<Args>(args)...);
  if (ABSL_PREDICT_TRUE(core->EnqueueMessage(node))) return true;
  base_internal::DeleteNode(node);
  ReportDeadLetter(core, "actor message");
  return false;
}

template <typename T>
struct IsAsk : std::false_type {};
template <typename Q, typename R>
struct IsAsk<Ask<Q, R>> : std::true_type {
  using Request = Q;
  using Response = R;
};

}  // namespace runtime_internal

// A weak reference to an actor with message type M (see the file comment); what
// `component.actor_ref()` returns.
template <typename M>
class ActorRef {
 public:
  using Message = M;  // The actor's message type.

  // An empty ref: Tell on it drops the message and returns false.
  ActorRef() = default;
  // A ref to the actor of `core` (for the runtime; users get refs from actor_ref()).
  explicit ActorRef(ComponentCore* core) : core_(core) {}

  // Delivers `message` to the actor (any thread). Returns false — after counting a
  // dead letter — if the actor is gone; most callers ignore it (fire and forget).
  template <typename U = M>
  requires std::is_constructible_v<M, U&&>
  bool Tell(U&& message) const {
    if (!core_) return false;
    return runtime_internal::TellCore<M>(core_.get(), std::forward<U>(message));
  }
  // Constructs the message in place.
  template <typename... Args>
  bool Emplace(Args&&... args) const {
    if (!core_) return false;
    return runtime_internal::TellCore<M>(core_.get(), std::forward<Args>(args)...);
  }

  // Sends Ask<Request, Response>{promise, request} and returns the future of the
  // reply (FEATURES.md A3). M must be (or be constructible from) that Ask type;
  // with M = Ask<Q, R> the types are deduced: ref.Ask(Q{...}).
  template <typename Response = void, typename Request>
  auto Ask(Request&& request) const;

  // Like Ask, but `make(promise)` builds the message (Kompact's ask with a closure).
  template <typename Response, typename F>
  requires std::is_invocable_r_v<M, F&&, Promise<Response>> Future<Response> AskWith(F&& make)
  const {
    auto [promise, future] = MakePromise<Response>();
    Tell(std::forward<F>(make)(std::move(promise)));
    return std::move(future);
  }

  // A strong ref, or an empty one if the actor is already destroyed: killed (even
  // while a Component<C> handle keeps its definition alive) or deallocated.
  ActorRefStrong<M> Hold() const;

  // A Recipient<T> that converts T to M (implicitly, e.g. a variant alternative).
  template <typename T>
  requires std::is_constructible_v<M, T&&> Recipient<T> recipient()
  const;
  // A Recipient<T> that converts with `convert(T) -> M`.
  template <typename T, typename F>
  requires std::is_invocable_r_v<M, const F&, T&&> Recipient<T> recipient_with(F convert)
  const;

  // Whether the ref is non-empty (the actor may still be gone: see IsAlive).
  explicit operator bool() const { return static_cast<bool>(core_); }
  // False once the actor can no longer receive (destroyed, faulty or deallocated).
  bool IsAlive() const { return core_ && !core_.get()->IsDestroyed() && !core_.get()->IsFaulty(); }
  // The actor's component id (the nil id for an empty ref).
  Uuid id() const { return core_ ? core_.get()->id() : Uuid(); }
  // The actor's component core (nullptr for an empty ref), for the runtime.
  ComponentCore* core() const { return core_.get(); }

  // Equal when both refer to the same component (or both are empty).
  friend bool operator==(const ActorRef& a, const ActorRef& b) { return a.core_ == b.core_; }

 private:
  runtime_internal::WeakCoreRef core_;
};

// A ref that keeps the actor's component alive (Kompact's ActorRefStrong).
template <typename M>
class ActorRefStrong {
 public:
  using Message = M;  // The actor's message type.
  // An empty ref (ActorRef::Hold gives a held one).
  ActorRefStrong() = default;

  // As on ActorRef (a Recipient made here is weak):
  template <typename U = M>
  requires std::is_constructible_v<M, U&&>
  bool Tell(U&& message) const {
    if (!core_) return false;
    return runtime_internal::TellCore<M>(core_.get(), std::forward<U>(message));
  }
  template <typename... Args>
  bool Emplace(Args&&... args) const {
    if (!core_) return false;
    return runtime_internal::TellCore<M>(core_.get(), std::forward<Args>(args)...);
  }
  template <typename Response = void, typename Request>
  auto Ask(Request&& request) const {
    return Weak().template Ask<Response>(std::forward<Request>(request));
  }
  template <typename Response, typename F>
  Future<Response> AskWith(F&& make) const {
    return Weak().template AskWith<Response>(std::forward<F>(make));
  }
  template <typename T>
  Recipient<T> recipient() const {
    return Weak().template recipient<T>();
  }
  // A weak ref to the same actor (empty if this one is).
  ActorRef<M> Weak() const { return ActorRef<M>(core_.get()); }
  // As on ActorRef:
  explicit operator bool() const { return static_cast<bool>(core_); }
  ComponentCore* core() const { return core_.get(); }
  friend bool operator==(const ActorRefStrong& a, const ActorRefStrong& b) { return a.core_ == b.core_; }

 private:
  friend class ActorRef<M>;
  explicit ActorRefStrong(runtime_internal::StrongCoreRef core) : core_(std::move(core)) {}
  runtime_internal::StrongCoreRef core_;
};

template <typename M>
ActorRefStrong<M> ActorRef<M>::Hold() const {
  if (!core_ || !core_.get()->TryAddStrongRef()) return ActorRefStrong<M>();
  return ActorRefStrong<M>(runtime_internal::StrongCoreRef::Adopt(core_.get()));
}

// A request with the reply attached (FEATURES.md A3): what an actor receives for
// ref.Ask(request). Reply exactly once; dropping it unreplied fails the asker's
// future with kCancelled ("PromiseDropped"), never a hang.
template <typename Request, typename Response>
class Ask {
 public:
  // `request`, replied to through `promise` (ActorRef::Ask makes both).
  Ask(Promise<Response> promise, Request request)
      : promise_(std::move(promise)), request_(std::move(request)) {}
  // Movable, not copyable.
  Ask(Ask&&) noexcept = default;
  Ask& operator=(Ask&&) noexcept = default;

  // The request.
  const Request& request() const { return request_; }
  Request& request() { return request_; }
  // Moves the request out (request() is unspecified afterwards; Reply still works).
  Request TakeRequest() { return std::move(request_); }
  // Completes the asker's future with `response` (or an error status).
  void Reply(FutureResult<Response> response) { promise_.Complete(std::move(response)); }
  // Replies with f(request).
  template <typename F>
  void Complete(F&& f) {
    Reply(std::forward<F>(f)(request_));
  }
  // The promise, e.g. to reply later from elsewhere.
  Promise<Response> TakePromise() { return std::move(promise_); }
  // True once Reply, Complete or TakePromise was called.
  bool replied() const { return !promise_.valid(); }

 private:
  Promise<Response> promise_;
  Request request_;
};

template <typename M>
template <typename Response, typename Request>
auto ActorRef<M>::Ask(Request&& request) const {
  using Q = std::remove_cvref_t<Request>;
  if constexpr (std::is_void_v<Response>) {
    static_assert(runtime_internal::IsAsk<M>::value,
                  "ref.Ask(request) deduces the response only when the message type is Ask<Q, R>; "
                  "otherwise write ref.Ask<Response>(request)");
    using R = typename runtime_internal::IsAsk<M>::Response;
    static_assert(std::is_constructible_v<typename runtime_internal::IsAsk<M>::Request, Request&&>,
                  "the request does not match the actor's Ask<Request, Response>");
    return AskWith<R>([&](Promise<R> p) { return M(std::move(p), std::forward<Request>(request)); });
  } else {
    static_assert(std::is_constructible_v<M, kompact::Ask<Q, Response>&&>,
                  "the actor's message type cannot be built from Ask<Request, Response>");
    return AskWith<Response>([&](Promise<Response> p) {
      return M(kompact::Ask<Q, Response>(std::move(p), std::forward<Request>(request)));
    });
  }
}

// A typed sink for T that forwards to an actor, converting T to its message type
// (Kompact's Recipient). Weak, like ActorRef.
template <typename T>
class Recipient {
 public:
  // An empty recipient: Tell returns false.
  Recipient() = default;
  // Converts `message` and delivers it to the actor; as ActorRef::Tell.
  bool Tell(T message) const {
    if (!core_) return false;
    return (*send_)(core_.get(), std::move(message));
  }
  // As on ActorRef:
  explicit operator bool() const { return static_cast<bool>(core_); }
  ComponentCore* core() const { return core_.get(); }

 private:
  template <typename M>
  friend class ActorRef;
  using Send = absl::AnyInvocable<bool(ComponentCore*, T&&) const>;
  Recipient(ComponentCore* core, std::shared_ptr<const Send> send) : core_(core), send_(std::move(send)) {}
  runtime_internal::WeakCoreRef core_;
  std::shared_ptr<const Send> send_;
};

template <typename M>
template <typename T>
requires std::is_constructible_v<M, T&&> Recipient<T> ActorRef<M>::recipient()
const {
  static const auto send =
      std::make_shared<const typename Recipient<T>::Send>([](ComponentCore* core, T&& message) {
        return runtime_internal::TellCore<M>(core, std::move(message));
      });
  return Recipient<T>(core_.get(), send);
}

template <typename M>
template <typename T, typename F>
requires std::is_invocable_r_v<M, const F&, T&&> Recipient<T> ActorRef<M>::recipient_with(F convert)
const {
  auto send = std::make_shared<const typename Recipient<T>::Send>(
      [convert = std::move(convert)](ComponentCore* core, T&& message) {
        return runtime_internal::TellCore<M>(core, convert(std::move(message)));
      });
  return Recipient<T>(core_.get(), std::move(send));
}

// Request wrappers that carry where to reply (FEATURES.md A5; Kompact's
// WithSender / WithRecipient), an alternative to ports for request/response.
template <typename Request, typename Response>
class WithSender {
 public:
  // `request`, to be answered by telling `sender` a Response.
  WithSender(Request request, ActorRef<Response> sender)
      : request_(std::move(request)), sender_(std::move(sender)) {}
  // The request.
  const Request& request() const { return request_; }
  Request& request() { return request_; }
  // Where the reply goes.
  const ActorRef<Response>& sender() const { return sender_; }
  // Tells `response` to the sender; false if it is gone (see ActorRef::Tell).
  bool Reply(Response response) const { return sender_.Tell(std::move(response)); }

 private:
  Request request_;
  ActorRef<Response> sender_;
};

// As WithSender, but the reply goes to a `Recipient<Response>`, so the asker's message
// type need not be Response (see ActorRef::recipient).
template <typename Request, typename Response>
class WithRecipient {
 public:
  // `request`, to be answered by telling `reply_to` a Response.
  WithRecipient(Request request, Recipient<Response> reply_to)
      : request_(std::move(request)), reply_to_(std::move(reply_to)) {}
  // The request.
  const Request& request() const { return request_; }
  Request& request() { return request_; }
  // Where the reply goes.
  const Recipient<Response>& reply_to() const { return reply_to_; }
  // Tells `response` to reply_to(); false if the actor is gone (see Recipient::Tell).
  bool Reply(Response response) const { return reply_to_.Tell(std::move(response)); }

 private:
  Request request_;
  Recipient<Response> reply_to_;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_ACTOR_REF_H_
