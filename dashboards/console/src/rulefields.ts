/** What a Sigma rule's detection looks at: field names and the literal parts of their values (for highlighting). */
import { parse } from 'yaml';

/** Field -> literal fragments of the rule's values ('*' and '?' split fragments). Keywords go under `message`. */
export function ruleFields(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return out;
  }
  const detection = (doc as { detection?: Record<string, unknown> } | null)?.detection;
  if (!detection || typeof detection !== 'object') return out;
  const add = (field: string, v: unknown) => {
    const list = out.get(field) ?? [];
    const vals = Array.isArray(v) ? v : [v];
    for (const x of vals) {
      if (typeof x === 'string' || typeof x === 'number')
        for (const frag of String(x).split(/[*?]/)) if (frag.length >= 2) list.push(frag.replace(/\\\\/g, '\\'));
    }
    out.set(field, list);
  };
  const search = (s: unknown) => {
    if (Array.isArray(s)) {
      for (const x of s) {
        if (x && typeof x === 'object') search(x);
        else add('message', x);
      }
    } else if (s && typeof s === 'object') {
      for (const [k, v] of Object.entries(s as Record<string, unknown>)) add(k.split('|')[0]!, v);
    }
  };
  for (const [name, s] of Object.entries(detection)) if (name !== 'condition' && name !== 'timeframe') search(s);
  return out;
}

/** ATT&CK technique links from rule tags (attack.t1110.001 -> T1110/001); tactics stay as names. */
export function attackLinks(tags: readonly string[]): { label: string; href?: string }[] {
  return tags.map((tag) => {
    const m = /^attack\.(t\d{4})(?:\.(\d{3}))?$/i.exec(tag);
    if (!m) return { label: tag.replace(/^attack\./, '') };
    const id = m[1]!.toUpperCase();
    return {
      label: m[2] ? `${id}.${m[2]}` : id,
      href: `https://attack.mitre.org/techniques/${id}/${m[2] ? `${m[2]}/` : ''}`,
    };
  });
}
