// Writes canhgac.ndjson: the OpenSearch Dashboards saved objects (index patterns, visualisations, a dashboard) for
// the indices the canhgac OpenSearch store creates with the default prefix `canhgac` (store/opensearch/schema.ts:
// daily event indices canhgac-events-YYYY.MM.DD, state collections canhgac-state-<collection> whose scalar fields are
// copied to k.* / n.* / b.*). Import: docs/deployment.md. Regenerate: node dashboards/opensearch/generate.mjs
// (tests/deploy/saved-objects.int.test.ts checks the committed file is this script's output).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PREFIX = 'canhgac';
const OSD_VERSION = '2.19.6';
const SEARCH_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';

/** A field of an index pattern's `fields` list. */
function field(name, type, esType, { aggregatable = true, searchable = true } = {}) {
  return {
    name,
    type,
    esTypes: [esType],
    count: 0,
    scripted: false,
    searchable,
    aggregatable,
    readFromDocValues: aggregatable,
  };
}

/** A scripted date field over an epoch-ms number of a state document (n.<name>). */
function scriptedTime(name, numberField) {
  return {
    name,
    type: 'date',
    count: 0,
    scripted: true,
    script: `if (doc.containsKey('${numberField}') && doc['${numberField}'].size() > 0) { return (long) doc['${numberField}'].value; } return null;`,
    lang: 'painless',
    searchable: true,
    aggregatable: true,
    readFromDocValues: false,
  };
}

const keyword = (name) => field(name, 'string', 'keyword');
const number = (name) => field(name, 'number', 'double');

/** The meta fields Dashboards lists with every index pattern (Discover needs _id, _index, _source). */
const META_FIELDS = [
  { ...field('_id', 'string', '_id'), readFromDocValues: false },
  { ...field('_index', 'string', '_index'), readFromDocValues: false },
  { ...field('_score', 'number', '_score', { aggregatable: false, searchable: false }) },
  { ...field('_source', '_source', '_source', { aggregatable: false, searchable: false }) },
];

/** State documents: id, version, agencyId, and the top-level scalars of the document by kind. */
function stateFields(strings, numbers, times) {
  return [
    ...META_FIELDS,
    keyword('id'),
    field('version', 'number', 'long'),
    keyword('agencyId'),
    ...strings.map((f) => keyword(`k.${f}`)),
    ...numbers.map((f) => number(`n.${f}`)),
    ...times.map(([name, f]) => scriptedTime(name, `n.${f}`)),
  ];
}

// incidents/types.ts Incident and Alert: their string (and string-list) and number fields.
export const INCIDENT_STRINGS = [
  'id',
  'key',
  'title',
  'ruleId',
  'agencyId',
  'host',
  'severity',
  'state',
  'assignee',
  'attack',
  'entities',
  'mergedInto',
  'mergedFrom',
];
export const INCIDENT_NUMBERS = [
  'alertCount',
  'firstSeen',
  'lastSeen',
  'createdAt',
  'updatedAt',
  'acknowledgedAt',
  'resolvedAt',
  'reopenCount',
  'entitiesDropped',
];
export const ALERT_STRINGS = [
  'id',
  'kind',
  'ruleId',
  'ruleTitle',
  'level',
  'tags',
  'agencyId',
  'host',
  'incidentId',
  'suppressedBy',
  'entities',
];
export const ALERT_NUMBERS = ['ts'];

function indexPattern(id, title, { timeFieldName, fields } = {}) {
  return {
    attributes: {
      title,
      ...(timeFieldName ? { timeFieldName } : {}),
      // Events: no field list, so Dashboards reads the live mapping (Sigma payload fields are dynamic).
      ...(fields ? { fields: JSON.stringify(fields) } : {}),
    },
    id,
    migrationVersion: { 'index-pattern': '7.6.0' },
    references: [],
    type: 'index-pattern',
  };
}

function searchSource(query = '') {
  return JSON.stringify({ query: { query, language: 'kuery' }, filter: [], indexRefName: SEARCH_REF });
}

function visualization(id, title, indexPatternId, visState, query = '') {
  return {
    attributes: {
      title,
      visState: JSON.stringify({ title, ...visState }),
      uiStateJSON: '{}',
      description: '',
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: searchSource(query) },
    },
    id,
    migrationVersion: { visualization: '7.10.0' },
    references: [{ name: SEARCH_REF, type: 'index-pattern', id: indexPatternId }],
    type: 'visualization',
  };
}

const count = { id: '1', enabled: true, type: 'count', params: {}, schema: 'metric' };
const terms = (id, fieldName, size, schema, label) => ({
  id,
  enabled: true,
  type: 'terms',
  schema,
  params: {
    field: fieldName,
    orderBy: '1',
    order: 'desc',
    size,
    otherBucket: false,
    otherBucketLabel: 'Other',
    missingBucket: false,
    missingBucketLabel: 'Missing',
    customLabel: label,
  },
});

