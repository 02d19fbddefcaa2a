// NetData: the payload of a message addressed by actor path (FEATURES.md S5): a SerId
// plus either serialised bytes or a boxed local value (Kompact's NetData/HeapOrSer).
// The runtime builds NetMessage (sender, receiver, NetData) on top of it.
//
// Lazy local delivery: a sender boxes the value (NetData::Box) without serialising it.
// If the receiver is in the same process it takes the value back (TryTake<T>, or a
// MatchDeser arm) and no byte is ever produced. Only when the data must leave the
// process does the network layer call TrySerialise(), which turns the box into bytes.
//
//   NetData data = NetData::Box(Ping{7});                        // lazy (Tell)
//   ASSIGN_OR_RETURN(NetData eager, NetData::Serialise(Ping{7})); // eager (TellSerialised)
//   std::optional<Ping> local = data.TryTake<Ping>();             // no serialisation
//   StatusOr<Ping> any = eager.TryDeserialise<Ping>();            // boxed or bytes
//
// Serialised forms: an owned byte vector (kBytes) or a shared ChunkRef over pooled
// chunks (kChunkRef; TryClone shares it, so "TellPreserialised" sends the same bytes
// many times without copying them).
//
// Thread-safety: a NetData has one owner at a time and may move between threads.
// Lifetime: readers (Reader(), segment()) point into the NetData, which must outlive
// them and must not be modified or moved meanwhile.
#ifndef KOMPACT_SERIALISATION_NET_DATA_H_
#define KOMPACT_SERIALISATION_NET_DATA_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "serialisation/buf.h"
#include "serialisation/chunk.h"
#include "serialisation/encode_buffer.h"
#include "serialisation/internal/boxed.h"  // NetData's templates create and unwrap boxes
#include "serialisation/ser_id.h"
#include "serialisation/ser_ids.h"
#include "serialisation/serialisable.h"

namespace kompact {

class DeserialiserRegistry;

// A message payload: a SerId plus serialised bytes or a boxed local value (see the
// file comment). Move-only.
class NetData {
 public:
  // What a NetData holds (kind()).
  enum class Kind {
    kEmpty,     // default-constructed, or the boxed value was taken
    kBoxed,     // a local value, not serialised
    kBytes,     // serialised, in an owned byte vector
    kChunkRef,  // serialised, in shared (usually pooled) chunks
  };

  // Empty data (SerId ser_ids::kUnknown).
  NetData() = default;
  // Movable, not copyable.
  NetData(NetData&&) noexcept = default;
  NetData& operator=(NetData&&) noexcept = default;
  NetData(const NetData&) = delete;  // copies: TryClone()
  NetData& operator=(const NetData&) = delete;

  // Boxes `value` with serialiser S (its SerId is S::kSerId). Never serialises.
  template <typename T, typename S = DefaultSerialiser<std::remove_cvref_t<T>>>
  static NetData Box(T&& value) {
    using V = std::remove_cvref_t<T>;
    if constexpr (serialisation_internal::CheckMessageValue<V>() &&
                  serialisation_internal::CheckSerialiser<S, V>()) {
      return NetData(S::kSerId,
                     std::make_unique<serialisation_internal::BoxedImpl<V, S>>(std::forward<T>(value)));
    } else {
      return NetData();
    }
  }
  // Serialises `value` now into an owned byte vector (eager serialisation).
  template <typename T, typename S = DefaultSerialiser<T>>
  [[nodiscard]] static absl::StatusOr<NetData> Serialise(const T& value) {
    KOMPACT_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, (SerialiseToBytes<T, S>(value)));
    return FromBytes(S::kSerId, std::move(bytes));
  }
  // Serialises `value` now into pooled chunks of `buffer` (TellSerialised).
  template <typename T, typename S = DefaultSerialiser<T>>
  [[nodiscard]] static absl::StatusOr<NetData> Serialise(const T& value, EncodeBuffer& buffer) {
    KOMPACT_ASSIGN_OR_RETURN(ChunkLease lease, (EncodeInto<T, S>(value, buffer)));
    return FromChunkRef(S::kSerId, std::move(lease).Freeze());
  }
  // Already serialised bytes under `ser_id` (received from the network, say): owned
  // (kBytes), or in chunks (kChunkRef; a lease is frozen first):
  static NetData FromBytes(SerId ser_id, std::vector<uint8_t> bytes) {
    return NetData(ser_id, std::move(bytes));
  }
  static NetData FromChunkRef(SerId ser_id, ChunkRef bytes) { return NetData(ser_id, std::move(bytes)); }
  static NetData FromChunkLease(SerId ser_id, ChunkLease bytes) {
    return NetData(ser_id, std::move(bytes).Freeze());
  }

  // The SerId; it stays when the payload is taken or Reset().
  SerId ser_id() const { return ser_id_; }
  // What the payload is (see Kind):
  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool empty() const { return kind() == Kind::kEmpty; }
  bool is_boxed() const { return kind() == Kind::kBoxed; }
  bool is_serialised() const { return kind() == Kind::kBytes || kind() == Kind::kChunkRef; }
  // Drops the payload (box or bytes); the data becomes empty, the SerId stays.
  void Reset() { data_.template emplace<std::monostate>(); }
  // The boxed value's type name ("" unless boxed), for diagnostics.
  std::string_view boxed_type_name() const { return is_boxed() ? box()->type_name() : std::string_view(); }

  // ---- the local path: no serialisation ----------------------------------------------

