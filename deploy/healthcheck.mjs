// Health check of the canhgac containers (docker-compose.yml), without curl in the image:
//   node deploy/healthcheck.mjs http URL      healthy when URL answers 2xx within 4 s (ingest: /readyz)
//   node deploy/healthcheck.mjs redis         healthy when the Redis of CANHGAC_REDIS_URL answers PING (worker)
import net from 'node:net';

const [mode, arg] = process.argv.slice(2);
const done = (ok, why) => {
  if (!ok) process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(ok ? 0 : 1);
};
setTimeout(() => done(false, 'no answer within 4 s'), 4000).unref();

if (mode === 'http') {
  fetch(arg, { signal: AbortSignal.timeout(4000) }).then(
    (r) => done(r.ok, `${arg} answered ${r.status}`),
    (e) => done(false, `${arg}: ${e.message}`),
  );
} else if (mode === 'redis') {
  const url = new URL(process.env.CANHGAC_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const sock = net.connect(Number(url.port || 6379), url.hostname);
  const pass = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username);
  let out = '';
  sock.on('connect', () => {
    if (pass) sock.write(user ? `AUTH ${user} ${pass}\r\n` : `AUTH ${pass}\r\n`);
    sock.write('PING\r\n');
  });
  sock.on('data', (d) => {
    out += d.toString();
    // An error to AUTH (wrong or unexpected password) is unhealthy even though PING may still answer.
    const err = out.split('\r\n').find((l) => l.startsWith('-'));
    if (err) done(false, `redis: ${err}`);
    else if (out.includes('+PONG')) done(true);
  });
  sock.on('error', (e) => done(false, `redis ${url.hostname}:${url.port}: ${e.message}`));
} else {
  done(false, `usage: healthcheck.mjs http URL | redis (got ${mode})`);
}
