// The identity in a peer's X.509 certificate (runtime/peer_identity.h), read with
// OpenSSL: subject (RFC 2253), common name, subject alternative names (DNS, URI,
// IP, email) and the SHA-256 fingerprint of the DER encoding.
//
// Thread-safety: pure functions.
#ifndef KOMPACT_NET_TLS_TLS_IDENTITY_H_
#define KOMPACT_NET_TLS_TLS_IDENTITY_H_

#include "runtime/peer_identity.h"

// OpenSSL's certificate type (its own typedef, repeated).
typedef struct x509_st X509;  // NOLINT: OpenSSL's own typedef, repeated

namespace kompact::net {

// The identity `cert` states (not verified here: the handshake verifies the chain).
PeerIdentity IdentityOf(X509* cert);

}  // namespace kompact::net

#endif  // KOMPACT_NET_TLS_TLS_IDENTITY_H_