  // The boxed value if this holds a boxed T exactly, else nullptr.
  template <typename T>
  T* BoxedAs() {
    return is_boxed() ? box()->template As<T>() : nullptr;
  }
  // Whether this holds a boxed T exactly.
  template <typename T>
  bool Holds() const {
    return is_boxed() && box()->template As<T>() != nullptr;
  }
  // Moves a boxed T out (the data becomes empty); nullopt, data unchanged, otherwise.
  template <typename T>
  [[nodiscard]] std::optional<T> TryTake() {
    T* p = BoxedAs<T>();
    if (p == nullptr) return std::nullopt;
    std::optional<T> out(std::move(*p));
    Reset();
    return out;
  }

  // ---- typed access, boxed or serialised (Kompact's try_deserialise) -----------------

  // A T through deserialiser D. kInvalidArgument (data unchanged) if the SerId is not
  // D::kSerId. A boxed T is moved out; a box of another type with the same SerId is
  // serialised and read back with D; bytes are read with D and must be consumed
  // exactly (trailing bytes: kDataLoss). Deserialisation errors name T and the SerId.
  template <typename T, typename D = DefaultSerialiser<T>>
  [[nodiscard]] absl::StatusOr<T> TryDeserialise() {
    if constexpr (serialisation_internal::CheckDeserialiser<D, T>()) {
      if (ABSL_PREDICT_FALSE(ser_id_ != D::kSerId)) {
        return absl::InvalidArgumentError(absl::StrCat("NetData has SerId ", ser_id_, ", but ",
                                                       AsAbsl(serialisation_internal::TypeName<D>()),
                                                       " reads SerId ", D::kSerId));
      }
      return TryDeserialiseUnchecked<T, D>();
    } else {
      return absl::InternalError("unreachable");
    }
  }
  // TryDeserialise without the SerId check (the caller has matched it already).
  template <typename T, typename D = DefaultSerialiser<T>>
  [[nodiscard]] absl::StatusOr<T> TryDeserialiseUnchecked() {
    return is_boxed() ? ReadBox<T, D>() : ReadSerialised<T, D>();
  }

  // ---- the serialised form -------------------------------------------------------------

  // Turns a boxed value into owned bytes (no-op if already serialised). On error the
  // data stays boxed. kFailedPrecondition if empty.
  [[nodiscard]] absl::Status TrySerialise();
  // Same, into pooled chunks of `buffer`.
  [[nodiscard]] absl::Status TrySerialise(EncodeBuffer& buffer);
  // Writes the payload's bytes to `out` without changing this data: a boxed value is
  // serialised straight into `out` (no intermediate buffer), serialised bytes are
  // copied. kFailedPrecondition if empty; a serialiser's error names the type and SerId.
  [[nodiscard]] absl::Status SerialiseTo(BufMut& out) const;
  // A reader over the serialised bytes; kFailedPrecondition if boxed or empty.
  [[nodiscard]] absl::StatusOr<Buf> Reader() const;
  // The serialised bytes as segments: how many (0 if boxed or empty), and segment i
  // (i < segment_count(), CHECKed):
  size_t segment_count() const;
  std::span<const uint8_t> segment(size_t i) const;
  // Serialised size in bytes (0 if boxed or empty).
  size_t serialised_size() const;

  // A copy: boxed copyable values are copied (still boxed, lazy), other boxed values
  // are serialised; owned bytes are copied; a ChunkRef is shared.
  [[nodiscard]] absl::StatusOr<NetData> TryClone() const;

 private:
  friend class DeserialiserRegistry;
  using Boxed = std::unique_ptr<serialisation_internal::BoxedValue>;

  // Box without requiring S to serialise T (the registry boxes values read by
  // deserialiser-only types; serialising such a box is kFailedPrecondition).
  template <typename T, typename S>
  static NetData BoxUnchecked(T&& value) {
    using V = std::remove_cvref_t<T>;
    return NetData(S::kSerId,
                   std::make_unique<serialisation_internal::BoxedImpl<V, S>>(std::forward<T>(value)));
  }
  using Data = std::variant<std::monostate, Boxed, std::vector<uint8_t>, ChunkRef>;
  static_assert(std::variant_size_v<Data> == 4);

  template <typename Payload>
  NetData(SerId ser_id, Payload&& payload) : ser_id_(ser_id), data_(std::forward<Payload>(payload)) {}

  serialisation_internal::BoxedValue* box() const { return std::get<Boxed>(data_).get(); }
  absl::StatusOr<std::vector<uint8_t>> SerialiseBox() const;
  absl::Status AnnotateDeser(const absl::Status& s, std::string_view type_name) const;
  // TryDeserialiseUnchecked of a box: takes a T, or serialises and reads back.
  template <typename T, typename D>
  absl::StatusOr<T> ReadBox() {
    if (T* p = box()->template As<T>()) {
      absl::StatusOr<T> out(std::move(*p));
      Reset();
      return out;
    }
    absl::StatusOr<std::vector<uint8_t>> bytes = SerialiseBox();
    if (!bytes.ok()) return bytes.status();
    Buf buf{std::span<const uint8_t>(*bytes)};
    absl::StatusOr<T> result = DeserialiseAll<T, D>(buf);
    if (ABSL_PREDICT_FALSE(!result.ok()))
      result = AnnotateDeser(result.status(), serialisation_internal::TypeName<T>());
    return result;
  }
  // TryDeserialiseUnchecked of serialised bytes.
  template <typename T, typename D>
  absl::StatusOr<T> ReadSerialised() {
    absl::StatusOr<Buf> buf = Reader();
    if (!buf.ok()) return buf.status();
    absl::StatusOr<T> result = DeserialiseAll<T, D>(*buf);
    if (ABSL_PREDICT_FALSE(!result.ok()))
      result = AnnotateDeser(result.status(), serialisation_internal::TypeName<T>());
    return result;
  }

  SerId ser_id_ = ser_ids::kUnknown;
  Data data_;
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_NET_DATA_H_
