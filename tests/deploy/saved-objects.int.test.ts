/**
 * OpenSearch Dashboards saved objects (dashboards/opensearch/canhgac.ndjson): the committed file is the generator's
 * output; every line parses and has what `POST /api/saved_objects/_import` needs; every reference resolves; the
 * fields the index patterns and visualisations name exist in the mappings the OpenSearch store installs (and in the
 * Incident / Alert types); and, on the real OpenSearch test node, the patterns' titles match exactly the indices
 * the store creates, every aggregation of every visualisation runs and finds the seeded data, and the scripted
 * time fields compile and return the documents' times.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
// @ts-expect-error: plain JavaScript module without declarations
import * as gen from '../../dashboards/opensearch/generate.mjs';
import type { Alert, Incident } from '../../incidents/types.js';
import { rest } from '../../store/opensearch/client.js';
import { loadMapping, type OpenSearchStores, openOpenSearchStores } from '../../store/opensearch/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { describeOpenSearch, testPrefix } from '../kit/opensearch.js';

type Json = Record<string, unknown>;
interface Attributes {
  title: string;
  timeFieldName?: string;
  fields?: string;
  visState?: string;
  panelsJSON?: string;
  kibanaSavedObjectMeta?: { searchSourceJSON: string };
  [k: string]: unknown;
}
interface FieldSpec {
  name: string;
  type: string;
  esTypes: string[];
  scripted: boolean;
  script: string;
  aggregatable: boolean;
}
interface MappingNode {
  type?: string;
  properties?: Record<string, MappingNode>;
  fields?: Record<string, MappingNode>;
  dynamic_templates?: Record<
    string,
    { path_match?: string; match?: string; match_mapping_type?: string; mapping: MappingNode }
  >[];
}
interface SearchSource {
  indexRefName: string;
  query: { query: string };
}
interface SavedObject {
  id: string;
  type: string;
  attributes: Attributes;
  references: { name: string; type: string; id: string }[];
  migrationVersion?: Record<string, string>;
}

const FILE = join(projectRoot, 'dashboards', 'opensearch', 'canhgac.ndjson');
const TEXT = readFileSync(FILE, 'utf8');
const OBJECTS: SavedObject[] = TEXT.trimEnd()
  .split('\n')
  .map((l) => JSON.parse(l) as SavedObject);
const byId = (type: string, id: string) => OBJECTS.find((o) => o.type === type && o.id === id);
const patterns = OBJECTS.filter((o) => o.type === 'index-pattern');
const visualisations = OBJECTS.filter((o) => o.type === 'visualization');

/** The index pattern a visualisation searches. */
function patternOf(vis: SavedObject): SavedObject {
  const ss = JSON.parse(vis.attributes.kibanaSavedObjectMeta!.searchSourceJSON) as SearchSource;
  const ref = vis.references.find((r) => r.name === ss.indexRefName)!;
  return byId('index-pattern', ref.id)!;
}

/** Fields the aggregations of a visualisation use. */
function aggFields(vis: SavedObject): string[] {
  const state = JSON.parse(vis.attributes.visState!) as { aggs: { params: { field?: string } }[] };
  return state.aggs.map((a) => a.params.field).filter((f): f is string => typeof f === 'string');
}

/** OpenSearch type of a field in a mapping: explicit properties (with sub-fields), else the dynamic template. */
function mappedType(
  mapping: MappingNode,
  field: string,
  valueKind: 'string' | 'number' = 'string',
): string | undefined {
  const parts = field.split('.');
  let props: Record<string, MappingNode> | undefined = mapping.properties;
  for (let i = 0; i < parts.length && props; i++) {
    const node: MappingNode | undefined = props[parts[i]!];
    if (!node) break;
    if (i === parts.length - 1) return node.type ?? 'object';
    if (node.fields?.[parts[i + 1]!] && i + 1 === parts.length - 1) return node.fields[parts[i + 1]!].type;
    props = node.properties;
  }
  for (const t of mapping.dynamic_templates ?? []) {
    const [, tpl] = Object.entries(t)[0]!;
    if (tpl.path_match && new RegExp(`^${String(tpl.path_match).replace('.', '\\.').replace('*', '.+')}$`).test(field))
      return tpl.mapping.type;
    if (tpl.match_mapping_type === valueKind || (valueKind === 'number' && tpl.match_mapping_type === 'long'))
      if (!tpl.match && !tpl.path_match) return tpl.mapping.type;
  }
  return undefined;
}

const ES_TO_OSD: Record<string, string> = { keyword: 'string', double: 'number', long: 'number', date: 'date' };

