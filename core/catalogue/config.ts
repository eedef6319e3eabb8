/** The error catalogue, part: configuration and the command line. Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of loading the configuration. */
export const CONFIG_ERRORS = defineErrors({
  CANHGAC_ERR_CONFIG_INVALID: {
    status: 500,
    message: 'Invalid configuration: {problems}',
    meaning:
      'The configuration file or a CANHGAC_* variable breaks the schema: an unknown key, a wrong type, a value out of range. Every problem is listed at once.',
    remedy: 'Correct each listed key; docs/configuration.md gives every key, its type, default and variable.',
  },
  CANHGAC_ERR_CONFIG_UNREADABLE: {
    status: 500,
    message: 'Cannot read configuration file {file}: {reason}',
    meaning: 'The configuration file given with --config cannot be read or is not YAML.',
    remedy: 'Check the path and permissions and that the file is valid YAML (a key: value map).',
  },
  CANHGAC_ERR_CONFIG_MISSING: {
    status: 500,
    message: '{what} needs {key} ({env})',
    meaning:
      'A setting that this mode of operation needs is not set (for example redis.url for the distributed mode, store.opensearch.url for a shared store).',
    remedy:
      'Set the named key in the configuration file or its CANHGAC_* variable, or start the embedded mode (`canhgac start`) that needs neither.',
  },
});

/** Codes of the `canhgac` command line. */
export const CLI_ERRORS = defineErrors({
  CANHGAC_ERR_CLI_USAGE: {
    status: 400,
    message: '{reason}',
    meaning: 'The command line is incomplete or has a value the command does not accept.',
    remedy: 'Run the command with --help and give the missing or corrected argument.',
  },
  CANHGAC_ERR_CLI_NO_STORE: {
    status: 400,
    message: 'No event store at {path} (check --data-dir or --config)',
    meaning: 'A command that replays stored events found no embedded store there and no OpenSearch configured.',
    remedy: "Point --data-dir at the service's data directory, or --config at its configuration file.",
  },
  CANHGAC_ERR_CLI_DOWNLOAD: {
    status: 502,
    message: '{url} answered HTTP {status}',
    meaning: 'A command downloading a file (a rule package, its checksums) got an error answer.',
    remedy: 'Check the URL (the release asset or mirror path), or download the file and give its local path.',
  },
});
