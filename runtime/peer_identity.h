// PeerIdentity: who the other end of an authenticated connection is, as its
// certificate says (subject, subject alternative names, fingerprint). Produced by
// the TLS stream (net/tls) after a verified handshake; shown in logs and in the
// network status port. A plaintext connection has none.
//
// Kept in its own target (//runtime:peer_identity) so that carrying it next to a
// network message later does not pull OpenSSL or the network layer into runtime.
//
// Thread-safety: a value type (copy freely; const access from any thread).
#ifndef KOMPACT_RUNTIME_PEER_IDENTITY_H_
#define KOMPACT_RUNTIME_PEER_IDENTITY_H_

#include <string>
#include <vector>

namespace kompact {

// The authenticated identity of a peer (see the file comment).
struct PeerIdentity {
  // The certificate subject as an RFC 2253 distinguished name ("CN=node-a,O=kompact").
  std::string subject;
  // The subject's common name (the CN attribute; empty if it has none).
  std::string common_name;
  // The subject alternative names, each with its kind prefix, in certificate order:
  // "DNS:node-a.example", "URI:spiffe://kompact/node-a", "IP:127.0.0.1".
  std::vector<std::string> alt_names;
  // The SHA-256 of the DER certificate, lower-case hex (64 characters).
  std::string sha256_fingerprint;

  // "CN=node-a,O=kompact [DNS:node-a.example, IP:127.0.0.1] sha256:ab12…" (the
  // fingerprint's first 16 hex digits), for logs.
  std::string ToString() const;

  // Field by field.
  friend bool operator==(const PeerIdentity&, const PeerIdentity&) = default;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_PEER_IDENTITY_H_
