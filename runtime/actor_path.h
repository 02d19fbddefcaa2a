// Actor paths (FEATURES.md P1, S3, S5): serialisable, possibly remote addresses of
// actors, and sending messages to them.
//
//   SystemPath  tcp://1.2.3.4:8080   udp://[::1]:9000   local://127.0.0.1:0
//   ActorPath   unique: `<system>#<uuid>`   tcp://1.2.3.4:8080#1e555f40-de1d-4aee-8202-64fdc27edfa8
//               named:  `<system>/a/b`      tcp://1.2.3.4:8080/servers/server-1
//
//   ASSIGN_OR_RETURN(ActorPath p, ActorPath::Parse("tcp://127.0.0.1:8080/servers/?"));
//   p.ToString();                               // the same text back (round trip)
//   p.Tell(Query{...}, *this);                  // from a handler: sender = this component
//   p.Tell(Query{...}, system);                 // from outside: sender = the dead-letter path
//
// A unique path names one component instance (by its id); a named path names a
// service registered by alias (KompactSystem::RegisterByAlias), which can move to
// another component. A named path with no segments is the system's dead-letter path.
// Segments are non-empty and contain none of '/', '#', '*', '?'; a lookup path may
// end in a routing marker segment: `*` (broadcast to the group below) or `?` (select
// one member by the group's policy). A path with a marker can be sent to but never
// registered. Parse errors are kInvalidArgument and name the segment and why.
//
// Sending by path (S5): Tell boxes the message without serialising it; if the
// receiver is in this process it gets the very same object (no bytes are ever
// produced). TellSerialised serialises on the caller's thread; TellPreserialised
// sends bytes serialised once (e.g. NetData::Serialise(value, encode_buffer)) any
// number of times without copying them. Delivery needs a dispatcher (the default one
// comes with //routing or //:kompact); undeliverable messages become dead letters.
//
// System paths (transport, address, port) are in runtime/system_path.h.
//
// Thread-safety: paths are immutable values; copies share the segments of a named
// path (copying never allocates). Sending is thread-safe.
#ifndef KOMPACT_RUNTIME_ACTOR_PATH_H_
#define KOMPACT_RUNTIME_ACTOR_PATH_H_

#include <array>
#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/stable_hash.h"
#include "base/uuid.h"
#include "runtime/system_path.h"
#include "serialisation/buf.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_ids.h"
#include "serialisation/serialisable.h"

namespace kompact {

class ActorPath;
class AnyComponent;
class KompactSystem;
class NetMessage;
class PathSender;
namespace runtime_internal {
class DefinitionBase;
class SystemCore;
}  // namespace runtime_internal

// The path markers (Kompact's PATH_SEP, UNIQUE_PATH_SEP, BROADCAST_MARKER, SELECT_MARKER):
inline constexpr char kPathSeparator = '/';
inline constexpr char kUniquePathSeparator = '#';
inline constexpr char kBroadcastMarker = '*';
inline constexpr char kSelectMarker = '?';

// ---- segments ------------------------------------------------------------------------

// The hash of a path segment used by lookup tables.
inline uint64_t PathSegmentHash(std::string_view segment) { return StableHashBytes(segment); }
// The hash of a sequence of segments, built segment by segment from
// kEmptySegmentsHash: CombineSegmentHash(prefix hash, PathSegmentHash(next)).
inline constexpr uint64_t kEmptySegmentsHash = 0x6b6f6d70616374ULL;
// The hash of the segments hashed in `prefix` followed by one whose PathSegmentHash is
// `segment`.
inline uint64_t CombineSegmentHash(uint64_t prefix, uint64_t segment) {
  return StableHashMix(prefix ^ (segment * 0x9E3779B97F4A7C15ULL));
}

// Splits "a/b/c" at '/' (no validation; "" gives one empty segment).
std::vector<std::string> SplitPath(std::string_view relative);
// A path that may be looked up: segments valid, a marker only as the whole last
// segment. An empty path is valid (the dead-letter path). kInvalidArgument names the
// first bad segment (0-based) and why.
[[nodiscard]] absl::Status ValidateLookupPath(std::span<const std::string> segments);
// A path that may be registered: non-empty, every segment valid, no markers.
[[nodiscard]] absl::Status ValidateInsertPath(std::span<const std::string> segments);

// ---- actor paths -----------------------------------------------------------------------

// GCC 12 reports -Wmaybe-uninitialized when an empty std::optional<ActorPath> (a
// network actor's sender) is moved: it reads the members of the disengaged payload
// on a path it does not prove dead. The copies below are fine; the pragma keeps
// users' -Werror builds (and ASan's -O1) working.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// A reference to an actor by system and component id, or by system and alias.
class ActorPath {
 public:
  // The dead-letter path of local://127.0.0.1:0.
  ActorPath() = default;

