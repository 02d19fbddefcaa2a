// IdentityOf: see tls_identity.h.
#include "net/tls/tls_identity.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

namespace kompact::net {
namespace {

std::string Utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return "";
  std::string text(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return text;
}

std::string Subject(X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string text(data, n > 0 ? static_cast<size_t>(n) : 0);
  BIO_free(bio);
  return text;
}

std::string Ip(const ASN1_OCTET_STRING* ip) {
  char text[INET6_ADDRSTRLEN] = "";
  const int len = ASN1_STRING_length(ip);
  const unsigned char* bytes = ASN1_STRING_get0_data(ip);
  if (len == 4) {
    inet_ntop(AF_INET, bytes, text, sizeof(text));
  } else if (len == 16) {
    inet_ntop(AF_INET6, bytes, text, sizeof(text));
  } else {
    return "?";
  }
  return text;
}

}  // namespace

PeerIdentity IdentityOf(X509* cert) {
  PeerIdentity id;
  if (cert == nullptr) return id;
  X509_NAME* subject = X509_get_subject_name(cert);
  id.subject = Subject(subject);
  const int cn = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (cn >= 0) id.common_name = Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cn)));
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      switch (name->type) {
        case GEN_DNS:
          id.alt_names.push_back("DNS:" + Utf8(name->d.dNSName));
          break;
        case GEN_URI:
          id.alt_names.push_back("URI:" + Utf8(name->d.uniformResourceIdentifier));
          break;
        case GEN_EMAIL:
          id.alt_names.push_back("email:" + Utf8(name->d.rfc822Name));
          break;
        case GEN_IPADD:
          id.alt_names.push_back("IP:" + Ip(name->d.iPAddress));
          break;
        default:
          break;
      }
    }
    GENERAL_NAMES_free(names);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &len) == 1) {
    static constexpr char kHex[] = "0123456789abcdef";
    id.sha256_fingerprint.reserve(2 * len);
    for (unsigned int i = 0; i < len; ++i) {
      id.sha256_fingerprint += kHex[digest[i] >> 4];
      id.sha256_fingerprint += kHex[digest[i] & 0xf];
    }
  }
  return id;
}

}  // namespace kompact::net
