// Path values: parsing, printing, validation, hashing and serialisers. Sending by
// path lives in path_sending.cc.
#include "runtime/actor_path.h"

#include <arpa/inet.h>

#include <bit>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact {
namespace {

using runtime_internal::ParseSystemPrefix;
using runtime_internal::PathError;

constexpr uint64_t kHashMul = 0x9E3779B97F4A7C15ULL;

// Why `segment` (at `index` of `count`) is invalid, or "" if it is fine.
std::string SegmentProblem(std::string_view segment, size_t index, size_t count, bool allow_marker) {
  auto describe = [&](std::string_view why) {
    return absl::StrCat("segment ", index, " (\"", absl::CHexEscape(AsAbsl(segment)), "\") ", AsAbsl(why));
  };
  if (segment.empty()) return describe("is empty");
  // Names that look alike must be alike: no control characters (tabs and newlines
  // included), no whitespace at either end.
  for (char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return describe(absl::StrCat("contains the control character 0x", absl::Hex(u, absl::kZeroPad2)));
    }
  }
  if (segment.front() == ' ') return describe("begins with a space");
  if (segment.back() == ' ') return describe("ends with a space");
  if (segment.size() == 1 && (segment[0] == kBroadcastMarker || segment[0] == kSelectMarker)) {
    if (!allow_marker) {
      return describe("is a routing marker; markers may be sent to but never registered");
    }
    if (index + 1 != count) return describe("is a routing marker, allowed only as the last segment");
    return "";
  }
  for (char c : segment) {
    switch (c) {
      case kPathSeparator:
        return describe("contains '/'");
      case kUniquePathSeparator:
        return describe("contains '#'");
      case kBroadcastMarker:
      case kSelectMarker:
        return describe(
            absl::StrCat("contains '", std::string(1, c), "'; a routing marker must be a whole segment"));
      default:
        break;
    }
  }
  return "";
}

absl::Status ValidatePath(std::span<const std::string> segments, bool lookup) {
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string problem = SegmentProblem(segments[i], i, segments.size(), lookup);
    if (!problem.empty()) return absl::InvalidArgumentError(problem);
  }
  return absl::OkStatus();
}

}  // namespace

ActorPath SystemPath::Unique(const Uuid& id) const { return ActorPath::Unique(*this, id); }

absl::StatusOr<ActorPath> SystemPath::Named(std::string_view relative) const {
  return ActorPath::Named(*this, SplitPath(relative));
}

// ---- segments ------------------------------------------------------------------------------------

std::vector<std::string> SplitPath(std::string_view relative) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t slash = relative.find(kPathSeparator, start);
    out.emplace_back(
        relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

absl::Status ValidateLookupPath(std::span<const std::string> segments) {
  return ValidatePath(segments, true);
}

absl::Status ValidateInsertPath(std::span<const std::string> segments) {
  if (segments.empty()) return absl::InvalidArgumentError("an empty path cannot be registered");
  return ValidatePath(segments, false);
}

// ---- ActorPath ----------------------------------------------------------------------------------

ActorPath ActorPath::MakeNamed(const SystemPath& system, std::vector<std::string> segments) {
  if (segments.empty()) return ActorPath(system, SegmentsRef());
  return ActorPath(system, SegmentsRef(Segments::Make(std::move(segments))));
}

absl::StatusOr<ActorPath> ActorPath::Named(const SystemPath& system, std::vector<std::string> segments) {
  absl::Status valid = ValidateLookupPath(segments);
  if (!valid.ok()) return valid;
  return MakeNamed(system, std::move(segments));
}

absl::StatusOr<ActorPath> ActorPath::Parse(std::string_view text) {
  std::string_view rest;
  absl::StatusOr<SystemPath> system = ParseSystemPrefix(text, rest);
  if (!system.ok()) return system.status();
  if (rest.empty()) return MakeNamed(*system, {});
  if (rest.front() == kUniquePathSeparator) {
    absl::StatusOr<Uuid> id = Uuid::Parse(rest.substr(1));
    if (!id.ok()) {
      return PathError(text, absl::StrCat("the id after '#' is not a UUID: ", id.status().message()));
    }
    return Unique(*system, *id);
  }
  // rest starts with '/'.
  std::vector<std::string> segments = SplitPath(rest.substr(1));
  absl::Status valid = ValidateLookupPath(segments);
  if (!valid.ok()) return PathError(text, AsStd(valid.message()));
  return MakeNamed(*system, std::move(segments));
}

ActorPath::Segments* ActorPath::Segments::Make(std::vector<std::string> names) {
  static_assert(alignof(std::string) <= alignof(uint64_t) && sizeof(Segments) % alignof(uint64_t) == 0);
  const size_t n = names.size();
  void* mem = ::operator new(sizeof(Segments) + n * (sizeof(uint64_t) + sizeof(std::string)));
  auto* s = ::new (mem) Segments();
  s->count = static_cast<uint32_t>(n);
  for (size_t i = 0; i < n; ++i) {
    s->hashes()[i] = PathSegmentHash(names[i]);
    s->full_hash = CombineSegmentHash(s->full_hash, s->hashes()[i]);
    ::new (&s->names()[i]) std::string(std::move(names[i]));
  }
  return s;
}

void ActorPath::Segments::Release(Segments* s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  for (uint32_t i = 0; i < s->count; ++i) s->names()[i].~basic_string();
  s->~Segments();
  ::operator delete(static_cast<void*>(s));
}

absl::StatusOr<ActorPath> ActorPath::Append(std::string_view relative) const {
  if (!named_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot append \"", AsAbsl(relative),
                                                   "\" to the unique path ", ToString(),
                                                   "; only named paths have children"));
  }
  std::vector<std::string> all(segments().begin(), segments().end());
  for (std::string& s : SplitPath(relative)) all.push_back(std::move(s));
  absl::Status valid = ValidateLookupPath(all);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot append \"", AsAbsl(relative), "\" to ", ToString(), ": ", valid.message()));
  }
  return MakeNamed(system_, std::move(all));
}

