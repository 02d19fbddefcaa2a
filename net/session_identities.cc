// SessionIdentities: see session_identities.h.
#include "net/session_identities.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace kompact::net {

absl::Status SessionIdentities::Add(SessionId session, std::shared_ptr<const PeerIdentity> identity) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = sessions_.try_emplace(session, Entry{std::move(identity), false});
  if (!inserted) {
    return absl::AlreadyExistsError(absl::StrCat("session id ", session, " is already in use by another ",
                                                 it->second.retired ? "(recently closed) " : "",
                                                 "TLS session of this system"));
  }
  return absl::OkStatus();
}

void SessionIdentities::Retire(SessionId session) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.retired) return;
  it->second.retired = true;
  retired_order_.push_back(session);
  while (retired_order_.size() > retained_) {
    sessions_.erase(retired_order_.front());
    retired_order_.pop_front();
  }
}

std::shared_ptr<const PeerIdentity> SessionIdentities::Find(SessionId session) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = sessions_.find(session);
  return it == sessions_.end() ? nullptr : it->second.identity;
}

size_t SessionIdentities::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace kompact::net