describe('dashboards/opensearch/canhgac.ndjson', () => {
  it('is what generate.mjs writes', () => {
    expect(TEXT).toBe(gen.ndjson());
  });

  it('has one importable saved object per line, ids unique, JSON-string attributes parseable', () => {
    expect(OBJECTS.map((o) => o.type).sort()).toEqual([
      'dashboard',
      'index-pattern',
      'index-pattern',
      'index-pattern',
      ...Array(5).fill('visualization'),
    ]);
    expect(new Set(OBJECTS.map((o) => `${o.type}:${o.id}`)).size).toBe(OBJECTS.length);
    for (const o of OBJECTS) {
      expect(typeof o.attributes.title).toBe('string');
      expect(o.migrationVersion).toBeDefined();
      for (const k of ['visState', 'uiStateJSON', 'panelsJSON', 'optionsJSON', 'fields']) {
        if (k in o.attributes) expect(() => JSON.parse(String(o.attributes[k]))).not.toThrow();
      }
      const meta = o.attributes.kibanaSavedObjectMeta;
      if (meta) expect(() => JSON.parse(meta.searchSourceJSON)).not.toThrow();
    }
  });

  it('resolves every reference: visualisations to an index pattern, dashboard panels to visualisations', () => {
    for (const o of OBJECTS) {
      for (const r of o.references) expect({ r, found: Boolean(byId(r.type, r.id)) }).toEqual({ r, found: true });
    }
    for (const v of visualisations) expect(patternOf(v)).toBeDefined();
    const dash = OBJECTS.find((o) => o.type === 'dashboard')!;
    const panels = JSON.parse(dash.attributes.panelsJSON!) as { panelRefName: string }[];
    expect(panels).toHaveLength(visualisations.length);
    for (const p of panels) {
      const ref = dash.references.find((r) => r.name === p.panelRefName);
      expect(ref?.type).toBe('visualization');
    }
    expect(new Set(dash.references.map((r) => r.id))).toEqual(new Set(visualisations.map((v) => v.id)));
  });

  it('names only fields the store mappings have, with the types Dashboards expects', () => {
    const events = loadMapping('events') as MappingNode;
    const state = loadMapping('state') as MappingNode;
    const mappingOf = (p: SavedObject) => (p.attributes.title.includes('-events') ? events : state);
    const ev = patterns.find((p) => p.attributes.title.includes('-events'))!;
    expect(mappedType(events, ev.attributes.timeFieldName!)).toBe('date');
    for (const p of patterns) {
      if (!p.attributes.fields) continue;
      for (const f of JSON.parse(p.attributes.fields!) as FieldSpec[]) {
        if (f.name.startsWith('_')) continue; // meta fields (_id, _index, _score, _source)
        if (f.scripted) {
          const src = /doc\['([^']+)'\]/.exec(f.script)?.[1];
          expect({ f: f.name, src: mappedType(state, src!) }).toEqual({ f: f.name, src: 'double' });
          continue;
        }
        const t = mappedType(mappingOf(p), f.name, f.type === 'number' ? 'number' : 'string');
        expect({ f: f.name, es: t, osd: ES_TO_OSD[t ?? ''] }).toEqual({ f: f.name, es: f.esTypes[0], osd: f.type });
      }
    }
    for (const v of visualisations) {
      const p = patternOf(v);
      for (const f of aggFields(v)) {
        const t = mappedType(mappingOf(p), f);
        // Aggregations need doc values: keyword (not the wildcard `.lc`, not message) or date.
        expect({ vis: v.id, f, t }).toEqual({ vis: v.id, f, t: f === '@timestamp' ? 'date' : 'keyword' });
        if (p.attributes.fields) {
          const listed = (JSON.parse(p.attributes.fields!) as FieldSpec[]).find((x) => x.name === f);
          expect({ vis: v.id, f, aggregatable: listed?.aggregatable }).toEqual({ vis: v.id, f, aggregatable: true });
        }
      }
    }
  });

  it('lists the Incident and Alert fields the state store copies to k.* and n.*', () => {
    // Typed samples: renaming a field of Incident or Alert breaks compilation here or the comparison below.
    const incident: Required<Incident> = {
      id: 'i1',
      key: 'k',
      title: 't',
      ruleId: 'r',
      agencyId: 'a',
      host: 'h',
      severity: 'high',
      state: 'new',
      assignee: 'u',
      alertCount: 1,
      firstSeen: 1,
      lastSeen: 2,
      attack: ['attack.t1110'],
      alertIds: [],
      eventIds: [],
      createdAt: 1,
      updatedAt: 2,
      acknowledgedAt: 3,
      resolvedAt: 4,
      reopenCount: 0,
      sla: {},
      closure: { by: 'u', at: 5 },
      disposition: { verdict: 'benign', by: 'u', at: 6 },
      outbox: [],
      outboxPending: false,
      entities: ['ip:203.0.113.5'],
      entitiesDropped: 0,
      chain: [],
      risk: { entity: 'ip:203.0.113.5', score: 1, rules: 1, tactics: [], contributions: [] },
      mergedInto: 'i0',
      mergedFrom: ['i2'],
    };
    const alert: Required<Alert> = {
      id: 'a1',
      kind: 'rule',
      ruleId: 'r',
      ruleTitle: 't',
      level: 'high',
      tags: ['x'],
      agencyId: 'a',
      host: 'h',
      eventIds: [],
      ts: 1,
      fields: {},
      suppressedBy: 's',
      incidentId: 'i1',
      entities: ['host:h'],
      risk: { entity: 'host:h', score: 1 },
    };
    const kinds = (doc: Json) => ({
      strings: Object.keys(doc)
        .filter(
          (k) =>
            typeof doc[k] === 'string' ||
            (Array.isArray(doc[k]) && !['alertIds', 'eventIds', 'outbox', 'chain'].includes(k)),
        )
        .sort(),
      numbers: Object.keys(doc)
        .filter((k) => typeof doc[k] === 'number')
        .sort(),
    });
    expect(kinds(incident)).toEqual({
      strings: [...gen.INCIDENT_STRINGS].sort(),
      numbers: [...gen.INCIDENT_NUMBERS].sort(),
    });
    expect(kinds(alert)).toEqual({ strings: [...gen.ALERT_STRINGS].sort(), numbers: [...gen.ALERT_NUMBERS].sort() });
  });
});

