/** Worker stage match: the compiled Sigma engine (detection/engine) over each normalised event. */
import { Engine } from '../../detection/engine/index.js';
import { loadRules } from '../../detection/sigma/load.js';
import type { PipelineOutput, WorkerStage } from '../stage.js';

export const match: WorkerStage = {
  name: 'match',
  async open(options) {
    const disabled = new Set(options.disabled ?? []);
    const loaded = options.ruleDirs.length
      ? await loadRules(options.ruleDirs, {
          ...(options.placeholders ? { placeholders: options.placeholders } : {}),
          cacheDir: options.ruleCacheDir,
        })
      : { documents: [] };
    const engine = new Engine(loaded.documents.filter((d) => !disabled.has(d.id)));
    return (batch) => {
      const { events } = batch;
      const out: PipelineOutput[] = new Array(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        // Quarantined events (senders no agency claims) are stored for review, never matched.
        const m = event['canhgac.quarantine'] === undefined ? engine.match(event) : [];
        out[i] =
          m.length === 0
            ? { event }
            : {
                event,
                matches: m.map((r) => ({
                  id: r.id,
                  ...(r.name ? { name: r.name } : {}),
                  title: r.title,
                  ...(r.level ? { level: r.level } : {}),
                  tags: r.tags,
                })),
              };
      }
      batch.outputs = out;
    };
  },
};
