/** The error catalogue, part: intake, spool, decoders, normalisation and events files. Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of the durable spool. */
export const SPOOL_ERRORS = defineErrors({
  CANHGAC_ERR_SPOOL_LOCKED: {
    status: 500,
    message: 'The spool directory {dir} is in use by process {pid}',
    meaning: 'Another canhgac process holds the spool directory (one writer per data directory).',
    remedy: 'Stop the other process, or give this one its own --data-dir.',
  },
  CANHGAC_ERR_SPOOL_CLOSED: {
    status: 503,
    message: 'The spool is closed',
    meaning: 'An append or read reached the spool after it was closed (the service is stopping).',
    remedy: 'None at shutdown; the sender retries and the record is accepted after the restart.',
  },
  CANHGAC_ERR_SPOOL_BAD_CURSOR: {
    status: 500,
    message: 'Cannot commit cursor {segment}:{offset}: it is beyond what was read ({readSegment}:{readOffset})',
    meaning: 'A consumer tried to commit a position the spool never handed out (a bug or a damaged cursor file).',
    remedy:
      'Report it with the log line; deleting the cursor file replays the spool from its start (event.id keeps replays idempotent).',
  },
  CANHGAC_ERR_SPOOL_BAD_OPTIONS: {
    status: 500,
    message: 'Invalid spool options: {reason}',
    meaning:
      'The spool limits in the configuration contradict each other (segment larger than the whole spool, zero sizes).',
    remedy: 'Correct ingest.spool.* (docs/configuration.md).',
  },
  CANHGAC_ERR_SPOOL_IO: {
    status: 503,
    message: 'Spool I/O failed during {op}: {reason}',
    meaning: 'Reading or writing a spool segment failed (disk full, permissions, I/O error).',
    remedy:
      'Free disk space or fix permissions on the data directory; intake pushes back meanwhile and nothing acknowledged is lost.',
  },
});

/** Codes of event shapes, field-mapping pipelines and events files. */
export const WINDOWS_ERRORS = defineErrors({
  CANHGAC_ERR_PIPELINE_INVALID: {
    status: 400,
    message: 'Invalid field-mapping pipeline: {reason}',
    meaning: 'A field-mapping pipeline file (rules/pipelines/*.yml) does not have the expected shape.',
    remedy: 'Fix the file at the given line; each entry maps a source field name to the Sigma field name.',
  },
  CANHGAC_ERR_PIPELINE_UNREADABLE: {
    status: 500,
    message: 'Cannot read field-mapping pipeline {file}: {reason}',
    meaning: 'A field-mapping pipeline file cannot be read.',
    remedy: 'Check the path and the permissions of the file.',
  },
  CANHGAC_ERR_EVENTS_MALFORMED: {
    status: 400,
    message: 'Malformed event record: {reason}',
    meaning:
      'A record of an events file is not JSON (or auditd text) that can be read; the byte offset and line say where.',
    remedy: 'Fix or remove that record; the other records are still read.',
  },
  CANHGAC_ERR_EVENTS_UNKNOWN_SHAPE: {
    status: 400,
    message: 'Event record has no known shape: {reason}',
    meaning:
      'A record of an events file is JSON but matches none of the known event shapes (Windows, Linux, normalised).',
    remedy:
      'Give normalised events (docs: the normalised event) or one of the shapes `canhgac rules match --help` lists.',
  },
  CANHGAC_ERR_EVENTS_UNREADABLE: {
    status: 500,
    message: 'Cannot read events file {file}: {reason}',
    meaning: 'The events file cannot be opened or read.',
    remedy: 'Check the path and permissions; `-` reads standard input.',
  },
  CANHGAC_ERR_EVENTS_EMPTY: {
    status: 400,
    message: 'No events in {file} ({malformed} malformed records)',
    meaning: 'The events file holds no usable event, so there is nothing to measure or match.',
    remedy: 'Give a file with at least one well-formed event (the message counts the malformed ones).',
  },
});

/** Codes of decoders and normalisation. */
export const DECODER_ERRORS = defineErrors({
  CANHGAC_ERR_DECODER_UNKNOWN: {
    status: 400,
    message: "Unknown decoder '{name}' (known: {known})",
    meaning: 'A source or command names a decoder that does not exist.',
    remedy: 'Use one of the decoders listed in the message or `auto`.',
  },
  CANHGAC_ERR_DECODER_BAD_TIMEZONE: {
    status: 400,
    message: "Unknown time zone '{tz}'",
    meaning: 'A time zone name is not a known IANA zone.',
    remedy: 'Use an IANA name such as Asia/Ho_Chi_Minh.',
  },
  CANHGAC_ERR_NORMALISE_BAD_NETWORK: {
    status: 400,
    message: "Agency {agency}: '{network}' is not an IPv4/IPv6 network in CIDR notation",
    meaning: "An agency's network is not a valid CIDR or address.",
    remedy: "Correct the agency's networks (for example 10.31.0.0/16).",
  },
  CANHGAC_ERR_NORMALISE_BAD_AGENCY: {
    status: 400,
    message: 'Agency entry {index} is invalid: {reason}',
    meaning: 'An agency entry lacks its id or name or has the wrong types.',
    remedy: 'Give every agency an id (a Decision 20/2020/QĐ-TTg code) and a name.',
  },
});

