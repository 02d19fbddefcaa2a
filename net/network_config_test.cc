// Tests of NetworkConfig: validation of every setting and the kompact.net.* keys.
#include "net/network_config.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact::net {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

absl::StatusOr<NetworkConfig> FromToml(const std::string& toml) {
  absl::StatusOr<Config> config = ConfigBuilder().AddString(toml, "test").Build();
  if (!config.ok()) return config.status();
  return NetworkConfig::FromConfig(*config);
}

TEST(NetworkConfigTest, DefaultsAreValid) { EXPECT_OK(NetworkConfig().Validate()); }

TEST(NetworkConfigTest, HeartbeatTimeoutNotAboveIntervalIsInvalid) {
  NetworkConfig c;
  c.heartbeat_interval = absl::Seconds(2);
  c.heartbeat_timeout = absl::Seconds(2);
  EXPECT_THAT(c.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.heartbeat-timeout")));
  c.heartbeat_timeout = absl::Seconds(1);
  EXPECT_THAT(c.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.heartbeat-timeout")));
  // Without heartbeats the timeout is not compared.
  c.heartbeat_interval = absl::ZeroDuration();
  EXPECT_OK(c.Validate());
}

TEST(NetworkConfigTest, TinyMaxFrameSizeIsInvalid) {
  NetworkConfig c;
  c.max_frame_size = 10;
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     AllOf(HasSubstr("kompact.net.max-frame-size"), HasSubstr("10"))));
}

TEST(NetworkConfigTest, BindAddressThatIsNoIpIsInvalid) {
  NetworkConfig c;
  c.bind_address = "nope";
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     AllOf(HasSubstr("kompact.net.bind-address"), HasSubstr("nope"))));
}

TEST(NetworkConfigTest, AnyAddressNeedsAnAdvertisedAddress) {
  for (const char* any : {"0.0.0.0", "::"}) {
    NetworkConfig c;
    c.bind_address = any;
    EXPECT_THAT(c.Validate(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.advertised-address")))
        << any;
    c.advertised_address = "10.1.2.3";
    EXPECT_OK(c.Validate()) << any;
  }
}

TEST(NetworkConfigTest, AdvertisedAddressThatIsNoIpIsInvalid) {
  NetworkConfig c;
  c.advertised_address = "example.com";
  EXPECT_THAT(c.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.advertised-address"), HasSubstr("example.com"))));
}

TEST(NetworkConfigTest, ZeroMaxQueuedMessagesIsInvalid) {
  NetworkConfig c;
  c.max_queued_messages = 0;
  EXPECT_THAT(c.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.max-queued-messages")));
}

TEST(NetworkConfigTest, TinyChunkSizeIsInvalid) {
  NetworkConfig c;
  c.buffers.chunk_size = 10;
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     AllOf(HasSubstr("kompact.net.buffers"), HasSubstr("chunk_size (10)"))));
}

TEST(NetworkConfigTest, LocalTransportIsInvalid) {
  NetworkConfig c;
  c.transport = kompact::Transport::kLocal;
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.transport")));
}

TEST(NetworkConfigTest, RetryIntervalOutOfRangeIsInvalid) {
  NetworkConfig c;
  c.retry_interval = absl::ZeroDuration();
  EXPECT_THAT(c.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.retry-interval")));
}

TEST(NetworkConfigTest, EveryProblemIsReportedAtOnce) {
  NetworkConfig c;
  c.max_frame_size = 10;
  c.bind_address = "nope";
  c.max_queued_messages = 0;
  EXPECT_THAT(c.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.max-frame-size"), HasSubstr("kompact.net.bind-address"),
                             HasSubstr("kompact.net.max-queued-messages"))));
}

constexpr char kEveryKey[] = R"toml(
[kompact.net]
bind-address = "0.0.0.0"
advertised-address = "10.1.2.3"
advertised-port = 7100
port = 7000
transport = "udp"
tcp-nodelay = false
spin-before-block = "20us"
retry-interval = "250ms"
max-retry-attempts = 3
heartbeat-interval = "2s"
heartbeat-timeout = "9s"
handshake-timeout = "3s"
shutdown-timeout = "7s"
max-frame-size = 65536
max-handshake-frame-size = 2048
max-queued-messages = 500
soft-connection-limit = 20
hard-connection-limit = 30
max-pending-connections = 24
max-pending-connections-per-ip = 6
blocked-systems = ["tcp://127.0.0.9:7000"]
blocked-ips = ["127.0.0.8", "::2"]
blocked-ip-nets = ["127.0.1.0/24"]
allowed-systems = ["tcp://127.0.1.5:7000"]
remote-implicit-routes = true

[kompact.net.inbound-rate-limit]
messages-per-second = 1000
bytes-per-second = 1000000

[kompact.net.buffers]
chunk-size = 4096
initial-chunk-count = 4
max-chunk-count = 64
)toml";

