/** The Vietnamese words of the shipped rules (rules/vi.yml): the console shows incident and rule titles with them. */
import { ruleWords } from '../../reports/rule-names.js';
import type { RouteDef } from '../context.js';

/** Routes of this file. */
export const ruleWordRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/rule-words',
    operationId: 'listRuleWords',
    handle: async ({ res }) => {
      // The same for every caller and changed only by an upgrade: a browser keeps it for an hour.
      res.setHeader('cache-control', 'private, max-age=3600');
      return { body: { items: [...ruleWords()].map(([id, w]) => ({ id, ...w })) } };
    },
  },
];
