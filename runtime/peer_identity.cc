// PeerIdentity: see peer_identity.h.
#include "runtime/peer_identity.h"

namespace kompact {

std::string PeerIdentity::ToString() const {
  std::string out = subject.empty() ? std::string("(no subject)") : subject;
  if (!alt_names.empty()) {
    out += " [";
    for (size_t i = 0; i < alt_names.size(); ++i) {
      if (i > 0) out += ", ";
      out += alt_names[i];
    }
    out += "]";
  }
  if (!sha256_fingerprint.empty()) {
    out += " sha256:";
    out += sha256_fingerprint.substr(0, 16);
    if (sha256_fingerprint.size() > 16) out += "…";
  }
  return out;
}

}  // namespace kompact
