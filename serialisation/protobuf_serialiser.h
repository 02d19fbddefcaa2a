// ProtobufSerialiser: makes any protobuf message type serialisable under a SerId the
// user assigns (FEATURES.md S4; replaces Kompact's serde path as "use a standard
// format"). Works with full and lite messages (google::protobuf::MessageLite).
//
//   using PersonSerialiser = kompact::ProtobufSerialiser<demo::Person, 42>;
//   NetData data = NetData::Box<demo::Person, PersonSerialiser>(person);
//   MatchDeser(On<demo::Person, PersonSerialiser>(...), ...);
//
// or make it the type's default serialiser once:
//
//   template <>
//   struct kompact::DefaultSerialiser<demo::Person> : kompact::ProtobufSerialiser<demo::Person, 42> {};
//
// The SerId is checked like MakeSerId: it must fit the configured width and must not
// be a reserved id (0-20). The payload is the message's standard protobuf encoding;
// it is not self-delimiting, so the deserialiser reads all remaining bytes.
// Serialisation writes straight into the output when it can provide the bytes in one
// piece; parsing reads in place when the payload is in one segment (else it copies).
//
// Thread-safety: stateless (the usual protobuf rules apply to the message objects).
#ifndef KOMPACT_SERIALISATION_PROTOBUF_SERIALISER_H_
#define KOMPACT_SERIALISATION_PROTOBUF_SERIALISER_H_

#include <climits>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "google/protobuf/message_lite.h"
#include "serialisation/buf.h"
#include "serialisation/internal/type_name.h"  // names the message type in errors
#include "serialisation/ser_id.h"

namespace kompact {

// The serialiser of protobuf message type `M` under the user's id `kId` (see the file
// comment).
template <typename M, auto kId>
requires std::derived_from<M, google::protobuf::MessageLite>
struct ProtobufSerialiser {
  static constexpr SerId kSerId = MakeSerId<kId>();  // Checked like any MakeSerId.

  // Exact: the message's encoded size (ByteSizeLong()).
  static size_t SizeHint(const M& message) { return message.ByteSizeLong(); }

  // Writes the standard encoding (no length prefix). InvalidArgument for a message over
  // 2 GiB, Internal if protobuf fails to encode it, else buf.status().
  static absl::Status Serialise(const M& message, BufMut& buf) {
    const size_t size = message.ByteSizeLong();
    if (size > static_cast<size_t>(INT_MAX)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "protobuf ", AsAbsl(serialisation_internal::TypeName<M>()), " of ", size, " bytes exceeds 2 GiB"));
    }
    if (size == 0) return absl::OkStatus();
    if (uint8_t* out = buf.Contiguous(size)) {
      message.SerializeWithCachedSizesToArray(out);
      return absl::OkStatus();
    }
    if (!buf.ok()) return buf.status();
    std::string bytes;
    if (!message.SerializeToString(&bytes)) {
      return absl::InternalError(
          absl::StrCat("protobuf ", AsAbsl(serialisation_internal::TypeName<M>()), " failed to serialise"));
    }
    buf.PutBytes(bytes);
    return buf.status();
  }

  // Parses every remaining byte as one message. DataLoss (also recorded in `buf`) if
  // they exceed 2 GiB or do not parse.
  static absl::StatusOr<M> Deserialise(Buf& buf) {
    const size_t at = buf.position();
    const size_t size = buf.remaining();
    if (size > static_cast<size_t>(INT_MAX)) {
      return buf.Fail(
          absl::DataLossError(absl::StrCat("protobuf ", AsAbsl(serialisation_internal::TypeName<M>()),
                                           " payload of ", size, " bytes exceeds 2 GiB")));
    }
    M message;
    bool parsed;
    const std::span<const uint8_t> chunk = buf.Chunk();
    if (chunk.size() >= size) {
      parsed = message.ParseFromArray(chunk.data(), static_cast<int>(size));
      buf.Skip(size);
    } else {
      std::string bytes(size, '\0');
      buf.GetBytes(std::span<uint8_t>(reinterpret_cast<uint8_t*>(bytes.data()), size));
      if (!buf.ok()) return buf.status();
      parsed = message.ParseFromString(bytes);
    }
    if (!parsed) {
      return buf.Fail(absl::DataLossError(absl::StrCat("cannot parse protobuf ",
                                                       AsAbsl(serialisation_internal::TypeName<M>()),
                                                       " from ", size, " bytes at offset ", at)));
    }
    return message;
  }
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_PROTOBUF_SERIALISER_H_
