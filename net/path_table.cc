#include "net/path_table.h"

#include <utility>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace kompact::net {

PathEncoderTable::Ref PathEncoderTable::FindSlow(const ActorPath& path) {
  if (auto it = ids_.find(path); it != ids_.end()) {
    Recent& r = recent_[recent_next_];
    recent_next_ ^= 1;
    r.path = it->first;  // shares a named path's segments (no allocation)
    r.id = it->second;
    return Ref{it->second, true, &path};
  }
  if (next_ > capacity_) return Ref{0, false, &path};
  return Ref{next_++, false, &path};
}

void PathEncoderTable::Commit(const Ref& ref) {
  if (ref.known || ref.id == 0) return;
  ids_.insert_or_assign(*ref.path, ref.id);
}

absl::Status PathDecoderTable::CheckId(uint32_t id) const {
  if (id > capacity_) {
    return absl::DataLossError(absl::StrCat("path id ", id, " exceeds the table capacity ", capacity_));
  }
  return absl::OkStatus();
}

PathDecoderTable::Entry& PathDecoderTable::Slot(uint32_t id) {
  const uint32_t i = id - 1;
  while ((i >> kBlockBits) >= blocks_.size()) blocks_.push_back(std::make_unique<Entry[]>(kBlock));
  return blocks_[i >> kBlockBits][i & (kBlock - 1)];
}

absl::StatusOr<ActorPath> PathDecoderTable::Resolve(uint32_t id, std::optional<ActorPath> path) {
  KOMPACT_RETURN_IF_ERROR(CheckId(id));
  if (path.has_value()) {
    if (id != 0) {
      Entry& e = Slot(id);
      if (!e.defined) ++defined_;
      e.path = *path;
      e.defined = true;
    }
    return *std::move(path);
  }
  if (id == 0) return absl::DataLossError("path reference with neither id nor path");
  const Entry* e = Find(id);
  if (e == nullptr) {
    return absl::DataLossError(absl::StrCat("path id ", id, " was never defined on this connection"));
  }
  return e->path;
}

absl::Status PathDecoderTable::Resolve(const PathRefView& ref, ActorPath& scratch, const ActorPath*& out) {
  if (ABSL_PREDICT_TRUE(!ref.has_path)) {
    const Entry* e = ref.id <= capacity_ && ref.id != 0 ? Find(ref.id) : nullptr;
    if (ABSL_PREDICT_TRUE(e != nullptr)) {
      out = &e->path;
      return absl::OkStatus();
    }
    KOMPACT_RETURN_IF_ERROR(CheckId(ref.id));
    if (ref.id == 0) return absl::DataLossError("path reference with neither id nor path");
    return absl::DataLossError(absl::StrCat("path id ", ref.id, " was never defined on this connection"));
  }
  KOMPACT_RETURN_IF_ERROR(CheckId(ref.id));
  absl::StatusOr<ActorPath> path = DecodeActorPathBytes(ref.path);
  if (!path.ok()) return path.status();
  if (ref.id == 0) {
    scratch = *std::move(path);
    out = &scratch;
    return absl::OkStatus();
  }
  Entry& e = Slot(ref.id);
  if (!e.defined) ++defined_;
  e.path = *std::move(path);
  e.defined = true;
  out = &e.path;
  return absl::OkStatus();
}

}  // namespace kompact::net
