// IpNet parsing and matching, and the BlockList precedence (net/block_list.h):
// allowed systems beat IP rules, blocked systems beat IP rules, the longest
// matching IP rule wins whatever the order of the requests.
#include "net/block_list.h"

#include <string_view>

#include "gtest/gtest.h"
#include "net/ip_net.h"
#include "testing/status_matchers.h"

namespace kompact::net {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::HasSubstr;

IpAddress Ip(std::string_view text) { return *IpAddress::Parse(text); }
IpNet Net(std::string_view text) { return *IpNet::Parse(text); }
SystemPath Sys(std::string_view text) { return *SystemPath::Parse(text); }

TEST(IpNetTest, ParsesV4AndV6NetworksAndBareAddresses) {
  EXPECT_EQ(Net("10.0.0.0/8").ToString(), "10.0.0.0/8");
  EXPECT_EQ(Net("10.1.2.3").ToString(), "10.1.2.3/32");
  EXPECT_EQ(Net("::1").ToString(), "::1/128");
  EXPECT_EQ(Net("fd00::/8").ToString(), "fd00::/8");
  EXPECT_EQ(Net("0.0.0.0/0").ToString(), "0.0.0.0/0");
  EXPECT_EQ(Net("127.0.0.0/31").prefix_length(), 31u);
}

TEST(IpNetTest, RejectsMalformedNetworksNamingTheText) {
  for (std::string_view bad : {"10.0.0.1/8", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x",
                               "10.0.0.0/-1", "10.0.0.0/8/8", "nope/8", "", "fd00::1/8", "10.0.0.0/0008"}) {
    EXPECT_THAT(IpNet::Parse(bad).status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(bad)))
        << bad;
  }
  EXPECT_THAT(IpNet::Parse("10.0.0.1/8").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("host bits")));
}

TEST(IpNetTest, ContainsMatchesThePrefixBitsOnlyAndNeverAcrossFamilies) {
  const IpNet net = Net("127.0.0.0/30");
  EXPECT_TRUE(net.Contains(Ip("127.0.0.0")));
  EXPECT_TRUE(net.Contains(Ip("127.0.0.3")));
  EXPECT_FALSE(net.Contains(Ip("127.0.0.4")));
  EXPECT_TRUE(Net("0.0.0.0/0").Contains(Ip("8.8.8.8")));
  EXPECT_FALSE(Net("0.0.0.0/0").Contains(Ip("::1")));
  EXPECT_TRUE(Net("fd00::/8").Contains(Ip("fd12::5")));
  EXPECT_FALSE(Net("fd00::/8").Contains(Ip("fe00::5")));
  EXPECT_TRUE(Net("::1").Contains(Ip("::1")));
  EXPECT_FALSE(Net("::1").Contains(Ip("::2")));
}

TEST(BlockListTest, EmptyBlocksNothing) {
  BlockList list;
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.2:80")));
  EXPECT_FALSE(list.IsIpBlocked(Ip("127.0.0.2")));
}

TEST(BlockListTest, ASystemRuleNamesOneAddressAndPortAnyTransport) {
  BlockList list;
  EXPECT_TRUE(list.BlockSystem(Sys("tcp://127.0.0.2:80")));
  EXPECT_FALSE(list.BlockSystem(Sys("udp://127.0.0.2:80"))) << "the same system: unchanged";
  EXPECT_TRUE(list.IsBlocked(Sys("tcp://127.0.0.2:80")));
  EXPECT_TRUE(list.IsBlocked(Sys("udp://127.0.0.2:80")));
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.2:81")));
  EXPECT_FALSE(list.IsIpBlocked(Ip("127.0.0.2"))) << "a system rule cannot refuse a socket before its Hello";
  EXPECT_TRUE(list.AllowSystem(Sys("tcp://127.0.0.2:80")));
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.2:80")));
}

TEST(BlockListTest, AnAllowedSystemWinsOverABlockedNetworkContainingIt) {
  BlockList list;
  list.AllowSystem(Sys("tcp://127.0.0.2:80"));
  list.BlockNet(Net("127.0.0.0/8"));
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.2:80")));
  EXPECT_TRUE(list.IsBlocked(Sys("tcp://127.0.0.2:81"))) << "another system on the same IP";
  EXPECT_FALSE(list.IsIpBlocked(Ip("127.0.0.2"))) << "the allowed system may connect from its IP";
  EXPECT_TRUE(list.IsIpBlocked(Ip("127.0.0.3")));
  // A claimed allowed address lifts the socket's IP block only for that system.
  EXPECT_FALSE(list.IsBlockedConnection(Sys("tcp://127.0.0.2:80"), Ip("127.0.0.2")));
  EXPECT_TRUE(list.IsBlockedConnection(Sys("tcp://10.0.0.1:80"), Ip("127.0.0.3")))
      << "a system on an unblocked address connecting from a blocked IP";
  // Only BlockSystem undoes AllowSystem.
  list.BlockSystem(Sys("tcp://127.0.0.2:80"));
  EXPECT_TRUE(list.IsBlocked(Sys("tcp://127.0.0.2:80")));
}

TEST(BlockListTest, TheLongestMatchingIpRuleWinsInEitherOrder) {
  for (bool supernet_first : {true, false}) {
    BlockList list;
    if (supernet_first) {
      list.BlockNet(Net("127.0.0.0/30"));
      list.AllowNet(Net("127.0.0.2/31"));
    } else {
      list.AllowNet(Net("127.0.0.2/31"));
      list.BlockNet(Net("127.0.0.0/30"));
    }
    EXPECT_TRUE(list.IsBlocked(Sys("tcp://127.0.0.1:1"))) << supernet_first;
    EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.2:1"))) << supernet_first;
    EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.3:1"))) << supernet_first;
    EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.4:1"))) << supernet_first;
  }
  // A blocked host inside an allowed net.
  BlockList list;
  list.AllowNet(Net("127.0.0.0/8"));
  list.BlockNet(Net("127.0.0.9"));
  EXPECT_TRUE(list.IsBlocked(Sys("tcp://127.0.0.9:1")));
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.8:1")));
}

TEST(BlockListTest, AllowingTheSameNetworkReplacesItsBlockAndChangesTheVersion) {
  BlockList list;
  const uint64_t v0 = list.version();
  EXPECT_TRUE(list.BlockNet(Net("127.0.0.2")));
  EXPECT_NE(list.version(), v0);
  EXPECT_TRUE(list.IsBlocked(Sys("tcp://127.0.0.2:5")));
  EXPECT_FALSE(list.BlockNet(Net("127.0.0.2"))) << "unchanged";
  const uint64_t v1 = list.version();
  EXPECT_TRUE(list.AllowNet(Net("127.0.0.2")));
  EXPECT_NE(list.version(), v1);
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.2:5")));
  EXPECT_FALSE(list.IsIpBlocked(Ip("127.0.0.2")));
}

TEST(BlockListTest, V6RulesApplyToV6SystemsOnly) {
  BlockList list;
  list.BlockNet(Net("::/0"));
  EXPECT_TRUE(list.IsBlocked(Sys("tcp://[::1]:80")));
  EXPECT_FALSE(list.IsBlocked(Sys("tcp://127.0.0.1:80")));
}

}  // namespace
}  // namespace kompact::net