/** Codes of intake sources. */
export const SOURCE_ERRORS = defineErrors({
  CANHGAC_ERR_SOURCE_UNKNOWN_KIND: {
    status: 400,
    message: 'Unknown source kind {kind} (known: {known})',
    meaning: 'An intake source has a kind that does not exist.',
    remedy: 'Use one of syslog-udp, syslog-tcp, syslog-tls, relp, http.',
  },
  CANHGAC_ERR_SOURCE_BAD_CONFIG: {
    status: 400,
    message: 'Invalid {kind} source configuration: {reason}',
    meaning: "An intake source's settings are invalid (port, certificate, limits).",
    remedy: "Correct the source's settings named in the message (docs/configuration.md).",
  },
  CANHGAC_ERR_SOURCE_LISTEN: {
    status: 500,
    message: 'The {kind} source cannot listen on {host}:{port}: {reason}',
    meaning: 'An intake source could not listen (port in use, no permission for a port below 1024, bad address).',
    remedy: 'Free the port or choose another one; ports below 1024 need CAP_NET_BIND_SERVICE.',
  },
});

/** Codes of the HTTP agent intake. */
export const HTTP_INTAKE_ERRORS = defineErrors({
  CANHGAC_ERR_INTAKE_UNAUTHORIZED: {
    status: 401,
    message: 'A valid agent API key is required',
    meaning: 'The agent sent no API key or one that is not an intake key.',
    remedy: "Create an intake key (`canhgac users create-key --role intake`) and send it as the agent's API key.",
  },
  CANHGAC_ERR_INTAKE_NOT_FOUND: {
    status: 404,
    message: 'No intake route {method} {path}',
    meaning: 'The agent called a path the intake does not serve.',
    remedy: 'Use /_bulk (Elasticsearch bulk) or /ingest (NDJSON).',
  },
  CANHGAC_ERR_INTAKE_TOO_LARGE: {
    status: 413,
    message: 'Request body larger than {limit} bytes',
    meaning: 'The request body (or its decompressed size) exceeds the intake limit.',
    remedy: "Send smaller batches, or raise the http source's body limit.",
  },
  CANHGAC_ERR_INTAKE_BAD_ENCODING: {
    status: 400,
    message: 'Cannot decode the body: {reason}',
    meaning: "The body's Content-Encoding is unsupported or the compressed data is damaged.",
    remedy: 'Send identity, gzip or deflate bodies.',
  },
  CANHGAC_ERR_INTAKE_BAD_LINES: {
    status: 400,
    message: '{rejected} of {total} events rejected; the others were accepted',
    meaning: 'Some lines of the request were not valid records; the rest were accepted.',
    remedy: "Fix the agent's output for the lines listed in the answer.",
  },
  CANHGAC_ERR_INTAKE_BAD_BULK: {
    status: 400,
    message: 'Malformed _bulk body at line {line}: {reason}; nothing of the request was accepted',
    meaning:
      'An Elasticsearch _bulk body is broken (an action line without its document, bad JSON): the request is refused whole so that no pair is split.',
    remedy: 'Fix the agent output at the given line and send the request again.',
  },
  CANHGAC_ERR_INTAKE_UNCLAIMED_SENDER: {
    status: 403,
    message: 'No agency claims the sender {source}: use an agent key of your agency',
    meaning: 'The sender address belongs to no agency and the intake is set to refuse unclaimed senders.',
    remedy:
      "Send with an agent key of the agency, or add the sender's network to the agency (console or agencies: in the configuration).",
  },
  CANHGAC_ERR_INTAKE_SPOOL_FULL: {
    status: 429,
    message: 'Intake is saturated; retry after {seconds} s',
    meaning: 'The spool is full: intake pushes back instead of dropping.',
    remedy:
      'None for the agent (retry after Retry-After); the operator checks the workers and the store, which are behind.',
  },
  CANHGAC_ERR_INTAKE_UNAVAILABLE: {
    status: 503,
    message: 'Intake cannot store events now; retry after {seconds} s',
    meaning: 'Intake cannot append to the spool right now (I/O error or shutting down).',
    remedy: "Retry after Retry-After; the operator checks the data directory's disk.",
  },
});
