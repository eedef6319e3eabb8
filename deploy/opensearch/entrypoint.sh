#!/usr/bin/env bash
# Entry point of the OpenSearch container: writes the internal users (admin, kibanaserver for Dashboards, canhgac
# for the store) with bcrypt hashes of the passwords from the environment, and the canhgac_store role, into
# config/opensearch-security/, then runs the image's own entry point. These files are read into the security index
# on the FIRST start only; later password changes go through the security API or securityadmin.sh
# (docs/deployment.md, "Changing passwords").
set -euo pipefail
: "${OPENSEARCH_INITIAL_ADMIN_PASSWORD:?set OPENSEARCH_INITIAL_ADMIN_PASSWORD in .env}"
: "${OPENSEARCH_DASHBOARDS_PASSWORD:?set OPENSEARCH_DASHBOARDS_PASSWORD in .env}"
: "${CANHGAC_OPENSEARCH_PASSWORD:?set CANHGAC_OPENSEARCH_PASSWORD in .env}"
HOME_DIR=${OPENSEARCH_HOME:-/usr/share/opensearch}
SEC=$HOME_DIR/config/opensearch-security
HASH=$HOME_DIR/plugins/opensearch-security/tools/hash.sh
hash() { OPENSEARCH_JAVA_HOME=${OPENSEARCH_JAVA_HOME:-$HOME_DIR/jdk} bash "$HASH" -p "$1" | tail -n 1; }

cat >"$SEC/internal_users.yml" <<USERS
_meta:
  type: "internalusers"
  config_version: 2
admin:
  hash: "$(hash "$OPENSEARCH_INITIAL_ADMIN_PASSWORD")"
  reserved: true
  backend_roles: ["admin"]
  description: "Administrator (OPENSEARCH_INITIAL_ADMIN_PASSWORD)"
kibanaserver:
  hash: "$(hash "$OPENSEARCH_DASHBOARDS_PASSWORD")"
  reserved: true
  description: "OpenSearch Dashboards server (OPENSEARCH_DASHBOARDS_PASSWORD)"
canhgac:
  hash: "$(hash "$CANHGAC_OPENSEARCH_PASSWORD")"
  reserved: false
  description: "canhgac store (CANHGAC_OPENSEARCH_PASSWORD)"
USERS

if ! grep -q '^canhgac_store:' "$SEC/roles.yml"; then
  cat >>"$SEC/roles.yml" <<'ROLE'

# canhgac: its indices (canhgac-*), their templates and the retention (ISM) policy; nothing else.
canhgac_store:
  reserved: false
  cluster_permissions:
    - "cluster_monitor"
    - "cluster_composite_ops"
    - "indices:admin/index_template/*"
    - "cluster:admin/opendistro/ism/*"
  index_permissions:
    - index_patterns: ["canhgac-*"]
      allowed_actions: ["indices_all"]
ROLE
fi
if ! grep -q '^canhgac_store:' "$SEC/roles_mapping.yml"; then
  cat >>"$SEC/roles_mapping.yml" <<'MAP'

canhgac_store:
  reserved: false
  users: ["canhgac"]
MAP
fi
exec "$HOME_DIR/opensearch-docker-entrypoint.sh" "$@"