  // Parses the printed form (see the file comment).
  [[nodiscard]] static absl::StatusOr<ActorPath> Parse(std::string_view text);
  // A named path from segments, validated as a lookup path.
  [[nodiscard]] static absl::StatusOr<ActorPath> Named(const SystemPath& system,
                                                       std::vector<std::string> segments);
  // The unique path of component `id` on `system`.
  static ActorPath Unique(const SystemPath& system, const Uuid& id) { return ActorPath(system, id); }
  // The named path without segments: `system`'s dead-letter path.
  static ActorPath DeadLetterPath(const SystemPath& system) { return ActorPath(system, SegmentsRef()); }

  // Whether this is a unique path (a component id) or a named one (segments):
  bool is_unique() const { return named_ == 0; }
  bool is_named() const { return named_ != 0; }
  // The system the path's actor lives on.
  const SystemPath& system() const { return system_; }
  // The component id of a unique path (the nil id for a named path).
  const Uuid& id() const { return id_; }
  // The segments of a named path (empty for a unique path).
  std::span<const std::string> segments() const {
    return segments_ ? std::span<const std::string>(segments_->names(), segments_->count)
                     : std::span<const std::string>();
  }
  // PathSegmentHash of each segment, precomputed.
  std::span<const uint64_t> segment_hashes() const {
    return segments_ ? std::span<const uint64_t>(segments_->hashes(), segments_->count)
                     : std::span<const uint64_t>();
  }
  // The combined hash of all segments (CombineSegmentHash), precomputed;
  // kEmptySegmentsHash without segments.
  uint64_t segments_hash() const { return segments_ ? segments_->full_hash : kEmptySegmentsHash; }
  // Whether the first `count` segments of this path equal all segments of `other`
  // (systems are not compared). Constant time when both share their segments.
  bool SegmentsEqual(const ActorPath& other, size_t count) const {
    const size_t mine = segments_ ? segments_->count : 0;
    const size_t theirs = other.segments_ ? other.segments_->count : 0;
    if (count > mine || theirs != count) return false;
    return segments_ == other.segments_ || SegmentsEqualSlow(other, count);
  }
  // A named path without segments: a system's dead-letter path.
  bool is_dead_letter_path() const { return named_ != 0 && segments_ == nullptr; }
  // The marker ('*' or '?') if the last segment is one, else '\0'.
  char routing_marker() const {
    if (!segments_ || segments_->count == 0) return '\0';
    const std::string& last = segments_->names()[segments_->count - 1];
    return last.size() == 1 && (last[0] == kBroadcastMarker || last[0] == kSelectMarker) ? last[0] : '\0';
  }

  // This named path extended by `relative` ("child", "group/?"); kInvalidArgument for
  // a unique path, a path that already ends in a marker, or an invalid segment.
  [[nodiscard]] absl::StatusOr<ActorPath> Append(std::string_view relative) const;
  // The same path on another transport (e.g. kLocal -> kTcp), as Kompact's via_tcp.
  ActorPath WithTransport(Transport transport) const;

  // The printed form (see the file comment), which Parse reads back.
  std::string ToString() const;
  // A hash that is the same in every process (routing by sender, FieldHashRouting).
  uint64_t StableHash() const;

  // Equal when kind, system and id (unique) or segments (named) are.
  friend bool operator==(const ActorPath& a, const ActorPath& b);
  // Unique paths order before named ones; then by system, then id or segments.
  friend std::strong_ordering operator<=>(const ActorPath& a, const ActorPath& b);
  // Hashes StableHash() (for absl hash containers).
  template <typename H>
  friend H AbslHashValue(H h, const ActorPath& p) {
    return H::combine(std::move(h), p.StableHash());
  }

  // ---- sending (S5) ----------------------------------------------------------------
  // `from` is the sender: a component (pass `*this` in a handler; the receiver sees
  // its unique path), the system (the sender is its dead-letter path) or `p.Via(...)`.
  // Fire and forget: a message that cannot be delivered becomes a dead letter.

  // Lazy: the message is boxed, never serialised for a local receiver.
  template <typename M>
  void Tell(M&& message, const PathSender& from) const;
  // Lazy, with serialiser S for the message (if it must leave the process).
  template <typename S, typename M>
  void TellUsing(M&& message, const PathSender& from) const;
  // Eager: serialises on this thread (with S, default DefaultSerialiser<M>) and sends
  // the bytes; a serialisation error is returned and nothing is sent.
  template <typename M, typename S = DefaultSerialiser<std::remove_cvref_t<M>>>
  [[nodiscard]] absl::Status TellSerialised(const M& message, const PathSender& from) const;
  // Sends serialised `data` (bytes or pooled chunks, which are shared, not copied).
  // kInvalidArgument if `data` is not serialised.
  [[nodiscard]] absl::Status TellPreserialised(const NetData& data, const PathSender& from) const;
  // Sends `message` on to this path, keeping its original sender (Kompact's
  // forward_with_original_sender); `via` only picks the system that dispatches it.
  void Forward(NetMessage message, const PathSender& via) const;
  // Sends `message` on to this path with `from` as its new sender.
  void ForwardWithSender(NetMessage message, const PathSender& from) const;
  // A sender that names this path but dispatches through `via`'s system (Kompact's
  // using_dispatcher), e.g. replies should go to a broadcast path:
  //   server.Tell(query, broadcast_path.Via(*this));
  PathSender Via(const PathSender& via) const;