ActorPath ActorPath::WithTransport(Transport transport) const {
  ActorPath copy = *this;
  copy.system_ = SystemPath(transport, system_.address(), system_.port());
  return copy;
}

std::string ActorPath::ToString() const {
  std::string out;
  system_.AppendTo(out);
  if (!named_) {
    absl::StrAppend(&out, "#", id_.ToString());
  } else {
    for (const std::string& s : segments()) absl::StrAppend(&out, "/", s);
  }
  return out;
}

uint64_t ActorPath::StableHash() const {
  uint64_t h = system_.StableHash();
  if (!named_) return StableHashMix(h ^ StableHashMix(id_.high() ^ StableHashMix(id_.low())));
  h = StableHashMix(h ^ 0x6e616d6564ULL);
  for (uint64_t s : segment_hashes()) h = StableHashMix(h ^ s) * kHashMul;
  return StableHashMix(h);
}

bool operator==(const ActorPath& a, const ActorPath& b) {
  if (a.named_ != b.named_ || a.system_ != b.system_) return false;
  if (!a.named_) return a.id_ == b.id_;
  if (a.segments_ == b.segments_) return true;
  const std::span<const std::string> x = a.segments();
  const std::span<const std::string> y = b.segments();
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

std::strong_ordering operator<=>(const ActorPath& a, const ActorPath& b) {
  if (a.named_ != b.named_) return a.named_ ? std::strong_ordering::greater : std::strong_ordering::less;
  if (auto c = a.system_ <=> b.system_; c != 0) return c;
  if (!a.named_) return a.id_ <=> b.id_;
  const std::span<const std::string> x = a.segments();
  const std::span<const std::string> y = b.segments();
  return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end(),
                                                [](const std::string& l, const std::string& r) {
                                                  const int c = l.compare(r);
                                                  return c < 0   ? std::strong_ordering::less
                                                         : c > 0 ? std::strong_ordering::greater
                                                                 : std::strong_ordering::equal;
                                                });
}