// A file at `path` that starts like PEM (TlsConfig checks that much; OpenSSL reads
// it in net/tls).
std::string WritePemLike(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(path) << "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
  return path;
}

// The [kompact.net.tls] part of the every-key TOML, with PEM paths that exist.
std::string EveryTlsKey() {
  return absl::StrCat(R"toml(
[kompact.net.tls]
enabled = true
certificate-chain = ")toml",
                      WritePemLike("chain.pem"), R"toml("
private-key = ")toml",
                      WritePemLike("key.pem"), R"toml("
ca-bundle = ")toml",
                      WritePemLike("ca.pem"), R"toml("
allowed-identities = ["DNS:*.nodes.example", "CN=admin"]
pinned-identities = ["tcp://10.0.0.2:7000 = CN=node-b"]
min-version = "1.2"
cipher-suites = "TLS_AES_256_GCM_SHA384"
require-client-certificate = false
plaintext-udp = true
)toml");
}

TEST(NetworkConfigTest, FromConfigReadsEveryKey) {
  // The TOML above sets every declared key (a new key must be added here too).
  ASSERT_OK_AND_ASSIGN(Config config,
                       ConfigBuilder().AddString(std::string(kEveryKey) + EveryTlsKey(), "test").Build());
  for (const ConfigEntryRef& entry : NetworkConfigEntries()) {
    EXPECT_TRUE(config.Contains(entry.key())) << entry.key() << " is not set by the test";
  }
  ASSERT_OK_AND_ASSIGN(NetworkConfig c, NetworkConfig::FromConfig(config));
  EXPECT_EQ(c.bind_address, "0.0.0.0");
  EXPECT_EQ(c.advertised_address, "10.1.2.3");
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.advertised_port, 7100);
  EXPECT_EQ(c.transport, kompact::Transport::kUdp);
  EXPECT_FALSE(c.tcp_nodelay);
  EXPECT_TRUE(c.remote_implicit_routes);
  EXPECT_EQ(c.spin_before_block, absl::Microseconds(20));
  EXPECT_EQ(c.retry_interval, absl::Milliseconds(250));
  EXPECT_EQ(c.max_retry_attempts, 3u);
  EXPECT_EQ(c.heartbeat_interval, absl::Seconds(2));
  EXPECT_EQ(c.heartbeat_timeout, absl::Seconds(9));
  EXPECT_EQ(c.handshake_timeout, absl::Seconds(3));
  EXPECT_EQ(c.shutdown_timeout, absl::Seconds(7));
  EXPECT_EQ(c.max_frame_size, 65536u);
  EXPECT_EQ(c.max_queued_messages, 500u);
  EXPECT_EQ(c.buffers.chunk_size, 4096u);
  EXPECT_EQ(c.buffers.initial_chunk_count, 4u);
  EXPECT_EQ(c.buffers.max_chunk_count, 64u);
  EXPECT_EQ(c.soft_connection_limit, 20u);
  EXPECT_EQ(c.hard_connection_limit, 30u);
  EXPECT_EQ(c.max_handshake_frame_size, 2048u);
  EXPECT_EQ(c.max_pending_connections, 24u);
  EXPECT_EQ(c.max_pending_connections_per_ip, 6u);
  EXPECT_EQ(c.inbound_messages_per_second, 1000u);
  EXPECT_EQ(c.inbound_bytes_per_second, 1000000u);
  EXPECT_EQ(c.blocked_systems, std::vector<std::string>{"tcp://127.0.0.9:7000"});
  EXPECT_EQ(c.blocked_ips, (std::vector<std::string>{"127.0.0.8", "::2"}));
  EXPECT_EQ(c.blocked_ip_nets, std::vector<std::string>{"127.0.1.0/24"});
  EXPECT_EQ(c.allowed_systems, std::vector<std::string>{"tcp://127.0.1.5:7000"});
  EXPECT_TRUE(c.tls.enabled);
  EXPECT_THAT(c.tls.certificate_chain, HasSubstr("chain.pem"));
  EXPECT_THAT(c.tls.private_key, HasSubstr("key.pem"));
  EXPECT_THAT(c.tls.ca_bundle, HasSubstr("ca.pem"));
  EXPECT_EQ(c.tls.allowed_identities, (std::vector<std::string>{"DNS:*.nodes.example", "CN=admin"}));
  EXPECT_EQ(c.tls.pinned_identities, std::vector<std::string>{"tcp://10.0.0.2:7000 = CN=node-b"});
  EXPECT_EQ(c.tls.min_version, "1.2");
  EXPECT_EQ(c.tls.cipher_suites, "TLS_AES_256_GCM_SHA384");
  EXPECT_FALSE(c.tls.require_client_certificate);
  EXPECT_TRUE(c.tls.plaintext_udp);
  ASSERT_OK_AND_ASSIGN(std::vector<TlsPin> pins, c.tls.Pins());
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].system, *SystemPath::Parse("tcp://10.0.0.2:7000"));
  EXPECT_EQ(pins[0].pattern.text(), "CN=node-b");
  ASSERT_OK_AND_ASSIGN(IpAddress advertised, c.AdvertisedIp());
  EXPECT_EQ(advertised, IpAddress::V4(10, 1, 2, 3));
  // The rules they make.
  ASSERT_OK_AND_ASSIGN(BlockList blocks, c.InitialBlockList());
  auto system = [](std::string_view text) { return *SystemPath::Parse(text); };
  EXPECT_TRUE(blocks.IsBlocked(system("tcp://127.0.0.9:7000")));
  EXPECT_FALSE(blocks.IsBlocked(system("tcp://127.0.0.9:7001")));
  EXPECT_TRUE(blocks.IsBlocked(system("tcp://127.0.0.8:1")));
  EXPECT_TRUE(blocks.IsBlocked(system("tcp://[::2]:1")));
  EXPECT_TRUE(blocks.IsBlocked(system("tcp://127.0.1.77:1")));
  EXPECT_FALSE(blocks.IsBlocked(system("tcp://127.0.1.5:7000")));
}