describeOpenSearch('saved objects against the OpenSearch store', (url) => {
  let s: OpenSearchStores;
  let objects: SavedObject[];
  const T0 = Date.UTC(2026, 10, 16, 3, 0);

  beforeAll(async () => {
    const prefix = testPrefix();
    s = await openOpenSearchStores({ node: url, prefix });
    objects = gen.savedObjects(prefix) as SavedObject[];
    const events = Array.from({ length: 30 }, (_, i) => ({
      '@timestamp': new Date(T0 + i * 5 * 3_600_000).toISOString(), // spans 7 UTC days: 7 daily indices
      'event.id': `so-${i}`,
      'agency.id': i % 3 === 0 ? '000.00.31.H40' : '000.00.32.H40',
      'host.name': `host-${i % 4}`,
      message: `Failed password for root from 10.0.0.${i}`,
      EventID: 4625,
    }));
    const w = await s.events.write(SCOPE_ALL, events);
    expect(w.written).toBe(30);
    const incidents = s.state.collection<Json>('incidents');
    const alerts = s.state.collection<Json>('alerts');
    for (const [i, sev] of ['high', 'high', 'critical', 'low'].entries()) {
      await incidents.put(SCOPE_ALL, {
        id: `inc-${i}`,
        agencyId: '000.00.31.H40',
        key: `k${i}`,
        title: `Rule ${i % 2}`,
        ruleId: `rule-${i % 2}`,
        severity: sev,
        state: i === 3 ? 'resolved' : 'new',
        alertCount: 2,
        firstSeen: T0 + i,
        lastSeen: T0 + 1000 + i,
        attack: ['attack.t1110'],
        createdAt: T0,
        updatedAt: T0,
        reopenCount: 0,
      });
      await alerts.put(SCOPE_ALL, {
        id: `al-${i}`,
        agencyId: '000.00.31.H40',
        kind: 'rule',
        ruleId: `rule-${i % 2}`,
        ruleTitle: `Rule ${i % 2}`,
        level: sev,
        tags: [],
        ts: T0 + i,
      });
    }
    await s.events.refresh();
    await rest(s.client, 'POST', `/${prefix}-state-*/_refresh`);
  });

  afterAll(async () => {
    if (!s) return;
    await rest(s.client, 'DELETE', `/${s.layout.prefix}-*`, undefined, { ok: [404] });
    await rest(s.client, 'DELETE', `/_index_template/${s.layout.prefix}-*`, undefined, { ok: [404] });
    await s.close();
  });

  it('titles match exactly the indices the store made for each kind', async () => {
    const res = await rest(s.client, 'GET', `/_cat/indices/${s.layout.prefix}-*`, undefined, {
      querystring: { format: 'json', h: 'index' },
    });
    const all = (Object.values(res.body) as { index: string }[]).map((r) => r.index).sort();
    const matches = async (title: string) => {
      const r = await rest(s.client, 'GET', `/_cat/indices/${title}`, undefined, {
        querystring: { format: 'json', h: 'index' },
      });
      return (Object.values(r.body) as { index: string }[]).map((x) => x.index).sort();
    };
    const p = (id: string) => objects.find((o) => o.type === 'index-pattern' && o.id === id)!.attributes.title;
    const prefix = s.layout.prefix;
    expect(await matches(p(`${prefix}-events`))).toEqual(all.filter((i) => /-events-\d{4}\.\d{2}\.\d{2}$/.test(i)));
    const days = new Set(
      Array.from({ length: 30 }, (_, i) => new Date(T0 + i * 5 * 3_600_000).toISOString().slice(0, 10)),
    );
    expect((await matches(p(`${prefix}-events`))).length).toBe(days.size);
    expect(await matches(p(`${prefix}-incidents`))).toEqual([`${prefix}-state-incidents`]);
    expect(await matches(p(`${prefix}-alerts`))).toEqual([`${prefix}-state-alerts`]);
  });

  it('listed fields exist on the live indices with the listed types', async () => {
    for (const p of objects.filter((o) => o.type === 'index-pattern' && o.attributes.fields)) {
      const res = await rest(s.client, 'GET', `/${p.attributes.title}/_field_caps`, undefined, {
        querystring: { fields: '*' },
      });
      const caps = res.body.fields as Record<string, Record<string, { aggregatable: boolean }>>;
      for (const f of JSON.parse(p.attributes.fields!) as FieldSpec[]) {
        if (f.scripted || f.name.startsWith('_') || !caps[f.name]) continue; // fields absent from the seeded docs (assignee, ...) are dynamic
        expect({ f: f.name, types: Object.keys(caps[f.name]!) }).toEqual({ f: f.name, types: f.esTypes });
        expect({ f: f.name, agg: caps[f.name]![f.esTypes[0]]!.aggregatable }).toEqual({
          f: f.name,
          agg: f.aggregatable,
        });
      }
    }
  });

  it('every visualisation aggregation runs and finds the seeded data', async () => {
    const want: Record<string, string[]> = {
      'events-by-agency': ['000.00.31.H40', '000.00.32.H40'],
      'alert-top-rules': ['Rule 0', 'Rule 1'],
      'incident-top-rules': ['rule-0', 'rule-1'],
      'open-incidents-by-severity': ['critical', 'high'],
    };
    for (const v of objects.filter((o) => o.type === 'visualization')) {
      const state = JSON.parse(v.attributes.visState!) as {
        aggs: { type: string; params: { field: string; size?: number } }[];
      };
      const ss = JSON.parse(v.attributes.kibanaSavedObjectMeta!.searchSourceJSON) as SearchSource;
      const ip = objects.find((o) => o.id === v.references[0]!.id)!;
      const seg = state.aggs.find((a) => a.type !== 'count')!;
      const agg =
        seg.type === 'date_histogram'
          ? { date_histogram: { field: seg.params.field, fixed_interval: '1h', min_doc_count: 1 } }
          : { terms: { field: seg.params.field, size: seg.params.size } };
      // The kuery of the open-incidents visualisation, as DSL.
      const query = ss.query.query
        ? { bool: { must_not: [{ terms: { 'k.state': ['resolved', 'false_positive'] } }] } }
        : { match_all: {} };
      const res = await rest(s.client, 'POST', `/${ip.attributes.title}/_search`, { size: 0, query, aggs: { a: agg } });
      const buckets = (res.body.aggregations as { a: { buckets: unknown } }).a.buckets as {
        key: string | number;
        doc_count: number;
      }[];
      const name = v.id.slice(s.layout.prefix.length + 5);
      if (seg.type === 'date_histogram') {
        expect(buckets.reduce((n, b) => n + b.doc_count, 0)).toBe(30);
      } else {
        expect({ name, keys: buckets.map((b) => String(b.key)).sort() }).toEqual({ name, keys: want[name] });
      }
    }
  });

  it('scripted time fields compile and return the documents’ times', async () => {
    for (const p of objects.filter((o) => o.type === 'index-pattern' && o.attributes.fields)) {
      for (const f of (JSON.parse(p.attributes.fields!) as FieldSpec[]).filter((x) => x.scripted)) {
        const src = /doc\['n\.([^']+)'\]/.exec(f.script)![1]!;
        const res = await rest(s.client, 'POST', `/${p.attributes.title}/_search`, {
          size: 10,
          _source: false,
          fields: [`n.${src}`],
          script_fields: { t: { script: { source: f.script, lang: 'painless' } } },
        });
        const hits = (res.body.hits as { hits: { fields: Record<string, unknown[]> }[] }).hits;
        expect(hits.length).toBe(4);
        for (const h of hits) expect(h.fields.t[0]).toBe(h.fields[`n.${src}`][0]);
      }
    }
  });
});
