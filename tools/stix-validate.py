#!/usr/bin/env python3
"""Validates a STIX 2.1 bundle file twice: stix2.parse (OASIS stix2, strict, no custom properties) and the STIX 2.1
JSON schemas and best-practice checks of OASIS stix2-validator. Prints one JSON line:
{"ok": bool, "objects": n, "errors": [...], "warnings": [...]}. Run through tools/stix.sh (installs both)."""
import json
import sys

import stix2
from stix2validator import ValidationOptions, validate_string

data = open(sys.argv[1], encoding='utf-8').read()
errors = []
objects = 0
try:
    b = stix2.parse(data, allow_custom=False, version='2.1')
    objects = len(b.objects)
except Exception as e:  # noqa: BLE001 - any parse failure is the answer
    errors.append(f'stix2.parse: {e}')
res = validate_string(data, ValidationOptions(version='2.1'))
# A bundle answers as one result (its errors cover the objects in it), a file of several as a list.
results = getattr(res, 'object_results', None) or [res]
for r in results:
    errors += [f'{r.object_id}: {e}' for e in (r.errors or [])]
warnings = [f'{r.object_id}: {w}' for r in results for w in (r.warnings or [])]
print(json.dumps({'ok': res.is_valid and not errors, 'objects': objects, 'errors': errors, 'warnings': warnings}))
