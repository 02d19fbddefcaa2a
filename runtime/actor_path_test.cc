// Actor path grammar, printing, hashing and serialisers (FEATURES.md P1, S3), and
// path APIs on a system without a dispatcher (this test does not link //routing).
#include "runtime/actor_path.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/dispatcher.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/net_message.h"
#include "runtime/network_actor.h"
#include "serialisation/serialisable.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;

TEST(ActorPathGrammar, ValidPathsRoundTrip) {
  const std::vector<std::string> valid = {
      "local://127.0.0.1:0",
      "tcp://1.2.3.4:8080",
      "udp://10.0.0.255:65535",
      "tcp://[::1]:8080",
      "tcp://[2001:db8::1]:1/a",
      "tcp://1.2.3.4:8080/a",
      "tcp://1.2.3.4:8080/a/b/c",
      "tcp://1.2.3.4:8080/servers/*",
      "tcp://1.2.3.4:8080/servers/?",
      "tcp://1.2.3.4:8080/*",
      "local://127.0.0.1:0/with spaces/and:colons/and-dashes_1",
      "tcp://1.2.3.4:8080#1e555f40-de1d-4aee-8202-64fdc27edfa8",
      "udp://[::ffff:1.2.3.4]:7#00000000-0000-0000-0000-000000000000",
  };
  for (const std::string& text : valid) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(ActorPath path, ActorPath::Parse(text));
    EXPECT_EQ(path.ToString(), text);
    ASSERT_OK_AND_ASSIGN(ActorPath again, ActorPath::Parse(path.ToString()));
    EXPECT_EQ(again, path);
    EXPECT_EQ(again.StableHash(), path.StableHash());
  }
}

TEST(ActorPathGrammar, InvalidPathsSayWhereAndWhy) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> invalid = {
      {"1.2.3.4:8080/a", "missing \"://\""},
      {"http://1.2.3.4:8080/a", "unknown transport \"http\" (expected local, tcp or udp)"},
      {"tcp://1.2.3.4/a", "missing ':<port>'"},
      {"tcp://1.2.3.4:/a", "port \"\" is not a number"},
      {"tcp://1.2.3.4:80x/a", "port \"80x\" is not a number"},
      {"tcp://1.2.3.4:65536", "port 65536 is out of range"},
      {"tcp://1.2.3.400:1", "\"1.2.3.400\" is not an IPv4 address"},
      {"tcp://::1:80", "IPv6 address must be written in brackets"},
      {"tcp://[::1:80", "without closing ']'"},
      {"tcp://[::g]:80", "\"::g\" is not an IPv6 address"},
      {"tcp://:80", "missing address"},
      {"tcp://1.2.3.4:80/", "segment 0 (\"\") is empty"},
      {"tcp://1.2.3.4:80/a//b", "segment 1 (\"\") is empty"},
      {"tcp://1.2.3.4:80/a/b/", "segment 2 (\"\") is empty"},
      {"tcp://1.2.3.4:80/*/b", "segment 0 (\"*\") is a routing marker, allowed only as the last segment"},
      {"tcp://1.2.3.4:80/a/?/b", "segment 1 (\"?\") is a routing marker, allowed only as the last segment"},
      {"tcp://1.2.3.4:80/a*b", "segment 0 (\"a*b\") contains '*'; a routing marker must be a whole segment"},
      {"tcp://1.2.3.4:80/a/b?", "segment 1 (\"b?\") contains '?'"},
      {"tcp://1.2.3.4:80/a/b#c", "segment 1 (\"b#c\") contains '#'"},
      {"tcp://1.2.3.4:08080/a", "port \"08080\" has a leading zero (write 8080)"},
      {"tcp://1.2.3.4:00", "port \"00\" has a leading zero (write 0)"},
      {"tcp://1.2.3.4:80/a\n", "segment 0 (\"a\\n\") contains the control character 0x0a"},
      {"tcp://1.2.3.4:80/a/b\tc", "segment 1 (\"b\\tc\") contains the control character 0x09"},
      {"tcp://1.2.3.4:80/a\x7f", "contains the control character 0x7f"},
      {std::string("tcp://1.2.3.4:80/a\0b", 20), "contains the control character 0x00"},
      {"tcp://1.2.3.4:80/ a", "segment 0 (\" a\") begins with a space"},
      {"tcp://1.2.3.4:80/a/b ", "segment 1 (\"b \") ends with a space"},
      {"tcp://1.2.3.4:80/ ", "begins with a space"},
      {"tcp://1.2.3.4:80#not-a-uuid", "the id after '#' is not a UUID"},
      {"tcp://1.2.3.4:80#1e555f40-de1d-4aee-8202-64fdc27edfa8/x", "the id after '#' is not a UUID"},
  };
  for (const Case& c : invalid) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<ActorPath> path = ActorPath::Parse(c.text);
    EXPECT_THAT(path, StatusIs(absl::StatusCode::kInvalidArgument, c.message));
    if (!path.ok() && c.text.find_first_of(std::string("\n\t\x7f\0", 4)) == std::string::npos) {
      EXPECT_NE(std::string(path.status().message()).find(c.text), std::string::npos);
    }
  }
}

