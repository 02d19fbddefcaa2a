#include "executors/internal/thread_group.h"

#include <glog/logging.h>

#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace kompact::executors_internal {

ThreadGroup::~ThreadGroup() {
  std::lock_guard<std::mutex> lock(join_mu_);
  CHECK(joined_ || threads_.empty()) << "an executor's threads were not joined";
}

void* ThreadGroup::Trampoline(void* arg) {
  std::unique_ptr<Launch> launch(static_cast<Launch*>(arg));
  launch->group->body_(launch->index);
  return nullptr;
}

absl::Status ThreadGroup::Start(size_t count, std::function<void(size_t)> body, const char* what) {
  CHECK(threads_.empty()) << "ThreadGroup::Start called twice";
  body_ = std::move(body);
  threads_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto launch = std::make_unique<Launch>(Launch{this, i});
    pthread_t thread;
    const int error = pthread_create(&thread, nullptr, &Trampoline, launch.get());
    if (error != 0) {
      return absl::ResourceExhaustedError(
          absl::StrCat(what, ": could not start thread ", i, " of ", count, ": ", std::strerror(error)));
    }
    launch.release();  // the thread owns it
    threads_.push_back(thread);
  }
  return absl::OkStatus();
}

void ThreadGroup::Join() {
  std::lock_guard<std::mutex> lock(join_mu_);
  if (joined_) return;
  for (pthread_t thread : threads_) {
    const int error = pthread_join(thread, nullptr);
    CHECK_EQ(error, 0) << "pthread_join: " << std::strerror(error);
  }
  joined_ = true;
}

}  // namespace kompact::executors_internal
