// Tests of TestPki: what it issues verifies (or not) the way the TLS tests rely on.
#include "testing/tls/test_pki.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact::testing {
namespace {

X509* ReadCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return x;
}

EVP_PKEY* ReadKey(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  EVP_PKEY* k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return k;
}

// X509_V_OK or the verification error of `leaf` against the test CA.
int Verify(const TestPki& pki, const TestCert& leaf) {
  X509_STORE* store = X509_STORE_new();
  EXPECT_EQ(X509_STORE_load_file(store, pki.ca_bundle().c_str()), 1);
  X509* cert = ReadCert(leaf.chain_path);
  EXPECT_NE(cert, nullptr);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  const int ok = X509_verify_cert(ctx);
  const int err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_free(cert);
  X509_STORE_free(store);
  return err;
}

TEST(TestPkiTest, IssuesCertificatesThatVerifyAgainstItsCa) {
  ASSERT_OK_AND_ASSIGN(auto pki, TestPki::Create(TestTmpDir("pki_ok")));
  ASSERT_OK_AND_ASSIGN(TestCert a, pki->Issue("a", {.common_name = "node-a",
                                                    .dns_names = {"a.nodes.test"},
                                                    .uris = {"spiffe://kompact/a"},
                                                    .ips = {"127.0.0.1"}}));
  EXPECT_EQ(Verify(*pki, a), X509_V_OK);
  X509* cert = ReadCert(a.chain_path);
  ASSERT_NE(cert, nullptr);
  EVP_PKEY* key = ReadKey(a.key_path);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(cert, key), 1);
  EXPECT_EQ(X509_check_host(cert, "a.nodes.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EVP_PKEY_free(key);
  X509_free(cert);
}

TEST(TestPkiTest, ExpiredAndUnknownCaCertificatesFailVerification) {
  ASSERT_OK_AND_ASSIGN(auto pki, TestPki::Create(TestTmpDir("pki_bad")));
  ASSERT_OK_AND_ASSIGN(TestCert expired, pki->Issue("expired", {.common_name = "old",
                                                                .not_before = -absl::Hours(48),
                                                                .not_after = -absl::Hours(24)}));
  EXPECT_EQ(Verify(*pki, expired), X509_V_ERR_CERT_HAS_EXPIRED);
  ASSERT_OK_AND_ASSIGN(TestCert stranger,
                       pki->Issue("stranger", {.common_name = "x", .from_unknown_ca = true}));
  EXPECT_EQ(Verify(*pki, stranger), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST(TestPkiTest, ConfigForNamesTheFilesAndIsValid) {
  ASSERT_OK_AND_ASSIGN(auto pki, TestPki::Create(TestTmpDir("pki_cfg")));
  ASSERT_OK_AND_ASSIGN(TestCert a, pki->Issue("a", {.common_name = "node-a"}));
  const net::TlsConfig tls = pki->ConfigFor(a);
  EXPECT_TRUE(tls.enabled);
  EXPECT_EQ(tls.certificate_chain, a.chain_path);
  EXPECT_EQ(tls.private_key, a.key_path);
  EXPECT_EQ(tls.ca_bundle, pki->ca_bundle());
  EXPECT_OK(tls.Validate());
}

}  // namespace
}  // namespace kompact::testing
