// Tests of TlsStream over in-memory streams (net/testing/memory_stream.h): mutual
// authentication, bytes both ways (large payloads, many parts, back-pressure), and
// every refusal with its reason (RefusalOf) on the side that refuses.
#include "net/tls/tls_stream.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/refusal.h"
#include "net/testing/memory_stream.h"
#include "net/tls/tls_context.h"
#include "testing/status_matchers.h"
#include "testing/tls/test_pki.h"

namespace kompact::net {
namespace {

using ::kompact::testing::TestCert;
using ::kompact::testing::TestPki;
using ::testing::AllOf;
using ::testing::HasSubstr;

const Endpoint kClientEp{IpAddress::V4(127, 0, 0, 1), 40000};
const Endpoint kServerEp{IpAddress::V4(127, 0, 0, 2), 7000};

// Records what a stream tells its handler; reads everything it can.
class Recorder : public StreamHandler {
 public:
  Stream* stream = nullptr;
  std::optional<absl::Status> connected;
  std::string received;
  absl::Status read_status;  // the first error Read returned
  int writable = 0;

  void OnConnected(absl::Status status) override { connected = std::move(status); }
  void OnReadable() override {
    if (stream == nullptr || !read_status.ok()) return;
    for (int i = 0; i < 100'000; ++i) {
      uint8_t buf[3000];
      absl::StatusOr<size_t> n = stream->Read(buf);
      if (!n.ok()) {
        read_status = n.status();
        return;
      }
      if (*n == 0) return;
      received.append(reinterpret_cast<const char*>(buf), *n);
    }
  }
  void OnWritable() override { ++writable; }
  void OnFault(std::string_view what) override { ADD_FAILURE() << "fault: " << what; }
};

class TlsStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = TestPki::Create(kompact::testing::TestTmpDir("tls_stream_pki")).value().release();
    auto issue = [](const char* name, const kompact::testing::TestCertSpec& spec) {
      return new TestCert(pki_->Issue(name, spec).value());
    };
    server_cert_ = issue("server", {.common_name = "server", .dns_names = {"server.nodes.test"}});
    client_cert_ = issue(
        "client",
        {.common_name = "client", .dns_names = {"client.nodes.test"}, .uris = {"spiffe://kompact/client"}});
    other_cert_ = issue("other", {.common_name = "other", .dns_names = {"x.elsewhere.test"}});
    expired_cert_ = issue("expired", {.common_name = "client",
                                      .dns_names = {"client.nodes.test"},
                                      .not_before = -absl::Hours(48),
                                      .not_after = -absl::Hours(24)});
    stranger_cert_ = issue(
        "stranger", {.common_name = "client", .dns_names = {"client.nodes.test"}, .from_unknown_ca = true});
  }

  static std::shared_ptr<const TlsContext> Context(const TestCert& cert,
                                                   std::vector<std::string> allowed = {}) {
    TlsConfig tls = pki_->ConfigFor(cert);
    tls.allowed_identities = std::move(allowed);
    return TlsContext::Create(tls, Logger()).value();
  }

  // Starts a TLS client (`client_ctx`) over the memory pair's dialled side.
  void StartClient(std::shared_ptr<const TlsContext> client_ctx) {
    absl::StatusOr<std::unique_ptr<TlsStream>> c =
        TlsStream::Client(std::move(client_ctx), &client_h_, [&](StreamHandler* inner_handler) {
          return absl::StatusOr<std::unique_ptr<Stream>>(mem_.TakeClient(inner_handler));
        });
    ASSERT_OK(c.status());
    client_ = *std::move(c);
    client_h_.stream = client_.get();
  }
  // Starts a TLS server (`server_ctx`) over the memory pair's accepted side.
  void StartServer(std::shared_ptr<const TlsContext> server_ctx) {
    absl::StatusOr<std::unique_ptr<TlsStream>> s =
        TlsStream::Accept(std::move(server_ctx), mem_.TakeServer());
    ASSERT_OK(s.status());
    server_ = *std::move(s);
    server_->SetHandler(&server_h_);
    server_h_.stream = server_.get();
  }
  // Both, and the handshake run to its end.
  void Connect(std::shared_ptr<const TlsContext> client_ctx, std::shared_ptr<const TlsContext> server_ctx) {
    StartClient(std::move(client_ctx));
    StartServer(std::move(server_ctx));
    ASSERT_TRUE(mem_.Pump());
  }

