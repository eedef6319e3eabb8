/**
 * Pushed changes: one EventSource on /api/v1/stream per page that asks, calling back on each `incidents` event.
 * EventSource reconnects by itself; pages keep a slow poll as a fallback.
 */
import { useEffect, useRef, useState } from 'react';

/** Calls `onChange` when the server says the newest incidents changed; true while the stream is connected. */
export function useLive(onChange: () => void): boolean {
  const cb = useRef(onChange);
  cb.current = onChange;
  const [up, setUp] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/v1/stream');
    es.addEventListener('ready', () => setUp(true));
    es.addEventListener('incidents', () => cb.current());
    es.onerror = () => setUp(false);
    return () => es.close();
  }, []);
  return up;
}
