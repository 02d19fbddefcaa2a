#include "serialisation/net_data.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "glog/logging.h"

namespace kompact {
namespace {

// Runs a boxed value's serialiser: a serialiser that throws becomes an error (so
// the network layer drops that one message with a reason, not the process).
absl::Status RunSerialiser(const serialisation_internal::BoxedValue& b, BufMut& out) {
  try {
    return b.Serialise(out);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("the serialiser threw: ", e.what()));
  } catch (...) {
    return absl::InternalError("the serialiser threw an exception that is not a std::exception");
  }
}

}  // namespace

absl::Status NetData::AnnotateDeser(const absl::Status& s, std::string_view type_name) const {
  return ::kompact::Annotate(s, absl::StrCat("deserialising ", AsAbsl(type_name), " (SerId ", ser_id_, ")"));
}

absl::StatusOr<std::vector<uint8_t>> NetData::SerialiseBox() const {
  const serialisation_internal::BoxedValue* b = box();
  VectorBufMut buf(b->SizeHint());
  absl::Status s = RunSerialiser(*b, buf);
  if (s.ok()) s = buf.status();
  if (!s.ok()) {
    return ::kompact::Annotate(
        s, absl::StrCat("serialising boxed ", AsAbsl(b->type_name()), " (SerId ", ser_id_, ")"));
  }
  return buf.Release();
}

absl::Status NetData::SerialiseTo(BufMut& out) const {
  switch (kind()) {
    case Kind::kEmpty:
      return absl::FailedPreconditionError("NetData::SerialiseTo: the data is empty");
    case Kind::kBoxed: {
      const serialisation_internal::BoxedValue* b = box();
      absl::Status s = RunSerialiser(*b, out);
      if (s.ok()) s = out.status();
      if (!s.ok()) {
        return ::kompact::Annotate(
            s, absl::StrCat("serialising boxed ", AsAbsl(b->type_name()), " (SerId ", ser_id_, ")"));
      }
      return absl::OkStatus();
    }
    case Kind::kBytes:
    case Kind::kChunkRef:
      for (size_t i = 0; i < segment_count(); ++i) out.PutBytes(segment(i));
      return out.status();
  }
  return absl::InternalError("NetData: unknown kind");
}

absl::Status NetData::TrySerialise() {
  switch (kind()) {
    case Kind::kEmpty:
      return absl::FailedPreconditionError("NetData::TrySerialise: the data is empty");
    case Kind::kBoxed: {
      KOMPACT_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, SerialiseBox());
      data_ = std::move(bytes);
      return absl::OkStatus();
    }
    case Kind::kBytes:
    case Kind::kChunkRef:
      return absl::OkStatus();
  }
  return absl::InternalError("NetData: unknown kind");
}

absl::Status NetData::TrySerialise(EncodeBuffer& buffer) {
  switch (kind()) {
    case Kind::kEmpty:
      return absl::FailedPreconditionError("NetData::TrySerialise: the data is empty");
    case Kind::kBoxed: {
      const serialisation_internal::BoxedValue* b = box();
      EncodeBuffer::Encoder enc = buffer.Begin(b->SizeHint());
      absl::Status s = RunSerialiser(*b, enc);
      absl::StatusOr<ChunkLease> lease = enc.Finish();
      if (s.ok()) s = lease.status();
      if (!s.ok()) {
        return ::kompact::Annotate(
            s, absl::StrCat("serialising boxed ", AsAbsl(b->type_name()), " (SerId ", ser_id_, ")"));
      }
      data_ = std::move(*lease).Freeze();
      return absl::OkStatus();
    }
    case Kind::kBytes:
    case Kind::kChunkRef:
      return absl::OkStatus();
  }
  return absl::InternalError("NetData: unknown kind");
}

absl::StatusOr<Buf> NetData::Reader() const {
  switch (kind()) {
    case Kind::kEmpty:
      return absl::FailedPreconditionError("NetData::Reader: the data is empty");
    case Kind::kBoxed:
      return absl::FailedPreconditionError(absl::StrCat("NetData::Reader: the data is a boxed ",
                                                        AsAbsl(box()->type_name()), ", not serialised"));
    case Kind::kBytes:
      return Buf(std::span<const uint8_t>(std::get<std::vector<uint8_t>>(data_)));
    case Kind::kChunkRef:
      return std::get<ChunkRef>(data_).Reader();
  }
  return absl::InternalError("NetData: unknown kind");
}

size_t NetData::segment_count() const {
  switch (kind()) {
    case Kind::kBytes:
      return std::get<std::vector<uint8_t>>(data_).empty() ? 0 : 1;
    case Kind::kChunkRef:
      return std::get<ChunkRef>(data_).segment_count();
    default:
      return 0;
  }
}

std::span<const uint8_t> NetData::segment(size_t i) const {
  CHECK_LT(i, segment_count()) << "NetData::segment out of range";
  if (kind() == Kind::kBytes) return std::get<std::vector<uint8_t>>(data_);
  return std::get<ChunkRef>(data_).segment(i);
}

size_t NetData::serialised_size() const {
  switch (kind()) {
    case Kind::kBytes:
      return std::get<std::vector<uint8_t>>(data_).size();
    case Kind::kChunkRef:
      return std::get<ChunkRef>(data_).size();
    default:
      return 0;
  }
}

absl::StatusOr<NetData> NetData::TryClone() const {
  switch (kind()) {
    case Kind::kEmpty:
      return NetData();
    case Kind::kBoxed: {
      if (Boxed copy = box()->CloneIfCopyable()) return NetData(ser_id_, std::move(copy));
      KOMPACT_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, SerialiseBox());
      return NetData(ser_id_, std::move(bytes));
    }
    case Kind::kBytes:
      return NetData(ser_id_, std::get<std::vector<uint8_t>>(data_));
    case Kind::kChunkRef:
      return NetData(ser_id_, std::get<ChunkRef>(data_));
  }
  return absl::InternalError("NetData: unknown kind");
}

}  // namespace kompact
