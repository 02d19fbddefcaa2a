// IdentityPattern: one entry of kompact.net.tls.allowed-identities or of a pinned
// identity, matched against a verified peer's certificate (runtime/peer_identity.h).
//
//   CN=node-a             the subject's common name, exactly (case-sensitive)
//   DNS:node-a.example    a DNS subject alternative name (case-insensitive); a
//   DNS:*.nodes.example   leading "*." matches exactly one more leftmost label
//   URI:spiffe://kompact/node-a   a URI subject alternative name, exactly
//   IP:10.0.0.2           an IP subject alternative name, exactly
//   SHA256:ab12…          the certificate's SHA-256 fingerprint (64 hex digits,
//                         colons allowed, case-insensitive)
//
// Thread-safety: a value type; Matches is const.
#ifndef KOMPACT_NET_IDENTITY_PATTERN_H_
#define KOMPACT_NET_IDENTITY_PATTERN_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "runtime/peer_identity.h"

namespace kompact::net {

// One identity pattern (see the file comment).
class IdentityPattern {
 public:
  // What the pattern looks at.
  enum class Kind { kCommonName, kDns, kUri, kIp, kSha256 };

  // kInvalidArgument quoting `text` and saying what is wrong (unknown prefix, empty
  // value, a wildcard anywhere but a leading "*.", a fingerprint that is not 64 hex
  // digits).
  [[nodiscard]] static absl::StatusOr<IdentityPattern> Parse(std::string_view text);

  // Whether `identity` has what the pattern names.
  bool Matches(const PeerIdentity& identity) const;

  // What the pattern looks at.
  Kind kind() const { return kind_; }
  // The pattern as written (for logs and errors).
  const std::string& text() const { return text_; }

 private:
  IdentityPattern(Kind kind, std::string text, std::string value)
      : kind_(kind), text_(std::move(text)), value_(std::move(value)) {}

  Kind kind_;
  std::string text_;
  std::string value_;  // normalised: lower-case for DNS and SHA256 (colons removed)
};

// Whether `identity` matches any of `patterns`; true when there are none (an empty
// allow-list admits every certificate the CA bundle verifies).
bool MatchesAny(std::span<const IdentityPattern> patterns, const PeerIdentity& identity);

}  // namespace kompact::net

#endif  // KOMPACT_NET_IDENTITY_PATTERN_H_