TEST(ActorPathGrammar, InsertPathsRejectMarkersAndEmptyPaths) {
  EXPECT_OK(ValidateInsertPath(SplitPath("a/b-c/d e")));
  EXPECT_THAT(
      ValidateInsertPath(SplitPath("a/*")),
      StatusIs(absl::StatusCode::kInvalidArgument, "segment 1 (\"*\") is a routing marker; markers may be"));
  EXPECT_THAT(ValidateInsertPath(SplitPath("?")),
              StatusIs(absl::StatusCode::kInvalidArgument, "routing marker"));
  EXPECT_THAT(ValidateInsertPath({}), StatusIs(absl::StatusCode::kInvalidArgument, "empty path"));
  EXPECT_THAT(ValidateInsertPath(SplitPath("a#b")),
              StatusIs(absl::StatusCode::kInvalidArgument, "contains '#'"));
  EXPECT_THAT(ValidateLookupPath(std::vector<std::string>{"a/b"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "segment 0 (\"a/b\") contains '/'"));
  EXPECT_OK(ValidateLookupPath(SplitPath("a/*")));
  // The same grammar for built paths and registrations as for parsed ones.
  EXPECT_THAT(ValidateInsertPath(SplitPath("a/b\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, "contains the control character 0x0a"));
  EXPECT_THAT(ValidateInsertPath(SplitPath("a /b")),
              StatusIs(absl::StatusCode::kInvalidArgument, "ends with a space"));
  EXPECT_THAT(SystemPath().Named("servers/\tx"),
              StatusIs(absl::StatusCode::kInvalidArgument, "control character"));
  EXPECT_OK(ValidateInsertPath(SplitPath("inner space/caf\xc3\xa9")));  // UTF-8 is fine
}

TEST(ActorPathGrammar, EveryAcceptedPortPrintsBackAsWritten) {
  for (const char* port : {"0", "1", "80", "8080", "65535"}) {
    const std::string text = absl::StrCat("tcp://1.2.3.4:", port, "/a");
    ASSERT_OK_AND_ASSIGN(ActorPath path, ActorPath::Parse(text));
    EXPECT_EQ(path.ToString(), text);
  }
  for (const char* port : {"00", "01", "08080", "0080"}) {
    EXPECT_THAT(ActorPath::Parse(absl::StrCat("tcp://1.2.3.4:", port, "/a")),
                StatusIs(absl::StatusCode::kInvalidArgument, "leading zero"))
        << port;
  }
}

TEST(SystemPath, ParsesPrintsAndBuildsPaths) {
  ASSERT_OK_AND_ASSIGN(SystemPath sys, SystemPath::Parse("udp://[::1]:9000"));
  EXPECT_EQ(sys.transport(), Transport::kUdp);
  EXPECT_FALSE(sys.address().is_v4());
  EXPECT_EQ(sys.port(), 9000);
  EXPECT_EQ(sys.ToString(), "udp://[::1]:9000");
  EXPECT_THAT(SystemPath::Parse("tcp://1.2.3.4:80/a"),
              StatusIs(absl::StatusCode::kInvalidArgument, "after the port"));
  EXPECT_EQ(SystemPath().ToString(), "local://127.0.0.1:0");

  ASSERT_OK_AND_ASSIGN(ActorPath named, sys.Named("group/?"));
  EXPECT_EQ(named.ToString(), "udp://[::1]:9000/group/?");
  EXPECT_EQ(named.routing_marker(), '?');
  EXPECT_THAT(sys.Named("a//b"), StatusIs(absl::StatusCode::kInvalidArgument, "segment 1"));
  const Uuid id = Uuid::Random();
  EXPECT_EQ(sys.Unique(id).ToString(), "udp://[::1]:9000#" + id.ToString());
  EXPECT_TRUE(sys.DeadLetters().is_dead_letter_path());
  EXPECT_EQ(sys.DeadLetters().ToString(), "udp://[::1]:9000");
}

TEST(IpAddress, RejectsEmptyAndOverlongText) {
  // A default std::string_view has a null data(): found by the system_path fuzzer under UBSan.
  EXPECT_THAT(IpAddress::Parse(std::string_view()), StatusIs(absl::StatusCode::kInvalidArgument, "IPv4"));
  EXPECT_THAT(IpAddress::Parse(""), StatusIs(absl::StatusCode::kInvalidArgument, "IPv4"));
  EXPECT_THAT(IpAddress::Parse(std::string(80, '1')),
              StatusIs(absl::StatusCode::kInvalidArgument, "too long"));
  ASSERT_OK_AND_ASSIGN(IpAddress ip, IpAddress::Parse("10.0.0.1"));
  EXPECT_EQ(ip.ToString(), "10.0.0.1");
}

TEST(ActorPath, AppendAndTransport) {
  ASSERT_OK_AND_ASSIGN(ActorPath base, ActorPath::Parse("local://127.0.0.1:0/a"));
  ASSERT_OK_AND_ASSIGN(ActorPath child, base.Append("b/c"));
  EXPECT_EQ(child.ToString(), "local://127.0.0.1:0/a/b/c");
  ASSERT_OK_AND_ASSIGN(ActorPath all, child.Append("*"));
  EXPECT_EQ(all.routing_marker(), '*');
  EXPECT_THAT(all.Append("d"),
              StatusIs(absl::StatusCode::kInvalidArgument, "allowed only as the last segment"));
  EXPECT_THAT(SystemPath().Unique(Uuid::Random()).Append("x"),
              StatusIs(absl::StatusCode::kInvalidArgument, "only named paths have children"));
  EXPECT_EQ(child.WithTransport(Transport::kTcp).ToString(), "tcp://127.0.0.1:0/a/b/c");
  // Appending does not change the original (paths are values that share segments).
  EXPECT_EQ(base.ToString(), "local://127.0.0.1:0/a");
}

TEST(ActorPath, EqualityOrderAndHashes) {
  ASSERT_OK_AND_ASSIGN(ActorPath a, ActorPath::Parse("tcp://1.2.3.4:1/x/y"));
  ASSERT_OK_AND_ASSIGN(ActorPath b, ActorPath::Parse("tcp://1.2.3.4:1/x/y"));
  ASSERT_OK_AND_ASSIGN(ActorPath c, ActorPath::Parse("tcp://1.2.3.4:1/x/z"));
  ASSERT_OK_AND_ASSIGN(ActorPath d, ActorPath::Parse("tcp://1.2.3.4:2/x/y"));
  const ActorPath u = ActorPath::Unique(a.system(), Uuid(1, 2));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  EXPECT_EQ(a.StableHash(), b.StableHash());
  EXPECT_NE(a.StableHash(), c.StableHash());
  EXPECT_NE(a.StableHash(), d.StableHash());
  EXPECT_LT(u, a);  // unique before named
  EXPECT_LT(a, c);
  std::set<ActorPath> set = {c, a, b, u};
  EXPECT_EQ(set.size(), 3u);
  // Stable across processes, runs and builds: pinned values (a change breaks peers
  // that route by them).
  EXPECT_EQ(PathSegmentHash("abc"), 2091643460378925270ULL);
  EXPECT_EQ(PathSegmentHash("abc"), StableHashBytes("abc"));
  EXPECT_EQ(a.StableHash(), 11108200092400408728ULL);  // tcp://1.2.3.4:1/x/y
  EXPECT_EQ(c.StableHash(), 18191473302750372646ULL);  // tcp://1.2.3.4:1/x/z
  EXPECT_EQ(d.StableHash(), 5995001184851551525ULL);   // tcp://1.2.3.4:2/x/y
  EXPECT_EQ(u.StableHash(), 14978683093626872744ULL);  // a's system, Uuid(1, 2)
}

TEST(ActorPath, TypedViews) {
  const Uuid id = Uuid::Random();
  const ActorPath unique = SystemPath().Unique(id);
  ASSERT_OK_AND_ASSIGN(UniquePath u, UniquePath::From(unique));
  EXPECT_EQ(u.id(), id);
  EXPECT_EQ(ActorPath(u), unique);
  EXPECT_THAT(NamedPath::From(unique), StatusIs(absl::StatusCode::kInvalidArgument, "is a unique path"));
  ASSERT_OK_AND_ASSIGN(ActorPath named, SystemPath().Named("a/b"));
  ASSERT_OK_AND_ASSIGN(NamedPath n, NamedPath::From(named));
  EXPECT_EQ(n.segments().size(), 2u);
  EXPECT_THAT(UniquePath::From(named), StatusIs(absl::StatusCode::kInvalidArgument, "is a named path"));
}

template <typename T>
void ExpectSerialisationRoundTrip(const T& value) {
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bytes, SerialiseToBytes(value));
  EXPECT_LE(bytes.size(), DefaultSerialiser<T>::SizeHint(value) + 8);
  ASSERT_OK_AND_ASSIGN(T back, DeserialiseBytes<T>(bytes));
  EXPECT_EQ(back, value);
}

TEST(PathSerialisers, RoundTripWithReservedIds) {
  EXPECT_EQ(DefaultSerialiser<SystemPath>::kSerId, ser_ids::kSystemPath);
  EXPECT_EQ(DefaultSerialiser<ActorPath>::kSerId, ser_ids::kActorPath);
  EXPECT_EQ(DefaultSerialiser<UniquePath>::kSerId, ser_ids::kUniquePath);
  EXPECT_EQ(DefaultSerialiser<NamedPath>::kSerId, ser_ids::kNamedPath);
  for (const char* text :
       {"tcp://1.2.3.4:8080/a/b", "udp://[2001:db8::7]:9/x", "local://127.0.0.1:0",
        "tcp://1.2.3.4:8080#1e555f40-de1d-4aee-8202-64fdc27edfa8", "tcp://1.2.3.4:1/g/*"}) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(ActorPath path, ActorPath::Parse(text));
    ExpectSerialisationRoundTrip(path);
    ExpectSerialisationRoundTrip(path.system());
    if (path.is_unique()) {
      ExpectSerialisationRoundTrip(*UniquePath::From(path));
    } else {
      ExpectSerialisationRoundTrip(*NamedPath::From(path));
    }
  }
  // A vector of paths (bootstrapping's UpdateProcesses) through NetData.
  ASSERT_OK_AND_ASSIGN(ActorPath p, ActorPath::Parse("tcp://1.2.3.4:1/x"));
  ASSERT_OK_AND_ASSIGN(NetData data, NetData::Serialise(p));
  EXPECT_EQ(data.ser_id(), ser_ids::kActorPath);
  EXPECT_THAT(data.TryDeserialise<ActorPath>(), ::kompact::testing::IsOkAndHolds(p));
}

TEST(PathSerialisers, CorruptBytesAreErrorsNotCrashes) {
  ASSERT_OK_AND_ASSIGN(ActorPath path, ActorPath::Parse("tcp://1.2.3.4:8080/a/b"));
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bytes, SerialiseToBytes(path));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(DeserialiseBytes<ActorPath>(truncated).ok()) << "cut at " << cut;
  }
  std::vector<uint8_t> bad_kind = bytes;
  bad_kind[0] = 7;
  EXPECT_THAT(DeserialiseBytes<ActorPath>(bad_kind),
              StatusIs(absl::StatusCode::kDataLoss, "ActorPath kind 7"));
  std::vector<uint8_t> bad_transport = bytes;
  bad_transport[1] = 9;
  EXPECT_THAT(DeserialiseBytes<ActorPath>(bad_transport),
              StatusIs(absl::StatusCode::kDataLoss, "transport 9"));
  // A segment with '/' is not a valid path.
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> slash, SerialiseToBytes(path));
  slash[slash.size() - 1] = '/';  // last byte: the "b" of the last segment
  EXPECT_THAT(DeserialiseBytes<ActorPath>(slash), StatusIs(absl::StatusCode::kDataLoss, "contains '/'"));
}

