// Per-connection path compression (wire.proto's PathRef): the sender gives each
// actor path a small id the first time it sends it on a connection, in the same
// frame as the full path; afterwards only the id travels (a ping's two 40-byte
// paths become two 1-byte ids). Each direction of a connection has its own table.
//
// Both tables are bounded (`capacity` ids): beyond it, paths are sent in full
// (encoder) and ids above it are refused (decoder), so a peer cannot make a
// connection hold unbounded memory.
//
// Thread-safety: not thread-safe; a connection's tables are used by its network
// thread only.
#ifndef KOMPACT_NET_PATH_TABLE_H_
#define KOMPACT_NET_PATH_TABLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "runtime/actor_path.h"

namespace kompact::net {

inline constexpr uint32_t kDefaultPathTableCapacity = 4096;

// A cheap in-process hash of a path (system words, then id or segment hash).
struct PathTableHash {
  size_t operator()(const ActorPath& p) const {
    const uint64_t body =
        p.is_unique() ? StableHashMix(p.id().high() ^ StableHashMix(p.id().low())) : p.segments_hash();
    return static_cast<size_t>(
        StableHashMix(p.system().EndpointHash() ^ body ^ static_cast<uint64_t>(p.system().transport())));
  }
};

class PathEncoderTable {
 public:
  explicit PathEncoderTable(uint32_t capacity = kDefaultPathTableCapacity) : capacity_(capacity) {}

  // How to send `path`: known (send `id` alone), or to be defined (send `id` with
  // the path; id 0 when the table is full: send the path uncompressed). A new id is
  // reserved at once, so two paths of one frame never share it; it only counts as
  // defined after Commit (call it once the frame carrying the path is certainly sent).
  struct Ref {
    uint32_t id = 0;
    bool known = false;
    const ActorPath* path = nullptr;
  };
  Ref Find(const ActorPath& path);
  void Commit(const Ref& ref);
  size_t size() const { return ids_.size(); }

 private:
  const uint32_t capacity_;
  uint32_t next_ = 1;
  absl::flat_hash_map<ActorPath, uint32_t, PathTableHash> ids_;
};

class PathDecoderTable {
 public:
  explicit PathDecoderTable(uint32_t capacity = kDefaultPathTableCapacity) : capacity_(capacity) {}

  // The path a received reference stands for: `path` (defining `id` if non-zero)
  // or the path defined for `id` before. kDataLoss for an id above the capacity, an
  // id never defined, or neither id nor path.
  [[nodiscard]] absl::StatusOr<ActorPath> Resolve(uint32_t id, std::optional<ActorPath> path);
  size_t size() const { return defined_; }

 private:
  const uint32_t capacity_;
  std::vector<std::optional<ActorPath>> paths_;  // index id - 1
  size_t defined_ = 0;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_PATH_TABLE_H_
