// Why a connection was refused before it carried a session (issue 16: TLS, limits
// for untrusted peers), carried inside an absl::Status from the code that refuses
// (the TLS stream, the connection's handshake, the core's accept limits) to the one
// place that counts, logs and indicates it (NetworkCore::OnClosed → ConnectionRefused
// on the status port).
//
// A refusal status has the canonical code that fits the reason (kUnauthenticated,
// kDeadlineExceeded, kResourceExhausted, kFailedPrecondition, kInvalidArgument,
// kPermissionDenied or kUnavailable), the human-readable detail as its message, and
// the reason as a payload under kRefusalPayloadUrl, so RefusalOf() recovers it
// whatever wraps the status on its way.
//
// Thread-safety: pure functions and value types.
#ifndef KOMPACT_NET_REFUSAL_H_
#define KOMPACT_NET_REFUSAL_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace kompact::net {

// Why a connection was refused. The wire order is not fixed (never serialised);
// names below (RefusalReasonName) are what logs and docs show.
enum class RefusalReason : uint8_t {
  kNotTls,                  // "not-tls": a TLS server read something that is not TLS
  kTlsToPlaintext,          // "tls-to-plaintext": a plaintext server read a TLS record
  kPlaintextServer,         // "plaintext-server": a TLS client was answered in plaintext
  kAlpnMismatch,            // "alpn-mismatch": the TLS peer does not speak kompact/1
  kTlsError,                // "tls-error": the TLS handshake failed otherwise
  kUntrustedCertificate,    // "untrusted-certificate": no chain to the CA bundle
  kCertificateExpired,      // "certificate-expired": outside its validity period
  kNoCertificate,           // "no-certificate": the peer sent no certificate
  kIdentityNotAllowed,      // "identity-not-allowed": not on the allow-list
  kPinMismatch,             // "pin-mismatch": the system's pinned identity differs
  kHandshakeTimeout,        // "handshake-timeout": no handshake within the timeout
  kHandshakeFrameTooLarge,  // "handshake-frame-too-large": above the handshake frame limit
  kPendingLimit,            // "pending-limit": too many connections not yet established
  kRefusedByPeer,           // "refused-by-peer": the peer refused us (alert or Error frame)
};

// The number of RefusalReason values.
inline constexpr int kRefusalReasonCount = static_cast<int>(RefusalReason::kRefusedByPeer) + 1;

// The payload type URL that carries the reason byte in a refusal status.
inline constexpr std::string_view kRefusalPayloadUrl = "kompact.net/refusal";

// The reason's kebab-case name ("untrusted-certificate"), as logs and docs show it.
std::string_view RefusalReasonName(RefusalReason reason);

// A status for a refusal: the code that fits `reason`, `detail` as its message, and
// the reason as payload. `detail` says what happened in words ("the peer speaks TLS
// but kompact.net.tls.enabled is false on this system").
absl::Status RefusalError(RefusalReason reason, std::string_view detail);

// The reason a status carries, if it is a refusal (made by RefusalError, also after
// being wrapped with absl::Status::SetPayload-preserving annotations).
std::optional<RefusalReason> RefusalOf(const absl::Status& status);

}  // namespace kompact::net

#endif  // KOMPACT_NET_REFUSAL_H_