bool ActorPath::SegmentsEqualSlow(const ActorPath& other, size_t count) const {
  const std::span<const uint64_t> mine = segment_hashes();
  const std::span<const uint64_t> theirs = other.segment_hashes();
  for (size_t i = 0; i < count; ++i) {
    if (mine[i] != theirs[i]) return false;
  }
  const std::span<const std::string> a = segments();
  const std::span<const std::string> b = other.segments();
  for (size_t i = 0; i < count; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::ostream& operator<<(std::ostream& os, const ActorPath& path) { return os << path.ToString(); }

absl::StatusOr<UniquePath> UniquePath::From(const ActorPath& path) {
  if (!path.is_unique()) {
    return absl::InvalidArgumentError(absl::StrCat(path.ToString(), " is a named path, not a unique one"));
  }
  return UniquePath(path.system(), path.id());
}

absl::StatusOr<NamedPath> NamedPath::From(const ActorPath& path) {
  if (!path.is_named()) {
    return absl::InvalidArgumentError(absl::StrCat(path.ToString(), " is a unique path, not a named one"));
  }
  return NamedPath(path);
}

// ---- serialisers -------------------------------------------------------------------------------

absl::Status DefaultSerialiser<UniquePath>::Serialise(const UniquePath& p, BufMut& buf) {
  absl::Status s = DefaultSerialiser<SystemPath>::Serialise(p.system(), buf);
  buf.PutU64(p.id().high());
  buf.PutU64(p.id().low());
  return s;
}

absl::StatusOr<UniquePath> DefaultSerialiser<UniquePath>::Deserialise(Buf& buf) {
  absl::StatusOr<SystemPath> system = DefaultSerialiser<SystemPath>::Deserialise(buf);
  if (!system.ok()) return system.status();
  const uint64_t high = buf.GetU64();
  const uint64_t low = buf.GetU64();
  if (!buf.ok()) return buf.status();
  return UniquePath(*system, Uuid(high, low));
}

size_t DefaultSerialiser<NamedPath>::SizeHint(const NamedPath& p) {
  size_t n = DefaultSerialiser<SystemPath>::SizeHint(p.system()) + 1;
  for (const std::string& s : p.segments()) n += 1 + s.size();
  return n;
}

absl::Status DefaultSerialiser<NamedPath>::Serialise(const NamedPath& p, BufMut& buf) {
  absl::Status s = DefaultSerialiser<SystemPath>::Serialise(p.system(), buf);
  buf.PutVarU64(p.segments().size());
  for (const std::string& segment : p.segments()) buf.PutString(segment);
  return s;
}

absl::StatusOr<NamedPath> DefaultSerialiser<NamedPath>::Deserialise(Buf& buf) {
  absl::StatusOr<SystemPath> system = DefaultSerialiser<SystemPath>::Deserialise(buf);
  if (!system.ok()) return system.status();
  // Each segment takes at least one byte (its length), so remaining() bounds the count.
  const size_t count = buf.GetLength();
  if (!buf.ok()) return buf.status();
  std::vector<std::string> segments;
  segments.reserve(count);
  for (size_t i = 0; i < count; ++i) segments.push_back(buf.GetString());
  if (!buf.ok()) return buf.status();
  absl::StatusOr<ActorPath> path = ActorPath::Named(*system, std::move(segments));
  if (!path.ok()) return buf.Corrupt(absl::StrCat("NamedPath: ", path.status().message()));
  return NamedPath::From(*path);
}

size_t DefaultSerialiser<ActorPath>::SizeHint(const ActorPath& p) {
  if (p.is_unique()) return 1 + DefaultSerialiser<UniquePath>::SizeHint(UniquePath(p.system(), p.id()));
  size_t n = 1 + DefaultSerialiser<SystemPath>::SizeHint(p.system()) + 1;
  for (const std::string& s : p.segments()) n += 1 + s.size();
  return n;
}

absl::Status DefaultSerialiser<ActorPath>::Serialise(const ActorPath& p, BufMut& buf) {
  if (p.is_unique()) {
    buf.PutU8(0);
    return DefaultSerialiser<UniquePath>::Serialise(UniquePath(p.system(), p.id()), buf);
  }
  buf.PutU8(1);
  absl::Status s = DefaultSerialiser<SystemPath>::Serialise(p.system(), buf);
  buf.PutVarU64(p.segments().size());
  for (const std::string& segment : p.segments()) buf.PutString(segment);
  return s;
}

absl::StatusOr<ActorPath> DefaultSerialiser<ActorPath>::Deserialise(Buf& buf) {
  const uint8_t kind = buf.GetU8();
  if (!buf.ok()) return buf.status();
  if (kind == 0) {
    absl::StatusOr<UniquePath> unique = DefaultSerialiser<UniquePath>::Deserialise(buf);
    if (!unique.ok()) return unique.status();
    return ActorPath(*unique);
  }
  if (kind == 1) {
    absl::StatusOr<NamedPath> named = DefaultSerialiser<NamedPath>::Deserialise(buf);
    if (!named.ok()) return named.status();
    return named->path();
  }
  return buf.Corrupt(absl::StrCat("ActorPath kind ", kind));
}

}  // namespace kompact