 private:
  // One allocation per named path, shared by its copies (reference counted): the
  // count, the segment hashes, then the segments (short ones inline), so a lookup
  // touches one block.
  struct Segments {
    std::atomic<uint32_t> refs{1};
    uint32_t count = 0;
    uint64_t full_hash = kEmptySegmentsHash;
    uint64_t* hashes() { return reinterpret_cast<uint64_t*>(this + 1); }
    const uint64_t* hashes() const { return reinterpret_cast<const uint64_t*>(this + 1); }
    std::string* names() { return reinterpret_cast<std::string*>(hashes() + count); }
    const std::string* names() const { return reinterpret_cast<const std::string*>(hashes() + count); }
    static Segments* Make(std::vector<std::string> names);
    static void Release(Segments* s);
  };
  class SegmentsRef {
   public:
    SegmentsRef() = default;
    explicit SegmentsRef(Segments* s) : s_(s) {}
    SegmentsRef(const SegmentsRef& o) : s_(o.s_) {
      if (s_ != nullptr) s_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    SegmentsRef(SegmentsRef&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
    SegmentsRef& operator=(SegmentsRef o) noexcept {
      std::swap(s_, o.s_);
      return *this;
    }
    ~SegmentsRef() {
      if (s_ != nullptr) Segments::Release(s_);
    }
    const Segments* operator->() const { return s_; }
    const Segments* get() const { return s_; }
    explicit operator bool() const { return s_ != nullptr; }
    friend bool operator==(const SegmentsRef& a, const SegmentsRef& b) { return a.s_ == b.s_; }
    friend bool operator==(const SegmentsRef& a, std::nullptr_t) { return a.s_ == nullptr; }

   private:
    Segments* s_ = nullptr;
  };
  ActorPath(const SystemPath& system, const Uuid& id) : system_(system), named_(0), id_(id) {}
  ActorPath(const SystemPath& system, SegmentsRef segments)
      : system_(system), named_(1), segments_(std::move(segments)) {}
  static ActorPath MakeNamed(const SystemPath& system, std::vector<std::string> segments);
  bool SegmentsEqualSlow(const ActorPath& other, size_t count) const;

  SystemPath system_;
  uint64_t named_ = 1;  // a bool in a whole word (see SystemPath)
  Uuid id_;
  SegmentsRef segments_;  // null: no segments
};

#pragma GCC diagnostic pop

// Prints path.ToString().
std::ostream& operator<<(std::ostream& os, const ActorPath& path);

// Typed views of the two kinds of ActorPath, with their own serialisers (the
// reserved SerIds kUniquePath and kNamedPath); ActorPath converts to and from both.
class UniquePath {
 public:
  // The path of component `id` on `system`.
  UniquePath(const SystemPath& system, const Uuid& id) : system_(system), id_(id) {}
  // kInvalidArgument if `path` is named.
  [[nodiscard]] static absl::StatusOr<UniquePath> From(const ActorPath& path);
  // The system and the component id:
  const SystemPath& system() const { return system_; }
  const Uuid& id() const { return id_; }
  // The same path as an ActorPath (implicit).
  operator ActorPath() const { return ActorPath::Unique(system_, id_); }  // NOLINT
  // Equal when system and id are.
  friend bool operator==(const UniquePath&, const UniquePath&) = default;

 private:
  SystemPath system_;
  Uuid id_;
};

// The named kind of ActorPath (see UniquePath); made by From or by deserialising.
class NamedPath {
 public:
  // kInvalidArgument if `path` is unique.
  [[nodiscard]] static absl::StatusOr<NamedPath> From(const ActorPath& path);
  // The system and the segments (as ActorPath::segments):
  const SystemPath& system() const { return path_.system(); }
  std::span<const std::string> segments() const { return path_.segments(); }
  // The path as an ActorPath (also an implicit conversion):
  operator const ActorPath&() const { return path_; }  // NOLINT
  const ActorPath& path() const { return path_; }
  // Equal when the paths are (ActorPath's operator==).
  friend bool operator==(const NamedPath&, const NamedPath&) = default;