  // Writes all of `parts` to `stream`, pumping while it pushes back.
  void WriteAll(Stream& stream, std::vector<iovec> parts) {
    size_t first = 0;
    for (int round = 0; first < parts.size() && round < 100'000; ++round) {
      absl::StatusOr<size_t> n = stream.Write(std::span<const iovec>(parts).subspan(first));
      ASSERT_OK(n.status());
      size_t left = *n;
      while (first < parts.size() && left >= parts[first].iov_len) left -= parts[first++].iov_len;
      if (first < parts.size() && left > 0) {
        parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
        parts[first].iov_len -= left;
      }
      if (first < parts.size()) mem_.Pump();
    }
    ASSERT_EQ(first, parts.size()) << "could not write everything";
    mem_.Pump();
  }

  static TestPki* pki_;
  static TestCert* server_cert_;
  static TestCert* client_cert_;
  static TestCert* other_cert_;
  static TestCert* expired_cert_;
  static TestCert* stranger_cert_;

  testing::MemoryStreamPair mem_{kClientEp, kServerEp};
  Recorder client_h_;
  Recorder server_h_;
  std::unique_ptr<TlsStream> client_;
  std::unique_ptr<TlsStream> server_;
};

TestPki* TlsStreamTest::pki_ = nullptr;
TestCert* TlsStreamTest::server_cert_ = nullptr;
TestCert* TlsStreamTest::client_cert_ = nullptr;
TestCert* TlsStreamTest::other_cert_ = nullptr;
TestCert* TlsStreamTest::expired_cert_ = nullptr;
TestCert* TlsStreamTest::stranger_cert_ = nullptr;

std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

TEST_F(TlsStreamTest, MutualAuthenticationSucceedsAndBytesFlowBothWays) {
  Connect(Context(*client_cert_, {"DNS:*.nodes.test"}),
          Context(*server_cert_, {"URI:spiffe://kompact/client"}));
  ASSERT_TRUE(client_h_.connected.has_value());
  ASSERT_OK(*client_h_.connected);
  ASSERT_TRUE(client_->established());
  ASSERT_TRUE(server_->established());
  ASSERT_NE(client_->peer_identity(), nullptr);
  ASSERT_NE(server_->peer_identity(), nullptr);
  EXPECT_EQ(client_->peer_identity()->common_name, "server");
  EXPECT_EQ(server_->peer_identity()->common_name, "client");
  EXPECT_THAT(server_->peer_identity()->alt_names, ::testing::Contains("URI:spiffe://kompact/client"));
  EXPECT_EQ(server_->peer_identity()->sha256_fingerprint.size(), 64u);
  EXPECT_THAT(client_->security(), HasSubstr("TLSv1.3"));
  EXPECT_THAT(server_->security(), HasSubstr("peer certificate verified"));

  const std::string hello = "hello from the client";
  WriteAll(*client_, {iovec{const_cast<char*>(hello.data()), hello.size()}});
  EXPECT_EQ(server_h_.received, hello);
  const std::string reply = "and back";
  WriteAll(*server_, {iovec{const_cast<char*>(reply.data()), reply.size()}});
  EXPECT_EQ(client_h_.received, reply);
  // What travelled is not the plaintext.
  EXPECT_GT(mem_.bytes_to_server(), hello.size());
}

TEST_F(TlsStreamTest, LargePayloadsInManyPartsArriveIntactWithFewInnerWrites) {
  Connect(Context(*client_cert_), Context(*server_cert_));
  ASSERT_TRUE(client_->established());
  // 2000 parts of 1 B to 8 KiB (about 8 MiB), then a 3 MiB part; and the same back.
  std::vector<std::string> chunks;
  for (uint32_t i = 0; i < 2000; ++i) chunks.push_back(Pattern(1 + (i * 7919) % 8192, i));
  chunks.push_back(Pattern(3 << 20, 99));
  std::string expected;
  std::vector<iovec> parts;
  for (std::string& c : chunks) {
    expected += c;
    parts.push_back(iovec{c.data(), c.size()});
  }
  const uint64_t writes_before = mem_.client_writes();
  WriteAll(*client_, parts);
  ASSERT_EQ(server_h_.received.size(), expected.size());
  EXPECT_TRUE(server_h_.received == expected);
  // Gathered into records and flushed per Write call, not per part.
  EXPECT_LT(mem_.client_writes() - writes_before, chunks.size() / 4);
  WriteAll(*server_, parts);
  ASSERT_EQ(client_h_.received.size(), expected.size());
  EXPECT_TRUE(client_h_.received == expected);
  EXPECT_OK(server_h_.read_status);
  EXPECT_OK(client_h_.read_status);
}

