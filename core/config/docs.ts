import { envName, schemaLeaves } from './load.js';
import { CONFIG_SCHEMA, type SchemaNode } from './schema.js';

function typeOf(node: SchemaNode): string {
  const t = typeof node.type === 'string' ? node.type : (node.type?.join(' \\| ') ?? 'any');
  return node.enum ? node.enum.map((v) => `\`${String(v)}\``).join(' \\| ') : t;
}

function defaultOf(node: SchemaNode): string {
  if (node.default === undefined) return '—';
  return `\`${JSON.stringify(node.default)}\``;
}

/** The configuration reference (docs/configuration.md), generated from the schema so the two never disagree. */
export function configReference(): string {
  const rows = schemaLeaves(CONFIG_SCHEMA).map(({ path, node }) => {
    const env = [envName(path), ...(node['x-env'] ?? [])].filter((v, i, a) => a.indexOf(v) === i);
    return `| \`${path.join('.')}\` | ${typeOf(node)} | ${defaultOf(node)} | ${env.map((e) => `\`${e}\``).join(', ')} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from core/config/schema.ts by `node dist/core/config/docs.js > docs/configuration.md`; a test keeps it in sync. -->',
    '',
    'canhgac reads one YAML file (`--config FILE`), then `CANHGAC_*` environment variables, then command-line flags.',
    'Unknown keys are rejected at start, with every problem listed at once. Lists given through the environment are JSON.',
    '',
    '| key | type | default | environment | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(configReference());
