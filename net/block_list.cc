#include "net/block_list.h"

namespace kompact::net {

bool BlockList::BlockSystem(const SystemPath& system) {
  const Endpoint e = Endpoint::Of(system);
  const bool unallowed = allowed_systems_.erase(e) > 0;
  const bool changed = blocked_systems_.insert(e).second || unallowed;
  if (changed) ++version_;
  return changed;
}

bool BlockList::AllowSystem(const SystemPath& system) {
  const Endpoint e = Endpoint::Of(system);
  const bool unblocked = blocked_systems_.erase(e) > 0;
  const bool changed = allowed_systems_.insert(e).second || unblocked;
  if (changed) ++version_;
  return changed;
}

bool BlockList::SetNet(const IpNet& net, bool blocked) {
  auto [it, inserted] = nets_.try_emplace(net, blocked);
  const bool changed = inserted || it->second != blocked;
  it->second = blocked;
  if (changed) ++version_;
  return changed;
}

std::optional<bool> BlockList::NetVerdict(const IpAddress& ip) const {
  std::optional<bool> verdict;
  int best = -1;
  for (const auto& [net, blocked] : nets_) {
    if (static_cast<int>(net.prefix_length()) > best && net.Contains(ip)) {
      best = static_cast<int>(net.prefix_length());
      verdict = blocked;
    }
  }
  return verdict;
}

bool BlockList::IsBlocked(const SystemPath& system) const {
  if (empty()) return false;
  const Endpoint e = Endpoint::Of(system);
  if (allowed_systems_.contains(e)) return false;
  if (blocked_systems_.contains(e)) return true;
  return NetVerdict(e.ip).value_or(false);
}

bool BlockList::IsBlockedConnection(const SystemPath& system, const IpAddress& socket_ip) const {
  if (empty()) return false;
  const Endpoint e = Endpoint::Of(system);
  if (allowed_systems_.contains(e)) return false;
  if (blocked_systems_.contains(e)) return true;
  return NetVerdict(e.ip).value_or(false) || NetVerdict(socket_ip).value_or(false);
}

bool BlockList::IsIpBlocked(const IpAddress& ip) const {
  if (nets_.empty() || !NetVerdict(ip).value_or(false)) return false;
  for (const Endpoint& allowed : allowed_systems_) {
    if (allowed.ip == ip) return false;
  }
  return true;
}

}  // namespace kompact::net
