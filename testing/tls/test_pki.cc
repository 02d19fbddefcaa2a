// TestPki: see test_pki.h.
#include "testing/tls/test_pki.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kompact::testing {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

absl::Status OpenSslError(std::string_view step) {
  char buf[256] = "no OpenSSL error queued";
  if (unsigned long e = ERR_get_error(); e != 0) ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return absl::InternalError(
      absl::StrCat("TestPki: ", absl::string_view(step.data(), step.size()), ": ", buf));
}

absl::StatusOr<PkeyPtr> NewKey() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return OpenSslError("EC P-256 key generation");
  return key;
}

absl::Status AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid), " = ", value));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return OpenSslError("X509_add_ext");
  return absl::OkStatus();
}

// A certificate for `key` named `cn`, signed by `issuer_key` (issuer: `issuer`, or
// self-signed when null).
absl::StatusOr<X509Ptr> MakeCert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
                                 absl::Duration not_before, absl::Duration not_after) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return OpenSslError("RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), absl::ToInt64Seconds(not_before));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), absl::ToInt64Seconds(not_after));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("kompact-test"),
                             -1, -1, 0);
  if (!cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                               -1, -1, 0);
  }
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  if (X509_set_pubkey(cert.get(), key) != 1) return OpenSslError("X509_set_pubkey");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (issuer == nullptr) {
    if (absl::Status s = AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE"); !s.ok())
      return s;
    if (absl::Status s = AddExt(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign"); !s.ok())
      return s;
    if (absl::Status s = AddExt(cert.get(), signer, NID_subject_key_identifier, "hash"); !s.ok()) return s;
  } else {
    if (absl::Status s = AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE"); !s.ok())
      return s;
    if (absl::Status s = AddExt(cert.get(), signer, NID_key_usage, "critical,digitalSignature"); !s.ok())
      return s;
    if (absl::Status s = AddExt(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth"); !s.ok())
      return s;
    if (absl::Status s = AddExt(cert.get(), signer, NID_authority_key_identifier, "keyid"); !s.ok()) return s;
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return OpenSslError("X509_sign");
  return cert;
}

absl::Status WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr)
    return absl::InternalError(absl::StrCat("TestPki: cannot write ", path, ": ", std::strerror(errno)));
  const bool ok = cert != nullptr ? PEM_write_X509(f, cert) == 1
                                  : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  if (!ok) return OpenSslError(absl::StrCat("writing ", path));
  return absl::OkStatus();
}

}  // namespace

struct TestPki::Ca {
  PkeyPtr key;
  X509Ptr cert;
};

TestPki::~TestPki() = default;

std::string TestTmpDir(const std::string& name) {
  const char* root = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(root != nullptr ? root : "/tmp", "/", name);
  (void)::mkdir(dir.c_str(), 0700);
  return dir;
}

absl::StatusOr<std::unique_ptr<TestPki>> TestPki::Create(const std::string& dir) {
  (void)::mkdir(dir.c_str(), 0700);
  std::unique_ptr<TestPki> pki(new TestPki());
  pki->dir_ = dir;
  auto make_ca = [](const std::string& cn) -> absl::StatusOr<std::unique_ptr<Ca>> {
    auto ca = std::make_unique<Ca>();
    absl::StatusOr<PkeyPtr> key = NewKey();
    if (!key.ok()) return key.status();
    ca->key = *std::move(key);
    absl::StatusOr<X509Ptr> cert =
        MakeCert(ca->key.get(), cn, nullptr, ca->key.get(), -absl::Hours(1), absl::Hours(24 * 30));
    if (!cert.ok()) return cert.status();
    ca->cert = *std::move(cert);
    return ca;
  };
  absl::StatusOr<std::unique_ptr<Ca>> trusted = make_ca("kompact test CA");
  if (!trusted.ok()) return trusted.status();
  absl::StatusOr<std::unique_ptr<Ca>> unknown = make_ca("unknown CA");
  if (!unknown.ok()) return unknown.status();
  pki->trusted_ = *std::move(trusted);
  pki->unknown_ = *std::move(unknown);
  pki->ca_path_ = dir + "/ca.pem";
  if (absl::Status s = WritePem(pki->ca_path_, pki->trusted_->cert.get(), nullptr); !s.ok()) return s;
  return pki;
}

absl::StatusOr<TestCert> TestPki::Issue(const std::string& name, const TestCertSpec& spec) {
  const Ca& ca = spec.from_unknown_ca ? *unknown_ : *trusted_;
  absl::StatusOr<PkeyPtr> key = NewKey();
  if (!key.ok()) return key.status();
  absl::StatusOr<X509Ptr> cert =
      MakeCert(key->get(), spec.common_name, ca.cert.get(), ca.key.get(), spec.not_before, spec.not_after);
  if (!cert.ok()) return cert.status();
  std::vector<std::string> sans;
  for (const std::string& d : spec.dns_names) sans.push_back("DNS:" + d);
  for (const std::string& u : spec.uris) sans.push_back("URI:" + u);
  for (const std::string& i : spec.ips) sans.push_back("IP:" + i);
  if (!sans.empty()) {
    if (absl::Status s = AddExt(cert->get(), ca.cert.get(), NID_subject_alt_name, absl::StrJoin(sans, ","));
        !s.ok()) {
      return s;
    }
    if (X509_sign(cert->get(), ca.key.get(), EVP_sha256()) == 0) return OpenSslError("X509_sign");
  }
  TestCert out{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key"};
  if (absl::Status s = WritePem(out.chain_path, cert->get(), nullptr); !s.ok()) return s;
  if (absl::Status s = WritePem(out.key_path, nullptr, key->get()); !s.ok()) return s;
  return out;
}

net::TlsConfig TestPki::ConfigFor(const TestCert& cert) const {
  net::TlsConfig tls;
  tls.enabled = true;
  tls.certificate_chain = cert.chain_path;
  tls.private_key = cert.key_path;
  tls.ca_bundle = ca_path_;
  return tls;
}

}  // namespace kompact::testing
