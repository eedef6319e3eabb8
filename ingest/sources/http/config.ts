/** Configuration of the HTTP intake source (agents: Beats, Fluent Bit, Vector, NXLog, scripts). */
export interface HttpIntakeConfig {
  /** Listen address; intake has its own port, apart from the API. */
  host: string;
  port: number;
  /** Largest request body accepted on the wire (compressed), bytes. */
  maxBodyBytes: number;
  /** Largest body after gzip decompression, bytes (a gzip bomb stops here). */
  maxDecodedBytes: number;
  /** Largest single event, bytes; a larger one is refused with its line number. */
  maxEventBytes: number;
  /** Agent API keys: sha256 hex of the key -> agency id. Keys themselves are never stored. */
  apiKeys: { sha256: string; agency: string; name?: string }[];
  /** Refuse requests without a valid key (true by default: intake is open to the network). */
  requireApiKey: boolean;
  /** Seconds a client is told to wait when the spool is full. */
  retryAfterSeconds: number;
  /** Optional TLS (PEM strings). */
  tls?: { cert: string; key: string; ca?: string };
}

/** Defaults: 127.0.0.1:9201, 10 MiB bodies, 100 MiB decoded, 1 MiB per event. */
export const DEFAULT_HTTP_INTAKE: HttpIntakeConfig = {
  host: '127.0.0.1',
  port: 9201,
  maxBodyBytes: 10 * 1024 * 1024,
  maxDecodedBytes: 100 * 1024 * 1024,
  maxEventBytes: 1024 * 1024,
  apiKeys: [],
  requireApiKey: true,
  retryAfterSeconds: 5,
};