function histogram(timeField) {
  return {
    type: 'histogram',
    aggs: [
      count,
      {
        id: '2',
        enabled: true,
        type: 'date_histogram',
        schema: 'segment',
        params: {
          field: timeField,
          useNormalizedOpenSearchInterval: true,
          scaleMetricValues: false,
          interval: 'auto',
          drop_partials: false,
          min_doc_count: 1,
          extended_bounds: {},
        },
      },
    ],
    params: {
      type: 'histogram',
      grid: { categoryLines: false },
      categoryAxes: [
        {
          id: 'CategoryAxis-1',
          type: 'category',
          position: 'bottom',
          show: true,
          style: {},
          scale: { type: 'linear' },
          labels: { show: true, filter: true, truncate: 100 },
          title: {},
        },
      ],
      valueAxes: [
        {
          id: 'ValueAxis-1',
          name: 'LeftAxis-1',
          type: 'value',
          position: 'left',
          show: true,
          style: {},
          scale: { type: 'linear', mode: 'normal' },
          labels: { show: true, rotate: 0, filter: false, truncate: 100 },
          title: { text: 'Count' },
        },
      ],
      seriesParams: [
        {
          show: true,
          type: 'histogram',
          mode: 'stacked',
          data: { label: 'Count', id: '1' },
          valueAxis: 'ValueAxis-1',
          drawLinesBetweenPoints: true,
          lineWidth: 2,
          showCircles: true,
        },
      ],
      addTooltip: true,
      addLegend: true,
      legendPosition: 'right',
      times: [],
      addTimeMarker: false,
      labels: { show: false },
      thresholdLine: { show: false, value: 10, width: 1, style: 'full', color: '#E7664C' },
    },
  };
}

function pie(fieldName, size, label) {
  return {
    type: 'pie',
    aggs: [count, terms('2', fieldName, size, 'segment', label)],
    params: {
      type: 'pie',
      addTooltip: true,
      addLegend: true,
      legendPosition: 'right',
      isDonut: true,
      labels: { show: true, values: true, last_level: true, truncate: 100 },
    },
  };
}

function table(rows) {
  return {
    type: 'table',
    aggs: [count, ...rows.map(([f, size, label], i) => terms(String(i + 2), f, size, 'bucket', label))],
    params: {
      perPage: 20,
      showPartialRows: false,
      showMetricsAtAllLevels: false,
      sort: { columnIndex: null, direction: null },
      showTotal: false,
      totalFunc: 'sum',
      percentageCol: '',
    },
  };
}

/** Every saved object, in import order (index patterns, visualisations, the dashboard). */
export function savedObjects(prefix = PREFIX) {
  const events = indexPattern(`${prefix}-events`, `${prefix}-events-*`, { timeFieldName: '@timestamp' });
  const incidents = indexPattern(`${prefix}-incidents`, `${prefix}-state-incidents`, {
    fields: stateFields(INCIDENT_STRINGS, INCIDENT_NUMBERS, [
      ['firstSeenTime', 'firstSeen'],
      ['lastSeenTime', 'lastSeen'],
    ]),
  });
  const alerts = indexPattern(`${prefix}-alerts`, `${prefix}-state-alerts`, {
    fields: stateFields(ALERT_STRINGS, ALERT_NUMBERS, [['alertTime', 'ts']]),
  });
  const vis = [
    visualization(
      `${prefix}-vis-events-over-time`,
      'Sự kiện theo thời gian / Events over time',
      events.id,
      histogram('@timestamp'),
    ),
    visualization(
      `${prefix}-vis-events-by-agency`,
      'Sự kiện theo đơn vị / Events by agency',
      events.id,
      pie('agency.id', 20, 'Đơn vị / Agency'),
    ),
    visualization(
      `${prefix}-vis-alert-top-rules`,
      'Luật cảnh báo nhiều nhất / Top rules of alerts',
      alerts.id,
      table([
        ['k.ruleTitle', 20, 'Luật / Rule'],
        ['k.level', 5, 'Mức độ / Level'],
      ]),
    ),
    visualization(
      `${prefix}-vis-incident-top-rules`,
      'Luật gây sự cố nhiều nhất / Top rules of incidents',
      incidents.id,
      table([
        ['k.ruleId', 20, 'Mã luật / Rule id'],
        ['k.title', 1, 'Tên / Title'],
      ]),
    ),
    visualization(
      `${prefix}-vis-open-incidents-by-severity`,
      'Sự cố đang mở theo mức độ / Open incidents by severity',
      incidents.id,
      pie('k.severity', 5, 'Mức độ / Severity'),
      'not k.state:(resolved or false_positive)',
    ),
  ];
  const layout = [
    { x: 0, y: 0, w: 48, h: 12 },
    { x: 0, y: 12, w: 24, h: 15 },
    { x: 24, y: 12, w: 24, h: 15 },
    { x: 0, y: 27, w: 24, h: 15 },
    { x: 24, y: 27, w: 24, h: 15 },
  ];
  const dashboard = {
    attributes: {
      title: 'canhgac — tổng quan / overview',
      description: 'Sự kiện, cảnh báo và sự cố của canhgac / canhgac events, alerts and incidents',
      hits: 0,
      panelsJSON: JSON.stringify(
        vis.map((_v, i) => ({
          version: OSD_VERSION,
          gridData: { ...layout[i], i: String(i + 1) },
          panelIndex: String(i + 1),
          embeddableConfig: {},
          panelRefName: `panel_${i}`,
        })),
      ),
      optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
      version: 1,
      timeRestore: true,
      timeFrom: 'now-7d',
      timeTo: 'now',
      refreshInterval: { pause: true, value: 0 },
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }),
      },
    },
    id: `${prefix}-overview`,
    migrationVersion: { dashboard: '7.9.3' },
    references: vis.map((v, i) => ({ name: `panel_${i}`, type: 'visualization', id: v.id })),
    type: 'dashboard',
  };
  return [events, incidents, alerts, ...vis, dashboard];
}

/** The NDJSON text: one object per line. */
export function ndjson(prefix = PREFIX) {
  return `${savedObjects(prefix)
    .map((o) => JSON.stringify(o))
    .join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'canhgac.ndjson');
  writeFileSync(out, ndjson());
  process.stdout.write(`wrote ${out}\n`);
}
