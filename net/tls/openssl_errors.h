// TakeOpenSslErrors: the text of the OpenSSL errors queued on this thread, for the
// statuses net/tls returns (OpenSSL reports why a call failed in a per-thread queue).
//
// Thread-safety: reads and clears the calling thread's queue only.
#ifndef KOMPACT_NET_TLS_OPENSSL_ERRORS_H_
#define KOMPACT_NET_TLS_OPENSSL_ERRORS_H_

#include <string>

namespace kompact::net {

// The queued errors joined with "; " (empty if none), and the queue cleared.
std::string TakeOpenSslErrors();

}  // namespace kompact::net

#endif  // KOMPACT_NET_TLS_OPENSSL_ERRORS_H_
