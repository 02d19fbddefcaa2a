// Checks that @openssl links and is the OpenSSL 3 that the TLS stream is written
// against: a TLS 1.3 context can be created and its minimum version set.
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include <string>

#include "gtest/gtest.h"

namespace {

TEST(OpenSslLinkTest, IsOpenSsl3WithTls13) {
  EXPECT_GE(OPENSSL_VERSION_MAJOR, 3);
  EXPECT_GE(OpenSSL_version_num() >> 28, 3u) << OpenSSL_version(OPENSSL_VERSION);
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION), 1);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
  EXPECT_EQ(SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256"), 1);
  SSL_CTX_free(ctx);
}

}  // namespace
