// Refusal statuses: see refusal.h.
#include "net/refusal.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace kompact::net {
namespace {

absl::StatusCode CodeFor(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kNotTls:
    case RefusalReason::kTlsToPlaintext:
    case RefusalReason::kPlaintextServer:
    case RefusalReason::kAlpnMismatch:
      return absl::StatusCode::kFailedPrecondition;
    case RefusalReason::kTlsError:
    case RefusalReason::kRefusedByPeer:
      return absl::StatusCode::kUnavailable;
    case RefusalReason::kUntrustedCertificate:
    case RefusalReason::kCertificateExpired:
    case RefusalReason::kNoCertificate:
      return absl::StatusCode::kUnauthenticated;
    case RefusalReason::kIdentityNotAllowed:
    case RefusalReason::kPinMismatch:
      return absl::StatusCode::kPermissionDenied;
    case RefusalReason::kHandshakeTimeout:
      return absl::StatusCode::kDeadlineExceeded;
    case RefusalReason::kHandshakeFrameTooLarge:
      return absl::StatusCode::kInvalidArgument;
    case RefusalReason::kPendingLimit:
      return absl::StatusCode::kResourceExhausted;
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace

std::string_view RefusalReasonName(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kNotTls:
      return "not-tls";
    case RefusalReason::kTlsToPlaintext:
      return "tls-to-plaintext";
    case RefusalReason::kPlaintextServer:
      return "plaintext-server";
    case RefusalReason::kAlpnMismatch:
      return "alpn-mismatch";
    case RefusalReason::kTlsError:
      return "tls-error";
    case RefusalReason::kUntrustedCertificate:
      return "untrusted-certificate";
    case RefusalReason::kCertificateExpired:
      return "certificate-expired";
    case RefusalReason::kNoCertificate:
      return "no-certificate";
    case RefusalReason::kIdentityNotAllowed:
      return "identity-not-allowed";
    case RefusalReason::kPinMismatch:
      return "pin-mismatch";
    case RefusalReason::kHandshakeTimeout:
      return "handshake-timeout";
    case RefusalReason::kHandshakeFrameTooLarge:
      return "handshake-frame-too-large";
    case RefusalReason::kPendingLimit:
      return "pending-limit";
    case RefusalReason::kRefusedByPeer:
      return "refused-by-peer";
  }
  return "unknown";
}

absl::Status RefusalError(RefusalReason reason, std::string_view detail) {
  absl::Status status(CodeFor(reason), absl::string_view(detail.data(), detail.size()));
  const char byte = static_cast<char>(reason);
  status.SetPayload(absl::string_view(kRefusalPayloadUrl.data(), kRefusalPayloadUrl.size()),
                    absl::Cord(absl::string_view(&byte, 1)));
  return status;
}

std::optional<RefusalReason> RefusalOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  const auto payload =
      status.GetPayload(absl::string_view(kRefusalPayloadUrl.data(), kRefusalPayloadUrl.size()));
  if (!payload.has_value() || payload->size() != 1) return std::nullopt;
  const auto value = static_cast<uint8_t>(std::string(*payload)[0]);
  if (value >= kRefusalReasonCount) return std::nullopt;
  return static_cast<RefusalReason>(value);
}

}  // namespace kompact::net
