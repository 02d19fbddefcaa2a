#include "net/path_table.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace kompact::net {

PathEncoderTable::Ref PathEncoderTable::Find(const ActorPath& path) {
  if (auto it = ids_.find(path); it != ids_.end()) return Ref{it->second, true, &path};
  if (next_ > capacity_) return Ref{0, false, &path};
  return Ref{next_++, false, &path};
}

void PathEncoderTable::Commit(const Ref& ref) {
  if (ref.known || ref.id == 0) return;
  ids_.insert_or_assign(*ref.path, ref.id);
}

absl::StatusOr<ActorPath> PathDecoderTable::Resolve(uint32_t id, std::optional<ActorPath> path) {
  if (id > capacity_) {
    return absl::DataLossError(absl::StrCat("path id ", id, " exceeds the table capacity ", capacity_));
  }
  if (path.has_value()) {
    if (id != 0) {
      if (paths_.size() < id) paths_.resize(id);
      if (!paths_[id - 1].has_value()) ++defined_;
      paths_[id - 1] = *path;
    }
    return *std::move(path);
  }
  if (id == 0) return absl::DataLossError("path reference with neither id nor path");
  if (id > paths_.size() || !paths_[id - 1].has_value()) {
    return absl::DataLossError(absl::StrCat("path id ", id, " was never defined on this connection"));
  }
  return *paths_[id - 1];
}

}  // namespace kompact::net
