// Tests of IdentityPattern: parsing (each kind, each error) and matching.
#include "net/identity_pattern.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact::net {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

PeerIdentity Identity() {
  PeerIdentity id;
  id.subject = "CN=node-a,O=kompact";
  id.common_name = "node-a";
  id.alt_names = {"DNS:Node-A.Nodes.Example", "URI:spiffe://kompact/node-a", "IP:127.0.0.1"};
  id.sha256_fingerprint = std::string(62, 'a') + "bc";
  return id;
}

bool Matches(const std::string& pattern, const PeerIdentity& id = Identity()) {
  absl::StatusOr<IdentityPattern> p = IdentityPattern::Parse(pattern);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() && p->Matches(id);
}

TEST(IdentityPatternTest, CommonNameMatchesExactly) {
  EXPECT_TRUE(Matches("CN=node-a"));
  EXPECT_FALSE(Matches("CN=node-b"));
  EXPECT_FALSE(Matches("CN=Node-a"));
  EXPECT_FALSE(Matches("CN=node"));
}

TEST(IdentityPatternTest, DnsMatchesCaseInsensitively) {
  EXPECT_TRUE(Matches("DNS:node-a.nodes.example"));
  EXPECT_FALSE(Matches("DNS:node-b.nodes.example"));
}

TEST(IdentityPatternTest, DnsWildcardMatchesExactlyOneLabel) {
  EXPECT_TRUE(Matches("DNS:*.nodes.example"));
  EXPECT_TRUE(Matches("DNS:*.NODES.example"));
  PeerIdentity deep = Identity();
  deep.alt_names = {"DNS:x.node-a.nodes.example"};
  EXPECT_FALSE(Matches("DNS:*.nodes.example", deep));  // two labels in front
  PeerIdentity bare = Identity();
  bare.alt_names = {"DNS:nodes.example"};
  EXPECT_FALSE(Matches("DNS:*.nodes.example", bare));  // zero labels in front
}

TEST(IdentityPatternTest, DnsDoesNotLookAtTheCommonName) {
  PeerIdentity id = Identity();
  id.alt_names.clear();
  id.common_name = "node-a.nodes.example";
  EXPECT_FALSE(Matches("DNS:node-a.nodes.example", id));
}

TEST(IdentityPatternTest, UriAndIpMatchTheirSanKindOnly) {
  EXPECT_TRUE(Matches("URI:spiffe://kompact/node-a"));
  EXPECT_FALSE(Matches("URI:spiffe://kompact/node-b"));
  EXPECT_TRUE(Matches("IP:127.0.0.1"));
  EXPECT_FALSE(Matches("IP:127.0.0.2"));
  EXPECT_FALSE(Matches("URI:127.0.0.1"));
}

TEST(IdentityPatternTest, Sha256IgnoresCaseAndColons) {
  std::string colons;
  const std::string fp = Identity().sha256_fingerprint;
  for (size_t i = 0; i < fp.size(); i += 2) colons += (i ? ":" : "") + fp.substr(i, 2);
  EXPECT_TRUE(Matches("SHA256:" + colons));
  EXPECT_TRUE(Matches("SHA256:" + std::string(62, 'A') + "BC"));
  EXPECT_FALSE(Matches("SHA256:" + std::string(64, 'a')));
}

TEST(IdentityPatternTest, BadPatternsSayWhatIsWrong) {
  EXPECT_THAT(
      IdentityPattern::Parse("node-a"),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("\"node-a\""), HasSubstr("prefix"))));
  EXPECT_THAT(IdentityPattern::Parse("CN="),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nothing after")));
  EXPECT_THAT(IdentityPattern::Parse("DNS:a.*.example"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("wildcard")));
  EXPECT_THAT(IdentityPattern::Parse("DNS:*"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("wildcard")));
  EXPECT_THAT(IdentityPattern::Parse("DNS:*.example"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("single label")));
  EXPECT_THAT(IdentityPattern::Parse("DNS:bad host"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a DNS name")));
  EXPECT_THAT(IdentityPattern::Parse("DNS:a..b"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(IdentityPattern::Parse("CN=*"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("wildcard")));
  EXPECT_THAT(IdentityPattern::Parse("SHA256:abc"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 hex digits")));
  EXPECT_THAT(IdentityPattern::Parse("SHA256:" + std::string(64, 'g')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 hex digits")));
}

TEST(IdentityPatternTest, EmptyListAdmitsAnyoneElseOneMustMatch) {
  EXPECT_TRUE(MatchesAny({}, Identity()));
  std::vector<IdentityPattern> list = {*IdentityPattern::Parse("CN=other"),
                                       *IdentityPattern::Parse("CN=node-a")};
  EXPECT_TRUE(MatchesAny(list, Identity()));
  list.pop_back();
  EXPECT_FALSE(MatchesAny(list, Identity()));
}

TEST(IdentityPatternTest, NoCommonNameNeverMatchesCn) {
  PeerIdentity id;
  EXPECT_FALSE(Matches("CN=x", id));
}

}  // namespace
}  // namespace kompact::net
