#!/usr/bin/env bash
# Writes a throw-away certificate authority and certificates for three systems
# (node-a, node-b, node-c) into DIR, with the openssl command line tool: what
# examples/net/secure_cluster.cc and docs/security.md use. Nothing here is fit for
# production: the CA key sits next to the certificates and everything expires in
# two days. Generated at run time; never check keys in.
#
#   examples/net/make_demo_certs.sh DIR
#
# DIR/ca.pem                  the CA certificate (kompact.net.tls.ca-bundle)
# DIR/NAME.pem, DIR/NAME.key  a certificate for CN=NAME with the SAN DNS:NAME.kompact.test,
#                             signed by the CA (certificate-chain, private-key)
set -euo pipefail
dir="${1:?usage: make_demo_certs.sh DIR}"
mkdir -p "$dir"
cd "$dir"

# The CA: an EC P-256 key and a self-signed certificate, valid for two days.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.pem -days 2 -subj "/CN=kompact demo CA" 2>/dev/null
for name in node-a node-b node-c; do
  # A key and a signing request for CN=NAME ...
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$name.key" -out "$name.csr" -subj "/CN=$name" 2>/dev/null
  # ... signed by the CA, usable as TLS server and client, with a DNS name.
  printf 'subjectAltName=DNS:%s.kompact.test\nextendedKeyUsage=serverAuth,clientAuth\n' "$name" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 2 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
done
chmod 600 ./*.key
echo "certificates for node-a, node-b and node-c in $dir"
