#!/usr/bin/env bash
# Validates a STIX 2.1 bundle (tools/stix-validate.py) with OASIS stix2 and stix2-validator from PyPI, installed
# into a venv under the test directory the first time. Usage: tools/stix.sh BUNDLE.json
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${CANHGAC_TEST_TMP:-$PWD/.tmp}/stix-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import stix2, stix2validator, os; assert os.path.isdir(os.path.dirname(stix2validator.__file__) + "/schemas-2.1")' 2>/dev/null; then
  echo "Installing stix2 3.0.2 and stix2-validator 3.2.0 (3.3.1 ships without its schemas) into $VENV" >&2
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q stix2==3.0.2 stix2-validator==3.2.0 >&2
fi
exec "$VENV/bin/python" tools/stix-validate.py "$1"
