/**
 * Response compression without a dependency: brotli or gzip (node:zlib) chosen from Accept-Encoding, for the
 * console's static files (compressed once, cached with the file) and the API's JSON answers above 1 KB.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** An encoding the client accepts, brotli first; undefined for identity. */
export function pickEncoding(acceptEncoding: string | string[] | undefined): 'br' | 'gzip' | undefined {
  const h = (Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '')).toLowerCase();
  const ok = (name: string) => {
    const m = new RegExp(`(?:^|,)\\s*${name}\\s*(?:;\\s*q=([0-9.]+))?\\s*(?:,|$)`).exec(h);
    return m !== null && (m[1] === undefined || Number(m[1]) > 0);
  };
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return undefined;
}

/** Bodies smaller than this go uncompressed (the headers would outweigh the gain). */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * The body compressed with `enc`. `quality`: 'static' (compressed once, best ratio) or 'dynamic' (per answer,
 * fast: brotli level 4, gzip level 6).
 */
export function compress(body: Buffer, enc: 'br' | 'gzip', quality: 'static' | 'dynamic'): Buffer {
  if (enc === 'gzip') return gzipSync(body, { level: quality === 'static' ? 9 : 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality === 'static' ? 11 : 4,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}
