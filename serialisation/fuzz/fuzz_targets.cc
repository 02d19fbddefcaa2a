#include "serialisation/fuzz/fuzz_targets.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/uuid.h"
#include "serialisation/buf.h"
#include "serialisation/match_deser.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_ids.h"
#include "serialisation/serialisable.h"

namespace kompact::serialisation_fuzz {
namespace {

// A composite in-class message: nested varints, strings and a bool.
struct Record {
  static constexpr SerId kSerId = MakeSerId<99>();
  uint64_t id = 0;
  std::string name;
  std::vector<uint64_t> values;
  bool flag = false;

  size_t SizeHint() const { return 8 + 10 + name.size() + 10 * (values.size() + 1) + 1; }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutU64(id);
    buf.PutString(name);
    buf.PutVarU64(values.size());
    for (uint64_t v : values) buf.PutVarU64(v);
    buf.PutBool(flag);
    return absl::OkStatus();
  }
  static absl::StatusOr<Record> Deserialise(Buf& buf) {
    Record r;
    r.id = buf.GetU64();
    r.name = buf.GetString();
    const size_t n = buf.GetLength();  // each value takes at least one byte
    for (size_t i = 0; i < n && buf.ok(); ++i) r.values.push_back(buf.GetVarU64());
    r.flag = buf.GetBool();
    if (!buf.ok()) return buf.status();
    return r;
  }
  friend bool operator==(const Record&, const Record&) = default;
};

std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// Splits `payload` into up to three segments at positions derived from `seed`.
struct Segments {
  std::array<Buf::Segment, 3> parts;
  Segments(std::span<const uint8_t> payload, uint64_t seed) {
    const size_t n = payload.size();
    size_t a = n == 0 ? 0 : static_cast<size_t>(seed % (n + 1));
    size_t b = n == 0 ? 0 : static_cast<size_t>((seed >> 16) % (n + 1));
    if (a > b) std::swap(a, b);
    parts = {payload.first(a), payload.subspan(a, b - a), payload.subspan(b)};
  }
  Buf Reader() const { return Buf::OverSegments(parts); }
};

template <typename T>
std::string CheckType(std::span<const uint8_t> payload, uint64_t split_seed) {
  Buf whole(payload);
  absl::StatusOr<T> a = DeserialiseAll<T>(whole);
  Segments segs(payload, split_seed);
  Buf split = segs.Reader();
  absl::StatusOr<T> b = DeserialiseAll<T>(split);
  if (a.ok() != b.ok()) {
    return absl::StrCat("contiguous and segmented reads disagree: ", a.status().ToString(), " vs ",
                        b.status().ToString());
  }
  if (!a.ok()) {
    if (a.status().code() != absl::StatusCode::kDataLoss ||
        b.status().code() != absl::StatusCode::kDataLoss) {
      return absl::StrCat("failure is not kDataLoss: ", a.status().ToString(), " / ", b.status().ToString());
    }
    return "";
  }
  if (!(*a == *b)) return "contiguous and segmented reads give different values";
  absl::StatusOr<std::vector<uint8_t>> again = SerialiseToBytes(*a);
  if (!again.ok()) return absl::StrCat("re-encoding failed: ", again.status().ToString());
  if (!std::equal(again->begin(), again->end(), payload.begin(), payload.end())) {
    return absl::StrCat("not canonical: re-encodes to ", Hex(*again));
  }
  return "";
}

// Reads primitives in an order chosen by the payload itself until the input ends.
std::string CheckPrimitives(std::span<const uint8_t> payload, uint64_t split_seed) {
  Segments segs(payload, split_seed);
  Buf in = segs.Reader();
  const size_t size = payload.size();
  for (int step = 0; step < 64 && in.ok() && in.remaining() > 0; ++step) {
    const size_t before = in.remaining();
    switch (in.GetU8() % 9) {
      case 0:
        in.GetU16();
        break;
      case 1:
        in.GetU32();
        break;
      case 2:
        in.GetU64();
        break;
      case 3:
        in.GetVarU64();
        break;
      case 4:
        in.GetString();
        break;
      case 5:
        in.GetBool();
        break;
      case 6:
        in.GetSerId();
        break;
      case 7:
        in.Skip(in.GetU8());
        break;
      default: {
        uint8_t tmp[7];
        in.GetBytes(tmp);
        break;
      }
    }
    if (in.ok() && in.remaining() >= before) return "a read did not advance";
    if (in.position() > size) return absl::StrCat("position ", in.position(), " beyond ", size);
    if (in.ok() && in.position() + in.remaining() != size) return "position + remaining != size";
  }
  if (!in.ok() && in.status().code() != absl::StatusCode::kDataLoss) return in.status().ToString();
  return "";
}

constexpr std::array kBuiltinIds = {ser_ids::kString, ser_ids::kU8,       ser_ids::kU16,  ser_ids::kU32,
                                    ser_ids::kU64,    ser_ids::kI8,       ser_ids::kI16,  ser_ids::kI32,
                                    ser_ids::kI64,    ser_ids::kBool,     ser_ids::kUnit, ser_ids::kUuid,
                                    Record::kSerId,   ser_ids::kActorPath};

// MatchDeser over serialised data with every built-in arm; the SerId comes from the seed.
std::string CheckMatchDeser(std::span<const uint8_t> payload, uint64_t split_seed) {
  const SerId id = kBuiltinIds[split_seed % kBuiltinIds.size()];
  NetData data = (split_seed >> 8) % 2 == 0
                     ? NetData::FromBytes(id, std::vector<uint8_t>(payload.begin(), payload.end()))
                     : NetData::FromChunkRef(id, ChunkRef::CopyOf(payload));
  auto ok = [](auto&&) { return std::string(); };
  return MatchDeser(On<std::string>(ok), On<uint8_t>(ok), On<uint16_t>(ok), On<uint32_t>(ok),
                    On<uint64_t>(ok), On<int8_t>(ok), On<int16_t>(ok), On<int32_t>(ok), On<int64_t>(ok),
                    On<bool>(ok), On<std::monostate>(ok), On<Uuid>(ok), On<Record>(ok),
                    OnError([](const absl::Status& s) {
                      return s.code() == absl::StatusCode::kDataLoss ? std::string() : s.ToString();
                    }),
                    OnDefault([&](NetData& d) {
                      return d.ser_id() == ser_ids::kActorPath ? std::string()
                                                               : std::string("default arm for a known id");
                    }))
      .Match(data);
}

using Check = std::string (*)(std::span<const uint8_t>, uint64_t);
struct Target {
  std::string_view name;
  Check check;
};

constexpr std::array<Target, 15> kTargets = {{
    {"string", &CheckType<std::string>},
    {"u8", &CheckType<uint8_t>},
    {"u16", &CheckType<uint16_t>},
    {"u32", &CheckType<uint32_t>},
    {"u64", &CheckType<uint64_t>},
    {"i8", &CheckType<int8_t>},
    {"i16", &CheckType<int16_t>},
    {"i32", &CheckType<int32_t>},
    {"i64", &CheckType<int64_t>},
    {"bool", &CheckType<bool>},
    {"unit", &CheckType<std::monostate>},
    {"uuid", &CheckType<Uuid>},
    {"record", &CheckType<Record>},
    {"primitives", &CheckPrimitives},
    {"match_deser", &CheckMatchDeser},
}};

template <typename T>
std::vector<uint8_t> Encode(const T& value) {
  absl::StatusOr<std::vector<uint8_t>> bytes = SerialiseToBytes(value);
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

std::string RandomString(std::mt19937_64& rng) {
  const size_t n = std::uniform_int_distribution<size_t>(0, (rng() % 8 == 0) ? 300 : 12)(rng);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace

int TargetCount() { return static_cast<int>(kTargets.size()); }

std::string_view TargetName(int target) { return kTargets[static_cast<size_t>(target)].name; }

std::string RunTarget(int target, std::span<const uint8_t> payload, uint64_t split_seed) {
  const std::string problem = kTargets[static_cast<size_t>(target)].check(payload, split_seed);
  if (problem.empty()) return problem;
  return absl::StrCat(AsAbsl(TargetName(target)), " on ", Hex(payload), " (split ", split_seed,
                      "): ", problem);
}

std::string FuzzOneInput(std::span<const uint8_t> data) {
  if (data.size() < 2) return "";
  return RunTarget(data[0] % TargetCount(), data.subspan(2), data[1] * 0x9E3779B97F4A7C15ULL);
}

std::vector<uint8_t> ValidSample(int target, std::mt19937_64& rng) {
  // Values near the edges of each type are the interesting ones.
  const uint64_t r = (rng() % 4 == 0) ? (rng() % 3 == 0 ? 0 : ~uint64_t{0} >> (rng() % 64)) : rng();
  switch (target) {
    case 0:
      return Encode(RandomString(rng));
    case 1:
      return Encode(static_cast<uint8_t>(r));
    case 2:
      return Encode(static_cast<uint16_t>(r));
    case 3:
      return Encode(static_cast<uint32_t>(r));
    case 4:
      return Encode(static_cast<uint64_t>(r));
    case 5:
      return Encode(static_cast<int8_t>(r));
    case 6:
      return Encode(static_cast<int16_t>(r));
    case 7:
      return Encode(static_cast<int32_t>(r));
    case 8:
      return Encode(static_cast<int64_t>(r));
    case 9:
      return Encode(r % 2 == 0);
    case 10:
      return Encode(std::monostate{});
    case 11:
      return Encode(Uuid(rng(), rng()));
    default: {
      Record rec{.id = r, .name = RandomString(rng), .values = {}, .flag = rng() % 2 == 0};
      for (uint64_t i = rng() % 6; i > 0; --i) rec.values.push_back(rng() >> (rng() % 64));
      return Encode(rec);
    }
  }
}

}  // namespace kompact::serialisation_fuzz