TEST_F(TlsStreamTest, BackPressureBoundsTheCiphertextAndOnWritableFollows) {
  Connect(Context(*client_cert_), Context(*server_cert_));
  ASSERT_TRUE(client_->established());
  // Nobody reads on the server side for now: its handler has no stream.
  server_h_.stream = nullptr;
  std::string big = Pattern(8 << 20, 5);
  size_t sent = 0;
  for (int i = 0; i < 1000 && sent < big.size(); ++i) {
    const iovec part{big.data() + sent, big.size() - sent};
    absl::StatusOr<size_t> n = client_->Write(std::span<const iovec>(&part, 1));
    ASSERT_OK(n.status());
    if (*n == 0) break;
    sent += *n;
  }
  EXPECT_LT(sent, big.size()) << "a reader that does not read must push back";
  EXPECT_LE(client_->pending_ciphertext(), TlsStream::kMaxPendingCiphertext + 64 * 1024);
  const int writable_before = client_h_.writable;
  server_h_.stream = server_.get();
  server_h_.OnReadable();
  mem_.Pump();
  EXPECT_GT(client_h_.writable, writable_before);
  EXPECT_EQ(server_h_.received, big.substr(0, sent));
}

TEST_F(TlsStreamTest, ShutdownWriteIsEndOfStreamAndIdleBuffersCanBeReleased) {
  Connect(Context(*client_cert_), Context(*server_cert_));
  client_->ReleaseIdleBuffers();
  server_->ReleaseIdleBuffers();
  const std::string text = "after release";
  WriteAll(*client_, {iovec{const_cast<char*>(text.data()), text.size()}});
  EXPECT_EQ(server_h_.received, text);
  client_->ShutdownWrite();
  mem_.Pump();
  EXPECT_TRUE(absl::IsUnavailable(server_h_.read_status)) << server_h_.read_status;
  EXPECT_EQ(server_h_.read_status.message(), "end of stream");
}

TEST_F(TlsStreamTest, ClientFromAnUnknownCaIsRefusedAsUntrusted) {
  Connect(Context(*stranger_cert_), Context(*server_cert_));
  EXPECT_FALSE(server_->established());
  EXPECT_EQ(RefusalOf(server_h_.read_status), RefusalReason::kUntrustedCertificate) << server_h_.read_status;
  EXPECT_THAT(server_h_.read_status.message(), HasSubstr(kClientEp.ToString()));
  // The client learns from the server's alert (TLS 1.3: after its own handshake).
  const absl::Status client_side =
      client_h_.connected.value_or(absl::OkStatus()).ok() ? client_h_.read_status : *client_h_.connected;
  EXPECT_EQ(RefusalOf(client_side), RefusalReason::kRefusedByPeer) << client_side;
}

TEST_F(TlsStreamTest, ServerFromAnUnknownCaIsRefusedByTheClient) {
  Connect(Context(*client_cert_), Context(*stranger_cert_));
  ASSERT_TRUE(client_h_.connected.has_value());
  EXPECT_EQ(RefusalOf(*client_h_.connected), RefusalReason::kUntrustedCertificate) << *client_h_.connected;
  EXPECT_THAT(client_h_.connected->message(), HasSubstr(kServerEp.ToString()));
  EXPECT_EQ(RefusalOf(server_h_.read_status), RefusalReason::kRefusedByPeer) << server_h_.read_status;
}

TEST_F(TlsStreamTest, ExpiredClientCertificateIsRefused) {
  Connect(Context(*expired_cert_), Context(*server_cert_));
  EXPECT_EQ(RefusalOf(server_h_.read_status), RefusalReason::kCertificateExpired) << server_h_.read_status;
  EXPECT_THAT(server_h_.read_status.message(), HasSubstr("validity"));
}

TEST_F(TlsStreamTest, IdentityNotOnTheAllowListIsRefused) {
  Connect(Context(*other_cert_), Context(*server_cert_, {"DNS:*.nodes.test", "CN=admin"}));
  EXPECT_EQ(RefusalOf(server_h_.read_status), RefusalReason::kIdentityNotAllowed) << server_h_.read_status;
  EXPECT_THAT(server_h_.read_status.message(), AllOf(HasSubstr("CN=other"), HasSubstr(kClientEp.ToString())));
  EXPECT_FALSE(server_->established());
  EXPECT_EQ(server_->peer_identity(), nullptr);
}

TEST_F(TlsStreamTest, ServerIdentityNotOnTheClientsAllowListIsRefused) {
  Connect(Context(*client_cert_, {"CN=somebody-else"}), Context(*server_cert_));
  ASSERT_TRUE(client_h_.connected.has_value());
  EXPECT_EQ(RefusalOf(*client_h_.connected), RefusalReason::kIdentityNotAllowed) << *client_h_.connected;
}

