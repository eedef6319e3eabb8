/**
 * Reads a ZIP archive (a SigmaHQ release package) in memory with node:zlib: the central directory, stored and
 * deflated entries, CRC-32 checked. Untrusted input: names with `..`, absolute paths or backslashes are refused,
 * and the total size is bounded, so a package cannot write outside its folder or fill the disk.
 */
import { crc32, inflateRawSync } from 'node:zlib';

/** One file of the archive. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** A malformed or hostile archive, with the byte offset where it was found. */
export class ZipError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (byte ${offset})`);
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Every file entry (directories skipped), at most `maxBytes` uncompressed in all. */
export function readZip(buf: Buffer, maxBytes = 512 * 1024 * 1024): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a ZIP archive: no end of central directory', buf.length);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipError('broken central directory', p);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (name.includes('\\') || name.startsWith('/') || name.split('/').includes('..') || name.includes('\u0000'))
      throw new ZipError(`unsafe entry name ${JSON.stringify(name)}`, p);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) throw new ZipError('broken local header', local);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + csize > buf.length) throw new ZipError(`entry ${name} runs past the end`, start);
    total += usize;
    if (total > maxBytes) throw new ZipError(`more than ${maxBytes} bytes uncompressed`, local);
    const raw = buf.subarray(start, start + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw, { maxOutputLength: Math.max(usize, 1) });
    else throw new ZipError(`entry ${name} uses compression method ${method}`, local);
    if (data.length !== usize || crc32(data) !== crc) throw new ZipError(`entry ${name} fails its CRC-32`, local);
    out.push({ name, data });
  }
  return out;
}
