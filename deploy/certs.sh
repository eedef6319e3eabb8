#!/usr/bin/env bash
# Makes the deployment's own certificate authority and the certificates signed by it (no demo certificates):
#   ca.pem / ca-key.pem            the CA (keep ca-key.pem offline once the certificates are made)
#   opensearch.pem / -key.pem      OpenSearch node: HTTP and transport TLS (SAN: opensearch, localhost)
#   admin.pem / admin-key.pem      OpenSearch super admin (securityadmin.sh), never used by services
#   dashboards.pem / -key.pem      OpenSearch Dashboards HTTPS (SAN: opensearch-dashboards, localhost)
#   canhgac.pem / canhgac-key.pem  canhgac syslog TLS (6514) server certificate (SAN: canhgac, ingest, localhost)
# Usage: bash deploy/certs.sh [DIR] [EXTRA_SAN...]   (DIR defaults to deploy/certs; EXTRA_SAN e.g. DNS:siem.tinh.gov.vn
# or IP:10.0.0.5 is added to the canhgac and dashboards certificates, the names senders and browsers use).
# Idempotent: existing files are kept (delete DIR to start over). Keys are PKCS#8 (what OpenSearch needs).
set -euo pipefail
DIR=${1:-"$(dirname "$0")/certs"}
shift || true
EXTRA=""
for san in "$@"; do EXTRA="$EXTRA,$san"; done
DAYS=${CERT_DAYS:-825}
SUBJ_BASE=${CERT_SUBJECT:-"/C=VN/O=canhgac/OU=canhgac"}
mkdir -p "$DIR"
cd "$DIR"
umask 077

if [ ! -f ca.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out ca-key.pem 2>/dev/null
  openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj "$SUBJ_BASE/CN=canhgac-ca" -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  echo "certs.sh: made the CA $DIR/ca.pem" >&2
fi

# cert NAME CN EXT
cert() {
  local name=$1 cn=$2 ext=$3
  [ -f "$name.pem" ] && return 0
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name-key.pem" 2>/dev/null
  openssl req -new -key "$name-key.pem" -subj "$SUBJ_BASE/CN=$cn" -out "$name.csr"
  printf '%s\n' "$ext" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -sha256 -days "$DAYS" \
    -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
  echo "certs.sh: made $DIR/$name.pem (CN=$cn)" >&2
}
server="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth"
cert opensearch opensearch "$server
subjectAltName=DNS:opensearch,DNS:localhost,IP:127.0.0.1"
cert admin admin "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
cert dashboards opensearch-dashboards "$server
subjectAltName=DNS:opensearch-dashboards,DNS:localhost,IP:127.0.0.1$EXTRA"
cert canhgac canhgac "$server
subjectAltName=DNS:canhgac,DNS:ingest,DNS:localhost,IP:127.0.0.1$EXTRA"
# The containers run as non-root users: OpenSearch and Dashboards as uid 1000, canhgac as uid 10001. Run as root,
# each key is given to the one user that reads it (mode 600); otherwise keys are left readable (644) with a warning.
chmod 644 ./*.pem
chmod 600 ca-key.pem
if [ "$(id -u)" = 0 ]; then
  chown 1000:1000 opensearch-key.pem admin-key.pem dashboards-key.pem
  chown 10001:10001 canhgac-key.pem
  chmod 600 opensearch-key.pem admin-key.pem dashboards-key.pem canhgac-key.pem
else
  echo "certs.sh: not root: the keys stay readable by every local user; run it with sudo to restrict them" >&2
fi