// ---- a system without a dispatcher (//routing is not linked here) --------------------------

class Receiver : public ComponentDefinition<Receiver> {
 public:
  HandlerResult ReceiveNetwork(NetMessage) { return Handled::kOk; }
};

TEST(NoDispatcher, PathApisFailWithAClearError) {
  ASSERT_EQ(GetDefaultDispatcherFactory(), nullptr) << "this test must not link //routing";
  ASSERT_OK_AND_ASSIGN(KompactSystem system, KompactConfig().Threads(1).Build());
  Component<Receiver> c = system.Create<Receiver>();
  EXPECT_THAT(system.Register(c).Wait(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "no dispatcher: depend on @kompact//routing or @kompact//:kompact"));
  EXPECT_THAT(system.RegisterByAlias(c, "a").Wait(),
              StatusIs(absl::StatusCode::kFailedPrecondition, "no dispatcher"));
  EXPECT_THAT(system.Deregister(system.DeadletterPath()).Wait(),
              StatusIs(absl::StatusCode::kFailedPrecondition, "no dispatcher"));
  // Paths are still values; sending is a dead letter.
  EXPECT_EQ(system.SystemPath().ToString(), "local://127.0.0.1:0");
  EXPECT_EQ(system.ActorPathFor(c), system.SystemPath().Unique(c.id()));
  const uint64_t before = system.dead_letters();
  system.ActorPathFor(c).Tell(std::string("hello"), system);
  EXPECT_EQ(system.dead_letters(), before + 1);
  EXPECT_OK(system.Shutdown());
}

TEST(NoDispatcher, ACustomDispatcherFactoryIsUsedAndItsErrorsFailBuild) {
  absl::StatusOr<KompactSystem> failed =
      KompactConfig()
          .Threads(1)
          .SetDispatcher([](const DispatcherContext&) -> absl::StatusOr<std::unique_ptr<Dispatcher>> {
            return absl::InvalidArgumentError("key 'kompact.dispatch.x' is wrong");
          })
          .Build();
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kInvalidArgument, "kompact.dispatch.x"));
}

}  // namespace
}  // namespace kompact
