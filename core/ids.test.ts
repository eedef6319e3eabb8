import { describe, expect, it } from '@jest/globals';
import { newEventId } from './ids.js';

describe('newEventId', () => {
  it('makes unique UUIDv7 ids that sort by time', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newEventId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});