TEST_F(TlsStreamTest, ClientWithoutACertificateIsRefused) {
  TlsConfig bare;
  bare.ca_bundle = pki_->ca_bundle();
  Connect(TlsContext::Create(bare, Logger()).value(), Context(*server_cert_));
  EXPECT_EQ(RefusalOf(server_h_.read_status), RefusalReason::kNoCertificate) << server_h_.read_status;
  const absl::Status client_side =
      client_h_.connected.value_or(absl::OkStatus()).ok() ? client_h_.read_status : *client_h_.connected;
  EXPECT_EQ(RefusalOf(client_side), RefusalReason::kRefusedByPeer) << client_side;
}

TEST_F(TlsStreamTest, ClientWithoutACertificateIsAdmittedWhenNotRequired) {
  TlsConfig bare;
  bare.ca_bundle = pki_->ca_bundle();
  TlsConfig server = pki_->ConfigFor(*server_cert_);
  server.require_client_certificate = false;
  Connect(TlsContext::Create(bare, Logger()).value(), TlsContext::Create(server, Logger()).value());
  EXPECT_TRUE(server_->established());
  EXPECT_EQ(server_->peer_identity(), nullptr);
  EXPECT_THAT(server_->security(), HasSubstr("no peer certificate"));
}

TEST_F(TlsStreamTest, PlaintextClientToATlsServerIsRefusedAsNotTls) {
  Recorder plain;
  std::unique_ptr<Stream> raw = mem_.TakeClient(&plain);
  plain.stream = raw.get();
  StartServer(Context(*server_cert_));
  mem_.Pump();
  ASSERT_TRUE(plain.connected.has_value());
  // What a plaintext kompact client sends first: a frame header, not a TLS record.
  const std::string frame = std::string("\x00\x00\x00\x2a\x01", 5) + "Hello";
  const iovec part{const_cast<char*>(frame.data()), frame.size()};
  ASSERT_OK(raw->Write(std::span<const iovec>(&part, 1)).status());
  mem_.Pump();
  EXPECT_EQ(RefusalOf(server_h_.read_status), RefusalReason::kNotTls) << server_h_.read_status;
  EXPECT_THAT(server_h_.read_status.message(), AllOf(HasSubstr("0x00"), HasSubstr(kClientEp.ToString())));
}

TEST_F(TlsStreamTest, TlsClientToAPlaintextServerIsRefusedAsPlaintextServer) {
  StartClient(Context(*client_cert_));
  // A plaintext server: whatever it receives, it answers with a plaintext frame.
  class PlainServer : public Recorder {
   public:
    void OnReadable() override {
      Recorder::OnReadable();
      if (!answered && !received.empty()) {
        answered = true;
        const std::string reply = std::string("\x00\x00\x00\x05\x07", 5) + "Error";
        const iovec part{const_cast<char*>(reply.data()), reply.size()};
        (void)stream->Write(std::span<const iovec>(&part, 1));
      }
    }
    bool answered = false;
  } plain;
  std::unique_ptr<Stream> raw = mem_.TakeServer();
  raw->SetHandler(&plain);
  plain.stream = raw.get();
  mem_.Pump();
  ASSERT_TRUE(plain.answered);
  EXPECT_EQ(static_cast<uint8_t>(plain.received[0]), 0x16) << "the client sent a TLS handshake record";
  ASSERT_TRUE(client_h_.connected.has_value());
  EXPECT_EQ(RefusalOf(*client_h_.connected), RefusalReason::kPlaintextServer) << *client_h_.connected;
  EXPECT_THAT(client_h_.connected->message(), HasSubstr(kServerEp.ToString()));
}

TEST_F(TlsStreamTest, ServerClosingDuringTheHandshakeIsARefusalByThePeer) {
  StartClient(Context(*client_cert_));
  {
    std::unique_ptr<Stream> raw = mem_.TakeServer();  // accepted, then closed at once
  }
  mem_.Pump();
  ASSERT_TRUE(client_h_.connected.has_value());
  EXPECT_EQ(RefusalOf(*client_h_.connected), RefusalReason::kRefusedByPeer) << *client_h_.connected;
}

TEST_F(TlsStreamTest, WritesBeforeTheHandshakeFinishedWaitForOnWritable) {
  StartClient(Context(*client_cert_));
  StartServer(Context(*server_cert_));
  const std::string early = "early";
  const iovec part{const_cast<char*>(early.data()), early.size()};
  absl::StatusOr<size_t> n = server_->Write(std::span<const iovec>(&part, 1));
  ASSERT_OK(n.status());
  EXPECT_EQ(*n, 0u);
  mem_.Pump();
  EXPECT_TRUE(server_->established());
  EXPECT_GE(server_h_.writable, 1);
}

}  // namespace
}  // namespace kompact::net
