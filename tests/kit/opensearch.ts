/**
 * Where the integration tests find the OpenSearch test node (tools/opensearch-node/node.sh prints the export).
 * Without CANHGAC_TEST_OPENSEARCH_URL the tests fail under CI (a missing node must not pass as green) and skip
 * with a clear message elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from '@jest/globals';

/** The test node's URL, or undefined. */
export const OPENSEARCH_URL: string | undefined = process.env.CANHGAC_TEST_OPENSEARCH_URL || undefined;

/** A fresh index prefix per test file, so files and reruns never see each other's data. */
export function testPrefix(): string {
  return `test-${randomUUID()}`;
}

/** Defines the suite when the node is there; otherwise a failing test under CI, a skipped one elsewhere. */
export function describeOpenSearch(name: string, body: (url: string) => void): void {
  if (OPENSEARCH_URL) {
    describe(name, () => body(OPENSEARCH_URL));
    return;
  }
  const why = `${name} needs a real OpenSearch: run \`eval "$(bash tools/opensearch-node/node.sh start)"\` first (sets CANHGAC_TEST_OPENSEARCH_URL).`;
  if (process.env.CI) {
    describe(name, () => {
      it('has an OpenSearch test node', () => {
        throw new Error(why);
      });
    });
  } else {
    process.stderr.write(`SKIPPED: ${why}\n`);
    describe.skip(name, () => {
      it('needs OpenSearch', () => undefined);
    });
  }
}
