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
// thread only. Lifetime: paths handed out by the decoder point into the table and
// live as long as it does.
#ifndef KOMPACT_NET_PATH_TABLE_H_
#define KOMPACT_NET_PATH_TABLE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/frame.h"
#include "runtime/actor_path.h"

namespace kompact::net {

// Ids per table when no capacity is given (what every connection uses).
inline constexpr uint32_t kDefaultPathTableCapacity = 4096;

// A cheap in-process hash of a path (system words, then id or segment hash).
struct PathTableHash {
  // The hash of `p`.
  size_t operator()(const ActorPath& p) const {
    const uint64_t body =
        p.is_unique() ? StableHashMix(p.id().high() ^ StableHashMix(p.id().low())) : p.segments_hash();
    return static_cast<size_t>(
        StableHashMix(p.system().EndpointHash() ^ body ^ static_cast<uint64_t>(p.system().transport())));
  }
};

// operator== of ActorPath, inline: word compares, and for named paths a pointer
// compare when both share their segments (copies of one path do).
inline bool SamePath(const ActorPath& a, const ActorPath& b) {
  if (a.is_unique() != b.is_unique() || !(a.system() == b.system())) return false;
  return a.is_unique() ? a.id() == b.id() : a.SegmentsEqual(b, b.segments().size());
}

// The sending side's table: which paths the peer already knows by id.
class PathEncoderTable {
 public:
  // A table of ids 1..`capacity`.
  explicit PathEncoderTable(uint32_t capacity = kDefaultPathTableCapacity) : capacity_(capacity) {}

  // How to send `path`: known (send `id` alone), or to be defined (send `id` with
  // the path; id 0 when the table is full: send the path uncompressed). A new id is
  // reserved at once, so two paths of one frame never share it; it only counts as
  // defined after Commit (call it once the frame carrying the path is certainly sent).
  struct Ref {
    uint32_t id = 0;                  // the id to send (0: none, the path goes in full)
    bool known = false;               // the peer knows `id` already: send it alone
    const ActorPath* path = nullptr;  // the path asked for (Find's argument; not owned)
  };
  // The two most recently found known paths are remembered and compared first
  // (a stream of messages between the same pair needs no hashing).
  Ref Find(const ActorPath& path) {
    if (recent_[0].id != 0 && SamePath(recent_[0].path, path)) return Ref{recent_[0].id, true, &path};
    if (recent_[1].id != 0 && SamePath(recent_[1].path, path)) return Ref{recent_[1].id, true, &path};
    return FindSlow(path);
  }
  // Marks `ref`'s new id as defined (nothing for a known Ref or id 0).
  void Commit(const Ref& ref);
  // Paths defined (committed) so far.
  size_t size() const { return ids_.size(); }

 private:
  Ref FindSlow(const ActorPath& path);
  struct Recent {
    ActorPath path;
    uint32_t id = 0;  // 0: empty
  };

  const uint32_t capacity_;
  uint32_t next_ = 1;
  absl::flat_hash_map<ActorPath, uint32_t, PathTableHash> ids_;
  Recent recent_[2];
  uint8_t recent_next_ = 0;  // the slot replaced next
};

// The receiving side's table: the paths the peer defined, by id.
class PathDecoderTable {
 public:
  // A table of ids 1..`capacity` (a larger id is refused).
  explicit PathDecoderTable(uint32_t capacity = kDefaultPathTableCapacity) : capacity_(capacity) {}

  // The path a received reference stands for: `path` (defining `id` if non-zero)
  // or the path defined for `id` before. kDataLoss for an id above the capacity, an
  // id never defined, or neither id nor path.
  [[nodiscard]] absl::StatusOr<ActorPath> Resolve(uint32_t id, std::optional<ActorPath> path);
  // The hot path: the path `ref` stands for, without a copy. A reference by id
  // points at the table's entry; a definition decodes its bytes into the table
  // (id != 0) or into `scratch` (uncompressed). `*out` stays valid until this table
  // is destroyed (entries never move; a redefinition of the same id assigns over
  // it) or, for `scratch`, until scratch changes. Same errors as Resolve, plus
  // those of decoding the path bytes.
  [[nodiscard]] absl::Status Resolve(const PathRefView& ref, ActorPath& scratch, const ActorPath*& out);
  // Ids defined so far (a redefinition counts once).
  size_t size() const { return defined_; }

 private:
  // Entries live in blocks of kBlock that never move, so pointers into them stay
  // valid while later ids are defined.
  static constexpr uint32_t kBlockBits = 6;
  static constexpr uint32_t kBlock = 1u << kBlockBits;
  struct Entry {
    ActorPath path;
    bool defined = false;
  };
  const Entry* Find(uint32_t id) const {
    const uint32_t i = id - 1;
    if ((i >> kBlockBits) >= blocks_.size()) return nullptr;
    const Entry& e = blocks_[i >> kBlockBits][i & (kBlock - 1)];
    return e.defined ? &e : nullptr;
  }
  Entry& Slot(uint32_t id);
  absl::Status CheckId(uint32_t id) const;

  const uint32_t capacity_;
  std::vector<std::unique_ptr<Entry[]>> blocks_;  // id i lives at blocks_[(i-1)/kBlock][(i-1)%kBlock]
  size_t defined_ = 0;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_PATH_TABLE_H_
