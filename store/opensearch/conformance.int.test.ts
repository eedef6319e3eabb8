import { runEventStoreConformance, runStateStoreConformance } from '../conformance/index.js';
import type { EventStore, StateStore } from '../types.js';
import { openOpenSearchStores } from './index.js';
import { describeOpenSearch, testPrefix } from './test-env.js';

// The shared store conformance suite against a real OpenSearch node, each suite on its own index prefix.
describeOpenSearch('OpenSearch store conformance', (url) => {
  runEventStoreConformance('opensearch', async (): Promise<EventStore> => {
    const s = await openOpenSearchStores({ node: url, prefix: testPrefix() });
    return new Proxy(s.events, {
      get: (t, k) => (k === 'close' ? () => s.close() : Reflect.get(t, k, t)),
    });
  });

  runStateStoreConformance('opensearch', async (): Promise<StateStore> => {
    const s = await openOpenSearchStores({ node: url, prefix: testPrefix() });
    return { collection: (name) => s.state.collection(name), close: () => s.close() };
  });
});
