/** A real SMTP server for tests (npm smtp-server) that keeps every message it accepts. */
import { SMTPServer } from 'smtp-server';

/** A real SMTP server (npm smtp-server) that keeps every message it accepts, raw. */
export interface TestSmtp {
  port: number;
  mails: string[];
  close(): Promise<void>;
}

/** Starts an SMTP server on `port` (0: any free port). */
export async function startSmtp(port = 0): Promise<TestSmtp> {
  const mails: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    port: address.port,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