TEST(NetworkConfigTest, InvalidBlockRulesAndLimitsNameTheKeyAndTheEntry) {
  EXPECT_THAT(
      FromToml("[kompact.net]\nblocked-ip-nets = [\"10.0.0.1/8\"]\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("kompact.net.blocked-ip-nets"),
                                                         HasSubstr("10.0.0.1/8"), HasSubstr("host bits"))));
  EXPECT_THAT(FromToml("[kompact.net]\nblocked-ips = [\"300.1.1.1\"]\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.blocked-ips"), HasSubstr("300.1.1.1"))));
  EXPECT_THAT(FromToml("[kompact.net]\nblocked-systems = [\"127.0.0.1\"]\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.blocked-systems"), HasSubstr("127.0.0.1"))));
  EXPECT_THAT(FromToml("[kompact.net]\nsoft-connection-limit = 50\nhard-connection-limit = 10\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.soft-connection-limit")));
}

TEST(NetworkConfigTest, TheHandshakeFrameLimitIsAtMostTheFrameLimit) {
  EXPECT_THAT(FromToml("[kompact.net]\nmax-frame-size = 4096\nmax-handshake-frame-size = 8192\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.max-handshake-frame-size = 8192"),
                             HasSubstr("kompact.net.max-frame-size (4096)"))));
  EXPECT_THAT(
      FromToml("[kompact.net]\nmax-handshake-frame-size = 10\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.max-handshake-frame-size")));
  NetworkConfig c;
  c.max_handshake_frame_size = 32;
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("kompact.net.max-handshake-frame-size = 32")));
}

