#include "serialisation/deserialiser_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace kompact {

absl::Status DeserialiserRegistry::Register(Entry entry) {
  if (entry.decode == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("DeserialiserRegistry: entry for ", entry.type_name,
                                                   " (SerId ", entry.ser_id, ") has no decode function"));
  }
  auto [it, inserted] = entries_.try_emplace(entry.ser_id, entry);
  if (inserted) return absl::OkStatus();
  const Entry& existing = it->second;
  if (existing.type_name == entry.type_name && existing.serialiser_name == entry.serialiser_name) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(absl::StrCat("SerId ", entry.ser_id, " is already registered for ",
                                               existing.type_name, " (serialiser ", existing.serialiser_name,
                                               "); cannot register ", entry.type_name, " (serialiser ",
                                               entry.serialiser_name, ")"));
}

const DeserialiserRegistry::Entry* DeserialiserRegistry::Find(SerId ser_id) const {
  auto it = entries_.find(ser_id);
  return it == entries_.end() ? nullptr : &it->second;
}

absl::StatusOr<NetData> DeserialiserRegistry::Decode(SerId ser_id, Buf& bytes) const {
  const Entry* entry = Find(ser_id);
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("no deserialiser registered for SerId ", ser_id));
  }
  absl::StatusOr<NetData> decoded = entry->decode(bytes);
  if (!decoded.ok()) {
    return Annotate(decoded.status(), absl::StrCat("decoding ", entry->type_name, " (SerId ", ser_id, ")"));
  }
  return decoded;
}

absl::StatusOr<NetData> DeserialiserRegistry::Decode(const NetData& data) const {
  if (!data.is_serialised()) {
    return absl::FailedPreconditionError(
        absl::StrCat("DeserialiserRegistry::Decode: the data (SerId ", data.ser_id(), ") is not serialised"));
  }
  KOMPACT_ASSIGN_OR_RETURN(Buf bytes, data.Reader());
  return Decode(data.ser_id(), bytes);
}

}  // namespace kompact
