import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway certificate authority and a server certificate for localhost / 127.0.0.1. */
export interface TestCertificates {
  /** Path of the CA's PEM, to hand to `DELIVERY_EXTRA_CA_FILE`. */
  caFile: string;
  ca: string;
  key: string;
  cert: string;
  /** Paths of the server key and certificate above, for servers that read them from files (nats-server). */
  keyFile: string;
  certFile: string;
  /** A client certificate signed by the same CA, and its key, for servers that verify clients (mutual TLS). */
  clientCertFile: string;
  clientKeyFile: string;
}

/** Creates a CA, and a server and a client certificate signed by it, with openssl, in a temp folder. */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  // Signs `<name>.csr` with the test CA into `<name>.pem`, with the extensions in `extensions`.
  const signWithCa = (name: string, extensions: string) =>
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.pem`),
      '-days',
      '3',
      '-extfile',
      file(extensions),
    );
  openssl('req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '3', '-subj', '/CN=wirehook test CA');
  openssl('req', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n');
  signWithCa('server', 'san.ext');
  openssl('req', ...ecKey, '-keyout', file('client.key'), '-out', file('client.csr'), '-subj', '/CN=wirehook test client');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  signWithCa('client', 'client.ext');
  return {
    caFile: file('ca.pem'),
    ca: readFileSync(file('ca.pem'), 'utf8'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    keyFile: file('server.key'),
    certFile: file('server.pem'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
  };
}

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  /** When the whole request had arrived and when the answer was handed to the socket (`performance.now()`, sub-millisecond). */
  arrivedAtMs: number;
  answeredAtMs?: number;
}

/** What the receiver answers; `delayMs` holds the answer back to simulate a slow endpoint. */
export interface ReceiverReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type ReceiverBehaviour = (request: ReceivedRequest) => ReceiverReply;

/** An HTTPS server that records every request and answers as told. */
export class HttpsReceiver {
  readonly requests: ReceivedRequest[] = [];
  private behaviour: ReceiverBehaviour = () => ({ status: 200, body: '{"received":true}', headers: { 'content-type': 'application/json' } });

  private readonly server: Server;
  private listeningPort = 0;
  private open = 0;
  /** Most requests the receiver was answering at the same time. */
  maxConcurrent = 0;

  private constructor(certificates: TestCertificates) {
    this.server = createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
          arrivedAtMs: performance.now(),
        };
        this.requests.push(request);
        this.open += 1;
        this.maxConcurrent = Math.max(this.maxConcurrent, this.open);
        res.once('close', () => (this.open -= 1));
        const reply = this.behaviour(request);
        const send = () => {
          if (res.destroyed) return;
          request.answeredAtMs = performance.now();
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
        else send();
      });
    });
  }

  static async start(certificates: TestCertificates): Promise<HttpsReceiver> {
    const receiver = new HttpsReceiver(certificates);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const address = receiver.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('receiver did not bind');
    receiver.listeningPort = address.port;
    return receiver;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** URL of a path on this receiver, by host name so TLS verification uses the certificate. */
  url(path = '/webhooks'): string {
    return `https://localhost:${this.port}${path}`;
  }

  respondWith(behaviour: ReceiverBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Forgets what was received so far. */
  reset(): void {
    this.requests.length = 0;
    this.maxConcurrent = this.open;
  }

  /**
   * Most requests to `path` that had arrived and were not yet answered at the same moment: a
   * lower bound of what the sender had in flight, free of how the server's own events interleave.
   */
  maxConcurrentTo(path: string): number {
    const changes = this.requestsTo(path).flatMap((request) => [
      { at: request.arrivedAtMs, change: 1 },
      { at: request.answeredAtMs ?? Number.POSITIVE_INFINITY, change: -1 },
    ]);
    // At the same instant an answer counts before an arrival: they did not overlap.
    changes.sort((a, b) => a.at - b.at || a.change - b.change);
    let open = 0;
    let most = 0;
    for (const { change } of changes) most = Math.max(most, (open += change));
    return most;
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