TEST(NetworkConfigTest, PendingConnectionLimitsAreValidatedAgainstTheOtherLimits) {
  // Above the hard limit.
  EXPECT_THAT(FromToml("[kompact.net]\nsoft-connection-limit = 10\nhard-connection-limit = 20\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.max-pending-connections = 128"),
                             HasSubstr("kompact.net.hard-connection-limit (20)"))));
  // Per IP above the total.
  EXPECT_THAT(
      FromToml("[kompact.net]\nmax-pending-connections = 8\nmax-pending-connections-per-ip = 9\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("kompact.net.max-pending-connections-per-ip = 9"),
                     HasSubstr("kompact.net.max-pending-connections (8)"))));
  // More than half of the receive chunks.
  EXPECT_THAT(
      FromToml("[kompact.net]\nmax-pending-connections = 40\n[kompact.net.buffers]\nmax-chunk-count = 64\n")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("kompact.net.max-pending-connections = 40"),
                     HasSubstr("half of kompact.net.buffers.max-chunk-count (64)"))));
  EXPECT_THAT(FromToml("[kompact.net]\nmax-pending-connections = 0\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.max-pending-connections")));
  // Within every bound.
  EXPECT_OK(FromToml("[kompact.net]\nsoft-connection-limit = 10\nhard-connection-limit = 20\n"
                     "max-pending-connections = 20\nmax-pending-connections-per-ip = 20\n")
                .status());
}

TEST(NetworkConfigTest, TheInboundRateLimitIsOptInAndRangeChecked) {
  ASSERT_OK_AND_ASSIGN(NetworkConfig c,
                       FromToml("[kompact.net.inbound-rate-limit]\nmessages-per-second = 50\n"));
  EXPECT_EQ(c.inbound_messages_per_second, 50u);
  EXPECT_EQ(c.inbound_bytes_per_second, 0u);
  EXPECT_THAT(FromToml("[kompact.net.inbound-rate-limit]\nbytes-per-second = -1\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kompact.net.inbound-rate-limit.bytes-per-second")));
}

TEST(NetworkConfigTest, FromConfigRejectsAnUnknownKeyNamingIt) {
  EXPECT_THAT(FromToml("[kompact.net]\nprot = 1\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.prot")));
}

TEST(NetworkConfigTest, FromConfigRejectsOutOfRangeValuesNamingTheKey) {
  EXPECT_THAT(FromToml("[kompact.net]\nport = 70000\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.port")));
  EXPECT_THAT(FromToml("[kompact.net]\ntransport = \"local\"\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.transport")));
}

TEST(NetworkConfigTest, FromConfigValidatesTheCombination) {
  EXPECT_THAT(FromToml("[kompact.net]\nheartbeat-interval = \"5s\"\nheartbeat-timeout = \"5s\"\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.heartbeat-timeout")));
  EXPECT_THAT(FromToml("[kompact.net]\nbind-address = \"0.0.0.0\"\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.advertised-address")));
}

TEST(NetworkConfigTest, EmptyConfigGivesTheStructDefaults) {
  ASSERT_OK_AND_ASSIGN(NetworkConfig c, NetworkConfig::FromConfig(Config()));
  const NetworkConfig d;
  EXPECT_EQ(c.bind_address, d.bind_address);
  EXPECT_EQ(c.port, d.port);
  EXPECT_EQ(c.advertised_address, d.advertised_address);
  EXPECT_EQ(c.transport, d.transport);
  EXPECT_EQ(c.tcp_nodelay, d.tcp_nodelay);
  EXPECT_EQ(c.spin_before_block, d.spin_before_block);
  EXPECT_EQ(c.retry_interval, d.retry_interval);
  EXPECT_EQ(c.max_retry_attempts, d.max_retry_attempts);
  EXPECT_EQ(c.heartbeat_interval, d.heartbeat_interval);
  EXPECT_EQ(c.heartbeat_timeout, d.heartbeat_timeout);
  EXPECT_EQ(c.handshake_timeout, d.handshake_timeout);
  EXPECT_EQ(c.shutdown_timeout, d.shutdown_timeout);
  EXPECT_EQ(c.buffers.chunk_size, d.buffers.chunk_size);
  EXPECT_EQ(c.buffers.initial_chunk_count, d.buffers.initial_chunk_count);
  EXPECT_EQ(c.buffers.max_chunk_count, d.buffers.max_chunk_count);
  EXPECT_EQ(c.buffers.encode_buf_min_free_space, d.buffers.encode_buf_min_free_space);
  EXPECT_EQ(c.max_frame_size, d.max_frame_size);
  EXPECT_EQ(c.max_queued_messages, d.max_queued_messages);
  EXPECT_EQ(c.remote_implicit_routes, d.remote_implicit_routes);
  EXPECT_EQ(c.max_handshake_frame_size, d.max_handshake_frame_size);
  EXPECT_EQ(c.max_pending_connections, d.max_pending_connections);
  EXPECT_EQ(c.max_pending_connections_per_ip, d.max_pending_connections_per_ip);
  EXPECT_EQ(c.inbound_messages_per_second, 0u) << "the inbound rate limit is off by default";
  EXPECT_EQ(c.inbound_bytes_per_second, 0u);
  EXPECT_FALSE(d.remote_implicit_routes) << "remote markers need an explicit policy by default";
  EXPECT_EQ(c.tls.enabled, d.tls.enabled);
  EXPECT_FALSE(d.tls.enabled) << "TLS is off unless configured";
  EXPECT_EQ(c.tls.min_version, "1.3");
  EXPECT_EQ(c.tls.cipher_suites, d.tls.cipher_suites);
  EXPECT_TRUE(c.tls.require_client_certificate);
  EXPECT_FALSE(c.tls.plaintext_udp);
}

