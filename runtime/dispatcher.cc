// DispatcherContext, the default-factory registry and RoutingGroup.
#include "runtime/dispatcher.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "runtime/component_core.h"
#include "runtime/internal/path_message_delivery.h"
#include "runtime/internal/system_core.h"

namespace kompact {
namespace {

// Constant-initialised, so registration at static initialisation is safe in any order.
std::atomic<DefaultDispatcherFactoryFn> default_factory{nullptr};

void DescribeMessage(const NetMessage& message, std::string& what) {
  const NetData& data = message.data();
  what = absl::StrCat("message with SerId ", data.ser_id());
  if (data.is_boxed()) {
    absl::StrAppend(&what, " (", AsAbsl(data.boxed_type_name()), ")");
  } else if (data.is_serialised()) {
    absl::StrAppend(&what, " (", data.serialised_size(), " bytes)");
  }
  absl::StrAppend(&what, " from ", message.sender().ToString(), " to ", message.receiver().ToString());
}

}  // namespace

void SetDefaultDispatcherFactory(DefaultDispatcherFactoryFn factory) {
  default_factory.store(factory, std::memory_order_release);
}

DefaultDispatcherFactoryFn GetDefaultDispatcherFactory() {
  return default_factory.load(std::memory_order_acquire);
}

const Config& DispatcherContext::config() const { return core_->config(); }
const Logger& DispatcherContext::logger() const { return core_->logger(); }
const std::string& DispatcherContext::label() const { return core_->label(); }
Timer& DispatcherContext::timer() const { return core_->timer(); }
Executor& DispatcherContext::executor() const { return core_->executor(); }

uint64_t DispatcherContext::dead_letters() const { return core_->dead_letters(); }
bool DispatcherContext::shutting_down() const {
  return core_->state() != runtime_internal::SystemCore::State::kRunning;
}
void DispatcherContext::Poison(std::string_view reason) const { core_->Poison(std::string(reason)); }

bool DispatcherContext::DeliverTo(ComponentCore& component, NetMessage&& message) const {
  if (ABSL_PREDICT_TRUE(runtime_internal::TryEnqueuePathMessage(component, message))) return true;
  core_->DeadLetter([&](std::string& what, std::string& why) {
    DescribeMessage(message, what);
    why = absl::StrCat("component ", component.id().ToString(), " (", AsAbsl(component.type_name()), ") is ",
                       component.IsDestroyed() ? "destroyed" : "faulty");
  });
  return false;
}

void DispatcherContext::DeadLetter(const NetMessage& message, std::string_view why) const {
  core_->DeadLetter([&](std::string& what, std::string& reason) {
    DescribeMessage(message, what);
    reason = std::string(why);
  });
}

bool RoutingGroup::Deliver(size_t index, NetMessage message) const {
  return context_->DeliverTo(*members_[index], std::move(message));
}

void RoutingGroup::Broadcast(NetMessage message) const {
  const size_t n = members_.size();
  for (size_t i = 0; i + 1 < n; ++i) {
    absl::StatusOr<NetMessage> copy = message.TryClone();
    if (!copy.ok()) {
      context_->DeadLetter(
          message, absl::StrCat("broadcast: the payload cannot be copied: ", copy.status().message()));
      continue;
    }
    context_->DeliverTo(*members_[i], *std::move(copy));
  }
  if (n > 0) context_->DeliverTo(*members_[n - 1], std::move(message));
}

}  // namespace kompact