 private:
  explicit NamedPath(ActorPath path) : path_(std::move(path)) {}
  ActorPath path_;
};

// Who sends a path-addressed message, and through which system's dispatcher.
// Implicit from a component definition (`*this` in a handler), a component handle
// and a KompactSystem. Holds plain pointers: use it within the sending expression.
class PathSender {
 public:
  // From a component definition (`*this` in a handler): its unique path.
  PathSender(const runtime_internal::DefinitionBase& component);  // NOLINT(google-explicit-constructor)
  // From a component handle: the component's unique path.
  PathSender(const AnyComponent& component);  // NOLINT(google-explicit-constructor)
  // From a system: its dead-letter path.
  PathSender(const KompactSystem& system);  // NOLINT(google-explicit-constructor)

  // The sender's path, as the receiver sees it.
  const ActorPath& path() const { return path_; }
  // The system whose dispatcher sends the message (for the runtime).
  runtime_internal::SystemCore* system() const { return system_; }

 private:
  friend class ActorPath;
  PathSender(ActorPath path, runtime_internal::SystemCore* system)
      : path_(std::move(path)), system_(system) {}

  ActorPath path_;
  runtime_internal::SystemCore* system_;
};

ActorPath SystemPath::DeadLetters() const { return ActorPath::DeadLetterPath(*this); }

namespace runtime_internal {
// Builds the NetMessage (sender from `from`, receiver `to`) and hands it to the
// dispatcher of from's system; dead letter if there is none.
void SendByPath(const ActorPath& to, const PathSender& from, NetData data);
}  // namespace runtime_internal

template <typename M>
void ActorPath::Tell(M&& message, const PathSender& from) const {
  runtime_internal::SendByPath(*this, from, NetData::Box(std::forward<M>(message)));
}

template <typename S, typename M>
void ActorPath::TellUsing(M&& message, const PathSender& from) const {
  runtime_internal::SendByPath(*this, from, NetData::Box<M, S>(std::forward<M>(message)));
}

template <typename M, typename S>
absl::Status ActorPath::TellSerialised(const M& message, const PathSender& from) const {
  absl::StatusOr<NetData> data = NetData::Serialise<M, S>(message);
  if (!data.ok()) return data.status();
  runtime_internal::SendByPath(*this, from, *std::move(data));
  return absl::OkStatus();
}

// ---- serialisers (S3; the reserved SerIds of serialisation/ser_ids.h) ---------------------
// Wire format: SystemPath = u8 transport, u8 family (4|6), 4 or 16 address bytes, u16
// port; UniquePath = SystemPath, u64 high, u64 low; NamedPath = SystemPath, varint
// count, strings; ActorPath = u8 kind (0 unique, 1 named) then the unique or named
// body. Deserialising validates everything (kDataLoss).

// The serialiser of UniquePath.
template <>
struct DefaultSerialiser<UniquePath> {
  static constexpr SerId kSerId = ser_ids::kUniquePath;  // reserved (serialisation/ser_ids.h)
  // The exact size: the SystemPath's plus 16 id bytes.
  static size_t SizeHint(const UniquePath& p) {
    return DefaultSerialiser<SystemPath>::SizeHint(p.system()) + 16;
  }
  static absl::Status Serialise(const UniquePath& p, BufMut& buf);  // OK (write errors are in `buf`)
  static absl::StatusOr<UniquePath> Deserialise(Buf& buf);          // kDataLoss for bad input
};

// The serialiser of NamedPath.
template <>
struct DefaultSerialiser<NamedPath> {
  static constexpr SerId kSerId = ser_ids::kNamedPath;  // reserved (serialisation/ser_ids.h)
  // The size, exact unless the count or a segment needs a length of more than one byte.
  static size_t SizeHint(const NamedPath& p);
  static absl::Status Serialise(const NamedPath& p, BufMut& buf);  // OK (write errors are in `buf`)
  // kDataLoss for bad input, including segments that are not a valid lookup path.
  static absl::StatusOr<NamedPath> Deserialise(Buf& buf);
};

// The serialiser of ActorPath, either kind.
template <>
struct DefaultSerialiser<ActorPath> {
  static constexpr SerId kSerId = ser_ids::kActorPath;  // reserved (serialisation/ser_ids.h)
  // As UniquePath's or NamedPath's, plus the kind byte.
  static size_t SizeHint(const ActorPath& p);
  static absl::Status Serialise(const ActorPath& p, BufMut& buf);  // OK (write errors are in `buf`)
  static absl::StatusOr<ActorPath> Deserialise(Buf& buf);          // kDataLoss for bad input
};

}  // namespace kompact

// std::hash by StableHash() (for std containers).
template <>
struct std::hash<kompact::ActorPath> {
  // StableHash() as a size_t.
  size_t operator()(const kompact::ActorPath& p) const noexcept {
    return static_cast<size_t>(p.StableHash());
  }
};

#endif  // KOMPACT_RUNTIME_ACTOR_PATH_H_
