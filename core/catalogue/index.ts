/**
 * The one error catalogue: every CANHGAC_ERR_* code of canhgac, merged from the parts in this folder. Codes are
 * unique across parts (checked here at load and by catalogue.test.ts); docs/errors.md is generated from it
 * (`node dist/core/catalogue/index.js > docs/errors.md`; a test keeps it in sync).
 */
import type { ErrorSpec } from '../errors.js';
import { API_ERRORS, OIDC_ERRORS } from './api.js';
import { CLI_ERRORS, CONFIG_ERRORS } from './config.js';
import { CONSOLE_MESSAGES } from './console.js';
import { CONTEXT_ERRORS } from './context.js';
import { DELIVERY_ERROR_TEXT } from './delivery.js';
import { CORRELATION_ERRORS, ENGINE_ERRORS, HUNT_ERRORS } from './detection.js';
import { INCIDENT_ERRORS, NOTIFY_ERRORS, REPORT_ERRORS } from './incidents.js';
import { DECODER_ERRORS, HTTP_INTAKE_ERRORS, SOURCE_ERRORS, SPOOL_ERRORS, WINDOWS_ERRORS } from './ingest.js';
import { DETECTION_ERRORS } from './sigma.js';
import { QUERY_ERRORS, STORE_ERRORS } from './store.js';

/** The parts in reference order: title and codes. */
export const CATALOGUE_PARTS: ReadonlyArray<{ title: string; errors: Record<string, ErrorSpec> }> = [
  { title: 'Configuration', errors: CONFIG_ERRORS },
  { title: 'Command line', errors: CLI_ERRORS },
  { title: 'Intake sources', errors: SOURCE_ERRORS },
  { title: 'HTTP agent intake', errors: HTTP_INTAKE_ERRORS },
  { title: 'Spool', errors: SPOOL_ERRORS },
  { title: 'Decoders and normalisation', errors: DECODER_ERRORS },
  { title: 'Event shapes, field-mapping pipelines, events files', errors: WINDOWS_ERRORS },
  { title: 'Sigma rules', errors: DETECTION_ERRORS },
  { title: 'Detection engine', errors: ENGINE_ERRORS },
  { title: 'Correlations', errors: CORRELATION_ERRORS },
  { title: 'Retro-hunt', errors: HUNT_ERRORS },
  { title: 'Search language', errors: QUERY_ERRORS },
  { title: 'Stores', errors: STORE_ERRORS },
  { title: 'Threat intelligence and context', errors: CONTEXT_ERRORS },
  { title: 'Incidents', errors: INCIDENT_ERRORS },
  { title: 'Notifications', errors: NOTIFY_ERRORS },
  { title: 'Reports', errors: REPORT_ERRORS },
  { title: 'REST API', errors: API_ERRORS },
  { title: 'Identity provider sign-in', errors: OIDC_ERRORS },
];

/** Merges parts; a code defined twice is a programming error, refused at load. */
export function mergeCatalogue(parts: ReadonlyArray<{ errors: Record<string, ErrorSpec> }>): Record<string, ErrorSpec> {
  const all: Record<string, ErrorSpec> = {};
  for (const part of parts) {
    for (const [code, spec] of Object.entries(part.errors)) {
      if (code in all) throw new Error(`Error code ${code} is defined twice in core/catalogue/`);
      all[code] = spec;
    }
  }
  return all;
}

/** Every code, its HTTP status, message, meaning and remedy. */
export const ERRORS: Readonly<Record<string, ErrorSpec>> = mergeCatalogue(CATALOGUE_PARTS);

/** The error reference (docs/errors.md), generated from the catalogue so the two never disagree. */
export function errorsReference(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    '# Error reference',
    '',
    '<!-- Generated from core/catalogue/ by `node dist/core/catalogue/index.js > docs/errors.md`; a test keeps it in sync. -->',
    '',
    'Every error canhgac reports carries a stable code. The API answers `{"error": {"code", "message", "details"}}`',
    'with the HTTP status below; the command line prints the message (with `file:line:col` for rules and pipelines);',
    'logs carry the code as `error_code`. Placeholders in braces are filled in the real message.',
  ];
  for (const part of CATALOGUE_PARTS) {
    out.push('', `## ${part.title}`, '', '| code | HTTP | message | meaning | what to do |', '|---|---|---|---|---|');
    for (const [code, s] of Object.entries(part.errors)) {
      out.push(`| \`${code}\` | ${s.status} | ${cell(s.message)} | ${cell(s.meaning)} | ${cell(s.remedy)} |`);
    }
  }
  out.push(
    '',
    '## Console wording',
    '',
    "The web console shows these errors in the user's language (core/catalogue/console.ts), filled from the",
    "error's `params`; a field named by a validation error is shown by its label.",
    '',
    '| code | Tiếng Việt | English |',
    '|---|---|---|',
  );
  for (const [code, m] of Object.entries(CONSOLE_MESSAGES)) out.push(`| \`${code}\` | ${cell(m.vi)} | ${cell(m.en)} |`);
  out.push(
    '',
    '## Failed deliveries in the console',
    '',
    "A notification channel's, an export's or a threat-intel feed's failure is stored as the raw text of what failed",
    '(Node, nodemailer, the receiver). The console shows the sentence of its class (core/catalogue/delivery.ts) and',
    'the raw text, as plain text, behind "Chi tiết kỹ thuật" / "Technical details".',
    '',
    '| class | Tiếng Việt | English |',
    '|---|---|---|',
  );
  for (const [kind, m] of Object.entries(DELIVERY_ERROR_TEXT))
    out.push(`| \`${kind}\` | ${cell(m.vi)} | ${cell(m.en)} |`);
  out.push('');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(errorsReference());