TEST(NetworkConfigTest, TlsPemFilesMustExistWhenEnabled) {
  const std::string missing =
      absl::StrCat(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp", "/no-such-file.pem");
  EXPECT_THAT(
      FromToml(absl::StrCat("[kompact.net.tls]\nenabled = true\ncertificate-chain = \"", missing,
                            "\"\nprivate-key = \"", WritePemLike("k.pem"), "\"\nca-bundle = \"",
                            WritePemLike("c.pem"), "\"\n"))
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("kompact.net.tls.certificate-chain"),
                                                         HasSubstr(missing), HasSubstr("cannot open"))));
  EXPECT_THAT(
      FromToml("[kompact.net.tls]\nenabled = true\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("kompact.net.tls.private-key is not set"),
                                                         HasSubstr("kompact.net.tls.ca-bundle is not set"))));
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string not_pem = std::string(dir != nullptr ? dir : "/tmp") + "/not.pem";
  std::ofstream(not_pem) << "hello";
  EXPECT_THAT(
      FromToml(absl::StrCat("[kompact.net.tls]\nenabled = true\ncertificate-chain = \"", not_pem,
                            "\"\nprivate-key = \"", WritePemLike("k.pem"), "\"\nca-bundle = \"",
                            WritePemLike("c.pem"), "\"\n"))
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr(not_pem), HasSubstr("not a PEM"))));
  // Disabled: the paths are not looked at.
  EXPECT_OK(FromToml(absl::StrCat("[kompact.net.tls]\ncertificate-chain = \"", missing, "\"\n")).status());
}

TEST(NetworkConfigTest, TlsBadPatternsAndVersionsNameTheKeyAndTheText) {
  EXPECT_THAT(FromToml("[kompact.net.tls]\nallowed-identities = [\"DNS:a.*.b\"]\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.tls.allowed-identities"), HasSubstr("DNS:a.*.b"))));
  EXPECT_THAT(
      FromToml("[kompact.net.tls]\npinned-identities = [\"tcp://10.0.0.2:7000\"]\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("kompact.net.tls.pinned-identities"), HasSubstr("SYSTEM_PATH = PATTERN"))));
  EXPECT_THAT(FromToml("[kompact.net.tls]\npinned-identities = [\"nowhere = CN=x\"]\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.tls.pinned-identities"), HasSubstr("nowhere"))));
  EXPECT_THAT(
      FromToml("[kompact.net.tls]\npinned-identities = [\"tcp://10.0.0.2:7000 = node-b\"]\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("kompact.net.tls.pinned-identities"), HasSubstr("prefix"))));
  EXPECT_THAT(FromToml("[kompact.net.tls]\nmin-version = \"1.1\"\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.tls.min-version")));
  EXPECT_THAT(FromToml("[kompact.net.tls]\nenabeld = true\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kompact.net.tls.enabeld")));
}

}  // namespace
}  // namespace kompact::net
