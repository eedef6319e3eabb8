/**
 * The sender address as source.ip: an IPv4 sender seen through a dual-stack (`::`) listener arrives as
 * `::ffff:a.b.c.d`; agency attribution by network prefix expects `a.b.c.d`.
 */
export function senderAddress(addr: string | undefined): string {
  if (addr === undefined) return 'unknown';
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}
