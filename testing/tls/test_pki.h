// TestPki: a throw-away public-key infrastructure made at test time with the
// OpenSSL library (EC P-256 keys, SHA-256 signatures): a CA that tests trust, a
// second CA that nothing trusts, and leaf certificates with the names, validity
// and issuer a test asks for, written as PEM files into a directory (the test's
// TEST_TMPDIR). Keys never leave that directory and are never checked in.
//
//   ASSERT_OK_AND_ASSIGN(auto pki, TestPki::Create(TestTmpDir("pki")));
//   ASSERT_OK_AND_ASSIGN(TestCert a, pki->Issue("a", {.common_name = "node-a",
//                                                     .dns_names = {"a.nodes.test"}}));
//   TlsConfig tls = pki->ConfigFor(a);   // enabled, chain, key, ca-bundle set
//
// Thread-safety: not thread-safe (create and issue on one thread; the files are
// then read-only). Lifetime: the files stay after the object is gone.
#ifndef KOMPACT_TESTING_TLS_TEST_PKI_H_
#define KOMPACT_TESTING_TLS_TEST_PKI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/tls_config.h"

namespace kompact::testing {

// What to put in a leaf certificate.
struct TestCertSpec {
  // The subject CN (O is always "kompact-test"); empty: none.
  std::string common_name = {};
  std::vector<std::string> dns_names = {};  // subjectAltName DNS entries
  std::vector<std::string> uris = {};       // subjectAltName URI entries
  std::vector<std::string> ips = {};        // subjectAltName IP entries ("127.0.0.1")
  // Validity: from now + not_before to now + not_after (an expired certificate:
  // both negative).
  absl::Duration not_before = -absl::Hours(1);
  absl::Duration not_after = absl::Hours(24);
  // Signed by the CA nobody trusts instead of the test CA.
  bool from_unknown_ca = false;
};

// A certificate and its key on disk.
struct TestCert {
  std::string chain_path;  // PEM: the leaf certificate
  std::string key_path;    // PEM: its private key (PKCS#8, unencrypted)
};

// See the file comment.
class TestPki {
 public:
  // Makes the two CAs and writes `dir`/ca.pem (the trusted CA's certificate);
  // creates `dir` if needed. kInternal naming the OpenSSL step that failed.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TestPki>> Create(const std::string& dir);
  ~TestPki();

  // A leaf certificate for `name` (files `dir`/`name`.pem and `name`.key) usable
  // as TLS server and client.
  [[nodiscard]] absl::StatusOr<TestCert> Issue(const std::string& name, const TestCertSpec& spec);

  // The trusted CA certificate (PEM).
  const std::string& ca_bundle() const { return ca_path_; }
  // TLS settings that use `cert` and trust the test CA (enabled; no allow-list).
  net::TlsConfig ConfigFor(const TestCert& cert) const;

  struct Ca;  // a CA's key and certificate (test_pki.cc)

 private:
  TestPki() = default;
  std::string dir_;
  std::string ca_path_;
  std::unique_ptr<Ca> trusted_;
  std::unique_ptr<Ca> unknown_;
};

// A fresh directory below $TEST_TMPDIR (or /tmp) named `name`.
std::string TestTmpDir(const std::string& name);

}  // namespace kompact::testing

#endif  // KOMPACT_TESTING_TLS_TEST_PKI_H_
