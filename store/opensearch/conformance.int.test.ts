import { runEventStoreConformance, runStateStoreConformance } from '../../tests/conformance/store/index.js';
import { describeOpenSearch, testPrefix } from '../../tests/kit/opensearch.js';
import type { EventStore, StateStore } from '../types.js';
import { rest } from './client.js';
import { type OpenSearchStores, openOpenSearchStores } from './index.js';

/** Closing a conformance store drops its indices, so a long test run does not fill the node. */
async function dispose(s: OpenSearchStores): Promise<void> {
  await rest(s.client, 'DELETE', `/${s.layout.prefix}-*`, undefined, { ok: [404] });
  await rest(s.client, 'DELETE', `/_index_template/${s.layout.prefix}-*`, undefined, { ok: [404] });
  await s.close();
}

// The shared store conformance suite against a real OpenSearch node, each suite on its own index prefix.
describeOpenSearch('OpenSearch store conformance', (url) => {
  runEventStoreConformance('opensearch', async (): Promise<EventStore> => {
    const s = await openOpenSearchStores({ node: url, prefix: testPrefix() });
    return new Proxy(s.events, {
      get: (t, k) => (k === 'close' ? () => dispose(s) : Reflect.get(t, k, t)),
    });
  });

  runStateStoreConformance('opensearch', async (): Promise<StateStore> => {
    const s = await openOpenSearchStores({ node: url, prefix: testPrefix() });
    const st = s.state;
    return {
      collection: (name) => st.collection(name),
      getMany: (refs) => st.getMany(refs),
      writeMany: (writes, refresh) => st.writeMany(writes, refresh),
      close: () => dispose(s),
    };
  });
});
