/** Pieces of the search language (store/query/README.md) the console writes. */

/** `field:"value"` in the search language (quotes and backslashes escaped; special characters in the name too). */
export function termFor(field: string, value: string): string {
  const name = field.replace(/([\\:()"[\]{}*? ])/g, '\\$1');
  return `${name}:"${value.replace(/(["\\])/g, '\\$1')}"`;
}
