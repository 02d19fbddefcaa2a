// Tests of PeerIdentity's log form.
#include "runtime/peer_identity.h"

#include "gtest/gtest.h"

namespace kompact {
namespace {

TEST(PeerIdentityTest, ToStringShowsSubjectAltNamesAndShortFingerprint) {
  PeerIdentity id;
  id.subject = "CN=node-a,O=kompact";
  id.common_name = "node-a";
  id.alt_names = {"DNS:node-a.example", "IP:127.0.0.1"};
  id.sha256_fingerprint = std::string(64, 'a');
  EXPECT_EQ(id.ToString(), "CN=node-a,O=kompact [DNS:node-a.example, IP:127.0.0.1] sha256:aaaaaaaaaaaaaaaa…");
}

TEST(PeerIdentityTest, ToStringOfAnEmptyIdentitySaysSo) {
  EXPECT_EQ(PeerIdentity().ToString(), "(no subject)");
}

TEST(PeerIdentityTest, EqualityComparesEveryField) {
  PeerIdentity a;
  a.subject = "CN=x";
  PeerIdentity b = a;
  EXPECT_EQ(a, b);
  b.sha256_fingerprint = "00";
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kompact
