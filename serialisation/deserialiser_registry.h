// DeserialiserRegistry: deserialisers by SerId, for code that must decode data whose
// type it does not know statically (FEATURES.md S2; used by the system build, which
// rejects duplicate SerIds, and by the network layer to decode by id).
//
//   DeserialiserRegistry registry;
//   RETURN_IF_ERROR(registry.Register<Ping>());
//   RETURN_IF_ERROR(registry.Register<Pong, PongSerialiser>());
//   ASSIGN_OR_RETURN(NetData boxed, registry.Decode(data));   // bytes -> boxed value
//
// Registering a second, different type (or serialiser) under a SerId already taken is
// kAlreadyExists, and the message names both types, e.g.
//   "SerId 42 is already registered for Ping (serialiser ...); cannot register Pong (...)".
// Registering the same type with the same serialiser again is a no-op (OK).
//
// Decode turns serialised data into a boxed value of the registered type (which keeps
// its serialiser, so it can be serialised again), ready for MatchDeser's local path.
//
// Thread-safety: Register is not thread-safe. Once registration is over (the system is
// built) the registry is immutable and Find/Decode may run concurrently from any thread.
#ifndef KOMPACT_SERIALISATION_DESERIALISER_REGISTRY_H_
#define KOMPACT_SERIALISATION_DESERIALISER_REGISTRY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serialisation/buf.h"
#include "serialisation/internal/type_name.h"  // names registered types in errors
#include "serialisation/net_data.h"
#include "serialisation/ser_id.h"
#include "serialisation/serialisable.h"

namespace kompact {

// Deserialisers by SerId (see the file comment).
class DeserialiserRegistry {
 public:
  // Reads one value from all of the Buf (trailing bytes are kDataLoss) and boxes it.
  using DecodeFn = absl::StatusOr<NetData> (*)(Buf&);

  // One registered deserialiser.
  struct Entry {
    SerId ser_id;                 // The id it is registered under.
    std::string type_name;        // e.g. "Ping"
    std::string serialiser_name;  // e.g. "kompact::DefaultSerialiser<Ping>"
    DecodeFn decode;              // Reads and boxes one value.
  };

  // Empty. Movable, not copyable.
  DeserialiserRegistry() = default;
  DeserialiserRegistry(DeserialiserRegistry&&) = default;
  DeserialiserRegistry& operator=(DeserialiserRegistry&&) = default;

  // Registers T, read with D (default DefaultSerialiser<T>; if D also serialises T the
  // decoded box can be serialised again). See the file comment for duplicates.
  template <typename T, typename D = DefaultSerialiser<T>>
  [[nodiscard]] absl::Status Register() {
    static_assert(serialisation_internal::CheckMessageValue<T>());
    static_assert(serialisation_internal::CheckDeserialiser<D, T>());
    return Register(Entry{
        .ser_id = D::kSerId,
        .type_name = std::string(serialisation_internal::TypeName<T>()),
        .serialiser_name = std::string(serialisation_internal::TypeName<D>()),
        .decode = &DecodeAs<T, D>,
    });
  }
  // Type-erased form of Register<T, D>(); `entry.decode` must not be null.
  [[nodiscard]] absl::Status Register(Entry entry);

  // The entry for `ser_id`, or nullptr. The pointer is valid until the next Register.
  const Entry* Find(SerId ser_id) const;
  // Number of registered SerIds.
  size_t size() const { return entries_.size(); }

  // Decodes serialised `data` with the deserialiser registered for its SerId into a
  // boxed value. kNotFound if no deserialiser has that SerId; kFailedPrecondition if
  // `data` is not serialised (a boxed value is already decoded).
  [[nodiscard]] absl::StatusOr<NetData> Decode(const NetData& data) const;
  // Decodes `bytes` (all of them) as the type registered for `ser_id`.
  [[nodiscard]] absl::StatusOr<NetData> Decode(SerId ser_id, Buf& bytes) const;

 private:
  template <typename T, typename D>
  static absl::StatusOr<NetData> DecodeAs(Buf& buf) {
    absl::StatusOr<T> value = DeserialiseAll<T, D>(buf);
    if (!value.ok()) return value.status();
    // With a deserialiser-only D, serialising the box later reports kFailedPrecondition.
    return NetData::BoxUnchecked<T, D>(*std::move(value));
  }

  absl::flat_hash_map<SerId, Entry> entries_;
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_DESERIALISER_REGISTRY_H_
